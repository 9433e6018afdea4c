r"""What the activations make of the network :math:`m(x;\theta)` (chapter 3).

* With identity activations the network collapses to one affine map (Giselsson):

  .. math::

      m(x;\theta) = \underbrace{W_n W_{n-1}\cdots W_1}_{W}\,x
      + \underbrace{b_n + \sum_{l=2}^{n} W_n\cdots W_l\, b_{l-1}}_{b},

  computed by :func:`affine_collapse`.
* With ReLU or LeakyReLU activations the network is continuous and piecewise affine. On a
  scalar input, its **kinks** can only sit where some hidden pre-activation
  :math:`(v_j)_i = (W_j z_j + b_j)_i` changes sign. :func:`kinks_1d` finds these points
  exactly, layer by layer: between two consecutive candidate points found so far, every
  pre-activation of the next layer is affine in :math:`x`, so its zero is located by linear
  interpolation, with no grid and no tolerance.

Shapes follow :mod:`lib.mlp`: ``X`` is ``(N, n_1)``; ``W_j`` is ``(n_{j+1}, n_j)``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import as_array, check_model, check_real
from .mlp import MLP

__all__ = ["affine_collapse", "kinks_1d", "piece_slopes", "PIECEWISE_AFFINE"]

PIECEWISE_AFFINE = ("relu", "leaky_relu", "identity")


def affine_collapse(
    model: MLP, theta: npt.ArrayLike,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""The single affine map :math:`x \mapsto Wx + b` of a network with identity activations.

    Parameters
    ----------
    model : lib.mlp.MLP
        Every hidden activation must be ``"identity"`` (and the network not residual).
    theta : array, shape (p,)

    Returns
    -------
    W : array, shape (n_{n+1}, n_1)
        :math:`W_n W_{n-1}\cdots W_1`.
    b : array, shape (n_{n+1},)
        :math:`b_n + \sum_{l=2}^{n} W_n\cdots W_l b_{l-1}`.
    """
    check_model(model)
    names = {a.name for a in model.activations}
    if names != {"identity"} or any(model.residual_layers):
        raise ValueError(
            f"model must have identity activations and no skip connections to collapse, "
            f"got {model!r}"
        )
    layers = model.layers(model.check_theta(theta))
    n = len(layers)
    W = layers[0][0].copy()
    for Wj, _ in layers[1:]:
        W = Wj @ W  # W_n ... W_1, built from the right
    b = layers[-1][1].copy()  # b_n
    for ell in range(2, n + 1):  # the term W_n ... W_ell b_{ell-1}
        prod = np.eye(layers[-1][0].shape[0])
        for j in range(n, ell - 1, -1):  # W_n W_{n-1} ... W_ell (1-based j)
            prod = prod @ layers[j - 1][0]
        b = b + prod @ layers[ell - 2][1]
    return W, b


def _check_scalar_model(model):
    if model.widths[0] != 1 or model.widths[-1] != 1:
        raise ValueError(f"model must map scalars to scalars (widths (1, ..., 1)), got {model!r}")
    bad = [a.name for a in model.activations[:-1] if a.name not in PIECEWISE_AFFINE]
    if bad:
        raise ValueError(
            f"kinks are defined for piecewise-affine activations {PIECEWISE_AFFINE}, got {bad[0]!r}"
        )


def kinks_1d(
    model: MLP, theta: npt.ArrayLike, lo: float, hi: float, *, return_units: bool = False,
) -> npt.NDArray[np.float64] | tuple[npt.NDArray[np.float64], list[tuple[int, int]]]:
    r"""All points in :math:`(lo, hi)` where a hidden pre-activation of a scalar
    (Leaky)ReLU network changes sign: the only places where :math:`m(\cdot;\theta)` can bend.

    Layer by layer, with the sorted candidate points :math:`t_0 = lo < t_1 < \dots < hi` found
    so far, every pre-activation :math:`v_j(x)` is affine on each :math:`[t_k, t_{k+1}]`; if
    it has opposite signs at the two ends, its zero
    :math:`t_k + (t_{k+1} - t_k)\, v(t_k)/(v(t_k) - v(t_{k+1}))` is a new kink.

    Parameters
    ----------
    model : lib.mlp.MLP
        Widths ``(1, ..., 1)``; hidden activations ``relu``, ``leaky_relu`` or ``identity``
        (identity layers contribute no kinks). Not residual.
    theta : array, shape (p,)
    lo, hi : float
        The interval searched, ``lo < hi``.
    return_units : bool
        Also return, for each kink, the ``(layer, unit)`` (0-based) whose sign changes.

    Returns
    -------
    kinks : array, shape (K,)
        Sorted.
    units : list of (int, int), only if ``return_units``
    """
    check_model(model)
    _check_scalar_model(model)
    if any(model.residual_layers):
        raise ValueError("kinks_1d supports plain (non-residual) networks only")
    theta = model.check_theta(theta)
    lo, hi = check_real(lo, "lo"), check_real(hi, "hi")
    if not lo < hi:
        raise ValueError(f"hi must exceed lo, got lo={lo}, hi={hi}")
    points = np.array([lo, hi])
    found, units = [], []
    for j, act in enumerate(model.activations[:-1]):
        V = model.forward(theta, points[:, None]).v[j]  # (K, n_{j+1}), affine between points
        if act.name == "identity":
            continue
        va, vb = V[:-1], V[1:]
        k, i = np.nonzero(va * vb < 0)  # strict sign change on [t_k, t_{k+1}]
        x = points[k] + (points[k + 1] - points[k]) * va[k, i] / (va[k, i] - vb[k, i])
        found.append(x)
        units += [(j, int(u)) for u in i]
        points = np.unique(np.concatenate([points, x]))
    allx = np.concatenate(found) if found else np.empty(0)
    order = np.argsort(allx, kind="stable")
    kinks = allx[order]
    if return_units:
        return kinks, [units[o] for o in order]
    return kinks


def piece_slopes(model: MLP, theta: npt.ArrayLike,
                 breakpoints: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Slopes of :math:`m(\cdot;\theta)` on the pieces between sorted ``breakpoints``.

    On each :math:`[t_k, t_{k+1}]` the network is affine (if the interior holds no kink), so
    the slope is the exact difference quotient :math:`(m(t_{k+1}) - m(t_k))/(t_{k+1}-t_k)`.

    Parameters
    ----------
    breakpoints : array, shape (K,), strictly increasing

    Returns
    -------
    slopes : array, shape (K - 1,)
    """
    check_model(model)
    t = as_array(breakpoints, "breakpoints", ndim=1)
    if t.shape[0] < 2 or np.any(np.diff(t) <= 0):
        raise ValueError("breakpoints must hold at least 2 strictly increasing values")
    m = model.predict(theta, t[:, None])[:, 0]
    return np.diff(m) / np.diff(t)
