#!/usr/bin/env bash
# Kelvin vs OpenFOAM (chtMultiRegionSimpleFoam) on a cold-plate case, same cells in both.
#
#   bench/coldplate_compare.sh CASE.yaml      # e.g. cases/h100-coldplate-ci/case.yaml
#
# Steps: (1) a temporary copy of CASE.yaml with `constant_properties: true` in the coolant
# section (OpenFOAM's fluid has constant properties; Kelvin then uses every coolant property at
# the inlet temperature); (2) `kelvin run` on it, timed (whole command); (3)
# bench/openfoam/coldplate/kelvin_to_spec.py turns Kelvin's results.h5 + summary.json into an
# OpenFOAM spec (same grid, material ids, per-cell heat source, ports, thermal walls); (4)
# bench/openfoam_coldplate.sh solves it; (5) a table: pressure drop, max die temperature, outlet
# temperature, wall times, and `speedup_vs_openfoam: X` as the LAST line (OpenFOAM solver
# seconds / Kelvin `kelvin run` wall seconds; Kelvin's solve-only time is printed too).
#
# Same physics in both: besides constant coolant properties, the copy by default also replaces
# anisotropic solid conductivities [kx, ky, kz] by their arithmetic mean and drops
# contact_resistances, the two things the OpenFOAM harness cannot represent (constIso solids,
# perfect contact between regions). AS_IS=1 keeps them in Kelvin's run (kelvin_to_spec.py then
# warns that OpenFOAM solves a different problem).
#
# Exit status: 0 agree, 1 disagree beyond the thresholds (or OpenFOAM did not converge), 2 error.
# The table is printed in every case where both solvers ran.
#
# Environment knobs (same style as bench/openfoam_compare.sh):
#   KELVIN=path            kelvin binary (default <repo>/build/kelvin; copied into the work dir
#                          first so that a rebuild of build/ during the run cannot disturb it)
#   KELVIN_THREADS=N       --threads for kelvin run (default: kelvin's default, all cores)
#   OPENFOAM_NP=N          MPI ranks for OpenFOAM (default 1 = serial)
#   TOLERANCE=1e-6         OpenFOAM's outer-iteration residual tolerance (spec `tolerance`)
#   MAX_ITERATIONS=N       OpenFOAM's outer-iteration cap (spec `max_iterations`, default 5000)
#   OPENFOAM_DIV_U="bounded Gauss upwind"   OpenFOAM's momentum convection scheme (spec div_U)
#   OPENFOAM_DIV_H="bounded Gauss upwind"   OpenFOAM's energy convection scheme (spec div_h)
#                          Why first-order upwind by default, not the harness's linearUpwind: Kelvin's
#                          momentum convection is first-order upwind, and on cold-plate meshes (2-3
#                          cells across a channel, cell Peclet ~300 along it) OpenFOAM's unlimited
#                          linearUpwind for h is unbounded: on h100-coldplate-ci it put a third of
#                          the coolant cells below the inlet temperature (down to 289.5 K for a
#                          313.15 K inlet) and the die 8.8 K hotter; TVD schemes (vanLeer,
#                          limitedLinear) for h stall at residuals 5e-3..3e-2 in v1912. Set both to
#                          "bounded Gauss linearUpwind grad(U)" / "... grad(h)" for the harness default.
#   MAX_DP_REL=0.05        allowed relative pressure-drop difference (5 %)
#   MAX_DIE_DT=1.0         allowed max die temperature difference, K
#   DIE_MATERIAL=name      the die material (default: the case's junction_material, else silicon)
#   KELVIN_COUPLING_PASSES=N  flow.max_coupling_iterations in the copy (Kelvin's default: 30)
#   AS_IS=1                keep anisotropic conductivities and contact resistances (see above)
#   KEEP_WORK=1            keep the work directory (it is always kept on failure)
#   PYTHON=path            python3 with numpy, h5py, yaml (default /usr/bin/python3)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
die() { echo "coldplate_compare: $*" >&2; exit 2; }

