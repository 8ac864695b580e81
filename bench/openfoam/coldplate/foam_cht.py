#!/usr/bin/env python3
"""Cold-plate conjugate heat transfer in OpenFOAM v1912 (chtMultiRegionSimpleFoam), for
cross-checking Kelvin on the SAME rectilinear cells.

  foam_cht.py run SPEC.json CASE_DIR [--np N] [--keep-going]
      Writes an OpenFOAM case into CASE_DIR (must be empty or absent), meshes it, solves it and
      prints the result JSON (see RESULT below) as the last stdout line. Progress goes to stderr.
  foam_cht.py setup SPEC.json CASE_DIR       only writes and meshes the case
  foam_cht.py solve SPEC.json CASE_DIR [--np N]   solves a case made by setup, prints the result
  foam_cht.py results SPEC.json CASE_DIR     re-reads the result of a solved case
  foam_cht.py check SPEC.json                only validates the spec

Needs: OpenFOAM v1912 (Debian package `openfoam`: blockMesh, topoSet, createPatch,
splitMeshRegions, chtMultiRegionSimpleFoam, postProcess on PATH; WM_PROJECT_DIR set to the
directory holding etc/controlDict, e.g. /usr/share/openfoam), python3 with numpy; for --np > 1
also decomposePar and mpirun.

SPEC (JSON object; SI units throughout; "?" marks optional keys)
-----------------------------------------------------------------
  x_faces_m, y_faces_m, z_faces_m   strictly increasing face coordinates of the rectilinear
                                    grid: nx+1, ny+1, nz+1 numbers (non-uniform allowed).
  material_id      list of nx*ny*nz integers, cell (i, j, k) at index i + nx*(j + ny*k)
                   (x fastest, then y, then z).
  materials        list of {"id": int, "name": str, "k": W/m/K, "rho": kg/m^3, "cp": J/kg/K,
                   "coolant": bool, "mu": Pa s (coolant only)}. Names must be OpenFOAM words
                   ([A-Za-z][A-Za-z0-9_]*). Each material that owns cells becomes one region
                   (coolant -> fluid region, else solid region); materials without cells are
                   ignored. Properties are constant (Pr = mu cp / k for a coolant).
  heat_source_W_m3 ? one of
                   - list of nx*ny*nz numbers: volumetric source per cell, W/m^3;
                   - {"box_min_m": [x,y,z], "box_max_m": [x,y,z], "power_W": P
                      | "power_density_W_m3": q, "material"?: name}: cells whose CENTRES lie in
                      the closed box (and, if given, are of that material) get a uniform q;
                      with power_W, q = P / (their total volume);
                   - a list of such objects (they add up).
                   The source is applied per region with scalarSemiImplicitSource on h, one
                   cellZone per distinct source value (at most 200 distinct values per region).
  inlets           list of {"face": "xmin"|"xmax"|"ymin"|"ymax"|"zmin"|"zmax",
                   "min_m": [a0, b0], "max_m": [a1, b1], "flow_rate_m3_s": Q,
                   "temperature_K": T, "name"?: str}. (a, b) are the in-plane coordinates in
                   axis order: (y, z) on x faces, (x, z) on y faces, (x, y) on z faces. The
                   patch is every boundary face of a COOLANT cell on that side whose face centre
                   lies in the closed rectangle. Velocity: flowRateInletVelocity (uniform
                   velocity normal to the patch giving Q), fixed T.
  outlets          list of {"face", "min_m", "max_m", "pressure_Pa"? (default 0), "name"?}:
                   fixed p (= p_rgh, gravity is zero), zero-gradient U (inletOutlet), inletOutlet T.
  walls ?          {"<face>": {"type": "adiabatic" | "convection" | "temperature" | "heat_flux",
                   "h": W/m^2/K, "T_inf_K": K (convection), "T_K": K (temperature),
                   "q_W_m2": W/m^2 into the domain (heat_flux)}}: thermal condition on every
                   other boundary face of that side, solid or coolant; sides not named are
                   adiabatic. All walls are no-slip for the coolant.
  report_max_T_of ? list of material names whose maximum CELL temperature is reported
                   (default: all solid materials).
  tolerance ?      convergence: every initial residual (all fields, all regions) of one outer
                   SIMPLE iteration <= tolerance (default 1e-6).
  max_iterations ? outer-iteration cap (default 5000); hitting it gives "converged": false.
  plateau ?        {"iterations": N (default 400), "factor": F (default 10)}: also stop when the
                   largest initial residual is <= F * tolerance and its running minimum has not
                   fallen by 5 % in the last N outer iterations (v1912 on fine cold-plate meshes
                   settles into a period-3 cycle at 2e-6..6e-6 and, thousands of iterations
                   later, can turn NaN). Then "converged": false, "plateau_at": the iteration.
                   {"iterations": 0} disables it.
  initial_temperature_K ? initial T everywhere (default: flow-rate-weighted inlet T).
  openfoam ?       expert knobs: {"div_U": "bounded Gauss linearUpwind grad(U)",
                   "div_h": "bounded Gauss linearUpwind grad(h)", "relax_U": 0.7,
                   "relax_p_rgh": 0.3, "relax_h_fluid": 1.0, "relax_h_solid": 1.0,
                   "linear_tolerance": tolerance/100, "write_format": "binary"}

RESULT (one JSON line)
----------------------
  pressure_drop_Pa   area-weighted mean p over all inlet faces minus that over all outlet faces
  inlet_p_Pa, outlet_p_Pa   the two means (p relative to the spec's outlet pressures)
  max_T_K            {material: maximum cell temperature of its region}
  outlet_T_K         mixed-mean (mass-flow-weighted) temperature over all outlet faces
  inlets, outlets    per patch: name, faces, area_m2, mass_flow_kg_s, p_Pa, T_K
  energy             {"source_W", "advected_W" (= sum over inlet/outlet patches of
                      cp * sum(phi T)), "wall_loss_W" (heat leaving through walls),
                      "imbalance_W", "relative_imbalance" (imbalance / source)}
  iterations         outer iterations run; converged_at: first iteration meeting the tolerance;
                     plateau_at: iteration where the plateau rule stopped it (else null);
                     plateau_residual: the running minimum of the largest residual there
  seconds            wall time of the solver command (read, solve, write; no meshing)
  converged          the tolerance was met (and the solver ended normally)
  cells, regions, case, warnings
"""
import json
import os
import re
import shutil
import subprocess
import sys
import time

import numpy as np

FACES = ("xmin", "xmax", "ymin", "ymax", "zmin", "zmax")
P_OFFSET = 0.0   # added to every pressure given to OpenFOAM (rhoConst: the level is irrelevant)
WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def log(msg):
    print(f"[foam_cht] {msg}", file=sys.stderr, flush=True)


class SpecError(Exception):
    pass


