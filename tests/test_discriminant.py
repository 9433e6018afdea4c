"""Unit tests of lib.discriminant (LDA and logistic regression, chapter 2)."""

from __future__ import annotations

import numpy as np
import pytest

from lib import activations, data, discriminant, gradcheck


def _spd(d, rng):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return Q @ np.diag(rng.uniform(0.3, 2.3, size=d)) @ Q.T


@pytest.mark.parametrize("d", [1, 2, 4])
def test_closed_form_equals_bayes_rule(d):
    rng = np.random.default_rng(d)
    for _ in range(10):
        mu0, mu1, S = rng.normal(size=d), rng.normal(size=d), _spd(d, rng)
        pi1 = rng.uniform(0.05, 0.95)
        X = mu0 + 2 * rng.normal(size=(30, d))
        m = discriminant.lda_closed_form(mu0, mu1, S, pi1)
        direct = discriminant.bayes_posterior(X, mu0, mu1, S, prior1=pi1)
        assert np.max(np.abs(m.posterior(X) - direct)) < 1e-10
        Si = np.linalg.inv(S)
        assert np.allclose(m.w, Si @ (mu1 - mu0))
        assert np.isclose(m.b, 0.5 * (mu0 @ Si @ mu0 - mu1 @ Si @ mu1))
        assert np.isclose(m.a, np.log(pi1 / (1 - pi1)))


def test_gaussian_density_integrates_to_one_1d():
    x = np.linspace(-12, 14, 20001)
    p = discriminant.gaussian_density(x[:, None], np.array([1.0]), np.array([[2.0]]))
    assert np.isclose(p.sum() * (x[1] - x[0]), 1.0)


def test_lda_fit_plug_in_and_consistency():
    rng = np.random.default_rng(0)
    mu0, mu1, S = np.array([-1.0, 0.0]), np.array([1.0, 0.5]), np.array([[1, 0.3], [0.3, 0.6]])
    X, y = data.gaussian_classes(50000, rng, mu0, mu1, S, 0.3)
    m = discriminant.lda_fit(X, y)
    true = discriminant.lda_closed_form(mu0, mu1, S, 0.3)
    assert np.allclose(m.w, true.w, atol=0.05) and abs(m.intercept - true.intercept) < 0.05


def test_logistic_gradient_matches_finite_differences():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(60, 3)), (rng.random(60) < 0.5).astype(float)
    theta = rng.normal(size=4)
    _, gw, gb = discriminant.logistic_loss(theta[:3], theta[3], X, y)
    rep = gradcheck.check_gradient(
        lambda t: discriminant.logistic_loss(t[:3], t[3], X, y)[0], np.append(gw, gb), theta,
        tol=1e-8)
    assert rep.max_relative_error < 1e-8


def test_wrong_gradient_is_caught():
    rng = np.random.default_rng(1)
    X, y = rng.normal(size=(60, 2)), (rng.random(60) < 0.5).astype(float)
    theta = rng.normal(size=3)
    _, gw, gb = discriminant.logistic_loss(theta[:2], theta[2], X, y)
    with pytest.raises(gradcheck.GradientCheckError):
        gradcheck.check_gradient(lambda t: discriminant.logistic_loss(t[:2], t[2], X, y)[0],
                                 np.append(1.1 * gw, gb), theta)


def test_logistic_regression_reaches_stationary_point_and_loss_history():
    rng = np.random.default_rng(2)
    X, y = data.overlapping_blobs(200, rng)
    r = discriminant.logistic_regression(X, y, lr=1.0, steps=2000)
    _, gw, gb = discriminant.logistic_loss(r.w, r.b, X, y)
    assert np.linalg.norm(np.append(gw, gb)) < 1e-6
    assert r.path.shape == (2001, 3) and r.loss.shape == (2001,)
    assert np.isclose(r.loss[0], np.log(2))
    assert np.all(np.diff(r.loss) <= 1e-15)
    assert np.isclose(r.loss[-1], discriminant.logistic_loss(r.w, r.b, X, y)[0])
    assert np.allclose(discriminant.predict_proba(r.w, r.b, X),
                       activations.sigmoid(X @ r.w + r.b))


def test_logistic_loss_extreme_logits_are_finite():
    X = np.array([[1e4], [-1e4]])
    y = np.array([0.0, 1.0])
    with np.errstate(all="raise"):
        v, gw, gb = discriminant.logistic_loss(np.array([1.0]), 0.0, X, y)
    assert np.isclose(v, 1e4) and np.isfinite(gw).all()


def test_contaminated_classes():
    rng = np.random.default_rng(3)
    X, y, out = discriminant.contaminated_classes(2000, rng, [0.0, 0.0], [1.0, 1.0], np.eye(2),
                                                  frac=0.2)
    assert X.shape == (2000, 2) and np.all(y[out] == 1)
    assert 0.05 < out.mean() < 0.15
    assert np.all(X[out, 0] > 3)


@pytest.mark.parametrize(
    "call, exc",
    [
        (lambda: discriminant.lda_closed_form([0, 0], [1, 1], np.eye(2), 1.5), ValueError),
        (lambda: discriminant.lda_closed_form([0, 0], [1, 1, 1], np.eye(2)), ValueError),
        (lambda: discriminant.lda_closed_form([0, 0], [1, 1], -np.eye(2)), ValueError),
        (lambda: discriminant.lda_closed_form([0, 0], [1, 1], [[1, 2], [0, 1]]), ValueError),
        (lambda: discriminant.lda_fit(np.ones((5, 2)), [0, 1, 2, 0, 1]), ValueError),
        (lambda: discriminant.lda_fit(np.ones((3, 2)), [0, 1, 1]), ValueError),
        (lambda: discriminant.logistic_regression(np.ones((4, 2)), [0, 1, 0, 1], lr=0.0),
         ValueError),
        (lambda: discriminant.logistic_loss([1.0], 0.0, np.ones((4, 2)), [0, 1, 0, 1]),
         ValueError),
        (lambda: discriminant.contaminated_classes(10, 0, [0.0], [1.0], [[1.0]]), TypeError),
    ],
)
def test_validation(call, exc):
    with pytest.raises(exc):
        call()
