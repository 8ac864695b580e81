#!/usr/bin/python3
"""Plots a Kelvin run: temperature on mid-planes (from results.h5) and, for transients, the
probe and per-material maximum temperatures over time (from timeseries.csv).

    postprocess/plot_results.py OUTDIR            # writes OUTDIR/temperature_planes.png
                                                  # and OUTDIR/timeseries.png (transients)
    postprocess/plot_results.py OUTDIR --z 1.625e-3   # the xy plane through z (m)

For a facility run (a case with facility:) it hands over to plot_facility.py, for a rack run
(loop:) to plot_rack.py, for a GPU run (gpus:) to plot_gpus.py.

Uses h5py, numpy and matplotlib (Debian: python3-h5py python3-numpy python3-matplotlib).
"""
import argparse
import csv
import json
import os
import sys

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def plot_planes(outdir, z_plane):
    """Temperature (degC) on the xy plane through z_plane (default: hottest cell) and the xz
    plane through the hottest cell."""
    with h5py.File(os.path.join(outdir, "results.h5"), "r") as f:
        T = f["fields/temperature_K"][...]  # (nz, ny, nx)
        xf, yf, zf = (f[f"grid/{a}_faces_m"][...] for a in "xyz")
    k0, j0, i0 = np.unravel_index(np.argmax(T), T.shape)
    if z_plane is not None:
        k0 = int(np.clip(np.searchsorted(zf, z_plane) - 1, 0, T.shape[0] - 1))
    fig, ax = plt.subplots(1, 2, figsize=(12, 5), constrained_layout=True)
    m = ax[0].pcolormesh(xf * 1e3, yf * 1e3, T[k0] - 273.15, shading="flat", cmap="inferno")
    ax[0].set(title=f"xy plane at z = {0.5 * (zf[k0] + zf[k0 + 1]) * 1e3:.3f} mm",
              xlabel="x (mm)", ylabel="y (mm)", aspect="equal")
    fig.colorbar(m, ax=ax[0], label="temperature (°C)")
    m = ax[1].pcolormesh(xf * 1e3, zf * 1e3, T[:, j0, :] - 273.15, shading="flat", cmap="inferno")
    ax[1].set(title=f"xz plane at y = {0.5 * (yf[j0] + yf[j0 + 1]) * 1e3:.3f} mm (hottest cell)",
              xlabel="x (mm)", ylabel="z (mm)")
    fig.colorbar(m, ax=ax[1], label="temperature (°C)")
    path = os.path.join(outdir, "temperature_planes.png")
    fig.savefig(path, dpi=120)
    return path


def plot_timeseries(outdir):
    path_csv = os.path.join(outdir, "timeseries.csv")
    if not os.path.exists(path_csv):
        return None
    with open(path_csv) as fh:
        rows = list(csv.reader(fh))
    header, data = rows[0], np.array(rows[1:], dtype=float)
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    for c, name in enumerate(header[1:], start=1):
        style = "-" if name.startswith("probe_") else "--"
        ax.plot(data[:, 0], data[:, c] - 273.15, style, label=name[:-2])
    ax.set(xlabel="time (s)", ylabel="temperature (°C)", title="Kelvin transient")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, ncol=2)
    path = os.path.join(outdir, "timeseries.png")
    fig.savefig(path, dpi=120)
    return path


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("outdir")
    p.add_argument("--z", type=float, default=None, help="z of the xy plane, m")
    a = p.parse_args()
    summary_path = os.path.join(a.outdir, "summary.json")
    if os.path.exists(summary_path):
        with open(summary_path) as fh:
            summary = json.load(fh)
        # a facility run (facility:), a rack run (loop:) and a GPU run (gpus:) have their own
        # plots; facility first, since a facility case also has loop: and gpus:
        for key, script in (("facility", "plot_facility.py"), ("loop", "plot_rack.py"),
                            ("gpus", "plot_gpus.py")):
            if key in summary:
                os.execv(sys.executable, [sys.executable, os.path.join(os.path.dirname(__file__), script), a.outdir])
    if not os.path.exists(os.path.join(a.outdir, "results.h5")):
        sys.exit(f"{a.outdir}: no results.h5 (run kelvin run CASE -o {a.outdir} first)")
    for path in (plot_planes(a.outdir, a.z), plot_timeseries(a.outdir)):
        if path:
            print(path)


if __name__ == "__main__":
    main()
