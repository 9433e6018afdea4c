"""Shared helpers of the benchmark scripts: single-threaded BLAS, timing, optional torch."""

from __future__ import annotations

import os

# One thread for every BLAS/OpenMP pool, set before numpy (or torch) is imported.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

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


def median_time(fn, repeats):
    """Run ``fn()`` ``repeats`` times; return (median seconds, all times, last result)."""
    times, result = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def matmul_rate(m, k, n, seconds=0.5):
    """Measured float64 FLOP rate (FLOP/s) of an (m, k) @ (k, n) product on one thread."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    out = np.empty((m, n))
    reps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(100):
            np.matmul(a, b, out=out)
        reps += 100
    return 2.0 * m * k * n * reps / (time.perf_counter() - t0)


def machine_line():
    return (f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
            f"{platform.python_version()}, numpy {np.__version__}")
