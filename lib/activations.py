r"""Activation functions :math:`\sigma` and their derivatives (chapters 1, 3 and 6).

Each activation is applied element-wise. For every name there is a value function and a
derivative; :func:`get` returns both, with the global Lipschitz constant of the value, in an
:class:`Activation` record.

Numerical stability is part of the definition: no function overflows or underflows for
inputs as large as :math:`|z| = 10^4`, and none returns NaN for a number. A NaN input gives
NaN (value and derivative alike): a NaN never turns into a plausible number. ``z`` may be
any real array or scalar; strings, ``None`` and complex input raise ``TypeError``.
Exponentials are evaluated only at non-positive arguments, floored at :math:`-700` (where
:math:`e^{-700}\approx 10^{-304}` is still a normal float, far below double-precision
resolution of the results); below the floor the exponential is taken as exactly 0.

Derivatives at the kinks follow the usual conventions: :math:`\mathrm{ReLU}'(0) = 0`,
LeakyReLU'(0) :math:`=\alpha`, step'(z) :math:`= 0` everywhere (the step is not trained by
gradients; the perceptron rule of chapter 1 does not use a derivative).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import numpy.typing as npt

from ._validate import as_values, check_real

__all__ = [
    "Activation",
    "NAMES",
    "get",
    "step",
    "step_prime",
    "sigmoid",
    "sigmoid_prime",
    "tanh",
    "tanh_prime",
    "relu",
    "relu_prime",
    "leaky_relu",
    "leaky_relu_prime",
    "elu",
    "elu_prime",
    "softplus",
    "softplus_prime",
    "identity",
    "identity_prime",
]

_EXP_FLOOR = -700.0  # e**-700 ~ 1e-304: a normal float, so exp never underflows


def _exp_nonpos(u: np.ndarray) -> np.ndarray:
    """exp(u) for u <= 0 without underflow: exactly 0 below -700 (where e^u < 1e-304).

    The argument of ``np.exp`` is floored at -700 so that it never underflows (which would
    raise under ``np.errstate(under="raise")``); below the floor the result is set to 0 (an
    absolute error under 1e-304), so the tails decay to 0 (e.g. ``tanh_prime(1e4) == 0``,
    as ``1 - tanh(1e4)**2`` is) instead of stalling at ``e^{-700}``.
    """
    u = np.asarray(u, dtype=float)
    return np.where(u < _EXP_FLOOR, 0.0, np.exp(np.maximum(u, _EXP_FLOOR)))  # NaN stays NaN


def _keep_nan(z, out):
    """``out`` with NaN wherever ``z`` is NaN (indicator functions would give 0 or 1)."""
    return np.where(np.isnan(z), np.nan, out) if np.isnan(z).any() else out


def _leaky_alpha(alpha):
    """The slope of LeakyReLU for z < 0, in (0, 1)."""
    return check_real(alpha, "alpha", low=0.0, high=1.0, low_open=True, high_open=True)


def step(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Heaviside step, the perceptron's threshold: :math:`1` if :math:`z \ge 0`, else 0 (ch. 1)."""
    z = as_values(z, "z")
    return _keep_nan(z, (z >= 0).astype(float))


def step_prime(z):
    """Derivative of the step where it exists: 0 (the kink at 0 is assigned 0 too)."""
    z = as_values(z, "z")
    return _keep_nan(z, np.zeros_like(z))


