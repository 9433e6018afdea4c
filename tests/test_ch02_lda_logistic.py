"""The claims of chapter 2 (From LDA to logistic regression), checked independently."""

from __future__ import annotations

import numpy as np
import pytest

from lib import activations, data, discriminant, losses, widgets

MU0, MU1 = np.array([-1.0, 0.0]), np.array([1.0, 0.5])
SIGMA = np.array([[1.0, 0.3], [0.3, 0.6]])


def _safe_lr(X):
    Xt = np.hstack([X, np.ones((len(X), 1))])
    return 1 / np.linalg.eigvalsh(Xt.T @ Xt / (4 * len(X))).max()


def _scores(logit, X, y):
    return np.mean((logit >= 0) == y), losses.binary_logistic(logit, y)[0]


def _gaussian_density(X, mu, cov):
    """The multivariate normal density written out from its definition (plain numpy)."""
    d = X.shape[1]
    R = X - mu
    quad = np.einsum("ij,jk,ik->i", R, np.linalg.inv(cov), R)
    return np.exp(-0.5 * quad) / np.sqrt((2 * np.pi) ** d * np.linalg.det(cov))


def test_posterior_is_sigmoid_of_log_odds():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    m = discriminant.lda_closed_form(MU0, MU1, SIGMA, 0.3)
    p = discriminant.bayes_posterior(X, MU0, MU1, SIGMA, prior1=0.3)
    log_odds = np.log(p / (1 - p))
    assert np.allclose(log_odds, m.logit(X), atol=1e-9)


def test_closed_form_equals_bayes_rule_below_1e12_on_random_models():
    # the chapter prints "max |closed form - Bayes' rule| below 1e-12"
    rng = np.random.default_rng(7)
    worst = 0.0
    for d in (1, 2, 3, 5):
        for _ in range(20):
            mu0, mu1 = rng.normal(size=d), rng.normal(size=d)
            Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
            cov = Q @ np.diag(rng.uniform(0.3, 2.3, size=d)) @ Q.T
            pi1 = rng.uniform(0.05, 0.95)
            X = mu0 + 2.0 * rng.normal(size=(50, d))
            joint1 = pi1 * _gaussian_density(X, mu1, cov)
            joint0 = (1 - pi1) * _gaussian_density(X, mu0, cov)
            bayes = joint1 / (joint0 + joint1)
            model = discriminant.lda_closed_form(mu0, mu1, cov, pi1)
            worst = max(worst, np.max(np.abs(model.posterior(X) - bayes)))
    assert worst < 1e-12


@pytest.mark.parametrize("seed", range(5))
def test_logistic_gradient_matches_central_differences(seed):
    # the chapter prints "relative error, analytic vs finite differences: below 1e-8"
    rng = np.random.default_rng([seed, 7])
    X, y = data.gaussian_classes(400, rng, MU0, MU1, SIGMA, 0.4)
    theta = rng.normal(size=3)

    def loss(t):
        s = X @ t[:2] + t[2]
        return np.mean(np.logaddexp(0.0, s) - y * s)

    eps = 1e-6
    fd = np.array([(loss(theta + eps * e) - loss(theta - eps * e)) / (2 * eps) for e in np.eye(3)])
    _, gw, gb = discriminant.logistic_loss(theta[:2], theta[2], X, y)
    g = np.append(gw, gb)
    assert np.linalg.norm(g - fd) / (np.linalg.norm(g) + np.linalg.norm(fd)) < 1e-8


def test_sigmoid_soft_step():
    s = np.linspace(-6, 6, 1201)
    assert np.array_equal(activations.sigmoid(s) >= 0.5, s >= 0)
    away = np.abs(s) >= 0.5
    gaps = [np.max(np.abs(activations.sigmoid(k * s[away]) - activations.step(s[away])))
            for k in (1, 10, 100)]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-20
    # the printed values: the supremum sits at s = -1/2, sigma(-k/2) = 1 / (1 + e^{k/2})
    assert np.allclose(gaps, [1 / (1 + np.exp(k / 2)) for k in (1, 10, 100)], rtol=1e-10, atol=0)
    assert activations.sigmoid_prime(s).max() <= 0.25


