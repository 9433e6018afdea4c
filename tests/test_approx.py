"""lib.approx: the ReLU interpolant, its error bound, sigmoid steps, polynomial activations."""

from __future__ import annotations

import numpy as np
import pytest

import lib
from lib import approx


def f(x):
    return np.sin(3 * x) + 0.3 * x**2


def test_interpolant_hits_grid_and_is_linear_between():
    knots = np.array([-1.0, -0.4, 0.1, 0.3, 1.0])  # uneven grid
    w, b, c = approx.relu_interpolant(f, knots)
    g = approx.relu_sum(knots, w, b, c)
    assert np.allclose(g, f(knots), atol=1e-14)
    xs = np.linspace(-1, 1, 1001)
    # independent oracle: numpy's piecewise-linear interpolation
    assert np.allclose(approx.relu_sum(xs, w, b, c), np.interp(xs, knots, f(knots)), atol=1e-13)


def test_mlp_form_equals_sum():
    w, b, c = approx.relu_interpolant(f, np.linspace(-1, 1, 11))
    model, theta = approx.interpolant_mlp(w, b, c)
    xs = np.linspace(-1, 1, 333)
    assert model.num_params == 31
    assert np.allclose(model.predict(theta, xs)[:, 0], approx.relu_sum(xs, w, b, c), atol=1e-13)


def test_rate_and_bound():
    ns = np.array([8, 16, 32, 64, 128])
    errs = []
    for n in ns:
        w, b, c = approx.relu_interpolant(f, np.linspace(-1, 1, n + 1))
        err = approx.sup_error(f, lambda x, w=w, b=b, c=c: approx.relu_sum(x, w, b, c), -1, 1)
        assert err <= approx.interpolation_bound(2 / n, 9.6) * (1 + 1e-9)
        errs.append(err)
    assert abs(approx.loglog_slope(ns, np.array(errs)) + 2) < 0.1


def test_bound_attained_for_square():
    w, b, c = approx.relu_interpolant(np.square, np.linspace(-1, 1, 11))
    err = approx.sup_error(np.square, lambda x: approx.relu_sum(x, w, b, c), -1, 1)
    assert np.isclose(err, approx.interpolation_bound(0.2, 2.0), rtol=1e-6)


def test_sigmoid_step_and_bump():
    x = np.array([-1.0, -0.5, 0.5, 1.0])
    assert np.all(np.abs(approx.sigmoid_step(x, 0.0, 1000) - (x > 0)) < 1e-12)
    bump = approx.sigmoid_bump(np.array([-1.0, 0.0, 1.0]), -0.5, 0.5, 1000)
    assert np.allclose(bump, [0, 1, 0], atol=1e-12)
    with pytest.raises(ValueError):
        approx.sigmoid_bump(x, 1.0, 0.0, 10)


def test_polynomial_network_is_polynomial():
    net = lib.MLP((1, 50, 1), approx.polynomial_activation(3))
    theta = net.init(np.random.default_rng(0), "uniform")
    xs = np.linspace(-1, 1, 30)
    vals = net.predict(theta, xs)[:, 0]
    coef = np.polynomial.polynomial.polyfit(xs, vals, 3)  # oracle: exact cubic fit
    assert np.allclose(np.polynomial.polynomial.polyval(xs, coef), vals, atol=1e-10)
    assert np.max(np.abs(np.diff(vals, 4))) < 1e-12


def test_random_feature_fit_plateau():
    xs = np.linspace(-1, 1, 300)
    y = np.abs(xs)
    sq = approx.polynomial_activation(2)
    r_small, _ = approx.random_feature_fit(xs, y, sq, 3, np.random.default_rng(1))
    r_big, _ = approx.random_feature_fit(xs, y, sq, 100, np.random.default_rng(1))
    assert np.isclose(r_small, r_big, rtol=1e-6)
    r_relu, _ = approx.random_feature_fit(xs, y, "relu", 100, np.random.default_rng(1))
    assert r_relu < 0.1 * r_big


def test_validation():
    with pytest.raises(ValueError, match="knots"):
        approx.relu_interpolant(f, np.array([0.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match="f"):
        approx.relu_interpolant(np.ones(2), np.array([0.0, 0.5, 1.0]))
    with pytest.raises(ValueError, match="k"):
        approx.sigmoid_step(0.0, 0.0, -1.0)
    with pytest.raises(TypeError, match="rng"):
        approx.hidden_features(np.zeros(3), "relu", 2, None)