def sigmoid(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Logistic sigmoid :math:`\sigma(z) = 1/(1+e^{-z})`, evaluated without overflow.

    For :math:`z \ge 0` use :math:`1/(1+e^{-z})`; for :math:`z<0` use
    :math:`e^{z}/(1+e^{z})`; both only exponentiate non-positive numbers (chapters 2, 6).
    """
    z = as_values(z, "z")
    e = _exp_nonpos(-np.abs(z))  # e^{-|z|} in (0, 1]
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_prime(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\sigma'(z) = \sigma(z)(1-\sigma(z)) = e^{-|z|}/(1+e^{-|z|})^2 \le 1/4`."""
    z = as_values(z, "z")
    e = _exp_nonpos(-np.abs(z))
    return e / (1.0 + e) ** 2


def tanh(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Hyperbolic tangent :math:`\tanh z = (e^z-e^{-z})/(e^z+e^{-z}) = 2\sigma(2z)-1`."""
    return np.tanh(as_values(z, "z"))


def tanh_prime(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\tanh'(z) = 1-\tanh^2 z = 4 e^{-2|z|}/(1+e^{-2|z|})^2`, exact in the tails."""
    z = as_values(z, "z")
    e = _exp_nonpos(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2


def relu(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r"""Rectified linear unit :math:`\max(0, z)`."""
    z = as_values(z, "z")
    return np.maximum(z, 0.0)


def relu_prime(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\mathrm{ReLU}'(z) = 1` for :math:`z>0`, 0 otherwise (0 at the kink)."""
    z = as_values(z, "z")
    return _keep_nan(z, (z > 0).astype(float))


def leaky_relu(z: npt.ArrayLike, alpha: float = 0.01) -> npt.NDArray[np.float64]:
    r"""LeakyReLU :math:`\max(z, \alpha z)` for :math:`0<\alpha<1` :cite:p:`maas2013rectifier`."""
    z = as_values(z, "z")
    alpha = _leaky_alpha(alpha)
    return np.where(z > 0, z, alpha * z)


def leaky_relu_prime(z: npt.ArrayLike, alpha: float = 0.01) -> npt.NDArray[np.float64]:
    r"""1 for :math:`z>0`, :math:`\alpha` otherwise."""
    z = as_values(z, "z")
    alpha = _leaky_alpha(alpha)
    return _keep_nan(z, np.where(z > 0, 1.0, alpha))


def elu(z, alpha=1.0):
    r"""ELU: :math:`z` for :math:`z \ge 0`, :math:`\alpha(e^z-1)` otherwise."""
    z = as_values(z, "z")
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    neg = alpha * np.expm1(np.maximum(np.minimum(z, 0.0), _EXP_FLOOR))
    return np.where(z >= 0, z, neg)


def elu_prime(z, alpha=1.0):
    r"""1 for :math:`z \ge 0`, :math:`\alpha e^z` otherwise."""
    z = as_values(z, "z")
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    return np.where(z >= 0, 1.0, alpha * _exp_nonpos(np.minimum(z, 0.0)))


def softplus(z):
    r"""Softplus :math:`\log(1+e^z) = \max(z,0) + \log(1+e^{-|z|})`, a smooth ReLU."""
    z = as_values(z, "z")
    return np.maximum(z, 0.0) + np.log1p(_exp_nonpos(-np.abs(z)))


def softplus_prime(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\frac{d}{dz}\log(1+e^z) = \sigma(z)`, which is :math:`\tfrac14`-Lipschitz."""
    return sigmoid(z)


def identity(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Identity, the activation of the last layer (no final activation, chapter 3)."""
    return as_values(z, "z").copy()


def identity_prime(z: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """Derivative of the identity: 1."""
    z = as_values(z, "z")
    return _keep_nan(z, np.ones_like(z))


@dataclass(frozen=True)
class Activation:
    r"""An activation with its derivative.

    Attributes
    ----------
    name : str
        Registry name (see :data:`NAMES`).
    f, df : callable
        ``f(z)`` and ``df(z)`` act element-wise on arrays of any shape.
    lipschitz : float
        Global Lipschitz constant :math:`L` of ``f`` (``inf`` for the step).
    zero_at_zero : bool
        Whether :math:`\sigma(0) = 0` (used by the gain bounds of chapter 9).
    """

    name: str
    f: Callable[[np.ndarray], np.ndarray]
    df: Callable[[np.ndarray], np.ndarray]
    lipschitz: float
    zero_at_zero: bool

    def __call__(self, z):
        return self.f(z)


#: A name of :data:`NAMES` or an :class:`Activation` (a type alias of the signatures).
ActivationLike = str | Activation

#: Names accepted by :func:`get`.
NAMES = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "identity")


def get(name: str | Activation, alpha: float | None = None) -> Activation:
    r"""Look up an activation by name.

    Parameters
    ----------
    name : str or Activation
        One of :data:`NAMES`; an :class:`Activation` is returned unchanged.
    alpha : float, optional
        Slope of LeakyReLU for :math:`z<0` (default 0.01, must lie in (0, 1)) or scale of
        ELU (default 1.0, must be positive). Ignored by the other activations.

    Returns
    -------
    Activation
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise TypeError(f"activation must be a name (str), got {type(name).__name__}")
    if name == "leaky_relu":
        a = 0.01 if alpha is None else _leaky_alpha(alpha)
        return Activation(
            name, lambda z: leaky_relu(z, a), lambda z: leaky_relu_prime(z, a), 1.0, True
        )
    if name == "elu":
        a = 1.0 if alpha is None else check_real(alpha, "alpha", low=0.0, low_open=True)
        return Activation(name, lambda z: elu(z, a), lambda z: elu_prime(z, a), max(1.0, a), True)
    table = {
        "step": (step, step_prime, np.inf, False),
        "sigmoid": (sigmoid, sigmoid_prime, 0.25, False),
        "tanh": (tanh, tanh_prime, 1.0, True),
        "relu": (relu, relu_prime, 1.0, True),
        "softplus": (softplus, softplus_prime, 1.0, False),
        "identity": (identity, identity_prime, 1.0, True),
    }
    if name not in table:
        raise ValueError(f"unknown activation {name!r}; expected one of {', '.join(NAMES)}")
    f, df, lip, zero = table[name]
    return Activation(name, f, df, lip, zero)
