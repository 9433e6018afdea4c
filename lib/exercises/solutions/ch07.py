"""Reference solutions of chapter 7's coding exercises (universal approximation)."""

from __future__ import annotations

import numpy as np


def relu_interpolant_weights(knots: np.ndarray,
                             values: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """w, b, c of g(x) = c + sum_i w_i relu(x + b_i), the piecewise-linear interpolant of
    values at knots x_0 < ... < x_n (w and b of shape (n,))."""
    s = np.diff(values) / np.diff(knots)  # slope on each cell
    w = np.concatenate([[s[0]], np.diff(s)])  # the slope changes at the knots
    return w, -knots[:-1], float(values[0])


def interpolant_theta(knots: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The flat parameter vector of MLP((1, n, 1), "relu") computing the interpolant:
    theta = (W_1, b_1, W_2, b_2) with W_1 of shape (n, 1), b_1 (n,), W_2 (1, n), b_2 (1,)."""
    w, b, c = relu_interpolant_weights(knots, values)
    return np.concatenate([np.ones(len(w)), b, w, [c]])  # W_1 = 1 (one column), b_1 = -x_i
