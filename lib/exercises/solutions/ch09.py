"""Reference solutions of chapter 9's coding exercises (initialization)."""

from __future__ import annotations

import numpy as np


def operator_norm_variance(fan_in: int, fan_out: int, lipschitz: float,
                           alpha: float) -> float:
    """Variance of the weights of the lecture's operator-norm initialization:
    1 / ((sqrt(n_j) + sqrt(n_{j+1}))^2 L^2 alpha^2), so that ||W_j|| is about 1 / (L alpha)."""
    return 1 / ((np.sqrt(fan_in) + np.sqrt(fan_out)) ** 2 * lipschitz**2 * alpha**2)


def he_variance(fan_in: int, fan_out: int, slope: float) -> float:
    """He's weight variance for a leaky ReLU with negative slope `slope`: the variance that
    keeps E[z^2] constant, 1 / (n_j E[sigma(v)^2] / Var v) = 2 / ((1 + slope^2) n_j)."""
    second_moment = (1 + slope**2) / 2  # E[sigma(v)^2] for v ~ N(0, 1)
    return 1 / (fan_in * second_moment)
