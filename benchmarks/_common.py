"""Shared helpers of the benchmark scripts: single-threaded BLAS, timing, optional torch."""

from __future__ import annotations

import os

# One BLAS/OpenMP thread: importing lib sets it (lib/__init__.py), before numpy or torch is
# loaded, so this module is imported first by every script.
import lib  # noqa: F401

import platform  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402


def load_torch():
    """Return torch (one thread) or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


class Timing:
    """Wall and CPU (process) times of repeated runs of one function, and its last result."""

    def __init__(self):
        self.wall, self.cpu, self.result = [], [], None

    @property
    def median(self):
        return statistics.median(self.wall)

    @property
    def median_cpu(self):
        return statistics.median(self.cpu)

    def summary(self):
        return (f"median {self.median:.3f} s wall over {len(self.wall)} runs (min "
                f"{min(self.wall):.3f}, max {max(self.wall):.3f}), {self.median_cpu:.3f} s CPU")


def interleaved(fns, repeats):
    """Time every function of the dict ``fns`` ``repeats`` times, in rounds: each round runs
    each function once (the order alternates between rounds), so a change in the machine's
    load during the measurement affects every function alike. Returns {name: Timing}."""
    out = {name: Timing() for name in fns}
    names = list(fns)
    for r in range(repeats):
        for name in names if r % 2 == 0 else names[::-1]:
            t = out[name]
            c0, w0 = time.process_time(), time.perf_counter()
            t.result = fns[name]()
            t.wall.append(time.perf_counter() - w0)
            t.cpu.append(time.process_time() - c0)
    return out


def load_line():
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average n/a"


def matmul_rate(m, k, n, seconds=0.5, dtype=np.float64):
    """Measured FLOP rate (FLOP/s) of an (m, k) @ (k, n) product on one thread."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((m, k)).astype(dtype), rng.standard_normal((k, n)).astype(dtype)
    out = np.empty((m, n), dtype)
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(100):
            np.matmul(a, b, out=out)
        reps += 100
    return 2.0 * m * k * n * reps / (time.perf_counter() - t0)


def machine_line():
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}")
