#!/usr/bin/python3
"""Builds an OpenFOAM cold-plate spec (foam_cht.py's JSON format, see README.md next to this
file) from a Kelvin run with coolant flow, so that bench/openfoam_coldplate.sh solves the SAME
cells, materials, heat sources, ports and thermal walls.

  kelvin_to_spec.py KELVIN_OUT_DIR SPEC.json [--tolerance 1e-6] [--max-iterations N]
                    [--openfoam KEY=VALUE ...]   (spec `openfoam` knobs, e.g.
                                                   div_h="bounded Gauss upwind")

KELVIN_OUT_DIR is the `-o` directory of `kelvin run` (summary.json + results.h5). Needs python3
with numpy, h5py and yaml (Debian: python3-numpy python3-h5py python3-yaml; /usr/bin/python3).

What is taken from where:
  grid               results.h5 grid/{x,y,z}_faces_m
  material_id        results.h5 fields/material_id (datasets are (nz, ny, nx), C order, so the
                     flat order is i + nx*(j + ny*k) as the spec wants). Ids index the case's
                     materials in order (case/resolved_yaml `materials`, the solids) with the
                     coolant material appended last; checked against summary.json's per-material
                     volumes and against fields/coolant_mask.
  materials          solids: resolved_yaml conductivity/density/specific_heat. OpenFOAM's constIso
                     takes one conductivity: an anisotropic [kx, ky, kz] becomes the arithmetic
                     mean, with a warning in the spec. Coolant: summary.json coolant.at_inlet
                     (density, specific heat, conductivity, viscosity at the inlet temperature):
                     matches Kelvin only when the case has coolant.constant_properties: true
                     (a warning otherwise).
  heat_source_W_m3   results.h5 fields/heat_source_W_m3, per cell (values rounded to 12
                     significant digits so that round-off does not make extra source zones).
  inlets / outlets   summary.json ports (face, region_m or the whole face, flow rate and
                     temperature, or pressure); resolved_yaml flow.inlets/outlets as a fallback.
  walls              resolved_yaml boundaries (convection / temperature / heat_flux / adiabatic).
                     The harness applies one condition to a whole side: a boundary with a region
                     is applied to its whole face, with a warning; several boundaries on one face:
                     the first one without a region wins (else the first), with a warning.
  report_max_T_of    every solid material with cells.
  tolerance          --tolerance (default 1e-6); max_iterations --max-iterations (default: the
                     harness's 5000).
Not representable (warnings in the spec): contact_resistances (the harness couples regions with
perfect contact), temperature-dependent coolant properties.

Extra keys (ignored by foam_cht.py): "warnings" (list of strings, also printed on stderr),
"kelvin" (Kelvin's own figures: pressure drop, max T per material, outlet T, times), "source".
"""
import argparse
import json
import os
import re
import sys

import numpy as np

try:
    import h5py
    import yaml
except ImportError as e:   # pragma: no cover
    sys.exit(f"kelvin_to_spec: {e} (use /usr/bin/python3; Debian python3-h5py python3-yaml)")

FACES = ("xmin", "xmax", "ymin", "ymax", "zmin", "zmax")
WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def die(msg):
    print(f"kelvin_to_spec: {msg}", file=sys.stderr)
    sys.exit(2)


def foam_word(name, used, what):
    """an OpenFOAM word from a Kelvin name (unique among `used`)"""
    w = re.sub(r"[^A-Za-z0-9_]", "_", str(name))
    if not w or not w[0].isalpha():
        w = "m_" + w
    base, n = w, 1
    while w in used or w in FACES:
        n += 1
        w = f"{base}_{n}"
    used.add(w)
    return w


def as_float(v, what):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        die(f"{what}: expected a number in SI units in resolved_yaml, got {v!r}")


