r"""Loss landscapes, per-example gradients and sharpness (chapters 6 and 10).

The training objective of an :class:`~lib.mlp.MLP` is a sum (or mean) of per-example losses

.. math::

    f(\theta) = \frac1N\sum_{i=1}^N f_i(\theta),\qquad f_i(\theta) = L(m(x_i;\theta), y_i).

This module looks at :math:`f` and the :math:`f_i` around a trained :math:`\theta^\star`:

* :func:`batched_predict` / :func:`batched_loss` evaluate many parameter vectors at once
  (one batched matrix product per layer), which makes a grid of :math:`41\times 41` points in
  parameter space cost about as much as a few training steps;
* :func:`batched_loss_and_grad` and :func:`train_batched` run full-batch gradient descent on
  B same-shaped networks at once (different initialisations, weight decays or example
  weights), which is how the chapter trains its 30-layer residual networks in seconds;
* :func:`random_directions` and :func:`loss_slice` give the lecture's plot
  :math:`(t_1,t_2)\mapsto\sum_i L(m(x_i;\theta^\star+t_1\theta_1+t_2\theta_2), y_i)`
  along random directions :cite:p:`li2018visualizing`;
* :func:`per_example_gradients` returns all :math:`\nabla f_i(\theta)` in one vectorised
  backward pass (the rows average to :math:`\nabla f`);
* :func:`hessian_vector_product`, :func:`top_hessian_eigenvalue` and
  :func:`perturbed_loss_increase` measure how flat or sharp a minimum is
  :cite:p:`hochreiter1997flat,keskar2017large`.
"""

from __future__ import annotations

import numpy as np

from . import losses as _losses
from ._validate import (
    as_array,
    check_model,
    check_positive,
    check_positive_int,
    check_real,
    check_rng,
)
from .optim import DivergenceError, _loss_limit

__all__ = [
    "batched_predict",
    "batched_loss",
    "batched_loss_and_grad",
    "train_batched",
    "random_directions",
    "loss_slice",
    "per_example_losses",
    "per_example_gradients",
    "output_jacobian",
    "hessian_vector_product",
    "top_hessian_eigenvalue",
    "perturbed_loss_increase",
]

_REDUCTIONS = ("sum", "mean")


def _offsets(model):
    """``[(a, b, c)]`` per layer: ``W_j = theta[a:b]``, ``b_j = theta[b:c]`` (lib.mlp layout)."""
    out, pos = [], 0
    for m, k in model.shapes:
        out.append((pos, pos + m * k, pos + m * k + m))
        pos += m * k + m
    return out


