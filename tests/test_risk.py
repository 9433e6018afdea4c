"""Tests for lib.risk (chapter 4): the excess-error decomposition computed exactly."""

import numpy as np
import pytest

from lib import data, risk


def test_legendre_features_are_orthonormal_under_uniform():
    x, w = np.polynomial.legendre.leggauss(50)
    Phi = risk.legendre_features(x, 8)
    assert np.allclose(Phi.T @ (Phi * (w / 2)[:, None]), np.eye(9), atol=1e-12)


def test_best_in_class_is_least_squares_on_a_dense_grid():
    x = np.linspace(-1, 1, 200_001)
    for d in (0, 3, 7):
        c = risk.best_in_class(data.ryu_target, d)
        ls = np.linalg.lstsq(risk.legendre_features(x, d), data.ryu_target(x), rcond=None)[0]
        assert np.allclose(c, ls, atol=1e-4)


def test_risk_matches_monte_carlo_and_polynomial_target_is_exact():
    rng = np.random.default_rng(0)
    c = risk.best_in_class(data.ryu_target, 4)
    x = rng.uniform(-1, 1, 400_000)
    y = data.ryu_target(x) + 0.5 * rng.standard_normal(x.size)
    sq = 0.5 * (risk.legendre_features(x, 4) @ c - y) ** 2
    assert abs(sq.mean() - risk.risk(c, data.ryu_target, 0.5)) < 4 * sq.std() / np.sqrt(x.size)
    # a polynomial target of degree 3 is represented exactly from degree 3 on
    def cubic(t):
        return 1 - 2 * t + t**3

    assert np.isclose(risk.risk(risk.best_in_class(cubic, 3), cubic, 0.3), 0.045, atol=1e-14)
    assert risk.risk(risk.best_in_class(cubic, 2), cubic, 0.3) > 0.045


def test_decomposition_sums_and_signs():
    ee = risk.excess_error_experiment(data.ryu_target, range(9), 60, 0.5, 5,
                                      np.random.default_rng(1), n_sets=50)
    assert ee.est.shape == (50, 9) and ee.app.shape == (9,)
    assert np.allclose(ee.app + ee.est + ee.opt, ee.total, atol=1e-12)
    assert np.isclose(ee.bayes, 0.125)
    assert np.all(ee.app >= -1e-12) and np.all(np.diff(ee.app) <= 1e-12)
    assert np.all(ee.est >= -1e-12)
    assert np.all(ee.emp_approx >= ee.emp_erm - 1e-12)


def test_optimization_error_vanishes_with_steps_and_zero_steps_is_zero_predictor():
    f = data.ryu_target
    e0 = risk.excess_error_experiment(f, [4], 80, 0.5, 0, np.random.default_rng(2), n_sets=20)
    assert np.allclose(e0.approx, risk.risk(np.zeros(5), f, 0.5))
    e_long = risk.excess_error_experiment(f, [4], 80, 0.5, 500, np.random.default_rng(2),
                                          n_sets=20)
    assert np.allclose(e_long.approx, e_long.erm, atol=1e-10)
    assert np.allclose(e_long.est, e0.est)  # same training sets, same ERM


def test_erm_estimation_error_matches_classical_rate():
    # for a polynomial target inside the class, E_est ~ s^2 (d + 1) / (2N) for large N
    def cubic(t):
        return 1 - 2 * t + t**3

    ee = risk.excess_error_experiment(cubic, [3], 400, 0.5, 0, np.random.default_rng(3),
                                      n_sets=400)
    assert np.isclose(ee.est.mean(), 0.25 * 4 / (2 * 400), rtol=0.15)
    assert np.allclose(ee.app, 0, atol=1e-14)


def test_validation():
    with pytest.raises(ValueError, match="n_train"):
        risk.excess_error_experiment(data.ryu_target, [5], 5, 0.1, 1, np.random.default_rng(0))
    with pytest.raises(TypeError, match="rng"):
        risk.excess_error_experiment(data.ryu_target, [1], 10, 0.1, 1, 0)
    with pytest.raises(TypeError, match="f must"):
        risk.best_in_class(3.0, 2)
    with pytest.raises(ValueError, match="noise"):
        risk.risk(np.zeros(3), data.ryu_target, -1.0)
