#!/usr/bin/env bash
# Time to solution of a GPU board case: wall-clock seconds per simulated second, with the cell
# count, the interval and step counts, and the run's headline answers.
#   bench/gpu_board.sh [CASE.yaml] [BUILD_DIR]
# Default: cases/hgx-h100-training-45C (8 H100s, 120 s of synchronous training) with build/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
case_file="${1:-$root/cases/hgx-h100-training-45C/case.yaml}"
build="${2:-$root/build}"
out="$(mktemp -d /tmp/kelvin-gpu-board.XXXXXX)"
"$build/kelvin" run --quiet "$case_file" -o "$out"
/usr/bin/python3 - "$out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
t, tot = s["transient"], s["gpu_totals"]
print(f"case: {s['case']} ({len(s['gpus'])} GPUs, {s['cells_per_gpu']} cells each, {s['cells']} in all)")
print(f"backend: {s['backend']}, {s['threads']} threads")
print(f"simulated: {t['end_time_s']} s in {t['intervals']} control intervals, "
      f"{t['linear_iterations']} linear iterations")
print(f"wall: {s['wall_time_s']:.1f} s (setup {s['timings_s']['setup']:.1f}, solve {s['timings_s']['solve']:.1f})")
print(f"tokens: {tot['tokens']:.6g} of {tot['tokens_unthrottled']:.6g} unthrottled "
      f"({100 * tot['tokens_lost_fraction']:.3f} % lost), {tot['tokens_per_J']:.4f} tokens/J, "
      f"max T_j {s['max_temperature_K'] - 273.15:.2f} degC")
print(f"energy balance (worst step): {t['max_step_energy_relative_error']:.2e}")
print(f"wall_s_per_simulated_s: {s['wall_s_per_simulated_s']:.3f}")
PY
echo "results: $out"
