"""Reference solutions of chapter 10's coding exercises (generalization)."""

from __future__ import annotations

import numpy as np


def lipschitz_bound(layers: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """Upper bound prod_j ||W_j||_2 on the Lipschitz constant of a network with 1-Lipschitz
    activations (plain layers) and weights layers = [(W_1, b_1), ...]."""
    return float(np.prod([np.linalg.norm(W, 2) for W, _ in layers]))  # largest singular values


def per_example_gradient_norms(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                               Y: np.ndarray) -> np.ndarray:
    """||grad_theta f_i||_2 for f_i = 0.5 ||m(x_i) - y_i||^2, m a tanh network with a linear
    last layer; X (N, n_1), Y (N, n_{n+1}); returns shape (N,).

    One batch backward pass: the gradient of f_i in layer j is the outer product g_{j,i} z_{j,i}^T
    and the bias part g_{j,i}, whose squared norms are |g_{j,i}|^2 |z_{j,i}|^2 and |g_{j,i}|^2.
    """
    Z, V = [X], []
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        Z.append(V[-1] if j == len(layers) - 1 else np.tanh(V[-1]))
    delta = Z[-1] - Y  # df_i/du for the half squared error, one row per example
    squared = np.zeros(len(X))
    for j in reversed(range(len(layers))):
        W, _ = layers[j]
        G = delta if j == len(layers) - 1 else delta * (1 - np.tanh(V[j]) ** 2)
        g2 = np.sum(G**2, axis=1)  # |g_{j,i}|^2, per example
        squared += g2 * np.sum(Z[j] ** 2, axis=1) + g2  # weights and bias of layer j
        delta = G @ W
    return np.sqrt(squared)
