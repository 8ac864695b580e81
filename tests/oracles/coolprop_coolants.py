#!/usr/bin/env python3
"""Reference coolant properties from CoolProp, the oracle for tests/unit_coolant.cpp.

    python3 tests/oracles/coolprop_coolants.py                 # writes tests/data/coolprop_coolants.csv
    python3 tests/oracles/coolprop_coolants.py --check FILE    # recomputes FILE, exit 1 on a mismatch
    python3 tests/oracles/coolprop_coolants.py --fit-water     # prints solver/physics/coolant.cpp's water fit

Needs the PyPI package `coolprop` (and `numpy` for --fit-water only); without it the script
exits 77, the usual "skipped" code (CTest SKIP_RETURN_CODE), so CI can tell "not checked" from
"mismatch" (exit 1).

Sources, matching solver/physics/coolant.cpp:
- propylene_glycol, ethylene_glycol: CoolProp INCOMP::MPG / INCOMP::MEG, Melinder (2010)
  2-D polynomials, valid from the mixture's freezing point to CoolProp's Tmax (100 degC).
- water: CoolProp HEOS::Water (IAPWS-95 density and heat capacity, IAPWS 2008 viscosity, IAPWS
  2011 conductivity) as liquid at 0.2 MPa, 0 .. 100 degC. Kelvin's water is a fit to these
  values (--fit-water), not CoolProp's INCOMP::Water fit, which is 1 to 2 % off IAPWS near
  0 degC.

CSV columns: fluid, mass_fraction, T_K, rho [kg/m^3], cp [J/kg/K], k [W/m/K], mu [Pa s].
Temperatures: every whole 10 degC strictly inside the valid range, plus both range ends nudged
0.01 K inside.
"""
import argparse
import csv
import math
import os
import sys

WATER_PRESSURE_PA = 2.0e5  # keeps 100 degC liquid; 1 bar more changes rho by 0.005 %
GLYCOL_PRESSURE_PA = 101325.0  # INCOMP properties do not depend on pressure
WATER_T_MIN_K = 273.15
WATER_T_MAX_K = 373.15
NUDGE_K = 0.01
SKIP_EXIT_CODE = 77

# (Kelvin fluid name, CoolProp incompressible name, mass fractions)
GLYCOLS = [
    ("propylene_glycol", "MPG", [0.1, 0.25, 0.4, 0.5]),
    ("ethylene_glycol", "MEG", [0.2, 0.3, 0.5]),
]
COLUMNS = ["fluid", "mass_fraction", "T_K", "rho", "cp", "k", "mu"]
HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_CSV = os.path.normpath(os.path.join(HERE, "..", "data", "coolprop_coolants.csv"))


def props_si():
    try:
        from CoolProp.CoolProp import PropsSI
    except ImportError:
        print("coolprop_coolants.py: needs the PyPI package 'coolprop' (pip install coolprop)",
              file=sys.stderr)
        sys.exit(SKIP_EXIT_CODE)
    return PropsSI


def temperatures(t_min, t_max):
    """Whole multiples of 10 degC strictly inside (t_min, t_max), plus the nudged ends."""
    ts = [t_min + NUDGE_K]
    c = math.floor((t_min - 273.15) / 10.0) * 10 + 10
    while c + 273.15 < t_max:
        if c + 273.15 > t_min:
            ts.append(c + 273.15)
        c += 10
    ts.append(t_max - NUDGE_K)
    return ts


def water_row(PropsSI, T):
    rho, cp, k, mu = (PropsSI(p, "T", T, "P", WATER_PRESSURE_PA, "HEOS::Water") for p in "DCLV")
    return rho, cp, k, mu


def rows():
    PropsSI = props_si()
    out = []
    for T in temperatures(WATER_T_MIN_K, WATER_T_MAX_K):
        out.append(("water", 0.0, T) + water_row(PropsSI, T))
    for fluid, incomp, fractions in GLYCOLS:
        for x in fractions:
            name = "INCOMP::%s[%r]" % (incomp, x)
            t_min = PropsSI("T_freeze", "T", 300.0, "P", GLYCOL_PRESSURE_PA, name)
            t_max = PropsSI("Tmax", "T", 300.0, "P", GLYCOL_PRESSURE_PA, name)
            for T in temperatures(t_min, t_max):
                vals = tuple(PropsSI(p, "T", T, "P", GLYCOL_PRESSURE_PA, name) for p in "DCLV")
                out.append((fluid, x, T) + vals)
    return out


def write(path, table):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(COLUMNS)
        for r in table:
            w.writerow([r[0]] + [repr(float(v)) for v in r[1:]])  # shortest exact


def check(path, table):
    with open(path, newline="") as f:
        got = list(csv.reader(f))
    if not got or got[0] != COLUMNS:
        print("%s: header is not %s" % (path, ",".join(COLUMNS)))
        return 1
    got = got[1:]
    bad = 0
    if len(got) != len(table):
        print("%s: %d rows, CoolProp gives %d" % (path, len(got), len(table)))
        bad += 1
    for n, (g, want) in enumerate(zip(got, table), start=2):
        if g[0] != want[0]:
            print("%s:%d: fluid %s, expected %s" % (path, n, g[0], want[0]))
            bad += 1
            continue
        for col, gv, wv in zip(COLUMNS[1:], g[1:], want[1:]):
            gv = float(gv)
            if abs(gv - wv) > 1e-9 * max(abs(wv), 1e-300):
                print("%s:%d: %s %s = %.17g, CoolProp gives %.17g" % (path, n, want[0], col, gv, wv))
                bad += 1
    if bad:
        print("%s: %d mismatches with CoolProp" % (path, bad))
        return 1
    print("%s: all %d rows match CoolProp to 1e-9" % (path, len(table)))
    return 0


def fit_water():
    """Least-squares fit of degree 5 in (T - 323.15 K), relative weights, ln(mu) for viscosity."""
    import numpy as np

    PropsSI = props_si()
    t_base = 323.15
    T = np.linspace(WATER_T_MIN_K, WATER_T_MAX_K, 401)
    A = np.vander(T - t_base, 6, increasing=True)
    for key, label in (("D", "rho"), ("C", "cp"), ("L", "k"), ("V", "ln_mu")):
        y = np.array([PropsSI(key, "T", t, "P", WATER_PRESSURE_PA, "HEOS::Water") for t in T])
        f, w = (np.log(y), np.ones_like(y)) if key == "V" else (y, 1.0 / y)
        c = np.linalg.lstsq(A * w[:, None], f * w, rcond=None)[0]
        fit = A @ c
        if key == "V":
            fit = np.exp(fit)
        err = np.max(np.abs(fit / y - 1.0))
        print("// %s: max relative error %.2e over 0 .. 100 degC" % (label, err))
        print("{" + ", ".join("%.17g" % v for v in c) + "},")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", metavar="CSV", help="recompute CSV and exit 1 on a mismatch")
    ap.add_argument("--fit-water", action="store_true", help="print the water fit coefficients")
    ap.add_argument("--output", default=DEFAULT_CSV, help="where to write (default: %(default)s)")
    args = ap.parse_args()
    if args.fit_water:
        fit_water()
        return 0
    table = rows()
    if args.check:
        return check(args.check, table)
    write(args.output, table)
    print("wrote %d rows to %s" % (len(table), args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
