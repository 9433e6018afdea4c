"""Reference solutions of chapter 6's coding exercises (vanishing gradients)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def chain_gradient(weights: np.ndarray, biases: np.ndarray,
                   activations: list[tuple[Callable, Callable]], x: float,
                   alpha: float) -> tuple[float, float]:
    """f(x) and df/dw_1 of the scalar chain with one activation per layer, by eq. (23).

    activations[l] = (sigma_l, sigma_l_prime); u_1 = w_1 x + b_1,
    u_l = w_l sigma_{l-1}(u_{l-1}) + b_l, f = alpha sigma_L(u_L).
    """
    u, h = [], x
    for w, b, (sigma, _) in zip(weights, biases, activations, strict=True):
        u.append(w * h + b)
        h = sigma(u[-1])
    slopes = [dsigma(u_l) for u_l, (_, dsigma) in zip(u, activations, strict=True)]
    # eq. (23): alpha * (w_2 ... w_L) * sigma_1'(u_1) ... sigma_L'(u_L) * x
    return alpha * h, alpha * np.prod(weights[1:]) * np.prod(slopes) * x


def sigmoid_to_tanh(
        layers: list[tuple[np.ndarray, np.ndarray]]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Weights [(C_1, d_1), ...] of a tanh network computing the same function as the sigmoid
    network layers = [(A_1, b_1), ...] (last layer linear, at least two layers)."""
    L = len(layers)
    out = []
    for ell, (A, b) in enumerate(layers):
        if ell == 0:  # tanh(A x / 2 + b / 2) = 2 sigmoid(A x + b) - 1
            C, d = A / 2, b / 2
        elif ell < L - 1:  # A y + b with y = (y' + 1) / 2, halved inside tanh
            C = A / 4
            d = b / 2 + C.sum(axis=1)  # C 1: the row sums
        else:  # linear output: A y + b = (A / 2) y' + A 1 / 2 + b
            C = A / 2
            d = b + C.sum(axis=1)
        out.append((C, d))
    return out
