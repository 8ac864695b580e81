#!/usr/bin/env python3
"""Synthetic specs for bench/openfoam/coldplate/foam_cht.py (see its docstring for the format).

  make_test_spec.py channel [--axis x|y|z] [--re 50] [--refine 1] > channel.json
      (a) one straight rectangular channel, no solid: 20 mm long (40 cells, geometrically
      stretched along the flow), cross-section 1 mm (10 uniform cells) x 0.5 mm (6 cells,
      mildly non-uniform); inlet = the whole min face of the flow axis, outlet = the whole max
      face. Water-like coolant at 313.15 K, flow rate for the given Reynolds number
      (hydraulic diameter 2ab/(a+b) = 0.667 mm). Adiabatic walls. --refine R: 10R x 6R
      cells in the cross-section (the flow direction keeps 40).
  make_test_spec.py conjugate > conjugate.json
      (b) 10 x 10 x 3 mm plate, x/y/z non-uniform, 30 x 30 x 14 cells = 12600: a 4 x 4 x 0.5 mm
      silicon die at the bottom centre (z 0..0.5 mm) dissipating 10 W, copper everywhere else,
      two 1 mm x 1.5 mm coolant channels along x (y 2.5..3.5 and 6.5..7.5 mm, z 1..2.5 mm,
      x 1..9 mm), each fed through a 1 x 1 mm riser from a port on the top face (inlets at
      x 1..2 mm, outlets at x 8..9 mm), 1e-7 m^3/s per channel at 313.15 K; bottom face
      convection h = 50 W/m^2/K to 318.15 K, all other walls adiabatic.

The JSON goes to stdout; reference values (for the channel: the Shah & London fully developed
pressure drop) go into the spec under "reference" (foam_cht.py ignores unknown keys).
"""
import argparse
import json
import sys

WATER = {"id": 3, "name": "coolant", "k": 0.486, "rho": 1009.9, "cp": 3969.0,
         "mu": 1.353e-3, "coolant": True}
COPPER = {"id": 0, "name": "copper", "k": 390.0, "rho": 8933.0, "cp": 385.0, "coolant": False}
SILICON = {"id": 1, "name": "silicon", "k": 148.0, "rho": 2330.0, "cp": 712.0, "coolant": False}


def stretched(length, n, ratio):
    """n cells over length, each cell `ratio` times the previous one; returns n+1 faces"""
    if abs(ratio - 1) < 1e-12:
        w = [length / n] * n
    else:
        w0 = length * (ratio - 1) / (ratio ** n - 1)
        w = [w0 * ratio ** i for i in range(n)]
    f = [0.0]
    for wi in w:
        f.append(f[-1] + wi)
    f[-1] = length
    return f


def segments(breaks, counts, ratios=None):
    """faces through the given break points, counts[i] cells in segment i (optionally stretched
    symmetric-ish by ratios[i])"""
    out = [breaks[0]]
    for i, n in enumerate(counts):
        a, b = breaks[i], breaks[i + 1]
        r = ratios[i] if ratios else 1.0
        f = stretched(b - a, n, r)
        out.extend(a + x for x in f[1:])
        out[-1] = b
    return out


def shah_london_fRe(alpha):
    """Darcy friction factor times Re, fully developed laminar flow, rectangular duct"""
    a = min(alpha, 1 / alpha)
    return 4 * 24 * (1 - 1.3553 * a + 1.9467 * a ** 2 - 1.7012 * a ** 3 + 0.9564 * a ** 4
                     - 0.2537 * a ** 5)


def channel(axis, re, refine=1):
    L, W, H = 20e-3, 1e-3, 0.5e-3
    r = int(refine)
    flow = stretched(L, 40, 1.04)                      # 40 cells, 1.04 expansion along the flow
    wide = stretched(W, 10 * r, 1.0)                   # 10 uniform cells
    half = stretched(H / 2, 3 * r, 0.8 ** (1 / r))     # 6 cells, finer toward the walls
    high = half + [H - x for x in reversed(half[:-1])]
    high = [0.0] + sorted(set(round(x, 15) for x in high[1:]))
    mu, rho = WATER["mu"], WATER["rho"]
    dh = 2 * W * H / (W + H)
    u = re * mu / (rho * dh)
    Q = u * W * H
    # axis order: flow axis first, then the other two in x, y, z order: (wide, high)
    ax = "xyz".index(axis)
    others = [a for a in range(3) if a != ax]
    faces = [None] * 3
    faces[ax] = flow
    faces[others[0]] = wide
    faces[others[1]] = high
    n = [len(f) - 1 for f in faces]
    ncell = n[0] * n[1] * n[2]
    lo = [faces[others[0]][0], faces[others[1]][0]]
    hi = [faces[others[0]][-1], faces[others[1]][-1]]
    fRe = shah_london_fRe(H / W)
    dp = fRe / re * (L / dh) * rho * u * u / 2
    return {
        "description": f"straight {W * 1e3:g} x {H * 1e3:g} mm channel, {L * 1e3:g} mm along {axis}, "
                       f"Re {re:g}, cross-section {n[others[0]]} x {n[others[1]]} cells",
        "x_faces_m": faces[0], "y_faces_m": faces[1], "z_faces_m": faces[2],
        "material_id": [3] * ncell,
        "materials": [WATER],
        "inlets": [{"face": f"{axis}min", "min_m": lo, "max_m": hi, "flow_rate_m3_s": Q,
                    "temperature_K": 313.15}],
        "outlets": [{"face": f"{axis}max", "min_m": lo, "max_m": hi, "pressure_Pa": 0.0}],
        "walls": {},
        "report_max_T_of": ["coolant"],
        "tolerance": 1e-6,
        "reference": {"Re": re, "D_h_m": dh, "u_mean_m_s": u, "fD_Re_shah_london": fRe,
                      "dp_fully_developed_Pa": dp, "length_m": L, "flow_axis": axis,
                      "width_m": W, "height_m": H},
    }


