r"""Loss functions :math:`L(u, y)` of the model output :math:`u = m(x;\theta)` (chapters 2-3).

Every loss takes the model output ``u`` and the targets ``y`` and returns
``(value, grad)`` where ``grad`` is the derivative of ``value`` with respect to ``u``
(same shape as ``u``). This is :math:`\delta_{n+1}`, the start of the backward pass
(chapter 5). Outputs are stored as rows: ``u`` has shape ``(N, k)``.

``reduction`` chooses the value returned:

* ``"mean"`` (default): :math:`\frac1N\sum_i L(u_i, y_i)`, gradient rows divided by N;
* ``"sum"``: :math:`\sum_i L(u_i, y_i)`;
* ``"none"``: the N per-example losses, shape ``(N,)``, and the per-example gradients.

Classification losses are computed from logits (the network has no final activation):
``log(softmax)`` is never formed and nothing is clipped; :math:`\log\sum e^{u}` is evaluated
with the maximum subtracted, so logits of size :math:`10^4` give finite values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validate import as_array, check_labels, check_positive
from .activations import _exp_nonpos, sigmoid, softplus

__all__ = [
    "NAMES",
    "get",
    "mse",
    "binary_logistic",
    "softmax",
    "log_softmax",
    "softmax_cross_entropy",
    "hinge",
    "huber",
    "l1",
]

_REDUCTIONS = ("mean", "sum", "none")


def _outputs(u, name="u"):
    arr = as_array(u, name, ndim=(1, 2))
    return arr[:, None] if arr.ndim == 1 else arr


def _reduce(per_example, grad, reduction):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    n = per_example.shape[0]
    if reduction == "mean":
        return float(per_example.mean()), grad / n
    if reduction == "sum":
        return float(per_example.sum()), grad
    return per_example, grad


def _targets_like(y, u, name="y"):
    arr = as_array(y, name, ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.shape != u.shape:
        raise ValueError(f"{name} must have the shape of u, {u.shape}, got {arr.shape}")
    return arr


def mse(u: npt.ArrayLike, y: npt.ArrayLike,
        reduction: str = "mean") -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Half squared error :math:`L(u,y) = \tfrac12\|u-y\|_2^2` (Gaussian likelihood).

    Parameters
    ----------
    u : array, shape (N, k) or (N,)
        Model outputs.
    y : array, same shape as ``u``
        Regression targets.

    Returns
    -------
    value : float (or array (N,) with ``reduction="none"``)
    grad : array, shape (N, k)
        :math:`\partial L/\partial u = u - y` (divided by N for the mean).
    """
    u = _outputs(u)
    y = _targets_like(y, u)
    r = u - y
    return _reduce(0.5 * np.sum(r * r, axis=1), r, reduction)


