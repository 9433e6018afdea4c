r"""Checks of chapter 3's coding exercises: a stable softmax cross-entropy with its gradient,
and the collapse of a network with identity activations.

References: the cross-entropy is invariant under adding a constant to a row of logits, so the
check evaluates the textbook formula on moderate logits ``U0`` and hands the reader
``U = U0 + shift`` with row shifts of several hundred (where the textbook formula overflows);
the gradient is compared with central finite differences. The collapsed map is read off
:class:`lib.mlp.MLP` with identity activations: ``c = m(0)`` and column k of ``A`` is
``m(e_k) - m(0)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..mlp import MLP
from ._core import CheckResult, as_array, as_float, as_tuple, call, compare, describe, run_check

__all__ = ["check_softmax_cross_entropy", "check_collapse_identity_network"]


def _textbook_ce(U, y):
    """-log(e^{u_y} / sum_k e^{u_k}), averaged: only for moderate logits."""
    E = np.exp(U)
    return float(np.mean(-np.log(E[np.arange(len(y)), y] / E.sum(axis=1))))


def _fd(U, y, h=1e-6):
    G = np.zeros_like(U)
    for idx in np.ndindex(U.shape):
        E = np.zeros_like(U)
        E[idx] = h
        G[idx] = (_textbook_ce(U + E, y) - _textbook_ce(U - E, y)) / (2 * h)
    return G


def _ce_cases():
    rng = np.random.default_rng(301)
    cases = []
    for n, k, shift in ((5, 3, 0.0), (7, 4, 800.0), (6, 2, -900.0)):
        U0 = rng.normal(size=(n, k)) * 2
        y = rng.integers(0, k, size=n)
        offsets = shift * (1 + rng.random(n))[:, None]  # a different constant per row
        cases.append((U0, U0 + offsets, y))
    return cases


def check_softmax_cross_entropy(softmax_cross_entropy: Callable[..., Any], *,
                                verbose: bool = True) -> CheckResult:
    r"""Check ``softmax_cross_entropy(U, y) -> (loss, grad)``: the mean cross-entropy of
    logits ``U`` (N, K) and labels ``y`` (N,) and its gradient, also at logits of 10^3."""

    def body(f):
        for U0, U, y in _ce_cases():
            n, k = U.shape
            case = describe(U=U, y=y) + f" (|U| up to {np.abs(U).max():.0f})"
            out = as_tuple(call(f, case, U, y), 2, "softmax_cross_entropy", case)
            got = (as_float(out[0], "the loss", case),
                   as_array(out[1], (n, k), "the gradient", case, shape_hints={
                       (n,): "the gradient is with respect to every logit: shape (N, K)"}))
            loss = _textbook_ce(U0, y)
            grad = _fd(U0, y)
            P = np.exp(U0 - U0.max(axis=1, keepdims=True))
            P /= P.sum(axis=1, keepdims=True)
            Uc = U - U.max(axis=0, keepdims=True)  # the column maximum: a wrong shift
            col_log_sum = np.log(np.exp(Uc).sum(axis=1))
            col_loss = float(np.mean(col_log_sum - Uc[np.arange(n), y]))
            col_grad = (np.exp(Uc - col_log_sum[:, None]) - np.eye(k)[y]) / n
            mistakes = [
                ("the loss is a mean: divide by N", (n * loss, n * grad)),
                ("the gradient of the mean carries the factor 1/N", (loss, n * grad)),
                ("wrong sign: the gradient is softmax(u) - e_y", (loss, -grad)),
                ("subtract e_y from softmax(u) in the gradient", (loss, P / n)),
                ("subtract each row's maximum (axis=1, keepdims=True), not each column's",
                 (col_loss, col_grad)),
            ]
            compare(got, (loss, grad), case, "(loss, grad)", mistakes, rtol=1e-6, atol=1e-8,
                    overflow_hint="exp overflows for logits this large: subtract each row's "
                                  "maximum before exponentiating (the loss does not change)")
        return ("softmax_cross_entropy matches the textbook formula and finite differences, "
                "also for logits shifted by up to 1800")

    return run_check(softmax_cross_entropy, "softmax_cross_entropy", body, verbose=verbose)


def _collapse_cases():
    rng = np.random.default_rng(302)
    cases = []
    for widths in ((3, 4, 5, 2), (2, 6, 3), (4, 3, 5, 6, 1)):
        layers = [(rng.normal(size=(m, k)), rng.normal(size=m))
                  for k, m in zip(widths[:-1], widths[1:], strict=True)]
        cases.append((widths, layers))
    return cases


def _chain(layers, first_bias=True, only=None):
    """c with some biases left out (the recognised mistakes)."""
    c = np.zeros(layers[0][0].shape[0])
    for j, (W, b) in enumerate(layers):
        keep = (j > 0 or first_bias) and (only is None or j in only)
        c = (W @ c if j else c) + (b if keep else 0)
    return c


def check_collapse_identity_network(collapse_identity_network: Callable[..., Any], *,
                                    verbose: bool = True) -> CheckResult:
    r"""Check ``collapse_identity_network(layers) -> (A, c)`` with ``m(x) = A x + c`` for a
    network with identity activations, against :class:`lib.mlp.MLP`."""

    def body(f):
        for widths, layers in _collapse_cases():
            n_in, n_out = widths[0], widths[-1]
            case = describe(layers=layers)
            out = as_tuple(call(f, case, layers), 2, "collapse_identity_network", case)
            A = as_array(out[0], (n_out, n_in), "A", case, shape_hints={
                (n_in, n_out): "A is transposed: A = W_n ... W_1 has shape (n_out, n_in)",
                (widths[-2], n_in): "off by one layer: the product runs over all n layers",
                (n_out, widths[1]): "off by one layer: the product runs over all n layers"})
            c = as_array(out[1], (n_out,), "c", case, shape_hints={
                (widths[-2],): "off by one layer: c collects the biases of all n layers"})
            model = MLP(widths, "identity")
            theta = model.flatten(layers)
            c_ref = model.predict(theta, np.zeros((1, n_in)))[0]
            A_ref = (model.predict(theta, np.eye(n_in)) - c_ref).T
            n = len(layers)
            mistakes = [
                ("c = m(0) collects every bias, each passed through the later weights, "
                 "not only b_n", (A_ref, layers[-1][1])),
                ("the biases are missing: c = m(0)", (A_ref, np.zeros(n_out))),
                ("b_1 passes through W_2 ... W_n too", (A_ref, _chain(layers, first_bias=False))),
                ("every bias b_j, passed through W_n ... W_{j+1}, enters c",
                 (A_ref, _chain(layers, only={0, n - 1}))),
            ]
            compare((A, c), (A_ref, c_ref), case, "(A, c)", mistakes, rtol=1e-9, atol=1e-10)
        return ("collapse_identity_network gives the affine map of lib.mlp.MLP with identity "
                "activations for widths (3, 4, 5, 2), (2, 6, 3), (4, 3, 5, 6, 1)")

    return run_check(collapse_identity_network, "collapse_identity_network", body,
                     verbose=verbose)
