"""Reference solutions of chapter 2's coding exercises (LDA and logistic regression)."""

from __future__ import annotations

import numpy as np


def lda_parameters(mu0: np.ndarray, mu1: np.ndarray, cov: np.ndarray,
                   prior1: float) -> tuple[np.ndarray, float, float]:
    """w, b, a of the LDA posterior p(y = 1 | x) = sigmoid(w @ x + b + a)."""
    s0 = np.linalg.solve(cov, mu0)  # Sigma^{-1} mu_0
    s1 = np.linalg.solve(cov, mu1)  # Sigma^{-1} mu_1
    w = s1 - s0  # Sigma^{-1} (mu_1 - mu_0)
    b = 0.5 * (mu0 @ s0 - mu1 @ s1)
    a = np.log(prior1 / (1 - prior1))  # log(pi_1 / pi_0)
    return w, float(b), float(a)


def logistic_gradient(w: np.ndarray, b: float, X: np.ndarray,
                      y: np.ndarray) -> tuple[np.ndarray, float]:
    """Gradient of the mean cross-entropy of sigmoid(X @ w + b) with labels y in {0, 1}."""
    s = X @ w + b  # scores, shape (N,)
    r = 1 / (1 + np.exp(-s)) - y  # sigma(s_i) - y_i
    return X.T @ r / len(y), float(r.mean())
