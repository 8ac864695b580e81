#!/usr/bin/env bash
# Kelvin vs OpenFOAM and HYPRE on two steady heat-conduction problems, same 100 x 100 x 100
# mesh in all three.
#
#   bench/openfoam_compare.sh                   # prints a table per problem, then the speedups
#   SKIP_OPENFOAM=1 bench/openfoam_compare.sh   # Kelvin against HYPRE only
#
# Needs (Debian packages): openfoam (OpenFOAM v1912, ESI; blockMesh, topoSet, splitMeshRegions,
# decomposePar, laplacianFoam, chtMultiRegionSimpleFoam), python3 (stdlib only), and
# optionally openmpi-bin (mpirun; without it only serial OpenFOAM runs are timed); for the HYPRE
# peer libhypre-dev, libopenmpi-dev and openmpi-bin (mpicxx, mpirun). Kelvin: a
# built `kelvin` (scripts/build), found at $KELVIN or build/kelvin.
#
# Environment knobs:
#   KELVIN=path            kelvin binary (default: <repo>/build/kelvin; copied into the work dir
#                          first so that a rebuild of build/ during the run cannot disturb it)
#   KELVIN_THREADS=2       OpenMP threads for kelvin run
#   OPENFOAM_NP=2          ranks for the parallel OpenFOAM run (0 or 1: serial only)
#   REPEATS=2              runs of every timed command; the fastest is reported
#   TOLERANCE=1e-8         Kelvin's solver tolerance and OpenFOAM's linear-solver tolerance
#   MAX_REL_DIFF=1e-3      allowed relative difference of the maximum cell temperatures
#   KEEP_WORK=1            keep the work directory (it is always kept on failure)
#   SKIP_OPENFOAM=1        only the HYPRE peer (no OpenFOAM needed)
#   SKIP_HYPRE=1           only the OpenFOAM peer
#
# HYPRE peer (bench/hypre/hypre_conduction.cpp, compiled here with mpicxx -O3): the same cells,
# conductances and source assembled into HYPRE's structured interface, CG preconditioned by one
# PFMG V(1,1) cycle with symmetric red-black Gauss-Seidel, stopped at the same relative 2-norm
# residual as Kelvin and started from 300 K like Kelvin; serial and mpirun -np OPENFOAM_NP ranks
# (Debian's HYPRE has no OpenMP). Compared: the solve phase (HYPRE assemble + setup + solve
# against Kelvin's timings_s setup + solve in summary.json), each side's least over its REPEATS
# runs (the whole command's noise, MPI start-up or output, does not pick the run), and the
# whole commands. Kelvin's and HYPRE's runs alternate (kelvin, HYPRE serial, HYPRE on the ranks,
# kelvin, ...), so that a slow spell of a shared machine falls on both sides alike.
#
# Problems (SI units):
#   cube:  0.1 m cube, k = 10, q''' = 1e6 W/m^3 everywhere, all six faces at 300 K.
#   stack: same cube, z < 0.05 m: k = 1 with q''' = 1e6; z > 0.05 m: k = 400 (a 400:1 jump);
#          zmax at 300 K, every other face adiabatic.
#
# OpenFOAM set-up and why:
#   cube:  laplacianFoam (v1912 solves ddt(T) - laplacian(DT, T) == fvOptions(T)); steadyState
#          ddt and one time step make it one linear solve. DT = k/(rho cp) with rho cp = 1 J/m^3/K,
#          so DT = 10 and the source is q'''/(rho cp) = 1e6 through a scalarSemiImplicitSource
#          fvOption (volumeMode specific). GAMG, GaussSeidel smoother, tolerance 1e-8, relTol 0.
#   stack: laplacianFoam in v1912 reads DT as one dimensionedScalar from transportProperties, so it
#          cannot represent two conductivities. The stock multi-material route in v1912 is
#          chtMultiRegionSimpleFoam with two solid regions: blockMesh makes the same single-block
#          100^3 mesh, topoSet puts z < 0.05 into cellZone "bottom" and the rest into "top",
#          splitMeshRegions -cellZones makes two regions joined by mapped interface patches with
#          compressible::turbulentTemperatureCoupledBaffleMixed temperature conditions (kappa
#          from solidThermo: the interface flux is the two half-cell conductances in series, the
#          same harmonic-mean flux Kelvin uses). Each region solves its enthalpy equation
#          -laplacian(kappa/cp, h) = q''' (source by fvOption on h, W/m^3) with GAMG; the regions
#          are coupled by outer (SIMPLE) iterations. v1912's chtMultiRegionSimpleFoam has no
#          residualControl, so a runTimeControl function object stops the run at the first outer
#          iteration whose initial h residual in region "top" is below TOLERANCE; the script then
#          checks that the initial residuals of BOTH regions in that last iteration are below
#          TOLERANCE. Inner solves use relTol 0.1 (tolerance TOLERANCE): solving every outer
#          iteration to 1e-8 only wastes work while the interface values still move (measured
#          here: ~20 % slower for the same converged answer).
#   Both:  "Gauss linear corrected" Laplacian on an orthogonal uniform mesh = the same 7-point
#          stencil as Kelvin; fixed-value faces sit half a cell from the cell centre in both.
#          Results are written in binary; laplacianFoam writes only T (a writeObjects function
#          object) so its timing does not include the gradT/flux fields it writes by default.
#
# Timing: the kelvin run command (its wall time, and the wall_time_s it reports in summary.json)
# against the OpenFOAM solver command alone (serial, and mpirun -np OPENFOAM_NP after
# decomposePar); mesh generation, topoSet, splitMeshRegions and decomposePar are not timed.
# Both timed commands read their input, set up, solve and write results. The speedup uses the
# command wall times on both sides and the faster of OpenFOAM's serial and parallel runs.
# On a shared 2-core machine the numbers are noisy, and Kelvin's 2 OpenMP threads suffer most
# when another process holds a core (seen here at load average ~4: the cube took 2.9 s with
# --threads 1 but 7.4 s with --threads 2, back to back); the load average is printed.
#
# Tolerances differ in definition: Kelvin stops at ||b - Ax||_2 / ||b||_2 < TOLERANCE; OpenFOAM's
# residual is its scaled L1 residual sum|b - Ax| / (sum|Ax - A xbar| + sum|b - A xbar|). The
# answers are checked instead: the maximum cell temperature must agree within 0.1 %.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
tools="$here/openfoam/foam_tools.py"