def _thetas(model, thetas):
    arr = as_array(thetas, "thetas", ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[1] != model.num_params:
        raise ValueError(
            f"thetas must have shape (B, {model.num_params}) for {model!r}, got {arr.shape}"
        )
    return arr


def batched_predict(model, thetas, X):
    r"""Outputs :math:`m(x_i;\theta_b)` for a batch of parameter vectors at once.

    Each layer is one batched product ``Z @ W_j^T + b_j`` over the B networks, so the cost
    of B parameter vectors is that of one forward pass of a B times wider batch.

    Parameters
    ----------
    model : lib.mlp.MLP
    thetas : array, shape (B, p) or (p,)
    X : array, shape (N, n_1)

    Returns
    -------
    array, shape (B, N, n_{n+1})
    """
    check_model(model)
    thetas = _thetas(model, thetas)
    X = model._check_X(X)
    B = thetas.shape[0]
    Z = np.broadcast_to(X, (B,) + X.shape)
    last = model.n_layers - 1
    for j, ((a, b, c), (m, k)) in enumerate(zip(_offsets(model), model.shapes, strict=True)):
        W = thetas[:, a:b].reshape(B, m, k)
        V = np.matmul(Z, W.transpose(0, 2, 1)) + thetas[:, None, b:c]  # v_j = W_j z_j + b_j
        if j == last:
            Z = V
        elif model.residual_layers[j]:
            Z = Z + model.activations[j].f(V)  # z_{j+1} = z_j + sigma(v_j)
        else:
            Z = model.activations[j].f(V)
    return Z


def batched_loss(model, thetas, X, y, loss="mse", reduction="sum"):
    r"""Training loss for a batch of parameter vectors, shape (B,).

    ``reduction="sum"`` gives the lecture's :math:`\sum_i L(m(x_i;\theta_b), y_i)`;
    ``"mean"`` divides by N (the objective minimised by :func:`lib.optim.train`).
    Only ``"mse"`` is vectorised over B; other losses loop over the batch.
    """
    check_model(model)
    if reduction not in _REDUCTIONS:
        raise ValueError(f"reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    out = batched_predict(model, thetas, X)
    n = out.shape[1]
    if loss == "mse":
        y_arr = as_array(y, "y", ndim=(1, 2)).reshape(n, -1)
        if y_arr.shape[1] != out.shape[2]:
            raise ValueError(f"y must have shape ({n}, {out.shape[2]}), got {np.shape(y)}")
        r = out - y_arr[None]
        total = 0.5 * np.sum(r * r, axis=(1, 2))
    else:
        fn = _losses.get(loss)
        total = np.array([fn(o, y, reduction="sum")[0] for o in out])
    return total / n if reduction == "mean" else total


def _example_weights(weights, B, n):
    if weights is None:
        return np.full((B, n), 1.0 / n)
    w = as_array(weights, "weights", ndim=(1, 2))
    if w.shape[-1] != n:
        raise ValueError(f"weights must have shape ({n},) or ({B}, {n}), got {np.shape(weights)}")
    w = np.broadcast_to(w, (B, n)) if w.ndim == 1 or w.shape[0] == 1 else w
    if w.shape != (B, n):
        raise ValueError(f"weights must have shape ({n},) or ({B}, {n}), got {np.shape(weights)}")
    if np.any(w < 0) or np.any(w.sum(axis=1) <= 0):
        raise ValueError("weights must be non-negative with a positive sum in every row")
    return w / w.sum(axis=1, keepdims=True)


def _batched_grad(model, thetas, X, Y, w, grad):
    """Loss (B,) and gradient into ``grad`` (B, p) of the weighted half squared error."""
    B = thetas.shape[0]
    offs = _offsets(model)
    Z = np.broadcast_to(X, (B,) + X.shape)
    zs, vs, Ws = [Z], [], []
    last = model.n_layers - 1
    for j, ((a, b, c), (m, k)) in enumerate(zip(offs, model.shapes, strict=True)):
        W = thetas[:, a:b].reshape(B, m, k)
        Ws.append(W)
        V = np.matmul(Z, W.transpose(0, 2, 1)) + thetas[:, None, b:c]
        vs.append(V)
        if j == last:
            Z = V
        elif model.residual_layers[j]:
            Z = Z + model.activations[j].f(V)
        else:
            Z = model.activations[j].f(V)
        zs.append(Z)
    r = Z - Y[None]  # (B, N, k)
    loss = 0.5 * np.einsum("bn,bnk->b", w, r * r)
    delta = r * w[:, :, None]  # dL/dz_{n+1}, weighted
    for j in range(last, -1, -1):
        a, b, c = offs[j]
        g = delta if j == last else delta * model.activations[j].df(vs[j])
        gW = np.matmul(g.transpose(0, 2, 1), zs[j])  # sum_i g_{j,i} z_{j,i}^T
        grad[:, a:b] = gW.reshape(B, -1)
        grad[:, b:c] = g.sum(axis=1)
        if j > 0:
            new = np.matmul(g, Ws[j])  # delta_j = W_j^T g_j
            if model.residual_layers[j]:
                new += delta
            delta = new
    return loss


def batched_loss_and_grad(model, thetas, X, y, weights=None):
    r"""Weighted half squared error of B networks and its gradients, in one pass.

    .. math::

        f_b(\theta_b) = \sum_{i=1}^N w_{bi}\,\tfrac12\|m(x_i;\theta_b) - y_i\|^2,
        \qquad \sum_i w_{bi} = 1,

    so the default (uniform) weights give the mean loss of :func:`lib.optim.train`; a zero
    weight drops an example from network b's objective.

    Parameters
    ----------
    model : lib.mlp.MLP
    thetas : array, shape (B, p)
    X : array, shape (N, n_1)
    y : array, shape (N, n_{n+1}) (or (N,) for one output)
    weights : array, shape (N,) or (B, N), optional
        Non-negative example weights, normalised to sum to 1 per network.

    Returns
    -------
    loss : array, shape (B,)
    grad : array, shape (B, p)
    """
    check_model(model)
    thetas = _thetas(model, thetas)
    X = model._check_X(X)
    n = X.shape[0]
    Y = as_array(y, "y", ndim=(1, 2)).reshape(n, -1)
    w = _example_weights(weights, thetas.shape[0], n)
    grad = np.empty_like(thetas)
    loss = _batched_grad(model, thetas, X, Y, w, grad)
    return loss, grad


def train_batched(model, thetas0, X, y, *, lr, epochs, weights=None, weight_decay=0.0,
                  momentum=0.0, record_every=1):
    r"""Full-batch gradient descent on B networks at once.

    Network b follows
    :math:`\theta_b \leftarrow \theta_b - \gamma\,(\nabla f_b(\theta_b) + \lambda_b\theta_b)`
    (with ``momentum`` :math:`\beta > 0`, the heavy-ball update
    :math:`u \leftarrow \beta u + \nabla`, :math:`\theta \leftarrow \theta - \gamma u`).
    With B = 1, uniform weights and no momentum this is exactly :func:`lib.optim.train`
    with ``batch_size=None`` (tested).

    Parameters
    ----------
    model : lib.mlp.MLP
    thetas0 : array, shape (B, p)
        Initial parameters (not modified).
    X, y, weights : as in :func:`batched_loss_and_grad`
    lr : float
    epochs : int
    weight_decay : float or array of shape (B,)
        :math:`\lambda_b`, the coefficient of :math:`\tfrac{\lambda_b}{2}\|\theta_b\|^2`.
    momentum : float in [0, 1)
    record_every : int
        Keep the losses every ``record_every`` epochs.

    Returns
    -------
    thetas : array, shape (B, p)
    history : array, shape (epochs // record_every + 1, B)
        Data losses :math:`f_b` (without the decay term), the first row at the start.

    Raises
    ------
    lib.optim.DivergenceError
        If a network's loss :math:`f_b` after t epochs is not finite or exceeds
        ``DIVERGENCE_FACTOR`` times the larger of 1 and its initial loss; ``.step`` is t and
        ``.history`` the recorded rows up to it (checked every epoch, not only recorded ones).
    """
    check_model(model)
    thetas = _thetas(model, thetas0).copy()
    X = model._check_X(X)
    n = X.shape[0]
    Y = as_array(y, "y", ndim=(1, 2)).reshape(n, -1)
    B = thetas.shape[0]
    w = _example_weights(weights, B, n)
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    record_every = check_positive_int(record_every, "record_every")
    lam = np.broadcast_to(as_array(weight_decay, "weight_decay", ndim=(0, 1)), (B,))
    if np.any(lam < 0):
        raise ValueError(f"weight_decay must be non-negative, got {weight_decay!r}")
    momentum = check_real(momentum, "momentum")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum must lie in [0, 1), got {momentum!r}")
    decay = bool(np.any(lam > 0))
    lam = lam[:, None]
    grad = np.empty_like(thetas)
    u = np.zeros_like(thetas) if momentum else None
    history = []
    limit = None  # per network, from its initial loss (see lib.optim.DIVERGENCE_FACTOR)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for t in range(epochs + 1):
            loss = _batched_grad(model, thetas, X, Y, w, grad)
            if limit is None and np.all(np.isfinite(loss)):
                limit = np.array([_loss_limit(v) for v in loss])
            bad = ~(loss <= limit) if limit is not None else ~np.isfinite(loss)
            if np.any(bad):
                kept = history + ([loss] if np.all(np.isfinite(loss)) else [])
                raise DivergenceError(
                    f"training of network(s) {np.flatnonzero(bad).tolist()}", lr=lr, step=t,
                    history=np.array(kept).reshape(-1, B), value=float(np.max(loss[bad])))
            if t % record_every == 0:
                history.append(loss)
            if t == epochs:
                break
            if decay:
                grad += lam * thetas
            if momentum:
                u *= momentum
                u += grad
                thetas -= lr * u
            else:
                thetas -= lr * grad
    return thetas, np.array(history)


def random_directions(model, theta, rng, *, normalization="filter"):
    r"""Two random directions :math:`\theta_1, \theta_2` in parameter space.

    Entries are drawn from :math:`\mathcal N(0,1)`. With ``normalization="filter"`` each row
    of every :math:`W_j` (the weights into one neuron) and each bias entry is rescaled to the
    norm of the corresponding part of ``theta`` :cite:p:`li2018visualizing`, so that a step
    :math:`t = 1` changes every neuron by about its own size; ``"layer"`` rescales whole
    :math:`W_j` and :math:`b_j` blocks; ``"none"`` keeps the raw Gaussian directions.

    Returns
    -------
    d1, d2 : arrays, shape (p,)
    """
    check_model(model)
    theta = model.check_theta(theta)
    check_rng(rng)
    if normalization not in ("filter", "layer", "none"):
        raise ValueError(f"normalization must be 'filter', 'layer' or 'none', got {normalization!r}")
    dirs = rng.standard_normal((2, model.num_params))
    if normalization == "none":
        return dirs[0], dirs[1]
    for d in dirs:
        for (W, b), (Wd, bd) in zip(model.layers(theta), model.layers(d), strict=True):
            if normalization == "filter":
                Wd *= np.linalg.norm(W, axis=1, keepdims=True) / np.linalg.norm(
                    Wd, axis=1, keepdims=True)
                bd *= np.abs(b) / np.abs(bd)
            else:
                Wd *= np.linalg.norm(W) / np.linalg.norm(Wd)
                bd *= np.linalg.norm(b) / np.linalg.norm(bd)
    return dirs[0], dirs[1]


def loss_slice(model, theta, X, y, d1, d2, t1, t2, *, loss="mse", reduction="sum",
               chunk=4096):
    r"""The loss on a 2-D slice of parameter space (chapters 6 and 10).

    .. math::

        F(t_1, t_2) = \sum_{i=1}^N L\big(m(x_i;\theta^\star + t_1\theta_1 + t_2\theta_2),
        y_i\big)

    evaluated on the grid ``t1 x t2`` with :func:`batched_loss` (in chunks of ``chunk``
    parameter vectors to bound memory).

    Parameters
    ----------
    theta : array, shape (p,)   the centre :math:`\theta^\star`
    d1, d2 : arrays, shape (p,)   the directions :math:`\theta_1, \theta_2`
    t1, t2 : 1-D arrays of lengths n1, n2

    Returns
    -------
    F : array, shape (n2, n1)
        ``F[k, l]`` is the loss at ``(t1[l], t2[k])`` (the layout of ``plt.contour``).
    """
    check_model(model)
    theta = model.check_theta(theta)
    d1 = model.check_theta(d1, "d1")
    d2 = model.check_theta(d2, "d2")
    t1 = as_array(t1, "t1", ndim=1)
    t2 = as_array(t2, "t2", ndim=1)
    chunk = check_positive_int(chunk, "chunk")
    T1, T2 = np.meshgrid(t1, t2)
    coef = np.stack([T1.ravel(), T2.ravel()], axis=1)  # (n1*n2, 2)
    out = np.empty(coef.shape[0])
    for s in range(0, coef.shape[0], chunk):
        c = coef[s:s + chunk]
        thetas = theta + c[:, :1] * d1 + c[:, 1:] * d2
        out[s:s + chunk] = batched_loss(model, thetas, X, y, loss, reduction)
    return out.reshape(T1.shape)


def per_example_losses(model, theta, X, y, loss="mse"):
    r"""The N values :math:`f_i(\theta) = L(m(x_i;\theta), y_i)`, shape (N,)."""
    check_model(model)
    return _losses.get(loss)(model.predict(theta, X), y, reduction="none")[0]


def _per_example_backward(model, theta, fp, delta):
    """Rows: the backward pass of each example kept separately, shape (N, p)."""
    n = delta.shape[0]
    G = np.empty((n, model.num_params))
    last = model.n_layers - 1
    layers = model.layers(theta)
    offs = _offsets(model)
    for j in range(last, -1, -1):
        a, b, c = offs[j]
        W, _ = layers[j]
        g = delta if j == last else delta * model.activations[j].df(fp.v[j])
        G[:, a:b] = (g[:, :, None] * fp.z[j][:, None, :]).reshape(n, -1)  # g_j z_j^T per i
        G[:, b:c] = g
        if j > 0:
            new = g @ W  # delta_j = W_j^T g_j
            if model.residual_layers[j]:
                new += delta  # the skip connection passes delta_{j+1} through
            delta = new
    return G


def per_example_gradients(model, theta, X, y, loss="mse"):
    r"""All per-example gradients :math:`\nabla f_i(\theta)` in one backward pass.

    The delta recursion of chapter 5 is run on the whole batch, but the last step keeps one
    outer product per example instead of summing them:

    .. math::

        \frac{\partial f_i}{\partial W_j} = g_{j,i}\, z_{j,i}^\top,\qquad
        \frac{\partial f_i}{\partial b_j} = g_{j,i},\qquad
        g_{j,i} = \delta_{j+1,i}\odot\sigma_j'(v_{j,i}).

    Parameters
    ----------
    model : lib.mlp.MLP
    theta : array, shape (p,)
    X : array, shape (N, n_1)
    y : targets for ``loss`` (N rows)

    Returns
    -------
    G : array, shape (N, p)
        Row i is :math:`\nabla f_i(\theta)` in the layout of ``theta``; the mean of the rows
        is the gradient of the mean loss (``model.loss_and_grad``).
    """
    check_model(model)
    theta = model.check_theta(theta)
    fp = model.forward(theta, X)
    _, delta = _losses.get(loss)(fp.output, y, reduction="none")
    return _per_example_backward(model, theta, fp, delta)


def output_jacobian(model, theta, X):
    r"""Jacobian of a scalar-output model: row i is :math:`\nabla_\theta m(x_i;\theta)`.

    Same backward pass as :func:`per_example_gradients` started from
    :math:`\delta_{n+1} = 1`. For the half squared error,
    :math:`\nabla f_i = (m(x_i;\theta) - y_i)\,\nabla_\theta m(x_i;\theta)`.

    Returns
    -------
    J : array, shape (N, p)
    """
    check_model(model)
    theta = model.check_theta(theta)
    if model.widths[-1] != 1:
        raise ValueError(f"output_jacobian needs a scalar output, the model has {model.widths[-1]}")
    fp = model.forward(theta, X)
    return _per_example_backward(model, theta, fp, np.ones_like(fp.output))


def hessian_vector_product(model, theta, X, y, v, *, loss="mse", eps=1e-5):
    r"""Finite-difference Hessian-vector product of the mean loss :math:`f`.

    .. math::

        \nabla^2 f(\theta)\,v \approx
        \frac{\nabla f(\theta + \varepsilon v) - \nabla f(\theta - \varepsilon v)}{2\varepsilon}

    (exact up to :math:`O(\varepsilon^2)` where :math:`f` is smooth; for piecewise-linear
    activations it is the Hessian of the piece :math:`\theta` lies in, as long as the
    :math:`\pm\varepsilon v` points do not cross a kink).

    Returns
    -------
    array, shape (p,)
    """
    check_model(model)
    theta = model.check_theta(theta)
    v = model.check_theta(v, "v")
    eps = check_positive(eps, "eps")
    gp = model.loss_and_grad(theta + eps * v, X, y, loss)[1]
    gm = model.loss_and_grad(theta - eps * v, X, y, loss)[1]
    return (gp - gm) / (2 * eps)


def top_hessian_eigenvalue(model, theta, X, y, rng, *, loss="mse", iters=100, eps=1e-5,
                           tol=1e-8):
    r"""Largest-magnitude eigenvalue of :math:`\nabla^2 f(\theta)` by power iteration.

    Iterates :math:`u \leftarrow Hu/\|Hu\|` with :func:`hessian_vector_product` from a random
    start and returns the Rayleigh quotient :math:`u^\top H u`. At a minimum the Hessian is
    positive semi-definite, so this is :math:`\lambda_{\max}`, the *sharpness*.

    Returns
    -------
    lam : float
    u : array, shape (p,)   the unit eigenvector estimate
    """
    check_model(model)
    check_rng(rng)
    iters = check_positive_int(iters, "iters")
    tol = check_positive(tol, "tol")
    u = rng.standard_normal(model.num_params)
    u /= np.linalg.norm(u)
    lam = 0.0
    for _ in range(iters):
        hu = hessian_vector_product(model, theta, X, y, u, loss=loss, eps=eps)
        new_lam = float(u @ hu)
        norm = np.linalg.norm(hu)
        if norm == 0:
            return 0.0, u
        u = hu / norm
        if abs(new_lam - lam) <= tol * max(1.0, abs(new_lam)):
            lam = new_lam
            break
        lam = new_lam
    return lam, u


def perturbed_loss_increase(model, theta, X, y, radius, rng, *, n_directions=200,
                            loss="mse", reduction="mean"):
    r"""Loss increase :math:`f(\theta+\delta) - f(\theta)` for random :math:`\|\delta\|=r`.

    The :math:`\delta` are drawn uniformly on the sphere of radius ``radius`` in
    :math:`\mathbb{R}^p` and evaluated together with :func:`batched_loss`. A flat minimum
    has small increases for a given radius :cite:p:`keskar2017large`.

    Returns
    -------
    array, shape (n_directions,)
    """
    check_model(model)
    theta = model.check_theta(theta)
    radius = check_positive(radius, "radius")
    check_rng(rng)
    n_directions = check_positive_int(n_directions, "n_directions")
    D = rng.standard_normal((n_directions, model.num_params))
    D *= radius / np.linalg.norm(D, axis=1, keepdims=True)
    base = batched_loss(model, theta, X, y, loss, reduction)[0]
    return batched_loss(model, theta + D, X, y, loss, reduction) - base
