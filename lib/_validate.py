"""Argument validation shared by the public functions of :mod:`lib`.

Every public function checks its inputs here and raises a ``TypeError`` (wrong kind of
object) or ``ValueError`` (right kind, wrong shape, range or content) whose message names
the argument and says what was expected.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = [
    "as_array",
    "as_matrix",
    "check_positive",
    "check_positive_int",
    "check_labels",
    "check_rng",
    "check_finite",
]


def as_array(x, name: str, *, ndim=None, dtype=np.float64, allow_empty=False) -> np.ndarray:
    """Convert ``x`` to a finite float array and check its number of dimensions.

    ``ndim`` may be an int or a tuple of allowed ints.
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}")
    try:
        arr = np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {type(x).__name__}") from exc
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
        if arr.ndim not in allowed:
            want = " or ".join(f"{k}-D" for k in allowed)
            raise ValueError(f"{name} must be {want}, got an array of shape {arr.shape}")
    if not allow_empty and arr.size == 0:
        raise ValueError(f"{name} must not be empty, got an array of shape {arr.shape}")
    check_finite(arr, name)
    return arr


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinity."""
    if not np.all(np.isfinite(arr)):
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); expected finite numbers")


def as_matrix(x, name: str, *, n_cols=None) -> np.ndarray:
    """A 2-D float array of shape (N, n_cols); a 1-D input is read as one column."""
    arr = as_array(x, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if n_cols is not None and arr.shape[1] != n_cols:
        raise ValueError(f"{name} must have shape (N, {n_cols}), got {arr.shape}")
    return arr


def check_positive(value, name: str, *, allow_zero=False) -> float:
    """A positive (or non-negative) finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    value = float(value)
    ok = value >= 0 if allow_zero else value > 0
    if not np.isfinite(value) or not ok:
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a finite {kind} number, got {value!r}")
    return value


def check_positive_int(value, name: str, *, allow_zero=False) -> int:
    """A positive (or non-negative) integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if value < 0 or (value == 0 and not allow_zero):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{name} must be a {kind} integer, got {value}")
    return value


def check_labels(y, name: str, allowed) -> np.ndarray:
    """Labels as a float array whose values all lie in ``allowed``."""
    arr = as_array(y, name)
    bad = ~np.isin(arr, np.asarray(list(allowed), dtype=float))
    if np.any(bad):
        first = arr[bad].ravel()[0]
        raise ValueError(
            f"{name} must take values in {sorted(allowed)}, found {first!r} "
            f"({int(bad.sum())} label(s) outside the classes)"
        )
    return arr


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` must be an explicit ``numpy.random.Generator`` (no global seeding in lib)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    return rng
