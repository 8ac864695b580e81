#!/usr/bin/env python3
"""Runs one hostile case file through `kelvin validate` and `kelvin run` and checks that Kelvin
answers honestly: the exit status and a piece of the message the file's header expects, never
a death by a signal, never a time-out, and summary.json saying "converged": true only when the
run exits 0.

The header of each tests/hostile/*.yaml names what must happen:

    # expect validate: 2 "gpus.instances[0].inlet_temperature"
    # expect run: 3 "did not converge"

The quoted text must appear in the command's stdout or stderr ("" matches anything). Without
an `expect run` line, a file that validate rejects must be rejected by run with the same exit
status and text, and one that validate accepts must run to exit 0.

    run_hostile.py KELVIN CASE.yaml [--timeout SECONDS]
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

EXPECT = re.compile(r'^#\s*expect\s+(validate|run)\s*:\s*(-?\d+)\s+"(.*)"\s*$')


def expectations(path):
    """{'validate': (status, text), 'run': (status, text)} from the file's comment header."""
    found = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = EXPECT.match(line.strip())
            if m:
                found[m.group(1)] = (int(m.group(2)), m.group(3))
    if "validate" not in found:
        raise SystemExit(f"{path}: no '# expect validate: STATUS \"TEXT\"' line")
    if "run" not in found:
        status, text = found["validate"]
        found["run"] = (status, text) if status != 0 else (0, "")
    return found


def run(cmd, cwd, timeout):
    env = dict(os.environ, OMP_WAIT_POLICY="passive")
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True,
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timed out after {timeout} s"
    return p.returncode, p.stdout + p.stderr


def check(what, status, output, expected):
    """Problems with one command's outcome, as text lines."""
    want_status, want_text = expected
    problems = []
    if status is None:
        return [f"{what}: {output}"]
    if status < 0:
        problems.append(f"{what}: killed by signal {signal.Signals(-status).name}")
    elif status != want_status:
        problems.append(f"{what}: exit {status}, expected {want_status}")
    if want_text and want_text not in output:
        problems.append(f'{what}: output lacks "{want_text}"')
    return problems


def main():
    args = sys.argv[1:]
    timeout = 120
    if "--timeout" in args:
        i = args.index("--timeout")
        timeout = float(args[i + 1])
        del args[i:i + 2]
    kelvin, case = os.path.abspath(args[0]), os.path.abspath(args[1])
    expected = expectations(case)
    work = tempfile.mkdtemp(prefix="kelvin-hostile-")
    try:
        # The case and the files next to it it may reference (traces) are read in place.
        status, out = run([kelvin, "validate", case], work, timeout)
        problems = check("validate", status, out, expected["validate"])
        outdir = os.path.join(work, "out")
        status, run_out = run([kelvin, "run", case, "-o", outdir], work, timeout)
        problems += check("run", status, run_out, expected["run"])
        summary = os.path.join(outdir, "summary.json")
        if os.path.exists(summary):
            with open(summary) as f:
                converged = json.load(f).get("converged")
            if converged is True and status != 0:
                problems.append(f"run: summary.json says converged but the exit status is {status}")
            if converged is not True and status == 0:
                problems.append("run: exit 0 but summary.json does not say converged")
        if problems:
            print(f"--- validate output:\n{out}\n--- run output (last 3000 chars):\n{run_out[-3000:]}")
            for p in problems:
                print(f"{os.path.basename(case)}: {p}")
            return 1
        print(f"{os.path.basename(case)}: validate and run answered as expected")
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
