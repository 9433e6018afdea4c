r"""The excess-error decomposition of Bottou and Bousquet, computed exactly (chapter 4).

Regression with :math:`x\sim\mathcal U(-1,1)`, :math:`y = f^\star(x) + \varepsilon`,
:math:`\varepsilon\sim\mathcal N(0, s^2)` and the half squared loss. The risk of a predictor
:math:`f` is

.. math::

    R(f) = \tfrac12\,\mathbb E\,(f(x) - y)^2 = \tfrac12\,\|f - f^\star\|^2_{L^2(\mathcal U)}
    + \tfrac{s^2}{2},

so the Bayes model is :math:`f_B = f^\star` with :math:`R(f_B) = s^2/2`. The hypothesis class
:math:`\mathcal F_d` is the polynomials of degree at most d, written in the Legendre basis
normalised to be orthonormal in :math:`L^2(\mathcal U(-1,1))`, so that

* the best predictor in the class :math:`f_{\mathcal F}` is the orthogonal projection of
  :math:`f^\star` (coefficients :math:`c_k = \mathbb E[f^\star(x)\phi_k(x)]`, computed by
  Gauss-Legendre quadrature);
* the risk of any polynomial is exact (quadrature, no test set needed);
* the empirical risk minimiser :math:`f_n` is least squares on the N training points;
* the approximate minimiser :math:`\tilde f_n` is gradient descent from 0 stopped after T steps.

Then, for one training set,

.. math::

    R(\tilde f_n) - R(f_B) = \underbrace{R(f_{\mathcal F}) - R(f_B)}_{\mathcal E_{app}\ \ge 0}
    + \underbrace{R(f_n) - R(f_{\mathcal F})}_{\mathcal E_{est}\ \ge 0}
    + \underbrace{R(\tilde f_n) - R(f_n)}_{\mathcal E_{opt}},

and the lecture's decomposition is its expectation over training sets
:cite:p:`bottou2008tradeoffs`. :math:`\mathcal E_{opt}` can be negative on one training set
(stopping early can help); what the optimiser guarantees is on the *empirical* risk:
:math:`R_n(\tilde f_n) \ge R_n(f_n)`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from numpy.polynomial import legendre as _leg

from ._validate import as_array, check_callable, check_positive, check_positive_int, check_rng

__all__ = [
    "legendre_features",
    "best_in_class",
    "risk",
    "ExcessError",
    "excess_error_experiment",
]

_QUAD_POINTS = 120  # exact for polynomials of degree < 240


def _values_of(f, x):
    """``f(x)`` as a finite float array of the shape of ``x`` (a clear error naming ``f``)."""
    y = as_array(f(x), "f(x) (the values f returned)")
    if y.shape != np.shape(x):
        raise ValueError(f"f must return one value per point, shape {np.shape(x)}, got {y.shape}")
    return y


def legendre_features(x: npt.ArrayLike, degree: int) -> npt.NDArray[np.float64]:
    r"""Orthonormal Legendre features :math:`\phi_k(x) = \sqrt{2k+1}\,P_k(x)`, k = 0..degree.

    :math:`\mathbb E_{x\sim\mathcal U(-1,1)}[\phi_k(x)\phi_l(x)] = [k = l]`.

    Parameters
    ----------
    x : array, shape (N,) or (N, 1)
    degree : int

    Returns
    -------
    Phi : array, shape (N, degree + 1)
    """
    x = as_array(x, "x", ndim=(1, 2)).reshape(-1)
    degree = check_positive_int(degree, "degree", allow_zero=True)
    return _leg.legvander(x, degree) * np.sqrt(2 * np.arange(degree + 1) + 1)


@functools.lru_cache(maxsize=1)
def _quadrature():
    r"""Gauss-Legendre nodes and weights of :math:`\mathbb E` over U(-1, 1) (read-only)."""
    nodes, weights = _leg.leggauss(_QUAD_POINTS)
    weights = weights / 2
    nodes.flags.writeable = False
    weights.flags.writeable = False
    return nodes, weights


def best_in_class(f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
                  degree: int) -> npt.NDArray[np.float64]:
    r"""Coefficients of :math:`f_{\mathcal F_d}`, the :math:`L^2(\mathcal U(-1,1))` projection of
    ``f`` on polynomials of degree at most ``degree``: :math:`c_k = \mathbb E[f(x)\phi_k(x)]`.

    Returns
    -------
    c : array, shape (degree + 1,)
    """
    check_callable(f, "f")
    nodes, w = _quadrature()
    return (w * _values_of(f, nodes)) @ legendre_features(nodes, degree)


def risk(coef: npt.ArrayLike, f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
         noise: float) -> npt.NDArray[np.float64]:
    r"""Exact risk :math:`R = \tfrac12\mathbb E(\sum_k c_k\phi_k(x) - f(x))^2 + s^2/2`.

    Parameters
    ----------
    coef : array, shape (..., degree + 1)
        Legendre coefficients (several predictors at once).
    f : callable
        The target :math:`f^\star`.
    noise : float
        :math:`s \ge 0`.

    Returns
    -------
    array, shape (...)
    """
    coef = as_array(coef, "coef")
    noise = check_positive(noise, "noise", allow_zero=True)
    nodes, w = _quadrature()
    pred = coef @ legendre_features(nodes, coef.shape[-1] - 1).T  # shape (..., Q)
    err = pred - _values_of(check_callable(f, "f"), nodes)
    return 0.5 * (err * err) @ w + 0.5 * noise**2


@dataclass
class ExcessError:
    r"""Risks and the three terms of the decomposition, one row per training set.

    Arrays have shape ``(n_sets, len(degrees))`` unless said otherwise.

    Attributes
    ----------
    degrees : array, shape (D,)
    bayes : float
        :math:`R(f_B) = s^2/2`.
    best : array, shape (D,)
        :math:`R(f_{\mathcal F})`.
    erm, approx : array
        :math:`R(f_n)` and :math:`R(\tilde f_n)`.
    emp_erm, emp_approx : array
        Empirical risks :math:`R_n(f_n)` and :math:`R_n(\tilde f_n)`.
    """

    degrees: np.ndarray
    bayes: float
    best: np.ndarray
    erm: np.ndarray
    approx: np.ndarray
    emp_erm: np.ndarray
    emp_approx: np.ndarray

    @property
    def app(self):
        r""":math:`\mathcal E_{app} = R(f_{\mathcal F}) - R(f_B)`, shape (D,)."""
        return self.best - self.bayes

    @property
    def est(self):
        r""":math:`\mathcal E_{est} = R(f_n) - R(f_{\mathcal F})` per training set."""
        return self.erm - self.best

    @property
    def opt(self):
        r""":math:`\mathcal E_{opt} = R(\tilde f_n) - R(f_n)` per training set."""
        return self.approx - self.erm

    @property
    def total(self):
        r"""Excess error :math:`R(\tilde f_n) - R(f_B)` per training set."""
        return self.approx - self.bayes


def excess_error_experiment(f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
                            degrees: Sequence[int], n_train: int, noise: float, steps: int,
                            rng: np.random.Generator, *, n_sets: int = 100) -> ExcessError:
    r"""Draw ``n_sets`` training sets and compute every risk of the decomposition.

    For each training set of size N and each degree d: least squares gives :math:`f_n`;
    gradient descent on the empirical risk :math:`R_n(c) = \frac1{2N}\|\Phi c - y\|^2` from
    :math:`c = 0` with step :math:`1/\lambda_{\max}(\Phi^\top\Phi/N)` (safely below the
    :math:`2/L` limit) stopped after ``steps`` iterations gives :math:`\tilde f_n`.

    Parameters
    ----------
    f : callable
        Target :math:`f^\star` on :math:`[-1, 1]`.
    degrees : sequence of int
        Sizes of the nested hypothesis classes.
    n_train : int
        N.
    noise : float
        Label noise standard deviation s.
    steps : int
        Gradient-descent iterations T (0 allowed: :math:`\tilde f_n = 0`).
    rng : numpy.random.Generator
    n_sets : int
        Number of independent training sets (the expectation of the lecture is their mean).

    Returns
    -------
    ExcessError
    """
    check_callable(f, "f")
    degrees = np.asarray([check_positive_int(d, "degrees", allow_zero=True)
                          for d in np.atleast_1d(degrees)])
    n_train = check_positive_int(n_train, "n_train")
    noise = check_positive(noise, "noise", allow_zero=True)
    steps = check_positive_int(steps, "steps", allow_zero=True)
    check_rng(rng)
    n_sets = check_positive_int(n_sets, "n_sets")
    if n_train <= degrees.max():
        raise ValueError(f"n_train must exceed the largest degree {degrees.max()}, got {n_train}")

    x = rng.uniform(-1.0, 1.0, size=(n_sets, n_train))
    y = _values_of(f, x) + noise * rng.standard_normal((n_sets, n_train))
    shape = (n_sets, degrees.size)
    erm, approx = np.empty(shape), np.empty(shape)
    emp_erm, emp_approx = np.empty(shape), np.empty(shape)
    best = np.empty(degrees.size)
    for k, d in enumerate(degrees):
        best[k] = risk(best_in_class(f, d), f, noise)
        Phi = legendre_features(x.reshape(-1), d).reshape(n_sets, n_train, d + 1)
        H = np.einsum("sni,snj->sij", Phi, Phi) / n_train  # Hessian of R_n, per set
        r = np.einsum("sni,sn->si", Phi, y) / n_train
        c_erm = np.linalg.solve(H, r[..., None])[..., 0]  # normal equations
        lr = 1.0 / np.linalg.eigvalsh(H)[:, -1]
        c = np.zeros_like(c_erm)
        for _ in range(steps):  # gradient descent on R_n, all training sets at once
            c = c - lr[:, None] * (np.einsum("sij,sj->si", H, c) - r)
        for coef, R, Rn in ((c_erm, erm, emp_erm), (c, approx, emp_approx)):
            R[:, k] = risk(coef, f, noise)
            res = np.einsum("sni,si->sn", Phi, coef) - y
            Rn[:, k] = 0.5 * np.mean(res * res, axis=1)
    return ExcessError(degrees=degrees, bayes=0.5 * noise**2, best=best, erm=erm,
                       approx=approx, emp_erm=emp_erm, emp_approx=emp_approx)