def binary_logistic(
    u: npt.ArrayLike, y: npt.ArrayLike, reduction: str = "mean",
) -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Binary cross-entropy from a logit, labels :math:`y\in\{0,1\}` (chapter 2).

    :math:`L(u,y) = -y\log\sigma(u) - (1-y)\log(1-\sigma(u)) = \log(1+e^u) - y u`,
    evaluated as ``softplus(u)`` for y = 0 and ``softplus(-u)`` (:math:`=\log(1+e^u) - u`)
    for y = 1, so a tiny loss keeps its relative accuracy (no cancellation);
    :math:`\partial L/\partial u = \sigma(u) - y`.

    Parameters
    ----------
    u : array, shape (N, 1) or (N,)
        Logits :math:`w^\top x + b`.
    y : array, shape (N,) or (N, 1)
        Labels in {0, 1}.
    """
    u = _outputs(u)
    if u.shape[1] != 1:
        raise ValueError(f"u must have shape (N, 1) for the binary logistic loss, got {u.shape}")
    y = _targets_like(check_labels(y, "y", (0, 1)), u)
    per = np.where(y == 1, softplus(-u), softplus(u))[:, 0]  # = softplus(u) - y u
    return _reduce(per, sigmoid(u) - y, reduction)


def log_softmax(u):
    r"""Row-wise :math:`\log\mathrm{softmax}(u)_i = u_i - \log\sum_j e^{u_j}` (max subtracted).

    With :math:`s = u - \max_j u_j`, :math:`\log\sum_j e^{s_j} = \log(1 + \sum_{j\ne j^*}
    e^{s_j})` is evaluated with ``log1p`` (one maximal entry :math:`j^*` left out), so the
    cross-entropy of a confident correct prediction keeps its relative accuracy and stays > 0.
    """
    u = _outputs(u)
    n = u.shape[0]
    top = np.argmax(u, axis=1)
    shifted = u - u[np.arange(n), top][:, None]  # every entry <= 0, the max is exactly 0
    e = _exp_nonpos(shifted)  # no underflow: exactly 0 below e^-700
    e[np.arange(n), top] = 0.0  # its term e^0 = 1 is the "1 +" of log1p
    return shifted - np.log1p(np.sum(e, axis=1, keepdims=True))


def softmax(u: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Row-wise softmax :math:`e^{u_i}/\sum_j e^{u_j}`, shape (N, k) (chapter 3)."""
    u = _outputs(u)
    shifted = u - u.max(axis=1, keepdims=True)
    e = _exp_nonpos(shifted)  # in [0, 1], the max gives exactly 1
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(
    u: npt.ArrayLike, y: npt.ArrayLike, reduction: str = "mean",
) -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Multiclass logistic loss (softmax + cross-entropy) from logits (chapter 3).

    :math:`L(u, y) = -\log\frac{e^{u_y}}{\sum_j e^{u_j}} = \log\sum_j e^{u_j} - u_y`, with
    gradient :math:`\mathrm{softmax}(u) - e_y`.

    Parameters
    ----------
    u : array, shape (N, k)
        Logits, k >= 2 classes.
    y : array of int, shape (N,)
        Class indices in {0, ..., k-1}.
    """
    u = _outputs(u)
    n, k = u.shape
    if k < 2:
        raise ValueError(f"u must have at least 2 columns (classes), got shape {u.shape}")
    y = check_labels(y, "y", range(k))
    if y.ndim != 1 or y.shape[0] != n:
        raise ValueError(f"y must have shape ({n},) with one class index per row, got {y.shape}")
    yi = y.astype(int)
    logp = log_softmax(u)
    per = -logp[np.arange(n), yi]
    grad = _exp_nonpos(logp)  # softmax(u), without underflow in exp
    grad[np.arange(n), yi] -= 1.0
    return _reduce(per, grad, reduction)


def hinge(
    u: npt.ArrayLike, y: npt.ArrayLike, reduction: str = "mean",
) -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Hinge loss :math:`\max(0, 1 - y u)` with labels :math:`y \in \{-1, +1\}` (SVM).

    The (sub)gradient is :math:`-y` where :math:`yu<1` and 0 elsewhere.
    """
    u = _outputs(u)
    if u.shape[1] != 1:
        raise ValueError(f"u must have shape (N, 1) for the hinge loss, got {u.shape}")
    y = _targets_like(check_labels(y, "y", (-1, 1)), u)
    margin = 1.0 - y * u
    active = margin > 0
    return _reduce(np.where(active, margin, 0.0)[:, 0], np.where(active, -y, 0.0), reduction)


def huber(
    u: npt.ArrayLike, y: npt.ArrayLike, delta: float = 1.0, reduction: str = "mean",
) -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Huber loss, summed over outputs: :math:`\tfrac12 r^2` for :math:`|r|\le\delta`,
    :math:`\delta(|r| - \tfrac12\delta)` beyond, with :math:`r = u - y`.

    The gradient is :math:`r` clipped to :math:`[-\delta, \delta]`.
    """
    delta = check_positive(delta, "delta")
    u = _outputs(u)
    y = _targets_like(y, u)
    r = u - y
    a = np.abs(r)
    per = np.where(a <= delta, 0.5 * r * r, delta * (a - 0.5 * delta)).sum(axis=1)
    return _reduce(per, np.clip(r, -delta, delta), reduction)


def l1(u: npt.ArrayLike, y: npt.ArrayLike,
       reduction: str = "mean") -> tuple[float | npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""1-norm loss :math:`\|u - y\|_1`; gradient :math:`\mathrm{sign}(u-y)` (0 at a tie)."""
    u = _outputs(u)
    y = _targets_like(y, u)
    r = u - y
    return _reduce(np.abs(r).sum(axis=1), np.sign(r), reduction)


#: Names accepted by :func:`get`.
NAMES = ("mse", "logistic", "cross_entropy", "hinge", "huber", "l1")
#: A loss as this module defines it: ``loss(u, y) -> (value, dL/du)`` (a type alias).
LossFn = Callable[..., tuple[Any, npt.NDArray[np.float64]]]
#: A name of :data:`NAMES` or a loss function (a type alias of the signatures).
LossLike = str | LossFn
_TABLE = {
    "mse": mse,
    "logistic": binary_logistic,
    "cross_entropy": softmax_cross_entropy,
    "hinge": hinge,
    "huber": huber,
    "l1": l1,
}


def get(name: LossLike) -> LossFn:
    """Look up a loss by name (one of :data:`NAMES`); a callable is returned unchanged."""
    if callable(name):
        return name
    if not isinstance(name, str):
        raise TypeError(f"loss must be a name (str) or a callable, got {type(name).__name__}")
    if name not in _TABLE:
        raise ValueError(f"unknown loss {name!r}; expected one of {', '.join(NAMES)}")
    return _TABLE[name]
