r"""Overparameterized models: counting parameters and reaching zero training loss (ch. 10).

* :func:`square_network_widths` and :func:`weights_per_sample` make the lecture's count
  concrete: a network of depth n and constant width p, trained on :math:`N\approx p^2`
  samples, has about :math:`p^2 n` weights, i.e. about n weights per sample.
* :func:`min_norm_least_squares_gd` runs gradient descent from zero on an underdetermined
  least-squares problem; it converges to the minimum-norm solution :math:`A^+ b`, the
  simplest example of an optimiser's *implicit bias*.

The chapter fits its interpolating networks with :func:`lib.optim.levenberg_marquardt`.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ._validate import as_array, check_positive, check_positive_int
from .optim import DivergenceError, _loss_limit

__all__ = [
    "square_network_widths",
    "weights_per_sample",
    "min_norm_least_squares_gd",
]


def square_network_widths(p: int, n: int) -> tuple[int, ...]:
    r"""Widths of the lecture's example: input dimension p, n layers of width p, scalar output.

    ``(p, p, ..., p, 1)``: n square :math:`p\times p` layers followed by the small output map
    :math:`p\to 1` (the "last layer, which can be neglected").
    """
    p = check_positive_int(p, "p")
    n = check_positive_int(n, "n")
    return (p,) * (n + 1) + (1,)


def weights_per_sample(p: int, n: int, n_samples: int | None = None) -> float:
    r"""Exact ratio #parameters / #samples for :func:`square_network_widths` and
    :math:`N = p^2` samples (or ``n_samples``). The lecture's approximation is n.

    .. math::

        \frac{n(p^2 + p) + p + 1}{p^2} = n\Big(1 + \frac1p\Big) + \frac{p+1}{p^2}
        \approx n.
    """
    from .mlp import MLP

    widths = square_network_widths(p, n)
    count = MLP(widths, "relu").num_params
    n_samples = p * p if n_samples is None else check_positive_int(n_samples, "n_samples")
    return count / n_samples


def min_norm_least_squares_gd(A: npt.ArrayLike, b: npt.ArrayLike, *, lr: float | None = None,
                              steps: int = 10_000,
                              x0: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
    r"""Gradient descent on :math:`\tfrac12\|Ax - b\|^2` (chapter 10's implicit-bias example).

    Every gradient :math:`A^\top(Ax - b)` lies in the row space of A, so from
    :math:`x_0 = 0` all iterates stay there; the only solution of :math:`Ax = b` in the row
    space is the minimum-norm one, :math:`A^+ b`. From another :math:`x_0` GD converges to
    :math:`A^+b + (I - A^+A)x_0`.

    Parameters
    ----------
    A : array, shape (m, d)
    b : array, shape (m,)
    lr : float, optional
        Default :math:`1/\|A\|_2^2`.
    steps : int
    x0 : array, shape (d,), optional (default zeros)

    Returns
    -------
    x : array, shape (d,)

    Raises
    ------
    lib.optim.DivergenceError
        If the loss :math:`L_t = \tfrac12\|Ax_t - b\|^2` is not finite or exceeds
        ``DIVERGENCE_FACTOR`` times :math:`\max(L_0, 1)` (``lr`` above :math:`2/\|A\|_2^2`);
        ``.history`` holds :math:`L_0, \dots` up to the last finite one.
    """
    A = as_array(A, "A", ndim=2)
    b = as_array(b, "b", ndim=1)
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"b must have shape ({A.shape[0]},), got {b.shape}")
    steps = check_positive_int(steps, "steps")
    if lr is None:
        norm = np.linalg.norm(A, 2)
        if norm == 0:
            raise ValueError("A must not be the zero matrix (the default lr is 1/||A||_2^2)")
        lr = 1.0 / norm ** 2
    else:
        lr = check_positive(lr, "lr")
    x = np.zeros(A.shape[1]) if x0 is None else as_array(x0, "x0", ndim=1).copy()
    if x.shape != (A.shape[1],):
        raise ValueError(f"x0 must have shape ({A.shape[1]},) to match A, got {x.shape}")
    losses = []
    limit = np.inf
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(steps + 1):
            r = A @ x - b
            loss = 0.5 * float(r @ r)
            if not (math.isfinite(loss) and loss <= limit):
                kept = losses + ([loss] if np.isfinite(loss) else [])
                raise DivergenceError("gradient descent on the least-squares loss", lr=lr,
                                      step=t, history=np.array(kept), value=loss)
            if t == 0:
                limit = _loss_limit(loss)
            losses.append(loss)
            if t == steps:
                break
            x -= lr * (A.T @ r)
    return x
