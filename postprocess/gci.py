#!/usr/bin/python3
"""Grid-convergence uncertainty of a case's summary numbers (Roache's GCI, the three-grid
procedure of ASME V&V 20 / Celik et al. 2008, J. Fluids Eng. 130, 078001).

  postprocess/gci.py CASE.yaml -o OUTDIR [--ratio 2] [--refine] [--factors F1,F2,F3] [--formal-order 2]
                     [--keys max_temperature_K,...] [--kelvin build/kelvin] [--threads N]

Three versions of the case are run with `kelvin run`: the case itself and two with every mesh
length (mesh.max_cell_size, boxes[*].cell_size, coldplate.mesh.max_cell_along_flow) multiplied
by RATIO and RATIO^2 and every cold-plate cell count (cells_across_channel, cells_across_fin,
cells_over_fin_height) divided by them (rounded, at least 1). With --refine the case is the
coarsest grid and the others are finer (divided instead of multiplied). --factors gives the
three length factors directly (finest first, e.g. 0.75,1,1.5 for 4, 3 and 2 cells across a
channel meshed with 3), for when rounded cell counts would not follow a constant ratio. The grid ratios used
are the measured ones, r = (N_fine / N_coarse)^(1/D) with D the number of axes whose cell count
changed, so a count that cannot be coarsened below one cell does not falsify the order.

For every number in summary.json (except timings, iteration counts, residuals and run
metadata), or the --keys given (dotted paths, e.g. gpus[0].max_junction_K):

  e21 = phi2 - phi1, e32 = phi3 - phi2 (1 = finest), s = sign(e32 / e21)
  p   = |ln|e32 / e21| + q(p)| / ln r21,  q(p) = ln((r21^p - s) / (r32^p - s))  (fixed point)
  phi_ext = (r21^p phi1 - phi2) / (r21^p - 1),  e_a = |(phi1 - phi2) / phi1|
  GCI_fine = Fs e_a / (r21^p - 1)

with Fs = 1.25 when the convergence is monotone and the observed order is credible
(0.5 <= p <= formal order + 1); otherwise (oscillatory convergence, or an order outside that
range) Fs = 3 with p clamped into [0.5, formal order], as Roache recommends. Divergent
quantities (|e21| > |e32|) get no GCI and are marked.

Since GCI ~ h^p, the grid that would give a GCI of t is the fine one with every cell length
divided by (GCI_fine / t)^(1/p); that factor is reported for t = 1 % and 3 % (refine_1pct,
refine_3pct; below 1 a coarser grid would do), with the cell count it implies.

Writes OUTDIR/gci.csv and OUTDIR/gci.json (one row per quantity: the three values, observed
order, extrapolated value, GCI in percent, the convergence type, the refinement factors) and
prints the table.
OUTDIR/levels/{1,2,3}/ hold each run's case.yaml and out/. Exit 0 when all three runs
succeeded, 1 if a run failed, 2 on bad arguments. Needs python3 with yaml (python3-yaml).
"""
import argparse
import csv
import json
import math
import os
import re
import shutil
import subprocess
import sys

import yaml

from flow_sweep import yaml_loader  # case files read as yaml-cpp reads them (1e-10 a float)

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# summary.json numbers that are not results of the physics
SKIP = re.compile(r"(timings_s|wall_time|wall_s_per|iterations|threads|kelvin_version|^run\.|"
                  r"multigrid|relative_error|imbalance|^grid\.|^cells|cells_per_gpu|continuity|"
                  r"residual|converged|passes|thermal_solves|memory|bytes|interval|job_cycles)")


