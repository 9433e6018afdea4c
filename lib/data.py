r"""Seeded synthetic data sets; nothing is downloaded (all chapters).

Every generator takes an explicit ``numpy.random.Generator``. Binary labels are 0/1.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from ._validate import (
    as_array,
    as_values,
    check_bool,
    check_callable,
    check_positive,
    check_positive_int,
    check_probability,
    check_real,
    check_rng,
    check_spd,
)

__all__ = [
    "separable_blobs",
    "overlapping_blobs",
    "gaussian_classes",
    "ryu_target",
    "ryu_regression",
    "regression_1d",
]


def separable_blobs(n: int, rng: np.random.Generator, *, margin: float = 0.5,
                    w: npt.ArrayLike = (1.0, 1.0), b: float = 0.0,
                    spread: float = 1.5) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""A linearly separable 2-D set with a guaranteed margin (chapter 1).

    Points are drawn from :math:`\mathcal N(0, \mathrm{spread}^2 I_2)`; those within
    distance ``margin`` of the line :math:`w^\top x + b = 0` are pushed out to distance
    ``margin`` along the normal, and labels are :math:`y = [w^\top x + b \ge 0]`.

    Returns
    -------
    X : array, shape (n, 2)
    y : array, shape (n,), values in {0, 1}
    """
    n = check_positive_int(n, "n")
    check_rng(rng)
    margin = check_positive(margin, "margin")
    b = check_real(b, "b")
    spread = check_positive(spread, "spread")
    w = as_array(w, "w", ndim=1)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got {w.shape}")
    if not np.any(w):
        raise ValueError("w must be a non-zero normal vector of the separating line, got (0, 0)")
    unit = w / np.linalg.norm(w)
    X = spread * rng.standard_normal((n, 2))
    dist = (X @ w + b) / np.linalg.norm(w)  # signed distance to the line
    side = np.where(dist >= 0, 1.0, -1.0)
    push = np.where(np.abs(dist) < margin, side * margin - dist, 0.0)
    X = X + push[:, None] * unit
    y = ((X @ w + b) >= 0).astype(float)
    return X, y


def overlapping_blobs(n: int, rng: np.random.Generator, *, distance: float = 1.5,
                      std: float = 1.0) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Two Gaussian classes :math:`\mathcal N(\pm\tfrac{d}{2}(1,1)/\sqrt2, \mathrm{std}^2 I)`
    that overlap, so no line separates them (chapter 1). Half the points in each class.

    Returns
    -------
    X : array, shape (n, 2)
    y : array, shape (n,), values in {0, 1}
    """
    n = check_positive_int(n, "n")
    check_rng(rng)
    if n < 2:
        raise ValueError(f"n must be at least 2 (one point per class), got {n}")
    distance = check_positive(distance, "distance", allow_zero=True)
    std = check_positive(std, "std")
    y = (np.arange(n) % 2).astype(float)
    centre = (distance / 2) * np.array([1.0, 1.0]) / np.sqrt(2)
    X = std * rng.standard_normal((n, 2)) + np.where(y[:, None] == 1, centre, -centre)
    return X, y


def gaussian_classes(
    n: int, rng: np.random.Generator, mu0: npt.ArrayLike, mu1: npt.ArrayLike, cov: npt.ArrayLike,
    prior1: float = 0.5,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Samples of the LDA model (chapter 2): :math:`y\sim\mathrm{Bernoulli}(\pi_1)`,
    :math:`x\mid y \sim \mathcal N(\mu_y, \Sigma)` with a shared covariance.

    Returns
    -------
    X : array, shape (n, d)
    y : array, shape (n,), values in {0, 1}
    """
    n = check_positive_int(n, "n")
    check_rng(rng)
    mu0 = as_array(mu0, "mu0", ndim=1)
    mu1 = as_array(mu1, "mu1", ndim=1)
    d = mu0.shape[0]
    if mu1.shape != (d,):
        raise ValueError(f"mu1 must have the shape of mu0 ({d},), got {mu1.shape}")
    cov = check_spd(cov, "cov", d=d)
    prior1 = check_probability(prior1, "prior1")
    L = np.linalg.cholesky(cov)
    y = (rng.random(n) < prior1).astype(float)
    X = rng.standard_normal((n, d)) @ L.T + np.where(y[:, None] == 1, mu1, mu0)
    return X, y


def ryu_target(x: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Ryu's target :math:`f_\star(x) = (x-2)\cos(4x)` (chapter 4)."""
    x = as_values(x, "x")
    return (x - 2.0) * np.cos(4.0 * x)


def ryu_regression(n: int, rng: np.random.Generator,
                   noise: float = 0.0) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Ryu's problem 1/2 data: :math:`X_i\sim\mathcal N(0,1)`, :math:`Y_i = f_\star(X_i)`
    plus :math:`\mathcal N(0, \mathrm{noise}^2)` label noise.

    Returns
    -------
    X : array, shape (n, 1)
    y : array, shape (n, 1)
    """
    n = check_positive_int(n, "n")
    check_rng(rng)
    noise = check_positive(noise, "noise", allow_zero=True)
    X = rng.standard_normal((n, 1))
    y = ryu_target(X)
    if noise > 0:
        y = y + noise * rng.standard_normal((n, 1))
    return X, y


def regression_1d(n: int, rng: np.random.Generator,
                  f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], *, low: float = -1.0,
                  high: float = 1.0, noise: float = 0.0,
                  grid: bool = False) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""A 1-D regression set :math:`y = f(x) + \varepsilon` on
    :math:`[\mathrm{low}, \mathrm{high}]`.

    ``grid=True`` places the inputs on an even grid instead of drawing them uniformly.

    Returns
    -------
    X : array, shape (n, 1)
    y : array, shape (n, 1)
    """
    n = check_positive_int(n, "n")
    check_rng(rng)
    check_callable(f, "f")
    low, high = check_real(low, "low"), check_real(high, "high")
    if not high > low:
        raise ValueError(f"high must exceed low, got low={low}, high={high}")
    noise = check_positive(noise, "noise", allow_zero=True)
    grid = check_bool(grid, "grid")
    x = np.linspace(low, high, n) if grid else np.sort(rng.uniform(low, high, n))
    X = x[:, None]
    y = as_array(f(X), "f(X) (the values f returned)", allow_empty=True)
    if y.size != n:
        raise ValueError(f"f must return one value per point, shape ({n}, 1) or ({n},), got "
                         f"shape {y.shape}")
    y = y.reshape(n, 1)
    if noise > 0:
        y = y + noise * rng.standard_normal((n, 1))
    return X, y
