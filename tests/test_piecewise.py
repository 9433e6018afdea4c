"""Unit tests of lib.piecewise (affine collapse, kinks of 1-D ReLU networks; chapter 3)."""

from __future__ import annotations

import numpy as np
import pytest

from lib import MLP, piecewise


@pytest.mark.parametrize("widths", [(1, 5, 5, 5, 1, 1), (3, 4, 2), (2, 3, 3, 3, 4)])
def test_affine_collapse_matches_network(widths):
    rng = np.random.default_rng(0)
    net = MLP(widths, "identity")
    theta = net.init(rng, "uniform")
    W, b = piecewise.affine_collapse(net, theta)
    X = rng.normal(size=(20, widths[0]))
    assert np.allclose(net.predict(theta, X), X @ W.T + b, atol=1e-12)
    assert np.allclose(b, net.predict(theta, np.zeros((1, widths[0])))[0])


def test_affine_collapse_rejects_nonlinear():
    net = MLP((1, 3, 1), "relu")
    with pytest.raises(ValueError):
        piecewise.affine_collapse(net, np.zeros(net.num_params))


def test_kinks_one_hidden_layer_closed_form():
    net = MLP((1, 4, 1), "relu")
    theta = net.flatten([(np.array([[1.0], [-2.0], [0.5], [3.0]]),
                          np.array([0.5, 1.0, -1.0, 30.0])),
                         (np.ones((1, 4)), np.zeros(1))])
    k = piecewise.kinks_1d(net, theta, -5, 5)
    assert np.allclose(k, [-0.5, 0.5, 2.0])  # -30/3 = -10 lies outside


@pytest.mark.parametrize("seed", range(4))
def test_kinks_are_exactly_where_second_difference_is_nonzero(seed):
    net = MLP((1, 5, 5, 5, 1, 1), "leaky_relu", alpha=0.1)
    theta = net.init(np.random.default_rng(seed), "uniform")
    kinks = piecewise.kinks_1d(net, theta, -3, 3)
    h = 1e-3
    grid = np.arange(-3, 3 + h / 2, h)
    m = net.predict(theta, grid[:, None])[:, 0]
    d2 = m[2:] - 2 * m[1:-1] + m[:-2]
    c = grid[1:-1]
    near = np.array([np.any(np.abs(kinks - x) < h) for x in c])
    tol = 1e-12 * (1 + np.abs(m).max())
    assert np.all(np.abs(d2[~near]) < tol)
    if kinks.size:
        jumps = np.diff(piecewise.piece_slopes(net, theta, np.r_[-3, kinks, 3]))
        assert np.all(np.abs(jumps) > 1e-9)


def test_identity_network_has_no_kinks_and_validation():
    net = MLP((1, 5, 5, 1), "identity")
    theta = net.init(np.random.default_rng(0), "uniform")
    assert piecewise.kinks_1d(net, theta, -3, 3).size == 0
    with pytest.raises(ValueError):
        piecewise.kinks_1d(MLP((1, 3, 1), "tanh"), np.zeros(10), -1, 1)
    with pytest.raises(ValueError):
        piecewise.kinks_1d(net, theta, 1, -1)
    with pytest.raises(ValueError):
        piecewise.piece_slopes(net, theta, [1.0, 0.0])
