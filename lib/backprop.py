r"""Backpropagation written out step by step, for teaching (chapter 5).

:class:`lib.mlp.MLP` runs the delta recursion vectorised over a batch; this module spells the
same computation out in the forms the lectures use, so that each form can be checked against
the others and against finite differences (:mod:`lib.gradcheck`). The scalar reverse-mode
engine is :mod:`lib.autodiff`; the operation counts are :mod:`lib.flops`.

* :func:`numerical_jacobian`: the full Jacobian of an array-valued function of an array, of
  shape ``f(x).shape + x.shape`` (a matrix for :math:`f:\mathbb{R}^n\to\mathbb{R}^m`, a 3-D
  tensor for a vector function of a matrix).
* Per-layer Jacobians of one example: :func:`layer_jacobian`
  :math:`\partial z_{j+1}/\partial z_j = \mathrm{diag}(\sigma_j'(v_j))W_j` (plus :math:`I` for a
  residual layer) and the 3-D tensor :func:`weight_jacobian_tensor`
  :math:`\partial z_{j+1}/\partial W_j`.
* Two backward passes for ONE example, :func:`backprop_jacobians` (row vector times explicit
  Jacobian matrices, in the lecture's order, then the tensor contracted) and
  :func:`backprop_recursion` (the delta recursion on vectors), and the batch version
  :func:`backprop_batch` (the reference :meth:`lib.mlp.MLP.backward`, returning the deltas):

  .. math::

      \delta_{n+1} = \frac{\partial L}{\partial z_{n+1}},\quad
      g_j = \delta_{j+1}\odot\sigma_j'(v_j),\quad
      \delta_j = W_j^\top g_j\ (+\,\delta_{j+1}),\quad
      \frac{\partial L}{\partial W_j} = g_j z_j^\top,\quad
      \frac{\partial L}{\partial b_j} = g_j.

* Louppe's one-hidden-layer example with a weight penalty: :func:`louppe_forward`,
  :func:`louppe_gradients`.

The two one-example forms are deliberate second copies of the delta recursion: chapter 5
shows the recursion as the lecture writes it (vectors and explicit Jacobian matrices, one
example, no batch axis), which the vectorised reference cannot show; the test suite compares
both with :meth:`lib.mlp.MLP.backward` and with finite differences.

The module is over 400 lines because the one-example forms, the batch form and Louppe's
example share its per-layer Jacobian helpers; splitting them would scatter one derivation.

Shapes follow :mod:`lib.mlp`: :math:`W_j` has shape ``(n_{j+1}, n_j)``; a single example is a
1-D vector; a batch stores examples as rows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from . import activations as _act
from . import losses as _losses
from ._validate import (
    as_array,
    check_bool,
    check_model,
    check_positive,
)
from .activations import ActivationLike
from .diagnostics import delta_norms as _delta_norms
from .losses import LossLike
from .mlp import MLP

__all__ = [
    "numerical_jacobian",
    "forward_example",
    "layer_jacobian",
    "weight_jacobian_tensor",
    "contract_weight_tensor",
    "ExampleBackprop",
    "backprop_jacobians",
    "backprop_recursion",
    "backprop_batch",
    "delta_norms",
    "frobenius_norm_grad",
    "LouppeForward",
    "louppe_forward",
    "louppe_gradients",
]


# --------------------------------------------------------------------------- Jacobians
def numerical_jacobian(f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], x: npt.ArrayLike,
                       eps: float = 1e-6) -> npt.NDArray[np.float64]:
    r"""Full Jacobian of ``f`` at ``x`` by centred differences, shape ``f(x).shape + x.shape``.

    ``J[a..., b...] = d f(x)[a...] / d x[b...]``: an :math:`m\times n` matrix for
    :math:`f:\mathbb{R}^n\to\mathbb{R}^m`, a :math:`p\times n` matrix for a scalar function
    of a :math:`p\times n` matrix, and an :math:`m\times p\times n` tensor for a vector
    function of a matrix (chapter 5).
    """
    if not callable(f):
        raise TypeError(f"f must be callable, got {type(f).__name__}")
    x = as_array(x, "x").copy()
    eps = check_positive(eps, "eps")
    out_shape = np.shape(f(x))
    flat = x.reshape(-1)
    J = np.empty((int(np.prod(out_shape, dtype=int)), flat.size))
    for k in range(flat.size):
        old = flat[k]
        flat[k] = old + eps
        fp = np.asarray(f(x), dtype=float).reshape(-1)
        flat[k] = old - eps
        fm = np.asarray(f(x), dtype=float).reshape(-1)
        flat[k] = old
        J[:, k] = (fp - fm) / (2.0 * eps)
    return J.reshape(out_shape + x.shape)


# --------------------------------------------------------------------------- one example
def _example_x(model, x):
    x = as_array(x, "x", ndim=1)
    if x.shape != (model.widths[0],):
        raise ValueError(f"x must have shape ({model.widths[0]},) (one example), got {x.shape}")
    return x


def _example_loss(model, z_out, y, loss):
    """Loss of one example and delta_{n+1} = dL/dz_{n+1} (shape (n_{n+1},))."""
    fn = _losses.get(loss)
    yy = np.asarray(y, dtype=float)
    classes = loss in ("cross_entropy", _losses.softmax_cross_entropy)
    yy = yy.reshape(1) if classes else yy.reshape(1, -1)
    value, g = fn(z_out[None, :], yy, reduction="sum")
    return float(value), g[0]


def forward_example(model, theta, x):
    r"""Forward pass of ONE example, keeping :math:`z_1, \dots, z_{n+1}` and :math:`v_1..v_n`.

    Parameters
    ----------
    model : lib.mlp.MLP
    theta : array, shape (p,)
    x : array, shape (n_1,)

    Returns
    -------
    z : list of n+1 arrays, ``z[j]`` of shape (n_{j+1},) (0-based: ``z[0] = x``)
    v : list of n arrays, ``v[j] = W_j z_j + b_j``
    """
    check_model(model)
    layers = model.layers(model.check_theta(theta))
    z, v = [_example_x(model, x)], []
    for j, (W, b) in enumerate(layers):
        v.append(W @ z[j] + b)  # v_j = W_j z_j + b_j
        s = model.activations[j].f(v[j])  # sigma_n = Id on the last layer
        z.append(z[j] + s if model.residual_layers[j] else s)
    return z, v


def layer_jacobian(W: npt.ArrayLike, b: npt.ArrayLike, z: npt.ArrayLike, activation: ActivationLike,
                   residual: bool = False) -> npt.NDArray[np.float64]:
    r"""The partial Jacobian :math:`\partial z_{j+1}/\partial z_j`, shape ``(n_{j+1}, n_j)``.

    .. math:: \frac{\partial z_{j+1}}{\partial z_j} = \mathrm{diag}(\sigma_j'(v_j))\,W_j
              \ (+\,I \text{ for a residual layer}),\qquad v_j = W_j z_j + b_j.
    """
    act = _act.get(activation)
    W, b, z = _layer_args(W, b, z)
    v = W @ z + b
    J = np.diag(act.df(v)) @ W
    if check_bool(residual, "residual"):
        if W.shape[0] != W.shape[1]:
            raise ValueError(f"residual=True needs a square W, got shape {W.shape}")
        J = J + np.eye(W.shape[0])
    return J


def _layer_args(W, b, z):
    """W of shape (m, k), b of shape (m,), z of shape (k,)."""
    W = as_array(W, "W", ndim=2)
    b = as_array(b, "b", ndim=1)
    z = as_array(z, "z", ndim=1)
    if b.shape != (W.shape[0],):
        raise ValueError(f"b must have shape ({W.shape[0]},) to match W, got {b.shape}")
    if z.shape != (W.shape[1],):
        raise ValueError(f"z must have shape ({W.shape[1]},) to match W, got {z.shape}")
    return W, b, z


def weight_jacobian_tensor(W: npt.ArrayLike, b: npt.ArrayLike, z: npt.ArrayLike,
                           activation: ActivationLike) -> npt.NDArray[np.float64]:
    r"""The 3-D tensor :math:`\partial z_{j+1}/\partial W_j`, shape ``(n_{j+1}, n_{j+1}, n_j)``.

    Entry ``[k, l, m]`` is :math:`\partial (z_{j+1})_k/\partial (W_j)_{lm} =
    \sigma_j'(v_j)_k\,[k = l]\,(z_j)_m`: only row :math:`k` of :math:`W_j` moves output
    :math:`k`. (The skip connection of a residual layer does not depend on :math:`W_j`.)
    """
    act = _act.get(activation)
    W, b, z = _layer_args(W, b, z)
    s = act.df(W @ z + b)
    n_out = W.shape[0]
    T = np.zeros((n_out, n_out, z.size))
    for k in range(n_out):
        T[k, k, :] = s[k] * z  # row k of dv_j/d(W_j)_k is z_j^T, scaled by sigma'(v_j)_k
    return T


def contract_weight_tensor(delta: npt.ArrayLike, T: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\delta_{j+1}^\top\,\partial z_{j+1}/\partial W_j`: contract the first axis.

    ``delta`` has shape (n_{j+1},), ``T`` shape (n_{j+1}, n_{j+1}, n_j); the result has the
    shape of :math:`W_j`.
    """
    delta = as_array(delta, "delta", ndim=1)
    T = as_array(T, "T", ndim=3)
    if T.shape[0] != delta.size:
        raise ValueError(f"T must have first axis of length {delta.size}, got shape {T.shape}")
    return np.einsum("k,klm->lm", delta, T)


@dataclass
class ExampleBackprop:
    """Result of a per-example backward pass.

    Attributes
    ----------
    loss : float
    grad : array, shape (p,)
        The gradient in the layout of ``theta``.
    deltas : list of arrays
        ``[delta_1, ..., delta_{n+1}]`` with ``delta_j`` of shape (n_j,).
    grads : list of (dW_j, db_j)
    jacobians : list of arrays
        The explicit matrices :math:`\\partial z_{j+1}/\\partial z_j` (empty for the recursion).
    shapes : list of str
        One line per factor, recording its dimensions (the lecture's "Dimensions" slide).
    """

    loss: float
    grad: np.ndarray
    deltas: list
    grads: list
    jacobians: list = field(default_factory=list)
    shapes: list = field(default_factory=list)


def backprop_jacobians(model: MLP, theta: npt.ArrayLike, x: npt.ArrayLike, y: npt.ArrayLike,
                       loss: LossLike = "mse") -> ExampleBackprop:
    r"""Backpropagation for ONE example with explicit Jacobian matrices, in the lecture's order.

    The row vector :math:`\delta_{n+1}^\top = \partial L/\partial z_{n+1}` is multiplied from the
    left by the explicit matrices :math:`\partial z_{k+1}/\partial z_k =
    \mathrm{diag}(\sigma_k'(v_k))W_k` (+ I if residual), giving :math:`\delta_{j+1}^\top`; then
    :math:`\partial L/\partial W_j = \delta_{j+1}^\top\,\partial z_{j+1}/\partial W_j` contracts
    the 3-D tensor of :func:`weight_jacobian_tensor`, and
    :math:`\partial L/\partial b_j = \delta_{j+1}^\top\,\mathrm{diag}(\sigma_j'(v_j))`.
    Costs :math:`O(n_{j+1}^2 n_j)` per layer: for teaching and checking only.
    """
    check_model(model)
    theta = model.check_theta(theta)
    layers = model.layers(theta)
    z, v = forward_example(model, theta, x)
    value, d_out = _example_loss(model, z[-1], y, loss)
    row = d_out[None, :]  # delta_{n+1}^T, a 1 x n_{n+1} row vector (a Jacobian)
    deltas, grads, jacs, shapes = [d_out], [], [], []
    shapes.append(f"dL/dz_{model.n_layers + 1}: {row.shape[0]} x {row.shape[1]}")
    for j in range(model.n_layers - 1, -1, -1):
        W, b = layers[j]
        act = model.activations[j]
        T = weight_jacobian_tensor(W, b, z[j], act)  # dz_{j+1}/dW_j
        Jb = np.diag(act.df(v[j]))  # dz_{j+1}/db_j
        dW = contract_weight_tensor(row[0], T)
        db = (row @ Jb)[0]
        J = layer_jacobian(W, b, z[j], act, model.residual_layers[j])  # dz_{j+1}/dz_j
        shapes.append(f"dz_{j + 2}/dW_{j + 1}: {T.shape[0]} x {T.shape[1]} x {T.shape[2]}, "
                      f"dz_{j + 2}/db_{j + 1}: {Jb.shape[0]} x {Jb.shape[1]}, "
                      f"dz_{j + 2}/dz_{j + 1}: {J.shape[0]} x {J.shape[1]}")
        row = row @ J  # delta_j^T = delta_{j+1}^T dz_{j+1}/dz_j: a vector-matrix product
        grads.append((dW, db))
        jacs.append(J)
        deltas.append(row[0].copy())
    grads, jacs = grads[::-1], jacs[::-1]
    return ExampleBackprop(value, model.flatten(grads), deltas[::-1], grads, jacs, shapes)


def backprop_recursion(model, theta, x, y, loss="mse") -> ExampleBackprop:
    r"""Backpropagation for ONE example by the delta recursion (no Jacobian is formed).

    .. math::

        g_j = \delta_{j+1}\odot\sigma_j'(v_j),\quad
        \frac{\partial L}{\partial W_j} = g_j z_j^\top,\quad
        \frac{\partial L}{\partial b_j} = g_j,\quad
        \delta_j = W_j^\top g_j\ (+\,\delta_{j+1}\text{ if residual}).
    """
    check_model(model)
    theta = model.check_theta(theta)
    layers = model.layers(theta)
    z, v = forward_example(model, theta, x)
    value, delta = _example_loss(model, z[-1], y, loss)
    deltas, grads = [delta], []
    for j in range(model.n_layers - 1, -1, -1):
        W, _ = layers[j]
        g = delta * model.activations[j].df(v[j])  # delta_{j+1} (.) sigma'(v_j)
        grads.append((np.outer(g, z[j]), g.copy()))  # g z_j^T and g
        new = W.T @ g  # delta_j = W_j^T g_j
        if model.residual_layers[j]:
            new = new + delta  # the skip connection passes delta_{j+1} through
        delta = new
        deltas.append(delta)
    grads = grads[::-1]
    return ExampleBackprop(value, model.flatten(grads), deltas[::-1], grads)


def backprop_batch(
    model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike, loss: LossLike = "mse",
) -> tuple[float, npt.NDArray[np.float64], list[npt.NDArray[np.float64]]]:
    r"""The delta recursion vectorised over a batch (rows are examples).

    With :math:`\Delta_{j+1}` of shape (N, n_{j+1}) holding :math:`\delta_{j+1}^\top` of every
    example of the MEAN loss: :math:`G_j = \Delta_{j+1}\odot\sigma'(V_j)`,
    :math:`\partial L/\partial W_j = G_j^\top Z_j` (the sum of the per-example outer products),
    :math:`\partial L/\partial b_j = G_j^\top\mathbf 1`, :math:`\Delta_j = G_j W_j`
    (:math:`+\Delta_{j+1}` if residual).

    This is the reference backward pass :meth:`lib.mlp.MLP.backward` with
    ``return_deltas=True`` (forward, loss and backward in one call); it is not a second
    implementation.

    Returns
    -------
    value : float
    grad : array, shape (p,)
    deltas : list of arrays ``Delta_1..Delta_{n+1}``, each (N, n_j)
    """
    check_model(model)
    theta = model.check_theta(theta)
    fp = model.forward(theta, X)
    value, delta = _losses.get(loss)(fp.output, y)
    grad, deltas = model.backward(theta, fp, delta, return_deltas=True)
    return value, grad, deltas


def delta_norms(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                loss: LossLike = "mse") -> npt.NDArray[np.float64]:
    r"""The norm of :math:`\delta_j` for j = 1..n+1 (:func:`lib.diagnostics.delta_norms`).

    The root mean square over the examples of :math:`\|\delta_j\|_2` of each example's own
    loss, from the deltas of :func:`backprop_batch`.
    """
    check_model(model)
    _, _, deltas = backprop_batch(model, theta, X, y, loss)
    return _delta_norms(deltas)


# --------------------------------------------------------------------------- Louppe's example
def frobenius_norm_grad(W: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Gradient of :math:`\|W\|_F = \sqrt{\sum_{ik} W_{ik}^2}`: :math:`W/\|W\|_F`.

    The norm is not differentiable at :math:`W = 0`; there we return 0, which belongs to its
    subdifferential (the unit ball).
    """
    W = as_array(W, "W")
    nrm = np.linalg.norm(W)
    return np.zeros_like(W) if nrm == 0 else W / nrm


@dataclass
class LouppeForward:
    """Stored intermediates of Louppe's example (batch of N examples, mean loss).

    ``u1 = X W1`` (N, q), ``u2 = sigmoid(u1)``, ``u3 = u2 W2`` (N,), ``yhat = sigmoid(u3)``,
    ``u4 = ||W1||_F``, ``u5 = ||W2||_2``, ``u6 = u4 + u5``, ``u7 = lam * u6``,
    ``u8`` = mean cross-entropy, ``loss = u7 + u8``.
    """

    u1: np.ndarray
    u2: np.ndarray
    u3: np.ndarray
    yhat: np.ndarray
    u4: float
    u5: float
    u6: float
    u7: float
    u8: float
    loss: float


def _louppe_args(X, y, W1, W2, lam):
    X = as_array(X, "X", ndim=(1, 2))
    X = X[None, :] if X.ndim == 1 else X
    W1 = as_array(W1, "W1", ndim=2)
    W2 = as_array(W2, "W2", ndim=1)
    if W1.shape[0] != X.shape[1] or W2.shape[0] != W1.shape[1]:
        raise ValueError(f"shapes must be X (N, p), W1 (p, q), W2 (q,); got {X.shape}, "
                         f"{W1.shape}, {W2.shape}")
    y = np.atleast_1d(as_array(y, "y"))
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    lam = check_positive(lam, "lam", allow_zero=True)
    return X, y, W1, W2, lam


def louppe_forward(X: npt.ArrayLike, y: npt.ArrayLike, W1: npt.ArrayLike, W2: npt.ArrayLike,
                   lam: float) -> LouppeForward:
    r"""Forward pass of :math:`f(x) = \sigma(W_2^\top\sigma(W_1^\top x))` with the loss
    :math:`\mathrm{cross\_ent}(y, \hat y) + \lambda(\|W_1\|_F + \|W_2\|_2)`
    :cite:p:`louppe2023lecture2`.

    The cross-entropy is averaged over the N examples and computed from the logit ``u3``
    (:func:`lib.losses.binary_logistic`), never as ``log(yhat)``.

    Parameters
    ----------
    X : array, shape (N, p) or (p,)
    y : array, shape (N,), labels in {0, 1}
    W1 : array, shape (p, q)
    W2 : array, shape (q,)
    lam : float >= 0

    Returns
    -------
    LouppeForward
    """
    X, y, W1, W2, lam = _louppe_args(X, y, W1, W2, lam)
    u1 = X @ W1  # W1^T x for every row
    u2 = _act.sigmoid(u1)
    u3 = u2 @ W2  # W2^T u2
    yhat = _act.sigmoid(u3)
    u4 = float(np.linalg.norm(W1))  # Frobenius norm
    u5 = float(np.linalg.norm(W2))
    u6 = u4 + u5
    u7 = lam * u6
    u8 = _losses.binary_logistic(u3, y)[0]
    return LouppeForward(u1, u2, u3, yhat, u4, u5, u6, u7, u8, u7 + u8)


def louppe_gradients(X: npt.ArrayLike, y: npt.ArrayLike, W1: npt.ArrayLike, W2: npt.ArrayLike,
                     lam: float) -> dict[str, Any]:
    r"""Backward pass of Louppe's example, path by path.

    .. math::

        \frac{\partial\ell}{\partial W_1} =
        \underbrace{\frac{\partial\ell}{\partial u_8}
                    \frac{\partial u_8}{\partial W_1}}_{\text{data}}
        + \underbrace{\frac{\partial\ell}{\partial u_4}
                      \frac{\partial u_4}{\partial W_1}}_{\text{penalty}}
        = \sum_i x_i\big((\hat y_i - y_i)/N\; W_2\odot\sigma'(u_{1,i})\big)^\top
          + \lambda\frac{W_1}{\|W_1\|_F}.

    Returns
    -------
    dict with ``loss``, ``dW1``, ``dW2`` and the paths ``dW1_data``, ``dW1_penalty``,
    ``dW2_data``, ``dW2_penalty`` (same shapes as W1, W2).
    """
    X, y, W1, W2, lam = _louppe_args(X, y, W1, W2, lam)
    fw = louppe_forward(X, y, W1, W2, lam)
    _, g3 = _losses.binary_logistic(fw.u3, y)  # d u8 / d u3 = (yhat - y) / N, shape (N, 1)
    g3 = g3[:, 0]
    dW2_data = fw.u2.T @ g3  # d u3 / d W2 = u2
    g2 = np.outer(g3, W2)  # d u3 / d u2 = W2^T
    g1 = g2 * _act.sigmoid_prime(fw.u1)  # d u2 / d u1 = diag(sigma'(u1))
    dW1_data = X.T @ g1  # d u1 / d W1: sum_i x_i g1_i^T
    dW1_pen = lam * frobenius_norm_grad(W1)  # dl/du7 * du7/du6 * du6/du4 * du4/dW1
    dW2_pen = lam * frobenius_norm_grad(W2)
    return {
        "loss": fw.loss,
        "dW1": dW1_data + dW1_pen,
        "dW2": dW2_data + dW2_pen,
        "dW1_data": dW1_data,
        "dW1_penalty": dW1_pen,
        "dW2_data": dW2_data,
        "dW2_penalty": dW2_pen,
    }