def conjugate():
    mm = 1e-3
    xf = segments([0, 1, 2, 3, 7, 8, 9, 10], [2, 3, 3, 10, 3, 3, 2], [1, 1, 1, 1, 1, 1, 1])
    yf = segments([0, 2.5, 3.5, 6.5, 7.5, 10], [5, 4, 8, 4, 5], [1 / 1.2, 1, 1, 1, 1.2])
    zf = segments([0, 0.5, 1.0, 2.5, 3.0], [3, 2, 6, 3], [1, 1, 1, 1])
    # die: x,y 3..7 mm, z 0..0.5 mm; needs faces at 3 and 7 in y too: add them
    yf = sorted(set([round(v, 12) for v in yf] + [3.0, 7.0]))
    xf = [v * mm for v in xf]
    yf = [v * mm for v in yf]
    zf = [v * mm for v in zf]
    nx, ny, nz = len(xf) - 1, len(yf) - 1, len(zf) - 1

    def c(f, i):
        return 0.5 * (f[i] + f[i + 1])
    mid = []
    chans = [(2.5 * mm, 3.5 * mm), (6.5 * mm, 7.5 * mm)]
    for k in range(nz):
        for j in range(ny):
            for i in range(nx):
                x, y, z = c(xf, i), c(yf, j), c(zf, k)
                m = 0
                if z < 0.5 * mm and 3 * mm < x < 7 * mm and 3 * mm < y < 7 * mm:
                    m = 1
                for (y0, y1) in chans:
                    if y0 < y < y1:
                        if 1 * mm < x < 9 * mm and 1 * mm < z < 2.5 * mm:
                            m = 3                                   # channel
                        if (1 * mm < x < 2 * mm or 8 * mm < x < 9 * mm) and z > 2.5 * mm:
                            m = 3                                   # risers to the top face
                mid.append(m)
    Q = 1e-7
    inlets, outlets = [], []
    for n, (y0, y1) in enumerate(chans):
        inlets.append({"name": f"in{n}", "face": "zmax", "min_m": [1 * mm, y0], "max_m": [2 * mm, y1],
                       "flow_rate_m3_s": Q, "temperature_K": 313.15})
        outlets.append({"name": f"out{n}", "face": "zmax", "min_m": [8 * mm, y0], "max_m": [9 * mm, y1],
                        "pressure_Pa": 0.0})
    P = 10.0
    return {
        "description": "copper plate, silicon die heated 10 W, two channels fed from the top face",
        "x_faces_m": xf, "y_faces_m": yf, "z_faces_m": zf,
        "material_id": mid,
        "materials": [COPPER, SILICON, WATER],
        "heat_source_W_m3": {"box_min_m": [3 * mm, 3 * mm, 0], "box_max_m": [7 * mm, 7 * mm, 0.5 * mm],
                             "power_W": P, "material": "silicon"},
        "inlets": inlets, "outlets": outlets,
        "walls": {"zmin": {"type": "convection", "h": 50.0, "T_inf_K": 318.15}},
        "report_max_T_of": ["silicon", "copper"],
        "tolerance": 1e-6,
        "reference": {"power_W": P, "total_flow_m3_s": 2 * Q},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", choices=["channel", "conjugate"])
    ap.add_argument("--axis", default="x", choices=list("xyz"))
    ap.add_argument("--re", type=float, default=50.0)
    ap.add_argument("--refine", type=int, default=1,
                    help="channel: multiply the cross-section cell counts (10 x 6) by this")
    a = ap.parse_args()
    spec = channel(a.axis, a.re, a.refine) if a.case == "channel" else conjugate()
    json.dump(spec, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
