#!/usr/bin/env bash
# OpenFOAM (v1912, chtMultiRegionSimpleFoam) solution of a cold-plate conjugate-heat-transfer
# spec on the SAME rectilinear cells Kelvin uses: an independent cross-check of Kelvin's
# pressure drop, die temperature and coolant outlet temperature.
#
#   bench/openfoam_coldplate.sh SPEC.json [WORKDIR]
#
# SPEC.json: the format is documented in bench/openfoam/coldplate/foam_cht.py (and README.md
# next to it). WORKDIR: the OpenFOAM case directory to create (must be empty or absent; default
# a new mktemp directory, kept, its path printed on stderr).
# Prints progress on stderr and, as the LAST stdout line, one JSON object:
#   {"pressure_drop_Pa", "inlet_p_Pa", "outlet_p_Pa", "max_T_K": {material: K}, "outlet_T_K",
#    "iterations", "converged_at", "seconds", "converged", "energy": {...}, "inlets": [...],
#    "outlets": [...], "cells", "case", "warnings", ...}
# "seconds" is the wall time of the solver command alone (meshing and set-up not included).
# Exit status: 0 converged, 1 ran but did not converge (JSON still printed), 2 error.
#
# Environment:
#   OPENFOAM_NP=N   run the solver on N MPI ranks (decomposePar -allRegions, scotch; needs
#                   mpirun, Debian package openmpi-bin); default 1 = serial
#   PYTHON=path     python3 with numpy (default: /usr/bin/python3 if it has numpy, else python3)
#
# Needs the Debian package `openfoam` (v1912: blockMesh, topoSet, createPatch,
# splitMeshRegions, postProcess, chtMultiRegionSimpleFoam) and python3 + numpy (python3-numpy).
# Synthetic test specs: bench/openfoam/coldplate/make_test_spec.py; the checks of them:
# bench/openfoam/coldplate/verify.py.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tool="$here/openfoam/coldplate/foam_cht.py"
die() { echo "openfoam_coldplate: $*" >&2; exit 2; }

[[ $# -ge 1 && $# -le 2 ]] || die "usage: $0 SPEC.json [WORKDIR]"
spec="$1"
[[ -f "$spec" ]] || die "no spec file $spec"

if [[ -n "${PYTHON:-}" ]]; then py="$PYTHON"
elif /usr/bin/python3 -c 'import numpy' 2>/dev/null; then py=/usr/bin/python3
else py=python3; fi
"$py" -c 'import numpy' 2>/dev/null || die "$py has no numpy (Debian package python3-numpy)"

missing=()
for c in blockMesh topoSet createPatch splitMeshRegions postProcess chtMultiRegionSimpleFoam; do
  command -v "$c" >/dev/null || missing+=("$c")
done
((${#missing[@]} == 0)) || die "OpenFOAM commands not found: ${missing[*]}
  install OpenFOAM v1912 (Debian/Ubuntu: apt-get install -y openfoam)"

# WM_PROJECT_DIR for Debian's openfoam package (shared with the other OpenFOAM scripts).
source "$(dirname "${BASH_SOURCE[0]}")/openfoam/env.sh"

np="${OPENFOAM_NP:-1}"
if ((np > 1)); then
  command -v mpirun >/dev/null || die "OPENFOAM_NP=$np but mpirun not found (Debian package openmpi-bin)"
  command -v decomposePar >/dev/null || die "OPENFOAM_NP=$np but decomposePar not found"
fi

"$py" "$tool" check "$spec" || die "invalid spec $spec"

if [[ $# -ge 2 ]]; then
  work="$2"
else
  work="$(mktemp -d "${TMPDIR:-/tmp}/kelvin-coldplate.XXXXXX")"
  echo "openfoam_coldplate: case directory $work" >&2
fi

out="$("$py" "$tool" run "$spec" "$work" --np "$np")" || die "failed (case directory: $work)"
echo "$out"
last="$(tail -n1 <<<"$out")"
conv="$("$py" -c 'import json,sys; print(json.loads(sys.argv[1])["converged"])' "$last")"
[[ "$conv" == True ]] || { echo "openfoam_coldplate: NOT converged (case directory: $work)" >&2; exit 1; }
