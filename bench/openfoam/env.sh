# Sourced by the OpenFOAM benchmark scripts: sets WM_PROJECT_DIR for Debian's openfoam package.
# Its etc/bashrc expects bin/foamEtcFile, which the package does not ship (sourcing it prints
# errors), and the tools only need WM_PROJECT_DIR to find etc/controlDict. Needs a die().
if [[ -z "${WM_PROJECT_DIR:-}" || ! -f "${WM_PROJECT_DIR:-}/etc/controlDict" ]]; then
  of_bashrc="$(dpkg -L openfoam 2>/dev/null | grep -m1 '/etc/bashrc$' || true)"
  [[ -n "$of_bashrc" ]] || of_bashrc=/usr/share/openfoam/etc/bashrc
  export WM_PROJECT_DIR="$(dirname "$(dirname "$of_bashrc")")"
fi
[[ -f "$WM_PROJECT_DIR/etc/controlDict" ]] \
  || die "cannot find OpenFOAM's etc/controlDict (set WM_PROJECT_DIR to the OpenFOAM project dir)"
