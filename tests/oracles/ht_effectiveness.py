#!/usr/bin/env python3
"""The PyPI package ht as the oracle for Kelvin's effectiveness-NTU relations
(solver/loop/heat_exchanger.hpp).

    python3 tests/oracles/ht_effectiveness.py DRIVER   # DRIVER: the built tests/loop_network_driver

Asks Kelvin (through the driver's "effectiveness KIND NTU CR" lines) and
ht.effectiveness_from_NTU for the effectiveness of a counterflow exchanger and of the three
crossflow arrangements (both fluids unmixed, exact and approximate; C_max mixed; C_min mixed) on a
grid of NTU 0.01 .. 20 and Cr 0 .. 1, and exits 1 when any differs by more than its tolerance.

Tolerance: 1e-12 relative, plus 1e-15 / x where ht's expression subtracts nearly equal numbers.
ht evaluates 1 - exp(-x) as written, which loses about log10(1/x) digits for a small exponent x
(its error is ~1e-16 / x relative); Kelvin uses expm1. x is NTU (1 - Cr) for counterflow,
Cr NTU for the exact crossflow (ht: 1/Cr minus an integral by scipy.integrate.quad, which cancels
the same way) and for C_min mixed, Cr NTU^0.78 for the approximation, Cr (1 - e^-NTU) for C_max
mixed. ht's crossflow forms divide by Cr, so at Cr = 0 every arrangement is compared with ht's
'boiler' (1 - e^-NTU), their common limit.
Without ht the script exits 77 (CTest's "skipped").
"""
import math
import subprocess
import sys
import tempfile

SKIP_EXIT_CODE = 77
TOLERANCE = 1e-12
CANCELLATION = 1e-15
KINDS = {  # Kelvin's name: (ht's subtype, smallest exponent x of ht's expression)
    "counterflow": ("counterflow", lambda ntu, cr: ntu * (1 - cr) if cr < 1 else math.inf),
    "crossflow": ("crossflow", lambda ntu, cr: cr * ntu),
    "crossflow_approx": ("crossflow approximate", lambda ntu, cr: cr * ntu**0.78),
    "crossflow_cmax_mixed": ("crossflow, mixed Cmax", lambda ntu, cr: cr * -math.expm1(-ntu)),
    "crossflow_cmin_mixed": ("crossflow, mixed Cmin", lambda ntu, cr: cr * ntu),
}
NTUS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, 10.0, 15.0, 20.0]
CRS = [0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 0.999, 1.0]


def kelvin_values(driver):
    """{(kind, ntu, cr): epsilon} from the driver."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as fh:
        for kind in KINDS:
            for ntu in NTUS:
                for cr in CRS:
                    fh.write(f"effectiveness {kind} {ntu!r} {cr!r}\n")
        fh.flush()
        out = subprocess.run([driver, fh.name], capture_output=True, text=True,
                             check=True).stdout
    values = {}
    for line in out.splitlines():
        _, kind, ntu, cr, eps = line.split()
        values[(kind, float(ntu), float(cr))] = float(eps)
    return values


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        from ht import effectiveness_from_NTU
    except ImportError:
        print("ht_effectiveness.py: needs the PyPI package 'ht' (pip install ht)",
              file=sys.stderr)
        return SKIP_EXIT_CODE
    kelvin = kelvin_values(sys.argv[1])
    expected = len(KINDS) * len(NTUS) * len(CRS)
    ok = len(kelvin) == expected
    if not ok:
        print(f"expected {expected} answers from the driver, got {len(kelvin)}")
    for kind, (subtype, smallest_exponent) in KINDS.items():
        worst, worst_ratio, where = 0.0, 0.0, None
        for ntu in NTUS:
            for cr in CRS:
                want = effectiveness_from_NTU(ntu, cr, subtype=subtype if cr > 0 else "boiler")
                x = smallest_exponent(ntu, cr) if cr > 0 else ntu
                tolerance = TOLERANCE + CANCELLATION / x
                diff = abs(kelvin[(kind, ntu, cr)] / want - 1.0)
                if diff > worst:
                    worst, where = diff, (ntu, cr)
                worst_ratio = max(worst_ratio, diff / tolerance)
        print(f"{kind:22} vs ht '{subtype}': largest relative difference {worst:.2e}"
              + (f" at NTU {where[0]:g}, Cr {where[1]:g}" if where else "")
              + f"; largest difference / tolerance {worst_ratio:.3f}")
        ok = ok and worst_ratio <= 1.0
    print(f"{len(NTUS)} NTU x {len(CRS)} Cr, NTU {NTUS[0]:g} .. {NTUS[-1]:g}, Cr {CRS[0]:g} .. "
          f"{CRS[-1]:g}: " + ("PASS" if ok else "FAIL"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
