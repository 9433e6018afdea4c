"""Reference solutions of chapter 4's coding exercises (gradient descent)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def momentum_descent(grad: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, lr: float,
                     beta: float, steps: int) -> np.ndarray:
    """Gradient descent with heavy-ball momentum; returns all iterates, shape (steps + 1, d).

    v_{t+1} = beta v_t + grad(x_t),  x_{t+1} = x_t - lr v_{t+1},  v_0 = 0.
    """
    x, v = np.array(x0, dtype=float), np.zeros(len(x0))
    path = [x]
    for _ in range(steps):
        v = beta * v + grad(x)
        x = x - lr * v  # a new array: the iterates stored in path stay as they were
        path.append(x)
    return np.array(path)


def critical_step(A: np.ndarray) -> float:
    """The step size 2 / L beyond which gradient descent on 0.5 x^T A x - b^T x diverges
    (A symmetric positive definite, L its largest eigenvalue)."""
    L = np.linalg.eigvalsh(A)[-1]  # eigenvalues in increasing order
    return float(2 / L)
