r"""Checks of chapter 5's coding exercises: the delta recursion on a batch and the
Jacobian-vector product of one layer.

References: :meth:`lib.mlp.MLP.backward` (the book's reference backward pass) for the batch
recursion, and central finite differences along the direction for the Jacobian-vector
product. The recognised mistakes are the same recursion with the mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..mlp import MLP
from ._core import CheckResult, as_array, as_layers, call, compare, describe, run_check

__all__ = ["check_backprop_batch", "check_layer_jvp"]


def _network_cases():
    rng = np.random.default_rng(501)
    cases = []
    for widths, n in (((3, 5, 4, 2), 7), ((2, 6, 3), 5), ((4, 3, 3, 5, 1), 8)):
        layers = [(rng.normal(size=(m, k)) / np.sqrt(k), rng.normal(size=m) * 0.5)
                  for k, m in zip(widths[:-1], widths[1:], strict=True)]
        X = rng.normal(size=(n, widths[0]))
        delta_out = rng.normal(size=(n, widths[-1])) / n
        cases.append((widths, layers, X, delta_out))
    return cases


def _lib_gradients(widths, layers, X, delta_out):
    model = MLP(widths, "tanh")
    theta = model.flatten(layers)
    grad = model.backward(theta, model.forward(theta, X), delta_out)
    return [(W.copy(), b.copy()) for W, b in model.layers(grad)]


def _variant(layers, X, delta_out, *, at_output=False, mean=False, last_act=False,
             no_prime=False):
    Z, V = [X], []
    n = len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        Z.append(V[-1] if j == n - 1 and not last_act else np.tanh(V[-1]))
    grads, delta = [], delta_out
    for j in reversed(range(n)):
        W, _ = layers[j]
        if (j == n - 1 and not last_act) or no_prime:
            G = delta
        else:
            point = Z[j + 1] if at_output else V[j]
            G = delta * (1 - np.tanh(point) ** 2)
        scale = 1 / len(X) if mean else 1.0
        grads.append((scale * G.T @ Z[j], scale * G.sum(axis=0)))
        delta = G @ W
    return grads[::-1]


def check_backprop_batch(backprop_batch: Callable[..., Any], *,
                         verbose: bool = True) -> CheckResult:
    r"""Check ``backprop_batch(layers, X, delta_out) -> [(dW_1, db_1), ...]`` for a tanh
    network against :meth:`lib.mlp.MLP.backward`."""

    def body(f):
        for widths, layers, X, delta_out in _network_cases():
            case = describe(layers=layers, X=X, delta_out=delta_out)
            shapes = [W.shape for W, _ in layers]
            got = as_layers(call(f, case, layers, X, delta_out), shapes, "the gradients", case,
                            transposed_hint="dL/dW_j has the shape of W_j, (n_{j+1}, n_j): "
                                            "G.T @ Z with rows as examples",
                            bias_hints={(len(X),): "sum g_j over the batch axis (axis=0)"})
            expected = _lib_gradients(widths, layers, X, delta_out)
            mistakes = [
                ("sigma' is evaluated at the pre-activation v_j = W_j z_j + b_j, not at the "
                 "layer's output z_{j+1} = sigma(v_j)", _variant(layers, X, delta_out,
                                                               at_output=True)),
                ("sum over the batch: delta_out already carries any 1/N of the loss",
                 _variant(layers, X, delta_out, mean=True)),
                ("no activation on the last layer: its sigma' is 1",
                 _variant(layers, X, delta_out, last_act=True)),
                ("multiply delta_{j+1} by sigma'(v_j) before the weights: g_j = delta_{j+1} * "
                 "sigma'(v_j)", _variant(layers, X, delta_out, no_prime=True)),
            ]
            compare(got, expected, case, "the gradients", mistakes, rtol=1e-8, atol=1e-11)
        return ("backprop_batch matches lib.mlp.MLP.backward on 3 tanh networks "
                "(widths (3, 5, 4, 2), (2, 6, 3), (4, 3, 3, 5, 1))")

    return run_check(backprop_batch, "backprop_batch", body, verbose=verbose)


def _jvp_cases():
    rng = np.random.default_rng(502)
    cases = []
    for m, k, n in ((4, 3, 6), (2, 5, 3), (6, 2, 9)):
        cases.append((rng.normal(size=(m, k)), rng.normal(size=m), rng.normal(size=(n, k)),
                      rng.normal(size=(n, k))))
    return cases


def check_layer_jvp(layer_jvp: Callable[..., Any], *,
                    verbose: bool = True) -> CheckResult:
    r"""Check ``layer_jvp(W, b, Z, U) -> (N, n_{j+1})``: row i is the derivative of
    :math:`z \mapsto \tanh(Wz + b)` at :math:`z_i` along :math:`u_i`, against central
    finite differences."""

    def body(f):
        for W, b, Z, U in _jvp_cases():
            n, m = Z.shape[0], W.shape[0]
            case = describe(W=W, b=b, Z=Z, U=U)
            got = as_array(call(f, case, W, b, Z, U), (n, m), "the Jacobian-vector products",
                           case, shape_hints={
                               (n, W.shape[1]): "J u lives in the output space: shape (N, n_{j+1})",
                               (m, n): "rows are examples: shape (N, n_{j+1}), not transposed"})
            h = 1e-5
            expected = (np.tanh((Z + h * U) @ W.T + b) - np.tanh((Z - h * U) @ W.T + b)) / (2 * h)
            V = Z @ W.T + b
            mistakes = [
                ("sigma' at the pre-activation v = W z + b, not at the output sigma(v)",
                 (1 - np.tanh(np.tanh(V)) ** 2) * (U @ W.T)),
                ("the Jacobian of tanh(W z + b) is diag(tanh'(v)) W: the tanh' factor is missing",
                 U @ W.T),
                ("the bias does not enter the derivative: tanh'(v) * (W u)",
                 (1 - np.tanh(V) ** 2) * (U @ W.T + b)),
                ("linearise: the product is tanh'(v) * (W u), not tanh(W u)", np.tanh(U @ W.T)),
                ("tanh'(v) = 1 - tanh(v)^2", (1 - np.tanh(V)) * (U @ W.T)),
            ]
            compare(got, expected, case, "J u", mistakes, rtol=1e-6, atol=1e-8)
        return ("layer_jvp matches central finite differences along u for 3 layers "
                "(W of shapes (4, 3), (2, 5), (6, 2))")

    return run_check(layer_jvp, "layer_jvp", body, verbose=verbose)
