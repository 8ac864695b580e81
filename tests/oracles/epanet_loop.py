#!/usr/bin/env python3
"""EPANET as the oracle for Kelvin's coolant network solver (solver/loop/gga.hpp).

    python3 tests/oracles/epanet_loop.py DRIVER     # DRIVER: the built tests/loop_network_driver

Builds one looped network (two reservoirs, a pump with a quadratic head curve, six junctions with
demands, nine pipes forming four loops, one pipe drawn against its flow) from the numbers below,
once as an EPANET model through the PyPI package wntr (EpanetSimulator: the EPANET 2.2 engine,
Darcy-Weisbach head loss, EPANET's viscosity set to Kelvin's water at the same temperature) and
as text files that Kelvin's driver solves, twice:

1. Same equations: Kelvin's pipes use EPANET's friction law (FrictionLaw::Epanet) and lengths
   scaled by g / 32.2 ft/s^2 (EPANET's D-W resistance takes g as 32.2 ft/s^2 = 9.81456 m/s^2,
   Kelvin 9.80665; only L/g enters the head loss, so the scaled length makes the two head-loss
   laws identical). Every flow must agree to 1e-6 relative and every junction head to 1e-4 m:
   this checks the network solver itself. EPANET's binary results are 32-bit floats (~1e-7).
2. Kelvin's own model: Churchill friction, true lengths. Every flow within 1 %: EPANET's
   Swamee-Jain and Churchill both approximate Colebrook to ~1-2 % in f, and flow goes as f^-1/2.

Every pipe of the looped network stays above Re 4000 (checked), where EPANET's law is
Swamee-Jain. A second network of small pipes, compared the first way only, puts one pipe in
each of EPANET's regimes (laminar, Dunlop's transition, turbulent; checked). The EPANET input
file is written in CFS units, EPANET's own: in LPS it converts with a rounded 28.317 L/ft^3,
which alone shifts flows by ~1e-5.

EPANET's example network Net1 is compared the first way too, switched to Darcy-Weisbach (see
NET1 below for its source and for what was changed to make it one steady period), and with its
pump's single-point curve given to EPANET literally, where EPANET's own expansion of the point
(1.33334 H1, not 4/3 H1, and a power law fitted through it) differs from the exact quadratic.

Needs wntr; without it the script exits 77, CTest's "skipped" (SKIP_RETURN_CODE).
"""
import math
import os
import subprocess
import sys
import tempfile
import warnings

SKIP_EXIT_CODE = 77
FLOW_TOLERANCE = 0.01        # Churchill against EPANET's Swamee-Jain
SAME_LAW_FLOW_TOLERANCE = 1e-6
SAME_LAW_HEAD_TOLERANCE_M = 1e-4
EPANET_GRAVITY_M_S2 = 32.2 * 0.3048
G = 9.80665
T_K = 293.15  # 20 degC
EPANET_VISCOSITY_M2_S = 1.1e-5 * 0.3048**2  # EPANET's reference kinematic viscosity (VISCOS)

