r"""Universal-approximation constructions (chapter 7).

* :func:`relu_interpolant` writes the piecewise-linear interpolant of a function on a grid
  as a sum of shifted ReLUs (Louppe's one-hidden-layer model plus an output constant)

  .. math::

      g(x) = c + \sum_{i=0}^{n-1} w_i\,\mathrm{ReLU}(x + b_i),\qquad b_i = -x_i,\quad
      w_0 = s_0,\quad w_i = s_i - s_{i-1},

  where :math:`s_i = (f(x_{i+1}) - f(x_i))/(x_{i+1}-x_i)` is the slope on the i-th cell and
  :math:`c = f(x_0)`: each unit switches on at a knot and changes the slope by :math:`w_i`.
* :func:`interpolant_mlp` is the same function as a :class:`lib.mlp.MLP` ``(1, n, 1)``.
* :func:`interpolation_bound` is the classical bound :math:`\|f - g\|_\infty \le
  \tfrac{h^2}{8}\max|f''|` for a :math:`C^2` function and grid spacing :math:`h`.
* :func:`sigmoid_step` and :func:`sigmoid_bump` are Cybenko's building blocks:
  :math:`\sigma(k(x-a)) \to \mathbf 1[x > a]` as :math:`k\to\infty`.
* :func:`polynomial_activation` and :func:`random_feature_fit` show why a polynomial
  activation is not universal: a one-hidden-layer network with :math:`\sigma(u) = u^d` is a
  polynomial of degree at most d, whatever its width.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from . import activations as _act
from ._validate import (
    as_array,
    as_values,
    check_callable,
    check_int,
    check_positive,
    check_positive_int,
    check_real,
    check_rng,
)
from .activations import ActivationLike
from .mlp import MLP

__all__ = [
    "relu_interpolant",
    "relu_sum",
    "interpolant_mlp",
    "sup_error",
    "interpolation_bound",
    "loglog_slope",
    "sigmoid_step",
    "sigmoid_bump",
    "polynomial_activation",
    "hidden_features",
    "random_feature_fit",
]


def relu_interpolant(
    f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], knots: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
    r"""Weights of the ReLU sum that interpolates ``f`` at ``knots``.

    Parameters
    ----------
    f : callable or array, shape (n + 1,)
        The target (evaluated at the knots) or its values there.
    knots : array, shape (n + 1,)
        Strictly increasing grid :math:`x_0 < \dots < x_n`.

    Returns
    -------
    w : array, shape (n,)
        Output weights: :math:`w_0 = s_0`, :math:`w_i = s_i - s_{i-1}` (slope changes).
    b : array, shape (n,)
        Shifts :math:`b_i = -x_i`: unit i switches on at knot :math:`x_i`.
    c : float
        Output constant :math:`f(x_0)`.
    """
    x = as_array(knots, "knots", ndim=1)
    if x.size < 2 or np.any(np.diff(x) <= 0):
        raise ValueError("knots must hold at least 2 strictly increasing values")
    fx = as_array(f(x) if callable(f) else f, "f(knots)" if callable(f) else "f", ndim=1)
    if fx.shape != x.shape:
        raise ValueError(f"f must give one value per knot ({x.size}), got shape {fx.shape}")
    s = np.diff(fx) / np.diff(x)  # slope on each cell
    w = np.concatenate([[s[0]], np.diff(s)])  # slope changes at the knots
    return w, -x[:-1], float(fx[0])


def relu_sum(x: npt.ArrayLike, w: npt.ArrayLike, b: npt.ArrayLike,
             c: float = 0.0) -> npt.NDArray[np.float64]:
    r""":math:`g(x) = c + \sum_i w_i\,\mathrm{ReLU}(x + b_i)` at every point of ``x``
    (same shape as x)."""
    x = as_values(x, "x")
    w = as_array(w, "w", ndim=1)
    b = as_array(b, "b", ndim=1)
    if w.shape != b.shape:
        raise ValueError(f"w and b must have the same shape, got {w.shape} and {b.shape}")
    c = check_real(c, "c")
    return c + np.maximum(x[..., None] + b, 0.0) @ w


def interpolant_mlp(w: npt.ArrayLike, b: npt.ArrayLike,
                    c: float = 0.0) -> tuple[MLP, npt.NDArray[np.float64]]:
    r"""The ReLU sum as an MLP ``(1, n, 1)``: :math:`W_1 = \mathbf 1`, :math:`b_1 = b`,
    :math:`W_2 = w^\top`, :math:`b_2 = c`.

    Returns
    -------
    model : lib.mlp.MLP
    theta : array, shape (3n + 1,)
    """
    w = as_array(w, "w", ndim=1)
    b = as_array(b, "b", ndim=1)
    if w.shape != b.shape:
        raise ValueError(f"w and b must have the same shape, got {w.shape} and {b.shape}")
    n = w.size
    model = MLP((1, n, 1), "relu")
    theta = model.flatten([(np.ones((n, 1)), b), (w[None, :], np.array([check_real(c, "c")]))])
    return model, theta


def sup_error(f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
              g: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], low: float, high: float, *,
              points: int = 20001) -> float:
    r""":math:`\max|f - g|` over an even grid of ``points`` points of [low, high]."""
    check_callable(f, "f")
    check_callable(g, "g")
    low, high = check_real(low, "low"), check_real(high, "high")
    if not high > low:
        raise ValueError(f"high must exceed low, got low={low}, high={high}")
    points = check_int(points, "points", low=2)
    xs = np.linspace(low, high, points)
    fx, gx = as_array(f(xs), "f(x) (the values f returned)"), as_array(g(xs), "g(x)")
    if fx.shape != xs.shape or gx.shape != xs.shape:
        raise ValueError(f"f and g must return one value per point, shape {xs.shape}, got "
                         f"{fx.shape} and {gx.shape}")
    return float(np.max(np.abs(fx - gx)))


def interpolation_bound(h: float, f2_max: float) -> float:
    r"""Bound on the interpolation error of a :math:`C^2` function:
    :math:`\tfrac{h^2}{8}\max|f''|`."""
    return check_positive(h, "h") ** 2 / 8.0 * check_positive(f2_max, "f2_max", allow_zero=True)


def loglog_slope(n: npt.ArrayLike, err: npt.ArrayLike) -> float:
    r"""Least-squares slope of :math:`\log(\mathrm{err})` against :math:`\log n` (the rate)."""
    n = as_array(n, "n", ndim=1)
    err = as_array(err, "err", ndim=1)
    if n.shape != err.shape or np.any(n <= 0) or np.any(err <= 0):
        raise ValueError("n and err must be positive arrays of the same shape")
    if np.unique(n).size < 2:
        raise ValueError(f"n must hold at least 2 distinct values to fit a slope, got {n}")
    return float(np.polyfit(np.log(n), np.log(err), 1)[0])


def sigmoid_step(x: npt.ArrayLike, a: float, k: float) -> npt.NDArray[np.float64]:
    r""":math:`\sigma(k(x - a))`, a smooth step at ``a`` that tends to :math:`\mathbf 1[x>a]`."""
    return _act.sigmoid(check_positive(k, "k") * (as_values(x, "x") - check_real(a, "a")))


def sigmoid_bump(x: npt.ArrayLike, a: float, c: float, k: float) -> npt.NDArray[np.float64]:
    r""":math:`\sigma(k(x-a)) - \sigma(k(x-c))`, tends to :math:`\mathbf 1[a < x < c]`."""
    a, c = check_real(a, "a"), check_real(c, "c")
    if not c > a:
        raise ValueError(f"c must exceed a, got a={a}, c={c}")
    return sigmoid_step(x, a, k) - sigmoid_step(x, c, k)


def polynomial_activation(degree: int) -> _act.Activation:
    r"""The activation :math:`\sigma(u) = u^d` as an :class:`lib.activations.Activation`."""
    d = check_positive_int(degree, "degree")
    return _act.Activation(
        f"power{d}",
        lambda u: as_values(u, "z") ** d,
        lambda u: d * as_values(u, "z") ** (d - 1),
        np.inf if d > 1 else 1.0,
        True,
    )


def hidden_features(x, activation, width, rng, *, scale=2.0):
    r"""Random hidden layer :math:`\sigma(w_i x + b_i)`, :math:`w_i, b_i \sim \mathcal
    U(-\mathrm{scale}, \mathrm{scale})`.

    Returns
    -------
    H : array, shape (N, width)
    """
    check_rng(rng)
    width = check_positive_int(width, "width")
    act = _act.get(activation)
    x = as_array(x, "x", ndim=1)
    scale = check_positive(scale, "scale")
    w = rng.uniform(-scale, scale, width)
    b = rng.uniform(-scale, scale, width)
    return act.f(np.outer(x, w) + b)


def random_feature_fit(x: npt.ArrayLike, y: npt.ArrayLike, activation: ActivationLike, width: int,
                       rng: np.random.Generator, *,
                       scale: float = 2.0) -> tuple[float, npt.NDArray[np.float64]]:
    r"""Best output layer for a random hidden layer of ``width`` units (least squares).

    For fixed hidden weights the network :math:`c + \sum_i v_i\sigma(w_i x + b_i)` is linear
    in :math:`(c, v)`, so its best least-squares fit to ``y`` is one ``lstsq`` call.

    Parameters
    ----------
    x, y : arrays, shape (N,)
        Points (e.g. a dense grid) and target values.
    activation : str or Activation
    width : int
    rng : numpy.random.Generator
        Draws the hidden weights and biases.

    Returns
    -------
    rmse : float
        Root mean squared error of the best fit on the points.
    pred : array, shape (N,)
        The fitted network at ``x``.
    """
    x = as_array(x, "x", ndim=1)
    y = as_array(y, "y", ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same shape, got {x.shape} and {y.shape}")
    H = np.hstack([np.ones((x.size, 1)), hidden_features(x, activation, width, rng, scale=scale)])
    coef, *_ = np.linalg.lstsq(H, y, rcond=None)
    pred = H @ coef
    return float(np.sqrt(np.mean((pred - y) ** 2))), pred
