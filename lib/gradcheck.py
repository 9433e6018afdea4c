r"""Gradient checking by centred finite differences (chapter 5).

The oracle is independent of backpropagation: each partial derivative is estimated as

.. math::

    \frac{\partial f}{\partial \theta_k} \approx
    \frac{f(\theta + \varepsilon e_k) - f(\theta - \varepsilon e_k)}{2\varepsilon},

whose error is :math:`O(\varepsilon^2)` from truncation plus :math:`O(u/\varepsilon)` from
rounding (:math:`u \approx 10^{-16}`); :math:`\varepsilon = 10^{-6}` balances them in float64.
Agreement is measured by the relative error
:math:`\|g - \hat g\| / \max(\|g\| + \|\hat g\|, \text{tiny})`, per named parameter block.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validate import as_array, as_values, check_callable, check_model, check_positive, check_real
from .losses import LossLike
from .mlp import MLP

__all__ = [
    "numerical_gradient",
    "relative_error",
    "check_gradient",
    "check_model_gradient",
    "GradientCheckError",
    "GradCheckReport",
]

DEFAULT_TOL = 1e-6


class GradientCheckError(AssertionError):
    """Raised when an analytic gradient disagrees with finite differences."""


def numerical_gradient(f: Callable[[npt.NDArray[np.float64]], float], theta: npt.ArrayLike,
                       eps: float = 1e-6) -> npt.NDArray[np.float64]:
    """Centred finite-difference gradient of a scalar function ``f`` at ``theta``.

    Parameters
    ----------
    f : callable
        ``f(theta) -> float``.
    theta : array, shape (p,) (any shape is accepted and preserved)
    eps : float
        Step :math:`\\varepsilon`.

    Returns
    -------
    array of the shape of ``theta``
    """
    check_callable(f, "f")
    theta = as_array(theta, "theta").copy()
    eps = check_positive(eps, "eps")
    flat = theta.reshape(-1)
    g = np.empty_like(flat)
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        fp = _scalar_value(f(theta), k)
        flat[k] = old - eps
        fm = _scalar_value(f(theta), k)
        flat[k] = old
        g[k] = (fp - fm) / (2.0 * eps)
    return g.reshape(theta.shape)


def _scalar_value(value, k):
    """``f(theta)`` as a finite float; a clear error naming ``f`` otherwise."""
    v = as_values(value, "f(theta) (the value f returned)")
    if v.size != 1:
        raise TypeError(f"f must return a scalar, got an array of shape {v.shape}")
    v = float(v.reshape(()))
    if not np.isfinite(v):
        raise ValueError(f"f returned {v} when entry {k} of theta was perturbed; expected a "
                         f"finite number (a finite-difference check cannot use it)")
    return v


def _check_names(names, p):
    """One name (str) per entry of the parameter vector."""
    if isinstance(names, str) or not hasattr(names, "__len__"):
        raise TypeError(f"names must be a list of str, one per entry of theta, got "
                        f"{type(names).__name__}")
    if not all(isinstance(n, str) for n in names):
        raise TypeError("names must be a list of str, one per entry of theta")
    if len(names) != p:
        raise ValueError(f"names must have one entry per entry of theta ({p}), got "
                         f"{len(names)}: every entry is checked, none may go unnamed")
    return list(names)


def _check_blocks(blocks, p):
    """(name, slice) pairs that cover 0..p-1 exactly once, in order."""
    try:
        pairs = [(str(name), s) for name, s in blocks]
    except (TypeError, ValueError) as err:
        raise TypeError("blocks must be a list of (str, slice) pairs") from err
    pos = 0
    for name, s in pairs:
        if not isinstance(s, slice):
            raise TypeError(f"blocks must be a list of (str, slice) pairs, got {s!r} for {name!r}")
        start, stop, step = s.indices(p)
        if step != 1 or start != pos or stop <= start or (s.stop is not None and s.stop > p):
            raise ValueError(f"blocks must cover the {p} entries of theta by consecutive "
                             f"slices, one after another; block {name!r} is {s}")
        pos = stop
    if pos != p:
        raise ValueError(f"blocks must cover all {p} entries of theta; they stop at {pos}")
    return pairs


def relative_error(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """:math:`\\|a-b\\| / \\max(\\|a\\|+\\|b\\|, 10^{-300})` (0 when both are zero)."""
    a = as_values(a, "a")
    b = as_values(b, "b")
    if a.shape != b.shape:
        raise ValueError(f"a and b must have the same shape, got {a.shape} and {b.shape}")
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300))


@dataclass
class GradCheckReport:
    """Result of a gradient check.

    Attributes
    ----------
    max_relative_error : float
        Largest relative error over the parameter blocks.
    worst_block : str
        Name of the block where it occurred (e.g. ``'W_2'``).
    worst_entry : str
        Entry of that block with the largest absolute discrepancy (e.g. ``'W_2[0, 3]'``).
    errors : dict
        Relative error of every block.
    """

    max_relative_error: float
    worst_block: str
    worst_entry: str
    errors: dict


def check_gradient(f: Callable[[npt.NDArray[np.float64]], float],
                   grad: npt.ArrayLike | Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
                   theta: npt.ArrayLike, *, names: Sequence[str] | None = None,
                   blocks: Sequence[tuple[str, slice]] | None = None, eps: float = 1e-6,
                   tol: float = DEFAULT_TOL) -> GradCheckReport:
    """Compare an analytic gradient with finite differences; raise if they disagree.

    Parameters
    ----------
    f : callable
        Scalar function of ``theta``.
    grad : array or callable
        The analytic gradient at ``theta`` (or ``grad(theta)``).
    theta : array
    names : list of str, optional
        One name per entry of ``theta`` (e.g. :meth:`lib.mlp.MLP.param_names`); a list of
        another length is a ``ValueError`` (every entry is checked).
    blocks : list of (str, slice), optional
        Parameter blocks over which relative errors are measured; consecutive slices that
        cover every entry of ``theta`` exactly once. Derived from ``names``
        (``'W_2[0, 3]'`` belongs to block ``'W_2'``) when not given; else one block.
    eps, tol : float
        Finite-difference step and the largest accepted relative error.

    Returns
    -------
    GradCheckReport

    Raises
    ------
    GradientCheckError
        If some block's relative error exceeds ``tol``; the message names the block and entry.
    """
    theta = as_array(theta, "theta")
    check_callable(f, "f")
    tol = check_real(tol, "tol", low=0.0, allow_inf=True)  # tol=inf: only the report
    g = as_array(grad(theta) if callable(grad) else grad, "grad", allow_empty=True)
    if g.shape != theta.shape:
        raise ValueError(f"grad must have the shape of theta {theta.shape}, got {g.shape}")
    if names is not None:
        names = _check_names(names, theta.size)
    if blocks is not None:
        blocks = _check_blocks(blocks, theta.size)
    num = numerical_gradient(f, theta, eps)
    g, num = g.reshape(-1), num.reshape(-1)
    if names is None:
        names = [f"theta[{k}]" for k in range(g.size)]
    if blocks is None:
        blocks, start = [], 0
        keys = [n.split("[")[0] for n in names]
        for k in range(1, len(keys) + 1):
            if k == len(keys) or keys[k] != keys[start]:
                blocks.append((keys[start], slice(start, k)))
                start = k
    errors = {name: relative_error(g[s], num[s]) for name, s in blocks}
    worst_block = max(errors, key=errors.get)
    s = dict(blocks)[worst_block]
    k = s.start + int(np.argmax(np.abs(g[s] - num[s])))
    report = GradCheckReport(errors[worst_block], worst_block, names[k], errors)
    if report.max_relative_error > tol:
        raise GradientCheckError(
            f"gradient check failed for {worst_block}: relative error "
            f"{report.max_relative_error:.3e} > {tol:.0e}; worst entry {names[k]}: "
            f"analytic {g[k]:.6e} vs finite difference {num[k]:.6e}"
        )
    return report


def check_model_gradient(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                         loss: LossLike = "mse", **kwargs: Any) -> GradCheckReport:
    """:func:`check_gradient` of ``model.loss`` against ``model.loss_and_grad``."""
    check_model(model)
    theta = model.check_theta(theta)
    _, g = model.loss_and_grad(theta, X, y, loss)
    return check_gradient(lambda t: model.loss(t, X, y, loss), g, theta,
                          names=model.param_names(), **kwargs)
