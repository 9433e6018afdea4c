r"""Test functions for gradient descent and the facts about its step (chapter 4).

Gradient descent :math:`\theta_{t+1} = \theta_t - \gamma\nabla f(\theta_t)` is the minimiser of
the *first-order model* of :math:`f` around :math:`\theta_t` plus a proximity term,

.. math::

    \hat f(\epsilon;\theta_t) = f(\theta_t) + \epsilon^\top\nabla f(\theta_t)
    + \frac{1}{2\gamma}\|\epsilon\|^2,
    \qquad \operatorname*{arg\,min}_\epsilon \hat f(\epsilon;\theta_t) = -\gamma\nabla f(\theta_t).

This module holds the small functions on which chapter 4 watches the iteration:

* :func:`wavy_parabola`, :math:`f(x) = x^2/10 + \sin x` on :math:`\mathbb{R}`, with a local and
  a global minimum and a globally Lipschitz derivative (:math:`L = 1.2`);
* :func:`quadratic`, :math:`f(x) = \tfrac12 x^\top A x - b^\top x`, for which the iterates are
  known in closed form (:func:`quadratic_iterates`) and the step-size condition
  :math:`\gamma < 2/\lambda_{\max}(A)` is sharp (:func:`critical_step`).

An :class:`Objective` evaluates ``f`` and ``grad`` on arrays of points of shape ``(..., d)``
(so a whole grid at once for contour plots); a 1-D objective takes shape ``(..., 1)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._validate import (
    as_array,
    check_callable,
    check_positive,
    check_positive_int,
    check_real,
    solve,
)

__all__ = [
    "Objective",
    "wavy_parabola",
    "quadratic",
    "first_order_model",
    "descent_bound",
    "critical_step",
    "quadratic_iterates",
    "newton_stationary_point",
]


@dataclass(frozen=True)
class Objective:
    r"""A differentiable function :math:`f:\mathbb{R}^d\to\mathbb{R}` with what chapter 4 needs.

    Attributes
    ----------
    name : str
        A LaTeX-ready label for plots.
    dim : int
        :math:`d`.
    f : callable
        ``f(x)`` for ``x`` of shape ``(..., d)``; returns shape ``(...)``.
    grad : callable
        ``grad(x)`` of shape ``(..., d)``.
    hess : callable
        ``hess(x)`` of shape ``(..., d, d)``.
    smoothness : float
        A global Lipschitz constant :math:`L` of ``grad`` (:math:`\sup\|\nabla^2 f\|_2`).
    minima : array, shape (k, d)
        The local minimisers, global one first.
    bounds : tuple of (low, high)
        A plotting box, one pair per coordinate.
    """

    name: str
    dim: int
    f: object
    grad: object
    hess: object
    smoothness: float
    minima: np.ndarray
    bounds: tuple

    def _x(self, x):
        x = as_array(x, "x")
        if self.dim == 1 and x.ndim == 0:
            x = x.reshape(1)
        if x.shape[-1] != self.dim:
            raise ValueError(f"x must have shape (..., {self.dim}), got {x.shape}")
        return x

    def value(self, x):
        """:math:`f(x)` with validation; ``x`` of shape ``(..., d)``."""
        return self.f(self._x(x))

    def gradient(self, x):
        r""":math:`\nabla f(x)` with validation; shape ``(..., d)``."""
        return self.grad(self._x(x))


def newton_stationary_point(grad, hess, x0, *, tol=1e-13, max_iter=100):
    r"""A stationary point :math:`\nabla f(x) = 0` by Newton's method from ``x0``.

    Used to locate the exact minimisers of the test functions (an oracle independent of
    gradient descent). Raises ``RuntimeError`` if Newton does not converge.

    Returns
    -------
    x : array, shape (d,)
    """
    check_callable(grad, "grad")
    check_callable(hess, "hess")
    x = as_array(np.atleast_1d(x0), "x0", ndim=1).copy()
    tol = check_positive(tol, "tol")
    max_iter = check_positive_int(max_iter, "max_iter")
    for _ in range(max_iter):
        H = as_array(np.atleast_2d(hess(x)), "hess(x) (the value hess returned)", ndim=2)
        gx = as_array(np.atleast_1d(grad(x)), "grad(x) (the value grad returned)", ndim=1)
        if H.shape != (x.size, x.size) or gx.shape != x.shape:
            raise ValueError(f"grad and hess must return shapes {x.shape} and "
                             f"{(x.size, x.size)}, got {gx.shape} and {H.shape}")
        step = solve(H, gx, f"hess(x) at x = {x}")
        x = x - step
        if np.linalg.norm(step) < tol * (1 + np.linalg.norm(x)):
            return x
    raise RuntimeError(f"Newton's method did not converge from x0 = {x0}")


def wavy_parabola() -> Objective:
    r"""Chapter 4's 1-D example :math:`f(x) = x^2/10 + \sin x`.

    :math:`f'(x) = x/5 + \cos x` and :math:`f''(x) = 1/5 - \sin x`, so :math:`f'` is
    Lipschitz with :math:`L = \sup|f''| = 1.2`. The function has a global minimum near
    :math:`x = -1.31`, a local maximum near :math:`1.98` and a local (non-global) minimum near
    :math:`3.84`; far away it grows like :math:`x^2/10`.

    Returns
    -------
    Objective
        ``dim = 1``; ``minima`` of shape (2, 1), global first.
    """

    def f(x):
        x = np.asarray(x, dtype=float)
        return x[..., 0] ** 2 / 10 + np.sin(x[..., 0])

    def grad(x):
        x = np.asarray(x, dtype=float)
        return x / 5 + np.cos(x)

    def hess(x):
        x = np.asarray(x, dtype=float)
        return (0.2 - np.sin(x))[..., None]

    minima = np.array([newton_stationary_point(grad, hess, x0) for x0 in (-1.3, 3.8)])
    return Objective(r"$f(x) = x^2/10 + \sin x$", 1, f, grad, hess, 1.2, minima,
                     ((-8.0, 9.0),))


def quadratic(A: npt.ArrayLike, b: npt.ArrayLike | None = None, *,
              bounds: Sequence[tuple[float, float]] | None = None) -> Objective:
    r"""The quadratic :math:`f(x) = \tfrac12 x^\top A x - b^\top x` with :math:`A` symmetric
    positive definite (chapter 4).

    :math:`\nabla f(x) = Ax - b`, :math:`\nabla^2 f = A`, :math:`L = \lambda_{\max}(A)`, and the
    unique minimiser is :math:`x^\star = A^{-1}b`.

    Parameters
    ----------
    A : array, shape (d, d)
        Symmetric positive definite.
    b : array, shape (d,), optional
        Default 0.
    bounds : tuple of (low, high), optional
        Plotting box; default :math:`x^\star \pm 3` in every coordinate.

    Returns
    -------
    Objective
    """
    A = _symmetric(A)
    d = A.shape[0]
    eig = np.linalg.eigvalsh(A)
    if eig[0] <= 0:
        raise ValueError(f"A must be positive definite, smallest eigenvalue {eig[0]:.3g}")
    b = np.zeros(d) if b is None else as_array(np.atleast_1d(b), "b", ndim=1)
    if b.shape != (d,):
        raise ValueError(f"b must have shape ({d},), got {b.shape}")
    xstar = np.linalg.solve(A, b)

    def f(x):
        x = np.asarray(x, dtype=float)
        return 0.5 * np.einsum("...i,ij,...j->...", x, A, x) - x @ b

    def grad(x):
        return np.asarray(x, dtype=float) @ A - b  # A symmetric: (A x)^T = x^T A

    def hess(x):
        x = np.asarray(x, dtype=float)
        return np.broadcast_to(A, x.shape[:-1] + (d, d)).copy()

    if bounds is None:
        bounds = tuple((float(c) - 3.0, float(c) + 3.0) for c in xstar)
    else:
        bounds = _check_bounds(bounds, d)
    name = r"$f(x) = \frac{1}{2} x^\top A x$" if d > 1 else rf"$f(x) = {A[0, 0]:g}\,x^2/2$"
    return Objective(name, d, f, grad, hess, float(eig[-1]), xstar[None, :], tuple(bounds))


def _check_bounds(bounds, d):
    """``d`` pairs (low, high) of finite numbers with low < high."""
    try:
        pairs = [(check_real(lo, "bounds"), check_real(hi, "bounds")) for lo, hi in bounds]
    except (TypeError, ValueError) as err:
        raise type(err)(f"bounds must be {d} pair(s) (low, high) of finite numbers: {err}"
                        ) from None
    if len(pairs) != d or any(not lo < hi for lo, hi in pairs):
        raise ValueError(f"bounds must be {d} pair(s) (low, high) with low < high, "
                         f"got {bounds!r}")
    return tuple(pairs)


def first_order_model(f: Callable[[npt.NDArray[np.float64]], float],
                      grad: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
                      theta0: npt.ArrayLike,
                      gamma: float) -> Callable[[npt.ArrayLike], npt.NDArray[np.float64]]:
    r"""The model :math:`\hat f(\epsilon;\theta_0) = f(\theta_0) + \epsilon^\top\nabla
    f(\theta_0) + \|\epsilon\|^2/(2\gamma)` whose minimiser is the gradient step.

    Parameters
    ----------
    f, grad : callable
        The function and its gradient at a point of shape ``(d,)``.
    theta0 : array, shape (d,)
    gamma : float
        Step size :math:`\gamma > 0`.

    Returns
    -------
    model : callable
        ``model(eps)`` for ``eps`` of shape ``(..., d)``, returns shape ``(...)``.
    """
    check_callable(f, "f")
    check_callable(grad, "grad")
    theta0 = as_array(np.atleast_1d(theta0), "theta0", ndim=1)
    gamma = check_positive(gamma, "gamma")
    f0 = float(np.squeeze(f(theta0)))
    g0 = np.asarray(grad(theta0), dtype=float).reshape(theta0.shape)

    def model(eps):
        eps = np.asarray(eps, dtype=float)
        return f0 + eps @ g0 + np.sum(eps * eps, axis=-1) / (2 * gamma)

    return model


def descent_bound(value: npt.ArrayLike, grad_norm: npt.ArrayLike, gamma: float,
                  smoothness: float) -> npt.NDArray[np.float64]:
    r"""Right-hand side of the descent lemma,
    :math:`f(\theta) - \gamma\big(1 - \tfrac{L\gamma}{2}\big)\|\nabla f(\theta)\|^2`, an upper
    bound on :math:`f(\theta - \gamma\nabla f(\theta))` when :math:`\nabla f` is
    :math:`L`-Lipschitz.

    Parameters
    ----------
    value : float or array
        :math:`f(\theta)`.
    grad_norm : float or array (same shape)
        :math:`\|\nabla f(\theta)\|`.
    gamma, smoothness : float
        :math:`\gamma > 0` and :math:`L > 0`.
    """
    gamma = check_positive(gamma, "gamma")
    smoothness = check_positive(smoothness, "smoothness")
    g = as_array(grad_norm, "grad_norm")
    if np.any(g < 0):
        raise ValueError(f"grad_norm must be non-negative (a norm), got {grad_norm!r}")
    return as_array(value, "value") - gamma * (1 - smoothness * gamma / 2) * g * g


def critical_step(A: npt.ArrayLike) -> float:
    r""":math:`2/\lambda_{\max}(A)`: gradient descent on :math:`\tfrac12 x^\top A x - b^\top x`
    converges from every start iff :math:`0 < \gamma < 2/\lambda_{\max}(A)`."""
    A = _symmetric(A)
    top = np.linalg.eigvalsh(A)[-1]
    if not top > 0:
        raise ValueError(f"A must have a positive eigenvalue (no step is critical otherwise), "
                         f"largest eigenvalue {top:.3g}")
    return float(2.0 / top)


def _symmetric(A):
    """``A`` as a symmetric square float matrix (a scalar is a 1 x 1 matrix)."""
    A = as_array(np.atleast_2d(A), "A", ndim=2)
    if A.shape[0] != A.shape[1] or not np.allclose(A, A.T):
        raise ValueError(f"A must be a symmetric square matrix, got {A.tolist()}")
    return A


def quadratic_iterates(A: npt.ArrayLike, b: npt.ArrayLike, x0: npt.ArrayLike, gamma: float,
                       steps: int) -> npt.NDArray[np.float64]:
    r"""Closed form of gradient descent on a quadratic:
    :math:`x_t = x^\star + (I - \gamma A)^t (x_0 - x^\star)`.

    Computed through the eigendecomposition :math:`A = Q\Lambda Q^\top`, so each eigen-direction
    is multiplied by :math:`(1-\gamma\lambda_i)^t`: an oracle independent of iterating.

    Returns
    -------
    trajectory : array, shape (steps + 1, d)
    """
    A = _symmetric(A)
    d = A.shape[0]
    b = as_array(np.atleast_1d(b), "b", ndim=1)
    x0 = as_array(np.atleast_1d(x0), "x0", ndim=1)
    for name, v in (("b", b), ("x0", x0)):
        if v.shape != (d,):
            raise ValueError(f"{name} must have shape ({d},) to match A, got {v.shape}")
    gamma = check_positive(gamma, "gamma")
    steps = check_positive_int(steps, "steps", allow_zero=True)
    lam, Q = np.linalg.eigh(A)
    xstar = solve(A, b, "A")
    c0 = Q.T @ (x0 - xstar)  # coordinates of the initial error in the eigenbasis
    t = np.arange(steps + 1)[:, None]
    with np.errstate(over="ignore"):
        factors = (1.0 - gamma * lam)[None, :] ** t  # shape (steps + 1, d)
    return xstar + (factors * c0) @ Q.T
