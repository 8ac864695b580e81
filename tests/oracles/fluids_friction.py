#!/usr/bin/env python3
"""The PyPI package fluids as the oracle for Kelvin's Churchill (1977) friction factor
(solver/loop/friction.hpp).

    python3 tests/oracles/fluids_friction.py DRIVER    # DRIVER: the built tests/loop_network_driver

Asks Kelvin (through the driver's "friction" lines) and fluids.friction.Churchill_1977 for the
Darcy friction factor on a grid of Reynolds numbers 1 .. 1e8 (laminar, transitional, turbulent)
and relative roughnesses 0 .. 0.05, and exits 1 when any differs by more than 1e-12 relative:
both evaluate the same closed formula, so only rounding may separate them.
Without fluids the script exits 77 (CTest's "skipped").
"""
import subprocess
import sys
import tempfile

SKIP_EXIT_CODE = 77
TOLERANCE = 1e-12


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        from fluids.friction import Churchill_1977
    except ImportError:
        print("fluids_friction.py: needs the PyPI package 'fluids' (pip install fluids)",
              file=sys.stderr)
        return SKIP_EXIT_CODE
    reynolds = [10 ** (e / 4) for e in range(0, 33)]  # 1 .. 1e8
    roughness = [0.0, 1e-6, 1e-4, 1e-3, 1e-2, 5e-2]
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as fh:
        for re in reynolds:
            for eps in roughness:
                fh.write(f"friction {re!r} {eps!r}\n")
        fh.flush()
        out = subprocess.run([sys.argv[1], fh.name], capture_output=True, text=True,
                             check=True).stdout
    worst, where = 0.0, None
    for line in out.splitlines():
        _, re, eps, f = line.split()
        want = Churchill_1977(float(re), float(eps))
        diff = abs(float(f) / want - 1.0)
        if diff > worst:
            worst, where = diff, (float(re), float(eps))
    count = len(out.splitlines())
    print(f"{count} points, Re 1 .. 1e8, eps/D 0 .. 0.05: largest relative difference from "
          f"fluids.friction.Churchill_1977 {worst:.2e} at Re {where[0]:.3g}, eps/D {where[1]:g} "
          f"(tolerance {TOLERANCE:g})" if where else "no difference at all")
    if count != len(reynolds) * len(roughness):
        print(f"expected {len(reynolds) * len(roughness)} answers, got {count}")
        return 1
    return 1 if worst > TOLERANCE else 0


if __name__ == "__main__":
    sys.exit(main())
