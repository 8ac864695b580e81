#!/usr/bin/python3
"""Plots a Kelvin GPU run (a case with gpus:): junction temperature, SM clock, power and token
rate of every GPU over time, and the tokens each GPU produced and lost to throttling.

    postprocess/plot_gpus.py OUTDIR     # writes OUTDIR/gpus_timeseries.png, OUTDIR/gpus_tokens.png

Reads OUTDIR/summary.json and OUTDIR/timeseries.csv. Uses numpy and matplotlib (Debian:
python3-numpy python3-matplotlib).
"""
import argparse
import csv
import json
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def read_series(outdir):
    with open(os.path.join(outdir, "timeseries.csv")) as fh:
        rows = list(csv.reader(fh))
    data = np.array(rows[1:], dtype=float)
    return {name: data[:, c] for c, name in enumerate(rows[0])}


def plot_timeseries(outdir, summary, series):
    """Four stacked panels sharing the time axis; the power cap and the slowdown threshold
    are drawn where the GPUs share them."""
    t = series["time_s"]
    panels = [("junction_K", "T_j (°C)", -273.15), ("clock_MHz", "SM clock (MHz)", 0.0),
              ("power_W", "power (W)", 0.0), ("tokens_per_s", "tokens/s", 0.0)]
    fig, axes = plt.subplots(len(panels), 1, figsize=(10, 10), sharex=True, constrained_layout=True)
    for g in summary["gpus"]:
        for ax, (col, _, offset) in zip(axes, panels):
            ax.step(t, series[f"{g['name']}_{col}"] + offset, where="post", lw=1.2, label=g["name"])
    first = summary["gpus"][0]["name"]
    axes[3].step(t, series[f"{first}_unthrottled_tokens_per_s"], where="post", color="k", ls=":",
                 lw=1, label="unthrottled")
    caps = {g["power_limit_W"] for g in summary["gpus"]}
    if len(caps) == 1:
        axes[2].axhline(caps.pop(), color="r", ls="--", lw=0.8, label="power cap")
    for ax, (_, label, _) in zip(axes, panels):
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    axes[0].legend(fontsize=7, ncol=4)
    axes[3].legend(fontsize=7, ncol=4)
    axes[-1].set_xlabel("time (s)")
    axes[0].set_title(f"{summary['case']}: {summary['workload']} on {len(summary['gpus'])} GPUs")
    path = os.path.join(outdir, "gpus_timeseries.png")
    fig.savefig(path, dpi=110)
    return path


def plot_tokens(outdir, summary):
    """Tokens produced and lost per GPU, with tokens per joule on top of each bar."""
    names = [g["name"] for g in summary["gpus"]]
    made = np.array([g["tokens"] for g in summary["gpus"]])
    lost = np.array([g["tokens_lost"] for g in summary["gpus"]])
    fig, ax = plt.subplots(figsize=(max(5, 0.9 * len(names) + 2), 4.5), constrained_layout=True)
    ax.bar(names, made, label="produced")
    ax.bar(names, lost, bottom=made, label="lost to throttling", color="tab:red")
    for x, g in enumerate(summary["gpus"]):
        ax.annotate(f"{g['tokens_per_J']:.3f}/J", (x, made[x] + lost[x]), ha="center",
                    va="bottom", fontsize=8)
    tot = summary["gpu_totals"]
    ax.set(ylabel="tokens", title=f"{tot['tokens_lost_fraction'] * 100:.2f} % of tokens lost, "
                                  f"{tot['tokens_per_J']:.4f} tokens/J overall")
    ax.legend()
    path = os.path.join(outdir, "gpus_tokens.png")
    fig.savefig(path, dpi=110)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    a = p.parse_args()
    try:
        with open(os.path.join(a.outdir, "summary.json")) as fh:
            summary = json.load(fh)
    except OSError as e:
        sys.exit(f"{a.outdir}: cannot read summary.json ({e.strerror}); run kelvin run CASE -o {a.outdir} first")
    if "gpus" not in summary:
        sys.exit(f"{a.outdir}: not a GPU run (no \"gpus\" in summary.json); use plot_results.py")
    series = read_series(a.outdir)
    for path in (plot_timeseries(a.outdir, summary, series), plot_tokens(a.outdir, summary)):
        print(path)


if __name__ == "__main__":
    main()
