r"""Backpropagation written out step by step, for teaching (chapter 5).

:class:`lib.mlp.MLP` runs the delta recursion vectorised over a batch; this module spells the
same computation out in the forms the lectures use, so that each form can be checked against
the others and against finite differences (:mod:`lib.gradcheck`):

* :class:`ScalarGraph`: a tiny reverse-mode automatic differentiation engine on a graph of
  scalar operations. The forward pass stores every intermediate value; the backward pass
  accumulates adjoints :math:`\bar u_i = \partial f/\partial u_i` with the chain rule in
  Leibniz form, summing over the nodes that use :math:`u_i`:

  .. math:: \bar u_i = \sum_{k:\ i \in \mathrm{parents}(k)} \bar u_k\,
            \frac{\partial u_k}{\partial u_i}.

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

* :func:`chain_flops`, :func:`forward_flops`, :func:`backward_flops`: operation counts that
  explain why reverse mode wins for a scalar loss and why a backward pass costs about twice a
  forward pass; :func:`time_passes` measures it.
* Louppe's one-hidden-layer example with a weight penalty: :func:`louppe_forward`,
  :func:`louppe_gradients`.

The two one-example forms are deliberate second copies of the delta recursion: chapter 5
shows the recursion as the lecture writes it (vectors and explicit Jacobian matrices, one
example, no batch axis), which the vectorised reference cannot show; the test suite compares
both with :meth:`lib.mlp.MLP.backward` and with finite differences.

Shapes follow :mod:`lib.mlp`: :math:`W_j` has shape ``(n_{j+1}, n_j)``; a single example is a
1-D vector; a batch stores examples as rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from . import activations as _act
from . import losses as _losses
from ._validate import (
    as_array,
    check_bool,
    check_model,
    check_positive,
    check_positive_int,
    check_real,
)
from .diagnostics import delta_norms as _delta_norms

__all__ = [
    "Node",
    "ScalarGraph",
    "baydin_graph",
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
    "chain_product",
    "chain_flops",
    "forward_flops",
    "backward_flops",
    "time_passes",
    "frobenius_norm_grad",
    "LouppeForward",
    "louppe_forward",
    "louppe_gradients",
]


# --------------------------------------------------------------------------- scalar graphs
def _d_log(p, _):
    return (1.0 / p[0],)


_OPS = {
    # name: (value(parents), local derivatives(parent values, own value) -> one per parent)
    "add": (lambda p: p[0] + p[1], lambda p, u: (1.0, 1.0)),
    "sub": (lambda p: p[0] - p[1], lambda p, u: (1.0, -1.0)),
    "mul": (lambda p: p[0] * p[1], lambda p, u: (p[1], p[0])),
    "div": (lambda p: p[0] / p[1], lambda p, u: (1.0 / p[1], -p[0] / p[1] ** 2)),
    "sin": (lambda p: np.sin(p[0]), lambda p, u: (np.cos(p[0]),)),
    "cos": (lambda p: np.cos(p[0]), lambda p, u: (-np.sin(p[0]),)),
    "exp": (lambda p: np.exp(p[0]), lambda p, u: (u,)),
    "log": (lambda p: np.log(p[0]), _d_log),
    "square": (lambda p: p[0] ** 2, lambda p, u: (2.0 * p[0],)),
    "sigmoid": (lambda p: float(_act.sigmoid(p[0])), lambda p, u: (u * (1.0 - u),)),
    "tanh": (lambda p: np.tanh(p[0]), lambda p, u: (1.0 - u * u,)),
}
_ARITY = {"add": 2, "sub": 2, "mul": 2, "div": 2}


@dataclass(frozen=True)
class Node:
    """One node of a :class:`ScalarGraph`.

    Attributes
    ----------
    name : str
        Identifier, e.g. ``"v3"``.
    op : str
        ``"input"`` or one of ``add, sub, mul, div, sin, cos, exp, log, square, sigmoid, tanh``.
    parents : tuple of str
        Names of the nodes the operation reads (empty for inputs).
    label : str
        Text drawn in the node (TeX allowed), e.g. ``"$\\sin$"``.
    pos : tuple of float
        ``(x, y)`` position for :func:`lib.plotting.computational_graph`.
    """

    name: str
    op: str
    parents: tuple = ()
    label: str = ""
    pos: tuple = (0.0, 0.0)


class ScalarGraph:
    r"""A computational graph of scalar operations with forward and reverse-mode passes.

    Parameters
    ----------
    nodes : list of Node
        In topological order (every parent before its children). The last node is the
        output :math:`f`.

    Notes
    -----
    :meth:`forward` evaluates the nodes in order and stores every value. :meth:`backward`
    visits them in reverse order; when node :math:`k` is visited its adjoint
    :math:`\bar u_k` is complete (every node using :math:`u_k` comes later and was visited),
    and it pushes :math:`\bar u_k\,\partial u_k/\partial u_i` to each parent :math:`i`.
    """

    def __init__(self, nodes):
        nodes = list(nodes)
        if not nodes:
            raise ValueError("nodes must hold at least one Node")
        seen = set()
        for nd in nodes:
            if not isinstance(nd, Node):
                raise TypeError(f"nodes must be Node objects, got {type(nd).__name__}")
            if nd.name in seen:
                raise ValueError(f"node names must be unique, {nd.name!r} appears twice")
            if nd.op == "input":
                if nd.parents:
                    raise ValueError(f"input node {nd.name!r} must have no parents")
            elif nd.op not in _OPS:
                raise ValueError(f"unknown op {nd.op!r} of node {nd.name!r}; "
                                 f"expected 'input' or one of {', '.join(_OPS)}")
            else:
                if len(nd.parents) != _ARITY.get(nd.op, 1):
                    raise ValueError(f"op {nd.op!r} of node {nd.name!r} needs "
                                     f"{_ARITY.get(nd.op, 1)} parent(s), got {len(nd.parents)}")
                for p in nd.parents:
                    if p not in seen:
                        raise ValueError(f"parent {p!r} of node {nd.name!r} must come earlier "
                                         "(nodes in topological order)")
            seen.add(nd.name)
        self.nodes = nodes
        self.by_name = {nd.name: nd for nd in nodes}
        self.inputs = [nd.name for nd in nodes if nd.op == "input"]
        self.output = nodes[-1].name

    def children(self, name):
        """Names of the nodes that read ``name`` (with repetition if read twice)."""
        if name not in self.by_name:
            raise ValueError(f"name must be a node of the graph ({', '.join(self.by_name)}), "
                             f"got {name!r}")
        return [nd.name for nd in self.nodes for p in nd.parents if p == name]

    def forward(self, **inputs) -> dict:
        """Evaluate every node; returns ``{name: value}`` (the stored intermediates)."""
        missing = set(self.inputs) - set(inputs)
        extra = set(inputs) - set(self.inputs)
        if missing or extra:
            raise ValueError(f"inputs must be exactly {self.inputs}; missing {sorted(missing)}, "
                             f"unexpected {sorted(extra)}")
        values = {}
        for nd in self.nodes:
            if nd.op == "input":
                values[nd.name] = check_real(inputs[nd.name], nd.name)
            else:
                values[nd.name] = float(_OPS[nd.op][0]([values[p] for p in nd.parents]))
        return values

    def local_derivative(self, values, child, index) -> float:
        r""":math:`\partial u_{child}/\partial u_{parent}` for the parent at position ``index``."""
        nd = self.by_name[child]
        return float(_OPS[nd.op][1]([values[p] for p in nd.parents], values[child])[index])

    def backward_steps(self, values):
        """The reverse sweep one node at a time.

        Returns
        -------
        list of (str, dict)
            ``(node visited, adjoints after visiting it)``; the first entry seeds the output
            with adjoint 1. Adjoints of nodes not reached yet are absent.
        """
        adj = {self.output: 1.0}
        steps = [(self.output, dict(adj))]
        for nd in reversed(self.nodes):
            if nd.op == "input":
                continue
            bar = adj.get(nd.name, 0.0)  # complete: every child of nd was visited
            for i, p in enumerate(nd.parents):
                # Leibniz: u_p reaches f through u_k; add this edge's term
                adj[p] = adj.get(p, 0.0) + bar * self.local_derivative(values, nd.name, i)
            steps.append((nd.name, dict(adj)))
        return steps

    def backward(self, values) -> dict:
        r"""Adjoints :math:`\bar u_i = \partial f/\partial u_i` of every node (reverse mode)."""
        adj = self.backward_steps(values)[-1][1]
        return {nd.name: adj.get(nd.name, 0.0) for nd in self.nodes}


def baydin_graph() -> ScalarGraph:
    r"""The graph of :math:`f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2`
    :cite:p:`baydin2018automatic`.

    Nodes ``x1, x2`` (inputs), ``v1 = ln x1``, ``v2 = x1 * x2``, ``v3 = sin x2``,
    ``v4 = v1 + v2``, ``f = v4 - v3``. The input ``x1`` feeds two nodes, so its adjoint is a
    sum of two terms.
    """
    return ScalarGraph([
        Node("x1", "input", (), "$x_1$", (0.0, 1.5)),
        Node("x2", "input", (), "$x_2$", (0.0, -0.3)),
        Node("v1", "log", ("x1",), r"$\ln$", (1.8, 2.2)),
        Node("v2", "mul", ("x1", "x2"), r"$\times$", (1.8, 0.6)),
        Node("v3", "sin", ("x2",), r"$\sin$", (1.8, -1.0)),
        Node("v4", "add", ("v1", "v2"), "$+$", (3.6, 1.4)),
        Node("f", "sub", ("v4", "v3"), "$-$", (5.4, 0.4)),
    ])


# --------------------------------------------------------------------------- Jacobians
def numerical_jacobian(f, x, eps=1e-6) -> np.ndarray:
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


def layer_jacobian(W, b, z, activation, residual=False) -> np.ndarray:
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


def weight_jacobian_tensor(W, b, z, activation) -> np.ndarray:
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


def contract_weight_tensor(delta, T) -> np.ndarray:
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


def backprop_jacobians(model, theta, x, y, loss="mse") -> ExampleBackprop:
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


def backprop_batch(model, theta, X, y, loss="mse"):
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


def delta_norms(model, theta, X, y, loss="mse") -> np.ndarray:
    r"""The norm of :math:`\delta_j` for j = 1..n+1 (:func:`lib.diagnostics.delta_norms`).

    The root mean square over the examples of :math:`\|\delta_j\|_2` of each example's own
    loss, from the deltas of :func:`backprop_batch`.
    """
    check_model(model)
    _, _, deltas = backprop_batch(model, theta, X, y, loss)
    return _delta_norms(deltas)


# --------------------------------------------------------------------------- costs
def _check_shapes(shapes, name="shapes"):
    if isinstance(shapes, (str, bytes)) or not hasattr(shapes, "__iter__"):
        raise TypeError(f"{name} must be a list of (rows, cols) pairs, got "
                        f"{type(shapes).__name__}")
    shapes = [tuple(int(check_positive_int(d, f"{name} entries")) for d in s) for s in shapes]
    if not shapes or any(len(s) != 2 for s in shapes):
        raise ValueError(f"{name} must be a non-empty list of (rows, cols) pairs")
    for (_, c), (r, _) in zip(shapes[:-1], shapes[1:], strict=True):
        if c != r:
            raise ValueError(f"{name} do not chain: a factor with {c} columns is followed by "
                             f"one with {r} rows")
    return shapes


def chain_product(matrices, order="left") -> np.ndarray:
    """The product :math:`A_1 A_2 \\cdots A_K`, accumulated from the left or from the right."""
    if isinstance(matrices, (str, bytes)) or not hasattr(matrices, "__iter__"):
        raise TypeError(f"matrices must be a list of 2-D arrays, got {type(matrices).__name__}")
    mats = [as_array(m, "matrices entries", ndim=2) for m in matrices]
    _check_shapes([m.shape for m in mats], "matrices")
    if order == "left":
        out = mats[0]
        for m in mats[1:]:
            out = out @ m
    elif order == "right":
        out = mats[-1]
        for m in mats[-2::-1]:
            out = m @ out
    else:
        raise ValueError(f"order must be 'left' or 'right', got {order!r}")
    return out


def chain_flops(shapes, order="left") -> int:
    r"""Flops of the chain product :math:`A_1\cdots A_K` with ``shapes[k] = A_k.shape``.

    A product of an :math:`a\times b` and a :math:`b\times c` matrix costs :math:`2abc` flops
    (a multiply and an add per term). ``"left"`` accumulates :math:`((A_1A_2)A_3)\cdots`
    (reverse mode: with :math:`A_1` a row vector every step is a vector-matrix product);
    ``"right"`` accumulates :math:`A_1(\cdots(A_{K-1}A_K))` (full Jacobians, forward mode).
    """
    shapes = _check_shapes(shapes)
    total = 0
    if order == "left":
        rows = shapes[0][0]
        for (b, c) in shapes[1:]:
            total += 2 * rows * b * c
    elif order == "right":
        cols = shapes[-1][1]
        for (a, b) in shapes[-2::-1]:
            total += 2 * a * b * cols
    else:
        raise ValueError(f"order must be 'left' or 'right', got {order!r}")
    return total


def _check_widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise ValueError(f"widths must list at least two layer sizes, got {widths!r}")
    return [check_positive_int(w, "widths entries") for w in widths]


def _check_residual_layers(residual_layers, n_layers):
    """One bool per layer (default all False)."""
    if residual_layers is None:
        return [False] * n_layers
    flags = [check_bool(r, "residual_layers entries") for r in residual_layers]
    if len(flags) != n_layers:
        raise ValueError(f"residual_layers must have one flag per layer ({n_layers}), got "
                         f"{len(flags)}")
    return flags


def forward_flops(widths, batch=1, residual_layers=None) -> int:
    r"""Flops of one forward pass of an MLP on ``batch`` examples.

    Per layer: :math:`2Nn_{j+1}n_j` for :math:`Z_jW_j^\top`, :math:`Nn_{j+1}` for the bias,
    :math:`Nn_{j+1}` for the activation (one flop per element, by convention; none on the
    last layer) and :math:`Nn_{j+1}` for a residual addition.
    """
    w = _check_widths(widths)
    N = check_positive_int(batch, "batch")
    res = _check_residual_layers(residual_layers, len(w) - 1)
    total = 0
    for j in range(len(w) - 1):
        total += 2 * N * w[j + 1] * w[j] + N * w[j + 1]
        if j < len(w) - 2:
            total += N * w[j + 1] * (2 if res[j] else 1)
    return total


def backward_flops(widths, batch=1, residual_layers=None, input_delta=False) -> int:
    r"""Flops of one backward pass (delta recursion) of an MLP on ``batch`` examples.

    Per hidden layer: :math:`Nn_{j+1}` for :math:`\sigma'(V_j)` and :math:`Nn_{j+1}` for the
    Hadamard product; every layer: :math:`2Nn_{j+1}n_j` for :math:`G_j^\top Z_j`,
    :math:`Nn_{j+1}` for the bias sum and :math:`2Nn_{j+1}n_j` for :math:`\Delta_j = G_jW_j`
    (skipped for :math:`j = 1` unless ``input_delta``: nobody needs
    :math:`\partial L/\partial x`), plus :math:`Nn_j` for a residual addition.
    """
    w = _check_widths(widths)
    N = check_positive_int(batch, "batch")
    res = _check_residual_layers(residual_layers, len(w) - 1)
    input_delta = check_bool(input_delta, "input_delta")
    total = 0
    for j in range(len(w) - 1):
        if j < len(w) - 2:
            total += 2 * N * w[j + 1]
        total += 2 * N * w[j + 1] * w[j] + N * w[j + 1]
        if j > 0 or input_delta:
            total += 2 * N * w[j + 1] * w[j] + (N * w[j] if res[j] else 0)
    return total


def time_passes(model, theta, X, y, loss="mse", *, repeats=7):
    """Median wall-clock seconds of ``model.forward`` and of ``model.backward`` (one batch).

    Each repeat times one forward and one backward pass back to back, so their ratio is
    measured under the same machine load; the median of the per-repeat ratios is more
    robust to load bursts than the ratio of the medians.

    Returns
    -------
    dict with keys ``"forward"``, ``"backward"`` (seconds, medians over ``repeats``) and
    ``"ratio"`` (median of backward/forward over the repeats).
    """
    check_model(model)
    repeats = check_positive_int(repeats, "repeats")
    theta = model.check_theta(theta)
    fp = model.forward(theta, X)
    _, delta = _losses.get(loss)(fp.output, y)
    tf, tb = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fp = model.forward(theta, X)
        t1 = time.perf_counter()
        model.backward(theta, fp, delta)
        t2 = time.perf_counter()
        tf.append(t1 - t0)
        tb.append(t2 - t1)
    ratios = np.array(tb) / np.maximum(np.array(tf), 1e-12)
    return {"forward": float(np.median(tf)), "backward": float(np.median(tb)),
            "ratio": float(np.median(ratios))}


# --------------------------------------------------------------------------- Louppe's example
def frobenius_norm_grad(W) -> np.ndarray:
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


def louppe_forward(X, y, W1, W2, lam) -> LouppeForward:
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


def louppe_gradients(X, y, W1, W2, lam) -> dict:
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
