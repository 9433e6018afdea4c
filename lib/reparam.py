r"""Sigmoid and tanh networks are the same function class (Ryu, HW3 problem 5(c); chapter 6).

With :math:`\rho = \tanh` and the logistic :math:`\sigma`, the key identity is
:math:`2\sigma(2z) = \rho(z) + 1`. If a sigmoid network has hidden outputs :math:`y_\ell` and
a tanh network has :math:`y'_\ell`, the weights

.. math::

    C_1 = \tfrac12 A_1,\ d_1 = \tfrac12 b_1;\qquad
    C_\ell = \tfrac14 A_\ell,\ d_\ell = \tfrac12 b_\ell + C_\ell\mathbf 1\ (1<\ell<L);\qquad
    C_L = \tfrac12 A_L,\ d_L = b_L + C_L\mathbf 1

give :math:`y'_\ell = 2y_\ell - 1` for every hidden layer and the same output
:math:`y_L = y'_L` (:math:`\mathbf 1` is the all-ones vector, so :math:`C_\ell\mathbf 1` is the
vector of row sums). The inverse map is :func:`tanh_to_sigmoid`. Layers are lists of
``(W_j, b_j)`` with ``W_j`` of shape ``(n_{j+1}, n_j)`` as in :meth:`lib.mlp.MLP.layers`; the
last layer is linear (no activation), as everywhere in ``lib``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._validate import as_array

__all__ = ["sigmoid_to_tanh", "tanh_to_sigmoid"]


def _check_layers(layers):
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__len__"):
        raise TypeError(f"layers must be a list of (W, b) pairs, got {type(layers).__name__}")
    if len(layers) == 0:
        raise ValueError("layers must be a non-empty list of (W, b) pairs, got an empty one")
    out = []
    for j, pair in enumerate(layers):
        if not hasattr(pair, "__len__") or len(pair) != 2:
            raise ValueError(f"layer {j + 1} must be a (W, b) pair")
        W = as_array(pair[0], f"W_{j + 1}", ndim=2)
        b = as_array(pair[1], f"b_{j + 1}", ndim=1)
        if b.shape != (W.shape[0],):
            raise ValueError(f"b_{j + 1} must have shape ({W.shape[0]},), got {b.shape}")
        if j > 0 and W.shape[1] != out[-1][0].shape[0]:
            raise ValueError(
                f"W_{j + 1} must have {out[-1][0].shape[0]} columns to follow W_{j}, "
                f"got shape {W.shape}"
            )
        out.append((W, b))
    return out


def sigmoid_to_tanh(
    layers: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]],
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    r"""Weights :math:`(C_\ell, d_\ell)` of a tanh network equal to the sigmoid network
    ``layers`` = :math:`[(A_1, b_1), \dots, (A_L, b_L)]` (see the module docstring).

    Returns new arrays; the input is not modified. A single (linear) layer is returned as is.
    """
    layers = _check_layers(layers)
    L = len(layers)
    if L == 1:
        return [(W.copy(), b.copy()) for W, b in layers]
    out = []
    for ell, (A, b) in enumerate(layers):
        if ell == 0:  # y'_1 = tanh(A_1 x / 2 + b_1 / 2) = 2 y_1 - 1
            C, d = A / 2, b / 2
        elif ell < L - 1:  # A y + b = A (y' + 1)/2 + b, halved inside tanh
            C = A / 4
            d = b / 2 + C.sum(axis=1)
        else:  # output: A y + b = A y'/2 + (A 1/2 + b)
            C = A / 2
            d = b + C.sum(axis=1)
        out.append((C, d))
    return out


def tanh_to_sigmoid(
    layers: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]],
) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    r"""Inverse of :func:`sigmoid_to_tanh`: sigmoid weights :math:`(A_\ell, b_\ell)` equal to
    the tanh network ``layers`` = :math:`[(C_1, d_1), \dots, (C_L, d_L)]`.

    :math:`A_1 = 2C_1,\ b_1 = 2d_1`; :math:`A_\ell = 4C_\ell,\ b_\ell = 2(d_\ell -
    C_\ell\mathbf 1)`; :math:`A_L = 2C_L,\ b_L = d_L - C_L\mathbf 1`.
    """
    layers = _check_layers(layers)
    L = len(layers)
    if L == 1:
        return [(W.copy(), b.copy()) for W, b in layers]
    out = []
    for ell, (C, d) in enumerate(layers):
        if ell == 0:
            A, b = 2 * C, 2 * d
        elif ell < L - 1:
            A, b = 4 * C, 2 * (d - C.sum(axis=1))
        else:
            A, b = 2 * C, d - C.sum(axis=1)
        out.append((np.array(A), np.array(b)))
    return out