# ---- the three-grid procedure ----------------------------------------------------------------
def observed_order(f1, f2, f3, r21, r32, iterations=200):
    """(p, s) by fixed-point iteration of Celik et al. (2008) eq. 5; p None if undefined."""
    e21, e32 = f2 - f1, f3 - f2
    if e21 == 0 or e32 == 0:
        return None, 0
    s = 1.0 if e32 / e21 > 0 else -1.0
    ratio = abs(e32 / e21)
    p = abs(math.log(ratio)) / math.log(r21)
    for _ in range(iterations):
        num, den = r21 ** p - s, r32 ** p - s
        if num <= 0 or den <= 0:
            break
        p_new = abs(math.log(ratio) + math.log(num / den)) / math.log(r21)
        if abs(p_new - p) < 1e-12:
            p = p_new
            break
        p = p_new
    return p, s


def gci(f1, f2, f3, r21, r32, formal_order=2.0):
    """Dictionary of the GCI figures for one quantity (fine grid 1, coarsest 3)."""
    out = {"phi1": f1, "phi2": f2, "phi3": f3, "r21": r21, "r32": r32}
    e21, e32 = f2 - f1, f3 - f2
    if e21 == 0 and e32 == 0:
        out.update(kind="grid-independent", p=None, phi_ext=f1, e_a=0.0, gci=0.0, Fs=None,
                   refine_for={t: None for t in TARGETS_PERCENT})
        return out
    if e32 == 0 or abs(e21) > abs(e32):
        out.update(kind="divergent", p=None, phi_ext=None, e_a=abs(e21 / f1) if f1 else None,
                   gci=None, Fs=None, refine_for={t: None for t in TARGETS_PERCENT})
        return out
    p, s = observed_order(f1, f2, f3, r21, r32)
    kind = "monotone" if s > 0 else "oscillatory"
    credible = p is not None and kind == "monotone" and 0.5 <= p <= formal_order + 1
    if credible:
        Fs, p_used = 1.25, p
    else:
        Fs, p_used = 3.0, min(max(p if p else formal_order, 0.5), formal_order)
    rp = r21 ** p_used
    e_a = abs((f1 - f2) / f1) if f1 else abs(f1 - f2)
    out.update(kind=kind, p=p, p_used=p_used, Fs=Fs,
               phi_ext=(rp * f1 - f2) / (rp - 1), e_a=e_a, gci=Fs * e_a / (rp - 1))
    out["refine_for"] = {t: refinement_for(out, t / 100) for t in TARGETS_PERCENT}
    return out


# GCI targets (percent) for which the needed refinement is reported
TARGETS_PERCENT = (1, 3)


def refinement_for(row, target):
    """Factor h1/h by which the fine grid's cell lengths must shrink for GCI <= target
    (a fraction). GCI ~ h^p, so (h1/h)^p = GCI_1 / target; below 1 a coarser grid would do.
    None without an order (divergent quantities)."""
    if row.get("gci") is None or not row.get("p_used"):
        return None
    return (row["gci"] / target) ** (1.0 / row["p_used"])