kelvin_src="${KELVIN:-$root/build/kelvin}"
kelvin_threads="${KELVIN_THREADS:-2}"
np="${OPENFOAM_NP:-2}"
repeats="${REPEATS:-2}"
tol="${TOLERANCE:-1e-8}"
max_rel_diff="${MAX_REL_DIFF:-1e-3}"   # 0.1 % on the maximum cell temperature

script_t0=$(date +%s.%N)

die() { echo "openfoam_compare: $*" >&2; exit 2; }

# ---- prerequisites -------------------------------------------------------------------------
command -v python3 >/dev/null || die "python3 not found (Debian package: python3)"
[[ -f "$tools" ]] || die "missing helper $tools"
skip_openfoam="${SKIP_OPENFOAM:-0}"
skip_hypre="${SKIP_HYPRE:-0}"
missing=()
for c in blockMesh topoSet splitMeshRegions decomposePar laplacianFoam chtMultiRegionSimpleFoam; do
  command -v "$c" >/dev/null || missing+=("$c")
done
((skip_openfoam || ${#missing[@]} == 0)) || die "OpenFOAM commands not found: ${missing[*]}
  install OpenFOAM v1912 (Debian/Ubuntu: apt-get install -y openfoam), or set SKIP_OPENFOAM=1"
if ((!skip_hypre)); then
  { command -v mpicxx >/dev/null && command -v mpirun >/dev/null && [[ -f /usr/include/hypre/HYPRE_struct_ls.h ]]; } \
    || die "the HYPRE peer needs mpicxx, mpirun and HYPRE's headers
  (Debian: apt-get install -y libhypre-dev libopenmpi-dev openmpi-bin), or set SKIP_HYPRE=1"
fi
[[ -x "$kelvin_src" ]] || die "kelvin binary not found at $kelvin_src
  build it with: scripts/build   (or set KELVIN=/path/to/kelvin)"

# WM_PROJECT_DIR for Debian's openfoam package (shared with the other OpenFOAM scripts).
if ((!skip_openfoam)); then source "$(dirname "${BASH_SOURCE[0]}")/openfoam/env.sh"; fi
of_version="$(dpkg-query -W -f='${Version}' openfoam 2>/dev/null || echo unknown)"
hypre_version="$(dpkg-query -W -f='${Version}' libhypre-dev 2>/dev/null || echo unknown)"

use_mpi=0
if [[ "$(id -u)" == 0 ]]; then   # Open MPI refuses root without these
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpi_extra=()
if ((np > $(nproc))); then mpi_extra+=(--oversubscribe); fi
if ((np > 1)); then
  if command -v mpirun >/dev/null; then
    use_mpi=1
  else
    echo "note: mpirun not found (Debian package: openmpi-bin): OpenFOAM runs serial only"
  fi
fi

# ---- work directory ------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/kelvin-openfoam.XXXXXX")"
finish() {
  local rc=$?
  if [[ $rc -eq 0 && "${KEEP_WORK:-0}" != 1 ]]; then rm -rf "$work"
  else echo "work directory kept: $work" >&2; fi
}
trap finish EXIT

kelvin="$work/kelvin"
cp "$kelvin_src" "$kelvin"
echo "kelvin:   $kelvin_src ($("$kelvin" --threads "$kelvin_threads" info 2>/dev/null | paste -sd" " | cut -c1-100))"
((skip_openfoam)) || echo "openfoam: v1912 Debian package $of_version, WM_PROJECT_DIR=$WM_PROJECT_DIR, parallel: $( ((use_mpi)) && echo "mpirun -np $np" || echo no)"
((skip_hypre)) || echo "hypre:    Debian libhypre-dev $hypre_version, StructPCG + PFMG, serial and mpirun -np $np"
echo "machine:  $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); each timed command runs $repeats time(s), fastest kept"
echo

# ---- helpers -------------------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
jget() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2].split("."): d=d[k]
print(d)' "$1" "$2"; }
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 <= b + 0) ? a : b }'; }

