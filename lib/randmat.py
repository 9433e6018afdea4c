r"""Gaussian random matrices: operator norms and singular-value ratios (chapter 9).

For :math:`M\in\mathbb R^{n\times m}` with i.i.d. :math:`\mathcal N(0,1)` entries,
:math:`\mathbb E\|M\|_2 \le \sqrt n + \sqrt m` and :math:`\|M\|_2` concentrates around this
value :cite:p:`vershynin2018high`. Giselsson's initialization therefore draws
:math:`(W_j)_{il}\sim\mathcal N\big(0, 1/((\sqrt{n_j}+\sqrt{n_{j+1}})^2L^2)\big)`, for which
:math:`\|W_j\|_2\approx 1/L`, and corrects with the ratio

.. math::

    \alpha(W) = \frac{\text{mean of the non-zero singular values of } W}{\|W\|_2}
    \in (0, 1],

the "average gain" of a layer relative to its maximal gain. :func:`lecture_tables`
reproduces both tables of the lecture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from ._validate import as_array, check_positive, check_positive_int, check_real, check_rng

__all__ = [
    "LECTURE_SHAPES",
    "singular_values",
    "operator_norm",
    "singular_value_ratio",
    "scaled_gaussian",
    "gaussian_norms",
    "lecture_tables",
]

#: The lecture's (n_j, n_{j+1}) pairs: fan-in, fan-out.
LECTURE_SHAPES = ((100, 1), (100, 10), (100, 100), (1000, 1), (1000, 100), (1000, 1000))


def singular_values(M: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Singular values of ``M`` (shape ``(..., n, m)``) in decreasing order, shape
    ``(..., min(n, m))``.

    Computed as square roots of the eigenvalues of the smaller Gram matrix (:math:`MM^\top`
    or :math:`M^\top M`), which is several times faster than a full SVD and accurate to
    about :math:`10^{-7}\|M\|_2` for the smallest singular values (to rounding for the
    largest), ample for norms and averages.
    """
    M = as_array(M, "M")
    if M.ndim < 2:
        raise ValueError(f"M must have at least 2 dimensions, got shape {M.shape}")
    Mt = np.swapaxes(M, -1, -2)
    G = M @ Mt if M.shape[-2] <= M.shape[-1] else Mt @ M
    ev = np.linalg.eigvalsh(G)[..., ::-1]
    return np.sqrt(np.maximum(ev, 0.0))


def operator_norm(M: npt.ArrayLike) -> float:
    r"""Largest singular value :math:`\|M\|_2 = \max_{\|v\|=1}\|Mv\|_2` of a 2-D array."""
    M = as_array(M, "M", ndim=2)
    return float(np.linalg.norm(M, 2))


def singular_value_ratio(M: npt.ArrayLike, rtol: float = 1e-10) -> float:
    r""":math:`\alpha(M)` = mean of the non-zero singular values / largest singular value.

    Singular values below ``rtol`` times the largest count as zero. A matrix of rank 1
    (e.g. a single row or column) has :math:`\alpha = 1`.
    """
    M = as_array(M, "M", ndim=2)
    rtol = check_real(rtol, "rtol", low=0.0, high=1.0, high_open=True)
    s = np.linalg.svd(M, compute_uv=False)
    if s[0] == 0:
        raise ValueError("M must not be the zero matrix")
    nz = s[s > rtol * s[0]]
    return float(nz.mean() / s[0])


def scaled_gaussian(fan_in: int, fan_out: int, rng: np.random.Generator, *, lipschitz: float = 0.5,
                    alpha: float = 1.0, size: int | None = None) -> npt.NDArray[np.float64]:
    r"""Draw :math:`W\in\mathbb R^{n_{j+1}\times n_j}` with entries
    :math:`\mathcal N\big(0, 1/((\sqrt{n_j}+\sqrt{n_{j+1}})^2 L^2\alpha^2)\big)`.

    Parameters
    ----------
    fan_in, fan_out : int
        :math:`n_j` and :math:`n_{j+1}`.
    rng : numpy.random.Generator
    lipschitz, alpha : float
        :math:`L` and :math:`\alpha` (the lecture's table uses L = 0.5, alpha = 1).
    size : int, optional
        Draw a stack of ``size`` matrices, shape ``(size, fan_out, fan_in)``.

    Returns
    -------
    array, shape (fan_out, fan_in) or (size, fan_out, fan_in)
    """
    n = check_positive_int(fan_in, "fan_in")
    m = check_positive_int(fan_out, "fan_out")
    check_rng(rng)
    lip = check_positive(lipschitz, "lipschitz")
    a = check_positive(alpha, "alpha")
    std = 1.0 / ((np.sqrt(n) + np.sqrt(m)) * lip * a)
    shape = (m, n) if size is None else (check_positive_int(size, "size"), m, n)
    return std * rng.standard_normal(shape)


def gaussian_norms(n: int, m: int, rng: np.random.Generator,
                   draws: int = 10) -> npt.NDArray[np.float64]:
    r"""Operator norms of ``draws`` matrices :math:`M\in\mathbb R^{n\times m}` with i.i.d.
    :math:`\mathcal N(0,1)` entries, shape ``(draws,)``. Compare with :math:`\sqrt n+\sqrt m`.
    """
    n = check_positive_int(n, "n")
    m = check_positive_int(m, "m")
    draws = check_positive_int(draws, "draws")
    check_rng(rng)
    return np.array([singular_values(rng.standard_normal((n, m)))[0] for _ in range(draws)])


def lecture_tables(
    rng: np.random.Generator, shapes: Sequence[tuple[int, int]] = LECTURE_SHAPES, draws: int = 10,
    *, lipschitz: float = 0.5,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Both tables of the lecture from the same draws.

    For every :math:`(n_j, n_{j+1})` in ``shapes`` draw ``draws`` matrices with
    :func:`scaled_gaussian` and record :math:`\|W\|_2` (table (a), close to :math:`1/L`) and
    :math:`\alpha(W)` (table (b)).

    Returns
    -------
    norms : array, shape (draws, len(shapes))
    ratios : array, shape (draws, len(shapes))
    """
    check_rng(rng)
    draws = check_positive_int(draws, "draws")
    check_positive(lipschitz, "lipschitz")
    try:
        shapes = [(check_positive_int(a, "shapes"), check_positive_int(b, "shapes"))
                  for a, b in shapes]
    except (TypeError, ValueError) as err:
        raise type(err)(f"shapes must be pairs (n_j, n_j+1) of positive integers, got "
                        f"{shapes!r}") from None
    if not shapes:
        raise ValueError("shapes must list at least one pair (n_j, n_j+1)")
    norms = np.empty((draws, len(shapes)))
    ratios = np.empty((draws, len(shapes)))
    for k, (n_in, n_out) in enumerate(shapes):
        for d in range(draws):
            W = scaled_gaussian(n_in, n_out, rng, lipschitz=lipschitz)
            s = singular_values(W)  # min(n_in, n_out) values, decreasing
            norms[d, k] = s[0]
            ratios[d, k] = s.mean() / s[0]  # a Gaussian matrix has full rank a.s.
    return norms, ratios
