r"""Checks of chapter 6's coding exercises: eq. (23) for a scalar chain with one activation
per layer, and the map from sigmoid to tanh weights.

References: central finite differences in :math:`w_1` of the chain's value (computed by a plain
loop here), and function equality: the tanh network with the reader's weights must compute
the same outputs as the sigmoid network, both evaluated by :class:`lib.mlp.MLP`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import activations as _act
from ..mlp import MLP
from ._core import CheckResult, as_float, as_layers, as_tuple, call, compare, describe, run_check

__all__ = ["check_chain_gradient", "check_sigmoid_to_tanh"]

_PAIRS = {name: (getattr(_act, name), getattr(_act, f"{name}_prime"))
          for name in ("sigmoid", "tanh", "softplus")}


def _chain_cases():
    rng = np.random.default_rng(601)
    cases = []
    for names, x, alpha in ((("sigmoid", "tanh", "softplus", "tanh"), 0.7, 1.5),
                            (("tanh", "sigmoid", "sigmoid"), -1.2, -0.8),
                            (("softplus", "tanh", "sigmoid", "tanh", "sigmoid"), 0.4, 2.0)):
        L = len(names)
        cases.append((rng.normal(size=L) * 1.5, rng.normal(size=L) * 0.5,
                       [_PAIRS[n] for n in names], names, x, alpha))
    return cases


def _value(w, b, acts, x, alpha):
    h = x
    for w_l, b_l, (sigma, _) in zip(w, b, acts, strict=True):
        h = sigma(w_l * h + b_l)
    return alpha * h


def _formula(w, b, acts, x, alpha, *, at_output=False, all_weights=False, no_x=False,
             no_alpha=False, first_act=False, shifted=False):
    u, h = [], x
    for w_l, b_l, (sigma, _) in zip(w, b, acts, strict=True):
        u.append(w_l * h + b_l)
        h = sigma(u[-1])
    derivs = [d for _, d in acts]
    if first_act:
        derivs = [derivs[0]] * len(derivs)
    if shifted:
        derivs = derivs[1:] + derivs[:1]
    slopes = [d(acts[k][0](u_l) if at_output else u_l)
              for k, (u_l, d) in enumerate(zip(u, derivs, strict=True))]
    return ((1.0 if no_alpha else alpha) * np.prod(w if all_weights else w[1:])
            * np.prod(slopes) * (1.0 if no_x else x))


def check_chain_gradient(chain_gradient: Callable[..., Any], *,
                         verbose: bool = True) -> CheckResult:
    r"""Check ``chain_gradient(weights, biases, activations, x, alpha) -> (f, df/dw_1)``
    against the chain's value and central finite differences in :math:`w_1`."""

    def body(f):
        for w, b, acts, names, x, alpha in _chain_cases():
            case = (describe(weights=w, biases=b, x=x, alpha=alpha)
                    + f", activations {', '.join(names)}")
            out = as_tuple(call(f, case, w, b, acts, x, alpha), 2, "chain_gradient", case)
            got = (as_float(out[0], "f(x)", case), as_float(out[1], "df/dw_1", case))
            h = 1e-6
            e1 = np.eye(len(w))[0] * h
            fd = (_value(w + e1, b, acts, x, alpha) - _value(w - e1, b, acts, x, alpha)) / (2 * h)
            value = _value(w, b, acts, x, alpha)
            mistakes = [
                ("sigma_l' is evaluated at the pre-activation u_l, not at sigma(u_l)",
                 (value, _formula(w, b, acts, x, alpha, at_output=True))),
                ("the product of weights runs from w_2 to w_L: w_1 is the variable",
                 (value, _formula(w, b, acts, x, alpha, all_weights=True))),
                ("the last factor of eq. (23) is x = du_1/dw_1",
                 (value, _formula(w, b, acts, x, alpha, no_x=True))),
                ("the output factor alpha multiplies the derivative too",
                 (value, _formula(w, b, acts, x, alpha, no_alpha=True))),
                ("layer l uses its own activation: sigma_l'(u_l)",
                 (value, _formula(w, b, acts, x, alpha, first_act=True))),
                ("off by one layer: pair sigma_l' with u_l",
                 (value, _formula(w, b, acts, x, alpha, shifted=True))),
            ]
            compare(got, (value, fd), case, "(f(x), df/dw_1)", mistakes, rtol=1e-6, atol=1e-9)
        return ("chain_gradient matches the chain's value and central finite differences in "
                "w_1 on 3 chains with mixed activations")

    return run_check(chain_gradient, "chain_gradient", body, verbose=verbose)