foam_header() {  # foam_header CLASS OBJECT
  printf 'FoamFile { version 2.0; format ascii; class %s; object %s; }\n' "$1" "$2"
}

# rm every time directory except 0 (serial and decomposed), so a case can be re-run
clean_times() {
  local d t
  for d in "$1" "$1"/processor*; do
    [[ -d "$d" ]] || continue
    for t in "$d"/*; do
      [[ -d "$t" ]] || continue
      case "$(basename "$t")" in 0) ;; *[!0-9.e+-]*) ;; *) rm -rf "$t" ;; esac
    done
  done
}

block_mesh_dict() {  # block_mesh_dict CASE BOUNDARY_ENTRIES
  cat > "$1/system/blockMeshDict" <<EOF
$(foam_header dictionary blockMeshDict)
convertToMeters 0.1;
vertices ( (0 0 0) (1 0 0) (1 1 0) (0 1 0) (0 0 1) (1 0 1) (1 1 1) (0 1 1) );
blocks ( hex (0 1 2 3 4 5 6 7) (100 100 100) simpleGrading (1 1 1) );
boundary
(
$2
);
EOF
}

fv_schemes() {
  cat > "$1" <<EOF
$(foam_header dictionary fvSchemes)
ddtSchemes { default steadyState; }
gradSchemes { default Gauss linear; }
divSchemes { default none; }
laplacianSchemes { default Gauss linear corrected; }
interpolationSchemes { default linear; }
snGradSchemes { default corrected; }
EOF
}

decompose_dict() {
  cat > "$1" <<EOF
$(foam_header dictionary decomposeParDict)
numberOfSubdomains $np;
method simple;
coeffs { n ($np 1 1); delta 0.001; }
EOF
}

source_fvoption() {  # source_fvoption FILE FIELD VALUE
  cat > "$1" <<EOF
$(foam_header dictionary fvOptions)
heat
{
    type            scalarSemiImplicitSource;
    active          true;
    selectionMode   all;
    volumeMode      specific;       // per unit volume
    injectionRateSuSp { $2 ($3 0); }
}
EOF
}

run_logged() {  # run_logged LOG CMD...: runs quietly, shows the log tail on failure
  local log="$1"; shift
  if ! "$@" > "$log" 2>&1; then
    echo "command failed: $*" >&2; tail -n 30 "$log" >&2; return 1
  fi
}

# best-of-REPEATS wall time of a command; sets $best_time; REPEAT_PREP runs (untimed) before each
timed_best() {  # timed_best LOG CMD...
  local log="$1"; shift
  local i t0 t1 t
  best_time=""
  for ((i = 1; i <= repeats; i++)); do
    [[ -n "${REPEAT_PREP:-}" ]] && eval "$REPEAT_PREP"
    t0=$(now)
    run_logged "$log" "$@" || return 1
    t1=$(now)
    t=$(elapsed "$t0" "$t1")
    best_time=$([[ -z "$best_time" ]] && echo "$t" || fmin "$best_time" "$t")
  done
}

# ---- Kelvin --------------------------------------------------------------------------------
kelvin_case() {  # kelvin_case NAME -> writes $work/kelvin-NAME.yaml
  local f="$work/kelvin-$1.yaml"
  local common="initial_temperature: 300 K
mesh:
  max_cell_size: [1 mm, 1 mm, 1 mm]      # 0.1 m / 1 mm = 100 cells per axis
solver:
  tolerance: $tol"
  if [[ $1 == cube ]]; then
    cat > "$f" <<EOF
name: openfoam-compare-cube
description: uniform-k cube, uniform source, all faces at 300 K
$common
materials:
  solid: {conductivity: 10 W/m/K, density: 1000 kg/m^3, specific_heat: 1000 J/kg/K}
boxes:
  - {name: cube, material: solid, min: [0, 0, 0], max: [0.1, 0.1, 0.1]}
sources:
  - {name: heat, box: cube, power_density: 1e6 W/m^3}
boundaries:
  - {face: xmin, type: temperature, temperature: 300 K}
  - {face: xmax, type: temperature, temperature: 300 K}
  - {face: ymin, type: temperature, temperature: 300 K}
  - {face: ymax, type: temperature, temperature: 300 K}
  - {face: zmin, type: temperature, temperature: 300 K}
  - {face: zmax, type: temperature, temperature: 300 K}
EOF
  else
    cat > "$f" <<EOF
name: openfoam-compare-stack
description: two-material stack, k 1 (heated, lower half) under k 400, top face at 300 K
$common
materials:
  low_k:  {conductivity: 1 W/m/K,   density: 1000 kg/m^3, specific_heat: 1000 J/kg/K}
  high_k: {conductivity: 400 W/m/K, density: 1000 kg/m^3, specific_heat: 1000 J/kg/K}
boxes:
  - {name: lower, material: low_k,  min: [0, 0, 0],    max: [0.1, 0.1, 0.05]}
  - {name: upper, material: high_k, min: [0, 0, 0.05], max: [0.1, 0.1, 0.1]}
sources:
  - {name: heat, box: lower, power_density: 1e6 W/m^3}
boundaries:
  - {face: xmin, type: adiabatic}
  - {face: xmax, type: adiabatic}
  - {face: ymin, type: adiabatic}
  - {face: ymax, type: adiabatic}
  - {face: zmin, type: adiabatic}
  - {face: zmax, type: temperature, temperature: 300 K}
EOF
  fi
  run_logged "$work/kelvin-$1.validate.log" "$kelvin" validate "$f"
  grep -q '1000000 cells (100 x 100 x 100)' "$work/kelvin-$1.validate.log" \
    || { cat "$work/kelvin-$1.validate.log"; die "kelvin mesh for $1 is not 100^3"; }
}

solve_phase() {  # solve_phase STATS_JSON: kelvin's setup + solve seconds
  python3 -c 'import json,sys; t=json.load(open(sys.argv[1]))["timings_s"]
print(t.get("setup", 0) + t["solve"])' "$1"
}

kelvin_once() {  # kelvin_once NAME I: run I of kelvin; keeps kelvin_cmd_time, kelvin_json (stats
  # of the fastest command) and kelvin_phase_json (stats of the least setup + solve, the HYPRE
  # comparison's) over the runs since they were emptied
  local name="$1" i="$2" t0 t1 t out
  out="$work/kelvin-$name-out$i"
  t0=$(now)
  run_logged "$work/kelvin-$name.run$i.log" \
    "$kelvin" --threads "$kelvin_threads" run "$work/kelvin-$name.yaml" -o "$out" --quiet
  t1=$(now)
  t=$(elapsed "$t0" "$t1")
  python3 "$tools" kelvin-stats "$out/summary.json" > "$out/stats.json"
  if [[ -z "$kelvin_cmd_time" ]] || [[ "$(fmin "$t" "$kelvin_cmd_time")" == "$t" ]]; then
    kelvin_cmd_time="$t"; kelvin_json="$out/stats.json"
  fi
  if [[ -z "$kelvin_phase_json" ]] \
    || [[ "$(solve_phase "$out/stats.json")" == "$(fmin "$(solve_phase "$out/stats.json")" \
                                                  "$(solve_phase "$kelvin_phase_json")")" ]]; then
    kelvin_phase_json="$out/stats.json"
  fi
}

# run_kelvin_and_hypre NAME: REPEATS rounds of one kelvin run then (unless SKIP_HYPRE) one HYPRE
# run per rank count, so that a slow spell of a shared machine falls on both sides' runs alike
# (each side's best is compared; run back to back, one side's repeats could all fall in it)
run_kelvin_and_hypre() {
  local name="$1" i
  kelvin_cmd_time=""; kelvin_phase_json=""
  hypre_best_cmd=(); hypre_best_line=()
  for ((i = 1; i <= repeats; i++)); do
    kelvin_once "$name" "$i"
    ((skip_hypre)) || hypre_once "$name" || return 1
  done
}

# ---- OpenFOAM cases ------------------------------------------------------------------------
setup_cube() {
  local c="$work/of-cube"
  mkdir -p "$c"/{system,constant,0}
  cat > "$c/system/controlDict" <<EOF
$(foam_header dictionary controlDict)
application     laplacianFoam;
startFrom       startTime; startTime 0; stopAt endTime; endTime 1; deltaT 1;
writeControl    timeStep; writeInterval 1000;   // no regular write: only T, by writeT below
writeFormat     binary; writePrecision 17; writeCompression off;
timeFormat      general; timePrecision 6; runTimeModifiable false;
functions
{
    writeT { type writeObjects; libs (utilityFunctionObjects); objects (T); writeControl onEnd; }
}
EOF
  block_mesh_dict "$c" "    walls { type wall; faces ( (0 4 7 3) (2 6 5 1) (1 5 4 0) (3 7 6 2) (0 3 2 1) (4 5 6 7) ); }"
  fv_schemes "$c/system/fvSchemes"
  cat > "$c/system/fvSolution" <<EOF
$(foam_header dictionary fvSolution)
solvers { T { solver GAMG; smoother GaussSeidel; tolerance $tol; relTol 0; } }
SIMPLE { nNonOrthogonalCorrectors 0; }
EOF
  decompose_dict "$c/system/decomposeParDict"
  source_fvoption "$c/system/fvOptions" T 1e6     # q'''/(rho cp), rho cp = 1
  cat > "$c/constant/transportProperties" <<EOF
$(foam_header dictionary transportProperties)
DT DT [0 2 -1 0 0 0 0] 10;     // k/(rho cp), rho cp = 1
EOF
  cat > "$c/0/T" <<EOF
$(foam_header volScalarField T)
dimensions [0 0 0 1 0 0 0];
internalField uniform 300;
boundaryField { walls { type fixedValue; value uniform 300; } }
EOF
  run_logged "$c/log.blockMesh" blockMesh -case "$c"
}

setup_stack() {
  local c="$work/of-stack" r other k
  mkdir -p "$c"/{system/bottom,system/top,constant/bottom,constant/top,0}
  cat > "$c/system/controlDict" <<EOF
$(foam_header dictionary controlDict)
application     chtMultiRegionSimpleFoam;
startFrom       startTime; startTime 0; stopAt endTime; endTime 200; deltaT 1;
writeControl    timeStep; writeInterval 200;    // writes at endTime if never converged
writeFormat     binary; writePrecision 17; writeCompression off;
timeFormat      general; timePrecision 6; runTimeModifiable false;
functions
{
    // Stop (and write) once the initial residual of h in region top is below the tolerance.
    // (mode minimum = "satisfied when below"; v1912 has no residualControl in this solver.)
    converged
    {
        type            runTimeControl;
        libs            (utilityFunctionObjects);
        region          top;
        conditions
        {
            hResidual { type equationInitialResidual; fields (h); value $tol; mode minimum; }
        }
    }
}
EOF
  block_mesh_dict "$c" "    sides { type wall; faces ( (0 4 7 3) (2 6 5 1) (1 5 4 0) (3 7 6 2) ); }
    zmin  { type wall; faces ( (0 3 2 1) ); }
    zmax  { type wall; faces ( (4 5 6 7) ); }"
  cat > "$c/system/topoSetDict" <<EOF
$(foam_header dictionary topoSetDict)
actions
(
    { name bottomCells; type cellSet; action new; source boxToCell; box (-1 -1 -1) (1 1 0.05); }
    { name bottom; type cellZoneSet; action new; source setToCellZone; set bottomCells; }
    { name topCells; type cellSet; action new; source cellToCell; set bottomCells; }
    { name topCells; type cellSet; action invert; }
    { name top; type cellZoneSet; action new; source setToCellZone; set topCells; }
);
EOF
  fv_schemes "$c/system/fvSchemes"
  printf '%s\nSIMPLE { }\n' "$(foam_header dictionary fvSolution)" > "$c/system/fvSolution"
  decompose_dict "$c/system/decomposeParDict"
  cat > "$c/constant/g" <<EOF
$(foam_header uniformDimensionedVectorField g)
dimensions [0 1 -2 0 0 0 0];
value (0 0 0);      // read by chtMultiRegionSimpleFoam; unused by solid regions
EOF
  cat > "$c/constant/regionProperties" <<EOF
$(foam_header dictionary regionProperties)
regions ( fluid () solid (bottom top) );
EOF
  for r in bottom top; do
    if [[ $r == bottom ]]; then k=1; other=top; else k=400; other=bottom; fi
    cat > "$c/constant/$r/thermophysicalProperties" <<EOF
$(foam_header dictionary thermophysicalProperties)
thermoType
{
    type heSolidThermo; mixture pureMixture; transport constIso; thermo hConst;
    equationOfState rhoConst; specie specie; energy sensibleEnthalpy;
}
mixture
{
    specie          { molWeight 12; }
    transport       { kappa $k; }
    thermodynamics  { Hf 0; Cp 1000; }
    equationOfState { rho 1000; }
}
EOF
    fv_schemes "$c/system/$r/fvSchemes"
    cat > "$c/system/$r/fvSolution" <<EOF
$(foam_header dictionary fvSolution)
solvers { h { solver GAMG; smoother GaussSeidel; tolerance $tol; relTol 0.1; } }
SIMPLE { nNonOrthogonalCorrectors 0; }
relaxationFactors { equations { h 1; } }
EOF
    decompose_dict "$c/system/$r/decomposeParDict"
  done
  source_fvoption "$c/system/bottom/fvOptions" h 1e6   # W/m^3 on the enthalpy equation
  run_logged "$c/log.blockMesh" blockMesh -case "$c"
  run_logged "$c/log.topoSet" topoSet -case "$c"
  run_logged "$c/log.splitMeshRegions" splitMeshRegions -case "$c" -cellZones -overwrite
  for r in bottom top; do
    if [[ $r == bottom ]]; then other=top; else other=bottom; fi
    grep -q "${r}_to_${other}" "$c/constant/$r/polyMesh/boundary" \
      || die "splitMeshRegions did not make patch ${r}_to_${other}"
    rm -f "$c/0/$r/cellToRegion"
    cat > "$c/0/$r/T" <<EOF
$(foam_header volScalarField T)
dimensions [0 0 0 1 0 0 0];
internalField uniform 300;
boundaryField
{
    sides { type zeroGradient; }
    zmin  { type zeroGradient; }
    zmax  { type fixedValue; value uniform 300; }
    ${r}_to_${other}
    {
        type            compressible::turbulentTemperatureCoupledBaffleMixed;
        Tnbr            T;
        kappaMethod     solidThermo;
        value           uniform 300;
    }
}
EOF
    cat > "$c/0/$r/p" <<EOF
$(foam_header volScalarField p)
dimensions [1 -1 -2 0 0 0 0];
internalField uniform 1e5;
boundaryField { ".*" { type calculated; value uniform 1e5; } }
EOF
  done
  rm -f "$c/0/cellToRegion"
}

# run_openfoam NAME SOLVER [REGION...]: serial and parallel runs, field/log stats of each;
# sets of_serial_time, of_par_time ("" if not run/failed)
run_openfoam() {
  local name="$1" solver="$2"; shift 2
  local c="$work/of-$name" regions=("$@") mode r
  of_serial_time=""; of_par_time=""
  REPEAT_PREP="clean_times '$c'"
  timed_best "$c/log.$solver.serial" "$solver" -case "$c"
  of_serial_time="$best_time"
  foam_stats "$c" "$c/log.$solver.serial" serial "${regions[@]}"
  if ((use_mpi)); then
    clean_times "$c"
    if [[ ${#regions[@]} -gt 0 ]]; then
      run_logged "$c/log.decomposePar" decomposePar -case "$c" -allRegions -force
    else
      run_logged "$c/log.decomposePar" decomposePar -case "$c" -force
    fi
    if timed_best "$c/log.$solver.parallel" mpirun "${mpi_extra[@]}" -np "$np" \
         "$solver" -case "$c" -parallel; then
      of_par_time="$best_time"
      foam_stats "$c" "$c/log.$solver.parallel" parallel "${regions[@]}"
    else
      echo "note: parallel OpenFOAM run failed (log: $c/log.$solver.parallel); serial only"
    fi
  fi
  REPEAT_PREP=""
}

# foam_stats CASE LOG MODE [REGION...] -> $work/of-NAME-MODE.json {max, regions{}, log{}}
foam_stats() {
  local c="$1" log="$2" mode="$3"; shift 3
  local out="$c-$mode.json" r
  python3 "$tools" log-stats "$log" > "$out.log"
  if [[ $# -eq 0 ]]; then
    python3 "$tools" field-stats "$c" T > "$out.all"
    set -- all
  else
    for r in "$@"; do python3 "$tools" field-stats "$c" T "$r" > "$out.$r"; done
  fi
  python3 - "$out" "$tol" "$@" <<'EOF'
import json, sys
out, tol, regions = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
stats = {r: json.load(open(f"{out}.{r}")) for r in regions}
log = json.load(open(f"{out}.log"))
cells = sum(s["cells"] for s in stats.values())
final_ok = all(x <= tol for x in log["last_final_residuals"])
# one linear solve (laplacianFoam): its final residual; outer iterations (cht): the initial
# residuals of the last outer iteration, i.e. the state before it, in every region
outer_ok = log["outer_iterations"] == 1 or (log["max_last_initial_residual"] or 1) <= tol
json.dump({"max": max(s["max"] for s in stats.values()),
           "mean": sum(s["mean"] * s["cells"] for s in stats.values()) / cells,
           "cells": cells, "regions": stats, "log": log,
           "converged": bool(log["ended"] and final_ok and outer_ok)}, open(out, "w"))
EOF
}

# ---- report --------------------------------------------------------------------------------
# report NAME TITLE -> prints the table, sets speedup_NAME, returns 1 if the answers disagree
report() {
  local name="$1" title="$2"
  python3 - "$name" "$title" "$kelvin_json" "$kelvin_cmd_time" "$work/of-$name-serial.json" \
    "$of_serial_time" "$work/of-$name-parallel.json" "${of_par_time:-}" "$np" \
    "$kelvin_threads" "$max_rel_diff" "$of_solver" "$repeats" > "$work/report-$name.txt" \
    <<'EOF' || { cat "$work/report-$name.txt"; return 1; }
import json, os, sys
(name, title, kj, kt, sj, st, pj, pt, np_, threads, lim, solver, repeats) = sys.argv[1:]
k = json.load(open(kj)); kt = float(kt); lim = float(lim)
runs = [("serial", json.load(open(sj)), float(st))]
if pt and os.path.exists(pj):
    runs.append((f"mpirun -np {np_}", json.load(open(pj)), float(pt)))
best = min(runs, key=lambda r: r[2])
print(f"== {name}: {title}")
print(f"   {'run':38s} {'max T [K]':>14s} {'mean T [K]':>12s} {'time [s]':>9s}  notes")
print(f"   {'kelvin run, %s threads' % threads:38s} {k['max_temperature_K']:14.6f} "
      f"{sum(m['mean'] * m['volume'] for m in k['materials'].values()) / sum(m['volume'] for m in k['materials'].values()):12.4f} "
      f"{kt:9.2f}  wall_time_s {k['wall_time_s']:.2f}, {k['iterations']} MG iterations, "
      f"converged {k['converged']}")
for label, s, t in runs:
    lg = s["log"]
    if lg["outer_iterations"] > 1:
        note = (f"{lg['outer_iterations']} outer it., {lg['linear_iterations']} GAMG it., "
                f"last outer it. initial res. <= {lg['max_last_initial_residual']:.1e}")
    else:
        note = (f"{lg['linear_iterations']} GAMG it., final res. "
                f"{max(lg['last_final_residuals']):.1e}")
    note += f", converged {s['converged']}"
    print(f"   {'%s %s' % (solver, label):38s} {s['max']:14.6f} {s['mean']:12.4f} {t:9.2f}  {note}")
# per-material maxima for the two-region problem
if len(runs[0][1]["regions"]) > 1:
    kmat = sorted(k["materials"].items(), key=lambda kv: kv[1]["max"])
    oreg = sorted(best[1]["regions"].items(), key=lambda kv: kv[1]["max"])
    for (km, kv), (orn, ov) in zip(kmat, oreg):
        print(f"   max T kelvin {km} {kv['max']:.6f} K, openfoam region {orn} {ov['max']:.6f} K")
(label, s, t) = best
ok = True
for lab, ss, _ in runs:
    d = abs(k["max_temperature_K"] - ss["max"]) / ss["max"]
    rise = abs(k["max_temperature_K"] - ss["max"]) / (ss["max"] - 300.0)
    good = d <= lim and ss["cells"] == k["cells"]
    ok &= good
    print(f"   max T difference vs openfoam {lab}: {d:.2e} relative ({rise:.2e} of the rise above "
          f"300 K), cells {k['cells']} vs {ss['cells']}: {'OK' if good else 'DISAGREE'} "
          f"(limit {lim:g})")
speed = t / kt
print(f"   openfoam time used: {label} ({t:.2f} s; fastest of {repeats} run(s) each, "
      f"solver command only); kelvin: kelvin run command {kt:.2f} s")
print(f"   (speedup on kelvin's own wall_time_s instead: {t / k['wall_time_s']:.2f})")
print(f"speedup_vs_openfoam[{name}]: {speed:.2f}")
sys.exit(0 if ok else 1)
EOF
  cat "$work/report-$name.txt"
  echo
}

# ---- HYPRE ---------------------------------------------------------------------------------
hypre_bin="$work/hypre_conduction"
if ((!skip_hypre)); then
  run_logged "$work/hypre-build.log" mpicxx -O3 -march=x86-64-v2 -std=c++17 -I/usr/include/hypre \
    "$here/hypre/hypre_conduction.cpp" -o "$hypre_bin" -lHYPRE
fi

# hypre_once NAME: one run serial and (with OPENFOAM_NP > 1) one under mpirun -np OPENFOAM_NP;
# written to $work/hypre-NAME-RANKS.txt as key=value pairs: the fastest command so far and the
# stats of the run with the least assemble + setup + solve (total_s), as kelvin's solve phase
# is chosen (hypre_best_cmd and hypre_best_line, by rank count, hold them between runs)
declare -A hypre_best_cmd hypre_best_line
hypre_once() {
  local name="$1" r t0 t1 t line
  local rank_counts=(1)
  ((np > 1)) && rank_counts+=("$np")
  for r in "${rank_counts[@]}"; do
    t0=$(now)
    run_logged "$work/hypre-$name-$r.log" \
      mpirun "${mpi_extra[@]}" -np "$r" "$hypre_bin" "$name" 100 "$tol" || return 1
    t1=$(now)
    t=$(elapsed "$t0" "$t1")
    local best_cmd="${hypre_best_cmd[$r]:-}" best_line="${hypre_best_line[$r]:-}"
    best_cmd=$([[ -z "$best_cmd" ]] && echo "$t" || fmin "$best_cmd" "$t")
    line="$(grep '^problem=' "$work/hypre-$name-$r.log")"
    if [[ -z "$best_line" ]] || [[ "$(hypre_total "$line")" == \
          "$(fmin "$(hypre_total "$line")" "$(hypre_total "$best_line")")" ]]; then
      best_line="$line"
    fi
    hypre_best_cmd[$r]="$best_cmd"; hypre_best_line[$r]="$best_line"
    echo "command_s=$best_cmd $best_line" > "$work/hypre-$name-$r.txt"
  done
}
hypre_total() { tr ' ' '\n' <<< "$1" | sed -n 's/^total_s=//p'; }  # hypre_total STATS_LINE

# report_hypre NAME -> prints the table, sets speedup_vs_hypre; returns 1 if the answers disagree
report_hypre() {
  local name="$1"
  python3 - "$name" "$kelvin_phase_json" "$kelvin_cmd_time" "$max_rel_diff" "$kelvin_threads" \
    "$work"/hypre-"$name"-*.txt > "$work/report-hypre-$name.txt" <<'EOF' || { cat "$work/report-hypre-$name.txt"; return 1; }
import json, sys
name, kj, kt, lim, threads = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
k = json.load(open(kj))
ksolve = k["timings_s"].get("setup", 0) + k["timings_s"]["solve"]
runs = [dict(kv.split("=", 1) for kv in open(f).read().split()) for f in sys.argv[6:]]
print(f"== {name}: Kelvin against HYPRE (same cells, same tolerance)")
print(f"   {'run':34s} {'max T [K]':>14s} {'iterations':>10s} {'solve [s]':>9s} {'command [s]':>11s}")
print(f"   {'kelvin run, %s threads' % threads:34s} {k['max_temperature_K']:14.6f} {k['iterations']:10d} "
      f"{ksolve:9.3f} {kt:11.2f}")
ok = True
for d in runs:
    print(f"   {'HYPRE PFMG-CG, %s rank(s)' % d['ranks']:34s} {float(d['max_T_K']):14.6f} "
          f"{int(d['iterations']):10d} {float(d['total_s']):9.3f} {float(d['command_s']):11.2f}")
    diff = abs(k["max_temperature_K"] - float(d["max_T_K"])) / float(d["max_T_K"])
    good = diff <= lim and int(d["cells"]) == k["cells"]
    ok &= good
    print(f"     max T difference {diff:.2e} relative, cells {k['cells']} vs {d['cells']}: "
          f"{'OK' if good else 'DISAGREE'} (limit {lim:g})")
best = min(runs, key=lambda d: float(d["total_s"]))
print(f"   solve phase: kelvin setup + solve {ksolve:.3f} s; HYPRE assemble + setup + solve "
      f"{float(best['total_s']):.3f} s ({best['ranks']} rank(s), the faster)")
print(f"   (whole commands instead: {min(float(d['command_s']) for d in runs) / kt:.2f}; kelvin's also "
      f"meshes and writes VTK/HDF5, HYPRE's writes nothing and includes MPI start-up)")
print(f"speedup_vs_hypre[{name}]: {float(best['total_s']) / ksolve:.2f}")
sys.exit(0 if ok else 1)
EOF
  cat "$work/report-hypre-$name.txt"
  echo
}

status=0
declare -A speedups hypre_speedups

# ---- problem 1: cube -----------------------------------------------------------------------
kelvin_case cube
run_kelvin_and_hypre cube || status=1
if ((!skip_openfoam)); then
  setup_cube
  of_solver=laplacianFoam
  run_openfoam cube laplacianFoam
  report cube "uniform k = 10 W/m/K cube, q''' = 1e6 W/m^3, all faces 300 K, 100^3 cells" || status=1
  speedups[cube]=$(sed -n 's/^speedup_vs_openfoam\[cube\]: //p' "$work/report-cube.txt")
fi
if ((!skip_hypre)); then
  report_hypre cube || status=1
  hypre_speedups[cube]=$(sed -n 's/^speedup_vs_hypre\[cube\]: //p' "$work/report-hypre-cube.txt")
fi

# ---- problem 2: stack ----------------------------------------------------------------------
kelvin_case stack
run_kelvin_and_hypre stack || status=1
if ((!skip_openfoam)); then
  setup_stack
  of_solver=chtMultiRegionSimpleFoam
  run_openfoam stack chtMultiRegionSimpleFoam bottom top
  report stack "k = 1 (heated) / 400 W/m/K stack, zmax 300 K, rest adiabatic, 100^3 cells" || status=1
  speedups[stack]=$(sed -n 's/^speedup_vs_openfoam\[stack\]: //p' "$work/report-stack.txt")
fi
if ((!skip_hypre)); then
  report_hypre stack || status=1
  hypre_speedups[stack]=$(sed -n 's/^speedup_vs_hypre\[stack\]: //p' "$work/report-hypre-stack.txt")
fi

echo "total script time: $(elapsed "$script_t0" "$(now)") s (load average now $(cut -d" " -f1-3 /proc/loadavg))"
if ((status != 0)); then
  echo "openfoam_compare: Kelvin and OpenFOAM answers DISAGREE (see above)" >&2
fi
((skip_openfoam)) || echo "speedup_vs_openfoam: $(fmin "${speedups[cube]:-0}" "${speedups[stack]:-0}")"
((skip_hypre)) || echo "speedup_vs_hypre: cube ${hypre_speedups[cube]:-?}, stack ${hypre_speedups[stack]:-?} (solve phase)"
exit "$status"
