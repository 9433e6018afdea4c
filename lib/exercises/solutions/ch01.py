"""Reference solutions of chapter 1's coding exercises (the perceptron)."""

from __future__ import annotations

import numpy as np


def averaged_perceptron(X: np.ndarray, y: np.ndarray, lr: float,
                        epochs: int) -> tuple[np.ndarray, float]:
    """Averaged perceptron: the mean of (w, b) over every visit of the rule.

    Visits the examples in the order 0, 1, ..., N-1, `epochs` times, from w = 0, b = 0.
    """
    w, b = np.zeros(X.shape[1]), 0.0
    w_sum, b_sum = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for i in range(len(X)):
            y_hat = 1.0 if X[i] @ w + b >= 0 else 0.0  # step(0) = 1
            w = w + lr * (y[i] - y_hat) * X[i]  # changes (w, b) only on a mistake
            b = b + lr * (y[i] - y_hat)
            w_sum, b_sum = w_sum + w, b_sum + b  # every visit counts, update or not
    visits = epochs * len(X)
    return w_sum / visits, b_sum / visits


def pocket_perceptron(X: np.ndarray, y: np.ndarray, lr: float,
                      epochs: int) -> tuple[np.ndarray, float]:
    """Pocket perceptron: of all (w, b) the rule passes through, the one with the fewest
    training mistakes (the earliest of them on a tie).

    Candidates are the start w = 0, b = 0 and the parameters after every update; examples are
    visited in the order 0, 1, ..., N-1, `epochs` times.
    """

    def mistakes(w: np.ndarray, b: float) -> int:
        return int(np.sum((X @ w + b >= 0).astype(float) != y))

    w, b = np.zeros(X.shape[1]), 0.0
    best_w, best_b, best = w, b, mistakes(w, b)
    for _ in range(epochs):
        for i in range(len(X)):
            y_hat = 1.0 if X[i] @ w + b >= 0 else 0.0
            if y_hat != y[i]:
                w = w + lr * (y[i] - y_hat) * X[i]
                b = b + lr * (y[i] - y_hat)
                count = mistakes(w, b)
                if count < best:  # strictly fewer: a tie keeps the earlier parameters
                    best_w, best_b, best = w, b, count
    return best_w, best_b
