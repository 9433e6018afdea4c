r"""Gradient descent and minibatch SGD (chapter 4).

* :func:`gradient_descent` iterates :math:`\theta_{t+1} = \theta_t - \gamma\nabla f(\theta_t)`
  on any differentiable function given its gradient, and returns the whole trajectory (the
  1-D and 2-D examples of chapter 4).
* :func:`train` fits an :class:`~lib.mlp.MLP` by full-batch gradient descent
  (``batch_size=None``) or by minibatch SGD in the *shuffled cyclic* order: every epoch draws
  a fresh permutation of the N examples and visits them in consecutive batches of size B (the
  last batch is smaller when B does not divide N). One epoch is :math:`\lceil N/B\rceil` steps.

The optimiser never mutates its inputs; it returns a new ``theta`` and a loss history.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import losses as _losses
from ._validate import as_array, check_finite, check_positive, check_positive_int, check_rng
from ._workspace import Workspace, augmented_views, from_augmented, to_augmented

__all__ = ["gradient_descent", "train", "TrainResult"]


def gradient_descent(grad, x0, lr, steps):
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
        :math:`\theta_0, \dots, \theta_T`. A diverging run is truncated before its first
        non-finite iterate, so fewer than ``steps + 1`` rows come back.
    """
    if not callable(grad):
        raise TypeError(f"grad must be callable, got {type(grad).__name__}")
    x = as_array(np.atleast_1d(x0), "x0", ndim=1).copy()
    lr = check_positive(lr, "lr")
    steps = check_positive_int(steps, "steps", allow_zero=True)
    traj = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * np.asarray(grad(x), dtype=float).reshape(x.shape)
            if not np.all(np.isfinite(x)):
                break
            traj.append(x.copy())
    return np.array(traj)


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
    extra: dict = field(default_factory=dict)


def train(model, theta0, X, y, *, loss="mse", lr, epochs, batch_size=None, rng=None,
          record="epoch", weight_decay=0.0, dtype=np.float64):
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
    theta = model.check_theta(theta0, "theta0").astype(dtype, copy=True)
    X = model._check_X(X)
    n = X.shape[0]
    loss_fn = _losses.get(loss)
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    if record not in ("epoch", "step", None):
        raise ValueError(f"record must be 'epoch', 'step' or None, got {record!r}")
    if batch_size is None:
        batch_size = n
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most N = {n}, got {batch_size}")
    if batch_size < n:
        check_rng(rng)
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
    if record == "epoch" and not full:
        history.append(full_loss())
    steps = 0
    decay = lr * weight_decay
    for _ in range(epochs):
        if full:
            ws, yb = space(n), y_arr
        else:
            order = rng.permutation(n)
        for start in range(0, n, batch_size):
            if not full:
                idx = order[start:start + batch_size]
                ws = space(idx.size)
                ws.load(XT, yT, idx)
                yb = None if fast_mse else y_arr[idx]
            ws.forward()
            value = step_value(ws, yb, lr)
            ws.backward(ws.delta_out)
            if decay:
                grads += decay * params
            params -= grads  # in place: the bound views follow
            steps += 1
            if record == "step" or (record == "epoch" and full):
                history.append(value)  # full batch: loss before this epoch's step
        if record == "epoch" and not full:
            history.append(full_loss())
    if record == "epoch" and full:
        history.append(full_loss())
    theta = from_augmented(model, params)
    check_finite(theta, "theta after training (diverged: try a smaller lr)")
    return TrainResult(theta=theta, loss=np.asarray(history), steps=steps)