def _reparam_cases():
    rng = np.random.default_rng(602)
    cases = []
    for widths in ((3, 5, 4, 2), (4, 6, 3, 5, 2), (2, 3, 1)):
        layers = [(rng.normal(size=(m, k)), rng.normal(size=m))
                  for k, m in zip(widths[:-1], widths[1:], strict=True)]
        cases.append((widths, layers, rng.normal(size=(9, widths[0]))))
    return cases


def _map(layers, *, first_half=True, row_sums=True, last_quarter=False, hidden_half=False):
    L, out = len(layers), []
    for ell, (A, b) in enumerate(layers):
        if ell == 0:
            C, d = (A / 2, b / 2) if first_half else (A, b)
        elif ell < L - 1 or last_quarter:
            C = A / 2 if hidden_half else A / 4
            d = b / 2 + (C.sum(axis=1) if row_sums else 0)
        else:
            C = A / 2
            d = b + (C.sum(axis=1) if row_sums else 0)
        out.append((C, d))
    return out


def check_sigmoid_to_tanh(sigmoid_to_tanh: Callable[..., Any], *,
                          verbose: bool = True) -> CheckResult:
    r"""Check ``sigmoid_to_tanh(layers) -> [(C_1, d_1), ...]``: the tanh network with these
    weights computes the sigmoid network's function (compared by :class:`lib.mlp.MLP`)."""

    def body(f):
        for widths, layers, X in _reparam_cases():
            case = describe(layers=layers)
            shapes = [W.shape for W, _ in layers]
            got = as_layers(call(f, case, layers), shapes, "the tanh weights", case,
                            transposed_hint="C_l has the shape of A_l, (n_{l+1}, n_l)")
            sig, tanh = MLP(widths, "sigmoid"), MLP(widths, "tanh")

            def outputs(pairs, tanh=tanh, X=X):
                return tanh.predict(tanh.flatten(pairs), X)

            expected = sig.predict(sig.flatten(layers), X)
            mistakes = [
                ("first layer: tanh(z/2) = 2 sigmoid(z) - 1, so C_1 = A_1/2 and d_1 = b_1/2",
                 outputs(_map(layers, first_half=False))),
                ("d_l = b_l/2 + C_l 1 (hidden) and d_L = b_L + C_L 1: the row sums of C_l "
                 "carry the shift y = (y' + 1)/2", outputs(_map(layers, row_sums=False))),
                ("the last layer is linear: C_L = A_L/2, d_L = b_L + C_L 1",
                 outputs(_map(layers, last_quarter=True))),
                ("hidden layers: C_l = A_l/4 (one 1/2 from y = (y' + 1)/2, one from tanh(z/2))",
                 outputs(_map(layers, hidden_half=True))),
            ]
            compare(outputs(got), expected, case + f", X of shape {X.shape}",
                    "the tanh network's outputs", mistakes, rtol=1e-9, atol=1e-10)
        return ("sigmoid_to_tanh gives tanh networks with the sigmoid networks' outputs "
                "(widths (3, 5, 4, 2), (4, 6, 3, 5, 2), (2, 3, 1))")

    return run_check(sigmoid_to_tanh, "sigmoid_to_tanh", body, verbose=verbose)
