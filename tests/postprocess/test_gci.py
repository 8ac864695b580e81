#!/usr/bin/env python3
"""postprocess/gci.py: the three-grid procedure on made-up sequences with a known order, and on
a Kelvin run whose exact answer is known (1-D slab with a uniform source, second order).

  test_gci.py KELVIN            (ctest runs it; exit 0 when every check passes)
"""
import math
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "postprocess"))
import gci  # noqa: E402

KELVIN = None

SLAB = """name: gci-slab
description: 10 mm slab, k = 1 W/m/K, q = 1e6 W/m^3, both faces at 300 K
initial_temperature: 300 K
mesh:
  max_cell_size: [0.25 mm, 1 mm, 1 mm]
materials:
  solid: {conductivity: 1 W/m/K, density: 1000 kg/m^3, specific_heat: 1000 J/kg/K}
boxes:
  - {name: slab, material: solid, min: [0, 0, 0], max: [10 mm, 1 mm, 1 mm]}
sources:
  - {name: heat, box: slab, power_density: 1e6 W/m^3}
boundaries:
  - {face: xmin, type: temperature, temperature: 300 K}
  - {face: xmax, type: temperature, temperature: 300 K}
solver:
  tolerance: 1e-13
"""


class Procedure(unittest.TestCase):
    def test_recovers_a_known_order(self):
        # phi(h) = 10 + 3 h^p with r = 2 and r = 1.5: the observed order is p exactly
        for p, r21, r32 in [(2.0, 2.0, 2.0), (1.0, 1.5, 2.0), (2.7, 1.3, 1.7)]:
            h1 = 0.01
            f = [10 + 3 * h ** p for h in (h1, h1 * r21, h1 * r21 * r32)]
            g = gci.gci(*f, r21, r32, formal_order=2)
            self.assertAlmostEqual(g["p"], p, places=9)
            self.assertAlmostEqual(g["phi_ext"], 10.0, places=9)

    def test_true_error_inside_the_band(self):
        # a higher-order term makes the observed order inexact; the GCI must still cover it
        f = [10 + 3 * h ** 2 + 40 * h ** 3 for h in (0.02, 0.04, 0.08)]
        g = gci.gci(*f, 2.0, 2.0, formal_order=2)
        self.assertEqual(g["kind"], "monotone")
        self.assertEqual(g["Fs"], 1.25)
        self.assertLess(abs(f[0] - 10) / f[0], g["gci"])

    def test_refinement_for_a_target_reaches_it(self):
        # phi(h) = 10 + 3 h^2: the grid refined by refine_for[t] has a GCI of t percent, and
        # its true error is inside that band
        h1 = 0.1
        f = [10 + 3 * h ** 2 for h in (h1, 2 * h1, 4 * h1)]
        g = gci.gci(*f, 2.0, 2.0, formal_order=2)
        for t in gci.TARGETS_PERCENT:
            h = h1 / g["refine_for"][t]
            fh = [10 + 3 * x ** 2 for x in (h, 2 * h, 4 * h)]
            gh = gci.gci(*fh, 2.0, 2.0, formal_order=2)
            self.assertAlmostEqual(100 * gh["gci"], t, delta=0.05 * t)  # e_a is relative to phi(h)
            self.assertLess(abs(fh[0] - 10) / fh[0], gh["gci"])
        self.assertGreater(g["refine_for"][1], g["refine_for"][3])
        self.assertIsNone(gci.gci(10.0, 10.5, 10.6, 2.0, 2.0)["refine_for"][1])  # divergent

    def test_bad_factors_are_refused(self):
        for bad in ("1,0.5,2", "0.5,1", "a,b,c", "0,1,2"):
            self.assertEqual(gci.main(["case.yaml", "-o", "/nonexistent", "--factors", bad]), 2)

    def test_oscillatory_and_divergent_are_flagged(self):
        g = gci.gci(10.0, 10.1, 9.8, 2.0, 2.0)
        self.assertEqual(g["kind"], "oscillatory")
        self.assertEqual(g["Fs"], 3.0)
        g = gci.gci(10.0, 10.5, 10.6, 2.0, 2.0)
        self.assertEqual(g["kind"], "divergent")
        self.assertIsNone(g["gci"])
        g = gci.gci(5.0, 5.0, 5.0, 2.0, 2.0)
        self.assertEqual(g["kind"], "grid-independent")
        self.assertEqual(g["gci"], 0.0)

    def test_case_lengths_scale(self):
        self.assertEqual(gci.scale_lengths("55 55 1.5 mm", 2.0), "110.0 110.0 3.0 mm")
        self.assertEqual(gci.scale_lengths(["4 mm", 0.001], 0.5), ["2.0 mm", 0.0005])
        c = gci.scaled_case({"mesh": {"max_cell_size": "1 mm"},
                             "coldplate": {"mesh": {"cells_across_channel": 4,
                                                    "cells_across_fin": 1,
                                                    "max_cell_along_flow": "2 mm"}}}, 2.0)
        self.assertEqual(c["mesh"]["max_cell_size"], "2.0 mm")
        self.assertEqual(c["coldplate"]["mesh"]["cells_across_channel"], 2)
        self.assertEqual(c["coldplate"]["mesh"]["cells_across_fin"], 1)  # never below one


class KelvinSlab(unittest.TestCase):
    """Cell-centred FV on the slab: T(x) = 300 K + q x (L - x) / (2 k), mean 300 + q L^2/(12 k)
    = 308.333 K. The half-cell wall links put every cell q h^2 / (8 k) high while the cell
    means sample the parabola, so the mean temperature errs by O(h^2) (the maximum is exact
    by cancellation and cannot serve). The GCI band of the finest grid must contain the exact
    mean."""

    def test_second_order_and_exact_answer_in_band(self):
        with tempfile.TemporaryDirectory() as work:
            case = os.path.join(work, "slab.yaml")
            with open(case, "w") as f:
                f.write(SLAB)
            out = os.path.join(work, "gci")
            self.assertEqual(gci.main([case, "-o", out, "--kelvin", KELVIN,
                                       "--keys", "materials.solid.mean_temperature_K"]), 0)
            import json
            with open(os.path.join(out, "gci.json")) as f:
                r = json.load(f)
            self.assertEqual(r["cells"], [40, 20, 10])
            self.assertAlmostEqual(r["r21"], 2.0, places=12)
            q = r["quantities"][0]
            exact = 300.0 + 1e6 * 0.01 ** 2 / 12.0
            print(f"slab: p = {q['p']:.4f}, GCI = {100 * q['gci']:.3e} %, "
                  f"true error {100 * abs(q['phi1'] - exact) / exact:.3e} %, "
                  f"extrapolated {q['phi_ext']:.9f} K (exact {exact} K)")
            self.assertEqual(q["kind"], "monotone")
            self.assertGreater(q["p"], 1.9)
            self.assertLess(q["p"], 2.1)
            self.assertLessEqual(abs(q["phi1"] - exact) / exact, q["gci"])
            self.assertLess(abs(q["phi_ext"] - exact), abs(q["phi1"] - exact))


if __name__ == "__main__":
    KELVIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
