r"""Checks of chapter 2's coding exercises: LDA's parameters and the logistic-regression
gradient.

References: Bayes' rule evaluated directly (log densities from their definition, at the origin
and the unit vectors) for LDA; central finite differences of the mean cross-entropy for the
gradient.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._core import CheckResult, as_array, as_float, as_tuple, call, compare, describe, run_check

__all__ = ["check_lda_parameters", "check_logistic_gradient"]


def _spd(d, rng):
    M = rng.normal(size=(d, d))
    return M @ M.T / d + 0.5 * np.eye(d)


def _log_density(x, mu, cov):
    r = x - mu
    return (-0.5 * r @ np.linalg.inv(cov) @ r - 0.5 * np.log(np.linalg.det(cov))
            - 0.5 * len(mu) * np.log(2 * np.pi))


def _lda_by_bayes(mu0, mu1, cov, prior1):
    """(w, b, a) from Bayes' rule: the log posterior odds are affine in x."""
    def log_likelihood_ratio(x):
        return _log_density(x, mu1, cov) - _log_density(x, mu0, cov)

    d = len(mu0)
    b = log_likelihood_ratio(np.zeros(d))
    w = np.array([log_likelihood_ratio(e) - b for e in np.eye(d)])
    a = np.log(prior1) - np.log(1 - prior1)
    return w, float(b), float(a)


def _lda_cases():
    rng = np.random.default_rng(201)
    cases = []
    for d, prior1 in ((3, 0.3), (2, 0.8), (4, 0.65)):
        cases.append((rng.normal(size=d), rng.normal(size=d) + 1.0, _spd(d, rng), prior1))
    return cases


def check_lda_parameters(lda_parameters: Callable[..., Any], *,
                         verbose: bool = True) -> CheckResult:
    r"""Check ``lda_parameters(mu0, mu1, cov, prior1) -> (w, b, a)`` against Bayes' rule."""

    def body(f):
        for mu0, mu1, cov, prior1 in _lda_cases():
            d = len(mu0)
            case = describe(mu0=mu0, mu1=mu1, cov=cov, prior1=prior1)
            out = as_tuple(call(f, case, mu0, mu1, cov, prior1), 3, "lda_parameters", case)
            got = (as_array(out[0], (d,), "w", case), as_float(out[1], "b", case),
                   as_float(out[2], "a", case))
            w, b, a = _lda_by_bayes(mu0, mu1, cov, prior1)
            mistakes = [
                ("w = Sigma^{-1} (mu1 - mu0): solve with Sigma, do not multiply by it",
                 (cov @ (mu1 - mu0), b, a)),
                ("w = Sigma^{-1} (mu1 - mu0): the shared covariance is missing",
                 (mu1 - mu0, b, a)),
                ("mu0 and mu1 are swapped: w points from the class-0 mean to the class-1 mean",
                 (-w, -b, a)),
                ("the factor 1/2 of b = (mu0' Sigma^{-1} mu0 - mu1' Sigma^{-1} mu1) / 2",
                 (w, 2 * b, a)),
                ("the sign of b: b = (mu0' Sigma^{-1} mu0 - mu1' Sigma^{-1} mu1) / 2",
                 (w, -b, a)),
                ("a = log(pi_1 / pi_0), the prior of class 1 on top", (w, b, -a)),
                ("a is the log of the prior ratio, log(pi_1 / (1 - pi_1))",
                 (w, b, prior1 / (1 - prior1))),
                ("a is the log of the prior ratio, log(pi_1 / (1 - pi_1))",
                 (w, b, float(np.log(prior1)))),
                ("b and a are two terms: b from the means, a = log(pi_1 / pi_0) from the priors",
                 (w, b + a, 0.0)),
            ]
            compare(got, (w, b, a), case, "(w, b, a)", mistakes, rtol=1e-8, atol=1e-10)
        return ("lda_parameters gives the w, b, a of Bayes' rule evaluated directly "
                "(3 Gaussian pairs, d = 2, 3, 4)")

    return run_check(lda_parameters, "lda_parameters", body, verbose=verbose)


def _mean_ce(w, b, X, y):
    s = X @ w + b
    return np.mean(np.logaddexp(0, s) - y * s)  # -y log sigma(s) - (1 - y) log(1 - sigma(s))


def _fd_gradient(w, b, X, y, h=1e-6):
    theta = np.append(w, b)
    g = np.zeros_like(theta)
    for k in range(len(theta)):
        e = np.zeros_like(theta)
        e[k] = h
        plus, minus = theta + e, theta - e
        g[k] = (_mean_ce(plus[:-1], plus[-1], X, y)
                - _mean_ce(minus[:-1], minus[-1], X, y)) / (2 * h)
    return g[:-1], float(g[-1])


def _logistic_cases():
    rng = np.random.default_rng(202)
    cases = []
    for n, d, scale in ((7, 3, 1.0), (11, 2, 2.0), (6, 4, 0.5)):
        X = rng.normal(size=(n, d)) * scale
        y = (rng.random(n) < 0.5).astype(float)
        y[:2] = (0.0, 1.0)
        cases.append((rng.normal(size=d), float(rng.normal()), X, y))
    return cases


def check_logistic_gradient(logistic_gradient: Callable[..., Any], *,
                            verbose: bool = True) -> CheckResult:
    r"""Check ``logistic_gradient(w, b, X, y) -> (grad_w, grad_b)`` of the mean cross-entropy
    against central finite differences."""

    def body(f):
        for w, b, X, y in _logistic_cases():
            n, d = X.shape
            case = describe(w=w, b=b, X=X, y=y)
            out = as_tuple(call(f, case, w, b, X, y), 2, "logistic_gradient", case)
            got = (as_array(out[0], (d,), "grad_w", case, shape_hints={
                       (n,): "sum over the examples (axis 0 of X): X.T @ r has shape (d,)"}),
                   as_float(out[1], "grad_b", case))
            expected = _fd_gradient(w, b, X, y)
            s = X @ w + b
            p = 1 / (1 + np.exp(-s))
            r = p - y
            p0 = 1 / (1 + np.exp(-(X @ w)))
            mistakes = [
                ("the loss is a mean: divide the sum over the examples by N",
                 (X.T @ r, float(r.sum()))),
                ("wrong sign: the gradient is the mean of (sigma(s_i) - y_i) x_i",
                 (-X.T @ r / n, -float(r.mean()))),
                ("no sigma'(s) factor for the cross-entropy: it cancels against the log",
                 (X.T @ (r * p * (1 - p)) / n, float(np.mean(r * p * (1 - p))))),
                ("the score is s_i = w.x_i + b: the bias is missing",
                 (X.T @ (p0 - y) / n, float(np.mean(p0 - y)))),
                ("grad_b is the mean of sigma(s_i) - y_i", (X.T @ r / n, 0.0)),
            ]
            compare(got, expected, case, "(grad_w, grad_b)", mistakes, rtol=1e-6, atol=1e-8)
        return ("logistic_gradient matches central finite differences of the mean "
                "cross-entropy on 3 data sets (N = 7, 11, 6)")

    return run_check(logistic_gradient, "logistic_gradient", body, verbose=verbose)
