#!/usr/bin/env python3
"""postprocess/plot_sweep.py on a real sweep: `kelvin sweep` of a 2 x 2 grid of
composite-wall-ci (a second in all) into a temporary folder, then the response and Pareto
plots. Checks that the PNGs are written and that the printed Pareto front is exactly the set of
points no other point beats in both outputs, minimised and maximised.

  test_sweep_plots.py KELVIN_EXECUTABLE
"""
import csv
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
SCRIPT = os.path.join(ROOT, "postprocess", "plot_sweep.py")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
KELVIN = None

SWEEP = """base: {root}/cases/composite-wall-ci/case.yaml
design: grid
parameters:
  - key: boundaries[0].temperature
    values: [90 degC, 100 degC]
  - key: materials.polymer.conductivity
    range: {{from: 0.4 W/m/K, to: 0.8 W/m/K, count: 2}}
outputs: [max_temperature_K, energy_balance.boundary_in_W]
"""


def dominated(a, others):
    return any(o[0] <= a[0] and o[1] <= a[1] and o != a for o in others)


class PlotSweep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.out = os.path.join(cls.tmp.name, "out")
        sweep = os.path.join(cls.tmp.name, "sweep.yaml")
        with open(sweep, "w") as fh:
            fh.write(SWEEP.format(root=os.path.abspath(ROOT)))
        subprocess.run([KELVIN, "sweep", sweep, "-o", cls.out, "--jobs", "2", "--threads", "1"], check=True,
                       capture_output=True)
        with open(os.path.join(cls.out, "sweep.csv"), newline="") as fh:
            cls.rows = list(csv.DictReader(fh))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def plot(self, *args):
        r = subprocess.run([sys.executable, SCRIPT, self.out, *args], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout.splitlines()

    def assert_png(self, path):
        with open(path, "rb") as fh:
            self.assertEqual(fh.read(8), PNG_MAGIC, path)

    def front(self, k1, k2, sign1=1.0, sign2=1.0):
        pts = {r["id"]: (sign1 * float(r[k1]), sign2 * float(r[k2])) for r in self.rows}
        return {i for i, p in pts.items() if not dominated(p, list(pts.values()))}

    def test_response_curves_of_every_output_against_every_parameter(self):
        lines = self.plot()
        self.assertEqual(lines, [os.path.join(self.out, "sweep_response.png")])
        self.assert_png(lines[0])

    def test_pareto_front_is_the_non_dominated_points(self):
        k1, k2 = "max_temperature_K", "energy_balance.boundary_in_W"
        lines = self.plot("--pareto", k1, k2)
        self.assert_png(os.path.join(self.out, "sweep_pareto.png"))
        got = {ln.split()[1] for ln in lines if ln.startswith("pareto:")}
        self.assertEqual(got, self.front(k1, k2))
        lines = self.plot("--pareto", k1, k2, "--maximize", k2)
        got = {ln.split()[1] for ln in lines if ln.startswith("pareto:")}
        self.assertEqual(got, self.front(k1, k2, 1.0, -1.0))
        self.assertNotEqual(self.front(k1, k2), self.front(k1, k2, 1.0, -1.0))

    def test_unknown_column_is_one_line_and_non_zero(self):
        r = subprocess.run([sys.executable, SCRIPT, self.out, "--y", "no_such_key"], capture_output=True, text=True)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("no column no_such_key", r.stderr)


if __name__ == "__main__":
    KELVIN = sys.argv.pop(1)
    unittest.main()
