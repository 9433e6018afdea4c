r"""Checks of chapter 10's coding exercises: the Lipschitz bound of a network from its
weights, and per-example gradient norms.

References: the operator norms by power iteration (a plain loop on :math:`W^\top W`, not an
SVD), and :meth:`lib.mlp.MLP.per_example_gradients` for the per-example gradients.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..mlp import MLP
from ._core import CheckResult, as_array, as_float, call, compare, describe, run_check

__all__ = ["check_lipschitz_bound", "check_per_example_gradient_norms"]


def _networks():
    rng = np.random.default_rng(1001)
    cases = []
    for widths, n in (((3, 6, 4, 2), 7), ((5, 3, 4, 1), 9), ((2, 7, 2), 5)):
        layers = [(rng.normal(size=(m, k)) / np.sqrt(k), rng.normal(size=m) * 0.5)
                  for k, m in zip(widths[:-1], widths[1:], strict=True)]
        cases.append((widths, layers, rng.normal(size=(n, widths[0])),
                      rng.normal(size=(n, widths[-1]))))
    return cases


def _power_norm(W, iters=5000):
    x = np.ones(W.shape[1]) / np.sqrt(W.shape[1])
    for _ in range(iters):
        y = W.T @ (W @ x)
        x = y / np.sqrt(y @ y)
    return float(np.sqrt(x @ (W.T @ (W @ x))))


def check_lipschitz_bound(lipschitz_bound: Callable[..., Any], *,
                          verbose: bool = True) -> CheckResult:
    r"""Check ``lipschitz_bound(layers) -> float``: :math:`\prod_j \|W_j\|_2`."""

    def body(f):
        for _, layers, _, _ in _networks():
            case = describe(layers=layers)
            got = as_float(call(f, case, layers), "the bound", case)
            norms = [_power_norm(W) for W, _ in layers]
            expected = float(np.prod(norms))
            fro = [np.linalg.norm(W) for W, _ in layers]
            low = [np.linalg.svd(W, compute_uv=False)[-1] for W, _ in layers]
            mistakes = [
                ("use the operator (spectral) norm, the largest singular value, not the "
                 "Frobenius norm", float(np.prod(fro))),
                ("the bound is the product of the layers' norms, not their sum",
                 float(np.sum(norms))),
                ("multiply the norms of all n layers (the last, linear one too)",
                 float(np.prod(norms[:-1]))),
                ("multiply the norms of all n layers (the first one too)",
                 float(np.prod(norms[1:]))),
                ("the operator norm is the largest singular value, not the smallest",
                 float(np.prod(low))),
                ("the operator norm is the largest singular value, not the largest entry",
                 float(np.prod([np.abs(W).max() for W, _ in layers]))),
                ("biases do not enter the Lipschitz constant",
                 float(np.prod([_power_norm(np.column_stack([W, b])) for W, b in layers]))),
            ]
            compare(got, expected, case, "the bound", mistakes, rtol=1e-7, atol=0)
        return ("lipschitz_bound is the product of the operator norms (by power iteration) on "
                "3 networks")

    return run_check(lipschitz_bound, "lipschitz_bound", body, verbose=verbose)


def _norms_variant(layers, X, Y, *, factor=1.0, at_output=False, no_bias=False):
    Z, V, n = [X], [], len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        Z.append(V[-1] if j == n - 1 else np.tanh(V[-1]))
    delta, sq = factor * (Z[-1] - Y), np.zeros(len(X))
    for j in reversed(range(n)):
        W, _ = layers[j]
        point = Z[j + 1] if at_output else V[j]
        G = delta if j == n - 1 else delta * (1 - np.tanh(point) ** 2)
        g2 = np.sum(G**2, axis=1)
        sq += g2 * np.sum(Z[j] ** 2, axis=1) + (0 if no_bias else g2)
        delta = G @ W
    return np.sqrt(sq)


def check_per_example_gradient_norms(per_example_gradient_norms: Callable[..., Any], *,
                                     verbose: bool = True) -> CheckResult:
    r"""Check ``per_example_gradient_norms(layers, X, Y) -> (N,)`` against the row norms of
    :meth:`lib.mlp.MLP.per_example_gradients` (tanh network, half squared error)."""

    def body(f):
        for widths, layers, X, Y in _networks():
            N = len(X)
            case = describe(layers=layers, X=X, Y=Y)
            model = MLP(widths, "tanh")
            theta = model.flatten(layers)
            got = as_array(call(f, case, layers, X, Y), (N,), "the norms", case, shape_hints={
                (model.num_params,): "one norm per example: shape (N,), not one gradient",
                (N, model.num_params): "return the norms of the per-example gradients, "
                                       "shape (N,)"})
            G = model.per_example_gradients(theta, X, Y, "mse")
            expected = np.sqrt(np.sum(G**2, axis=1))
            mean_norm = np.linalg.norm(G.mean(axis=0))
            mistakes = [
                ("one norm per example: keep each example's outer products, do not sum over "
                 "the batch first", np.full(N, mean_norm)),
                ("one norm per example: keep each example's outer products, do not sum over "
                 "the batch first", np.full(N, N * mean_norm)),
                ("f_i = 0.5 |m(x_i) - y_i|^2 carries the factor 1/2: delta = m(x_i) - y_i, not "
                 "twice it", 2 * expected),
                ("f_i is one example's loss: do not divide by N", expected / N),
                ("tanh' is evaluated at the pre-activation v_j, not at z_{j+1}",
                 _norms_variant(layers, X, Y, at_output=True)),
                ("the biases are parameters too: add |g_{j,i}|^2 for b_j",
                 _norms_variant(layers, X, Y, no_bias=True)),
                ("return the norms, not their squares", expected**2),
            ]
            compare(got, expected, case, "the norms", mistakes, rtol=1e-8, atol=1e-12)
        return ("per_example_gradient_norms matches the per-example gradients of "
                "lib.mlp.MLP on 3 tanh networks")

    return run_check(per_example_gradient_norms, "per_example_gradient_norms", body,
                     verbose=verbose)
