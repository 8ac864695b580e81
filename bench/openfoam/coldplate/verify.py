#!/usr/bin/env python3
"""Checks bench/openfoam/coldplate/foam_cht.py on the synthetic specs of make_test_spec.py.

  verify.py [WORKDIR] [--axes x,y,z] [--refine 1,2] [--np N] [--skip-conjugate] [--skip-channel]

(a) channel (one per flow axis, so that every face name is used as inlet/outlet): the pressure
    drop against
      - Shah & London fully developed laminar flow, dp = f_D (L / D_h) rho u^2 / 2;
      - the fully developed pressure gradient of the SAME discrete cross-section (2-D finite-
        volume Poisson problem -mu lap(u) = G on the spec's y/z cells, walls half a cell away),
        i.e. what the 3-D solution must approach downstream of the entrance;
      - the pressure gradient OpenFOAM itself reaches downstream (least-squares slope of the
        cross-section-averaged cell pressure over the last half of the channel); the rest of
        the drop is the entrance (developing-flow) excess, reported in velocity heads.
    Every axis is run with the spec's 10 x 6 cross-section cells (refine 1); --refine adds
    runs with 10R x 6R cross-section cells (along x only) to show the discretisation error.
    Pass: |dp / dp_Shah&London - 1| < 10 % / R and the developed gradient within 1 % of the
    discrete fully developed one.
(b) conjugate: energy balance source = advected (m_dot cp (T_out - T_in)) + wall loss, within
    1 % of the source; the same spec with the source given per cell must give the same answer.

Prints a summary table and a JSON line; exit status 0 when every check passes.
Needs what foam_cht.py needs (OpenFOAM v1912, WM_PROJECT_DIR, numpy).
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, ".."))
import foam_cht      # noqa: E402
import foam_tools    # noqa: E402
import make_test_spec  # noqa: E402


def run(spec, case, np_):
    path = case + ".json"
    with open(path, "w") as f:
        json.dump(spec, f)
    t0 = time.time()
    out = subprocess.run([sys.executable, os.path.join(HERE, "foam_cht.py"), "run", path, case,
                          "--np", str(np_)], stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise SystemExit(f"foam_cht.py failed for {case}")
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["total_seconds"] = time.time() - t0
    return res


def discrete_fully_developed_G(wa, wb, mu, u_mean):
    """pressure gradient of fully developed flow on a rectilinear cross-section (cell widths
    wa, wb), finite volumes with no-slip walls half a cell from the wall cells"""
    na, nb = len(wa), len(wb)
    n = na * nb
    A = np.zeros((n, n))
    b = np.zeros(n)
    idx = lambda i, j: i + na * j   # noqa: E731
    for j in range(nb):
        for i in range(na):
            p = idx(i, j)
            b[p] = wa[i] * wb[j]          # G = 1
            for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                ii, jj = i + di, j + dj
                if di:
                    area = wb[j]
                    dist = 0.5 * wa[i] + (0.5 * wa[ii] if 0 <= ii < na else 0.0)
                else:
                    area = wa[i]
                    dist = 0.5 * wb[j] + (0.5 * wb[jj] if 0 <= jj < nb else 0.0)
                c = mu * area / dist
                A[p, p] += c
                if 0 <= ii < na and 0 <= jj < nb:
                    A[p, idx(ii, jj)] -= c
    u = np.linalg.solve(A, b)
    vol = np.outer(wb, wa).ravel()
    um = float(np.dot(u, vol) / vol.sum())
    return u_mean / um


def channel_check(work, axis, np_, refine=1):
    spec = make_test_spec.channel(axis, 50.0, refine)
    ref = spec["reference"]
    case = os.path.join(work, f"channel_{axis}_r{refine}")
    res = run(spec, case, np_)
    s = foam_cht.Spec(spec)
    a = "xyz".index(axis)
    others = [b for b in range(3) if b != a]
    G = discrete_fully_developed_G(s.width[others[0]], s.width[others[1]],
                                   spec["materials"][0]["mu"], ref["u_mean_m_s"])
    L = ref["length_m"]
    # OpenFOAM's own downstream gradient from the cell pressures
    p = np.asarray(foam_tools._read_internal_field(_latest(case, "coolant", "p"))[0])
    i, j, k = s.ijk()
    along = (i, j, k)[a]
    vol = s.vol
    pm = np.array([np.dot(p[along == c], vol[along == c]) / vol[along == c].sum()
                   for c in range(s.n[a])])
    xc = s.centre[a]
    tail = xc > 0.5 * L
    slope = np.polyfit(xc[tail], pm[tail], 1)[0]
    head = 0.5 * spec["materials"][0]["rho"] * ref["u_mean_m_s"] ** 2
    dp = res["pressure_drop_Pa"]
    out = {
        "axis": axis, "refine": refine, "faces": f"{axis}min -> {axis}max", "cells": res["cells"],
        "dp_openfoam_Pa": dp, "dp_shah_london_Pa": ref["dp_fully_developed_Pa"],
        "rel_vs_shah_london": dp / ref["dp_fully_developed_Pa"] - 1,
        "dp_discrete_fully_developed_Pa": G * L,
        "rel_vs_discrete_fd": dp / (G * L) - 1,
        "developed_gradient_Pa_m": -slope, "discrete_fd_gradient_Pa_m": G,
        "developed_gradient_rel": -slope / G - 1,
        "shah_london_gradient_Pa_m": ref["dp_fully_developed_Pa"] / L,
        "entrance_excess_velocity_heads": (dp - G * L) / head,
        "Re": ref["Re"], "iterations": res["iterations"], "solver_seconds": res["seconds"],
        "total_seconds": res["total_seconds"], "converged": res["converged"],
    }
    out["pass"] = bool(res["converged"] and abs(out["rel_vs_shah_london"]) < 0.10 / refine
                       and abs(out["developed_gradient_rel"]) < 0.01)
    return out


def _latest(case, region, field):
    times = [d for d in os.listdir(case) if d.replace(".", "").isdigit() and float(d) > 0]
    t = max(times, key=float)
    return os.path.join(case, t, region, field)


def conjugate_check(work, np_):
    spec = make_test_spec.conjugate()
    res = run(spec, os.path.join(work, "conjugate"), np_)
    e = res["energy"]
    T_in = 313.15
    cp = 3969.0
    mdot = sum(o["mass_flow_kg_s"] for o in res["outlets"])
    out = {"cells": res["cells"], "source_W": e["source_W"],
           "advected_W": e["advected_W"],
           "mdot_cp_dT_W": mdot * cp * (res["outlet_T_K"] - T_in),
           "wall_loss_W": e["wall_loss_W"], "imbalance_W": e["imbalance_W"],
           "relative_imbalance": e["relative_imbalance"],
           "pressure_drop_Pa": res["pressure_drop_Pa"], "max_T_K": res["max_T_K"],
           "outlet_T_K": res["outlet_T_K"], "iterations": res["iterations"],
           "solver_seconds": res["seconds"], "total_seconds": res["total_seconds"],
           "converged": res["converged"]}
    # the same source given per cell
    s = foam_cht.Spec(spec)
    spec2 = dict(spec, heat_source_W_m3=[float(v) for v in s.q])
    res2 = run(spec2, os.path.join(work, "conjugate_percell"), np_)
    out["per_cell_source_max_T_diff_K"] = max(abs(res2["max_T_K"][k] - res["max_T_K"][k])
                                              for k in res["max_T_K"])
    out["per_cell_source_seconds"] = res2["seconds"]
    out["pass"] = bool(res["converged"] and res2["converged"]
                       and abs(e["relative_imbalance"]) < 0.01
                       and out["per_cell_source_max_T_diff_K"] < 1e-3)
    return out


def main(argv):
    work = None
    axes = ["x", "y", "z"]
    refines = [1, 2]
    np_ = 1
    do_ch, do_cj = True, True
    it = iter(argv)
    for a in it:
        if a == "--axes":
            axes = next(it).split(",")
        elif a == "--refine":
            refines = [int(r) for r in next(it).split(",")]
        elif a == "--np":
            np_ = int(next(it))
        elif a == "--skip-conjugate":
            do_cj = False
        elif a == "--skip-channel":
            do_ch = False
        else:
            work = a
    if work is None:
        work = tempfile.mkdtemp(prefix="kelvin-coldplate-verify.")
    os.makedirs(work, exist_ok=True)
    print(f"work directory: {work}")
    report = {"channel": [], "conjugate": None}
    ok = True
    if do_ch:
        runs = [(ax, 1) for ax in axes if 1 in refines] + [(axes[0], r) for r in refines if r != 1]
        for ax, rf in runs:
            c = channel_check(work, ax, np_, rf)
            report["channel"].append(c)
            ok &= c["pass"]
            print(f"(a) channel along {ax}, refine {rf} ({c['faces']}, {c['cells']} cells, Re {c['Re']:g}): "
                  f"dp {c['dp_openfoam_Pa']:.3f} Pa; Shah&London fully developed "
                  f"{c['dp_shah_london_Pa']:.3f} Pa ({100 * c['rel_vs_shah_london']:+.2f} %); "
                  f"discrete fully developed {c['dp_discrete_fully_developed_Pa']:.3f} Pa "
                  f"({100 * c['rel_vs_discrete_fd']:+.2f} %)")
            print(f"    downstream gradient {c['developed_gradient_Pa_m']:.1f} Pa/m vs discrete "
                  f"fully developed {c['discrete_fd_gradient_Pa_m']:.1f} Pa/m "
                  f"({100 * c['developed_gradient_rel']:+.2f} %), Shah&London "
                  f"{c['shah_london_gradient_Pa_m']:.1f} Pa/m; entrance excess "
                  f"{c['entrance_excess_velocity_heads']:.2f} velocity heads; "
                  f"{c['iterations']} iterations, solver {c['solver_seconds']:.2f} s, total "
                  f"{c['total_seconds']:.2f} s, converged {c['converged']}: "
                  f"{'PASS' if c['pass'] else 'FAIL'}")
    if do_cj:
        c = conjugate_check(work, np_)
        report["conjugate"] = c
        ok &= c["pass"]
        print(f"(b) conjugate ({c['cells']} cells): source {c['source_W']:.4f} W = advected "
              f"{c['advected_W']:.4f} W (m_dot cp dT {c['mdot_cp_dT_W']:.4f} W) + wall loss "
              f"{c['wall_loss_W']:.4f} W; imbalance {c['imbalance_W']:.2e} W "
              f"({100 * c['relative_imbalance']:+.3f} %)")
        print(f"    dp {c['pressure_drop_Pa']:.3f} Pa, max T {json.dumps(c['max_T_K'])}, outlet T "
              f"{c['outlet_T_K']:.4f} K; {c['iterations']} iterations, solver "
              f"{c['solver_seconds']:.2f} s, total {c['total_seconds']:.2f} s; per-cell source "
              f"form: max T differs by {c['per_cell_source_max_T_diff_K']:.2e} K: "
              f"{'PASS' if c['pass'] else 'FAIL'}")
    report["pass"] = bool(ok)
    print(json.dumps(report))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
