#!/usr/bin/env python3
"""postprocess/plot_facility.py, plot_results.py's routing to it, and compare_facilities.py on
rows of a real ai-factory-drycooler-ci run (tests/postprocess/data/ai-factory-drycooler-ci/,
SOURCE says which run and which rows). A full facility run takes minutes, too long for a test
of its plots; these copy the run's files into a temporary folder, take rows or keys away where
a check needs a run that lacks them, and never write a number of their own.

  test_facility_plots.py                 every check
  test_facility_plots.py PlotFacility    one class (ctest runs PlotFacility and CompareFacilities)
"""
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
POSTPROCESS = os.path.join(HERE, "..", "..", "postprocess")
RUN = os.path.join(HERE, "data", "ai-factory-drycooler-ci")
sys.path.insert(0, POSTPROCESS)
import compare_facilities  # noqa: E402
import plot_facility  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def copy_run(dest, keep_hours=None, drop_columns=(), summary=True):
    """The fixture run in dest, with only keep_hours' rows (None: all) and without drop_columns."""
    os.makedirs(dest)
    with open(os.path.join(RUN, "hourly.csv"), newline="") as fh:
        rows = list(csv.reader(fh))
    cols = [c for c, name in enumerate(rows[0]) if name not in drop_columns]
    body = [r for r in rows[1:] if keep_hours is None or int(r[0]) in keep_hours]
    with open(os.path.join(dest, "hourly.csv"), "w", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([[r[c] for c in cols] for r in [rows[0]] + body])
    if summary:
        shutil.copy(os.path.join(RUN, "summary.json"), dest)
    return dest


def edit_summary(run_dir, edit):
    path = os.path.join(run_dir, "summary.json")
    with open(path) as fh:
        s = json.load(fh)
    edit(s)
    with open(path, "w") as fh:
        json.dump(s, fh)


def assert_png(test, path):
    test.assertTrue(os.path.isfile(path), path)
    with open(path, "rb") as fh:
        test.assertEqual(fh.read(8), PNG_MAGIC, path)
    test.assertGreater(os.path.getsize(path), 10_000, path)


class PlotFacility(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)

    def test_writes_the_year_figure_into_the_run_folder(self):
        # four days (two in January, two in July): daily bands
        run = copy_run(os.path.join(self.tmp.name, "run"))
        out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, "plot_facility.py"), run],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stdout.strip(), os.path.join(run, "facility_year.png"))
        assert_png(self, os.path.join(run, "facility_year.png"))

    def test_plot_results_hands_a_facility_run_to_plot_facility(self):
        run = copy_run(os.path.join(self.tmp.name, "run"), keep_hours=range(48))
        out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, "plot_results.py"), run],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        assert_png(self, os.path.join(run, "facility_year.png"))
        self.assertFalse(os.path.exists(os.path.join(run, "temperature_planes.png")))

    def test_a_day_without_optional_columns_or_summary_is_plotted_hour_by_hour(self):
        run = copy_run(os.path.join(self.tmp.name, "run"), keep_hours=range(24), summary=False,
                       drop_columns=("water_kg_s", "fans_W", "thermally_throttled_gpus", "wet_bulb_K"))
        self.assertTrue(plot_facility.Days(plot_facility.read_hourly(run)["hour_of_year"]).hourly)
        path = plot_facility.plot_facility(run, os.path.join(self.tmp.name, "day.png"))
        assert_png(self, path)

    def test_columns_only_some_options_write_are_picked_up_by_name(self):
        with open(os.path.join(RUN, "hourly.csv")) as fh:
            header = fh.readline().strip().split(",")
        self.assertEqual(plot_facility.cooling_power_columns(header),
                         ["cdu_pumps_W", "facility_pumps_W", "fans_W"])
        self.assertEqual(plot_facility.water_columns(header), ["water_kg_s"])
        # a chiller's, a tower's and an air-cooled hall's columns, as their names would read
        other = header + ["compressor_W", "tower_fans_W", "crah_fans_W", "server_fans_W", "to_ambient_W",
                          "economizer_W", "makeup_water_kg_s", "blowdown_kg_s", "tower_flow_kg_s"]
        self.assertEqual(plot_facility.cooling_power_columns(other),
                         ["cdu_pumps_W", "facility_pumps_W", "fans_W", "compressor_W", "tower_fans_W",
                          "crah_fans_W"])
        self.assertEqual(plot_facility.water_columns(other),
                         ["water_kg_s", "makeup_water_kg_s", "blowdown_kg_s"])

    def test_a_folder_without_hourly_csv_says_so(self):
        # one line for main to print and a non-zero exit, not a traceback
        with self.assertRaises(SystemExit) as stop:
            plot_facility.plot_facility(self.tmp.name)
        self.assertIn("no hourly.csv", str(stop.exception.code))


