#!/usr/bin/python3
"""Plots a Kelvin facility run over its weather year: facility supply temperature with the
ambient dry and wet bulb, GPUs thermally throttled, hourly PUE, water use and cooling power.

    postprocess/plot_facility.py RUN_DIR            # writes RUN_DIR/facility_year.png
    postprocess/plot_facility.py RUN_DIR -o year.png

Reads RUN_DIR/hourly.csv (README "Facility runs") and, for the supply setpoint, summary.json.
Over more than three days each quantity is drawn as its daily min-max band with the daily mean,
so the cold and warm seasons read at a glance; shorter runs are drawn hour by hour. Columns that
only some heat-rejection options write (a chiller's compressor power, a tower's makeup water, an
air-cooled hall's server fans: any other `*_W` power or `*_kg_s` water column) are drawn when
present; a column a run lacks is left out of its panel, never an error.

Uses numpy and matplotlib (Debian: python3-numpy python3-matplotlib).
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

KELVIN_TO_C = 273.15
# hourly.csv columns that are not cooling power: IT, heat rejected, tokens, rates
# heat flows, and the server fans an air-cooled hall meters with its servers as IT
NOT_COOLING_W = {"it_W", "rejected_W", "to_ambient_W", "economizer_W", "chiller_load_W", "server_fans_W"}
# cooling power columns every facility run writes, with their legend names
COOLING_W = {"cdu_pumps_W": "CDU pumps", "facility_pumps_W": "facility pumps", "fans_W": "fans"}
# water columns in kg/s that a heat-rejection option may write besides the pads' water_kg_s
WATER_WORDS = ("water", "makeup", "evaporat", "drift", "blowdown")


def read_hourly(run_dir):
    """hourly.csv as {column: float array}; exits with one line when it is missing or empty."""
    path = os.path.join(run_dir, "hourly.csv")
    if not os.path.exists(path):
        sys.exit(f"{run_dir}: no hourly.csv (run kelvin run on a facility case with -o {run_dir})")
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    if len(rows) < 2:
        sys.exit(f"{path}: no hours")
    header = rows[0]
    data = np.array(rows[1:], dtype=float)
    return {name: data[:, c] for c, name in enumerate(header)}


def read_summary(run_dir):
    """summary.json, or {} when there is none."""
    try:
        with open(os.path.join(run_dir, "summary.json")) as fh:
            summary = json.load(fh)
        return summary if isinstance(summary, dict) else {}
    except (OSError, ValueError):
        return {}


class Days:
    """Groups hourly values by day of the year (hour_of_year // 24), gaps allowed."""

    def __init__(self, hour_of_year):
        self.day_of_hour = (hour_of_year // 24).astype(int)
        self.days, self.index = np.unique(self.day_of_hour, return_inverse=True)
        self.hourly = len(self.days) <= 3  # too short for daily bands: draw every hour
        self.x_hourly = hour_of_year / 24.0
        self.x = self.x_hourly if self.hourly else self.days + 0.5

    def stats(self, v):
        """(min, mean, max) per day, or the values themselves when drawing hour by hour."""
        if self.hourly:
            return v, v, v
        n = len(self.days)
        lo = np.full(n, np.inf)
        hi = np.full(n, -np.inf)
        np.minimum.at(lo, self.index, v)
        np.maximum.at(hi, self.index, v)
        mean = np.bincount(self.index, weights=v, minlength=n) / np.bincount(self.index, minlength=n)
        return lo, mean, hi


def band(ax, days, v, label, color, alpha=0.25):
    """Daily min-max band and daily mean of v (or v hour by hour for short runs)."""
    lo, mean, hi = days.stats(v)
    if not days.hourly:
        ax.fill_between(days.x, lo, hi, color=color, alpha=alpha, lw=0, step="mid")
        label = f"{label} (daily mean, min-max band)"
    ax.plot(days.x, mean, color=color, lw=1.0, label=label)


def water_columns(header):
    """The water columns (kg/s) of hourly.csv: the pads' water_kg_s and any makeup, evaporation,
    drift or blowdown a tower writes."""
    return [c for c in header if c.endswith("_kg_s") and any(w in c for w in WATER_WORDS)]


def cooling_power_columns(header):
    """The cooling power columns (W) of hourly.csv: pumps and fans first, then any other `*_W`
    column but IT and heat flows (a chiller's compressor, an air-cooled hall's CRAH fans)."""
    known = [c for c in COOLING_W if c in header]
    return known + [c for c in header if c.endswith("_W") and c not in COOLING_W and c not in NOT_COOLING_W]


def plot_facility(run_dir, out_path=None):
    h = read_hourly(run_dir)
    summary = read_summary(run_dir)
    fac = summary.get("facility") if isinstance(summary.get("facility"), dict) else {}
    if "hour_of_year" not in h:
        sys.exit(f"{run_dir}/hourly.csv: no hour_of_year column")
    days = Days(h["hour_of_year"])
    panels = ["temperature", "throttled", "pue", "water", "power"]
    fig, axes = plt.subplots(len(panels), 1, figsize=(14, 13), sharex=True, constrained_layout=True)
    ax = dict(zip(panels, axes))
    notes = []

    # temperatures: ambient, facility supply (and return), the setpoint
    a = ax["temperature"]
    for col, label, color in (("dry_bulb_K", "ambient dry bulb", "tab:orange"),
                              ("wet_bulb_K", "ambient wet bulb", "tab:green"),
                              ("facility_supply_K", "facility supply", "tab:blue"),
                              ("facility_return_K", "facility return", "tab:red")):
        if col in h:
            band(a, days, h[col] - KELVIN_TO_C, label, color)
    if "supply_setpoint_K" in fac:
        a.axhline(fac["supply_setpoint_K"] - KELVIN_TO_C, color="k", ls="--", lw=0.8,
                  label="supply setpoint")
    a.set_ylabel("temperature (°C)")

    a = ax["throttled"]
    if "thermally_throttled_gpus" in h:
        band(a, days, h["thermally_throttled_gpus"], "GPUs thermally throttled", "tab:purple")
        notes.append(f"{int(np.count_nonzero(h['thermally_throttled_gpus']))} of {len(h['hour_of_year'])}"
                     " hours with a GPU throttled")
    else:
        notes.append("no thermally_throttled_gpus column")
    a.set_ylabel("GPUs throttled")

    a = ax["pue"]
    if "pue" in h:
        band(a, days, h["pue"], "hourly PUE", "tab:brown")
    if "pue" in fac:
        a.axhline(fac["pue"], color="k", ls="--", lw=0.8, label=f"annual PUE {fac['pue']:.4f}")
    a.set_ylabel("PUE")

    # water: the pads' water and whatever a tower writes (makeup, evaporation, drift, blowdown)
    a = ax["water"]
    water_cols = water_columns(h)
    colors = iter(plt.rcParams["axes.prop_cycle"].by_key()["color"])
    for col in water_cols:
        band(a, days, h[col] * 3600.0, col[:-len("_kg_s")].replace("_", " "), next(colors))
    if not water_cols:
        notes.append("no water column")
    a.set_ylabel("water (L/h, 1 kg = 1 L)")

    # cooling power by part: pumps and fans always, compressors and server fans when present
    a = ax["power"]
    power_cols = cooling_power_columns(h)
    colors = iter(plt.rcParams["axes.prop_cycle"].by_key()["color"])
    for col in power_cols:
        _, mean, _ = days.stats(h[col] / 1e3)
        label = COOLING_W.get(col, col[:-2].replace("_", " "))
        a.plot(days.x, mean, lw=1.0, color=next(colors),
               label=label + ("" if days.hourly else " (daily mean)"))
    a.set_ylabel("cooling power (kW)")
    a.set_xlabel("hour of year / 24" if days.hourly else "day of year")

    for a in axes:
        a.grid(alpha=0.3)
        if a.get_legend_handles_labels()[0]:
            a.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.005, 1.0))
    title = f"Kelvin facility run: {summary.get('case') or os.path.basename(os.path.normpath(run_dir))}"
    if notes:
        title += " (" + "; ".join(notes) + ")"
    fig.suptitle(title, fontsize=11)
    out_path = out_path or os.path.join(run_dir, "facility_year.png")
    fig.savefig(out_path, dpi=110)
    plt.close(fig)
    return out_path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("run_dir", help="output folder of a facility run (hourly.csv, summary.json)")
    p.add_argument("-o", "--output", default=None, help="PNG to write (default RUN_DIR/facility_year.png)")
    a = p.parse_args()
    print(plot_facility(a.run_dir, a.output))


if __name__ == "__main__":
    main()
