r"""Per-layer statistics of the forward and backward passes (chapters 6, 9 and 10).

For a network :math:`m(x;\theta)` in the notation of :mod:`lib.mlp` and a batch ``X`` of
shape ``(N, n_1)``, :func:`layer_statistics` runs one forward pass, one backward pass and
collects, layer by layer,

* the activation norms :math:`\frac1N\sum_i \|z_j(x_i)\|_2`, :math:`j = 1, \dots, n+1`;
* the backpropagated norms of :func:`delta_norms`, the book's one definition of "the norm of
  :math:`\delta_j`": the root mean square over the examples of :math:`\|\delta_{j,i}\|_2`,
  with :math:`\delta_{j,i} = \partial \ell_i/\partial z_j` the delta of example i's own
  loss (chapters 5, 8 and 9);
* the weight gradients :math:`\partial L/\partial W_j` (entries and Frobenius norms), summed
  over the batch as in :meth:`lib.mlp.MLP.backward`;
* the operator norms :math:`\|W_j\|_2` (largest singular values).

These are the quantities of the vanishing/exploding-gradient discussion: the gain of layer
:math:`j` is :math:`\|z_{j+1}\|/\|z_j\|` forward and :math:`\|\delta_j\|/\|\delta_{j+1}\|`
backward. Chapter 6 plots histograms of the gradient entries per layer (the figure of
:cite:t:`glorot2010understanding`); chapter 9 compares initialization schemes with the norms.

Example
-------
>>> import numpy as np
>>> from lib import MLP, diagnostics
>>> model = MLP((10, 50, 50, 1), "relu")
>>> rng = np.random.default_rng(0)
>>> theta = model.init(rng, "he")
>>> X = rng.standard_normal((64, 10))
>>> stats = diagnostics.layer_statistics(model, theta, X, y=np.zeros((64, 1)))
>>> stats.activation_norms.shape, stats.weight_grad_norms.shape
((4,), (3,))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import as_array, check_model
from .losses import LossLike
from .mlp import MLP

__all__ = ["LayerStatistics", "layer_statistics", "delta_norms", "gains"]


@dataclass(frozen=True)
class LayerStatistics:
    r"""Per-layer statistics of one forward and one backward pass.

    For a network with ``n`` affine layers (``model.n_layers``):

    Attributes
    ----------
    activation_norms : array, shape (n + 1,)
        Mean over the batch of :math:`\|z_j\|_2`, for :math:`z_1 = x, \dots, z_{n+1}`.
    delta_norms : array, shape (n + 1,)
        :func:`delta_norms` of the backward pass: the root mean square over the examples of
        :math:`\|\delta_{j,i}\|_2`, :math:`\delta_j = \partial \ell_i/\partial z_j`.
    weight_grads : list of n arrays
        :math:`\partial L/\partial W_j`, shape ``(n_{j+1}, n_j)``, summed over the batch.
    weight_grad_norms : array, shape (n,)
        Frobenius norms :math:`\|\partial L/\partial W_j\|_F`.
    weights : list of n arrays
        Copies of the weights :math:`W_j`, shape ``(n_{j+1}, n_j)``.
    """

    activation_norms: np.ndarray
    delta_norms: np.ndarray
    weight_grads: list
    weight_grad_norms: np.ndarray
    weights: list

    @property
    def weight_norms(self) -> np.ndarray:
        """Operator norms :math:`\\|W_j\\|_2` (largest singular values), shape (n,);
        computed on access (one SVD per layer)."""
        return np.array([np.linalg.norm(W, 2) for W in self.weights])

    @property
    def n_layers(self) -> int:
        """Number of affine layers n."""
        return len(self.weight_grads)


def layer_statistics(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, *,
                     y: npt.ArrayLike | None = None, loss: LossLike = "mse",
                     delta_out: npt.ArrayLike | None = None) -> LayerStatistics:
    r"""Forward and backward pass of ``model`` with per-layer statistics.

    Parameters
    ----------
    model : lib.mlp.MLP
    theta : array, shape (p,)
    X : array, shape (N, n_1)
    y : array, optional
        Targets: the backward pass starts from the gradient of the mean ``loss`` (a name of
        :data:`lib.losses.NAMES`) at ``y``.
    loss : str, default "mse"
    delta_out : array, shape (N, n_{n+1}), optional
        Start the backward pass from this :math:`\delta_{n+1}` instead (e.g. a random
        direction, to study the backward gain independently of a loss), read as the output
        gradient of a mean over the N examples (row i is :math:`\delta_{n+1,i}/N`). Give
        exactly one of ``y`` and ``delta_out``.

    Returns
    -------
    LayerStatistics
    """
    check_model(model)
    if (y is None) == (delta_out is None):
        raise ValueError("give exactly one of y (targets) and delta_out (output gradient)")
    theta = model.check_theta(theta)
    fp = model.forward(theta, X)
    if delta_out is None:
        _, delta_out = _losses.get(loss)(fp.output, y)
    else:
        delta_out = as_array(delta_out, "delta_out", ndim=(1, 2))
        if delta_out.ndim == 1:
            delta_out = delta_out[:, None]
    grad, deltas = model.backward(theta, fp, delta_out, return_deltas=True)
    grad_layers = model.unflatten(grad)
    act = np.array([np.mean(np.linalg.norm(z, axis=1)) for z in fp.z])
    dn = delta_norms(deltas)
    gW = [gw for gw, _ in grad_layers]
    return LayerStatistics(
        activation_norms=act,
        delta_norms=dn,
        weight_grads=gW,
        weight_grad_norms=np.array([np.linalg.norm(g) for g in gW]),
        weights=[W.copy() for W, _ in model.layers(theta)],
    )


def delta_norms(deltas: Sequence[npt.ArrayLike]) -> np.ndarray:
    r"""The norm of :math:`\delta_j` for every layer: one definition for the whole book.

    .. math::

        \|\delta_j\| = \Big(\frac1N\sum_{i=1}^N \|\delta_{j,i}\|_2^2\Big)^{1/2},
        \qquad \delta_{j,i} = \frac{\partial \ell_i}{\partial z_j},

    the root mean square over the examples of the delta of each example's own loss
    :math:`\ell_i`. The backward pass of a MEAN loss :math:`\frac1N\sum_i\ell_i`
    (:meth:`lib.mlp.MLP.backward` with ``return_deltas=True``) holds
    :math:`\delta_{j,i}/N` in row i, so the rows are multiplied back by N: the value does not
    depend on the batch size through the mean, and for the half squared error
    :math:`\|\delta_{n+1}\|` is the RMS of the residuals.

    Parameters
    ----------
    deltas : list of arrays, each of shape (N, n_j)
        The deltas of a mean loss, as :meth:`lib.mlp.MLP.backward` returns them.

    Returns
    -------
    array, shape (len(deltas),)
    """
    if isinstance(deltas, np.ndarray) or not isinstance(deltas, (list, tuple)) or not deltas:
        raise TypeError("deltas must be a non-empty list of arrays of shape (N, n_j)")
    arrs = [as_array(d, "deltas", ndim=2) for d in deltas]
    n = arrs[0].shape[0]
    if any(d.shape[0] != n for d in arrs):
        raise ValueError("deltas must all have the same number of rows N")
    return np.array([np.sqrt(np.mean(np.sum((n * d) ** 2, axis=1))) for d in arrs])


def gains(norms):
    r"""Ratios of consecutive entries, :math:`r_j = a_{j+1}/a_j`, shape ``(len(norms) - 1,)``.

    Applied to :attr:`LayerStatistics.activation_norms` this is the forward gain
    :math:`\|z_{j+1}\|/\|z_j\|`; applied to ``delta_norms[::-1]`` the backward gain
    :math:`\|\delta_j\|/\|\delta_{j+1}\|`.
    """
    a = as_array(norms, "norms", ndim=1)
    if a.size < 2:
        raise ValueError(f"norms must hold at least 2 entries, got {a.size}")
    if np.any(a <= 0):
        raise ValueError("norms must be positive to form ratios")
    return a[1:] / a[:-1]