class CompareFacilities(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        with open(os.path.join(RUN, "summary.json")) as fh:
            self.facility = json.load(fh)["facility"]

    def compare(self, *run_dirs):
        png = os.path.join(self.tmp.name, "options.png")
        out = subprocess.run([sys.executable, os.path.join(POSTPROCESS, "compare_facilities.py"), *run_dirs,
                              "-o", png, "--markdown"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertNotIn("Traceback", out.stderr)
        assert_png(self, png)
        return out.stdout.splitlines()

    def test_table_has_one_row_per_run_with_the_summary_values(self):
        full = copy_run(os.path.join(self.tmp.name, "full"))
        partial = copy_run(os.path.join(self.tmp.name, "partial"))
        def drop_two_keys(s):
            s["case"] = "drycooler-without-two-keys"
            for key in ("wue_L_per_kWh", "peak_facility_power_W"):
                s["facility"].pop(key)
        edit_summary(partial, drop_two_keys)
        no_block = copy_run(os.path.join(self.tmp.name, "no_block"))
        edit_summary(no_block, lambda s: s.pop("facility"))
        nothing = os.path.join(self.tmp.name, "nothing")
        os.makedirs(nothing)

        lines = self.compare(full, partial, no_block, nothing)
        table = [line for line in lines if line.startswith("|")]
        self.assertEqual(table[0], "| option | PUE | WUE (L/kWh) | tokens/J (facility meter) "
                                   "| tokens lost (%) | peak facility power (MW) |")
        self.assertEqual(len(table), 2 + 4)
        f = self.facility
        # the full run and the one without a facility block are one case: told apart by folder
        pue, tpj, lost = f["pue"], f["tokens_per_J_facility"], 100 * f["tokens_lost_fraction"]
        self.assertEqual(table[2], f"| ai-factory-drycooler-ci (full) | {pue:.4f} | {f['wue_L_per_kWh']:.3f} "
                                   f"| {tpj:.3f} | {lost:.2f} | {f['peak_facility_power_W'] / 1e6:.3f} |")
        self.assertEqual(table[3],
                         f"| drycooler-without-two-keys | {pue:.4f} | — | {tpj:.3f} | {lost:.2f} | — |")
        self.assertEqual(table[4], "| ai-factory-drycooler-ci (no_block) | — | — | — | — | — |")
        self.assertEqual(table[5], "| nothing | — | — | — | — | — |")
        notes = "\n".join(line for line in lines if line.startswith("—:"))
        self.assertIn("no facility.wue_L_per_kWh", notes)
        self.assertIn("no facility.peak_facility_power_W", notes)
        self.assertIn("no facility block", notes)
        self.assertIn("could not be read", notes)

    def test_two_runs_of_one_case_are_told_apart_by_folder(self):
        a = copy_run(os.path.join(self.tmp.name, "greensboro"), keep_hours=())
        b = copy_run(os.path.join(self.tmp.name, "sand-point"), keep_hours=())
        rows = [line for line in self.compare(a, b) if line.startswith("| ai-factory")]
        self.assertEqual([r.split(" | ")[0] for r in rows],
                         ["| ai-factory-drycooler-ci (greensboro)", "| ai-factory-drycooler-ci (sand-point)"])

    def test_markdown_in_process_matches_the_metric_list(self):
        run = compare_facilities.Run(RUN)
        self.assertEqual(run.missing, [])
        self.assertEqual([m.key for m in compare_facilities.METRICS if run.values[m.key] is None], [])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:], verbosity=2)
