r"""Loss landscapes, per-example gradients and sharpness (chapters 6 and 10).

The training objective of an :class:`~lib.mlp.MLP` is a sum (or mean) of per-example losses

.. math::

    f(\theta) = \frac1N\sum_{i=1}^N f_i(\theta),\qquad f_i(\theta) = L(m(x_i;\theta), y_i).

This module looks at :math:`f` and the :math:`f_i` around a trained :math:`\theta^\star`:

* :func:`batched_predict` / :func:`batched_loss` evaluate many parameter vectors at once
  with the stacked forward pass of :mod:`lib.stacked` (one batched matrix product per
  layer), which makes a grid of :math:`41\times 41` points in parameter space cost about as
  much as a few training steps;
* :func:`random_directions` and :func:`loss_slice` give the lecture's plot
  :math:`(t_1,t_2)\mapsto\sum_i L(m(x_i;\theta^\star+t_1\theta_1+t_2\theta_2), y_i)`
  along random directions :cite:p:`li2018visualizing`;
* :func:`per_example_gradients` returns all :math:`\nabla f_i(\theta)` in one vectorised
  backward pass (the rows average to :math:`\nabla f`) and :func:`output_jacobian` all
  :math:`\nabla_\theta m(x_i;\theta)`: both are the reference backward pass of
  :class:`lib.mlp.MLP` (:meth:`~lib.mlp.MLP.per_example_gradients`,
  :meth:`~lib.mlp.MLP.output_jacobian`), named here for the chapters;
* :func:`hessian_vector_product`, :func:`top_hessian_eigenvalue` and
  :func:`perturbed_loss_increase` measure how flat or sharp a minimum is
  :cite:p:`hochreiter1997flat,keskar2017large`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import (
    as_array,
    check_model,
    check_positive,
    check_positive_int,
    check_rng,
)
from .losses import LossLike
from .mlp import MLP
from .stacked import predict_many

__all__ = [
    "batched_predict",
    "batched_loss",
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


def batched_predict(model, thetas, X):
    r"""Outputs :math:`m(x_i;\theta_b)` for a batch of parameter vectors at once.

    The stacked forward pass of :func:`lib.stacked.predict_many`: each layer is one batched
    product over the B networks, so the cost of B parameter vectors is that of one forward
    pass of a B times wider batch.

    Parameters
    ----------
    model : lib.mlp.MLP
    thetas : array, shape (B, p) or (p,)
    X : array, shape (N, n_1)

    Returns
    -------
    array, shape (B, N, n_{n+1})
    """
    return predict_many(model, thetas, X)  # validates model, thetas and X


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


def random_directions(
    model: MLP, theta: npt.ArrayLike, rng: np.random.Generator, *, normalization: str = "filter",
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
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
        raise ValueError("normalization must be 'filter', 'layer' or 'none', "
                         f"got {normalization!r}")
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


def loss_slice(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
               d1: npt.ArrayLike, d2: npt.ArrayLike, t1: npt.ArrayLike, t2: npt.ArrayLike, *,
               loss: LossLike = "mse", reduction: str = "sum",
               chunk: int = 4096) -> npt.NDArray[np.float64]:
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


def per_example_gradients(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                          loss: LossLike = "mse") -> npt.NDArray[np.float64]:
    r"""All per-example gradients :math:`\nabla f_i(\theta)`, shape (N, p).

    :meth:`lib.mlp.MLP.per_example_gradients` (one vectorised backward pass; row i is
    :math:`\nabla f_i(\theta)` and the mean of the rows is :math:`\nabla f`).
    """
    check_model(model)
    return model.per_example_gradients(theta, X, y, loss)


def output_jacobian(model, theta, X):
    r"""Jacobian of a scalar-output model, shape (N, p): row i is
    :math:`\nabla_\theta m(x_i;\theta)` (:meth:`lib.mlp.MLP.output_jacobian`)."""
    check_model(model)
    return model.output_jacobian(theta, X)


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


def top_hessian_eigenvalue(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                           rng: np.random.Generator, *, loss: LossLike = "mse", iters: int = 100,
                           eps: float = 1e-5,
                           tol: float = 1e-8) -> tuple[float, npt.NDArray[np.float64]]:
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


def perturbed_loss_increase(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                            radius: float, rng: np.random.Generator, *, n_directions: int = 200,
                            loss: LossLike = "mse",
                            reduction: str = "mean") -> npt.NDArray[np.float64]:
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
