r"""The scalar chain of Hirn's lecture, eq. (23), and Louppe's 3-layer example (chapter 6).

With scalar weights :math:`w_1, \dots, w_L`, biases :math:`b_\ell` (default 0), an
activation :math:`\sigma` and an output factor :math:`\alpha`,

.. math::

    u_1 = w_1 x + b_1,\quad u_\ell = w_\ell\,\sigma(u_{\ell-1}) + b_\ell,\quad
    f(x) = \alpha\,\sigma(u_L),

and the chain rule gives the product formula (Hirn's eq. (23))

.. math::

    \frac{\partial f}{\partial w_1} = \alpha\Big(\prod_{\ell=2}^{L} w_\ell\Big)
    \Big(\prod_{\ell=1}^{L}\sigma'(u_\ell)\Big)\,x .

With :math:`\alpha = 1` and no biases this is Louppe's
:math:`f = \sigma(w_3\sigma(w_2\sigma(w_1 x)))`. :func:`chain_mlp` writes the same function
as an :class:`~lib.mlp.MLP` with widths ``(1, 1, ..., 1)`` (the last, linear layer carries
:math:`\alpha`), so backpropagation can be compared with the formula.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import activations as _act
from ._validate import as_array, check_real
from .mlp import MLP

__all__ = ["ChainResult", "scalar_chain", "chain_mlp"]


@dataclass(frozen=True)
class ChainResult:
    r"""Value and :math:`w_1`-derivative of the scalar chain.

    Attributes
    ----------
    value : array
        :math:`f(x)`, shape of the broadcast of ``x`` with one weight.
    grad_w1 : array
        :math:`\partial f/\partial w_1` by the product formula (23).
    pre_activations : array, shape (L, ...)
        :math:`u_1, \dots, u_L`.
    """

    value: np.ndarray
    grad_w1: np.ndarray
    pre_activations: np.ndarray


def _params(weights, biases):
    w = as_array(weights, "weights", ndim=(1, 2))
    b = np.zeros_like(w) if biases is None else as_array(biases, "biases", ndim=(1, 2))
    if b.shape != w.shape:
        raise ValueError(f"biases must have the shape of weights {w.shape}, got {b.shape}")
    return w, b


def scalar_chain(weights: npt.ArrayLike, x: float, activation: str = "sigmoid", *,
                 biases: npt.ArrayLike | None = None, alpha: float = 1.0) -> ChainResult:
    r"""Evaluate the scalar chain and its derivative in :math:`w_1` by formula (23).

    Parameters
    ----------
    weights : array, shape (L,) or (L, K)
        :math:`w_1, \dots, w_L`; a second axis evaluates K chains at once (e.g. K random
        draws of the weights).
    x : float or array broadcastable against ``weights[0]``
    activation : str or lib.activations.Activation
    biases : array like ``weights``, optional (default 0)
    alpha : float
        Output factor :math:`\alpha` (Hirn); 1 gives Louppe's chain.

    Returns
    -------
    ChainResult
    """
    w, b = _params(weights, biases)
    act = _act.get(activation)
    x = as_array(x, "x")
    alpha = check_real(alpha, "alpha")
    u = []
    h = x
    for ell in range(w.shape[0]):
        u.append(w[ell] * h + b[ell])  # u_l = w_l sigma(u_{l-1}) + b_l  (u_1 = w_1 x + b_1)
        h = act.f(u[-1])
    u = np.array(u)
    # eq. (23): alpha * prod_{l>=2} w_l * prod_{l>=1} sigma'(u_l) * x
    grad = alpha * np.prod(w[1:], axis=0) * np.prod(act.df(u), axis=0) * x
    return ChainResult(value=alpha * h, grad_w1=grad, pre_activations=u)


def chain_mlp(weights: npt.ArrayLike, activation: str = "sigmoid", *,
              biases: npt.ArrayLike | None = None,
              alpha: float = 1.0) -> tuple[MLP, npt.NDArray[np.float64]]:
    r"""The scalar chain as an MLP of widths ``(1, 1, ..., 1)`` and its parameter vector.

    Layers :math:`1..L` carry :math:`(w_\ell, b_\ell)` and the activation; the final linear
    layer is :math:`(\alpha, 0)`, so ``model.predict(theta, x)`` equals
    :func:`scalar_chain` ``(...).value`` and the entry ``W_1[0, 0]`` of the gradient equals
    ``grad_w1``.

    Parameters
    ----------
    weights : array, shape (L,)
    activation : str
    biases : array, shape (L,), optional
    alpha : float

    Returns
    -------
    model : lib.mlp.MLP
    theta : array, shape (2L + 2,)
    """
    from .mlp import MLP

    w, b = _params(weights, biases)
    if w.ndim != 1:
        raise ValueError(f"weights must be 1-D for chain_mlp, got shape {w.shape}")
    L = w.shape[0]
    model = MLP((1,) * (L + 2), activation)
    layers = [(np.array([[w[ell]]]), np.array([b[ell]])) for ell in range(L)]
    layers.append((np.array([[check_real(alpha, "alpha")]]), np.zeros(1)))
    return model, model.flatten(layers)
