r"""Reverse-mode automatic differentiation on a graph of scalar operations (chapter 5).

:class:`ScalarGraph` is a tiny reverse-mode engine: the forward pass stores every
intermediate value; the backward pass accumulates adjoints
:math:`\bar u_i = \partial f/\partial u_i` with the chain rule in Leibniz form, summing over
the nodes that use :math:`u_i`:

.. math:: \bar u_i = \sum_{k:\ i \in \mathrm{parents}(k)} \bar u_k\,
          \frac{\partial u_k}{\partial u_i}.

:func:`baydin_graph` builds the lecture's example
:math:`f(x_1, x_2) = \ln x_1 + x_1 x_2 - \sin x_2`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from . import activations as _act
from ._validate import (
    check_real,
)

__all__ = [
    "Node",
    "ScalarGraph",
    "baydin_graph",
]


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

    def forward(self, **inputs: float) -> dict[str, float]:
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

    def backward_steps(self, values: Mapping[str, float]) -> list[tuple[str, dict[str, float]]]:
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

    def backward(self, values: Mapping[str, float]) -> dict[str, float]:
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
