r"""The maximum-margin separator in the perceptron's augmented space (chapter 1).

Novikoff's bound :math:`(R/\gamma)^2` holds for every unit vector :math:`u` that separates the
augmented inputs :math:`\tilde x_i = (x_i, 1)` with margin
:math:`\gamma(u) = \min_i t_i\, u^\top \tilde x_i > 0`, :math:`t_i = 2y_i - 1`. The smallest
bound uses the largest margin

.. math::  \gamma^\star = \max_{\lVert u\rVert = 1} \min_i t_i\, u^\top \tilde x_i
   = 1/\lVert \tilde w^\star \rVert, \qquad
   \tilde w^\star = \arg\min \{\lVert \tilde w \rVert^2 : t_i\, \tilde w^\top \tilde x_i
   \ge 1 \ \forall i\},

a hard-margin support-vector machine :cite:p:`cortes1995support` *through the origin* of the
augmented space (the bias is part of :math:`\tilde w` and is penalised, unlike the usual SVM,
whose margin is measured in input space).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._validate import check_binary_data, check_positive_int

__all__ = ["MaxMarginResult", "max_margin_augmented"]


@dataclass
class MaxMarginResult:
    r"""Outcome of :func:`max_margin_augmented`.

    Attributes
    ----------
    w : array, shape (d,)
        Weights of :math:`\tilde w^\star` (the minimum-norm solution of
        :math:`t_i\,\tilde w^\top \tilde x_i \ge 1`).
    b : float
        Its bias.
    gamma : float
        :math:`\gamma^\star = \min_i t_i\,\tilde w^{\star\top} \tilde x_i / \lVert
        \tilde w^\star\rVert`, the margin of the unit vector :math:`u^\star = \tilde w^\star /
        \lVert \tilde w^\star \rVert` in augmented space.
    alpha : array, shape (N,)
        Dual variables, :math:`\alpha_i \ge 0`, :math:`\tilde w^\star = \sum_i \alpha_i t_i
        \tilde x_i`; non-zero only on support vectors.
    steps : int
        Steps of the active-set method run (one more than the constraints added or dropped).
    """

    w: np.ndarray
    b: float
    gamma: float
    alpha: np.ndarray
    steps: int


def max_margin_augmented(X: npt.ArrayLike, y: npt.ArrayLike, *,
                         max_iter: int = 10_000) -> MaxMarginResult:
    r"""Maximum-margin separator of ``(X, y)`` in augmented space, exactly.

    Solves :math:`\min \tfrac12\lVert \tilde w\rVert^2` subject to :math:`Z\tilde w \ge 1`
    (rows :math:`z_i = t_i \tilde x_i`) by the dual active-set method of Goldfarb and Idnani:
    start at :math:`\tilde w = 0`, repeatedly take the most violated constraint and move
    towards satisfying it while keeping the active constraints satisfied with equality,
    dropping an active constraint whose multiplier would turn negative. It ends after finitely
    many steps at the exact optimum (up to rounding), with at most ``d + 1`` active
    constraints in general position.

    Parameters
    ----------
    X : array, shape (N, d)
    y : array, shape (N,), values in {0, 1}
    max_iter : int
        Cap on the number of steps (each adds or drops one constraint).

    Returns
    -------
    MaxMarginResult

    Raises
    ------
    ValueError
        If the data are not linearly separable in augmented space, or ``max_iter`` steps do
        not suffice.
    """
    X, y = check_binary_data(X, y)
    n, d = X.shape
    max_iter = check_positive_int(max_iter, "max_iter")
    Z = (2 * y - 1)[:, None] * np.hstack([X, np.ones((n, 1))])  # rows t_i * x~_i
    scale = np.max(np.einsum("ij,ij->i", Z, Z))
    eps = 1e-12
    w = np.zeros(d + 1)
    active: list[int] = []
    mult = np.zeros(n)  # Lagrange multipliers, alpha_i
    for it in range(1, max_iter + 1):
        slack = Z @ w - 1.0
        p = int(np.argmin(slack))
        if slack[p] >= -eps:
            norm = np.linalg.norm(w)
            return MaxMarginResult(w[:d].copy(), float(w[d]), float(np.min(Z @ w) / norm),
                                   mult, it)
        while True:  # add constraint p, dropping active ones as needed
            zp = Z[p]
            if active:
                N = Z[active]
                r = np.linalg.lstsq(N @ N.T, N @ zp, rcond=None)[0]  # dual direction
                step_dir = zp - N.T @ r  # primal direction: zp projected off the active rows
            else:
                r = np.zeros(0)
                step_dir = zp
            blocking = [(mult[a] / r[k], k) for k, a in enumerate(active) if r[k] > eps]
            t_drop, k_drop = min(blocking) if blocking else (np.inf, -1)
            curv = step_dir @ zp
            t_full = (1.0 - zp @ w) / curv if curv > eps * scale else np.inf
            if not np.isfinite(t_drop) and not np.isfinite(t_full):
                raise ValueError("X, y must be linearly separable in augmented space: the "
                                 f"constraint of example {p} cannot be met")
            t = min(t_drop, t_full)
            if np.isfinite(t_full):
                w = w + t * step_dir
            for k, a in enumerate(active):
                mult[a] -= t * r[k]
            mult[p] += t
            if t == t_full:
                active.append(p)
                break
            dropped = active.pop(k_drop)
            mult[dropped] = 0.0
    raise ValueError(f"max_iter={max_iter} steps did not reach the optimum; raise max_iter")