# ------------------------------------------------------------------------------------------
# spec
# ------------------------------------------------------------------------------------------
def face_axis(face):
    if face not in FACES:
        raise SpecError(f"unknown face {face!r} (one of {', '.join(FACES)})")
    a = "xyz".index(face[0])
    inplane = [b for b in range(3) if b != a]
    return a, face.endswith("max"), inplane


class Spec:
    def __init__(self, d):
        self.raw = d
        self.faces = [np.asarray(d[k], dtype=float) for k in ("x_faces_m", "y_faces_m", "z_faces_m")]
        for ax, f in zip("xyz", self.faces):
            if f.ndim != 1 or len(f) < 2 or not np.all(np.diff(f) > 0):
                raise SpecError(f"{ax}_faces_m must be >= 2 strictly increasing numbers")
        self.n = tuple(len(f) - 1 for f in self.faces)
        nx, ny, nz = self.n
        self.ncells = nx * ny * nz
        self.width = [np.diff(f) for f in self.faces]
        self.centre = [0.5 * (f[1:] + f[:-1]) for f in self.faces]
        mid = np.asarray(d["material_id"], dtype=np.int64)
        if mid.size != self.ncells:
            raise SpecError(f"material_id has {mid.size} entries, grid has {self.ncells} cells")
        self.mid = mid
        # cell volume and centres, flat index i + nx*(j + ny*k)
        dx, dy, dz = self.width
        self.vol = (dz[:, None, None] * dy[None, :, None] * dx[None, None, :]).ravel()
        self.mats = {}
        for m in d["materials"]:
            name = m["name"]
            if not WORD.match(name):
                raise SpecError(f"material name {name!r} is not an OpenFOAM word")
            if m["id"] in self.mats:
                raise SpecError(f"duplicate material id {m['id']}")
            for key in ("k", "rho", "cp"):
                if not float(m[key]) > 0:
                    raise SpecError(f"material {name}: {key} must be > 0")
            if m.get("coolant") and not float(m.get("mu", 0)) > 0:
                raise SpecError(f"coolant {name}: mu must be > 0")
            self.mats[int(m["id"])] = m
        unknown = set(np.unique(mid).tolist()) - set(self.mats)
        if unknown:
            raise SpecError(f"material_id uses undefined ids {sorted(unknown)}")
        names = [m["name"] for m in self.mats.values()]
        if len(set(names)) != len(names):
            raise SpecError("duplicate material names")
        used = sorted(set(np.unique(mid).tolist()))
        self.regions = [self.mats[i]["name"] for i in used]
        self.region_id = {self.mats[i]["name"]: i for i in used}
        self.fluids = [self.mats[i]["name"] for i in used if self.mats[i].get("coolant")]
        self.solids = [self.mats[i]["name"] for i in used if not self.mats[i].get("coolant")]
        self.coolant_mask = np.isin(mid, [i for i in used if self.mats[i].get("coolant")])
        self.q = self._sources(d.get("heat_source_W_m3"))
        self.tol = float(d.get("tolerance", 1e-6))
        self.max_iter = int(d.get("max_iterations", 5000))
        pl = d.get("plateau") or {}
        self.plateau_n = int(pl.get("iterations", 400))
        self.plateau_factor = float(pl.get("factor", 10))
        self.inlets = self._ports(d.get("inlets", []), "inlet")
        self.outlets = self._ports(d.get("outlets", []), "outlet")
        if self.fluids and not self.inlets:
            raise SpecError("coolant cells but no inlet")
        self.walls = {}
        for face, w in (d.get("walls") or {}).items():
            face_axis(face)
            t = w.get("type", "adiabatic")
            need = {"adiabatic": [], "convection": ["h", "T_inf_K"], "temperature": ["T_K"],
                    "heat_flux": ["q_W_m2"]}
            if t not in need:
                raise SpecError(f"walls.{face}: unknown type {t!r}")
            for key in need[t]:
                if key not in w:
                    raise SpecError(f"walls.{face}: type {t} needs {key}")
            self.walls[face] = dict(w, type=t)
        self.report = d.get("report_max_T_of") or self.solids
        for r in self.report:
            if r not in self.regions:
                raise SpecError(f"report_max_T_of: {r!r} is not a material with cells")
        if "initial_temperature_K" in d:
            self.T0 = float(d["initial_temperature_K"])
        elif self.inlets:
            w = np.array([p["flow_rate_m3_s"] for p in self.inlets])
            self.T0 = float(np.dot(w, [p["temperature_K"] for p in self.inlets]) / w.sum())
        else:
            self.T0 = 300.0
        of = d.get("openfoam") or {}
        self.of = {
            "div_U": of.get("div_U", "bounded Gauss linearUpwind grad(U)"),
            "div_h": of.get("div_h", "bounded Gauss linearUpwind grad(h)"),
            "relax_U": float(of.get("relax_U", 0.7)),
            "relax_p_rgh": float(of.get("relax_p_rgh", 0.3)),
            "relax_h_fluid": float(of.get("relax_h_fluid", 1.0)),
            "relax_h_solid": float(of.get("relax_h_solid", 1.0)),
            "linear_tolerance": float(of.get("linear_tolerance", self.tol * 1e-2)),
            "write_format": of.get("write_format", "binary"),
            "energy_coupling_iterations": int(of.get("energy_coupling_iterations", 0)),
        }

    # flat index helpers
    def ijk(self):
        nx, ny, nz = self.n
        k, j, i = np.meshgrid(np.arange(nz), np.arange(ny), np.arange(nx), indexing="ij")
        return i.ravel(), j.ravel(), k.ravel()

    def cell_centres(self):
        i, j, k = self.ijk()
        return np.stack([self.centre[0][i], self.centre[1][j], self.centre[2][k]], axis=1)

    def _sources(self, s):
        q = np.zeros(self.ncells)
        if s is None:
            return q
        if isinstance(s, dict):
            s = [s]
        if not isinstance(s, list):
            raise SpecError("heat_source_W_m3 must be a list or an object")
        if s and all(isinstance(v, (int, float)) for v in s):
            arr = np.asarray(s, dtype=float)
            if arr.size != self.ncells:
                raise SpecError(f"heat_source_W_m3 has {arr.size} values, grid {self.ncells}")
            return arr
        cc = self.cell_centres()
        for b in s:
            lo = np.asarray(b["box_min_m"], float)
            hi = np.asarray(b["box_max_m"], float)
            sel = np.all((cc >= lo) & (cc <= hi), axis=1)
            if "material" in b:
                ids = [i for i, m in self.mats.items() if m["name"] == b["material"]]
                if not ids:
                    raise SpecError(f"heat source material {b['material']!r} unknown")
                sel &= self.mid == ids[0]
            if not sel.any():
                raise SpecError(f"heat source box {lo}..{hi} contains no cell centre")
            if "power_W" in b:
                q[sel] += float(b["power_W"]) / self.vol[sel].sum()
            else:
                q[sel] += float(b["power_density_W_m3"])
        return q

    def boundary_layer(self, face):
        """flat cell indices of the cell layer on a side, and their face areas / centres."""
        a, is_max, (b0, b1) = face_axis(face)
        i, j, k = self.ijk()
        idx = (i, j, k)[a]
        sel = idx == (self.n[a] - 1 if is_max else 0)
        cells = np.nonzero(sel)[0]
        ijk = (i[cells], j[cells], k[cells])
        area = self.width[b0][ijk[b0]] * self.width[b1][ijk[b1]]
        cen = np.stack([self.centre[b0][ijk[b0]], self.centre[b1][ijk[b1]]], axis=1)
        return cells, area, cen

    def _ports(self, ports, kind):
        out = []
        claimed = {}
        for n, p in enumerate(ports):
            face = p["face"]
            a, is_max, _ = face_axis(face)
            name = p.get("name", f"{kind}{n}")
            if not WORD.match(name) or name in FACES:
                raise SpecError(f"bad patch name {name!r}")
            lo = np.asarray(p["min_m"], float)
            hi = np.asarray(p["max_m"], float)
            cells, area, cen = self.boundary_layer(face)
            inrect = np.all((cen >= lo) & (cen <= hi), axis=1)
            fluid = self.coolant_mask[cells]
            sel = inrect & fluid
            if not sel.any():
                raise SpecError(f"{kind} {name}: no coolant boundary face centre in the rectangle")
            rect_area = float(np.prod(hi - lo))
            q = dict(p, name=name, face=face, cells=cells[sel], area=float(area[sel].sum()),
                     rect_area=rect_area, solid_faces_in_rect=int((inrect & ~fluid).sum()))
            for c in q["cells"]:
                key = (face, int(c))
                if key in claimed:
                    raise SpecError(f"{name} overlaps {claimed[key]}")
                claimed[key] = name
            if kind == "inlet":
                q["flow_rate_m3_s"] = float(p["flow_rate_m3_s"])
                q["temperature_K"] = float(p["temperature_K"])
            else:
                q["pressure_Pa"] = float(p.get("pressure_Pa", 0.0))
            out.append(q)
        return out


