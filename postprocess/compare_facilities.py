#!/usr/bin/python3
"""Compares facility runs (heat-rejection options) side by side: PUE, WUE, tokens per joule at
the facility meter, tokens lost and peak facility power, from each run's summary.json `facility`
block.

    postprocess/compare_facilities.py RUN_DIR...               # writes facility_comparison.png
    postprocess/compare_facilities.py RUN_DIR... -o options.png --markdown

One bar per run in each panel; --markdown also prints a Markdown table (one row per run, in the
order given) for the README. A run whose summary.json is missing, unreadable, without a
`facility` block or without one of the keys gets "—" in that cell, a note under the table that
names the key, and no bar; it never stops the comparison.

Uses matplotlib (Debian: python3-matplotlib).
"""
import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DASH = "—"


class Metric:
    """One compared quantity: its summary.json facility key, how it is shown, and its scale."""

    def __init__(self, key, header, fmt, scale=1.0):
        self.key, self.header, self.fmt, self.scale = key, header, fmt, scale


METRICS = [
    Metric("pue", "PUE", "{:.4f}"),
    Metric("wue_L_per_kWh", "WUE (L/kWh)", "{:.3f}"),
    Metric("tokens_per_J_facility", "tokens/J (facility meter)", "{:.3f}"),
    Metric("tokens_lost_fraction", "tokens lost (%)", "{:.2f}", 100.0),
    Metric("peak_facility_power_W", "peak facility power (MW)", "{:.3f}", 1e-6),
]


class Run:
    """One run's label, its facility values (None where missing) and what was missing."""

    def __init__(self, run_dir):
        self.dir = run_dir
        self.label = os.path.basename(os.path.normpath(run_dir))
        self.values = {m.key: None for m in METRICS}
        self.missing = []  # lines for the notes: "RUN: no facility.KEY in summary.json"
        path = os.path.join(run_dir, "summary.json")
        try:
            with open(path) as fh:
                summary = json.load(fh)
        except (OSError, ValueError) as e:
            self.missing.append(f"{self.label}: {path} could not be read ({e.__class__.__name__})")
            return
        if not isinstance(summary, dict):
            self.missing.append(f"{self.label}: {path} is not a JSON object")
            return
        if isinstance(summary.get("case"), str) and summary["case"]:
            self.label = summary["case"]
        facility = summary.get("facility")
        if not isinstance(facility, dict):
            self.missing.append(f"{self.label}: no facility block in {path} (not a facility run?)")
            return
        for m in METRICS:
            v = facility.get(m.key)
            if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
                self.values[m.key] = float(v) * m.scale
            elif v is None:
                self.missing.append(f"{self.label}: no facility.{m.key} in {path}")
            else:
                self.missing.append(f"{self.label}: facility.{m.key} in {path} is {v!r}, not a number")

    def cell(self, m):
        v = self.values[m.key]
        return DASH if v is None else m.fmt.format(v)


def markdown(runs):
    """The comparison as a Markdown table, then one note per missing value."""
    lines = ["| option | " + " | ".join(m.header for m in METRICS) + " |",
             "|---|" + "---:|" * len(METRICS)]
    for r in runs:
        lines.append(f"| {r.label} | " + " | ".join(r.cell(m) for m in METRICS) + " |")
    notes = [n for r in runs for n in r.missing]
    if notes:
        lines.append("")
        lines += [f"{DASH}: {n}" for n in notes]
    return "\n".join(lines)


def bar_chart(runs, out_path):
    fig, axes = plt.subplots(1, len(METRICS), figsize=(3.4 * len(METRICS), 5.5),
                             constrained_layout=True)
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    x = list(range(len(runs)))
    for ax, m in zip(axes, METRICS):
        for i, r in enumerate(runs):
            v = r.values[m.key]
            if v is None:
                # no bar: a dash and "missing" just above the axis, in axes height
                ax.text(i, 0.02, f"{DASH}\nmissing", ha="center", va="bottom", fontsize=8,
                        transform=ax.get_xaxis_transform())
                continue
            ax.bar(i, v, color=colors[i % len(colors)])
            ax.text(i, v, m.fmt.format(v), ha="center", va="bottom", fontsize=8)
        present = [r.values[m.key] for r in runs if r.values[m.key] is not None]
        if m.key == "pue" and present:
            # PUE lives just above 1: start the axis at 1 so the options' differences show
            ax.set_ylim(1.0, max(present) + 0.15 * max(max(present) - 1.0, 1e-3))
        elif present and max(present) > 0:
            ax.set_ylim(0, 1.15 * max(present))
        ax.set_title(m.header, fontsize=10)
        ax.set_xlim(-0.6, len(runs) - 0.4)
        ax.set_xticks(x)
        ax.set_xticklabels([r.label for r in runs], rotation=30, ha="right", fontsize=8)
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("Kelvin facility options", fontsize=11)
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    return out_path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dirs", nargs="+", metavar="RUN_DIR", help="output folders of facility runs")
    p.add_argument("-o", "--output", default="facility_comparison.png", help="PNG to write")
    p.add_argument("--markdown", action="store_true", help="print the comparison as a Markdown table")
    a = p.parse_args()
    runs = [Run(d) for d in a.run_dirs]
    # two runs of one case (say, two weather years) are told apart by their folders
    labels = [r.label for r in runs]
    for r in runs:
        if labels.count(r.label) > 1:
            r.label = f"{r.label} ({os.path.basename(os.path.normpath(r.dir))})"
    path = bar_chart(runs, a.output)
    if a.markdown:
        # the table's notes say what is missing; stdout stays the table alone
        print(markdown(runs))
        print(path, file=sys.stderr)
    else:
        for n in (n for r in runs for n in r.missing):
            print(f"compare_facilities: {DASH}: {n}", file=sys.stderr)
        print(path)


if __name__ == "__main__":
    main()
