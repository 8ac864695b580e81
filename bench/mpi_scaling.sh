#!/usr/bin/env bash
# MPI strong and weak scaling of a rack of 3-D plates on this machine: the NVL72 pump-trip -ci
# case cut to trays of 2 GB200 GPUs on the coarse plate of verification_rack_3d_transient
# (62 k cells a plate), plate_model 3d, a 1 s transient with every pump tripping at 0.5 s.
#   strong: 4 trays (8 plates) on 1, 2 and 4 ranks
#   weak:   1 tray (2 plates) a rank, on 1, 2 and 4 ranks
# One thread a rank (--threads 1); more ranks than cores run oversubscribed (--oversubscribe).
# Prints wall time (and its parts: the plate fit, the whole run, the transient per simulated
# second), speed-up and efficiency, and checks that every summary number equals the one-rank
# run's (the answers do not depend on the ranks).
#   bench/mpi_scaling.sh [BUILD_DIR] [RANKS...]     (default build/, ranks 1 2 4)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
shift || true
ranks=("${@:-1 2 4}")
read -r -a ranks <<< "${ranks[*]}"
kelvin="$build/kelvin"
[ -x "$kelvin" ] || { echo "no $kelvin: build first (scripts/build)"; exit 2; }
command -v mpirun > /dev/null || { echo "no mpirun: scripts/install-deps installs Open MPI"; exit 2; }
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMP_WAIT_POLICY=passive
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
echo "machine: $(lscpu | sed -n 's/^Model name:[ ]*//p' | head -1), $(nproc) cores; $(mpirun --version | head -1)"

# case TRAYS -> a case file of TRAYS trays of 2 GPUs
make_case() {
  python3 - "$root/cases/gb200-nvl72-pump-trip-ci/case.yaml" "$1" "$work/rack-$1.yaml" <<'PY'
import re, sys
y = open(sys.argv[1]).read()
trays = int(sys.argv[2])
for a, b in [("plate_model: reduced", "plate_model: 3d"), ("count: 72", f"count: {2 * trays}"),
             ("trays: 18", f"trays: {trays}"), ("gpus_per_tray: 4", "gpus_per_tray: 2"),
             (r"switch_trays: \{count: 9,", "switch_trays: {count: 0,"), (r"after_tray: 10\}", "after_tray: 1}"),
             ("rated_heat: 150 kW", f"rated_heat: {4 * trays} kW"),
             (r"flows: \[0.25, 0.5, 1, 1.5, 2\], response_time: 20 s", "flows: [0.5, 1, 2], response_time: 5 s"),
             ("workload:\n(  .*\n)+", "workload:\n  type: constant\n  activity: 1.0\n"),
             (r"trip_all_pumps, time: 5 s\}", "trip_all_pumps, time: 0.5 s}"),
             ("thickness: 0.3 mm, pitch: 0.75 mm", "thickness: 0.6 mm, pitch: 1.5 mm"),
             ("max_cell_along_flow: 3 mm", "max_cell_along_flow: 6 mm"), ("end_time: 60 s", "end_time: 1 s")]:
    y2 = re.sub(a, b, y)
    assert y2 != y, a
    y = y2
open(sys.argv[3], "w").write(y)
PY
}

# run TRAYS RANKS -> the output folder
run() {
  local out="$work/out-$1-$2"
  rm -rf "$out"
  if [ "$2" = 1 ]; then
    "$kelvin" run --quiet --threads 1 "$work/rack-$1.yaml" -o "$out" > "$out.log" 2>&1
  else
    mpirun --oversubscribe -np "$2" "$kelvin" run --quiet --threads 1 "$work/rack-$1.yaml" -o "$out" > "$out.log" 2>&1
  fi || { cat "$out.log" >&2; exit 1; }
  echo "$out"
}

report() {  # report KIND TRAYS RANKS OUT BASE_OUT BASE_WALL
  python3 - "$@" <<'PY'
import json, sys
kind, trays, ranks, out, base, base_wall = sys.argv[1:7]
s = json.load(open(out + "/summary.json"))
def numbers(j, p=""):
    if isinstance(j, dict):
        for k, v in j.items(): yield from numbers(v, p + "/" + k)
    elif isinstance(j, list):
        for i, v in enumerate(j): yield from numbers(v, f"{p}[{i}]")
    elif isinstance(j, (int, float)) and not isinstance(j, bool): yield p, j
wall = s["wall_time_s"]
line = (f"{kind:6s} {int(trays) * 2:3d} plates {int(ranks):2d} ranks: {wall:7.2f} s (fit {s['fit_wall_time_s']:6.2f} s, "
        f"transient {s['loop_wall_s_per_simulated_s']:6.2f} s per simulated s)")
b = float(base_wall)
if kind == "strong": line += f"  speed-up {b / wall:4.2f}, efficiency {100 * b / wall / int(ranks):5.1f} %"
else: line += f"  efficiency {100 * b / wall:5.1f} %"
if base != out:
    a = dict(numbers(json.load(open(base + "/summary.json"))))
    worst = max((abs(v - a[k]) / max(abs(v), abs(a[k])) if v != a[k] else 0.0)
                for k, v in numbers(s) if "wall" not in k and not k.startswith("/run/") and k != "/ranks")
    line += f"  (max relative difference from 1 rank: {worst:.1e})"
print(line, flush=True)
PY
}

wall() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]+'/summary.json'))['wall_time_s'])" "$1"; }

make_case 4
base="" base_wall=""
for r in "${ranks[@]}"; do
  out="$(run 4 "$r")"
  [ -n "$base" ] || { base="$out"; base_wall="$(wall "$out")"; }
  report strong 4 "$r" "$out" "$base" "$base_wall"
done
base="" base_wall=""
for r in "${ranks[@]}"; do
  make_case "$r"
  out="$(run "$r" "$r")"
  [ -n "$base" ] || { base="$out"; base_wall="$(wall "$out")"; }
  report weak "$r" "$r" "$out" "$out" "$base_wall"
done
