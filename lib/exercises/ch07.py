r"""Checks of chapter 7's coding exercises: the ReLU interpolant's weights from slope changes,
and the same interpolant as the flat parameter vector of an MLP.

Reference: the piecewise-linear interpolant itself (``numpy.interp``), evaluated at the knots
and between them; the reader's weights are judged by the function they define (the ReLU sum
evaluated here, or :meth:`lib.mlp.MLP.predict`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..mlp import MLP
from ._core import CheckResult, as_array, as_float, as_tuple, call, compare, describe, run_check

__all__ = ["check_relu_interpolant_weights", "check_interpolant_theta"]


def _cases():
    rng = np.random.default_rng(701)
    cases = []
    for n in (5, 8, 3):
        knots = np.sort(rng.uniform(-2, 2, size=n + 1))  # uneven spacing
        knots[0], knots[-1] = -2.0, 2.5
        cases.append((knots, rng.normal(size=n + 1)))
    return cases


def _points(knots):
    return np.sort(np.concatenate([knots, (knots[:-1] + knots[1:]) / 2]))


def _relu_sum(x, w, b, c):
    return c + np.maximum(x[:, None] + b[None, :], 0) @ w


def _weights(knots, values, *, slopes=False, no_spacing=False, plus_b=False, no_c=False,
             no_first=False):
    s = np.diff(values) / (1.0 if no_spacing else np.diff(knots))
    w = s.copy() if slopes else np.concatenate([[0.0 if no_first else s[0]], np.diff(s)])
    return w, (knots[:-1] if plus_b else -knots[:-1]), (0.0 if no_c else float(values[0]))


_MISTAKES = (
    ("w_i are the slope changes s_i - s_{i-1} (and w_0 = s_0), not the slopes", "slopes"),
    ("the slope s_i is (f(x_{i+1}) - f(x_i)) / (x_{i+1} - x_i): divide by the spacing",
     "no_spacing"),
    ("b_i = -x_i: unit i switches on at the knot x_i, ReLU(x - x_i)", "plus_b"),
    ("the constant c = f(x_0) is missing", "no_c"),
    ("w_0 = s_0: the first unit sets the slope of the first cell", "no_first"),
)


def check_relu_interpolant_weights(relu_interpolant_weights: Callable[..., Any], *,
                                   verbose: bool = True) -> CheckResult:
    r"""Check ``relu_interpolant_weights(knots, values) -> (w, b, c)``: the ReLU sum
    :math:`c + \sum_i w_i\,\mathrm{ReLU}(x + b_i)` must interpolate the values linearly."""

    def body(f):
        for knots, values in _cases():
            n = len(knots) - 1
            case = describe(knots=knots, values=values)
            out = as_tuple(call(f, case, knots, values), 3, "relu_interpolant_weights", case)
            w = as_array(out[0], (n,), "w", case, shape_hints={
                (n + 1,): "one unit per cell: n = len(knots) - 1 weights"})
            b = as_array(out[1], (n,), "b", case, shape_hints={
                (n + 1,): "one shift per cell: b_i = -x_i for i = 0, ..., n-1"})
            c = as_float(out[2], "c", case)
            x = _points(knots)
            mistakes = [(hint, _relu_sum(x, *_weights(knots, values, **{key: True})))
                        for hint, key in _MISTAKES]
            compare(_relu_sum(x, w, b, c), np.interp(x, knots, values),
                    case + ", g at the knots and midpoints", "g(x)", mistakes,
                    rtol=1e-9, atol=1e-10)
        return ("relu_interpolant_weights gives ReLU sums equal to the linear interpolant at "
                "every knot and midpoint (3 uneven grids)")

    return run_check(relu_interpolant_weights, "relu_interpolant_weights", body,
                     verbose=verbose)


def check_interpolant_theta(interpolant_theta: Callable[..., Any], *,
                            verbose: bool = True) -> CheckResult:
    r"""Check ``interpolant_theta(knots, values) -> theta``: ``MLP((1, n, 1), "relu")`` with
    these parameters computes the linear interpolant."""

    def body(f):
        for knots, values in _cases():
            n = len(knots) - 1
            model = MLP((1, n, 1), "relu")
            case = describe(knots=knots, values=values)
            theta = as_array(call(f, case, knots, values), (model.num_params,), "theta", case,
                             shape_hints={
                                 (3 * n,): "b_2 (the constant c) is a parameter too: 3n + 1",
                                 (n, 3): "theta is one flat vector: W_1, b_1, W_2, b_2"})
            x = _points(knots)

            def g(th, model=model, x=x):
                return model.predict(th, x[:, None])[:, 0]

            w, b, c = _weights(knots, values)
            ones = np.ones(n)
            mistakes = [
                ("the layout is W_1, b_1, W_2, b_2 (lib.mlp.MLP.offsets)",
                 g(np.concatenate([ones, w, b, [c]]))),
                ("the layout is W_1, b_1, W_2, b_2 (lib.mlp.MLP.offsets)",
                 g(np.concatenate([w, b, ones, [c]]))),
                ("the constant c = f(x_0) goes into b_2", g(np.concatenate([ones, b, w, [0.0]]))),
                ("b_1 = -x_i: unit i switches on at the knot x_i", g(np.concatenate(
                    [ones, -b, w, [c]]))),
            ]
            for hint, key in _MISTAKES[:2]:  # the weights' own mistakes, in the right layout
                wv, bv, cv = _weights(knots, values, **{key: True})
                mistakes.append((hint, g(np.concatenate([ones, bv, wv, [cv]]))))
            compare(g(theta), np.interp(x, knots, values),
                    case + ", the network at the knots and midpoints", "m(x; theta)", mistakes,
                    rtol=1e-9, atol=1e-10)
        return ("interpolant_theta makes MLP((1, n, 1), 'relu') the linear interpolant at "
                "every knot and midpoint (3 uneven grids)")

    return run_check(interpolant_theta, "interpolant_theta", body, verbose=verbose)
