r"""Gradient descent and minibatch SGD (chapter 4).

* :func:`gradient_descent` iterates :math:`\theta_{t+1} = \theta_t - \gamma\nabla f(\theta_t)`
  on any differentiable function given its gradient, and returns the whole trajectory (the
  1-D and 2-D examples of chapter 4).
* :func:`train` fits an :class:`~lib.mlp.MLP` by full-batch gradient descent
  (``batch_size=None``) or by minibatch SGD in the *shuffled cyclic* order: every epoch draws
  a fresh permutation of the N examples and visits them in consecutive batches of size B (the
  last batch is smaller when B does not divide N). One epoch is :math:`\lceil N/B\rceil` steps.
* :func:`levenberg_marquardt` fits a scalar-output :class:`~lib.mlp.MLP` by damped
  Gauss-Newton steps :math:`\Delta\theta = -J^\top(JJ^\top + \mu I)^{-1} r`, each the
  smallest parameter change that fits the linearised model; on an overparameterized network
  it reaches (numerically) zero training loss in a few dozen steps (chapter 10).

The optimisers never mutates its inputs; it returns a new ``theta`` and a loss history.

Divergence
----------
Every iterating function of ``lib`` (:func:`gradient_descent`, :func:`train`,
:func:`lib.stacked.train_many`,
:func:`lib.overparam.min_norm_least_squares_gd`, :func:`lib.stochastic.linear_sgd_path`) raises
:class:`DivergenceError` instead of returning a run that has blown up. A run of losses
:math:`L_0, L_1, \dots` diverges at the first step t where :math:`L_t` is NaN or infinite or
exceeds ``DIVERGENCE_FACTOR`` (:math:`10^{12}`) times :math:`\max(L_0, 1)`; a run of iterates
(:func:`gradient_descent`, :func:`~lib.stochastic.linear_sgd_path`) diverges at the first
non-finite iterate. No floating-point warning escapes from ``lib`` on the way.

The module is a little over 400 lines: it holds the book's three optimisers (gradient
descent, minibatch SGD over the fast path, Levenberg-Marquardt) and their one divergence rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import (
    as_array,
    as_values,
    check_batch_size,
    check_callable,
    check_model,
    check_positive,
    check_positive_int,
)
from ._workspace import Workspace, augmented_views, from_augmented, to_augmented
from .losses import LossLike
from .mlp import MLP

__all__ = ["gradient_descent", "train", "shuffled_batches", "TrainResult", "DivergenceError",
           "DIVERGENCE_FACTOR",
           "levenberg_marquardt", "LMResult"]

DIVERGENCE_FACTOR = 1e12
"""A loss above ``DIVERGENCE_FACTOR * max(first loss, 1)`` counts as divergence."""


class DivergenceError(ValueError):
    r"""An iterative method diverged: the loss or the iterate stopped being finite, or the loss
    exceeded ``DIVERGENCE_FACTOR`` (:math:`10^{12}`) times :math:`\max(L_0, 1)`.

    A ``ValueError`` (the step size was a bad argument for this problem), so
    ``except ValueError`` also catches it.

    Attributes
    ----------
    lr : float or array
        The step size of the run (an array for methods that run several at once).
    step : int
        Index of the offending quantity: the step t whose loss :math:`L_t` (the loss at
        the parameters before update t) was non-finite or above the threshold, or, for a run of
        iterates, the index t of the first non-finite iterate :math:`x_t`.
    history : numpy.ndarray
        What the run had recorded up to and including the last finite value: the losses
        :math:`L_0, \dots` (for :func:`train`, in the format of its ``record`` argument), or, for
        :func:`gradient_descent` and :func:`lib.stochastic.linear_sgd_path`, the finite iterates
        :math:`x_0, \dots, x_{t-1}` (shape ``(step, d)``).
    value : float or None
        The offending loss (``None`` for a run of iterates).

    Examples
    --------
    >>> try:
    ...     gradient_descent(lambda x: x, 1.0, 3.0, 2000)
    ... except DivergenceError as err:
    ...     print(err.step, err.lr, err.history.shape)
    1024 3.0 (1024, 1)
    """

    def __init__(self, what, *, lr, step, history, value=None, detail=""):
        self.lr = lr
        self.step = int(step)
        self.history = np.asarray(history)
        self.value = None if value is None else float(value)
        lr_text = f"{lr:g}" if np.ndim(lr) == 0 else str(lr)
        if value is None:
            reason = "the iterate is no longer finite"
        elif np.isfinite(value):
            reason = (f"loss {value:.3g} exceeds {DIVERGENCE_FACTOR:.0e} x max(initial loss, 1)")
        else:
            reason = f"loss {value}"
        super().__init__(
            f"{what} diverged at step {self.step} with lr={lr_text}: {reason}{detail}; "
            f"try a smaller lr (the history up to it is in .history)"
        )


def _loss_limit(first_loss):
    """The loss above which a run counts as diverged (see :data:`DIVERGENCE_FACTOR`)."""
    return DIVERGENCE_FACTOR * max(float(first_loss), 1.0)


def shuffled_batches(n, batch_size, rng):
    """The minibatches of one epoch in the shuffled-cyclic order, as index arrays.

    Draws one permutation of ``range(n)`` from ``rng`` and yields its consecutive slices of
    ``batch_size`` indices (the last one shorter when ``batch_size`` does not divide ``n``).
    The one minibatch order of the book: :func:`train`, :func:`lib.stacked.train_many` and
    :func:`lib.stochastic.linear_sgd_path` all take their batches from it, so the same ``rng``
    gives them the same visiting order. Arguments are validated by the callers
    (``lib._validate.check_batch_size``).
    """
    order = rng.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def gradient_descent(grad: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], x0: npt.ArrayLike,
                     lr: float, steps: int) -> npt.NDArray[np.float64]:
    r"""Plain gradient descent on a function of a vector, keeping the trajectory.

    Parameters
    ----------
    grad : callable
        ``grad(x) -> array`` of the shape of ``x0``.
    x0 : float or array, shape (d,)
    lr : float
        Step size :math:`\gamma > 0`.
    steps : int
        Number of updates.

    Returns
    -------
    trajectory : array, shape (steps + 1, d)
        :math:`\theta_0, \dots, \theta_T`.

    Raises
    ------
    DivergenceError
        If an iterate :math:`x_t` is not finite (overflow); ``.step`` is t and ``.history``
        holds the finite iterates :math:`x_0, \dots, x_{t-1}`.
    """
    check_callable(grad, "grad")
    x = as_array(np.atleast_1d(x0), "x0", ndim=1).copy()
    lr = check_positive(lr, "lr")
    steps = check_positive_int(steps, "steps", allow_zero=True)
    traj = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, steps + 1):
            g = _check_grad_value(grad(x), x.shape, t - 1)
            x = x - lr * g
            if not np.all(np.isfinite(x)):
                raise DivergenceError("gradient descent", lr=lr, step=t, history=np.array(traj))
            traj.append(x.copy())
    return np.array(traj)


def _check_grad_value(g, shape, t):
    """``grad(x)`` as a float array of ``shape``; a clear error if the callable returns junk."""
    g = as_values(g, f"grad(x) (the value grad returned at step {t})")
    if g.size != int(np.prod(shape)):
        raise ValueError(f"grad must return an array of shape {shape} (the shape of x0), "
                         f"got shape {g.shape} at step {t}")
    if np.isnan(g).any():
        raise ValueError(f"grad returned NaN at step {t}, at a finite x: expected numbers")
    return g.reshape(shape)


@dataclass
class TrainResult:
    """Outcome of :func:`train`.

    Attributes
    ----------
    theta : array, shape (p,)
        Final parameters.
    loss : array
        With ``record="epoch"``: the full training loss before training and after every
        epoch, shape (epochs + 1,). With ``record="step"``: the minibatch loss of every step.
    steps : int
        Number of parameter updates performed.
    """

    theta: np.ndarray
    loss: np.ndarray
    steps: int


def train(model: MLP, theta0: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike, *,
          loss: LossLike = "mse", lr: float, epochs: int, batch_size: int | None = None,
          rng: np.random.Generator | None = None, record: str = "epoch", weight_decay: float = 0.0,
          dtype: npt.DTypeLike = np.float64) -> TrainResult:
    r"""Train ``model`` by gradient descent (full batch) or shuffled-cyclic minibatch SGD.

    Parameters
    ----------
    model : lib.mlp.MLP
    theta0 : array, shape (p,)
        Initial parameters (not modified).
    X : array, shape (N, n_1)
    y : array
        Targets in the format ``loss`` expects.
    loss : str or callable
        A name from ``lib.losses.NAMES`` or a loss with the same signature.
    lr : float
        Step size :math:`\gamma > 0`.
    epochs : int
        Number of passes over the data.
    batch_size : int, optional
        Minibatch size B; ``None`` means full-batch gradient descent (B = N).
    rng : numpy.random.Generator
        Needed for minibatches (the shuffles).
    record : {"epoch", "step", None}
        What goes into the loss history.
    weight_decay : float
        Adds :math:`\tfrac{\lambda}{2}\|\theta\|^2` to the objective (explicit regularization,
        chapter 10). Default 0.
    dtype : numpy.float64 or numpy.float32
        Precision of the computation (default float64, the book's precision; float32, the
        default of deep-learning frameworks, is about twice as fast, see ``benchmarks/``).
        The returned ``theta`` has this dtype.

    Returns
    -------
    TrainResult

    Raises
    ------
    DivergenceError
        If the loss :math:`L_t` before update t (the minibatch loss for minibatches, and the
        full loss recorded after every epoch) is NaN, infinite or above
        ``DIVERGENCE_FACTOR * max(L_first, 1)``, where ``L_first`` is the first loss computed;
        ``.step`` is t (the number of updates made before the offending loss), ``.history``
        is the loss history in the format of ``record`` up to and including the last finite
        loss (empty for ``record=None``), ``.value`` the offending loss and ``.lr`` the step
        size. The check is one float comparison per step.

    Notes
    -----
    Each step is the forward pass, the loss, the backward pass (delta recursion) and the update
    :math:`\theta \leftarrow \theta - \gamma(\nabla\mathcal L_B(\theta) + \lambda\theta)`,
    computed in preallocated buffers (``lib._workspace``); the result equals that of
    :meth:`lib.mlp.MLP.loss_and_grad` steps to rounding.
    """
    try:
        dtype = np.dtype(dtype)
    except TypeError as err:
        raise TypeError(f"dtype must be numpy.float64 or numpy.float32, got {dtype!r}") from err
    if dtype not in (np.float64, np.float32):
        raise ValueError(f"dtype must be numpy.float64 or numpy.float32, got {dtype}")
    check_model(model)
    theta = model.check_theta(theta0, "theta0").astype(dtype, copy=True)
    X = model.check_X(X)
    n = X.shape[0]
    loss_fn = _losses.get(loss)
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    if record not in ("epoch", "step", None):
        raise ValueError(f"record must be 'epoch', 'step' or None, got {record!r}")
    batch_size = check_batch_size(batch_size, n, rng)
    as_array(y, "y", ndim=(1, 2))  # real, finite, non-empty (the loss checks the format)
    y_arr = np.asarray(y)
    if y_arr.ndim == 0 or y_arr.shape[0] != n:
        raise ValueError(f"y must have one row per row of X ({n}), got shape {y_arr.shape}")
    loss_fn(model._forward(model.layers(theta.astype(np.float64)), X[:1]).output, y_arr[:1])
    XT = np.ascontiguousarray(X.T, dtype=dtype)  # the workspace stores examples as columns
    fast_mse = loss_fn is _losses.mse  # validated above: targets become float columns (k, N)
    yT = None
    if fast_mse:
        yT = np.ascontiguousarray(
            _losses._targets_like(y_arr, np.empty((n, model.widths[-1]))).T, dtype=dtype)

    # Parameters and gradient in the augmented layout [W_j b_j] of lib._workspace; the gradient
    # buffer receives lr times the gradient (lr is folded into the output delta).
    params = to_augmented(model, theta)
    grads = np.empty_like(params)
    views = augmented_views(model, params), augmented_views(model, grads)
    spaces = {}

    def space(b):  # one set of buffers per batch size (the last batch may be smaller)
        if b not in spaces:
            spaces[b] = Workspace(model, b, *views, dtype=dtype, XT=XT if b == n else None)
            if b == n and fast_mse:
                spaces[b].y[...] = yT
        return spaces[b]

    def step_value(ws, yb, scale):  # loss of the current output; scale x its gradient -> delta
        if fast_mse:
            return ws.mse_delta(scale)
        value, delta = loss_fn(ws.out.T, yb)
        np.multiply(delta.T, scale, out=ws.delta_out)
        return float(value)

    def full_loss():  # loss on the whole data set at the current parameters
        ws = space(n)
        ws.forward()
        return step_value(ws, y_arr, 0.0)

    full = batch_size == n
    history = []
    limit = -np.inf  # set from the first loss (see DIVERGENCE_FACTOR); NaN fails every test

    def diverged(value, step):
        kept = history + ([value] if np.isfinite(value) and record is not None else [])
        return DivergenceError("training", lr=lr, step=step, history=np.asarray(kept),
                               value=value)

    steps = 0
    decay = lr * weight_decay
    # overflow of a diverging run is detected below (the loss stops being finite or exceeds
    # the limit); no floating-point warning from the workspace reaches the caller
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if record == "epoch" and not full:
            value = full_loss()
            if not np.isfinite(value):
                raise diverged(value, 0)
            limit = _loss_limit(value)
            history.append(value)
        for _ in range(epochs):
            if full:
                ws, yb = space(n), y_arr
            batches = (None,) if full else shuffled_batches(n, batch_size, rng)
            for idx in batches:
                if not full:
                    ws = space(idx.size)
                    ws.load(XT, yT, idx)
                    yb = None if fast_mse else y_arr[idx]
                ws.forward()
                value = step_value(ws, yb, lr)
                if not value <= limit:  # one float comparison per step
                    if limit == -np.inf and np.isfinite(value):
                        limit = _loss_limit(value)  # the first step's loss
                    else:
                        raise diverged(value, steps)
                ws.backward(ws.delta_out)
                if decay:
                    grads += decay * params
                params -= grads  # in place: the bound views follow
                steps += 1
                if record == "step" or (record == "epoch" and full):
                    history.append(value)  # full batch: loss before this epoch's step
            if record == "epoch" and not full:
                value = full_loss()
                if not value <= limit:
                    raise diverged(value, steps)
                history.append(value)
        if record == "epoch" and full:
            value = full_loss()
            if not value <= limit:
                raise diverged(value, steps)
            history.append(value)
    if not np.all(np.isfinite(params)):  # the last update overflowed
        raise DivergenceError("training", lr=lr, step=steps, history=np.asarray(history))
    theta = from_augmented(model, params)
    return TrainResult(theta=theta, loss=np.asarray(history), steps=steps)


@dataclass
class LMResult:
    """Outcome of :func:`levenberg_marquardt`.

    Attributes
    ----------
    theta : array, shape (p,)
    loss : array
        Mean half squared error after every accepted step (first entry at ``theta0``).
    converged : bool
        Whether the loss fell below ``tol``.
    """

    theta: np.ndarray
    loss: np.ndarray
    converged: bool


def levenberg_marquardt(model: MLP, theta0: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike, *,
                        iters: int = 100, mu: float = 1e-3, tol: float = 1e-20) -> LMResult:
    r"""Fit a scalar-output network by Levenberg-Marquardt (damped Gauss-Newton).

    With residuals :math:`r = m(X;\theta) - y` and the Jacobian :math:`J` of the outputs
    (:meth:`lib.mlp.MLP.output_jacobian`, shape (N, p)), a trial step is

    .. math::

        \Delta\theta = -J^\top (JJ^\top + \mu I_N)^{-1} r
                     = -(J^\top J + \mu I_p)^{-1} J^\top r,

    the minimiser of :math:`\|r + J\Delta\|^2 + \mu\|\Delta\|^2`. An accepted step (lower loss)
    divides :math:`\mu` by 3 (:math:`\mu` is measured in units of
    :math:`\operatorname{tr}(JJ^\top)/N`); a rejected one multiplies it by 4.

    Parameters
    ----------
    model : lib.mlp.MLP with one output
    theta0 : array, shape (p,)
    X : array, shape (N, n_1)
    y : array, shape (N,) or (N, 1)
    iters : int
        Maximum number of Jacobian evaluations.
    mu : float
        Initial damping.
    tol : float
        Stop when the mean half squared error is below ``tol``.

    Returns
    -------
    LMResult
    """
    check_model(model)
    theta = model.check_theta(theta0, "theta0").copy()
    X = model.check_X(X)
    n = X.shape[0]
    Y = as_array(y, "y", ndim=(1, 2)).reshape(n, -1)
    if Y.shape[1] != 1 or model.widths[-1] != 1:
        raise ValueError("levenberg_marquardt needs a scalar-output model and y of shape (N,)")
    iters = check_positive_int(iters, "iters")
    mu = check_positive(mu, "mu")
    tol = check_positive(tol, "tol")

    def loss_of(th):
        r = model.predict(th, X)[:, 0] - Y[:, 0]
        return 0.5 * float(r @ r) / n, r

    value, r = loss_of(theta)
    history = [value]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(iters):
            if value < tol:
                break
            J = model.output_jacobian(theta, X)
            K = J @ J.T
            scale = max(float(np.trace(K)) / n, 1e-300)  # damping relative to the curvature
            for _ in range(30):  # raise the damping until the step helps
                step = -J.T @ np.linalg.solve(K + mu * scale * np.eye(n), r)
                trial = theta + step
                new_value, new_r = loss_of(trial)
                if np.isfinite(new_value) and new_value < value:
                    theta, value, r = trial, new_value, new_r
                    mu = max(mu / 3.0, 1e-12)
                    break
                mu *= 4.0
            else:
                break  # no damping helps: a stationary point of the loss
            history.append(value)
    return LMResult(theta=theta, loss=np.asarray(history), converged=value < tol)
