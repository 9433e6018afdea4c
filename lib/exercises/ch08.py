r"""Checks of chapter 8's coding exercises: the forward and the backward pass of a residual
network.

Reference: :class:`lib.mlp.MLP` with ``residual=True`` (square hidden layers carry the skip
connection :math:`z_{j+1} = z_j + \sigma(W_j z_j + b_j)`), whose backward pass is the book's
reference delta recursion with the :math:`+\,\delta_{j+1}` of a residual layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..mlp import MLP
from ._core import CheckResult, as_array, as_layers, call, compare, describe, run_check

__all__ = ["check_residual_forward", "check_residual_backward"]


def _cases():
    rng = np.random.default_rng(801)
    cases = []
    for widths, n in (((3, 4, 4, 4, 2), 6), ((2, 5, 5, 3, 3, 1), 7), ((4, 6, 6, 2), 9)):
        layers = [(rng.normal(size=(m, k)) / np.sqrt(k), rng.normal(size=m) * 0.5)
                  for k, m in zip(widths[:-1], widths[1:], strict=True)]
        cases.append((widths, layers, rng.normal(size=(n, widths[0])),
                      rng.normal(size=(n, widths[-1])) / n))
    return cases


def _forward(layers, X, skip="outside", last_act=False):
    Z, V, n = [X], [], len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        square = j < n - 1 and W.shape[0] == W.shape[1]
        if j == n - 1:
            Z.append(np.tanh(V[-1]) if last_act else V[-1])
        elif square and skip == "outside":
            Z.append(Z[-1] + np.tanh(V[-1]))
        elif square and skip == "inside":
            Z.append(np.tanh(Z[-1] + V[-1]))
        elif square and skip == "linear":
            Z.append(Z[-1] + V[-1])
        else:
            Z.append(np.tanh(V[-1]))
    return Z, V


def check_residual_forward(residual_forward: Callable[..., Any], *,
                           verbose: bool = True) -> CheckResult:
    r"""Check ``residual_forward(layers, X) -> (N, n_out)`` against
    ``lib.mlp.MLP(widths, "tanh", residual=True).predict``."""

    def body(f):
        for widths, layers, X, _ in _cases():
            case = describe(layers=layers, X=X)
            got = as_array(call(f, case, layers, X), (X.shape[0], widths[-1]), "the output",
                           case, shape_hints={(widths[-1], X.shape[0]): "rows are examples: "
                                              "shape (N, n_out), V = Z @ W.T + b"})
            model = MLP(widths, "tanh", residual=True)
            expected = model.predict(model.flatten(layers), X)
            mistakes = [
                ("a square hidden layer adds its input: z_{j+1} = z_j + tanh(v_j)",
                 _forward(layers, X, skip="none")[0][-1]),
                ("the skip adds z_j outside the activation: z_j + tanh(v_j), not tanh(z_j + v_j)",
                 _forward(layers, X, skip="inside")[0][-1]),
                ("the residual branch is tanh(W_j z_j + b_j): the activation is missing",
                 _forward(layers, X, skip="linear")[0][-1]),
                ("no activation on the last layer", _forward(layers, X, last_act=True)[0][-1]),
            ]
            compare(got, expected, case, "the output", mistakes, rtol=1e-9, atol=1e-11)
        return ("residual_forward matches lib.mlp.MLP(..., residual=True) on 3 networks "
                "(widths (3, 4, 4, 4, 2), (2, 5, 5, 3, 3, 1), (4, 6, 6, 2))")

    return run_check(residual_forward, "residual_forward", body, verbose=verbose)


def _backward(layers, X, delta_out, *, no_skip=False, at_output=False, mean=False,
              skip_times_prime=False):
    Z, V = _forward(layers, X)
    n = len(layers)
    grads, delta = [], delta_out
    for j in reversed(range(n)):
        W, _ = layers[j]
        branch = Z[j + 1] - Z[j] if (j < n - 1 and W.shape[0] == W.shape[1]) else Z[j + 1]
        point = branch if at_output else V[j]
        G = delta if j == n - 1 else delta * (1 - np.tanh(point) ** 2)
        scale = 1 / len(X) if mean else 1.0
        grads.append((scale * G.T @ Z[j], scale * G.sum(axis=0)))
        skip = j < n - 1 and W.shape[0] == W.shape[1] and not no_skip
        delta = G @ W + ((G if skip_times_prime else delta) if skip else 0)
    return grads[::-1]


def check_residual_backward(residual_backward: Callable[..., Any], *,
                            verbose: bool = True) -> CheckResult:
    r"""Check ``residual_backward(layers, X, delta_out) -> [(dW_1, db_1), ...]`` against
    :meth:`lib.mlp.MLP.backward` of the residual network."""

    def body(f):
        for widths, layers, X, delta_out in _cases():
            case = describe(layers=layers, X=X, delta_out=delta_out)
            shapes = [W.shape for W, _ in layers]
            got = as_layers(call(f, case, layers, X, delta_out), shapes, "the gradients", case,
                            transposed_hint="dL/dW_j has the shape of W_j, (n_{j+1}, n_j)",
                            bias_hints={(len(X),): "sum g_j over the batch axis (axis=0)"})
            model = MLP(widths, "tanh", residual=True)
            theta = model.flatten(layers)
            grad = model.backward(theta, model.forward(theta, X), delta_out)
            expected = [(W.copy(), b.copy()) for W, b in model.layers(grad)]
            mistakes = [
                ("a residual layer passes delta_{j+1} through the skip: "
                 "delta_j = W_j^T g_j + delta_{j+1}", _backward(layers, X, delta_out,
                                                                no_skip=True)),
                ("sigma' is evaluated at the pre-activation v_j, not at the branch's output",
                 _backward(layers, X, delta_out, at_output=True)),
                ("sum over the batch: delta_out already carries any 1/N of the loss",
                 _backward(layers, X, delta_out, mean=True)),
                ("the skip passes delta_{j+1} unchanged: + delta_{j+1}, not + g_j",
                 _backward(layers, X, delta_out, skip_times_prime=True)),
            ]
            compare(got, expected, case, "the gradients", mistakes, rtol=1e-8, atol=1e-11)
        return ("residual_backward matches lib.mlp.MLP.backward (residual) on 3 networks "
                "(widths (3, 4, 4, 4, 2), (2, 5, 5, 3, 3, 1), (4, 6, 6, 2))")

    return run_check(residual_backward, "residual_backward", body, verbose=verbose)