# ------------------------------------------------------------------------------------------
# OpenFOAM file writing
# ------------------------------------------------------------------------------------------
def header(cls, obj, location=None):
    loc = f" location \"{location}\";" if location else ""
    return (f"FoamFile {{ version 2.0; format ascii; class {cls};{loc} object {obj}; }}\n"
            "// written by bench/openfoam/coldplate/foam_cht.py\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def g(x):
    return repr(float(x))


def label_list(values, per_line=20):
    vals = [str(int(v)) for v in values]
    lines = [" ".join(vals[i:i + per_line]) for i in range(0, len(vals), per_line)]
    return f"{len(vals)}\n(\n" + "\n".join(lines) + "\n)"


def run_tool(case, logname, *cmd):
    logpath = os.path.join(case, f"log.{logname}")
    with open(logpath, "w") as f:
        r = subprocess.run(list(cmd) + ["-case", case], stdout=f, stderr=subprocess.STDOUT)
    if r.returncode != 0:
        with open(logpath, errors="replace") as f:
            tail = f.readlines()[-40:]
        raise RuntimeError(f"{' '.join(cmd)} failed (log {logpath}):\n" + "".join(tail))
    return logpath


def block_mesh_dict(spec):
    # A uniform block with the spec's cell counts; exact_points() then moves every point onto
    # the spec's (non-uniform) faces. Grading sections are not used: blockMesh sums them in
    # floating point, and on long non-uniform lists the last cumulative fraction rounds above 1
    # (it aborts with "lambda = 1.0000000000000033" on the 1.27M-cell h100-coldplate).
    x0, y0, z0 = (f[0] for f in spec.faces)
    x1, y1, z1 = (f[-1] for f in spec.faces)
    v = [(x0, y0, z0), (x1, y0, z0), (x1, y1, z0), (x0, y1, z0),
         (x0, y0, z1), (x1, y0, z1), (x1, y1, z1), (x0, y1, z1)]
    verts = " ".join(f"({g(a)} {g(b)} {g(c)})" for a, b, c in v)
    faces = {"xmin": "(0 4 7 3)", "xmax": "(2 6 5 1)", "ymin": "(1 5 4 0)",
             "ymax": "(3 7 6 2)", "zmin": "(0 3 2 1)", "zmax": "(4 5 6 7)"}
    bnd = "\n".join(f"    {k} {{ type wall; faces ( {faces[k]} ); }}" for k in FACES)
    nx, ny, nz = spec.n
    return (header("dictionary", "blockMeshDict") +
            f"convertToMeters 1;\nvertices ( {verts} );\n"
            f"blocks\n(\n    hex (0 1 2 3 4 5 6 7) ({nx} {ny} {nz}) simpleGrading (1 1 1)\n);\n"
            f"edges ();\nboundary\n(\n{bnd}\n);\nmergePatchPairs ();\n")


def _strip_comments(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def read_list(path, ncomp=1):
    """Reads the first List in an OpenFOAM file (points, internalField, labelList): ascii or
    binary. Returns a numpy array (n,) or (n, ncomp)."""
    with open(path, "rb") as f:
        data = f.read()
    hend = data.find(b"}")
    head = data[:hend].decode("ascii", "replace")
    binary = re.search(r"format\s+binary", head) is not None
    # first "N\n(" or "List<...> N(" after the header
    m = re.compile(rb"(?:internalField\s+nonuniform\s+List<\w+>\s+)?\n?(\d+)\s*\(").search(data, hend + 1)
    if not m:
        m2 = re.compile(rb"internalField\s+uniform\s+([^;]+);").search(data, hend + 1)
        if m2:
            raise ValueError(f"{path}: uniform internalField")
        raise ValueError(f"{path}: no list found")
    n = int(m.group(1))
    start = m.end()
    if binary:
        islabel = re.search(r"class\s+(labelList|cellSet|faceList)", head) is not None
        if islabel:
            lbits = int(re.search(r"label\s*=\s*(\d+)", head).group(1)) if "label=" in head.replace(" ", "") else 32
            arr = np.frombuffer(data, dtype=np.int32 if lbits == 32 else np.int64, count=n, offset=start)
        else:
            arr = np.frombuffer(data, dtype="<f8", count=n * ncomp, offset=start)
        return arr.reshape(n, ncomp) if ncomp > 1 else arr.copy()
    end = data.find(b"\n)", start)
    body = data[start:end].decode().replace("(", " ").replace(")", " ")
    arr = np.array(body.split(), dtype=float)
    if arr.size != n * ncomp:
        raise ValueError(f"{path}: expected {n * ncomp} numbers, read {arr.size}")
    return arr.reshape(n, ncomp) if ncomp > 1 else arr


def read_boundary(path):
    """{patch: {"type", "nFaces", "startFace", ...}} from a polyMesh/boundary file (ascii)."""
    text = _strip_comments(open(path).read())
    text = text[text.find("}", text.find("FoamFile")) + 1:]
    out = {}
    for m in re.finditer(r"(\w+)\s*\{([^{}]*)\}", text):
        ent = {}
        for kv in m.group(2).split(";"):
            parts = kv.split(None, 1)
            if len(parts) == 2:
                ent[parts[0]] = parts[1].strip()
        out[m.group(1)] = ent
    return out


# ------------------------------------------------------------------------------------------
# case set-up
# ------------------------------------------------------------------------------------------
def setup(spec, case):
    t0 = time.time()
    if os.path.exists(case) and os.listdir(case):
        raise SpecError(f"case directory {case} is not empty")
    os.makedirs(os.path.join(case, "system"), exist_ok=True)
    os.makedirs(os.path.join(case, "constant"), exist_ok=True)
    warnings = []
    write(os.path.join(case, "system", "controlDict"), control_dict(spec, case))
    write(os.path.join(case, "system", "fvSchemes"), fv_schemes_solid())
    write(os.path.join(case, "system", "fvSolution"), header("dictionary", "fvSolution") + "SIMPLE {}\n")
    write(os.path.join(case, "system", "blockMeshDict"), block_mesh_dict(spec))
    write(os.path.join(case, "constant", "g"), header("uniformDimensionedVectorField", "g") +
          "dimensions [0 1 -2 0 0 0 0];\nvalue (0 0 0);\n")
    write(os.path.join(case, "constant", "regionProperties"), header("dictionary", "regionProperties") +
          f"regions ( fluid ({' '.join(spec.fluids)}) solid ({' '.join(spec.solids)}) );\n")

    log(f"blockMesh: {spec.n[0]} x {spec.n[1]} x {spec.n[2]} = {spec.ncells} cells")
    run_tool(case, "blockMesh", "blockMesh")
    exact_points(spec, case)
    check_mesh_geometry(spec, case)

    # one cellZone per material, written directly (cell numbering checked above)
    zones = []
    for name in spec.regions:
        cells = np.nonzero(spec.mid == spec.region_id[name])[0]
        zones.append(f"{name}\n{{\n    type cellZone;\ncellLabels List<label> {label_list(cells)};\n}}")
    write(os.path.join(case, "constant", "polyMesh", "cellZones"),
          header("regIOobject", "cellZones", "constant/polyMesh") +
          f"{len(zones)}\n(\n" + "\n".join(zones) + "\n)\n")

    ports = spec.inlets + spec.outlets
    if ports:
        acts = ["    { name coolantCells; type cellSet; action new; source zoneToCell; zone "
                f"{spec.fluids[0]}; }}"]
        for f in spec.fluids[1:]:
            acts.append(f"    {{ name coolantCells; type cellSet; action add; source zoneToCell; zone {f}; }}")
        for p in ports:
            a, is_max, (b0, b1) = face_axis(p["face"])
            plane = spec.faces[a][-1 if is_max else 0]
            eps = 0.25 * spec.width[a].min()
            lo = [0.0] * 3
            hi = [0.0] * 3
            lo[a], hi[a] = plane - eps, plane + eps
            lo[b0], hi[b0] = p["min_m"][0], p["max_m"][0]
            lo[b1], hi[b1] = p["min_m"][1], p["max_m"][1]
            acts.append(f"    {{ name {p['name']}; type faceSet; action new; source patchToFace; patch {p['face']}; }}")
            acts.append(f"    {{ name {p['name']}; type faceSet; action subset; source boxToFace; "
                        f"box ({' '.join(g(v) for v in lo)}) ({' '.join(g(v) for v in hi)}); }}")
            acts.append(f"    {{ name {p['name']}; type faceSet; action subset; source cellToFace; "
                        f"set coolantCells; option all; }}")
        write(os.path.join(case, "system", "topoSetDict"), header("dictionary", "topoSetDict") +
              "actions\n(\n" + "\n".join(acts) + "\n);\n")
        run_tool(case, "topoSet", "topoSet")
        pats = "\n".join(f"    {{ name {p['name']}; patchInfo {{ type patch; }} constructFrom set; set {p['name']}; }}"
                         for p in ports)
        write(os.path.join(case, "system", "createPatchDict"), header("dictionary", "createPatchDict") +
              f"pointSync false;\npatches\n(\n{pats}\n);\n")
        run_tool(case, "createPatch", "createPatch", "-overwrite")
        bnd = read_boundary(os.path.join(case, "constant", "polyMesh", "boundary"))
        for p in ports:
            nf = int(bnd.get(p["name"], {}).get("nFaces", 0))
            if nf != len(p["cells"]):
                raise RuntimeError(f"patch {p['name']}: createPatch made {nf} faces, expected {len(p['cells'])}")
            if abs(p["area"] - p["rect_area"]) > 1e-9 * max(p["rect_area"], 1e-30):
                warnings.append(f"{p['name']}: patch area {p['area']:.6g} m^2 differs from the "
                                f"rectangle's {p['rect_area']:.6g} m^2 (rectangle not on cell faces "
                                f"or partly over solid: {p['solid_faces_in_rect']} solid faces)")

    if len(spec.regions) > 1:
        run_tool(case, "splitMeshRegions", "splitMeshRegions", "-cellZonesOnly", "-overwrite")
    else:
        # one material only: splitMeshRegions is not needed; copy the mesh into the region
        shutil.copytree(os.path.join(case, "constant", "polyMesh"),
                        os.path.join(case, "constant", spec.regions[0], "polyMesh"))
        write(os.path.join(case, "constant", spec.regions[0], "polyMesh", "cellRegionAddressing"),
              header("labelList", "cellRegionAddressing") + label_list(np.arange(spec.ncells)) + "\n")
    spec.outer_walls = {}
    for r in spec.regions:
        write_region(spec, case, r, warnings)
    # post-processing function objects (executed at the final write only)
    write(os.path.join(case, "system", "postFunctions"), post_functions(spec))
    write(os.path.join(case, "system", "fvSolution"), fv_solution_top(spec))
    # the single-region mesh in constant/polyMesh stays (tools need it); no 0/ fields for it
    for p in (os.path.join(case, "0", "cellToRegion"), os.path.join(case, "constant", "cellToRegion")):
        if os.path.isfile(p):
            os.remove(p)
    with open(os.path.join(case, "setup.json"), "w") as f:
        json.dump({"warnings": warnings, "setup_seconds": time.time() - t0,
                   "outer_walls": spec.outer_walls,
                   "mesh_check": {"max_point_offset_rel": spec.point_error_rel,
                                  "max_cell_centre_offset_rel": spec.centre_error_rel},
                   "source_W": float(np.dot(spec.q, spec.vol))}, f)
    log(f"case written in {time.time() - t0:.1f} s")
    return warnings


def exact_points(spec, case):
    """Moves each point of the uniform block onto the spec face with the same index along each
    axis (the index from the point's uniform position, so no assumption on point order)."""
    path = os.path.join(case, "constant", "polyMesh", "points")
    pts = read_list(path, 3)
    out = np.empty_like(pts)
    for a in range(3):
        f = np.asarray(spec.faces[a], dtype=float)
        n = len(f) - 1
        idx = np.rint((pts[:, a] - f[0]) / (f[-1] - f[0]) * n).astype(np.int64)
        if idx.min() < 0 or idx.max() > n:
            raise RuntimeError(f"axis {'xyz'[a]}: blockMesh point outside the block")
        out[:, a] = f[idx]
    body = "\n".join(f"({x:.17g} {y:.17g} {z:.17g})" for x, y, z in out)
    write(path, header("vectorField", "points", "constant/polyMesh") + f"{len(out)}\n(\n{body}\n)\n")


def check_mesh_geometry(spec, case):
    """Points must equal the spec's face coordinates; cells must be numbered x fastest."""
    pts = read_list(os.path.join(case, "constant", "polyMesh", "points"), 3)
    nx, ny, nz = spec.n
    if len(pts) != (nx + 1) * (ny + 1) * (nz + 1):
        raise RuntimeError("blockMesh point count differs from the grid")
    for a in range(3):
        u = np.unique(pts[:, a])
        f = spec.faces[a]
        # unique() may keep round-off duplicates: cluster them
        scale = f[-1] - f[0]
        clusters = u[np.concatenate([[True], np.diff(u) > 1e-12 * scale])]
        if len(clusters) != len(f):
            raise RuntimeError(f"axis {'xyz'[a]}: {len(clusters)} distinct point coordinates, expected {len(f)}")
        err = np.max(np.abs(pts[:, a][:, None] - f[None, :]).min(axis=1))
        spec.point_error_rel = max(getattr(spec, "point_error_rel", 0.0), float(err / scale))
        if err > 1e-12 * scale:
            raise RuntimeError(f"axis {'xyz'[a]}: points off the spec faces by {err:.3g} m")
    # cell numbering: cell centre of cell c from owner/faces is heavy; use the points of the
    # block: blockMesh numbers points x fastest too, and cells in the same i,j,k order. Check
    # through writeCellCentres (cheap compared with the solve).
    run_tool(case, "writeCellCentres", "postProcess", "-func", "writeCellCentres", "-constant")
    cdir = os.path.join(case, "constant")
    cfile = os.path.join(cdir, "C")
    if not os.path.exists(cfile):
        cfile = os.path.join(case, "0", "C")
    C = read_list(cfile, 3)
    err = np.abs(C - spec.cell_centres()).max()
    scale = max(f[-1] - f[0] for f in spec.faces)
    for f in ("C", "Cx", "Cy", "Cz", "V"):
        for d in (cdir, os.path.join(case, "0")):
            if os.path.exists(os.path.join(d, f)):
                os.remove(os.path.join(d, f))
    if err > 1e-9 * scale:
        raise RuntimeError(f"blockMesh cell numbering differs from i + nx*(j + ny*k): "
                           f"centres off by {err:.3g} m")
    spec.centre_error_rel = float(err / scale)


def control_dict(spec, case):
    fmt = spec.of["write_format"]
    return (header("dictionary", "controlDict") + f"""application     chtMultiRegionSimpleFoam;
startFrom       startTime; startTime 0; stopAt endTime; endTime {spec.max_iter}; deltaT 1;
writeControl    timeStep; writeInterval {spec.max_iter};
writeFormat     {fmt}; writePrecision 17; writeCompression off;
timeFormat      general; timePrecision 8; runTimeModifiable false;
functions
{{
    // foam_cht.py's log watcher creates this file when every initial residual of one outer
    // iteration is below the tolerance (runTimeControl watches one region only)
    converged
    {{
        type            abort;
        libs            (utilityFunctionObjects);
        file            "<case>/CONVERGED";
        action          writeNow;
    }}
    #includeIfPresent "postFunctions"
}}
""")


def fv_schemes_solid():
    return header("dictionary", "fvSchemes") + """ddtSchemes { default steadyState; }
gradSchemes { default Gauss linear; }
divSchemes { default none; }
laplacianSchemes { default Gauss linear corrected; }
interpolationSchemes { default linear; }
snGradSchemes { default corrected; }
"""


def fv_schemes_fluid(spec):
    return header("dictionary", "fvSchemes") + f"""ddtSchemes {{ default steadyState; }}
gradSchemes {{ default Gauss linear; }}
divSchemes
{{
    default         none;
    div(phi,U)      {spec.of['div_U']};
    div(phi,h)      {spec.of['div_h']};
    div(phi,K)      bounded Gauss linear;
    div(((rho*nuEff)*dev2(T(grad(U))))) Gauss linear;
}}
laplacianSchemes {{ default Gauss linear corrected; }}
interpolationSchemes {{ default linear; }}
snGradSchemes {{ default corrected; }}
"""


def fv_solution(spec, fluid):
    lt = g(spec.of["linear_tolerance"])
    if not fluid:
        return header("dictionary", "fvSolution") + f"""solvers
{{
    h {{ solver GAMG; smoother GaussSeidel; tolerance {lt}; relTol 0.1; }}
}}
SIMPLE {{ nNonOrthogonalCorrectors 0; }}
relaxationFactors {{ equations {{ h {g(spec.of['relax_h_solid'])}; }} }}
"""
    return header("dictionary", "fvSolution") + f"""solvers
{{
    p_rgh {{ solver GAMG; smoother DIC; tolerance {lt}; relTol 0.01; }}
    "(U|h)" {{ solver PBiCGStab; preconditioner DILU; tolerance {lt}; relTol 0.1; }}
    rho {{ solver PCG; preconditioner DIC; tolerance 1e-12; relTol 0; }}
}}
SIMPLE
{{
    momentumPredictor yes;
    nNonOrthogonalCorrectors 0;
}}
relaxationFactors
{{
    fields {{ rho 1; p_rgh {g(spec.of['relax_p_rgh'])}; }}
    equations {{ U {g(spec.of['relax_U'])}; h {g(spec.of['relax_h_fluid'])}; }}
}}
"""


def fv_solution_top(spec):
    n = int(spec.of["energy_coupling_iterations"])
    if n <= 0 or not spec.fluids or not spec.solids:
        return header("dictionary", "fvSolution") + "SIMPLE {}\n"
    # v1912: after each full SIMPLE iteration, n more energy-only passes over all regions
    # (fluid with frozen flow): cheaper iterations for the slow solid/fluid thermal coupling
    return header("dictionary", "fvSolution") + f"""SIMPLE
{{
    energyCoupling
    {{
        iterations {n};
        interval 0;
        onLoop (); onConverged (); onEnd ();
    }}
}}
"""


def thermo_dict(m, fluid):
    if fluid:
        pr = float(m["mu"]) * float(m["cp"]) / float(m["k"])
        return header("dictionary", "thermophysicalProperties") + f"""thermoType
{{
    type heRhoThermo; mixture pureMixture; transport const; thermo hConst;
    equationOfState rhoConst; specie specie; energy sensibleEnthalpy;
}}
mixture
{{
    specie          {{ molWeight 18; }}
    equationOfState {{ rho {g(m['rho'])}; }}
    thermodynamics  {{ Cp {g(m['cp'])}; Hf 0; }}
    transport       {{ mu {g(m['mu'])}; Pr {g(pr)}; }}   // k = mu Cp / Pr = {g(m['k'])}
}}
"""
    return header("dictionary", "thermophysicalProperties") + f"""thermoType
{{
    type heSolidThermo; mixture pureMixture; transport constIso; thermo hConst;
    equationOfState rhoConst; specie specie; energy sensibleEnthalpy;
}}
mixture
{{
    specie          {{ molWeight 12; }}
    transport       {{ kappa {g(m['k'])}; }}
    thermodynamics  {{ Hf 0; Cp {g(m['cp'])}; }}
    equationOfState {{ rho {g(m['rho'])}; }}
}}
"""


def field_file(cls, name, dims, internal, patches):
    body = "\n".join(f"    {p}\n    {{\n" + "\n".join(f"        {l}" for l in ent) + "\n    }"
                     for p, ent in patches)
    return (header(cls, name) + f"dimensions {dims};\ninternalField uniform {internal};\n"
            f"boundaryField\n{{\n{body}\n}}\n")


def write_region(spec, case, r, warnings):
    fluid = r in spec.fluids
    m = spec.mats[spec.region_id[r]]
    pdir = os.path.join(case, "constant", r, "polyMesh")
    bnd = read_boundary(os.path.join(pdir, "boundary"))
    cellmap = read_list(os.path.join(pdir, "cellRegionAddressing")).astype(np.int64)
    if not np.all(spec.mid[cellmap] == spec.region_id[r]):
        raise RuntimeError(f"region {r}: cellRegionAddressing maps to cells of other materials")
    write(os.path.join(case, "constant", r, "thermophysicalProperties"), thermo_dict(m, fluid))
    write(os.path.join(case, "constant", r, "radiationProperties"),
          header("dictionary", "radiationProperties") + "radiation off;\nradiationModel none;\n")
    if fluid:
        write(os.path.join(case, "constant", r, "turbulenceProperties"),
              header("dictionary", "turbulenceProperties") + "simulationType laminar;\n")
    write(os.path.join(case, "system", r, "fvSchemes"),
          fv_schemes_fluid(spec) if fluid else fv_schemes_solid())
    write(os.path.join(case, "system", r, "fvSolution"), fv_solution(spec, fluid))
    T0 = g(spec.T0)
    kappa = "fluidThermo" if fluid else "solidThermo"
    inl = {p["name"]: p for p in spec.inlets}
    outl = {p["name"]: p for p in spec.outlets}
    Tp, Up, pp, prp = [], [], [], []
    for name, ent in bnd.items():
        if name in inl:
            p = inl[name]
            Tp.append((name, ["type fixedValue;", f"value uniform {g(p['temperature_K'])};"]))
            Up.append((name, ["type flowRateInletVelocity;",
                              f"volumetricFlowRate constant {g(p['flow_rate_m3_s'])};",
                              "value uniform (0 0 0);"]))
            prp.append((name, ["type fixedFluxPressure;", "value uniform 0;"]))
        elif name in outl:
            p = outl[name]
            Tp.append((name, ["type inletOutlet;", f"inletValue uniform {T0};", f"value uniform {T0};"]))
            Up.append((name, ["type inletOutlet;", "inletValue uniform (0 0 0);", "value uniform (0 0 0);"]))
            prp.append((name, ["type fixedValue;", f"value uniform {g(p['pressure_Pa'] + P_OFFSET)};"]))
        elif "mapped" in ent.get("type", "") or "_to_" in name:
            Tp.append((name, ["type compressible::turbulentTemperatureCoupledBaffleMixed;",
                              "Tnbr T;", f"kappaMethod {kappa};", f"value uniform {T0};"]))
            Up.append((name, ["type noSlip;"]))
            prp.append((name, ["type fixedFluxPressure;", "value uniform 0;"]))
        elif name in FACES:
            w = spec.walls.get(name, {"type": "adiabatic"})
            if w["type"] == "adiabatic":
                Tp.append((name, ["type zeroGradient;"]))
            elif w["type"] == "temperature":
                Tp.append((name, ["type fixedValue;", f"value uniform {g(w['T_K'])};"]))
            elif w["type"] == "convection":
                Tp.append((name, ["type externalWallHeatFluxTemperature;", "mode coefficient;",
                                  f"h uniform {g(w['h'])};", f"Ta constant {g(w['T_inf_K'])};",
                                  f"kappaMethod {kappa};", f"value uniform {T0};"]))
            else:
                Tp.append((name, ["type externalWallHeatFluxTemperature;", "mode flux;",
                                  f"q uniform {g(w['q_W_m2'])};",
                                  f"kappaMethod {kappa};", f"value uniform {T0};"]))
            Up.append((name, ["type noSlip;"]))
            prp.append((name, ["type fixedFluxPressure;", "value uniform 0;"]))
        else:
            raise RuntimeError(f"region {r}: unexpected patch {name} ({ent.get('type')})")
        pp.append((name, ["type calculated;", "value uniform 0;"]))
    d0 = os.path.join(case, "0", r)
    write(os.path.join(d0, "T"), field_file("volScalarField", "T", "[0 0 0 1 0 0 0]", T0, Tp))
    pout = (spec.outlets[0]["pressure_Pa"] if spec.outlets else 0.0) + P_OFFSET
    write(os.path.join(d0, "p"), field_file("volScalarField", "p", "[1 -1 -2 0 0 0 0]", g(pout), pp))
    if fluid:
        write(os.path.join(d0, "U"), field_file("volVectorField", "U", "[0 1 -1 0 0 0 0]", "(0 0 0)", Up))
        write(os.path.join(d0, "p_rgh"), field_file("volScalarField", "p_rgh", "[1 -1 -2 0 0 0 0]", g(pout), prp))
    for f in ("cellToRegion",):
        if os.path.exists(os.path.join(d0, f)):
            os.remove(os.path.join(d0, f))

    # heat sources: one cellZone per distinct value in this region
    qr = spec.q[cellmap]
    vals = np.unique(qr[qr != 0])
    if len(vals) > 200:
        raise SpecError(f"region {r}: {len(vals)} distinct source values (limit 200)")
    zones, opts = [], []
    for n, v in enumerate(vals):
        cells = np.nonzero(qr == v)[0]
        zones.append(f"heat{n}\n{{\n    type cellZone;\ncellLabels List<label> {label_list(cells)};\n}}")
        opts.append(f"""heat{n}
{{
    type            scalarSemiImplicitSource;
    active          true;
    selectionMode   cellZone;
    cellZone        heat{n};
    volumeMode      specific;       // W/m^3 on the enthalpy equation
    injectionRateSuSp {{ h ({g(v)} 0); }}
}}""")
    if zones:
        write(os.path.join(pdir, "cellZones"), header("regIOobject", "cellZones", f"constant/{r}/polyMesh") +
              f"{len(zones)}\n(\n" + "\n".join(zones) + "\n)\n")
        write(os.path.join(case, "constant", r, "fvOptions"), header("dictionary", "fvOptions") + "\n".join(opts) + "\n")
    else:
        zf = os.path.join(pdir, "cellZones")
        if os.path.exists(zf):
            os.remove(zf)
    spec.outer_walls[r] = [p for p in bnd if p in FACES]


def post_functions(spec):
    fos = []
    for p in spec.inlets + spec.outlets:
        r = fluid_region_of(spec, p)
        fos.append(f"""    {p['name']}_p
    {{
        type surfaceFieldValue; libs (fieldFunctionObjects); region {r};
        writeControl writeTime; executeControl writeTime; log false; writeFields false;
        regionType patch; name {p['name']}; operation areaAverage; fields (p);
    }}
    {p['name']}_T
    {{
        type surfaceFieldValue; libs (fieldFunctionObjects); region {r};
        writeControl writeTime; executeControl writeTime; log false; writeFields false;
        regionType patch; name {p['name']}; operation weightedAverage; weightField phi; fields (T);
    }}
    {p['name']}_mdot
    {{
        type surfaceFieldValue; libs (fieldFunctionObjects); region {r};
        writeControl writeTime; executeControl writeTime; log false; writeFields false;
        regionType patch; name {p['name']}; operation sum; fields (phi);
    }}""")
    for r in spec.regions:
        if not spec.outer_walls.get(r):
            continue
        fos.append(f"""    wallHeatFlux_{r}
    {{
        type wallHeatFlux; libs (fieldFunctionObjects); region {r};
        writeControl writeTime; executeControl writeTime; log false; writeFields false;
        patches ({' '.join(spec.outer_walls[r])});
    }}""")
    return "\n".join(fos) + "\n"


def fluid_region_of(spec, p):
    ids = np.unique(spec.mid[p["cells"]])
    return spec.mats[int(ids[0])]["name"]


# ------------------------------------------------------------------------------------------
# solving
# ------------------------------------------------------------------------------------------
RESID = re.compile(r"Solving for (\S+), Initial residual = (\S+), Final residual = (\S+), No Iterations (\d+)")


def solve(spec, case, np_=1):
    for f in ("CONVERGED",):
        if os.path.exists(os.path.join(case, f)):
            os.remove(os.path.join(case, f))
    cmd = ["chtMultiRegionSimpleFoam", "-case", case]
    if np_ > 1:
        write(os.path.join(case, "system", "decomposeParDict"), decompose_dict(spec, np_))
        for r in spec.regions:
            write(os.path.join(case, "system", r, "decomposeParDict"), decompose_dict(spec, np_))
        run_tool(case, "decomposePar", "decomposePar", "-allRegions", "-force")
        mpi = ["mpirun", "-np", str(np_)]
        if np_ > (os.cpu_count() or 1):
            mpi.append("--oversubscribe")
        cmd = mpi + cmd + ["-parallel"]
    logpath = os.path.join(case, "log.chtMultiRegionSimpleFoam")
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    log(f"solving: {' '.join(cmd)} (tolerance {spec.tol:g}, at most {spec.max_iter} iterations)")
    t0 = time.time()
    with open(logpath, "w") as f:
        proc = subprocess.Popen(cmd, stdout=f, stderr=subprocess.STDOUT, env=env)
    iters, conv_at, cur, pos, buf = 0, None, [], 0, ""
    # plateau rule: best = running minimum of the largest residual, best_at = when it last
    # fell by 5 %
    best, best_at, plateau_at = float("inf"), 0, None
    last_report = t0
    while True:
        rc = proc.poll()
        with open(logpath, errors="replace") as f:
            f.seek(pos)
            chunk = f.read()
            pos = f.tell()
        buf += chunk
        lines = buf.split("\n")
        buf = lines.pop()
        for line in lines:
            if line.startswith("Time = "):
                if cur and conv_at is None and max(cur) <= spec.tol:
                    conv_at = iters
                    open(os.path.join(case, "CONVERGED"), "w").close()
                if cur and max(cur) < 0.95 * best:
                    best, best_at = max(cur), iters
                if (cur and conv_at is None and plateau_at is None and spec.plateau_n > 0
                        and best <= spec.plateau_factor * spec.tol
                        and iters - best_at >= spec.plateau_n):
                    plateau_at = iters
                    log(f"  plateau: largest residual has stayed near {best:.2e} for "
                        f"{spec.plateau_n} iterations; stopping")
                    open(os.path.join(case, "CONVERGED"), "w").close()
                iters += 1
                cur = []
            else:
                m = RESID.search(line)
                if m:
                    cur.append(float(m.group(2)))
        if rc is not None:
            break
        if time.time() - last_report > 30:
            log(f"  iteration {iters}, largest initial residual {max(cur) if cur else float('nan'):.2e}")
            last_report = time.time()
        time.sleep(0.02)
    seconds = time.time() - t0
    if rc != 0:
        with open(logpath, errors="replace") as f:
            tail = f.readlines()[-40:]
        raise RuntimeError(f"chtMultiRegionSimpleFoam failed (rc {rc}, log {logpath}):\n" + "".join(tail))
    # the last iteration (no following "Time =" line)
    if cur and conv_at is None and max(cur) <= spec.tol:
        conv_at = iters
    with open(os.path.join(case, "solve.json"), "w") as f:
        json.dump({"seconds": seconds, "iterations": iters, "converged_at": conv_at,
                   "plateau_at": plateau_at, "plateau_residual": best if plateau_at else None,
                   "np": np_}, f)
    log(f"solver: {iters} iterations, {seconds:.2f} s, converged at {conv_at}")
    return seconds, iters, conv_at


def decompose_dict(spec, np_):
    # Debian's v1912 ships only a stub scotch: simple slabs along the longest axis
    a = int(np.argmax([f[-1] - f[0] for f in spec.faces]))
    n = ["1", "1", "1"]
    n[a] = str(np_)
    return (header("dictionary", "decomposeParDict") + f"numberOfSubdomains {np_};\nmethod simple;\n"
            f"coeffs {{ n ({' '.join(n)}); delta 0.001; }}\n")


# ------------------------------------------------------------------------------------------
# results
# ------------------------------------------------------------------------------------------
def _last_dat(case, region, fo, expect_time=None):
    """last data row of postProcessing/[region/]fo/<time>/*.dat, with the header comments"""
    base = [os.path.join(case, "postProcessing", region, fo), os.path.join(case, "postProcessing", fo)]
    for b in base:
        if not os.path.isdir(b):
            continue
        times = sorted(os.listdir(b), key=lambda s: float(s) if re.match(r"^[0-9.e+-]+$", s) else -1)
        for t in reversed(times):
            d = os.path.join(b, t)
            for fn in sorted(os.listdir(d)):
                if fn.endswith(".dat"):
                    rows, comments = [], []
                    for line in open(os.path.join(d, fn)):
                        (comments if line.startswith("#") else rows).append(line.rstrip("\n"))
                    rows = [r for r in rows if r.strip()]
                    if rows:
                        if expect_time is not None and float(rows[-1].split()[0]) != expect_time:
                            raise RuntimeError(f"{fo}: last output at time {rows[-1].split()[0]}, "
                                               f"the solver stopped at {expect_time}")
                        return rows, comments
    raise RuntimeError(f"no function-object output for {fo} in region {region}")


def results(spec, case):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    import foam_tools   # bench/openfoam/foam_tools.py: field_stats reads cell values
    s = json.load(open(os.path.join(case, "solve.json")))
    st = json.load(open(os.path.join(case, "setup.json")))
    warnings = list(st["warnings"])
    logpath = os.path.join(case, "log.chtMultiRegionSimpleFoam")
    ended = foam_tools._log_ended(logpath)
    ports = {}
    for p in spec.inlets + spec.outlets:
        r = fluid_region_of(spec, p)
        rows, _ = _last_dat(case, r, p["name"] + "_p", s["iterations"])
        pm = float(rows[-1].split()[1])
        rows, _ = _last_dat(case, r, p["name"] + "_T", s["iterations"])
        Tm = float(rows[-1].split()[1])
        rows, _ = _last_dat(case, r, p["name"] + "_mdot", s["iterations"])
        md = float(rows[-1].split()[1])
        cp = float(spec.mats[spec.region_id[r]]["cp"])
        ports[p["name"]] = {"name": p["name"], "face": p["face"], "region": r,
                            "faces": int(len(p["cells"])), "area_m2": p["area"],
                            "p_Pa": pm - P_OFFSET, "T_K": Tm, "mass_flow_kg_s": md,
                            "enthalpy_out_W": cp * md * Tm}
    inl = [ports[p["name"]] for p in spec.inlets]
    outl = [ports[p["name"]] for p in spec.outlets]

    def amean(lst):
        a = sum(x["area_m2"] for x in lst)
        return sum(x["p_Pa"] * x["area_m2"] for x in lst) / a if a else None
    p_in, p_out = amean(inl), amean(outl)
    mo = sum(x["mass_flow_kg_s"] for x in outl)
    T_out = sum(x["mass_flow_kg_s"] * x["T_K"] for x in outl) / mo if outl and mo else None
    advected = sum(x["enthalpy_out_W"] for x in inl + outl)
    # wall heat flux: wallHeatFlux reports heat INTO the domain as positive
    wall_in = 0.0
    wall_detail = {}
    for r, walls in st["outer_walls"].items():
        if not walls:
            continue
        rows, comments = _last_dat(case, r, "wallHeatFlux_" + r, s["iterations"])
        last_t = rows[-1].split()[0]
        for row in rows:
            parts = row.split()
            if parts[0] != last_t:
                continue
            patch, integral = parts[1], float(parts[4])
            wall_detail[f"{r}/{patch}"] = integral
            wall_in += integral
    source = st["source_W"]
    imbalance = source + wall_in - advected
    maxT = {}
    for name in spec.report:
        maxT[name] = foam_tools.field_stats(case, "T", name)["max"]
    conv = bool(s["converged_at"] is not None and ended)
    if not conv and s.get("plateau_at") is not None:
        warnings.append(f"stopped on a residual plateau at iteration {s['plateau_at']}: largest "
                        f"initial residual {s['plateau_residual']:.2e} (tolerance {spec.tol:g})")
    elif not conv:
        warnings.append(f"NOT converged to tolerance {spec.tol:g} within {spec.max_iter} iterations")
    resid_last = foam_tools.log_stats(logpath)["max_last_initial_residual"]
    return {
        "pressure_drop_Pa": (p_in - p_out) if (p_in is not None and p_out is not None) else None,
        "inlet_p_Pa": p_in, "outlet_p_Pa": p_out,
        "max_T_K": maxT,
        "outlet_T_K": T_out,
        "iterations": s["iterations"], "converged_at": s["converged_at"],
        "plateau_at": s.get("plateau_at"), "plateau_residual": s.get("plateau_residual"),
        "seconds": s["seconds"], "np": s["np"],
        "converged": conv,
        "last_max_initial_residual": resid_last,
        "energy": {"source_W": source, "advected_W": advected, "wall_loss_W": -wall_in,
                   "wall_W_by_patch": wall_detail, "imbalance_W": imbalance,
                   "relative_imbalance": imbalance / source if source else None},
        "inlets": inl, "outlets": outl,
        "cells": spec.ncells, "regions": {"fluid": spec.fluids, "solid": spec.solids},
        "mesh_check": st.get("mesh_check"),
        "case": os.path.abspath(case), "warnings": warnings,
    }


# ------------------------------------------------------------------------------------------
def main(argv):
    if len(argv) < 2 or argv[0] not in ("run", "setup", "solve", "results", "check") \
            or (argv[0] != "check" and len(argv) < 3):
        print(__doc__, file=sys.stderr)
        return 2
    cmd, spec_path = argv[0], argv[1]
    np_ = 1
    if "--np" in argv:
        np_ = int(argv[argv.index("--np") + 1])
    try:
        spec = Spec(json.load(open(spec_path)))
    except (SpecError, KeyError, ValueError, TypeError, OSError) as e:
        print(f"foam_cht: bad spec {spec_path}: {e!r}", file=sys.stderr)
        return 2
    if cmd == "check":
        log(f"spec OK: {spec.n[0]} x {spec.n[1]} x {spec.n[2]} = {spec.ncells} cells, "
            f"fluid {spec.fluids}, solid {spec.solids}, source {float(np.dot(spec.q, spec.vol)):.6g} W")
        return 0
    case = argv[2]
    try:
        if cmd in ("run", "setup"):
            setup(spec, case)
        if cmd in ("run", "solve"):
            solve(spec, case, np_)
        if cmd in ("run", "solve", "results"):
            res = results(spec, case)
            for w in res["warnings"]:
                log("WARNING: " + w)
            print(json.dumps(res))
    except (SpecError, RuntimeError, OSError) as e:
        print(f"foam_cht: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
