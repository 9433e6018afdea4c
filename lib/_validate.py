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
    "as_values",
    "check_positive",
    "check_positive_int",
    "check_int",
    "check_real",
    "check_probability",
    "check_bool",
    "check_callable",
    "check_choice",
    "check_model",
    "check_axes",
    "check_spd",
    "check_labels",
    "check_binary_data",
    "check_rng",
    "check_batch_size",
    "check_finite",
    "solve",
]


def _real_array(x, name, dtype):
    """``np.asarray(x, dtype)``, refusing what is not an array of real numbers (TypeError)."""
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}")
    if np.iscomplexobj(x):
        raise TypeError(f"{name} must be real, got a complex array (take .real explicitly if "
                        f"the imaginary part is meant to be dropped)")
    try:
        return np.asarray(x, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of real numbers, got {type(x).__name__}"
                        f" ({exc})") from exc


def as_values(x, name: str) -> np.ndarray:
    """A float array for elementwise math: any shape, NaN and infinity allowed (they
    propagate), but no strings, ``None`` or complex numbers (TypeError naming ``name``)."""
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        return x
    return _real_array(x, name, np.float64)


def as_array(x, name: str, *, ndim=None, dtype=np.float64, allow_empty=False) -> np.ndarray:
    """Convert ``x`` to a finite real float array and check its number of dimensions.

    ``ndim`` may be an int or a tuple of allowed ints. Strings, ``None``, complex input and
    objects that are not arrays of numbers raise ``TypeError``.
    """
    arr = _real_array(x, name, dtype)
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


def _real_scalar(value, name):
    """``value`` as a float if it is a real number (not a bool, string or array)."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    return float(value)


def check_real(value, name: str, *, low=None, high=None, low_open=False, high_open=False,
               allow_inf=False) -> float:
    """A finite real number (a float is returned), optionally within bounds.

    ``low``/``high`` are inclusive unless ``low_open``/``high_open``; NaN is always rejected,
    infinity unless ``allow_inf``.
    """
    value = _real_scalar(value, name)
    bad = np.isnan(value) or (not allow_inf and np.isinf(value))
    if low is not None:
        bad = bad or value < low or (low_open and value == low)
    if high is not None:
        bad = bad or value > high or (high_open and value == high)
    if bad:
        lo = "" if low is None else ("(" if low_open else "[") + f"{low:g}"
        hi = "" if high is None else f"{high:g}" + (")" if high_open else "]")
        where = f" in {lo or '(-inf'}, {hi or 'inf)'}" if lo or hi else ""
        raise ValueError(f"{name} must be a finite real number{where}, got {value!r}")
    return value


def check_probability(value, name: str) -> float:
    """A probability strictly between 0 and 1."""
    return check_real(value, name, low=0.0, high=1.0, low_open=True, high_open=True)


def check_int(value, name: str, *, low=None, high=None) -> int:
    """An integer (not a bool) in ``[low, high)``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value >= high):
        raise ValueError(f"{name} must lie in [{low}, {high}), got {value}")
    return value


def check_bool(value, name: str) -> bool:
    """``True`` or ``False`` (a numpy bool is accepted); a string such as ``"no"`` is not."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_callable(f, name: str):
    """``f`` must be callable."""
    if not callable(f):
        raise TypeError(f"{name} must be callable, got {type(f).__name__}")
    return f


def check_choice(value, name: str, choices):
    """``value`` must be one of ``choices`` (compared with ``==``, strings and None)."""
    if not any(value is c or (isinstance(value, str) and value == c) for c in choices):
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {value!r}")
    return value


def check_model(model, name: str = "model"):
    """``model`` must be a :class:`lib.mlp.MLP`."""
    from .mlp import MLP  # here: lib.mlp imports this module

    if not isinstance(model, MLP):
        raise TypeError(f"{name} must be a lib.mlp.MLP, got {type(model).__name__}")
    return model


def check_axes(ax, name: str = "ax"):
    """``ax`` must be a matplotlib ``Axes`` (e.g. from :func:`lib.plotting.new_figure`)."""
    if not (hasattr(ax, "plot") and hasattr(ax, "figure") and hasattr(ax, "set_xlim")):
        raise TypeError(f"{name} must be a matplotlib Axes (e.g. fig, ax = "
                        f"plotting.new_figure()), got {type(ax).__name__}")
    return ax


def check_spd(cov, name: str, *, d=None) -> np.ndarray:
    """A symmetric positive definite ``(d, d)`` matrix (e.g. a covariance)."""
    cov = as_array(cov, name, ndim=2)
    if cov.shape[0] != cov.shape[1] or (d is not None and cov.shape[0] != d):
        want = f"({d}, {d})" if d is not None else "square"
        raise ValueError(f"{name} must be a {want} matrix, got shape {cov.shape}")
    if not np.allclose(cov, cov.T, rtol=1e-12, atol=1e-12):
        raise ValueError(f"{name} must be symmetric, got {cov.tolist()}")
    if np.linalg.eigvalsh(cov).min() <= 0:
        raise ValueError(f"{name} must be positive definite (it is singular or indefinite), "
                         f"got {cov.tolist()}")
    return cov


def solve(A, b, name: str):
    """``np.linalg.solve(A, b)``, with a singular ``A`` reported as a ValueError naming it."""
    try:
        return np.linalg.solve(A, b)
    except np.linalg.LinAlgError as err:
        raise ValueError(f"{name} must be non-singular, got a singular matrix") from err


def check_positive(value, name: str, *, allow_zero=False) -> float:
    """A positive (or non-negative) finite real number."""
    value = _real_scalar(value, name)
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


def check_binary_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    """A labelled binary data set: ``X`` a finite matrix (N, d) and ``y`` N labels in {0, 1},
    returned as float arrays of shapes (N, d) and (N,)."""
    X = as_matrix(X, "X")
    y = check_labels(y, "y", (0, 1)).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got {y.shape}")
    return X, y


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """``rng`` must be an explicit ``numpy.random.Generator`` (no global seeding in lib)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"{name} must be a numpy.random.Generator (e.g. np.random.default_rng(0)), "
            f"got {type(rng).__name__}"
        )
    return rng


def check_batch_size(batch_size, n: int, rng) -> int:
    """The minibatch size of a trainer over ``n`` examples: ``None`` means the full batch
    (``n``); otherwise a positive integer at most ``n``. A true minibatch (``batch_size < n``)
    needs ``rng`` to shuffle, so ``rng`` must then be a ``numpy.random.Generator``."""
    batch_size = n if batch_size is None else check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most N = {n}, got {batch_size}")
    if batch_size < n:
        check_rng(rng)
    return batch_size
