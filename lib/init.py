r"""Initial parameters :math:`\theta_0` for an :class:`~lib.mlp.MLP` (chapters 4, 8 and 9).

Every scheme draws from an explicit ``numpy.random.Generator`` and returns a flat ``theta``
(layout of :meth:`lib.mlp.MLP.layers`). For a layer :math:`W_j\in\mathbb{R}^{n_{j+1}\times n_j}`
with fan-in :math:`n_j` and fan-out :math:`n_{j+1}`:

========================  =====================================================================
scheme                    weights :math:`(W_j)_{il}`, biases :math:`b_j`
========================  =====================================================================
``"normal"``              :math:`\mathcal N(0, 1)`, bias constant (0.03 in Ryu's homework)
``"xavier"``              :math:`\mathcal N\big(0, \tfrac{2}{n_j + n_{j+1}}\big)`, bias 0
                          :cite:p:`glorot2010understanding`
``"he"``                  :math:`\mathcal N\big(0, \tfrac{2}{n_j}\big)`, bias 0
                          :cite:p:`he2015delving`
``"operator_norm"``       :math:`\mathcal N\big(0, \tfrac{1}{(\sqrt{n_j}+\sqrt{n_{j+1}})^2 L^2
                          \alpha^2}\big)`, bias 0: :math:`\|W_j\|\approx 1/(L\alpha)` (Giselsson)
``"uniform"``             :math:`\mathcal U(-k, k)` for weights and biases, :math:`k=1/\sqrt{n_j}`
                          (PyTorch's default for ``nn.Linear``)
========================  =====================================================================

Each scheme accepts ``gain`` (a factor on the weights' standard deviation) so that chapter 9's
explorer can scale any of them.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ._validate import check_model, check_positive, check_positive_int, check_real, check_rng
from .mlp import MLP

__all__ = ["SCHEMES", "initialize", "weight_std", "scale_residual_blocks"]

#: Names accepted by :func:`initialize`.
SCHEMES = ("normal", "xavier", "he", "operator_norm", "uniform")


def _check_scheme(scheme):
    if not isinstance(scheme, str):
        raise TypeError(f"scheme must be a name (str), got {type(scheme).__name__}")
    if scheme not in SCHEMES:
        raise ValueError(f"unknown initialization scheme {scheme!r}; expected one of "
                         f"{', '.join(SCHEMES)}")


def weight_std(scheme: str, fan_in: int, fan_out: int, *, lipschitz: float = 0.5,
               alpha: float = 1.0) -> float:
    """Standard deviation of the weights of one layer under ``scheme`` (before ``gain``).

    For ``"uniform"`` the half-width :math:`k = 1/\\sqrt{n_j}` is returned instead.
    """
    _check_scheme(scheme)
    fan_in = check_positive_int(fan_in, "fan_in")
    fan_out = check_positive_int(fan_out, "fan_out")
    lipschitz = check_positive(lipschitz, "lipschitz")
    alpha = check_positive(alpha, "alpha")
    if scheme == "normal":
        return 1.0
    if scheme == "xavier":
        return float(np.sqrt(2.0 / (fan_in + fan_out)))
    if scheme == "he":
        return float(np.sqrt(2.0 / fan_in))
    if scheme == "operator_norm":
        return float(1.0 / ((np.sqrt(fan_in) + np.sqrt(fan_out)) * lipschitz * alpha))
    if scheme == "uniform":
        return float(1.0 / np.sqrt(fan_in))
    raise ValueError(f"unknown initialization scheme {scheme!r}; "
                     f"expected one of {', '.join(SCHEMES)}")


def initialize(model, scheme, rng, *, bias=None, gain=1.0, lipschitz=0.5, alpha=1.0):
    r"""Draw a flat parameter vector for ``model``.

    Parameters
    ----------
    model : lib.mlp.MLP
    scheme : str
        One of :data:`SCHEMES`.
    rng : numpy.random.Generator
    bias : float, optional
        Constant bias. Default 0.03 for ``"normal"`` (Ryu's homework), 0 otherwise; ignored by
        ``"uniform"``, which draws its biases.
    gain : float
        Multiplies every weight's standard deviation.
    lipschitz, alpha : float
        :math:`L` and :math:`\alpha` of the ``"operator_norm"`` scheme (defaults: L = 0.5,
        the lecture's average Lipschitz constant of ReLU, and :math:`\alpha=1`).

    Returns
    -------
    theta : array, shape (p,)
    """
    check_model(model)
    check_rng(rng)
    _check_scheme(scheme)
    gain = check_positive(gain, "gain")
    check_positive(lipschitz, "lipschitz")
    check_positive(alpha, "alpha")
    if bias is None:
        bias = 0.03 if scheme == "normal" else 0.0
    bias = check_real(bias, "bias")
    theta = np.empty(model.num_params)
    for W, b in model.layers(theta):
        fan_out, fan_in = W.shape
        s = gain * weight_std(scheme, fan_in, fan_out, lipschitz=lipschitz, alpha=alpha)
        if scheme == "uniform":
            W[...] = rng.uniform(-s, s, size=W.shape)
            b[...] = rng.uniform(-s / gain, s / gain, size=b.shape)
        else:
            W[...] = s * rng.standard_normal(W.shape)
            b[...] = bias
    return theta


def scale_residual_blocks(model: MLP, theta: npt.ArrayLike,
                          scale: float) -> npt.NDArray[np.float64]:
    r"""A copy of ``theta`` with every residual block scaled: :math:`W_j, b_j \to sW_j, sb_j`.

    The blocks are the square hidden layers (:attr:`lib.mlp.MLP.square_layers`), the layers
    that carry the skip connection :math:`z_{j+1} = z_j + \sigma(W_j z_j + b_j)` in a residual
    network; the other layers keep their values. Chapter 8 starts its ResNets from a He draw
    scaled this way with :math:`s = 0.05`, so that each block starts close to the identity
    (the same draw, unscaled, starts the plain network; the chapter measures why
    :math:`s = 0.1` is too large for 45 blocks).

    Parameters
    ----------
    model : lib.mlp.MLP
        Plain or residual: the blocks are the same square layers.
    theta : array, shape (p,)
    scale : float
        :math:`s`.

    Returns
    -------
    array, shape (p,)   (``theta`` is not modified)
    """
    check_model(model)
    out = model.check_theta(theta).copy()
    scale = check_real(scale, "scale")
    for (W, b), square in zip(model.layers(out), model.square_layers, strict=True):
        if square:  # views into out
            W *= scale
            b *= scale
    return out
