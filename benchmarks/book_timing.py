"""Whole-book timings against the project's goals, printed as a table.

Parts (all by default; ``--parts`` picks some, e.g. ``--parts ad``):

a. ``pytest --nbval -n 2 --dist loadfile`` run in the repository root (the README's and CI's
   command: the tests plus every notebook re-executed by nbval). Goal: <= 120 s wall.
b. ``jupyter-book build .`` of a fresh ``git clone`` of the repository in a temporary
   directory, with the stored outputs (``execute_notebooks: auto``). Goal: <= 60 s wall.
   A clone holds only *committed* files; ``--worktree`` copies the working tree instead
   (without ``_build``, ``.git`` and caches) to measure uncommitted work.
c. The same build with every notebook re-executed (``execute_notebooks: force`` written into
   the copy's ``_config.yml``). No goal; shows what a build without stored outputs costs.
d. Every chapter notebook on its own: executed top to bottom in a fresh ``python3`` kernel
   (nbclient, the executor of nbval's and jupyter-book's kind, inline matplotlib backend, cwd
   = a temporary copy of ``chapters/``, the working tree's notebooks). Reported: wall time
   (kernel start to shutdown), the kernel's CPU time and peak RSS (``getrusage`` read by a
   cell appended to the notebook) and the slowest cell. Goals: <= 20 s and <= 500 MB each.

For (a) to (c) the CPU time of the command and of all the processes it waited for (pytest
workers, kernels) is reported next to the wall time (``os.wait4``).
In (b) and (c) ``PYTHONPATH`` points at the copy, so its notebooks import the copy's ``lib``
(not the editable install of the working tree). Subprocesses and kernels get the caller's
environment unchanged: the one-thread BLAS setting of ``_common`` applies to this process only.
Logs go to ``benchmarks/results/`` (git-ignored). On a loaded machine wall times are inflated;
the CPU column of (d) and the load averages printed at the start and end help to judge that.

Run: python benchmarks/book_timing.py [--worktree] [--parts abcd] [--notebooks-only]
     [--skip-build] [--skip-pytest] [--notebook 08] [--strict]
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime

_ENV = dict(os.environ)  # before _common sets the thread counts: restored below
import _common  # noqa: E402  (one BLAS thread for this process, machine_line)

os.environ.clear()
os.environ.update(_ENV)  # children (pytest, jupyter-book, kernels) run as users run them

ROOT = pathlib.Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
BIN = pathlib.Path(sys.executable).parent  # the venv's scripts: pytest, jupyter-book
GOALS = {"pytest": 120.0, "build": 60.0, "nb_time": 20.0, "nb_mem_mb": 500.0}
COPY_IGNORE = shutil.ignore_patterns("_build", ".git", ".ruff_cache", ".pytest_cache",
                                     "__pycache__", ".ipynb_checkpoints", "*.egg-info",
                                     "results", ".venv*", "venv")
MEASURE_CELL = """\
import resource as _r
_s, _c = _r.getrusage(_r.RUSAGE_SELF), _r.getrusage(_r.RUSAGE_CHILDREN)
_cpu = _s.ru_utime + _s.ru_stime + _c.ru_utime + _c.ru_stime
print("BOOK_TIMING", _s.ru_maxrss, _c.ru_maxrss, _cpu)
"""


def status(value, goal):
    if value is None:
        return "FAILED"
    if goal is None:
        return "-"
    return "OK" if value <= goal else f"OVER (+{100 * (value / goal - 1):.0f}%)"


def load():
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


ANSI = re.compile(r"\x1b\[[0-9;]*m")
SUMMARY = re.compile(r"(\d+ (passed|failed|error)|build succeeded|build finished|"
                     r"Warning, treated as error|Error|Traceback)", re.I)


def run_logged(cmd, cwd, log, env=None):
    """Run ``cmd`` with its output in ``log``.

    Returns (wall seconds, CPU seconds of the command and the descendants it waited for,
    exit code, the log's last summary-like line).
    """
    t0 = time.perf_counter()
    with open(log, "w") as fh:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT,
                                env=env or os.environ)
        _, wait_status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(wait_status)
    wall = time.perf_counter() - t0
    lines = [ANSI.sub("", ln).strip(" =") for ln in
             pathlib.Path(log).read_text(errors="replace").splitlines()]
    summary = [ln for ln in lines if SUMMARY.search(ln)] or [ln for ln in lines if ln] or [""]
    return wall, usage.ru_utime + usage.ru_stime, proc.returncode, summary[-1]


# ---------------------------------------------------------------------------------- (a)
def part_pytest():
    cmd = [str(BIN / "pytest"), "--nbval", "-n", "2", "--dist", "loadfile"]
    wall, cpu, code, summary = run_logged(cmd, ROOT, RESULTS / "pytest.log")
    return [("(a) pytest --nbval -n 2 --dist loadfile", wall if code == 0 else None, wall, cpu,
             GOALS["pytest"], f"exit {code}: {summary}")]


# ------------------------------------------------------------------------------ (b), (c)
def make_copy(dest, worktree):
    if worktree:
        shutil.copytree(ROOT, dest, ignore=COPY_IGNORE)
        return "working tree copy"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(dest)], check=True)
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=dest, check=True,
                          capture_output=True, text=True).stdout.strip()
    return f"clone of {head}"


def part_builds(parts, worktree, strict):
    rows = []
    with tempfile.TemporaryDirectory(prefix="book_timing_") as tmp:
        book = pathlib.Path(tmp) / "book"
        what = make_copy(book, worktree)
        env = dict(os.environ, PYTHONPATH=str(book))  # the copy's lib, not the editable one
        cmd = [str(BIN / "jupyter-book"), "build", "."] + (["-W", "-n", "--keep-going"]
                                                            if strict else [])
        flags = " -W -n --keep-going" if strict else ""
        if "b" in parts:
            wall, cpu, code, summary = run_logged(cmd, book, RESULTS / "build_stored.log", env)
            rows.append((f"(b) jupyter-book build .{flags} ({what}, stored outputs)",
                         wall if code == 0 else None, wall, cpu, GOALS["build"],
                         f"exit {code}: {summary}"))
        if "c" in parts:
            shutil.rmtree(book / "_build", ignore_errors=True)
            config = book / "_config.yml"
            text, n = re.subn(r"(?m)^(\s*execute_notebooks:\s*)\S+", r"\1force",
                              config.read_text())
            if n != 1:
                raise RuntimeError("_config.yml: no single execute_notebooks line to replace")
            config.write_text(text)
            wall, cpu, code, summary = run_logged(cmd, book, RESULTS / "build_force.log", env)
            rows.append((f"(c) jupyter-book build .{flags} ({what}, execute: force)",
                         wall if code == 0 else None, wall, cpu, None,
                         f"exit {code}: {summary}"))
    return rows


# ---------------------------------------------------------------------------------- (d)
def _cell_seconds(cell):
    ex = cell.get("metadata", {}).get("execution", {})
    try:
        start = datetime.fromisoformat(ex["iopub.execute_input"].replace("Z", "+00:00"))
        end = datetime.fromisoformat(ex["shell.execute_reply"].replace("Z", "+00:00"))
    except (KeyError, ValueError):
        return 0.0
    return (end - start).total_seconds()


def run_notebook(path, workdir):
    """Execute one notebook in a fresh kernel; return a dict of measurements."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = nbformat.read(path, as_version=4)
    n_cells = len(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(MEASURE_CELL))
    client = NotebookClient(nb, timeout=600, kernel_name="python3", record_timing=True,
                            resources={"metadata": {"path": str(workdir)}})
    error = None
    t0 = time.perf_counter()
    try:  # the kernel's own stderr only carries ipykernel's start-up notices: drop it
        client.execute(stderr=subprocess.DEVNULL)
    except CellExecutionError as err:
        error = str(err).strip().splitlines()[-1][:100]
    wall = time.perf_counter() - t0
    result = {"name": path.stem, "wall": wall, "error": error, "cpu": None, "peak_mb": None}
    for out in nb.cells[-1].get("outputs", []):
        match = re.search(r"BOOK_TIMING (\d+) (\d+) ([\d.]+)", out.get("text", ""))
        if match:
            scale = 1 / 2**20 if sys.platform == "darwin" else 1 / 1024  # bytes vs KiB
            result["peak_mb"] = max(int(match[1]), int(match[2])) * scale
            result["cpu"] = float(match[3])
    times = [(_cell_seconds(c), i) for i, c in enumerate(nb.cells[:n_cells])
             if c.cell_type == "code"]
    if times:
        sec, i = max(times)
        first = next((ln for ln in nb.cells[i].source.splitlines()
                      if ln.strip() and not ln.startswith("#")), "")
        result["slowest"] = f"cell {i} {sec:.1f} s: {first.strip()[:48]}"
        result["cells_total"] = sum(s for s, _ in times)
    return result


def part_notebooks(pattern):
    notebooks = sorted((ROOT / "chapters").glob("*.ipynb"))
    if pattern:
        notebooks = [p for p in notebooks if pattern in p.name]
    results = []
    with tempfile.TemporaryDirectory(prefix="book_timing_nb_") as tmp:
        workdir = pathlib.Path(tmp) / "chapters"
        shutil.copytree(ROOT / "chapters", workdir, ignore=COPY_IGNORE)
        for path in notebooks:
            res = run_notebook(workdir / path.name, workdir)
            results.append(res)
            print(f"  ran {res['name']}: {res['wall']:.1f} s wall"
                  + (f", ERROR {res['error']}" if res["error"] else ""), flush=True)
    return results


def print_notebooks(results):
    print(f"\n(d) notebooks, each in a fresh kernel; goals: <= {GOALS['nb_time']:.0f} s, "
          f"<= {GOALS['nb_mem_mb']:.0f} MB peak RSS")
    head = (f"{'notebook':<28} {'wall s':>7} {'CPU s':>7} {'peak MB':>8}  {'time (wall)':<13} "
            f"{'time (CPU)':<13} {'memory':<13} slowest cell")
    print(head)
    print("-" * len(head))
    for r in results:
        bad = r["error"] is not None
        print(f"{r['name']:<28} {r['wall']:7.1f} {r['cpu'] or float('nan'):7.1f} "
              f"{r['peak_mb'] or float('nan'):8.0f}  "
              f"{status(None if bad else r['wall'], GOALS['nb_time']):<13} "
              f"{status(None if bad else r['cpu'], GOALS['nb_time']):<13} "
              f"{status(None if bad else r['peak_mb'], GOALS['nb_mem_mb']):<13} "
              f"{r.get('slowest', '')}" + (f"  ERROR: {r['error']}" if bad else ""))
    if results:
        print(f"{'total':<28} {sum(r['wall'] for r in results):7.1f} "
              f"{sum(r['cpu'] or 0 for r in results):7.1f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default="abcd", help="which parts to run (default abcd)")
    parser.add_argument("--worktree", action="store_true",
                        help="build a copy of the working tree instead of a git clone")
    parser.add_argument("--notebooks-only", action="store_true", help="only part (d)")
    parser.add_argument("--skip-build", action="store_true", help="skip parts (b) and (c)")
    parser.add_argument("--skip-pytest", action="store_true", help="skip part (a)")
    parser.add_argument("--notebook", default="",
                        help="(d): only notebooks whose file name contains this, e.g. 08")
    parser.add_argument("--strict", action="store_true",
                        help="build with CI's flags -W -n --keep-going")
    args = parser.parse_args()
    parts = set(args.parts)
    if args.notebooks_only:
        parts = {"d"}
    if args.skip_build:
        parts -= {"b", "c"}
    if args.skip_pytest:
        parts -= {"a"}
    RESULTS.mkdir(parents=True, exist_ok=True)

    print(_common.machine_line())
    print(f"started {datetime.now():%Y-%m-%d %H:%M}, {load()}; logs in {RESULTS}", flush=True)
    rows, notebooks = [], []
    if "a" in parts:
        rows += part_pytest()
        print(f"  (a) done: {rows[-1][2]:.1f} s", flush=True)
    if parts & {"b", "c"}:
        rows += part_builds(parts, args.worktree, args.strict)
        print("  (b)/(c) done", flush=True)
    if "d" in parts:
        notebooks = part_notebooks(args.notebook)

    print(f"\nfinished {datetime.now():%Y-%m-%d %H:%M}, {load()}")
    if rows:
        width = max(len(r[0]) for r in rows)
        print(f"\n{'measurement':<{width}} {'wall s':>7} {'CPU s':>7}  {'goal':>8}  "
              f"{'status (wall)':<13} note")
        for name, value, wall, cpu, goal, note in rows:
            goal_text = f"<= {goal:.0f} s" if goal else "-"
            print(f"{name:<{width}} {wall:7.1f} {cpu:7.1f}  {goal_text:>8}  "
                  f"{status(value, goal):<13} {note[:70]}")
    if notebooks:
        print_notebooks(notebooks)


if __name__ == "__main__":
    main()
