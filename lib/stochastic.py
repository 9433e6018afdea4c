r"""Stochastic gradients: per-example gradients, their average, and what a step costs (ch. 4).

In empirical risk minimisation the loss is an average over the N examples,

.. math::

    \mathcal L(\theta) = \frac1N\sum_{i=1}^N \ell_i(\theta),\qquad
    \nabla\mathcal L(\theta) = \frac1N\sum_{i=1}^N \nabla\ell_i(\theta),

so the gradient of one example picked uniformly at random is an unbiased estimate of the full
gradient. This module provides

* :func:`~lib.landscape.per_example_gradients` (re-exported here): all
  :math:`\nabla\ell_i(\theta)` of an :class:`~lib.mlp.MLP` at once, shape ``(N, p)``
  (vectorised over the batch);
* :class:`CountingLoss`: a loss wrapper that counts the examples it touches, to measure the
  cost of a step of :func:`lib.optim.train` in examples rather than seconds;
* :func:`linear_sgd_path`: the shuffled-cyclic minibatch SGD of :func:`lib.optim.train` for
  the linear model :math:`m(x;\theta) = w^\top x + b`, keeping every iterate (for drawing
  trajectories on the loss contours), and :func:`linear_loss` to draw those contours.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import as_array, check_batch_size, check_positive, check_positive_int
from .landscape import per_example_gradients  # noqa: F401  (chapter 4 uses it from here)
from .losses import LossLike
from .optim import DivergenceError, shuffled_batches

__all__ = ["CountingLoss", "linear_loss", "linear_sgd_path"]


class CountingLoss:
    """A loss of :mod:`lib.losses` that counts how many examples (rows) it has evaluated.

    Pass it as ``loss=`` to :func:`lib.optim.train` (with ``record="step"`` or ``None`` so that
    no full-data evaluation is added) to count the examples one optimisation step touches.

    Attributes
    ----------
    examples : int
        Rows evaluated so far.
    calls : int
        Number of evaluations.
    sizes : list of int
        Rows of each evaluation, in order (the last ``steps`` entries of a run with
        ``record=None`` are its optimisation steps).
    """

    def __init__(self, loss: LossLike = "mse") -> None:
        self._loss = _losses.get(loss)
        self.sizes = []

    @property
    def examples(self) -> int:
        return int(sum(self.sizes))

    @property
    def calls(self) -> int:
        return len(self.sizes)

    def __call__(self, u, y, reduction="mean"):
        u = np.asarray(u)
        self.sizes.append(int(u.shape[0]) if u.ndim else 1)
        return self._loss(u, y, reduction=reduction)


def _linear_inputs(X, y, theta, theta_name="theta"):
    X = as_array(X, "X", ndim=(1, 2))
    if X.ndim == 1:
        X = X[:, None]
    y = as_array(y, "y").reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one entry per row of X ({X.shape[0]}), got {y.shape[0]}")
    theta = as_array(theta, theta_name)
    if theta.ndim == 0 or theta.shape[-1] != X.shape[1] + 1:
        raise ValueError(f"{theta_name} must have shape (..., {X.shape[1] + 1}), got "
                         f"{theta.shape}")
    return X, y


def linear_loss(theta: npt.ArrayLike, X: npt.ArrayLike,
                y: npt.ArrayLike) -> float | npt.NDArray[np.float64]:
    r"""Half mean squared error of the linear model, :math:`\frac1{2N}\sum_i (w^\top x_i + b -
    y_i)^2`, for many parameter vectors at once (contour plots).

    Parameters
    ----------
    theta : array, shape (..., d + 1)
        :math:`(w, b)`: the layout of ``MLP((d, 1))``.
    X : array, shape (N, d)
    y : array, shape (N,) or (N, 1)

    Returns
    -------
    array, shape (...)
    """
    X, y = _linear_inputs(X, y, np.atleast_1d(theta))
    theta = np.asarray(theta, dtype=float)
    res = theta[..., :-1] @ X.T + theta[..., -1:] - y  # residuals, shape (..., N)
    out = 0.5 * np.mean(res * res, axis=-1)
    return float(out) if theta.ndim == 1 else out


def linear_sgd_path(X: npt.ArrayLike, y: npt.ArrayLike, theta0: npt.ArrayLike, *, lr: float,
                    epochs: int, batch_size: int | None = None,
                    rng: np.random.Generator | None = None) -> npt.NDArray[np.float64]:
    r"""Shuffled-cyclic minibatch SGD on the half-MSE of :math:`m(x) = w^\top x + b`, keeping
    every iterate.

    Same visiting order as :func:`lib.optim.train` (a fresh ``rng.permutation(N)`` per epoch,
    consecutive batches of size B), so with the same generator state both end at the same
    parameters. The minibatch gradient is
    :math:`\frac1{|B|}\sum_{i\in B}(w^\top x_i + b - y_i)\,(x_i, 1)`.

    Parameters
    ----------
    X : array, shape (N, d)
    y : array, shape (N,) or (N, 1)
    theta0 : array, shape (d + 1,)
    lr : float
    epochs : int
    batch_size : int, optional
        ``None`` (or N) is full-batch gradient descent.
    rng : numpy.random.Generator
        Needed when ``batch_size < N``.

    Returns
    -------
    path : array, shape (steps + 1, d + 1)
        :math:`\theta_0, \theta_1, \dots`; one epoch is :math:`\lceil N/B\rceil` steps.

    Raises
    ------
    lib.optim.DivergenceError
        If an iterate :math:`\theta_t` is not finite; ``.step`` is t and ``.history`` holds
        :math:`\theta_0, \dots, \theta_{t-1}`.
    """
    X, y = _linear_inputs(X, y, theta0, "theta0")
    theta = as_array(theta0, "theta0", ndim=1).copy()
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    n = X.shape[0]
    batch_size = check_batch_size(batch_size, n, rng)
    Xa = np.hstack([X, np.ones((n, 1))])  # augmented inputs (x_i, 1)
    path = [theta.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            batches = shuffled_batches(n, batch_size, rng) if batch_size < n else (np.arange(n),)
            for idx in batches:
                r = Xa[idx] @ theta - y[idx]  # residuals of the minibatch
                theta = theta - lr * (r @ Xa[idx]) / idx.size
                if not np.all(np.isfinite(theta)):
                    raise DivergenceError("SGD", lr=lr, step=len(path), history=np.array(path))
                path.append(theta.copy())
    return np.array(path)
