#!/usr/bin/env bash
# Runs Kelvin's kernel and solver benchmarks and prints the figures bench/RESULTS.md records:
# STREAM triad bandwidth, diffusion-operator cell updates per second and their fraction of the
# STREAM bound (48 bytes per cell), V-cycle cost, and steady-solve time, iterations and
# convergence factor per cycle for a uniform cube and the package-like stack; then the coolant
# network (bench_loop): steady hydraulics, steady heat and one transient step against the number
# of plate branches (72, 1000, 10000; direct and reverse return).
#   bench/run_benchmarks.sh [BUILD_DIR]       (default build/, built with KELVIN_BENCH=ON)
#   SKIP_KERNELS=1 bench/run_benchmarks.sh    (the coolant network only)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
bench="$build/bench/bench_kernels"
[ -x "$bench" ] || { echo "no $bench: build with scripts/build (KELVIN_BENCH is ON by default)"; exit 2; }
json="$(mktemp)"
echo "machine: $(lscpu | sed -n 's/^Model name:[ ]*//p' | head -1), $(nproc) cores; $("$build/kelvin" info | tr '\n' ' ')"
if [ "${SKIP_KERNELS:-0}" != 1 ]; then
"$bench" --benchmark_out="$json" --benchmark_out_format=json "$@" > /dev/null
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
get = lambda name: next(r for r in runs if r["name"].startswith(name))
triad = max(r["bytes_per_second"] for r in runs if r["name"].startswith("BM_StreamTriad"))
print(f"STREAM triad: {triad / 1e9:.1f} GB/s -> 7-point bound {triad / 48 / 1e6:.0f} M cell updates/s")
for r in runs:
    n = r["name"]
    if n.startswith("BM_DiffusionApply"):
        cu = r["cell_updates_per_second"]
        print(f"{n:40s} {cu / 1e6:8.1f} M cell updates/s = {100 * cu * 48 / triad:5.1f} % of the STREAM bound")
    elif n.startswith("BM_VCycle"):
        print(f"{n:40s} {r['real_time']:8.1f} ms per V-cycle, {int(r['levels'])} levels")
    elif n.startswith("BM_Solve"):
        print(f"{n:40s} {r['real_time'] / 1e3:8.3f} s to 1e-8, {int(r['iterations'])} iterations, "
              f"convergence factor {r['convergence_factor']:.3f}, {int(r['cells'])} cells")
PY
fi

# Coolant network against its branch count: time per solve and the checks each size passed.
loop="$build/bench/bench_loop"
[ -x "$loop" ] || { echo "no $loop: build with scripts/build (KELVIN_BENCH is ON by default)"; exit 2; }
echo "load average before the coolant-network runs: $(cut -d' ' -f1-3 /proc/loadavg)"
"$loop" --benchmark_out="$json" --benchmark_out_format=json > /dev/null
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
for r in runs:
    if r.get("error_occurred"):
        sys.exit(f"{r['name']}: {r['error_message']}")
def find(kind, n, rev):
    return next(r for r in runs if r["name"].startswith(f"BM_Loop{kind}/branches:{n}/reverse:{rev}/"))
sizes = sorted({int(r["name"].split("branches:")[1].split("/")[0]) for r in runs})
print(f"{'branches':>8} {'return':>7} {'Newton':>6} {'ms/solve':>9} {'heat ms':>8} {'step ms':>8} "
      f"{'node imbalance':>14} {'heat imbalance':>14} {'energy residual':>15} {'max/min plate flow':>18}")
for n in sizes:
    for rev in (0, 1):
        h, t, s = find("Hydraulics", n, rev), find("Heat", n, rev), find("TransientStep", n, rev)
        print(f"{n:8d} {'reverse' if rev else 'direct':>7} {int(h['newton_iterations']):6d} "
              f"{h['real_time']:9.3f} {t['real_time']:8.3f} {s['real_time']:8.3f} "
              f"{h['max_node_imbalance']:14.1e} {t['heat_imbalance']:14.1e} "
              f"{s['energy_residual']:15.1e} {h['plate_flow_max_over_min']:18.4f}")
PY
rm -f "$json"
