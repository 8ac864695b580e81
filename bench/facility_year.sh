#!/usr/bin/env bash
# A weather year of a hall of 1,000 identical GB200 NVL72-class racks (ai-factory-drycooler-ci
# scaled: 1,000 racks on 200 dry coolers, no pulse): wall-clock seconds of the run and where
# they went (the plate's 3-D fit, the rack table, the 8760 hours).
#   bench/facility_year.sh [BUILD_DIR] [RACKS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
racks="${2:-1000}"
work="$(mktemp -d /tmp/kelvin-facility-year.XXXXXX)"
/usr/bin/python3 - "$root" "$racks" "$work/case.yaml" <<'PY'
import re, sys
root, racks, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
y = open(f"{root}/cases/ai-factory-drycooler-ci/case.yaml").read()
y = y.replace("weather: ../../data", f"weather: {root}/data")
y = y.replace("racks: 10", f"racks: {racks}")
y = y.replace("dry_coolers: {count: 2,", f"dry_coolers: {{count: {max(1, racks // 5)},")
y = re.sub(r"\n  pulse: .*\n", "\n", y)
open(out, "w").write(y)
PY
"$build/kelvin" run --quiet "$work/case.yaml" -o "$work/out"
/usr/bin/python3 - "$work/out/summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
f, w = s["facility"], s["facility"]["wall_time"]
print(f"{f['racks']} racks, {f['hours']} hours, rack table of {len(s['rack_table']['points'])} points")
print(f"wall: {s['wall_time_s']:.1f} s = fit {w['fit_s']:.1f} + table {w['table_s']:.1f} + hours {w['hours_s']:.1f} "
      f"(+ outputs); the year without the fit: {w['table_s'] + w['hours_s']:.1f} s")
print(f"PUE {f['pue']:.5f}, WUE {f['wue_L_per_kWh']:.4f} L/kWh, peak {f['peak_facility_power_W'] / 1e6:.1f} MW")
PY
rm -rf "$work"