[[ $# -eq 1 ]] || die "usage: $0 CASE.yaml"
case_in="$1"
[[ -f "$case_in" ]] || die "no case file $case_in"
kelvin_src="${KELVIN:-$root/build/kelvin}"
[[ -x "$kelvin_src" ]] || die "kelvin binary not found at $kelvin_src
  build it with: scripts/build   (or set KELVIN=/path/to/kelvin)"
py="${PYTHON:-/usr/bin/python3}"
"$py" -c 'import numpy, h5py, yaml' 2>/dev/null \
  || die "$py lacks numpy/h5py/yaml (Debian: python3-numpy python3-h5py python3-yaml)"
tol="${TOLERANCE:-1e-6}"
div_u="${OPENFOAM_DIV_U:-bounded Gauss upwind}"
div_h="${OPENFOAM_DIV_H:-bounded Gauss upwind}"
max_dp_rel="${MAX_DP_REL:-0.05}"
max_die_dt="${MAX_DIE_DT:-1.0}"

work="$(mktemp -d "${TMPDIR:-/tmp}/kelvin-coldplate-compare.XXXXXX")"
finish() {
  local rc=$?
  if [[ $rc -eq 0 && "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "$work"
  else echo "work directory kept: $work" >&2; fi
}
trap finish EXIT
now() { date +%s.%N; }

kelvin="$work/kelvin"
cp "$kelvin_src" "$kelvin"
threads=()
[[ -n "${KELVIN_THREADS:-}" ]] && threads=(--threads "$KELVIN_THREADS")

# ---- (1) the case copy -----------------------------------------------------------------------
"$py" - "$case_in" "$work/case.yaml" "${AS_IS:-0}" "${KELVIN_COUPLING_PASSES:-}" > "$work/case-edits.txt" <<'EOF' || die "cannot edit $case_in"
import re, sys, yaml
src, dst, as_is, passes = sys.argv[1], sys.argv[2], sys.argv[3] == "1", sys.argv[4]

class Loader(yaml.SafeLoader):   # YAML 1.2 floats (1e-10) as numbers, like yaml-cpp
    pass
Loader.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
    r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789."))
c = yaml.load(open(src), Loader=Loader)
if "coolant" not in c:
    sys.exit(f"{src}: no coolant section (not a case with coolant flow)")
cool = c["coolant"]
if isinstance(cool, str):
    cool = {"fluid": cool}
cool["constant_properties"] = True
c["coolant"] = cool
print("coolant.constant_properties: true")
if not as_is:
    for name, m in (c.get("materials") or {}).items():
        k = m.get("conductivity")
        if isinstance(k, list):
            vals, units = [], set()
            for x in k:
                mm = re.match(r"^\s*([-+0-9.eE]+)\s*(.*?)\s*$", str(x))
                vals.append(float(mm.group(1))); units.add(mm.group(2))
            if len(units) == 1 and max(vals) != min(vals):
                u = units.pop()
                mean = sum(vals) / len(vals)
                m["conductivity"] = f"{mean:.12g} {u}".strip()
                print(f"materials.{name}.conductivity: {k} -> {m['conductivity']} (mean; OpenFOAM constIso)")
            elif max(vals) != min(vals):
                print(f"materials.{name}.conductivity: {k} kept (mixed units)")
    if c.get("contact_resistances"):
        print(f"contact_resistances dropped: {c['contact_resistances']}")
        del c["contact_resistances"]
if passes:
    c.setdefault("flow", {})["max_coupling_iterations"] = int(passes)
    print(f"flow.max_coupling_iterations: {passes}")
yaml.safe_dump(c, open(dst, "w"), sort_keys=False, default_flow_style=None, width=120)
print(f"die_material: {c.get('junction_material', 'silicon')}")
EOF
die_mat="${DIE_MATERIAL:-$(sed -n 's/^die_material: //p' "$work/case-edits.txt")}"
grep -v '^die_material:' "$work/case-edits.txt" | sed 's/^/case copy: /'
"$kelvin" validate "$work/case.yaml" >/dev/null || die "the edited case copy does not validate ($work/case.yaml)"

echo "kelvin:   $kelvin_src ($("$kelvin" "${threads[@]}" info 2>/dev/null | paste -sd' ' | cut -c1-100))"
echo "openfoam: bench/openfoam_coldplate.sh, OPENFOAM_NP=${OPENFOAM_NP:-1}, tolerance $tol, div(phi,U) $div_u, div(phi,h) $div_h"
echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

# ---- (2) Kelvin ------------------------------------------------------------------------------
echo "running kelvin ..." >&2
t0=$(now)
kelvin_rc=0
"$kelvin" "${threads[@]}" run "$work/case.yaml" -o "$work/kelvin-out" > "$work/kelvin.log" 2>&1 \
  || kelvin_rc=$?
t1=$(now)
# 3 = ran but did not converge (results written): compare anyway, exit 1 at the end
if { ((kelvin_rc != 0)) && ((kelvin_rc != 3)); } || [[ ! -f "$work/kelvin-out/summary.json" ]]; then
  tail -n 30 "$work/kelvin.log" >&2; die "kelvin run failed, exit $kelvin_rc (log $work/kelvin.log)"
fi
((kelvin_rc == 0)) || echo "WARNING: kelvin did NOT converge (exit $kelvin_rc): $(grep -m1 'did NOT converge' "$work/kelvin.log" | sed 's/^kelvin: //')"
kelvin_time=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
echo "kelvin run: ${kelvin_time} s" >&2

# ---- (3) spec --------------------------------------------------------------------------------
"$py" "$here/openfoam/coldplate/kelvin_to_spec.py" "$work/kelvin-out" "$work/spec.json" \
  --tolerance "$tol" ${MAX_ITERATIONS:+--max-iterations "$MAX_ITERATIONS"} \
  --openfoam "div_U=$div_u" --openfoam "div_h=$div_h" \
  2> "$work/kelvin_to_spec.log" || { cat "$work/kelvin_to_spec.log" >&2; die "kelvin_to_spec.py failed"; }
sed 's/^kelvin_to_spec: /spec: /' "$work/kelvin_to_spec.log"

# ---- (4) OpenFOAM ----------------------------------------------------------------------------
echo "running OpenFOAM ..." >&2
of_rc=0
PYTHON="$py" "$here/openfoam_coldplate.sh" "$work/spec.json" "$work/openfoam" \
  > "$work/openfoam.out" 2> "$work/openfoam.log" || of_rc=$?
if ((of_rc == 2)) || [[ ! -s "$work/openfoam.out" ]]; then
  tail -n 40 "$work/openfoam.log" >&2; die "OpenFOAM failed (case $work/openfoam)"
fi
tail -n1 "$work/openfoam.out" > "$work/openfoam.json"

# ---- (5) report ------------------------------------------------------------------------------
"$py" - "$work/kelvin-out/summary.json" "$work/openfoam.json" "$work/spec.json" "$kelvin_time" \
  "$die_mat" "$max_dp_rel" "$max_die_dt" "$of_rc" "$kelvin_rc" <<'EOF'
import json, sys
ks, ofj, specj, kt, die_mat, lim_dp, lim_dt, of_rc, k_rc = sys.argv[1:]
k = json.load(open(ks)); o = json.load(open(ofj)); spec = json.load(open(specj))
kt, lim_dp, lim_dt, of_rc, k_rc = float(kt), float(lim_dp), float(lim_dt), int(of_rc), int(k_rc)
# the die material's OpenFOAM name (kelvin_to_spec may rename)
if die_mat not in o["max_T_K"] or die_mat not in k["materials"]:
    hottest = max(o["max_T_K"], key=o["max_T_K"].get)
    print(f"note: no die material {die_mat!r} in both results: using the hottest solid, {hottest}")
    die_mat = hottest
die_of = die_mat
k_die = k["materials"][die_mat]["max_temperature_K"]
o_die = o["max_T_K"][die_of]
dp_k, dp_o = k["pressure_drop_Pa"], o["pressure_drop_Pa"]
dp_rel = (dp_k - dp_o) / dp_o
dT = k_die - o_die
Tin = k["inlet_temperature_K"]
print()
print(f"case {k.get('case')}: {k['cells']} cells, flow {k['flow_rate_m3_s'] * 6e4:.4g} L/min, "
      f"inlet {Tin:.2f} K, source {o['energy']['source_W']:.4g} W")
print(f"{'quantity':34s} {'kelvin':>14s} {'openfoam':>14s} {'difference':>22s}")
def row(name, a, b, diff):
    print(f"{name:34s} {a:>14s} {b:>14s} {diff:>22s}")
row("pressure drop [Pa]", f"{dp_k:.4f}", f"{dp_o:.4f}", f"{100 * dp_rel:+.2f} %")
row(f"max {die_mat} T [K]", f"{k_die:.4f}", f"{o_die:.4f}", f"{dT:+.4f} K")
row(f"  max {die_mat} rise over inlet [K]", f"{k_die - Tin:.4f}", f"{o_die - Tin:.4f}",
    f"{100 * dT / (o_die - Tin):+.2f} %")
kto, oto = k["outlet_temperature_K"], o["outlet_T_K"]
row("outlet T [K]", f"{kto:.4f}", f"{oto:.4f}", f"{kto - oto:+.4f} K")
row("  outlet rise over inlet [K]", f"{kto - Tin:.4f}", f"{oto - Tin:.4f}",
    f"{100 * (kto - oto) / (oto - Tin):+.2f} %" if oto != Tin else "")
for m, v in sorted(o["max_T_K"].items()):
    if m == die_of:
        continue
    kv = k["materials"].get(m, {}).get("max_temperature_K")
    if kv is not None:
        row(f"  max {m} T [K]", f"{kv:.4f}", f"{v:.4f}", f"{kv - v:+.4f} K")
eb = k.get("energy_balance", {})
print(f"energy: kelvin coolant {eb.get('coolant_enthalpy_rise_W', float('nan')):.4g} W, "
      f"relative error {eb.get('relative_error', float('nan')):.2e}; openfoam advected "
      f"{o['energy']['advected_W']:.4g} W, wall loss {o['energy']['wall_loss_W']:.4g} W, "
      f"imbalance {o['energy']['relative_imbalance']:.2e}")
ts = k.get("timings_s", {})
fl = k.get("flow", {})
print(f"kelvin:   kelvin run {kt:.2f} s (wall_time_s {k['wall_time_s']:.2f}, setup "
      f"{ts.get('setup', 0):.2f}, solve {ts.get('solve', 0):.2f}, output {ts.get('output', 0):.2f}), "
      f"backend {k.get('backend')}, {k.get('threads')} threads, {fl.get('coupling_passes')} coupling "
      f"passes, {fl.get('iterations')} flow iterations, last pass changed T by "
      f"{fl.get('last_temperature_change_K', float('nan')):.2g} K, converged {k.get('converged')}")
plateau = o.get("plateau_at") is not None
print(f"openfoam: solver {o['seconds']:.2f} s ({o['iterations']} outer iterations, converged at "
      f"{o['converged_at']}, np {o.get('np', 1)}), converged {o['converged']}"
      + (f", stopped on its residual plateau at iteration {o['plateau_at']} "
         f"({o['plateau_residual']:.2e})" if plateau else ""))
for w in spec.get("warnings", []) + o.get("warnings", []):
    print(f"warning: {w}")
ok_dp = abs(dp_rel) <= lim_dp
ok_dt = abs(dT) <= lim_dt
print(f"pressure drop: {'OK' if ok_dp else 'DISAGREE'} (|{100 * dp_rel:.2f} %| vs limit "
      f"{100 * lim_dp:g} %); max {die_mat} T: {'OK' if ok_dt else 'DISAGREE'} (|{dT:.3f} K| vs "
      f"limit {lim_dt:g} K); kelvin converged: {k.get('converged')}; openfoam converged: "
      f"{o['converged']}")
print(f"load average now: {' '.join(open('/proc/loadavg').read().split()[:3])} (timings are wall "
      f"times: other processes on the machine inflate both)")
print(f"speedup on kelvin's solve time only: {o['seconds'] / ts['solve']:.2f}" if ts.get("solve") else "")
print(f"speedup_vs_openfoam: {o['seconds'] / kt:.2f}")
of_ok = of_rc == 0 or (of_rc == 1 and plateau)  # a plateau is OpenFOAM's floor, not divergence
sys.exit(0 if (ok_dp and ok_dt and of_ok and k_rc == 0) else 1)
EOF
