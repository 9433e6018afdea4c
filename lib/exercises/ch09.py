r"""Checks of chapter 9's coding exercises: the lecture's operator-norm variance and He's
variance from the second moment of the activation.

References: the lecture's closed form :math:`1/((\sqrt{n_j}+\sqrt{n_{j+1}})^2L^2\alpha^2)`
for the first; for the second, the second moment :math:`\mathbb E[\sigma(v)^2]` of a leaky
ReLU with :math:`v\sim\mathcal N(0,1)` integrated numerically (trapezoidal rule on each half
line), so the check does not use the closed form :math:`(1+a^2)/2` it asks for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._core import CheckResult, as_float, call, compare, describe, run_check

__all__ = ["check_operator_norm_variance", "check_he_variance"]


def check_operator_norm_variance(operator_norm_variance: Callable[..., Any], *,
                                 verbose: bool = True) -> CheckResult:
    r"""Check ``operator_norm_variance(fan_in, fan_out, lipschitz, alpha) -> float``."""

    def body(f):
        for n, m, L, alpha in ((100, 10, 0.5, 1.0), (1000, 100, 0.25, 0.8), (30, 70, 1.0, 0.6)):
            case = describe(fan_in=n, fan_out=m, lipschitz=L, alpha=alpha)
            got = as_float(call(f, case, n, m, L, alpha), "the variance", case)
            s = np.sqrt(n) + np.sqrt(m)  # E||M|| <= sqrt(n) + sqrt(m) for N(0, 1) entries
            expected = 1 / (s**2 * L**2 * alpha**2)
            mistakes = [
                ("return the variance, not the standard deviation", np.sqrt(expected)),
                ("square the whole sum: (sqrt(n_j) + sqrt(n_{j+1}))^2", 1 / (s * L**2 * alpha**2)),
                ("(sqrt(n_j) + sqrt(n_{j+1}))^2, not n_j + n_{j+1}",
                 1 / ((n + m) * L**2 * alpha**2)),
                ("the target norm is 1/(L alpha): the variance carries L^2",
                 1 / (s**2 * L * alpha**2)),
                ("the target norm is 1/(L alpha): the variance carries L^2",
                 1 / (s**2 * alpha**2)),
                ("the correction alpha enters squared", 1 / (s**2 * L**2 * alpha)),
                ("the correction alpha enters squared", 1 / (s**2 * L**2)),
            ]
            compare(got, expected, case, "the variance", mistakes, rtol=1e-9, atol=0)
        return "operator_norm_variance gives the lecture's variance for 3 layer shapes"

    return run_check(operator_norm_variance, "operator_norm_variance", body, verbose=verbose)


def _second_moment(slope):
    """E[sigma(v)^2] for the leaky ReLU sigma(v) = max(v, slope v), v ~ N(0, 1), by the
    trapezoidal rule on [0, 12] (the integrand is smooth on each half line)."""
    v = np.linspace(0.0, 12.0, 240001)
    g = v**2 * np.exp(-v**2 / 2) / np.sqrt(2 * np.pi)
    half = float(np.sum((g[1:] + g[:-1]) / 2) * (v[1] - v[0]))  # E[v^2 1{v > 0}]
    return half + slope**2 * half  # the negative half line by symmetry, scaled by slope^2


def check_he_variance(he_variance: Callable[..., Any], *,
                      verbose: bool = True) -> CheckResult:
    r"""Check ``he_variance(fan_in, fan_out, slope) -> float``: the weight variance that keeps
    :math:`\mathbb E[z^2]` constant through a leaky-ReLU layer."""

    def body(f):
        for n, m, a in ((100, 30, 0.0), (50, 200, 0.1), (20, 7, 0.3)):
            case = describe(fan_in=n, fan_out=m, slope=a)
            got = as_float(call(f, case, n, m, a), "the variance", case)
            expected = 1 / (n * _second_moment(a))
            mistakes = [
                ("the negative slope a enters: E[sigma(v)^2] = (1 + a^2)/2 Var v",
                 2 / n if a else None),
                ("the slope enters squared: (1 + a^2)/2", 2 / ((1 + a) * n) if a else None),
                ("He's variance uses the fan-in n_j (the inputs of the layer)",
                 1 / (m * _second_moment(a))),
                ("return the variance, not the standard deviation", np.sqrt(expected)),
                ("ReLU zeroes half the mass: E[relu(v)^2] = Var(v)/2, so the variance is "
                 "2/n_j, not 1/n_j", 1 / n),
                ("this is Xavier's variance 2/(n_j + n_{j+1}); He's keeps E[z^2] through the "
                 "activation", 2 / (n + m)),
            ]
            compare(got, expected, case, "the variance", mistakes, rtol=1e-7, atol=0)
        return ("he_variance keeps E[z^2] constant (second moment integrated numerically) for "
                "slopes 0, 0.1, 0.3")

    return run_check(he_variance, "he_variance", body, verbose=verbose)
