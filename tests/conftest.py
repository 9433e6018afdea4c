"""Test-session settings shared by every test (unit tests and nbval kernels alike)."""

import os

# One BLAS thread per process: the book's matrices are small, and `pytest -n 2` already uses
# both cores. Set before numpy is imported here; nbval's kernels inherit the environment.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
