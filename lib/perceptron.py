r"""Linear classifiers: the perceptron (chapter 1). LDA and logistic regression are in
:mod:`lib.discriminant` (chapter 2).

Labels are 0/1. The perceptron predicts :math:`\hat y = \mathrm{step}(w^\top x + b)`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ._validate import (
    as_array,
    as_matrix,
    check_binary_data,
    check_positive,
    check_positive_int,
    check_real,
    check_rng,
)

__all__ = ["perceptron_predict", "perceptron", "PerceptronResult"]


def perceptron_predict(X: npt.ArrayLike, w: npt.ArrayLike, b: float) -> npt.NDArray[np.float64]:
    r""":math:`\hat y_i = 1` if :math:`w^\top x_i + b \ge 0` else 0; ``X`` of shape (N, d)."""
    X = as_matrix(X, "X")
    w = as_array(w, "w").reshape(-1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    return (X @ w + check_real(b, "b") >= 0).astype(float)


@dataclass
class PerceptronResult:
    """Outcome of :func:`perceptron`.

    Attributes
    ----------
    w : array, shape (d,)
    b : float
    converged : bool
        True if an epoch passed without a mistake.
    epochs : int
        Epochs run.
    mistakes : array of int, shape (epochs,)
        Number of updates (misclassified points) in every epoch.
    path : array, shape (n_updates + 1, d + 1)
        :math:`(w, b)` after every update, starting with the initial values.
    """

    w: np.ndarray
    b: float
    converged: bool
    epochs: int
    mistakes: np.ndarray
    path: np.ndarray


def perceptron(X: npt.ArrayLike, y: npt.ArrayLike, *, lr: float = 1.0, max_epochs: int = 100,
               rng: np.random.Generator | None = None, w0: npt.ArrayLike | None = None,
               b0: float = 0.0) -> PerceptronResult:
    r"""Rosenblatt's learning rule :cite:p:`rosenblatt1958perceptron`.

    For each example in turn, :math:`\hat y = \mathrm{step}(w^\top x + b)` and

    .. math::  w \leftarrow w + \eta\,(y - \hat y)\,x,\qquad b \leftarrow b + \eta\,(y - \hat y),

    which changes the parameters only on a mistake. Stops after the first epoch without a
    mistake (converged) or after ``max_epochs``.

    Parameters
    ----------
    X : array, shape (N, d)
    y : array, shape (N,), values in {0, 1}
    lr : float
        :math:`\eta > 0`.
    max_epochs : int
    rng : numpy.random.Generator, optional
        If given, every epoch visits the examples in a fresh random order; otherwise in order.
    w0 : array, shape (d,), optional
        Initial weights (zeros by default).
    b0 : float

    Returns
    -------
    PerceptronResult
    """
    X, y = check_binary_data(X, y)
    n, d = X.shape
    lr = check_positive(lr, "lr")
    max_epochs = check_positive_int(max_epochs, "max_epochs")
    if rng is not None:
        check_rng(rng)
    w = np.zeros(d) if w0 is None else as_array(w0, "w0").reshape(-1).copy()
    if w.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w.shape}")
    b = check_real(b0, "b0")
    path = [np.append(w, b)]
    mistakes = []
    converged = False
    for _ in range(max_epochs):
        order = rng.permutation(n) if rng is not None else range(n)
        count = 0
        for i in order:
            err = y[i] - (1.0 if X[i] @ w + b >= 0 else 0.0)  # in {-1, 0, +1}
            if err != 0.0:
                w = w + lr * err * X[i]
                b = b + lr * err
                path.append(np.append(w, b))
                count += 1
        mistakes.append(count)
        if count == 0:
            converged = True
            break
    return PerceptronResult(w, b, converged, len(mistakes), np.array(mistakes), np.array(path))