def yaml_loader():
    # resolved_yaml is written by yaml-cpp: numbers like 1e-06 are YAML 1.2 floats, which
    # PyYAML's 1.1 resolver would read as strings
    class L(yaml.SafeLoader):
        pass
    L.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
        list("-+0123456789."))
    return L


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("kelvin_out")
    ap.add_argument("spec")
    ap.add_argument("--tolerance", type=float, default=1e-6)
    ap.add_argument("--max-iterations", type=int, default=None)
    ap.add_argument("--openfoam", action="append", default=[], metavar="KEY=VALUE",
                    help="an expert knob of the spec's openfoam block (div_U, div_h, relax_U, ...)")
    a = ap.parse_args()

    sp = os.path.join(a.kelvin_out, "summary.json")
    hp = os.path.join(a.kelvin_out, "results.h5")
    for p in (sp, hp):
        if not os.path.isfile(p):
            die(f"no {p} (the -o directory of `kelvin run`)")
    summary = json.load(open(sp))
    warnings = []

    with h5py.File(hp, "r") as f:
        faces = [np.asarray(f[f"grid/{ax}_faces_m"][()], float) for ax in "xyz"]
        n = tuple(len(x) - 1 for x in faces)
        need = ["fields/material_id", "fields/heat_source_W_m3", "fields/coolant_mask",
                "case/resolved_yaml"]
        for k in need:
            if k not in f:
                die(f"{hp} has no {k}: was this a run with coolant flow?")
        mid3 = np.asarray(f["fields/material_id"][()])
        if mid3.shape != (n[2], n[1], n[0]):
            die(f"fields/material_id has shape {mid3.shape}, expected (nz, ny, nx) = {(n[2], n[1], n[0])}")
        mid = mid3.astype(np.int64).ravel()            # C order of (z, y, x): x fastest
        q = np.asarray(f["fields/heat_source_W_m3"][()], float).ravel()
        mask = np.asarray(f["fields/coolant_mask"][()]).ravel() > 0.5
        ry = f["case/resolved_yaml"][()]
        ry = ry.decode() if isinstance(ry, bytes) else str(ry)
    case = yaml.load(ry, Loader=yaml_loader())
    ncells = n[0] * n[1] * n[2]
    if "cells" in summary and int(summary["cells"]) != ncells:
        die(f"summary.json says {summary['cells']} cells, results.h5 grid has {ncells}")

    dx, dy, dz = (np.diff(x) for x in faces)
    vol = (dz[:, None, None] * dy[None, :, None] * dx[None, None, :]).ravel()

    # ---- materials --------------------------------------------------------------------
    cool = summary.get("coolant")
    if not cool or "at_inlet" not in cool:
        die("summary.json has no coolant.at_inlet (a Kelvin run with coolant flow, from a build "
            "that writes the coolant's inlet properties, is needed)")
    cool_name = cool.get("name") or (case.get("coolant") or {}).get("material") or "coolant"
    cool_mat = (case.get("coolant") or {}).get("material") or "coolant"
    if not cool.get("constant_properties", (case.get("coolant") or {}).get("constant_properties")):
        warnings.append("Kelvin ran with temperature-dependent coolant properties; the spec uses "
                        "the properties at the inlet temperature (set coolant.constant_properties: "
                        "true in the case for a like-for-like comparison)")
    solids = list((case.get("materials") or {}).items())
    used_words = set()
    materials = []
    kelvin_names = {}
    for i, (name, m) in enumerate(solids):
        k = m["conductivity"]
        if isinstance(k, (list, tuple)):
            kv = [as_float(x, f"materials.{name}.conductivity") for x in k]
            kmean = float(np.mean(kv))
            if max(kv) - min(kv) > 1e-12 * max(abs(x) for x in kv):
                if np.any(mid == i):
                    warnings.append(f"material {name}: anisotropic conductivity {kv} W/m/K; "
                                    f"OpenFOAM constIso gets the mean {kmean:.6g} W/m/K")
        else:
            kmean = as_float(k, f"materials.{name}.conductivity")
        w = foam_word(name, used_words, "material")
        if w != name:
            warnings.append(f"material {name!r} is called {w!r} in OpenFOAM")
        kelvin_names[w] = name
        materials.append({"id": i, "name": w, "k": kmean,
                          "rho": as_float(m["density"], f"materials.{name}.density"),
                          "cp": as_float(m["specific_heat"], f"materials.{name}.specific_heat"),
                          "coolant": False})
    ci = len(solids)
    ai = cool["at_inlet"]
    w = foam_word(cool_mat, used_words, "coolant")
    kelvin_names[w] = cool_mat
    materials.append({"id": ci, "name": w, "k": float(ai["conductivity_W_mK"]),
                      "rho": float(ai["density_kg_m3"]), "cp": float(ai["specific_heat_J_kgK"]),
                      "mu": float(ai["viscosity_Pa_s"]), "coolant": True,
                      "fluid": cool_name})

    # consistency: ids in range, coolant cells = coolant mask, volumes = summary's
    bad = sorted(set(np.unique(mid).tolist()) - set(range(ci + 1)))
    if bad:
        die(f"material ids {bad} outside 0..{ci} (resolved_yaml has {ci} solids + the coolant)")
    if not np.array_equal(mid == ci, mask):
        die(f"cells of material id {ci} (assumed the coolant) differ from fields/coolant_mask "
            f"({int((mid == ci).sum())} vs {int(mask.sum())} cells): material order assumption broken")
    smat = summary.get("materials") or {}
    for m in materials:
        kn = kelvin_names[m["name"]]
        v = float(vol[mid == m["id"]].sum())
        if kn in smat and "volume_m3" in smat[kn]:
            ref = float(smat[kn]["volume_m3"])
            if abs(v - ref) > 1e-9 * max(ref, 1e-30) + 1e-24:
                die(f"material {kn}: {v:.9g} m^3 of cells with id {m['id']}, summary.json says "
                    f"{ref:.9g} m^3: material order assumption broken")
        elif v > 0:
            warnings.append(f"material {kn}: not in summary.json materials, volume not checked")

    # ---- heat source ------------------------------------------------------------------
    qr = np.array([float(f"{x:.12g}") for x in q]) if q.size else q
    src_W = float(np.dot(qr, vol))
    ref_src = (summary.get("energy_balance") or {}).get("source_W")
    if ref_src is not None and abs(src_W - ref_src) > 1e-6 * max(abs(ref_src), 1e-30):
        warnings.append(f"heat source sums to {src_W:.9g} W, Kelvin's energy balance says {ref_src:.9g} W")
    for m in materials:
        sel = mid == m["id"]
        nv = len(np.unique(qr[sel][qr[sel] != 0]))
        if nv > 200:
            warnings.append(f"material {m['name']}: {nv} distinct source values (foam_cht.py's "
                            f"limit is 200 per region)")

    # ---- ports ------------------------------------------------------------------------
    def whole_face(face):
        a = "xyz".index(face[0])
        b = [x for x in range(3) if x != a]
        return [faces[b[0]][0], faces[b[1]][0]], [faces[b[0]][-1], faces[b[1]][-1]]

    ports = summary.get("ports")
    if ports is None:
        fl = case.get("flow") or {}
        ports = []
        for kind, key in (("inlet", "inlets"), ("outlet", "outlets")):
            for p in fl.get(key) or []:
                d = {"name": p.get("name"), "kind": kind, "face": p["face"]}
                if "region" in p:
                    d["region_m"] = {"min": p["region"]["min"], "max": p["region"]["max"]}
                if kind == "inlet":
                    d["flow_rate_m3_s"] = as_float(p["flow_rate"], "flow_rate")
                    d["temperature_K"] = as_float(p["temperature"], "temperature")
                else:
                    d["pressure_Pa"] = as_float(p.get("pressure", 0), "pressure")
                ports.append(d)
        warnings.append("summary.json has no ports: taken from resolved_yaml flow section")
    if not ports:
        die("no flow ports (neither summary.json ports nor resolved_yaml flow)")
    inlets, outlets = [], []
    for n_, p in enumerate(ports):
        face = p["face"]
        if face not in FACES:
            die(f"port {p.get('name')}: unknown face {face!r}")
        if "region_m" in p:
            lo, hi = list(map(float, p["region_m"]["min"])), list(map(float, p["region_m"]["max"]))
        else:
            lo, hi = whole_face(face)
        name = foam_word(p.get("name") or f"{p['kind']}{n_}", used_words, "port")
        d = {"name": name, "face": face, "min_m": lo, "max_m": hi}
        if p["kind"] == "inlet":
            d["flow_rate_m3_s"] = float(p["flow_rate_m3_s"])
            d["temperature_K"] = float(p["temperature_K"])
            inlets.append(d)
        else:
            d["pressure_Pa"] = float(p.get("pressure_Pa", 0.0))
            outlets.append(d)

    # ---- thermal walls ----------------------------------------------------------------
    walls = {}
    by_face = {}
    for bc in case.get("boundaries") or []:
        by_face.setdefault(bc["face"], []).append(bc)
    for face, lst in by_face.items():
        whole = [b for b in lst if "region" not in b]
        bc = whole[0] if whole else lst[0]
        if len(lst) > 1:
            warnings.append(f"face {face}: {len(lst)} boundary conditions; the harness takes one per "
                            f"side: using {bc['type']}" + (" (whole-face one)" if whole else ""))
        if "region" in bc:
            warnings.append(f"face {face}: {bc['type']} boundary on region {bc['region']} applied "
                            f"to the whole face (the harness has no wall regions)")
        t = bc.get("type", "adiabatic")
        if t == "adiabatic":
            w_ = {"type": "adiabatic"}
        elif t == "convection":
            w_ = {"type": "convection", "h": as_float(bc["h"], f"{face}.h"),
                  "T_inf_K": as_float(bc["temperature"], f"{face}.temperature")}
        elif t == "temperature":
            w_ = {"type": "temperature", "T_K": as_float(bc["temperature"], f"{face}.temperature")}
        elif t == "heat_flux":
            w_ = {"type": "heat_flux", "q_W_m2": as_float(bc["heat_flux"], f"{face}.heat_flux")}
        else:
            die(f"face {face}: unknown boundary type {t!r}")
        walls[face] = w_

    if case.get("contact_resistances"):
        cr = ", ".join(f"{c['between'][0]}/{c['between'][1]} {c['resistance']} K m^2/W"
                       for c in case["contact_resistances"])
        warnings.append(f"contact resistances not representable in the harness (perfect contact "
                        f"in OpenFOAM): {cr}")

    used_ids = set(np.unique(mid).tolist())
    report = [m["name"] for m in materials if not m["coolant"] and m["id"] in used_ids]

    kel = {"pressure_drop_Pa": summary.get("pressure_drop_Pa"),
           "outlet_temperature_K": summary.get("outlet_temperature_K"),
           "max_T_K": {m["name"]: smat.get(kelvin_names[m["name"]], {}).get("max_temperature_K")
                       for m in materials if m["id"] in used_ids},
           "wall_time_s": summary.get("wall_time_s"), "timings_s": summary.get("timings_s"),
           "cells": summary.get("cells")}
    spec = {
        "x_faces_m": faces[0].tolist(), "y_faces_m": faces[1].tolist(),
        "z_faces_m": faces[2].tolist(),
        "material_id": mid.tolist(),
        "materials": materials,
        "heat_source_W_m3": qr.tolist(),
        "inlets": inlets, "outlets": outlets,
        "walls": walls,
        "report_max_T_of": report,
        "tolerance": a.tolerance,
        "warnings": warnings,
        "kelvin": kel,
        "source": {"kelvin_out": os.path.abspath(a.kelvin_out), "case": case.get("name")},
    }
    if a.max_iterations:
        spec["max_iterations"] = a.max_iterations
    of = {}
    for kv in a.openfoam:
        if "=" not in kv:
            die(f"--openfoam {kv!r}: expected KEY=VALUE")
        key, val = kv.split("=", 1)
        try:
            val = json.loads(val)      # numbers stay numbers
        except ValueError:
            pass
        of[key.strip()] = val
    if of:
        spec["openfoam"] = of
    with open(a.spec, "w") as f:
        json.dump(spec, f)
    for w_ in warnings:
        print(f"kelvin_to_spec: WARNING: {w_}", file=sys.stderr)
    print(f"kelvin_to_spec: {a.spec}: {n[0]} x {n[1]} x {n[2]} = {ncells} cells, "
          f"{len(report)} solids + coolant {materials[-1]['name']}, source {src_W:.6g} W, "
          f"{len(inlets)} inlet(s), {len(outlets)} outlet(s), walls {sorted(walls)}",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