def test_nll_is_cross_entropy():
    rng = np.random.default_rng(1)
    X, y = data.gaussian_classes(40, rng, MU0, MU1, SIGMA, 0.4)
    w, b = np.array([1.5, 0.5]), 0.2
    p = activations.sigmoid(X @ w + b)
    nll = -np.log(np.prod(np.where(y == 1, p, 1 - p)))
    assert np.isclose(nll, 40 * discriminant.logistic_loss(w, b, X, y)[0], rtol=1e-12)


@pytest.mark.parametrize("seed", range(6))
def test_boundaries_agree_when_gaussian_model_holds(seed):
    rng = np.random.default_rng([seed, 5])  # as the chapter's cell 5
    X, y = data.gaussian_classes(400, rng, MU0, MU1, SIGMA, 0.4)
    Xt, yt = data.gaussian_classes(20000, rng, MU0, MU1, SIGMA, 0.4)
    lda = discriminant.lda_fit(X, y)
    lr = discriminant.logistic_regression(X, y, lr=_safe_lr(X), steps=3000)
    a_lda = _scores(lda.logit(Xt), Xt, yt)
    a_lr = _scores(Xt @ lr.w + lr.b, Xt, yt)
    bayes = discriminant.lda_closed_form(MU0, MU1, SIGMA, 0.4)
    a_b = _scores(bayes.logit(Xt), Xt, yt)
    assert abs(a_lda[1] - a_lr[1]) < 0.01 and abs(a_lda[0] - a_lr[0]) < 0.01
    assert a_lda[1] - a_b[1] < 0.01 and a_lr[1] - a_b[1] < 0.01
    agree = np.mean((lda.logit(Xt) >= 0) == (Xt @ lr.w + lr.b >= 0))
    assert agree > 0.98


def test_logistic_regression_wins_under_outliers():
    # the chapter's cell 10 draws from default_rng([SEED, 10]); its claims on many seeds
    for seed in range(12):
        rng = np.random.default_rng([seed, 10])
        X, y, out = discriminant.contaminated_classes(400, rng, MU0, MU1, 0.5 * np.eye(2))
        Xt, yt, _ = discriminant.contaminated_classes(20000, rng, MU0, MU1, 0.5 * np.eye(2))
        lda = discriminant.lda_fit(X, y)
        lr = discriminant.logistic_regression(X, y, lr=_safe_lr(X), steps=5000)
        s = X @ lr.w + lr.b
        grad = np.append(X.T @ (1 / (1 + np.exp(-s)) - y), np.sum(1 / (1 + np.exp(-s)) - y))
        assert np.linalg.norm(grad / len(y)) < 1e-6  # converged
        acc_lda, ll_lda = _scores(lda.logit(Xt), Xt, yt)
        acc_lr, ll_lr = _scores(Xt @ lr.w + lr.b, Xt, yt)
        assert acc_lr > acc_lda + 0.005 and ll_lr < ll_lda - 0.01
        resid = np.abs(1 / (1 + np.exp(-s)) - y)
        assert resid[out].max() < 1e-2


def test_prior_only_shifts_boundary():
    m5 = discriminant.lda_closed_form(MU0, MU1, SIGMA, 0.5)
    m9 = discriminant.lda_closed_form(MU0, MU1, SIGMA, 0.9)
    assert np.allclose(m5.w, m9.w) and np.isclose(m5.b, m9.b)
    mid = 0.5 * (MU0 + MU1)
    assert abs(m5.logit(mid[None])[0]) < 1e-12


def test_lda_explorer_callback():
    ex = widgets.lda_explorer(MU0, SIGMA)
    img, txt = ex.image.value, ex.text.value
    ex.controls["prior1"].value = 0.8
    assert ex.image.value != img and ex.text.value != txt
    img, txt = ex.image.value, ex.text.value
    ex.controls["mu1_x"].value = -2.0
    assert ex.image.value != img and ex.text.value != txt


def test_gd_animation_builds():
    rng = np.random.default_rng(4)
    X, y = data.gaussian_classes(60, rng, MU0, MU1, SIGMA, 0.5)
    r = discriminant.logistic_regression(X, y, lr=1.0, steps=20)
    html = widgets.logistic_gd_frames(X, y, r, [1, 20])
    assert "<img" in html.data or "animation" in html.data.lower()
