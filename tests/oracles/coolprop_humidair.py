#!/usr/bin/env python3
"""CoolProp's HumidAir (HAPropsSI, PyPI package coolprop) as the oracle for Kelvin's
psychrometrics (solver/facility/psychrometrics.hpp).

    python3 tests/oracles/coolprop_humidair.py DRIVER   # DRIVER: the built tests/facility_driver

Asks Kelvin (through the driver's "psychrometrics T_K RH P_PA" lines) and HAPropsSI for the wet
bulb, dew point, humidity ratio and enthalpy of moist air on a grid: dry bulb -10..45 degC every
1 K, relative humidity 0.05..1 every 0.05, pressure 80, 85, 90, 95 and 101.325 kPa (5 600
states), and exits 1 when any differs by more than its bar:

  wet bulb and dew point   0.1 K (issue 13's bar);
  humidity ratio           1 % relative;
  enthalpy                 1.2 kJ/kg dry air as computed, and 0.25 kJ/kg at CoolProp's W.

Wet bulbs near 0 degC: the psychrometric equation has two roots in a band of humidity, an
iced bulb below 0 degC and a wet one above (psychrometrics.hpp). Kelvin's wet_bulb_K takes the
ice-bulb root; CoolProp's Brent search usually does too, but not always near the band's upper
edge. A state passes when CoolProp's wet bulb is within the bar of Kelvin's answer, or, where
Kelvin has both roots, of its other root; the script counts and lists the states decided so.

The two differ by design, not by error: Kelvin follows ASHRAE's ideal-gas relations (ASHRAE
Handbook Fundamentals 2017, ch. 1) with Hyland & Wexler's saturation pressures; CoolProp is the
real-gas formulation of ASHRAE RP-1485 (Herrmann, Kretzschmar & Gatley 2009), with the
enhancement factor f (about 1.004-1.005 at these pressures: W is that much higher) and virial
corrections. The enthalpy is compared twice: as each computes it (the W difference times the
latent heat, up to ~1 kJ/kg at 45 degC saturated), and at CoolProp's own W,
h_Kelvin(W_CP) = h_Kelvin - (W_Kelvin - W_CP)(2501e3 + 1860 t) (h is linear in W), which leaves
the difference of the two enthalpy formulations (ASHRAE's vapour enthalpy 2501 + 1.86 t kJ/kg
against IAPWS-95's: ~0.1 % of h at 45 degC saturated). Both reference states put dry air and liquid
water at 0 degC to zero.
Prints the worst difference of each quantity and where. Without CoolProp it exits 77 (CTest's
"skipped").
"""
import subprocess
import sys
import tempfile

SKIP_EXIT_CODE = 77
BARS = {
    "wet bulb [K]": 0.1,
    "dew point [K]": 0.1,
    "humidity ratio [relative]": 0.01,
    "enthalpy [J/kg]": 1200.0,
    "enthalpy at CoolProp's W [J/kg]": 250.0,
}
TEMPERATURES_C = [float(t) for t in range(-10, 46)]
HUMIDITIES = [round(0.05 * i, 2) for i in range(1, 21)]
PRESSURES_PA = [80000.0, 85000.0, 90000.0, 95000.0, 101325.0]


def kelvin_states(driver):
    """[(T, rh, p, W, dew point, wet bulb, h, (ice root, water root))] from the driver, in the
    order asked."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt") as fh:
        for t in TEMPERATURES_C:
            for rh in HUMIDITIES:
                for p in PRESSURES_PA:
                    fh.write(f"psychrometrics {t + 273.15!r} {rh!r} {p!r}\n")
        fh.flush()
        out = subprocess.run([driver, fh.name], capture_output=True, text=True,
                             check=True).stdout
    states = []
    for line in out.splitlines():
        f = line.split()
        T, rh, p, W, _, dew, wb, h = (float(x) for x in f[1:9])
        roots = tuple(float(x) for x in f[11:13])  # 'nan' where a branch has no root
        states.append((T, rh, p, W, dew, wb, h, roots))
    return states


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        from CoolProp.HumidAirProp import HAPropsSI
    except ImportError:
        print("coolprop_humidair.py: needs the PyPI package 'coolprop' (pip install coolprop)",
              file=sys.stderr)
        return SKIP_EXIT_CODE
    states = kelvin_states(sys.argv[1])
    expected = len(TEMPERATURES_C) * len(HUMIDITIES) * len(PRESSURES_PA)
    ok = len(states) == expected
    if not ok:
        print(f"expected {expected} answers from the driver, got {len(states)}")
    worst = {name: (0.0, None) for name in BARS}
    other_root = []
    for T, rh, p, W, dew, wb, h, roots in states:
        given = ("T", T, "P", p, "R", rh)
        W_cp = HAPropsSI("W", *given)
        B_cp = HAPropsSI("B", *given)
        t = T - 273.15
        d_wb = abs(wb - B_cp)
        if d_wb > BARS["wet bulb [K]"] and all(r == r for r in roots):
            other = roots[1] if wb == roots[0] else roots[0]
            other_root.append((round(t, 2), rh, p, wb - 273.15, other - 273.15, B_cp - 273.15))
            d_wb = abs(other - B_cp)
        diffs = {
            "wet bulb [K]": d_wb,
            "dew point [K]": abs(dew - HAPropsSI("D", *given)),
            "humidity ratio [relative]": abs(W / W_cp - 1.0),
            "enthalpy [J/kg]": abs(h - HAPropsSI("H", *given)),
            "enthalpy at CoolProp's W [J/kg]":
                abs(h - (W - W_cp) * (2501e3 + 1860.0 * t) - HAPropsSI("H", *given)),
        }
        for name, d in diffs.items():
            if not d <= BARS[name]:
                ok = False
                print(f"FAIL {name}: {d:.4g} at t {t:.2f} degC, RH {rh}, p {p:g} Pa")
            if not d <= worst[name][0]:
                worst[name] = (d, (round(t, 2), rh, p))
    for name, (d, where) in worst.items():
        print(f"{name:34s} worst {d:.4g} (bar {BARS[name]:g}) at t {where[0]} degC, "
              f"RH {where[1]}, p {where[2]:g} Pa")
    print(f"{len(other_root)} states where CoolProp took the other root of the psychrometric "
          f"equation (t, RH, p, Kelvin's root, its other root, CoolProp's, degC):")
    for row in other_root:
        print("  %5.1f %4.2f %6.0f  %8.4f %8.4f %8.4f" % row)
    print(f"{len(states)} states: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
