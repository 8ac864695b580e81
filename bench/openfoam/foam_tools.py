#!/usr/bin/env python3
"""Small stdlib-only helpers for bench/openfoam_compare.sh.

  foam_tools.py field-stats CASE FIELD [REGION]
      Reads FIELD's internalField from the latest time directory of an OpenFOAM case, serial
      (CASE/<time>/[REGION/]FIELD) or decomposed (CASE/processor*/<time>/[REGION/]FIELD,
      used when processor directories hold a time later than 0), ascii or binary format,
      and prints JSON {"time", "files", "cells", "min", "max", "mean"} over cell values.
      Boundary-face values are not included: Kelvin's max_temperature_K is a cell maximum too.

  foam_tools.py log-stats LOG
      Prints JSON about a solver log: number of outer iterations ("Time = " lines), the
      linear-solver iterations summed over the run, the initial residuals of every
      "Solving for" line of the last outer iteration, and the largest of them.

  foam_tools.py kelvin-stats SUMMARY_JSON
      Prints the summary.json keys the comparison uses as one JSON object.
"""
import json
import os
import re
import struct
import sys


def _time_dirs(path):
    out = []
    if not os.path.isdir(path):
        return out
    for name in os.listdir(path):
        if os.path.isdir(os.path.join(path, name)):
            try:
                out.append((float(name), name))
            except ValueError:
                pass
    return sorted(out)


def _read_internal_field(path):
    """Returns the list of cell values of a volScalarField file (ascii or binary)."""
    with open(path, "rb") as f:
        data = f.read()
    header_end = data.find(b"}")
    header = data[:header_end].decode("ascii", "replace")
    binary = re.search(r"format\s+binary\s*;", header) is not None
    m = re.search(r"scalar\s*=\s*(\d+)", header)
    scalar_bytes = int(m.group(1)) // 8 if m else 8
    pos = data.find(b"internalField", header_end)
    if pos < 0:
        raise ValueError(f"{path}: no internalField")
    m = re.compile(rb"internalField\s+uniform\s+([^;\s]+)\s*;").match(data, pos)
    if m:
        return None, float(m.group(1))  # uniform: value only, cell count unknown here
    m = re.compile(rb"internalField\s+nonuniform\s+List<scalar>\s+(\d+)\s*\(").match(data, pos)
    if not m:
        raise ValueError(f"{path}: unsupported internalField layout")
    n = int(m.group(1))
    start = m.end()
    if binary:
        fmt = "<%d%s" % (n, "d" if scalar_bytes == 8 else "f")
        values = struct.unpack_from(fmt, data, start)
        if data[start + n * scalar_bytes:start + n * scalar_bytes + 1] != b")":
            raise ValueError(f"{path}: binary list not terminated where expected")
    else:
        end = data.find(b")", start)
        values = [float(v) for v in data[start:end].split()]
        if len(values) != n:
            raise ValueError(f"{path}: expected {n} values, read {len(values)}")
    return list(values), None


def field_stats(case, field, region=None):
    procs = sorted(d for d in os.listdir(case) if re.fullmatch(r"processor\d+", d))
    files = []
    time_name = None
    if procs:
        times = _time_dirs(os.path.join(case, procs[0]))
        if times and times[-1][0] > 0:
            time_name = times[-1][1]
            for p in procs:
                parts = [case, p, time_name] + ([region] if region else []) + [field]
                files.append(os.path.join(*parts))
    if not files:
        times = _time_dirs(case)
        if not times or times[-1][0] <= 0:
            raise SystemExit(f"{case}: no solution time directory")
        time_name = times[-1][1]
        parts = [case, time_name] + ([region] if region else []) + [field]
        files.append(os.path.join(*parts))
    count, total, vmin, vmax = 0, 0.0, float("inf"), float("-inf")
    for path in files:
        values, uniform = _read_internal_field(path)
        if values is None:
            raise SystemExit(f"{path}: uniform internalField (did the solver run?)")
        count += len(values)
        total += sum(values)
        vmin = min(vmin, min(values))
        vmax = max(vmax, max(values))
    return {"time": time_name, "files": files, "cells": count, "min": vmin, "max": vmax,
            "mean": total / count}


def log_stats(log):
    outer = 0
    solver_iters = 0
    last = []
    with open(log, errors="replace") as f:
        for line in f:
            if line.startswith("Time = "):
                outer += 1
                last = []
                continue
            m = re.search(r"Solving for (\S+), Initial residual = (\S+), Final residual = (\S+), "
                          r"No Iterations (\d+)", line)
            if m:
                solver_iters += int(m.group(4))
                last.append({"field": m.group(1), "initial": float(m.group(2)),
                             "final": float(m.group(3))})
    return {"outer_iterations": outer, "linear_iterations": solver_iters,
            "last_initial_residuals": [r["initial"] for r in last],
            "max_last_initial_residual": max((r["initial"] for r in last), default=None),
            "last_final_residuals": [r["final"] for r in last],
            "ended": _log_ended(log)}


def _log_ended(log):
    with open(log, errors="replace") as f:
        return any(line.strip() == "End" for line in f)


def kelvin_stats(path):
    with open(path) as f:
        s = json.load(f)
    return {"wall_time_s": s["wall_time_s"], "iterations": s["iterations"],
            "converged": s["converged"], "max_temperature_K": s["max_temperature_K"],
            "cells": s["cells"], "threads": s.get("threads"),
            "materials": {k: {"max": v["max_temperature_K"], "min": v["min_temperature_K"],
                              "mean": v["mean_temperature_K"], "volume": v["volume_m3"]}
                          for k, v in s["materials"].items()},
            "energy_relative_error": s["energy_balance"]["relative_error"],
            "timings_s": s.get("timings_s", {})}


def main(argv):
    if len(argv) >= 3 and argv[0] == "field-stats":
        print(json.dumps(field_stats(argv[1], argv[2], argv[3] if len(argv) > 3 else None)))
    elif len(argv) == 2 and argv[0] == "log-stats":
        print(json.dumps(log_stats(argv[1])))
    elif len(argv) == 2 and argv[0] == "kelvin-stats":
        print(json.dumps(kelvin_stats(argv[1])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
