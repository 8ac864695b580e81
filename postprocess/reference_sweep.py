#!/usr/bin/python3
"""A cold-plate case swept over published test points: Kelvin against measured R(Q) per fluid.

  postprocess/reference_sweep.py CASE.yaml --reference REF.csv -o OUTDIR [--kelvin build/kelvin]
                                 [--threads N] [--max-deviation PCT] [--dp-exponent 1.85] [--reuse]

REF.csv ('#' lines are comments) has columns fluid, flow_L_min and one or more measured figures
named as postprocess/flow_sweep.py names them: R_case_to_inlet, R_junction_to_inlet (K/W),
pressure_drop_Pa. For every fluid, flow_sweep.py runs the case with coolant.fluid replaced at
the reference's flows into OUTDIR/<fluid>/ (with --reuse an existing flow_sweep.csv there is
read instead). Then, per point and figure,

  deviation = (Kelvin - reference) / reference    [%]

and, with --dp-exponent n, the pressure drop is held against the law dp = dp(Q_a) (Q / Q_a)^n
through Kelvin's own point at the fluid's middle flow Q_a (the law's shape, not its level).

Writes OUTDIR/comparison.csv (fluid, flow_L_min, figure, kelvin, reference, deviation_pct),
OUTDIR/comparison.json (the same, plus the fitted exponents Kelvin's points follow and the
largest deviation) and OUTDIR/comparison.png (resistance and pressure drop against flow, log-log,
Kelvin's points joined, the reference's open). Exit status 1 when a run failed or, with
--max-deviation, a measured figure is further off than PCT percent (the pressure-drop law is
reported, not judged); 2 on bad arguments. Needs python3 with numpy, yaml and matplotlib.
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from flow_sweep import finish_figure, label_axes, power_fit  # noqa: E402

FIGURES = ("R_case_to_inlet", "R_junction_to_inlet", "pressure_drop_Pa")
LAW = "pressure_drop_law"


def die(msg):
    print(f"reference_sweep: {msg}", file=sys.stderr)
    sys.exit(2)


def read_csv(path):
    """Rows of a CSV as dicts, '#' lines skipped."""
    with open(path) as f:
        return list(csv.DictReader(l for l in f if l.strip() and not l.lstrip().startswith("#")))


def read_reference(path):
    """{fluid: [(flow, {figure: value})]} in the file's order; errors name the line."""
    if not os.path.exists(path):
        die(f"--reference: no file {path}")
    rows = read_csv(path)
    if not rows or "fluid" not in rows[0] or "flow_L_min" not in rows[0]:
        die(f"{path}: needs columns fluid, flow_L_min and one of {', '.join(FIGURES)}")
    figs = [k for k in rows[0] if k in FIGURES]
    if not figs:
        die(f"{path}: no measured column (one of {', '.join(FIGURES)})")
    ref = {}
    for i, r in enumerate(rows, 1):
        try:
            q = float(r["flow_L_min"])
            vals = {k: float(r[k]) for k in figs if (r.get(k) or "").strip()}
        except ValueError as e:
            die(f"{path}: data row {i}: {e}")
        if q <= 0 or any(v <= 0 for v in vals.values()):
            die(f"{path}: data row {i}: flows and figures must be positive")
        ref.setdefault(r["fluid"].strip(), []).append((q, vals))
    return ref


def sweep(a, fluid, flows):
    """flow_sweep.csv rows of the case run with this fluid at these flows, keyed by flow."""
    out = os.path.join(a.out, fluid)
    path = os.path.join(out, "flow_sweep.csv")
    if not (a.reuse and os.path.exists(path)):
        cmd = [sys.executable, os.path.join(HERE, "flow_sweep.py"), a.case, "--fluid", fluid,
               "--flows", ",".join(f"{q:g}" for q in flows), "-o", out, "--kelvin", a.kelvin]
        if a.threads:
            cmd += ["--threads", str(a.threads)]
        print(f"reference_sweep: {fluid}: {' '.join(cmd)}", file=sys.stderr, flush=True)
        subprocess.run(cmd, stdout=subprocess.DEVNULL)
    if not os.path.exists(path):
        return {}
    return {float(r["flow_L_min"]): r for r in read_csv(path)}


def number(row, key):
    try:
        return float(row.get(key) or "nan")
    except ValueError:
        return float("nan")


