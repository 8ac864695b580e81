#!/usr/bin/python3
"""Flow-rate sweep of a cold-plate case: thermal resistance and pressure drop vs coolant flow.

  postprocess/flow_sweep.py CASE.yaml --flows 0.5,1,1.5,2 -o OUTDIR [--kelvin build/kelvin]
                            [--threads N] [--constant-properties] [--fluid NAME] [--keep-runs]

For every flow rate (L/min) a copy of CASE.yaml is written to OUTDIR/runs/<flow>/case.yaml with
coldplate.flow_rate replaced (or, for a case without a coldplate section, every flow.inlets
flow_rate scaled so that their total is the requested flow, their ratios kept; with
--constant-properties also coolant.constant_properties: true, with --fluid NAME also
coolant.fluid: NAME, e.g. water for a PG25 case), `kelvin run` writes
OUTDIR/runs/<flow>/out/, and summary.json's figures are collected into

  OUTDIR/flow_sweep.csv   flow_L_min, pressure_drop_Pa, R_junction_to_inlet, R_case_to_inlet
                          (K/W), outlet_T_K, max_T_K, wall_time_s
  OUTDIR/flow_sweep.png   two panels, log-log: thermal resistance vs flow and pressure drop vs
                          flow, each with a least-squares power law a * Q^b (b in the legend)

A flow whose run fails (e.g. the coolant leaves its property correlation's temperature range
at low flow; --constant-properties avoids that) gets an empty CSV row with the reason in a
`note` column, is left out of the plot and fits, and makes the exit status 1.
The case copy lives in another directory, so the case must not refer to other files by
relative path (Kelvin cases do not, today). Needs python3 with yaml, numpy, matplotlib
(Debian: python3-yaml python3-numpy python3-matplotlib). Without --keep-runs, results.h5 and
solution.vtr of each run are deleted after their summary is read (summary.json stays).
The kelvin binary is copied to OUTDIR/runs/kelvin first (a rebuild cannot disturb the sweep).
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
import time

import numpy as np

try:
    import yaml
except ImportError:   # pragma: no cover - Debian's python3 has python3-yaml
    yaml = None

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# volume-flow units to m^3/s (the ones cases use; Kelvin itself accepts any udunits2 unit)
FLOW_UNITS = {"": 1.0, "m^3/s": 1.0, "m3/s": 1.0, "L/min": 1e-3 / 60, "l/min": 1e-3 / 60,
              "lpm": 1e-3 / 60, "LPM": 1e-3 / 60, "L/s": 1e-3, "l/s": 1e-3,
              "mL/min": 1e-6 / 60, "ml/min": 1e-6 / 60, "mL/s": 1e-6, "ml/s": 1e-6,
              "L/h": 1e-3 / 3600, "l/h": 1e-3 / 3600, "gpm": 3.785411784e-3 / 60}


def die(msg):
    print(f"flow_sweep: {msg}", file=sys.stderr)
    sys.exit(2)


def parse_flow(v):
    """(value, unit, m^3/s) from a case's flow_rate (number = m^3/s, or 'VALUE UNIT')"""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v), "", float(v)
    m = re.match(r"^\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(.*?)\s*$", str(v))
    if not m:
        die(f"cannot read flow rate {v!r}")
    val, unit = float(m.group(1)), m.group(2)
    return val, unit, (val * FLOW_UNITS[unit] if unit in FLOW_UNITS else None)


def fmt_flow(lpm):
    return f"{lpm:.10g} L/min"


