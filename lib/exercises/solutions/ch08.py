"""Reference solutions of chapter 8's coding exercises (residual networks)."""

from __future__ import annotations

import numpy as np


def residual_forward(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray) -> np.ndarray:
    """Output of a tanh network whose square hidden layers are residual:
    z_{j+1} = z_j + tanh(W_j z_j + b_j) if W_j is square, tanh(W_j z_j + b_j) otherwise, and
    a linear last layer. X has shape (N, n_1)."""
    Z = X
    for j, (W, b) in enumerate(layers):
        V = Z @ W.T + b
        if j == len(layers) - 1:
            Z = V  # no activation on the last layer
        elif W.shape[0] == W.shape[1]:
            Z = Z + np.tanh(V)  # the skip connection
        else:
            Z = np.tanh(V)
    return Z


def residual_backward(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                      delta_out: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients [(dL/dW_j, dL/db_j)] of residual_forward's network, delta_out = dL/dz_{n+1}
    of shape (N, n_{n+1})."""
    Z, V = [X], []
    n = len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        if j == n - 1:
            Z.append(V[-1])
        elif W.shape[0] == W.shape[1]:
            Z.append(Z[-1] + np.tanh(V[-1]))
        else:
            Z.append(np.tanh(V[-1]))
    grads, delta = [], delta_out
    for j in reversed(range(n)):
        W, _ = layers[j]
        G = delta if j == n - 1 else delta * (1 - np.tanh(V[j]) ** 2)  # g_j
        grads.append((G.T @ Z[j], G.sum(axis=0)))
        skip = j < n - 1 and W.shape[0] == W.shape[1]
        delta = G @ W + (delta if skip else 0)  # delta_j = W_j^T g_j (+ delta_{j+1})
    return grads[::-1]