def compare(fluid, points, runs, exponent):
    """Comparison rows for one fluid: every measured figure, then the pressure-drop law."""
    rows = []
    for q, vals in points:
        run = runs.get(q, {})
        for k, ref in vals.items():
            kel = number(run, k)
            rows.append({"fluid": fluid, "flow_L_min": q, "figure": k, "kelvin": kel,
                         "reference": ref, "deviation_pct": 100 * (kel - ref) / ref})
    flows = [q for q, _ in points]
    anchor = sorted(flows)[len(flows) // 2]
    dp_a = number(runs.get(anchor, {}), "pressure_drop_Pa")
    if exponent and math.isfinite(dp_a):
        for q in flows:
            kel, law = number(runs.get(q, {}), "pressure_drop_Pa"), dp_a * (q / anchor) ** exponent
            rows.append({"fluid": fluid, "flow_L_min": q, "figure": LAW, "kelvin": kel,
                         "reference": law, "deviation_pct": 100 * (kel - law) / law})
    return rows


def exponent_fit(runs, key):
    """b of the least-squares power law a Q^b through Kelvin's points (None below two)."""
    fit = power_fit(list(runs), [number(r, key) for r in runs.values()])
    return float(fit[1]) if fit else None


def plot(rows, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    for i, fluid in enumerate(dict.fromkeys(r["fluid"] for r in rows)):
        color = f"C{i}"
        for ax, keys in ((ax1, [k for k in FIGURES if k != "pressure_drop_Pa"]),
                         (ax2, ["pressure_drop_Pa", LAW])):
            for k in keys:
                sel = sorted((r["flow_L_min"], r["kelvin"], r["reference"]) for r in rows
                             if r["fluid"] == fluid and r["figure"] == k)
                if not sel:
                    continue
                q, kel, ref = (np.array(v) for v in zip(*sel))
                name = k.replace("_", " ").replace(" to inlet", "-to-inlet")
                if k == LAW:   # Kelvin's own points against the law through its middle one
                    ax.loglog(q, kel, "-o", color=color, label=f"{fluid}: Kelvin")
                    ax.loglog(q, ref, "--", color=color, lw=1, label=f"{fluid}: law through it")
                    continue
                ax.loglog(q, kel, "-o", color=color, label=f"{fluid}: Kelvin {name}")
                ax.loglog(q, ref, "s", mfc="none", color=color, label=f"{fluid}: measured")
    label_axes(ax1, "thermal resistance [K/W]", "", legend_size=8)
    label_axes(ax2, "pressure drop [Pa]", "", legend_size=8)
    finish_figure(fig, (ax1, ax2), title, path)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case")
    ap.add_argument("--reference", required=True, help="CSV: fluid, flow_L_min, measured figures")
    ap.add_argument("-o", "--out", required=True, help="output directory")
    ap.add_argument("--kelvin", default=os.path.join(os.path.dirname(HERE), "build", "kelvin"))
    ap.add_argument("--threads", type=int, default=None, help="kelvin --threads")
    ap.add_argument("--max-deviation", type=float, default=None, help="percent; exit 1 beyond")
    ap.add_argument("--dp-exponent", type=float, default=None, help="n of the dp ~ Q^n law")
    ap.add_argument("--reuse", action="store_true", help="read existing sweeps instead of running")
    a = ap.parse_args()
    if not os.path.exists(a.case):
        die(f"no case file {a.case}")
    ref = read_reference(a.reference)
    os.makedirs(a.out, exist_ok=True)
    rows, fits, failed = [], {}, []
    for fluid, points in ref.items():
        runs = sweep(a, fluid, [q for q, _ in points])
        failed += [f"{fluid} {q:g} L/min" for q, _ in points
                   if not math.isfinite(number(runs.get(q, {}), "pressure_drop_Pa"))]
        rows += compare(fluid, points, runs, a.dp_exponent)
        fits[fluid] = {k: exponent_fit(runs, k) for k in FIGURES}
    with open(os.path.join(a.out, "comparison.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["fluid", "flow_L_min", "figure", "kelvin", "reference", "deviation_pct"])
        for r in rows:
            w.writerow([r["fluid"], f"{r['flow_L_min']:g}", r["figure"], f"{r['kelvin']:.6g}",
                        f"{r['reference']:.6g}", f"{r['deviation_pct']:.2f}"])
            print(f"{r['fluid']:>8} {r['flow_L_min']:5g} L/min  {r['figure']:<20} Kelvin "
                  f"{r['kelvin']:<10.5g} reference {r['reference']:<10.5g} {r['deviation_pct']:+7.2f} %")
    measured = [r for r in rows if r["figure"] != LAW]
    worst = max(measured, key=lambda r: abs(r["deviation_pct"])
                if math.isfinite(r["deviation_pct"]) else math.inf, default=None)
    summary = {"case": a.case, "reference": a.reference, "points": rows, "exponents": fits,
               "failed": failed, "dp_exponent": a.dp_exponent,
               "largest_deviation_pct": worst["deviation_pct"] if worst else None}
    with open(os.path.join(a.out, "comparison.json"), "w") as f:
        json.dump(summary, f, indent=1, allow_nan=True)
    for fluid, fit in fits.items():
        print(f"{fluid}: Kelvin's points follow " + ", ".join(
            f"{k} ~ Q^{b:.3f}" for k, b in fit.items() if b is not None))
    if rows:
        plot(rows, os.path.join(a.out, "comparison.png"),
             f"{os.path.basename(os.path.dirname(os.path.abspath(a.case)))}: Kelvin vs measured")
    if worst:
        print(f"largest deviation {worst['deviation_pct']:+.2f} % ({worst['figure']}, "
              f"{worst['fluid']} at {worst['flow_L_min']:g} L/min)")
    if failed:
        print(f"reference_sweep: runs failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    if a.max_deviation is not None and worst and not abs(worst["deviation_pct"]) <= a.max_deviation:
        print(f"reference_sweep: {worst['deviation_pct']:+.2f} % is beyond --max-deviation "
              f"{a.max_deviation:g} %", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
