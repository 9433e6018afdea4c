"""Claims of chapter 7 (universal approximation), checked independently of the notebook."""

from __future__ import annotations

import numpy as np

import lib
from lib import approx, stacked, widgets


def target(x):
    return np.sin(3 * x) + 0.3 * x**2


def test_sup_error_rate_is_second_order():
    ns = np.array([4, 8, 16, 32, 64, 128, 256])
    errs = []
    for n in ns:
        w, b, c = approx.relu_interpolant(target, np.linspace(-1, 1, n + 1))
        errs.append(approx.sup_error(target, lambda x, w=w, b=b, c=c: approx.relu_sum(x, w, b, c),
                                     -1, 1))
    assert abs(approx.loglog_slope(ns, np.array(errs)) + 2) < 0.1


def test_l2_error_bounded_by_sup_error():
    w, b, c = approx.relu_interpolant(target, np.linspace(-1, 1, 9))
    x = np.random.default_rng(0).uniform(-1, 1, 4000)
    mse = np.mean((target(x) - approx.relu_sum(x, w, b, c)) ** 2)
    sup = approx.sup_error(target, lambda t: approx.relu_sum(t, w, b, c), -1, 1)
    assert mse <= sup**2


def test_step_error_exponential_away_from_jump():
    x = np.linspace(-1, 1, 2001)
    far = np.abs(x - 0.1) >= 0.05
    for k in (10, 100, 400):
        err = np.max(np.abs(approx.sigmoid_step(x, 0.1, k) - (x > 0.1))[far])
        assert err <= np.exp(-k * 0.05) + 1e-15


def test_square_activation_plateau_relu_improves():
    x = np.linspace(-1, 1, 400)
    y = np.sin(6 * x)
    coef = np.polynomial.polynomial.polyfit(x, y, 2)
    best = np.sqrt(np.mean((np.polynomial.polynomial.polyval(x, coef) - y) ** 2))
    sq = approx.polynomial_activation(2)
    for width in (4, 32, 128):
        r, _ = approx.random_feature_fit(x, y, sq, width, np.random.default_rng(width))
        assert np.isclose(r, best, rtol=1e-6)
    r_relu, _ = approx.random_feature_fit(x, y, "relu", 128, np.random.default_rng(3))
    assert r_relu < 0.05 * best


def test_training_is_worse_than_construction():
    n = 16
    w, b, c = approx.relu_interpolant(target, np.linspace(-1, 1, n + 1))
    construct = approx.sup_error(target, lambda x: approx.relu_sum(x, w, b, c), -1, 1)
    net = lib.MLP((1, n, 1), "relu")
    X = np.linspace(-1, 1, 200)[:, None]
    starts = np.stack([net.init(np.random.default_rng(100 + s), "uniform") for s in range(4)])
    trained, _ = stacked.train_many(net, starts, X, target(X), lr=0.05, epochs=1000)
    errs = [approx.sup_error(target, lambda x, t=t: net.predict(t, x)[:, 0], -1, 1)
            for t in trained]
    assert min(errs) > 3 * construct


def test_explorer_callback():
    ex = widgets.relu_interpolant_explorer()
    img, txt = ex.image.value, ex.text.value
    ex.controls["units"].value = 32
    assert ex.image.value != img and ex.text.value != txt
    txt2 = ex.text.value
    ex.controls["target"].value = "|x - 0.2| (not C^2)"
    assert ex.text.value != txt2 and "no C^2 bound" in ex.text.value


def test_square_activation_network_is_a_quadratic_third_differences_below_1e_12():
    for seed in range(5):
        net = lib.MLP((1, 200, 1), approx.polynomial_activation(2))
        theta = net.init(np.random.default_rng([7, 9, seed]), "uniform")
        (W1, b1), (W2, b2) = net.layers(theta)
        xg = np.linspace(-1, 1, 41)
        # oracle: the network written out in plain numpy, sum_i w_i (a_i x + b_i)^2 + c
        inline = ((xg[:, None] * W1[:, 0] + b1) ** 2) @ W2[0] + b2[0]
        vals = net.predict(theta, xg)[:, 0]
        assert np.allclose(vals, inline, rtol=1e-12, atol=1e-12)
        assert np.max(np.abs(np.diff(vals, 3))) < 1e-12
        assert np.max(np.abs(np.diff(vals, 2))) > 1e-6 * np.max(np.abs(vals))