# ---- case editing ----------------------------------------------------------------------------
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def scale_lengths(value, factor):
    """A length, a list of them, or a 'X Y Z unit' string, every number times factor."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value * factor
    if isinstance(value, list):
        return [scale_lengths(v, factor) for v in value]
    return NUMBER.sub(lambda m: repr(float(m.group(0)) * factor), str(value))


def scaled_case(case, factor):
    """A copy of the parsed case with its mesh lengths times factor (>1 coarser)."""
    c = json.loads(json.dumps(case))  # deep copy of plain data
    mesh = c.get("mesh") or {}
    if "max_cell_size" in mesh:
        mesh["max_cell_size"] = scale_lengths(mesh["max_cell_size"], factor)
    for box in c.get("boxes") or []:
        if isinstance(box, dict) and "cell_size" in box:
            box["cell_size"] = scale_lengths(box["cell_size"], factor)
    plate_mesh = (c.get("coldplate") or {}).get("mesh") or {}
    for key in ("cells_across_channel", "cells_across_fin", "cells_over_fin_height"):
        if key in plate_mesh:
            plate_mesh[key] = max(1, int(round(plate_mesh[key] / factor)))
    if "max_cell_along_flow" in plate_mesh:
        plate_mesh["max_cell_along_flow"] = scale_lengths(plate_mesh["max_cell_along_flow"], factor)
    return c


def absolute_files(case, case_dir):
    """Referenced files (a trace workload) made absolute: the copies live elsewhere."""
    work = case.get("workload") or {}
    if isinstance(work, dict) and work.get("trace_file") and not os.path.isabs(work["trace_file"]):
        work["trace_file"] = os.path.normpath(os.path.join(case_dir, work["trace_file"]))


# ---- summary numbers -------------------------------------------------------------------------
def flatten(node, prefix=""):
    """{dotted path: number} of every numeric leaf."""
    out = {}
    if isinstance(node, dict):
        for k, v in node.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.update(flatten(v, f"{prefix}[{i}]"))
    elif isinstance(node, (int, float)) and not isinstance(node, bool):
        out[prefix] = float(node)
    return out


def refined_axes(fine, coarse):
    """Number of axes whose cell count changed between two summaries (3 if unknown)."""
    gf, gc = fine.get("grid", {}).get("n"), coarse.get("grid", {}).get("n")
    return (sum(1 for a, b in zip(gf, gc) if a != b) or 3) if gf and gc else 3


def grid_ratio(fine, coarse):
    """Measured refinement ratio between two summaries (fine first)."""
    gf, gc = fine.get("grid", {}).get("n"), coarse.get("grid", {}).get("n")
    if gf and gc:
        return (math.prod(gf) / math.prod(gc)) ** (1.0 / refined_axes(fine, coarse))
    nf = fine.get("cells_per_gpu", fine.get("cells"))
    nc = coarse.get("cells_per_gpu", coarse.get("cells"))
    return (nf / nc) ** (1.0 / 3.0)


# ---- driver ----------------------------------------------------------------------------------
def run_level(kelvin, case, level_dir, threads):
    os.makedirs(level_dir, exist_ok=True)
    path = os.path.join(level_dir, "case.yaml")
    with open(path, "w") as f:
        yaml.safe_dump(case, f, sort_keys=False, default_flow_style=None, width=120)
    cmd = [kelvin] + (["--threads", str(threads)] if threads else []) + \
          ["run", path, "-o", os.path.join(level_dir, "out"), "--quiet", "--overwrite"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    summary = os.path.join(level_dir, "out", "summary.json")
    if p.returncode != 0 or not os.path.exists(summary):
        raise RuntimeError(f"{path}: kelvin exit {p.returncode}: {p.stderr.strip()[-400:]}")
    with open(summary) as f:
        return json.load(f)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("case")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--ratio", type=float, default=2.0, help="grid ratio per level (> 1.3 advised)")
    ap.add_argument("--refine", action="store_true", help="the case is the coarsest grid")
    ap.add_argument("--factors", default="",
                    help="three mesh-length factors, finest first (e.g. 0.75,1,1.5): instead of "
                         "--ratio, for levels whose cell counts across a channel stay integers")
    ap.add_argument("--formal-order", type=float, default=2.0)
    ap.add_argument("--keys", default="", help="comma-separated summary paths (default: all)")
    ap.add_argument("--kelvin", default=os.path.join(ROOT, "build", "kelvin"))
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args(argv)
    if a.ratio <= 1.0:
        print("gci: --ratio must be above 1", file=sys.stderr)
        return 2
    try:
        given = [float(x) for x in a.factors.split(",")] if a.factors else None
    except ValueError:
        given = []
    if given is not None and (len(given) != 3 or not 0 < given[0] < given[1] < given[2]):
        print(f"gci: --factors {a.factors}: three increasing positive numbers, finest first "
              "(e.g. 0.75,1,1.5)", file=sys.stderr)
        return 2
    with open(a.case) as f:
        case = yaml.load(f, Loader=yaml_loader())
    absolute_files(case, os.path.dirname(os.path.abspath(a.case)))
    os.makedirs(a.output, exist_ok=True)
    kelvin = os.path.join(a.output, "kelvin")
    shutil.copy2(a.kelvin, kelvin)  # a rebuild during the runs cannot disturb them
    # level 1 finest: factors 1, r, r^2 coarser; --refine: 1/r^2, 1/r, 1
    factors = [a.ratio ** -2, a.ratio ** -1, 1.0] if a.refine else [1.0, a.ratio, a.ratio ** 2]
    if a.factors:
        factors = given
    summaries = []
    try:
        for level, factor in enumerate(factors, start=1):
            print(f"gci: level {level} (mesh lengths x {factor:.4g}) ...", flush=True)
            summaries.append(run_level(kelvin, scaled_case(case, factor),
                                       os.path.join(a.output, "levels", str(level)), a.threads))
    except RuntimeError as e:
        print(f"gci: {e}", file=sys.stderr)
        return 1
    r21, r32 = grid_ratio(summaries[0], summaries[1]), grid_ratio(summaries[1], summaries[2])
    values = [flatten(s) for s in summaries]
    keys = [k for k in a.keys.split(",") if k] or \
           [k for k in values[0] if not SKIP.search(k) and all(k in v for v in values[1:])]
    rows = []
    for k in keys:
        if any(k not in v for v in values):
            print(f"gci: {k}: not in every summary.json", file=sys.stderr)
            return 2
        row = gci(values[0][k], values[1][k], values[2][k], r21, r32, a.formal_order)
        row["key"] = k
        rows.append(row)
    cells = [s.get("cells_per_gpu", s.get("cells")) for s in summaries]
    result = {"case": os.path.abspath(a.case), "cells": cells, "r21": r21, "r32": r32,
              "formal_order": a.formal_order, "quantities": rows}
    with open(os.path.join(a.output, "gci.json"), "w") as f:
        json.dump(result, f, indent=2)
    cols = ["key", "phi1", "phi2", "phi3", "p", "phi_ext", "gci", "Fs", "kind"]
    axes = refined_axes(summaries[0], summaries[1])
    with open(os.path.join(a.output, "gci.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols[:6] + ["gci_percent", "Fs", "kind"] +
                   [f"refine_{t}pct" for t in TARGETS_PERCENT] +
                   [f"cells_{t}pct" for t in TARGETS_PERCENT])
        for r in rows:
            factors = [(r.get("refine_for") or {}).get(t) for t in TARGETS_PERCENT]
            w.writerow([r["key"]] + [r.get(c) for c in cols[1:6]] +
                       [None if r["gci"] is None else 100 * r["gci"], r["Fs"], r["kind"]] + factors +
                       [None if x is None else round(cells[0] * x ** axes) for x in factors])
    print(f"cells {cells[0]} / {cells[1]} / {cells[2]}, ratios r21 {r21:.3f}, r32 {r32:.3f}")
    print(f"{'quantity':44s} {'fine':>14s} {'p':>6s} {'extrapolated':>14s} {'GCI %':>8s} "
          f"{'h/ for 1%':>9s} {'h/ for 3%':>9s}  kind")
    for r in rows:
        p = "-" if r["p"] is None else f"{r['p']:.2f}"
        ext = "-" if r["phi_ext"] is None else f"{r['phi_ext']:.7g}"
        g = "-" if r["gci"] is None else f"{100 * r['gci']:.3g}"
        fac = [(r.get("refine_for") or {}).get(t) for t in TARGETS_PERCENT]
        fac = ["-" if x is None else f"{x:.3g}" for x in fac]
        print(f"{r['key'][:44]:44s} {r['phi1']:14.7g} {p:>6s} {ext:>14s} {g:>8s} "
              f"{fac[0]:>9s} {fac[1]:>9s}  {r['kind']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
