#!/usr/bin/env bash
# Runs Kelvin's kernel and solver benchmarks and prints the figures bench/RESULTS.md records:
# STREAM triad bandwidth, diffusion-operator cell updates per second and their fraction of the
# STREAM bound (48 bytes per cell), V-cycle cost, and steady-solve time, iterations and
# convergence factor per cycle for a uniform cube and the package-like stack.
#   bench/run_benchmarks.sh [BUILD_DIR]       (default build/, built with KELVIN_BENCH=ON)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
bench="$build/bench/bench_kernels"
[ -x "$bench" ] || { echo "no $bench: build with scripts/build (KELVIN_BENCH is ON by default)"; exit 2; }
json="$(mktemp)"
echo "machine: $(lscpu | sed -n 's/^Model name:[ ]*//p' | head -1), $(nproc) cores; $("$build/kelvin" info | tr '\n' ' ')"
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
rm -f "$json"
