#!/usr/bin/env python3
"""Checks Kelvin's source layers (README "Source layout"): every #include "..." between the
folders kernels/, meshes/ and solver/<layer>/ follows an allowed edge, no set of source units
includes itself round a circle (foo.hpp + foo.cpp are one unit), and no source file (tests and
benchmarks included) is longer than MAX_LINES.

    check_layers.py ROOT          check the tree at ROOT; exit 1 listing every violation
    check_layers.py --self-test   show that each kind of violation is caught
"""
import os
import re
import sys
import tempfile

MAX_LINES = 800

# Each folder and the folders it may include, its own included. Lower layers first.
_BELOW_PHYSICS = {"kernels", "meshes", "base", "numerics"}
_MODELS = _BELOW_PHYSICS | {"physics"}
ALLOWED = {
    "kernels": {"kernels"},
    "base": {"base"},
    # MPI ranks: who owns which plates, and sharing their numbers. Used by coupling and app.
    "parallel": {"parallel", "base"},
    "meshes": {"meshes", "kernels", "base"},
    "numerics": {"numerics", "kernels", "meshes", "base"},
    "physics": _MODELS,
    # Models built on the physics, beside each other: the GPU power model today; the coolant
    # loop and the facility (heat rejection, weather) next. None includes another.
    "power": _MODELS | {"power"},
    "loop": _MODELS | {"loop"},
    "facility": _MODELS | {"facility"},
    # The case file: its model, parser, checker (knows the models' parameter types).
    "case": _MODELS | {"power", "loop", "facility", "case"},
    # Files: VTK, HDF5, CSV, checkpoints, locks, the terminal. Used by the application only.
    "io": _MODELS | {"power", "loop", "facility", "case", "io"},
    # Case -> problems and assembled models (grids, fields, GPU fleets); never writes files.
    "coupling": _MODELS | {"power", "loop", "facility", "case", "coupling", "parallel"},
    # Parametric sweeps: the sweep file, its points as case files, the sweep folder. Runs each
    # point as a child `kelvin run`, so it needs none of the solving layers.
    "sweep": _MODELS | {"case", "io", "sweep"},
    "app": None,  # the top: may include everything
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def folder_of(path):
    """The layer of a repository-relative path, or None outside the layered folders."""
    parts = path.split("/")
    if parts[0] in ("kernels", "meshes"):
        return parts[0]
    if parts[0] == "solver" and len(parts) >= 3:
        return parts[1]
    if parts[0] == "solver":
        return "solver-root"  # a file directly in solver/: not allowed any more
    return None


def sources(root, tops=("kernels", "meshes", "solver")):
    for top in tops:
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in sorted(files):
                if f.endswith((".hpp", ".cpp", ".cu", ".cuh", ".h")):
                    yield os.path.relpath(os.path.join(dirpath, f), root).replace(os.sep, "/")


def check(root):
    problems = []
    graph = {}  # unit -> set of units it includes
    for path in sources(root):
        layer = folder_of(path)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        lines = text.count("\n")
        if lines > MAX_LINES:
            problems.append(f"{path}: {lines} lines (at most {MAX_LINES}: it holds two ideas)")
        if layer not in ALLOWED:
            problems.append(f"{path}: not in a known layer folder ({', '.join(ALLOWED)})")
            continue
        unit = os.path.splitext(path)[0]
        for inc in INCLUDE.findall(text):
            target = folder_of(inc)
            if target is None:
                continue
            if ALLOWED[layer] is not None and target not in ALLOWED[layer]:
                problems.append(f"{path}: includes {inc}: {layer}/ may not use {target}/")
            other = os.path.splitext(inc)[0]
            if other != unit:
                graph.setdefault(unit, set()).add(other)
    problems += [f"include cycle: {' -> '.join(c)}" for c in cycles(graph)]
    for path in sources(root, ("tests", "bench")):  # tests and benchmarks: the size rule only
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as fh:
            lines = fh.read().count("\n")
        if lines > MAX_LINES:
            problems.append(f"{path}: {lines} lines (at most {MAX_LINES}: it holds two ideas)")
    return problems


def cycles(graph):
    """Every circle of the unit graph found by a depth-first search (one per back edge)."""
    found, state = [], {}
    def visit(u, stack):
        state[u] = 1
        stack.append(u)
        for v in sorted(graph.get(u, ())):
            if state.get(v) == 1:
                found.append(stack[stack.index(v):] + [v])
            elif v not in state:
                visit(v, stack)
        stack.pop()
        state[u] = 2
    for u in sorted(graph):
        if u not in state:
            visit(u, [])
    return found


def self_test():
    """A tree with one violation of each kind: each must be reported."""
    files = {
        "kernels/a.hpp": '#include "solver/numerics/b.hpp"\n',  # upward
        "solver/numerics/b.hpp": "\n",
        "solver/physics/c.hpp": '#include "solver/io/d.hpp"\n',  # io below the app
        "solver/io/d.hpp": "\n",
        "solver/app/e.hpp": '#include "solver/app/f.hpp"\n',  # circle e <-> f
        "solver/app/f.cpp": '#include "solver/app/e.hpp"\n',
        "solver/power/g.hpp": '#include "solver/loop/h.hpp"\n',  # sideways between models
        "solver/loop/h.hpp": "\n",
        "solver/case/big.cpp": "x\n" * (MAX_LINES + 1),
        "solver/stray.cpp": "\n",
        "tests/unit_big.cpp": "x\n" * (MAX_LINES + 1),
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
            with open(os.path.join(root, rel), "w") as fh:
                fh.write(text)
        got = "\n".join(check(root))
    wanted = ["kernels/a.hpp: includes solver/numerics/b.hpp", "physics/c.hpp: includes solver/io",
              "include cycle: solver/app/e", "power/g.hpp: includes solver/loop",
              "big.cpp: 801 lines", "solver/stray.cpp: not in a known layer",
              "tests/unit_big.cpp: 801 lines"]
    missed = [w for w in wanted if w not in got]
    for w in missed:
        print(f"self-test: not reported: {w}")
    return 1 if missed else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = check(sys.argv[1])
    for p in problems:
        print(p)
    if not problems:
        print("layers: every include points down, no cycles, no file over", MAX_LINES, "lines")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
