r"""Linear discriminant analysis and logistic regression (chapter 2).

Both models predict with the **logistic unit**

.. math::  p(y = 1 \mid x) = \sigma(w^\top x + c), \qquad \sigma(s) = \frac{1}{1 + e^{-s}},

and differ in how :math:`(w, c)` is found.

* **LDA** assumes Gaussian classes with a shared covariance,
  :math:`x \mid y \sim \mathcal N(\mu_y, \Sigma)`, :math:`p(y = 1) = \pi_1`. Bayes' rule then
  gives the posterior in closed form (Louppe, lecture 2) with

  .. math::

      w = \Sigma^{-1}(\mu_1 - \mu_0),\qquad
      b = \tfrac12\big(\mu_0^\top\Sigma^{-1}\mu_0 - \mu_1^\top\Sigma^{-1}\mu_1\big),\qquad
      a = \log\frac{\pi_1}{1 - \pi_1},\qquad c = b + a.

  :func:`lda_fit` plugs in the sample means, the pooled covariance and the class frequency.
* **Logistic regression** ignores the Gaussian assumption and maximises the likelihood of the
  labels, i.e. minimises the mean cross-entropy :func:`logistic_loss`, here by full-batch
  gradient descent (:func:`logistic_regression`).

:func:`bayes_posterior` evaluates Bayes' rule *directly* (densities times priors, normalised),
also with unequal covariances; it is the independent oracle for the closed form.

Labels are 0/1 and a batch is stored as rows, ``X`` of shape ``(N, d)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import (
    as_array,
    as_matrix,
    check_binary_data,
    check_positive,
    check_positive_int,
    check_probability,
    check_real,
    check_rng,
    check_spd,
)
from .activations import sigmoid, softplus
from .optim import gradient_descent

__all__ = [
    "LDAModel",
    "LogisticResult",
    "gaussian_density",
    "bayes_posterior",
    "lda_closed_form",
    "lda_fit",
    "logistic_loss",
    "logistic_regression",
    "predict_proba",
    "contaminated_classes",
]


@dataclass
class LDAModel:
    r"""The LDA posterior :math:`p(y=1\mid x) = \sigma(w^\top x + b + a)`.

    Attributes
    ----------
    w : array, shape (d,)
        :math:`\Sigma^{-1}(\mu_1 - \mu_0)`.
    b : float
        :math:`\tfrac12(\mu_0^\top\Sigma^{-1}\mu_0 - \mu_1^\top\Sigma^{-1}\mu_1)`.
    a : float
        Prior log-ratio :math:`\log(\pi_1/\pi_0)`.
    mu0, mu1 : array, shape (d,)
    cov : array, shape (d, d)
    prior1 : float
    """

    w: np.ndarray
    b: float
    a: float
    mu0: np.ndarray
    mu1: np.ndarray
    cov: np.ndarray
    prior1: float

    @property
    def intercept(self) -> float:
        """The full offset :math:`c = b + a` of the logistic unit."""
        return self.b + self.a

    def logit(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        r""":math:`w^\top x + b + a` for every row of ``X``, shape (N,)."""
        X = as_matrix(X, "X", n_cols=self.w.shape[0])
        return X @ self.w + self.intercept

    def posterior(self, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        r""":math:`p(y = 1 \mid x)` for every row of ``X``, shape (N,)."""
        return sigmoid(self.logit(X))


def _mean_cov(mu0, mu1, cov):
    mu0 = as_array(mu0, "mu0", ndim=1)
    mu1 = as_array(mu1, "mu1", ndim=1)
    d = mu0.shape[0]
    if mu1.shape != (d,):
        raise ValueError(f"mu1 must have shape ({d},) like mu0, got {mu1.shape}")
    cov = _check_cov(cov, "cov", d)
    return mu0, mu1, cov


def _check_cov(cov, name, d, mu_name="mu0"):
    cov = as_array(cov, name, ndim=2)
    if cov.shape != (d, d):
        raise ValueError(f"{name} must have shape ({d}, {d}) to match {mu_name} of shape "
                         f"({d},) (or {mu_name} must match {name}), got {cov.shape}")
    return check_spd(cov, name)


def _check_prior(prior1):
    return check_probability(prior1, "prior1")


def lda_closed_form(mu0: npt.ArrayLike, mu1: npt.ArrayLike, cov: npt.ArrayLike,
                    prior1: float = 0.5) -> LDAModel:
    r"""The closed-form LDA posterior of Louppe's lecture 2 :cite:p:`louppe2023lecture2`.

    .. math::

        p(y=1\mid x) = \sigma\Big(\underbrace{(\mu_1-\mu_0)^\top\Sigma^{-1}}_{w^\top} x
        + \underbrace{\tfrac12(\mu_0^\top\Sigma^{-1}\mu_0 - \mu_1^\top\Sigma^{-1}\mu_1)}_{b}
        + \underbrace{\log\tfrac{\pi_1}{\pi_0}}_{a}\Big)

    Parameters
    ----------
    mu0, mu1 : array, shape (d,)
        Class means.
    cov : array, shape (d, d)
        Shared covariance :math:`\Sigma` (symmetric positive definite).
    prior1 : float in (0, 1)
        :math:`\pi_1 = p(y = 1)`.

    Returns
    -------
    LDAModel
    """
    mu0, mu1, cov = _mean_cov(mu0, mu1, cov)
    prior1 = _check_prior(prior1)
    s0 = np.linalg.solve(cov, mu0)  # Sigma^{-1} mu_0
    s1 = np.linalg.solve(cov, mu1)  # Sigma^{-1} mu_1
    w = s1 - s0  # Sigma^{-1}(mu_1 - mu_0), Sigma symmetric
    b = 0.5 * (mu0 @ s0 - mu1 @ s1)
    a = float(np.log(prior1) - np.log1p(-prior1))
    return LDAModel(w, float(b), a, mu0, mu1, cov, prior1)


def gaussian_density(X, mu, cov) -> np.ndarray:
    r"""Multivariate normal density evaluated from its definition, shape (N,).

    .. math::  \mathcal N(x; \mu, \Sigma) = (2\pi)^{-d/2}|\Sigma|^{-1/2}
        \exp\big(-\tfrac12 (x-\mu)^\top\Sigma^{-1}(x-\mu)\big)
    """
    return _density(X, mu, cov, "mu", "cov")


def _density(X, mu, cov, mu_name, cov_name):
    mu = as_array(mu, mu_name, ndim=1)
    d = mu.shape[0]
    cov = _check_cov(cov, cov_name, d, mu_name)
    X = as_matrix(X, "X", n_cols=d)
    r = X - mu
    quad = np.einsum("ij,ij->i", r @ np.linalg.inv(cov), r)  # (x-mu)^T Sigma^{-1} (x-mu)
    norm = np.sqrt((2.0 * np.pi) ** d * np.linalg.det(cov))
    return np.exp(-0.5 * quad) / norm


def bayes_posterior(X: npt.ArrayLike, mu0: npt.ArrayLike, mu1: npt.ArrayLike, cov0: npt.ArrayLike,
                    cov1: npt.ArrayLike | None = None,
                    prior1: float = 0.5) -> npt.NDArray[np.float64]:
    r"""Bayes' rule evaluated directly: :math:`\dfrac{p(x\mid 1)\pi_1}{p(x\mid 0)\pi_0 +
    p(x\mid 1)\pi_1}` with Gaussian class densities, shape (N,).

    ``cov1`` defaults to ``cov0`` (the shared covariance of LDA); a different ``cov1`` gives
    the true posterior of the heteroscedastic model, which is not a logistic unit. Meant for
    points of moderate Mahalanobis distance (the densities are formed explicitly).
    """
    mu0 = as_array(mu0, "mu0", ndim=1)
    prior1 = _check_prior(prior1)
    p0 = _density(X, mu0, cov0, "mu0", "cov0") * (1.0 - prior1)
    if cov1 is None:
        p1 = _density(X, mu1, cov0, "mu1", "cov0") * prior1
    else:
        p1 = _density(X, mu1, cov1, "mu1", "cov1") * prior1
    return p1 / (p0 + p1)


def lda_fit(X: npt.ArrayLike, y: npt.ArrayLike) -> LDAModel:
    r"""LDA from data with plug-in estimates.

    :math:`\hat\pi_1 = N_1/N`, :math:`\hat\mu_k = \frac1{N_k}\sum_{y_i = k} x_i`, and the pooled
    covariance :math:`\hat\Sigma = \frac{1}{N-2}\sum_i (x_i - \hat\mu_{y_i})(x_i -
    \hat\mu_{y_i})^\top`, inserted into :func:`lda_closed_form`.

    Parameters
    ----------
    X : array, shape (N, d)
    y : array, shape (N,), values in {0, 1}; both classes present.
    """
    X, y = check_binary_data(X, y)
    n, d = X.shape
    n1 = int(y.sum())
    if n1 < 2 or n - n1 < 2:
        raise ValueError("y must contain at least two examples of each class")
    mu0, mu1 = X[y == 0].mean(axis=0), X[y == 1].mean(axis=0)
    R = X - np.where(y[:, None] == 1, mu1, mu0)  # residuals from the own class mean
    cov = R.T @ R / (n - 2)
    if np.linalg.eigvalsh(cov).min() <= 0:
        raise ValueError("X must have linearly independent columns within the classes: the "
                         "pooled covariance of X is singular, so LDA is undefined")
    return lda_closed_form(mu0, mu1, cov, n1 / n)


def logistic_loss(w: npt.ArrayLike, b: float, X: npt.ArrayLike,
                  y: npt.ArrayLike) -> tuple[float, npt.NDArray[np.float64], float]:
    r"""Mean cross-entropy (negative log-likelihood / N) of the logistic unit, with gradient.

    .. math::

        \mathcal L(w, b) = \frac1N\sum_i -y_i\log\sigma(s_i) - (1-y_i)\log(1-\sigma(s_i)),
        \quad s_i = w^\top x_i + b,\qquad
        \nabla_w\mathcal L = \frac1N\sum_i(\sigma(s_i) - y_i)\,x_i,\quad
        \partial_b\mathcal L = \frac1N\sum_i(\sigma(s_i) - y_i).

    Computed from the logits with :func:`lib.losses.binary_logistic` (no overflow).

    Returns
    -------
    value : float
    grad_w : array, shape (d,)
    grad_b : float
    """
    X, y = check_binary_data(X, y)
    w = as_array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    # g = (sigma(s) - y) / N, shape (N, 1)
    value, g = _losses.binary_logistic(X @ w + check_real(b, "b"), y)
    return value, X.T @ g[:, 0], float(g.sum())


def predict_proba(w: npt.ArrayLike, b: float, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
    r""":math:`\sigma(w^\top x + b)` for every row of ``X``, shape (N,)."""
    X = as_matrix(X, "X")
    w = as_array(w, "w", ndim=1)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got {w.shape}")
    return sigmoid(X @ w + check_real(b, "b"))


@dataclass
class LogisticResult:
    """Outcome of :func:`logistic_regression`.

    Attributes
    ----------
    w : array, shape (d,)
    b : float
    path : array, shape (steps + 1, d + 1)
        :math:`(w_t, b_t)` after every gradient step, starting with the initial values.
    loss : array, shape (steps + 1,)
        Mean cross-entropy at every iterate.
    """

    w: np.ndarray
    b: float
    path: np.ndarray
    loss: np.ndarray


def logistic_regression(X: npt.ArrayLike, y: npt.ArrayLike, *, lr: float = 1.0, steps: int = 2000,
                        w0: npt.ArrayLike | None = None, b0: float = 0.0) -> LogisticResult:
    r"""Logistic regression by full-batch gradient descent on the mean cross-entropy.

    Iterates :math:`(w, b) \leftarrow (w, b) - \gamma\nabla\mathcal L(w, b)` with
    :func:`lib.optim.gradient_descent` and the gradient of :func:`logistic_loss`.

    Parameters
    ----------
    X : array, shape (N, d)
    y : array, shape (N,), values in {0, 1}
    lr : float
        Step size :math:`\gamma > 0`; :math:`\gamma \le 4N/\lambda_{\max}(\tilde X^\top\tilde
        X)` (with :math:`\tilde X = [X, 1]`) guarantees descent.
    steps : int
    w0 : array, shape (d,), optional (zeros by default)
    b0 : float

    Returns
    -------
    LogisticResult
    """
    X, y = check_binary_data(X, y)
    n, d = X.shape
    check_positive(lr, "lr")
    steps = check_positive_int(steps, "steps")
    w0 = np.zeros(d) if w0 is None else as_array(w0, "w0", ndim=1)
    if w0.shape != (d,):
        raise ValueError(f"w0 must have shape ({d},), got {w0.shape}")
    Xt = np.hstack([X, np.ones((n, 1))])  # augmented inputs: theta = (w, b)

    def grad(theta):
        r = sigmoid(Xt @ theta) - y  # sigma(s_i) - y_i
        return Xt.T @ r / n

    path = gradient_descent(grad, np.append(w0, check_real(b0, "b0")), lr, steps)
    S = path @ Xt.T  # logits of every iterate, shape (steps + 1, N)
    loss = np.where(y == 1, softplus(-S), softplus(S)).mean(axis=1)  # = softplus(s) - y s
    return LogisticResult(path[-1, :d].copy(), float(path[-1, d]), path, loss)


def contaminated_classes(
    n: int, rng: np.random.Generator, mu0: npt.ArrayLike, mu1: npt.ArrayLike, cov: npt.ArrayLike, *,
    prior1: float = 0.5, frac: float = 0.1, shift: npt.ArrayLike = (6.0, -6.0), spread: float = 0.5,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    r"""Gaussian classes with a shared covariance, except that a fraction of class 1 is
    moved far away: the LDA assumption fails (chapter 2).

    Each class-1 point is, with probability ``frac``, displaced by ``shift`` plus
    :math:`\mathcal N(0, \mathrm{spread}^2 I)` noise. The outliers lie deep on the class-1
    side, so they are easy to classify, yet they pull LDA's plug-in mean and covariance.

    Returns
    -------
    X : array, shape (n, d)
    y : array, shape (n,), values in {0, 1}
    outlier : array of bool, shape (n,)
    """
    from .data import gaussian_classes

    check_rng(rng)
    frac = check_real(frac, "frac", low=0.0, high=1.0)
    spread = check_positive(spread, "spread")
    X, y = gaussian_classes(n, rng, mu0, mu1, cov, prior1)
    shift = as_array(shift, "shift", ndim=1)
    if shift.shape != (X.shape[1],):
        raise ValueError(f"shift must have shape ({X.shape[1]},), got {shift.shape}")
    outlier = (y == 1) & (rng.random(X.shape[0]) < frac)
    X[outlier] += shift + spread * rng.standard_normal((int(outlier.sum()), X.shape[1]))
    return X, y, outlier
