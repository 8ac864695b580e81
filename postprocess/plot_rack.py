#!/usr/bin/python3
"""Plots a Kelvin rack run (a case with loop:): the flow through each branch of the manifold and
each GPU's junction temperature along the rack, and for transients the loop and the GPUs over
time with the case's events marked.

    postprocess/plot_rack.py OUTDIR     # writes OUTDIR/rack_flow.png (and OUTDIR/rack_transient.png
                                        # when OUTDIR/timeseries.csv exists)

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

K0 = 273.15
M3S_TO_LMIN = 6e4


def read_series(outdir):
    with open(os.path.join(outdir, "timeseries.csv")) as fh:
        rows = list(csv.reader(fh))
    data = np.array(rows[1:], dtype=float)
    return {name: data[:, c] for c, name in enumerate(rows[0])}


def gpu_temperature_key(summary):
    """Steady runs report each GPU's junction temperature, transients its maximum over the run."""
    g = summary["gpus"][0]
    return "junction_temperature_K" if "junction_temperature_K" in g else "max_junction_temperature_K"


def plot_flow(outdir, summary):
    """Two panels over the rack position (0 at the bottom): each branch's flow, compute trays and
    switch trays apart; each GPU's junction temperature at its tray's position."""
    loop = summary["loop"]
    branches = sorted(loop["branches"], key=lambda b: b["position"])
    fig, (ax_q, ax_t) = plt.subplots(2, 1, figsize=(10, 7.5), sharex=True, constrained_layout=True)
    pos = np.array([b["position"] for b in branches])
    flow = np.array([b["flow_m3_s"] * M3S_TO_LMIN for b in branches])
    switch = np.array([b["compute_tray"] < 0 for b in branches])
    ax_q.bar(pos[~switch], flow[~switch], color="tab:blue", label="compute tray")
    if switch.any():
        ax_q.bar(pos[switch], flow[switch], color="tab:gray", label="switch tray")
    ax_q.set_ylabel("branch flow (L/min)")
    ax_q.grid(alpha=0.3)
    ax_q.legend(fontsize=8, loc="lower left")

    # GPUs in the order of loop.plates; a compute tray holds len(plates) / trays of them.
    tray_pos = {b["compute_tray"]: b["position"] for b in branches if b["compute_tray"] >= 0}
    key = gpu_temperature_key(summary)
    gpus = summary["gpus"]
    per_tray = max(1, len(gpus) // max(1, len(tray_pos)))
    x, tj = [], []
    for i, g in enumerate(gpus):
        tray = min(i // per_tray, len(tray_pos) - 1) if tray_pos else 0
        slot = i % per_tray
        x.append(tray_pos.get(tray, tray) + (slot - (per_tray - 1) / 2) * 0.6 / per_tray)
        tj.append(g[key] - K0)
    ax_t.plot(x, tj, "o", color="tab:red", ms=4, label="GPU")
    for p in pos[switch]:
        for ax in (ax_q, ax_t):
            ax.axvspan(p - 0.5, p + 0.5, color="0.85", zorder=0)
    ax_t.set_ylabel("max T_j (°C)" if key.startswith("max") else "T_j (°C)")
    ax_t.ticklabel_format(axis="y", useOffset=False)  # GPUs held at their slowdown differ by mK
    ax_t.set_xlabel("rack position from the bottom (branch; grey: switch trays)")
    ax_t.grid(alpha=0.3)
    m = loop.get("maldistribution", {})
    title = f"{summary['case']}: {len(gpus)} GPUs, {len(branches)} branches"
    if not summary.get("steady", True):
        title += f" at {summary['transient']['end_time_s']:g} s"
    if m:
        title += f"; plate flows max/min {m['max_over_min']:.4f}"
    ax_q.set_title(title)
    path = os.path.join(outdir, "rack_flow.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_transient(outdir, summary, series):
    """Five stacked panels sharing the time axis, each event a dashed line."""
    t = series["time_s"]
    names = [g["name"] for g in summary["gpus"]]
    fig, axes = plt.subplots(5, 1, figsize=(10, 12), sharex=True, constrained_layout=True)
    axes[0].plot(t, series["loop_supply_K"] - K0, label="supply")
    axes[0].plot(t, series["loop_return_K"] - K0, label="return")
    axes[0].set_ylabel("coolant (°C)")
    axes[0].legend(fontsize=8)
    axes[1].plot(t, series["loop_dp_Pa"] / 1e3, color="tab:green")
    axes[1].set_ylabel("rack dp (kPa)")
    pumps = sorted((k for k in series if k.startswith("pump") and k.endswith("_speed")),
                   key=lambda k: int(k[4:-6]))
    for k in pumps:
        axes[2].plot(t, series[k], label=k[:-6])
    axes[2].set_ylabel("pump speed (-)")
    if pumps:
        axes[2].legend(fontsize=8)
    tj = np.array([series[f"{n}_junction_K"] for n in names if f"{n}_junction_K" in series])
    if tj.size:
        axes[3].step(t, tj.max(axis=0) - K0, where="post", color="tab:red")
    axes[3].set_ylabel("max T_j (°C)")
    power = np.array([series[f"{n}_power_W"] for n in names if f"{n}_power_W" in series])
    if power.size:
        axes[4].step(t, power.sum(axis=0) / 1e3, where="post", color="tab:purple")
    axes[4].set_ylabel("GPU power (kW)")
    axes[4].set_xlabel("time (s)")
    for ax in axes:
        ax.grid(alpha=0.3)
        for e in summary.get("events", []):
            ax.axvline(e["time_s"], color="k", ls="--", lw=0.8)
    for e in summary.get("events", []):
        axes[0].annotate(e["type"], (e["time_s"], 1), xycoords=("data", "axes fraction"),
                         xytext=(3, -12), textcoords="offset points", fontsize=8)
    axes[0].set_title(f"{summary['case']}: the loop and {len(names)} GPUs")
    path = os.path.join(outdir, "rack_transient.png")
    fig.savefig(path, dpi=110)
    plt.close(fig)
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
    if "loop" not in summary or "branches" not in summary["loop"]:
        sys.exit(f"{a.outdir}: not a rack run (no \"loop\" in summary.json); use plot_gpus.py or plot_results.py")
    print(plot_flow(a.outdir, summary))
    if os.path.exists(os.path.join(a.outdir, "timeseries.csv")):
        print(plot_transient(a.outdir, summary, read_series(a.outdir)))


if __name__ == "__main__":
    main()
