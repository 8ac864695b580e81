#!/usr/bin/env python3
"""EPANET as the oracle for Kelvin's network solver on a manifold of 72 parallel branches.

    python3 tests/oracles/epanet_manifold.py DRIVER    # DRIVER: the built tests/loop_network_driver

Two reservoirs (supply 12 m, return 0 m) feed a supply header S1..S72 through a feed pipe; each
branch i is a 3 m pipe of 25 mm with a turbulent minor loss K = 8 (a quick disconnect and a cold
plate's inertial loss) from Si to Ri; a return header of the same pipes runs back to R1 and a
drain pipe to the return reservoir (direct return, so the far branches get less). Solved by
Kelvin (loop_network_driver; the K loss as its own link behind the pipe) and by EPANET 2.2
through wntr (the K as the pipe's minor loss), with the same equations as in epanet_loop.py:
EPANET's friction law in Kelvin, lengths scaled by g / 32.2 ft/s^2, and Kelvin's K scaled for
EPANET's rounded minor-loss constant 0.02517 (epanet_loop.kelvin_minor_k). Every flow must
agree to 1e-6 relative (EPANET's results are 32-bit floats, ~1e-7) and every head to 1e-4 m.
Every pipe stays above Re 4000, EPANET's Swamee-Jain range (checked).

Needs wntr; without it the script exits 77 (CTest's "skipped").
"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import epanet_loop  # noqa: E402  (the shared Kelvin and EPANET runners)

BRANCHES = 72
HEADER = (0.6, 0.15, 1.5e-6)      # length between branches [m], diameter [m], roughness [m]
BRANCH = (3.0, 0.025, 1.5e-6, 8.0)  # length, diameter, roughness, minor loss K


def manifold(n):
    """The network dict of epanet_loop for n branches, direct return."""
    pipes = [("feed", "IN", "S1", 5.0, 0.15, 1.5e-6), ("drain", "R1", "OUT", 5.0, 0.15, 1.5e-6)]
    for i in range(1, n + 1):
        pipes.append((f"B{i}", f"S{i}", f"R{i}") + BRANCH)
        if i > 1:
            pipes.append((f"SH{i}", f"S{i - 1}", f"S{i}") + HEADER)
            pipes.append((f"RH{i}", f"R{i}", f"R{i - 1}") + HEADER)
    junctions = {f"{side}{i}": (0.0, 0.0) for i in range(1, n + 1) for side in "SR"}
    return {"reservoirs": {"IN": 12.0, "OUT": 0.0}, "junctions": junctions, "pipes": pipes,
            "pump": None, "reversed": None, "regimes": {"turbulent"}}


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    try:
        import wntr
    except ImportError:
        print("epanet_manifold.py: needs the PyPI package 'wntr' (pip install wntr)",
              file=sys.stderr)
        return epanet_loop.SKIP_EXIT_CODE
    net = manifold(BRANCHES)
    with tempfile.TemporaryDirectory() as workdir:
        kelvin = epanet_loop.run_kelvin(sys.argv[1], net, workdir, epanet_equations=True)
        flows, heads = epanet_loop.run_epanet(wntr, net, kelvin["kinematic_viscosity_m2_s"],
                                              workdir)
    ok = epanet_loop.compare(f"manifold of {BRANCHES} branches, direct return, EPANET's "
                             "friction law, gravity and minor-loss constant in Kelvin", net,
                             kelvin, flows, heads, epanet_loop.SAME_LAW_FLOW_TOLERANCE,
                             epanet_loop.SAME_LAW_HEAD_TOLERANCE_M)
    branch = [kelvin["link"][f"B{i}"] for i in range(1, BRANCHES + 1)]
    print(f"branch flows {min(branch):.4e} .. {max(branch):.4e} m^3/s (max/min "
          f"{max(branch) / min(branch):.4f})")
    if not all(a > b for a, b in zip(branch, branch[1:])):
        print("direct return: branch flows should fall along the manifold")
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