LOOPED = {
    "reservoirs": {"R1": 0.0, "R2": 45.0},  # name: head [m]
    "junctions": {  # name: (elevation [m], demand [m^3/s])
        "J1": (2.0, 0.0), "J2": (5.0, 0.005), "J3": (1.0, 0.010),
        "J4": (3.0, 0.015), "J5": (0.0, 0.020), "J6": (4.0, 0.010),
    },
    "pipes": [  # name, from, to, length [m], diameter [m], roughness [m]
        ("P1", "R2", "J2", 300.0, 0.20, 5e-5),
        ("P2", "J1", "J2", 200.0, 0.15, 1e-4),
        ("P3", "J1", "J3", 250.0, 0.15, 1e-4),
        ("P4", "J2", "J4", 300.0, 0.15, 5e-4),
        ("P5", "J4", "J3", 200.0, 0.10, 1e-4),  # drawn against its flow
        ("P6", "J3", "J5", 300.0, 0.10, 5e-5),
        ("P7", "J4", "J6", 250.0, 0.10, 2e-4),
        ("P8", "J5", "J6", 200.0, 0.10, 1e-4),
        ("P9", "J1", "J5", 400.0, 0.12, 1e-4),
    ],
    "pump": ("PU", "R1", "J1", 40.0, 5000.0),  # name, from, to, H0 [m], k [m s^2/m^6]
    "reversed": "P5",
    "regimes": {"turbulent"},
}
# EPANET's example network Net1 ("EPANET Example Network 1", shipped with EPANET 2.2 and in the
# WNTR repository as examples/networks/Net1.inp; Rossman, EPANET 2 Users Manual, EPA/600/R-00/057,
# 2000, ch. 2): 9 junctions, reservoir 9, tank 2, 12 pipes, pump 9 on a single-point curve
# (1500 gpm at 250 ft), in US units below and converted exactly (ft 0.3048 m, in 0.0254 m,
# US gallon 3.785411784 L). Changed for one steady period: Hazen-Williams C 100 becomes
# Darcy-Weisbach with an absolute roughness of 0.26 mm (cast iron; Net1's pipes are unlined
# cast-iron-like at C 100), the tank is a fixed head at its initial level (elevation 850 ft +
# level 120 ft), demands are the base demands times the first multiplier of pattern 1 (Net1's
# default pattern), 1.0, and the two pump controls (on below 110 ft, off above 140 ft) are
# dropped: at 120 ft neither acts. EPANET expands the single point (Q1, H1) to the curve through
# (0, 4/3 H1), (Q1, H1), (2 Q1, 0) -- the quadratic H = 4/3 H1 - (H1/3) (Q/Q1)^2, which is
# Kelvin's pump_from_quadratic(4/3 H1, H1 / (3 Q1^2)) -- so EPANET is given those three points.
FT, INCH, GPM = 0.3048, 0.0254, 3.785411784e-3 / 60
NET1_Q1, NET1_H1 = 1500 * GPM, 250 * FT
NET1_DEMAND_MULTIPLIER = 1.0
NET1 = {
    "reservoirs": {"9": 800 * FT},
    "tanks": {"2": (850 * FT, 120 * FT, 100 * FT, 150 * FT, 50.5 * FT)},  # elev, init, min, max, D
    "junctions": {n: (z * FT, d * GPM * NET1_DEMAND_MULTIPLIER) for n, z, d in [
        ("10", 710, 0), ("11", 710, 150), ("12", 700, 150), ("13", 695, 100), ("21", 700, 150),
        ("22", 695, 200), ("23", 690, 150), ("31", 700, 100), ("32", 710, 100)]},
    "pipes": [(n, a, b, length * FT, d * INCH, 0.26e-3) for n, a, b, length, d in [
        ("10", "10", "11", 10530, 18), ("11", "11", "12", 5280, 14), ("12", "12", "13", 5280, 10),
        ("21", "21", "22", 5280, 10), ("22", "22", "23", 5280, 12), ("31", "31", "32", 5280, 6),
        ("110", "2", "12", 200, 18), ("111", "11", "21", 5280, 10),
        ("112", "12", "22", 5280, 12), ("113", "13", "23", 5280, 8),
        ("121", "21", "31", 5280, 8), ("122", "22", "32", 5280, 6)]],
    "pump": ("9", "9", "10", 4 / 3 * NET1_H1, NET1_H1 / (3 * NET1_Q1**2), (NET1_Q1, 2 * NET1_Q1)),
    "reversed": "110",  # the pump fills the tank at this hour
    "regimes": {"turbulent"},
}
# The same with the pump curve given to EPANET as Net1 has it, one point: EPANET 2.2 (input1.c,
# updatepumpparams) then takes H0 = 1.33334 H1, not 4/3 H1, and fits H = H0 - B Q^C through
# (Q1, H1) and (2 Q1, 0), so C = log2(1.33334 / 0.33334) = 1.99998; Kelvin keeps the exact
# quadratic. At Net1's pump flow (1.3 Q1) the two curves differ by 2.3e-6 of the head, which
# moves the flows by up to 3.7e-6: bar 1e-5.
NET1_SINGLE_POINT_TOLERANCE = 1e-5
NET1_SINGLE_POINT = dict(NET1, epanet_pump_curve=[(NET1_Q1, NET1_H1)])
SMALL_PIPES = {  # one pipe in each of EPANET's friction regimes
    "reservoirs": {"A": 1.0, "B": 0.0},
    "junctions": {"K1": (0.0, 0.0), "K2": (0.0, 2e-5)},
    "pipes": [
        ("S1", "A", "K1", 5.0, 0.012, 1e-6),
        ("S2", "K1", "K2", 4.0, 0.008, 1e-6),
        ("S3", "K1", "B", 15.0, 0.004, 1e-6),
        ("S4", "K2", "B", 3.0, 0.010, 1e-6),
    ],
    "pump": None,
    "reversed": None,
    "regimes": {"laminar", "transitional", "turbulent"},
}


