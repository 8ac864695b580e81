#!/usr/bin/python3
"""Plots a Kelvin parametric sweep (README "Parametric sweeps"): response curves of each output
against each parameter, and the Pareto front of two outputs.

    postprocess/plot_sweep.py OUT                          # OUT/sweep_response.png
    postprocess/plot_sweep.py OUT --x coldplate.flow_rate --y pressure_drop_Pa
    postprocess/plot_sweep.py OUT --pareto max_temperature_K pressure_drop_Pa
    postprocess/plot_sweep.py OUT --pareto tokens_per_joule pump_W --maximize tokens_per_joule

Reads OUT/sweep.csv (written by `kelvin sweep` and `kelvin sweep gather`) and OUT/sweep.json.
Outputs are the sweep file's `outputs` unless --y names one; parameters are drawn in SI (the
parameter's column), labelled with the unit the sweep file wrote. In a response panel the
points that share the other parameters' values are joined into one curve (a grid gives one
curve per combination; a Latin hypercube gives scattered points). Failed and pending points
are left out and counted in the title. The Pareto front keeps the points that no other point
beats in both outputs (both minimised unless --maximize names them); it is drawn as a line
over all points and its ids are printed, one per line, best first in the first output.

Uses numpy and matplotlib (Debian: python3-numpy python3-matplotlib).
"""
import argparse
import csv
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_sweep(out):
    """(rows of sweep.csv as dicts, parameter keys, output keys of the sweep file)."""
    csv_path = os.path.join(out, "sweep.csv")
    if not os.path.exists(csv_path):
        sys.exit(f"{out}: no sweep.csv (run kelvin sweep ... -o {out}, or kelvin sweep gather {out})")
    with open(csv_path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    with open(os.path.join(out, "sweep.json")) as fh:
        design = json.load(fh)
    params = [p["key"] for p in design["parameters"]]
    return rows, params, design.get("outputs", [])


def number(row, key):
    """row[key] as a float, NaN when empty or missing."""
    try:
        return float(row.get(key, "") or "nan")
    except ValueError:
        return math.nan


def unit_of(rows, param):
    """The unit the sweep file wrote for param ("L/min"), "" for plain numbers."""
    for r in rows:
        text = r.get(param + ".text", "")
        if " " in text:
            return text.split(" ", 1)[1]
    return ""


def written_number(row, param):
    """The parameter's value in the unit the sweep file wrote (so axes read as the user wrote)."""
    text = row.get(param + ".text", "")
    try:
        return float(text.split(" ", 1)[0])
    except ValueError:
        return number(row, param)


def response(ax, done, x_key, y_key, params, unit):
    """y against x, one curve per combination of the other parameters."""
    others = [p for p in params if p != x_key]
    groups = {}
    for r in done:
        groups.setdefault(tuple(r[p + ".text"] for p in others), []).append(r)
    for label, members in sorted(groups.items()):
        pts = sorted((written_number(r, x_key), number(r, y_key)) for r in members)
        pts = [(x, y) for x, y in pts if math.isfinite(y)]
        if not pts:
            continue
        style = "o-" if len(pts) > 1 else "o"
        ax.plot([p[0] for p in pts], [p[1] for p in pts], style, ms=4, lw=1.2,
                label=", ".join(f"{k.split('.')[-1]}={v}" for k, v in zip(others, label)) or None)
    ax.set_xlabel(f"{x_key} ({unit})" if unit else x_key)
    ax.set_ylabel(y_key)
    ax.grid(alpha=0.3)


def plot_responses(out, rows, params, outputs, x_keys, title_note):
    done = [r for r in rows if r["status"] == "done"]
    fig, axes = plt.subplots(len(outputs), len(x_keys), figsize=(4.6 * len(x_keys), 3.4 * len(outputs)),
                             squeeze=False, constrained_layout=True)
    for i, y in enumerate(outputs):
        for j, x in enumerate(x_keys):
            response(axes[i][j], done, x, y, params, unit_of(rows, x))
    for a in axes.flat:
        handles, labels = a.get_legend_handles_labels()
        if handles and len(handles) <= 8:
            a.legend(fontsize=7)
    fig.suptitle(f"Kelvin sweep {os.path.basename(os.path.normpath(out))}: {len(done)} points{title_note}",
                 fontsize=11)
    path = os.path.join(out, "sweep_response.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def pareto_front(points, maximize=(False, False)):
    """Indices of the points (a, b) that no other point beats in both (ties kept), sorted by a
    (best first)."""
    sign = [-1.0 if m else 1.0 for m in maximize]
    key = [(sign[0] * a, sign[1] * b) for a, b in points]
    front = []
    for i, (a, b) in enumerate(key):
        beaten = any(a2 <= a and b2 <= b and (a2 < a or b2 < b) for j, (a2, b2) in enumerate(key) if j != i)
        if not beaten:
            front.append(i)
    return sorted(front, key=lambda i: key[i])


def plot_pareto(out, rows, k1, k2, maximize, title_note):
    done = [r for r in rows if r["status"] == "done"]
    pts = [(number(r, k1), number(r, k2)) for r in done]
    keep = [i for i, (a, b) in enumerate(pts) if math.isfinite(a) and math.isfinite(b)]
    if not keep:
        sys.exit(f"{out}: no finished point has both {k1} and {k2}")
    pts = [pts[i] for i in keep]
    ids = [done[i]["id"] for i in keep]
    front = pareto_front(pts, (k1 in maximize, k2 in maximize))
    fig, ax = plt.subplots(figsize=(6.4, 4.8), constrained_layout=True)
    ax.plot([p[0] for p in pts], [p[1] for p in pts], "o", ms=5, color="tab:gray", alpha=0.7, label="points")
    ax.plot([pts[i][0] for i in front], [pts[i][1] for i in front], "o-", ms=6, lw=1.5, color="tab:red",
            label="Pareto front")
    for i in front:
        ax.annotate(ids[i][:6], pts[i], fontsize=7, xytext=(3, 3), textcoords="offset points")
    ax.set_xlabel(k1 + (" (maximised)" if k1 in maximize else ""))
    ax.set_ylabel(k2 + (" (maximised)" if k2 in maximize else ""))
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    ax.set_title(f"Pareto front: {len(front)} of {len(pts)} points{title_note}", fontsize=10)
    path = os.path.join(out, "sweep_pareto.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path, [ids[i] for i in front]


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", help="sweep folder (sweep.csv, sweep.json)")
    p.add_argument("--x", help="one parameter key to plot against (default: every parameter)")
    p.add_argument("--y", help="one output key to plot (default: the sweep file's outputs)")
    p.add_argument("--pareto", nargs=2, metavar=("KEY1", "KEY2"), help="Pareto front of two outputs")
    p.add_argument("--maximize", nargs="*", default=[], help="outputs of --pareto to maximise (default: minimise)")
    a = p.parse_args()
    rows, params, outputs = read_sweep(a.out)
    bad = [r for r in rows if r["status"] != "done"]
    note = f" ({len(bad)} not done, left out)" if bad else ""
    if a.x and a.x not in params:
        sys.exit(f"--x {a.x}: not a parameter of this sweep ({', '.join(params)})")
    outputs = [a.y] if a.y else outputs or [k for k in ("max_temperature_K",) if rows and k in rows[0]]
    missing = [k for k in outputs + (a.pareto or []) if rows and k not in rows[0]]
    if missing:
        sys.exit(f"{a.out}: sweep.csv has no column {', '.join(missing)}")
    if outputs:
        print(plot_responses(a.out, rows, params, outputs, [a.x] if a.x else params, note))
    if a.pareto:
        path, front = plot_pareto(a.out, rows, a.pareto[0], a.pareto[1], set(a.maximize), note)
        print(path)
        for i in front:
            print("pareto:", i)


if __name__ == "__main__":
    main()
