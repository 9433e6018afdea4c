"""Reference solutions of chapter 3's coding exercises (losses and the identity network)."""

from __future__ import annotations

import numpy as np


def softmax_cross_entropy(U: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy of logits U (N, K) with class indices y (N,), and its
    gradient with respect to U, shape (N, K)."""
    N = U.shape[0]
    shifted = U - U.max(axis=1, keepdims=True)  # the row maximum: no overflow in exp
    log_sum = np.log(np.exp(shifted).sum(axis=1))
    loss = np.mean(log_sum - shifted[np.arange(N), y])  # log sum_k e^{u_k} - u_y
    P = np.exp(shifted - log_sum[:, None])  # softmax(U), row by row
    P[np.arange(N), y] -= 1  # softmax(u) - e_y
    return float(loss), P / N


def collapse_identity_network(
        layers: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    """The affine map x -> A @ x + c of a network with identity activations.

    layers = [(W_1, b_1), ..., (W_n, b_n)], W_j of shape (n_{j+1}, n_j).
    """
    W_1, b_1 = layers[0]
    A, c = W_1, b_1
    for W, b in layers[1:]:  # z_{j+1} = W_j z_j + b_j = (W_j A) x + (W_j c + b_j)
        A, c = W @ A, W @ c + b
    return A, c