def run_kelvin(driver, net, workdir, epanet_equations):
    """Kelvin's flows, pressures, density and viscosity; epanet_equations: see the docstring."""
    scale = G / EPANET_GRAVITY_M_S2 if epanet_equations else 1.0
    law = " epanet" if epanet_equations else ""
    lines = [f"coolant water 0 {T_K}"]
    lines += [f"fixed {n} 0 {h!r}" for n, h in net["reservoirs"].items()]  # elevation = head
    lines += [f"fixed {n} 0 {z + level!r}" for n, (z, level, *_) in net.get("tanks", {}).items()]
    lines += [f"junction {n} {z!r} {d!r}" for n, (z, d) in net["junctions"].items()]
    for name, a, b, length, d, e, *minor in net["pipes"]:
        if minor and minor[0] > 0:  # a K loss in series: Kelvin needs a node between
            lines.append(f"junction {name}_k {net['junctions'][b][0]!r} 0")
            lines.append(f"minor {name}_minor {name}_k {b} {kelvin_minor_k(minor[0], epanet_equations)!r} {d!r}")
            b = f"{name}_k"
        lines.append(f"pipe {name} {a} {b} {length * scale!r} {d!r} {e!r}{law}")
    if net["pump"]:
        lines.append("pump " + " ".join(x if isinstance(x, str) else repr(x)
                                        for x in net["pump"][:5]))
    path = os.path.join(workdir, "network.txt")
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")
    run = subprocess.run([driver, path], capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError(f"{driver} failed on {path}: {run.stderr.strip()}")
    out = run.stdout
    result = {"link": {}, "node": {}}
    for line in out.splitlines():
        key, *rest = line.split()
        if key in ("link", "node"):
            result[key][rest[0]] = float(rest[1])
        else:
            result[key] = float(rest[0])
    return result


def kelvin_minor_k(k, epanet_equations):
    """Kelvin's K for EPANET's minor loss k. EPANET 2.2 (convertunits) takes the head loss as
    0.02517 k Q^2 / d^4 in ft and cfs, a rounded 8 / (32.2 pi^2) = 0.0251729; in SI that is
    (0.02517 / 0.3048) k Q^2 / d^4, and Kelvin's k' rho V|V| / 2 is 8 k' Q^2 / (g pi^2 d^4)."""
    return k * 0.02517 / FT * G * math.pi**2 / 8 if epanet_equations else k


def run_epanet(wntr, net, nu_m2_s, workdir):
    """EPANET's link flows [m^3/s] and junction heads [m]."""
    wn = wntr.network.WaterNetworkModel()
    with warnings.catch_warnings():  # "roughness units unchanged": none are set yet
        warnings.simplefilter("ignore")
        wn.options.hydraulic.headloss = "D-W"
    wn.options.hydraulic.viscosity = nu_m2_s / EPANET_VISCOSITY_M2_S  # relative to EPANET's
    wn.options.hydraulic.inpfile_units = "CFS"  # EPANET's own units: exact conversions
    wn.options.hydraulic.accuracy = 1e-8
    wn.options.hydraulic.trials = 200
    for n, h in net["reservoirs"].items():
        wn.add_reservoir(n, base_head=h)
    for n, (z, level, low, high, diameter) in net.get("tanks", {}).items():
        wn.add_tank(n, elevation=z, init_level=level, min_level=low, max_level=high,
                    diameter=diameter)
    for n, (z, d) in net["junctions"].items():
        wn.add_junction(n, base_demand=d, elevation=z)
    for name, a, b, length, diameter, roughness, *minor in net["pipes"]:
        # wntr keeps Darcy-Weisbach roughness in m (its input file: 1e-3 ft in CFS units)
        wn.add_pipe(name, a, b, length=length, diameter=diameter, roughness=roughness,
                    minor_loss=minor[0] if minor else 0.0)
    links = [p[0] for p in net["pipes"]]
    if net["pump"]:
        name, a, b, h0, k, *q = net["pump"]
        q1, q2 = q[0] if q else (0.03, 0.06)
        # Three points from shut-off on H0 - k Q^2: EPANET fits H = A - B Q^C through them, C = 2.
        points = net.get("epanet_pump_curve") or [(0.0, h0), (q1, h0 - k * q1**2),
                                                  (q2, h0 - k * q2**2)]
        wn.add_curve("pump_curve", "HEAD", points)
        wn.add_pump(name, a, b, pump_type="HEAD", pump_parameter="pump_curve")
        links.append(name)
    wn.options.time.duration = 0
    res = wntr.sim.EpanetSimulator(wn).run_sim(file_prefix=os.path.join(workdir, "epanet"))
    if os.environ.get("KELVIN_SHOW_INP"):  # the input file EPANET ran, for debugging
        with open(os.path.join(workdir, "epanet.inp")) as fh:
            print(fh.read())
    flows = {n: float(res.link["flowrate"].loc[0, n]) for n in links}
    heads = {n: float(res.node["head"].loc[0, n]) for n in net["junctions"]}
    return flows, heads


def regime(reynolds):
    return "laminar" if reynolds <= 2000 else "transitional" if reynolds < 4000 else "turbulent"


def compare(title, net, kelvin, flows, heads, flow_tolerance, head_tolerance_m):
    """Prints the table of one comparison; returns whether it passed."""
    rho, nu = kelvin["density_kg_m3"], kelvin["kinematic_viscosity_m2_s"]
    print(f"{title} ({int(kelvin['iterations'])} Newton iterations)")
    print(f"{'link':6}{'Kelvin Q [m3/s]':>18}{'EPANET Q [m3/s]':>18}{'rel. diff':>12}"
          f"{'Re':>10}  regime")
    worst, ok, seen = 0.0, True, set()
    diameters = {p[0]: p[4] for p in net["pipes"]}
    for name, q_epanet in flows.items():
        q = kelvin["link"][name]
        diff = abs(q - q_epanet) / abs(q_epanet)
        worst = max(worst, diff)
        re = ""
        if name in diameters:
            reynolds = abs(q) / (math.pi / 4 * diameters[name]) / nu
            seen.add(regime(reynolds))
            re = f"{reynolds:10.3g}  {regime(reynolds)}"
        print(f"{name:6}{q:18.8e}{q_epanet:18.8e}{diff:12.2e}{re}")
        ok = ok and diff <= flow_tolerance and (q > 0) == (q_epanet > 0)
    worst_head = max(abs(net["junctions"][n][0] + kelvin["node"][n] / (rho * G) - h)
                     for n, h in heads.items())
    ok = ok and worst_head <= head_tolerance_m
    print(f"largest flow difference {worst:.2e} (tolerance {flow_tolerance:g}); largest "
          f"junction head difference {worst_head:.2e} m (tolerance {head_tolerance_m:g} m)")
    if seen != net["regimes"]:
        print(f"the pipes are {sorted(seen)}, not {sorted(net['regimes'])}: the network no "
              "longer tests what it claims")
        ok = False
    if net["reversed"] and kelvin["link"][net["reversed"]] >= 0:
        print(f"{net['reversed']} should run against its drawn direction")
        ok = False
    print("PASS\n" if ok else "FAIL\n")
    return ok


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import wntr
    except ImportError:
        print("epanet_loop.py: needs the PyPI package 'wntr' (pip install wntr)", file=sys.stderr)
        return SKIP_EXIT_CODE
    driver, ok = sys.argv[1], True
    comparisons = [("looped network, EPANET's friction law and gravity in Kelvin", LOOPED, True,
                    SAME_LAW_FLOW_TOLERANCE, SAME_LAW_HEAD_TOLERANCE_M),
                   ("looped network, Kelvin's Churchill friction", LOOPED, False,
                    FLOW_TOLERANCE, math.inf),
                   ("small pipes in every regime, EPANET's friction law and gravity in Kelvin",
                    SMALL_PIPES, True, SAME_LAW_FLOW_TOLERANCE, SAME_LAW_HEAD_TOLERANCE_M),
                   ("EPANET Net1 on Darcy-Weisbach, EPANET's friction law and gravity in Kelvin",
                    NET1, True, SAME_LAW_FLOW_TOLERANCE, SAME_LAW_HEAD_TOLERANCE_M),
                   ("Net1 with its single-point pump curve as EPANET expands it (1.33334 H1)",
                    NET1_SINGLE_POINT, True, NET1_SINGLE_POINT_TOLERANCE, math.inf)]
    for title, net, epanet_equations, flow_tolerance, head_tolerance in comparisons:
        with tempfile.TemporaryDirectory() as workdir:
            kelvin = run_kelvin(driver, net, workdir, epanet_equations)
            nu = kelvin["kinematic_viscosity_m2_s"]
            flows, heads = run_epanet(wntr, net, nu, workdir)
        ok = compare(title, net, kelvin, flows, heads, flow_tolerance, head_tolerance) and ok
    print(f"water at {T_K} K: rho {kelvin['density_kg_m3']:.3f} kg/m^3, nu {nu:.5e} m^2/s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
