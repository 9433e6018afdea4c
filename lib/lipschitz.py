r"""Lipschitz bounds of a network from its weight norms (chapter 10).

For fixed :math:`\theta` the model :math:`x\mapsto m(x;\theta)` is Lipschitz: if every
activation :math:`\sigma_j` is :math:`L_{\sigma_j}`-Lipschitz,

.. math::

    \|m(x_1;\theta) - m(x_2;\theta)\|_2 \le L\,\|x_1 - x_2\|_2,\qquad
    L = \prod_{j=1}^n c_j,\quad
    c_j = \begin{cases} L_{\sigma_j}\|W_j\|_2 & \text{plain layer},\\
    1 + L_{\sigma_j}\|W_j\|_2 & \text{residual layer } z_{j+1} = z_j + \sigma_j(W_jz_j+b_j),
    \end{cases}

with :math:`\|W_j\|_2` the operator (spectral) norm, the largest singular value, and
:math:`L_{\sigma_n} = 1` for the linear last layer. Biases do not enter. With 1-Lipschitz
activations (ReLU, LeakyReLU, tanh) this is the lecture's :math:`L = \|W_n\|_2\cdots\|W_1\|_2`
:cite:p:`bartlett2017spectrally`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import as_array, check_model
from .mlp import MLP

__all__ = ["spectral_norms", "layer_factors", "lipschitz_bound", "empirical_ratios",
           "weight_norm"]

_NORM_KINDS = ("euclidean", "layer_sum", "spectral_product")


def spectral_norms(model, theta):
    r"""Operator norms :math:`\|W_j\|_2` (largest singular values), shape (n,)."""
    check_model(model)
    return np.array([np.linalg.norm(W, 2) for W, _ in model.layers(model.check_theta(theta))])


def layer_factors(model, theta):
    r"""Per-layer factors :math:`c_j` of the bound (see the module docstring), shape (n,)."""
    check_model(model)
    norms = spectral_norms(model, theta)
    lips = np.array([act.lipschitz for act in model.activations])
    plain = lips * norms
    return np.where(np.array(model.residual_layers), 1.0 + plain, plain)


def lipschitz_bound(model: MLP, theta: npt.ArrayLike) -> float:
    r"""The Lipschitz constant :math:`L = \prod_j c_j` of :math:`x\mapsto m(x;\theta)`.

    Parameters
    ----------
    model : lib.mlp.MLP
    theta : array, shape (p,)

    Returns
    -------
    float
    """
    check_model(model)
    return float(np.prod(layer_factors(model, theta)))


def empirical_ratios(model: MLP, theta: npt.ArrayLike, X1: npt.ArrayLike,
                     X2: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Observed ratios :math:`\|m(x_1)-m(x_2)\|_2/\|x_1-x_2\|_2` for pairs of inputs.

    Parameters
    ----------
    X1, X2 : arrays, shape (M, n_1)   the pairs (row by row); no row of X1 may equal X2's

    Returns
    -------
    array, shape (M,)
    """
    check_model(model)
    X1 = model.check_X(X1, "X1")
    X2 = model.check_X(X2, "X2")
    if X1.shape != X2.shape:
        raise ValueError(f"X1 and X2 must have the same shape, got {X1.shape} and {X2.shape}")
    dx = np.linalg.norm(X1 - X2, axis=1)
    if np.any(dx == 0):
        raise ValueError(f"X2 must differ from X1 in every row; rows "
                         f"{np.flatnonzero(dx == 0).tolist()} are equal (a ratio 0/0)")
    dm = np.linalg.norm(model.predict(theta, X1) - model.predict(theta, X2), axis=1)
    return dm / dx


def weight_norm(model, theta, kind="euclidean"):
    r"""A size of the parameters.

    ``kind``:

    * ``"euclidean"``: :math:`\|\theta\|_2`, all weights and biases;
    * ``"layer_sum"``: :math:`\sum_j \|W_j\|_F`, the Frobenius norms of the weight matrices;
    * ``"spectral_product"``: :func:`lipschitz_bound`.
    """
    check_model(model)
    theta = as_array(model.check_theta(theta), "theta", ndim=1)
    if kind == "euclidean":
        return float(np.linalg.norm(theta))
    if kind == "layer_sum":
        return float(sum(np.linalg.norm(W) for W, _ in model.layers(theta)))
    if kind == "spectral_product":
        return lipschitz_bound(model, theta)
    raise ValueError(f"kind must be one of {_NORM_KINDS}, got {kind!r}")