# ---- case editing ---------------------------------------------------------------------------
def yaml_loader():
    class L(yaml.SafeLoader):   # YAML 1.2 floats (1e-10) as numbers, as yaml-cpp reads them
        pass
    L.add_implicit_resolver("tag:yaml.org,2002:float", re.compile(
        r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789."))
    return L


def edit_coolant(c, key, value, option):
    cool = c.get("coolant")
    if cool is None:
        die(f"{option}: the case has no coolant section")
    if isinstance(cool, str):
        cool = {"fluid": cool}
    cool[key] = value
    c["coolant"] = cool


def edit_case_yaml(text, lpm, constant=False, fluid=None):
    c = yaml.load(text, Loader=yaml_loader())
    if constant:
        edit_coolant(c, "constant_properties", True, "--constant-properties")
    if fluid:
        edit_coolant(c, "fluid", fluid, "--fluid")
    if c.get("coldplate"):
        c["coldplate"]["flow_rate"] = fmt_flow(lpm)
        how = "coldplate.flow_rate"
    else:
        inl = ((c.get("flow") or {}).get("inlets")) or []
        if not inl:
            die("the case has neither a coldplate section nor flow.inlets")
        parsed = [parse_flow(p["flow_rate"]) for p in inl]
        if len({u for _, u, _ in parsed}) == 1:
            base = [v for v, _, _ in parsed]
        elif all(s is not None for _, _, s in parsed):
            base = [s for _, _, s in parsed]
        else:
            die(f"inlet flow rates in mixed, unknown units: {[p['flow_rate'] for p in inl]}")
        tot = sum(base)
        for p, b in zip(inl, base):
            p["flow_rate"] = fmt_flow(lpm * b / tot)
        how = f"{len(inl)} inlet flow_rate(s) scaled"
    return yaml.safe_dump(c, sort_keys=False, default_flow_style=None, width=120), how


def edit_case_regex(text, lpm, constant=False, fluid=None):
    """fallback without PyYAML: the coldplate section's flow_rate line only"""
    if constant or fluid:
        die("--constant-properties and --fluid need PyYAML (Debian python3-yaml)")
    lines = text.split("\n")
    in_cp, done = False, False
    for i, line in enumerate(lines):
        if re.match(r"^coldplate\s*:", line):
            in_cp = True
            m = re.search(r"(\bflow_rate\s*:\s*)([^,}#]+)", line)
            if m:   # flow mapping on one line
                lines[i] = line[:m.start(2)] + fmt_flow(lpm) + " " + line[m.end(2):].lstrip()
                done = True
                break
            continue
        if in_cp and re.match(r"^\S", line) and not line.startswith("#"):
            in_cp = False
        if in_cp:
            m = re.match(r"^(\s+flow_rate\s*:\s*)([^#]*?)(\s*(#.*)?)$", line)
            if m:
                lines[i] = m.group(1) + fmt_flow(lpm) + (m.group(3) or "")
                done = True
                break
    if not done:
        die("no coldplate flow_rate found (without PyYAML only coldplate cases can be swept)")
    return "\n".join(lines), "coldplate.flow_rate"


# ---- fits and plot --------------------------------------------------------------------------
def power_fit(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    ok = (x > 0) & (y > 0) & np.isfinite(y)
    if ok.sum() < 2:
        return None
    b, ln_a = np.polyfit(np.log(x[ok]), np.log(y[ok]), 1)
    return math.exp(ln_a), b


def plot_power_law(ax, q, y, qq, marker, label):
    """Points y(q) on log-log axes, with the fitted power law a Q^b dashed and b in the label."""
    fit = power_fit(q, y)
    line, = ax.loglog(q, y, marker, label=label + (f"  (~ Q^{fit[1]:.3f})" if fit else ""))
    if fit:
        ax.loglog(qq, fit[0] * qq ** fit[1], "--", color=line.get_color(), lw=1)


def label_axes(ax, ylabel, title, legend_size=None):
    ax.set_xlabel("coolant flow [L/min]")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=legend_size)


def finish_figure(fig, axes, title, path):
    """Plain log ticks on every axis, the title, and the PNG written and closed."""
    import matplotlib.pyplot as plt
    plain_log_ticks(*axes)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plain_log_ticks(*axes):
    """Short log ranges: ticks as plain numbers, not 1.5 x 10^-1."""
    from matplotlib.ticker import FuncFormatter
    plain = FuncFormatter(lambda v, _: f"{v:g}")
    for ax in axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(plain)
            axis.set_minor_formatter(plain)


def plot(rows, path, title):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    q = np.array([r["flow_L_min"] for r in rows])
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    qq = np.geomspace(q.min() * 0.9, q.max() * 1.1, 50) if len(q) else q
    for key, label, mk in (("R_junction_to_inlet", "junction to inlet", "o"),
                           ("R_case_to_inlet", "case to inlet", "s")):
        y = np.array([r[key] if r[key] is not None else np.nan for r in rows], float)
        if not np.isfinite(y).any():
            continue
        plot_power_law(ax1, q, y, qq, mk, label)
    label_axes(ax1, "thermal resistance [K/W]", "thermal resistance vs flow")
    dp = np.array([r["pressure_drop_Pa"] for r in rows], float)
    plot_power_law(ax2, q, dp, qq, "o", "pressure drop")
    label_axes(ax2, "pressure drop [Pa]", "pressure drop vs flow")
    finish_figure(fig, (ax1, ax2), title, path)


# ---- main -----------------------------------------------------------------------------------
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("case")
    ap.add_argument("--flows", required=True, help="comma-separated flow rates in L/min")
    ap.add_argument("-o", "--out", required=True, help="output directory")
    ap.add_argument("--kelvin", default=os.path.join(ROOT, "build", "kelvin"))
    ap.add_argument("--threads", type=int, default=None, help="kelvin --threads")
    ap.add_argument("--constant-properties", action="store_true",
                    help="coolant.constant_properties: true in every copy")
    ap.add_argument("--fluid", default=None, help="coolant.fluid in every copy (e.g. water)")
    ap.add_argument("--keep-runs", action="store_true", help="keep results.h5/solution.vtr of every run")
    a = ap.parse_args()
    try:
        flows = [float(x) for x in a.flows.split(",") if x.strip()]
    except ValueError:
        die(f"--flows: {a.flows!r} is not a comma-separated list of numbers (L/min)")
    if not flows or any(f <= 0 for f in flows):
        die("--flows: need positive flow rates")
    if not os.access(a.kelvin, os.X_OK):
        die(f"no kelvin binary at {a.kelvin} (build: scripts/build, or --kelvin PATH)")
    text = open(a.case).read()
    os.makedirs(os.path.join(a.out, "runs"), exist_ok=True)
    # a private copy of the binary: a rebuild of build/ during the sweep cannot disturb it
    kelvin = os.path.join(a.out, "runs", "kelvin")
    shutil.copy2(a.kelvin, kelvin)
    rows, failed = [], []
    for lpm in flows:
        tag = f"{lpm:g}".replace(".", "p")
        d = os.path.join(a.out, "runs", f"{tag}_L_min")
        os.makedirs(d, exist_ok=True)
        new, how = (edit_case_yaml if yaml else edit_case_regex)(text, lpm, a.constant_properties, a.fluid)
        cpath = os.path.join(d, "case.yaml")
        with open(cpath, "w") as f:
            f.write(new)
        out = os.path.join(d, "out")
        cmd = [kelvin] + (["--threads", str(a.threads)] if a.threads else []) + ["run", cpath, "-o", out, "--overwrite"]
        print(f"flow_sweep: {lpm:g} L/min ({how}): {' '.join(cmd)}", file=sys.stderr, flush=True)
        t0 = time.time()
        with open(os.path.join(d, "kelvin.log"), "w") as lf:
            r = subprocess.run(cmd, stdout=lf, stderr=subprocess.STDOUT)
        spath = os.path.join(out, "summary.json")
        if r.returncode not in (0, 3) or not os.path.exists(spath):   # 3: ran, not converged
            with open(os.path.join(d, "kelvin.log")) as lf:
                lines = lf.readlines()
            err = next((l.strip() for l in reversed(lines) if "error" in l.lower()),
                       lines[-1].strip() if lines else "no output")
            print(f"flow_sweep: kelvin run FAILED at {lpm:g} L/min (exit {r.returncode}, log "
                  f"{d}/kelvin.log): {err}", file=sys.stderr, flush=True)
            failed.append(lpm)
            rows.append({"flow_L_min": lpm, "note": f"kelvin failed (exit {r.returncode}): {err}"})
            continue
        s = json.load(open(spath))
        if not a.keep_runs:
            for fn in ("results.h5", "solution.vtr"):
                p = os.path.join(out, fn)
                if os.path.exists(p):
                    os.remove(p)
        R = s.get("thermal_resistance_K_per_W") or {}
        q_sim = s.get("flow_rate_m3_s")
        if q_sim is not None and abs(q_sim * 6e4 - lpm) > 1e-6 * lpm:
            print(f"flow_sweep: WARNING: Kelvin reports {q_sim * 6e4:.6g} L/min for a requested "
                  f"{lpm:g} L/min", file=sys.stderr)
        row = {"flow_L_min": lpm, "pressure_drop_Pa": s.get("pressure_drop_Pa"),
               "R_junction_to_inlet": R.get("junction_to_inlet"),
               "R_case_to_inlet": R.get("case_to_inlet"),
               "outlet_T_K": s.get("outlet_temperature_K"),
               "max_T_K": s.get("max_temperature_K"),
               "wall_time_s": s.get("wall_time_s"),
               "converged": s.get("converged"),
               "note": "" if s.get("converged", True) else "kelvin did not converge"}
        rows.append(row)
        print(f"flow_sweep: {lpm:g} L/min: dp {row['pressure_drop_Pa']:.4g} Pa, R_j-in "
              f"{row['R_junction_to_inlet']}, R_c-in {row['R_case_to_inlet']}, outlet "
              f"{row['outlet_T_K']:.3f} K, max {row['max_T_K']:.3f} K, {time.time() - t0:.1f} s"
              + ("" if row["converged"] in (True, None) else "  NOT CONVERGED"),
              file=sys.stderr, flush=True)
    rows.sort(key=lambda r: r["flow_L_min"])
    cols = ["flow_L_min", "pressure_drop_Pa", "R_junction_to_inlet", "R_case_to_inlet",
            "outlet_T_K", "max_T_K", "wall_time_s", "note"]
    csv_path = os.path.join(a.out, "flow_sweep.csv")
    with open(csv_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for r in rows:
            w.writerow(["" if r.get(c) is None else (f"{r[c]:.10g}" if isinstance(r[c], float) else r[c])
                        for c in cols])
    png = os.path.join(a.out, "flow_sweep.png")
    name = os.path.basename(os.path.dirname(os.path.abspath(a.case))) or a.case
    ok = [r for r in rows if "pressure_drop_Pa" in r]
    if ok:
        plot(ok, png, f"{name}: flow sweep (Kelvin)" + (f", {a.fluid}" if a.fluid else "")
             + (", constant coolant properties" if a.constant_properties else ""))
    fits = {k: power_fit([r["flow_L_min"] for r in ok],
                         [r[k] if r[k] is not None else np.nan for r in ok])
            for k in ("pressure_drop_Pa", "R_junction_to_inlet", "R_case_to_inlet")}
    with open(csv_path) as f:
        sys.stdout.write(f.read())
    for k, fit in fits.items():
        if fit:
            print(f"fit {k} = {fit[0]:.5g} * Q[L/min]^{fit[1]:.4f}")
    print(f"wrote {csv_path}" + (f" and {png}" if ok else " (no successful run: no plot)"))
    if failed:
        print(f"flow_sweep: {len(failed)} run(s) failed: {', '.join(f'{x:g}' for x in failed)} L/min",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
