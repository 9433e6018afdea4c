"""lib.overparam: counts, minimum-norm GD, Levenberg-Marquardt."""

import numpy as np
import pytest

import lib
from lib import optim, overparam


def test_counts():
    for p, n in [(4, 2), (10, 5), (64, 10)]:
        count = lib.MLP(overparam.square_network_widths(p, n), "relu").num_params
        assert count == n * (p * p + p) + p + 1
        assert np.isclose(overparam.weights_per_sample(p, n), count / p**2)
    assert abs(overparam.weights_per_sample(1000, 7) - 7) < 0.01


def test_min_norm_gd_is_pinv():
    rng = np.random.default_rng(0)
    A, b = rng.normal(size=(8, 30)), rng.normal(size=8)
    x = overparam.min_norm_least_squares_gd(A, b, steps=4000)
    assert np.linalg.norm(x - np.linalg.pinv(A) @ b) < 1e-8
    x0 = rng.normal(size=30)
    xs = overparam.min_norm_least_squares_gd(A, b, steps=4000, x0=x0)
    P = np.linalg.pinv(A) @ A
    assert np.linalg.norm(xs - (np.linalg.pinv(A) @ b + x0 - P @ x0)) < 1e-8


def test_levenberg_marquardt_interpolates_smooth_net():
    net = lib.MLP((1, 10, 10, 1), "tanh")
    rng = np.random.default_rng(1)
    X, y = rng.uniform(-1, 1, (8, 1)), rng.normal(size=(8, 1))
    fit = optim.levenberg_marquardt(net, net.init(rng, "xavier"), X, y, iters=300,
                                        tol=1e-20)
    assert fit.loss[-1] < 1e-18 and np.all(np.diff(fit.loss) < 0)
    with pytest.raises(ValueError):
        optim.levenberg_marquardt(lib.MLP((1, 2), "relu"), np.zeros(4), X,
                                      np.zeros((8, 2)))
