"""Reference solutions of chapter 5's coding exercises (backpropagation)."""

from __future__ import annotations

import numpy as np


def backprop_batch(layers: list[tuple[np.ndarray, np.ndarray]], X: np.ndarray,
                   delta_out: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Gradients [(dL/dW_1, dL/db_1), ...] of a tanh network (identity last layer) by the delta
    recursion on a batch. X has shape (N, n_1), delta_out = dL/dz_{n+1} has shape (N, n_{n+1})."""
    Z, V = [X], []
    for j, (W, b) in enumerate(layers):  # forward: v_j = W_j z_j + b_j, rows are examples
        V.append(Z[-1] @ W.T + b)
        Z.append(V[-1] if j == len(layers) - 1 else np.tanh(V[-1]))
    grads, delta = [], delta_out
    for j in reversed(range(len(layers))):
        W, _ = layers[j]
        dsigma = 1.0 if j == len(layers) - 1 else 1 - np.tanh(V[j]) ** 2  # sigma_j'(v_j)
        G = delta * dsigma  # g_j = delta_{j+1} * sigma_j'(v_j), one row per example
        grads.append((G.T @ Z[j], G.sum(axis=0)))  # sum over the batch of g_j z_j^T, g_j
        delta = G @ W  # delta_j = W_j^T g_j, row by row
    return grads[::-1]


def layer_jvp(W: np.ndarray, b: np.ndarray, Z: np.ndarray, U: np.ndarray) -> np.ndarray:
    """Jacobian-vector products of the layer z -> tanh(W z + b): row i is
    J(z_i) u_i = tanh'(v_i) * (W u_i). Z and U have shape (N, n_j); returns (N, n_{j+1})."""
    V = Z @ W.T + b
    return (1 - np.tanh(V) ** 2) * (U @ W.T)
