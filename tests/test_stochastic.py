"""Tests for lib.stochastic (chapter 4): per-example gradients, counting, SGD paths."""

import numpy as np
import pytest

import lib
from lib import data, stochastic


@pytest.mark.parametrize("widths,act,residual,loss", [
    ((1, 16, 16, 1), "tanh", False, "mse"),
    ((2, 8, 8, 3), "relu", True, "mse"),
    ((3, 6, 1), "sigmoid", False, "logistic"),
])
def test_per_example_gradients_match_one_example_batches(widths, act, residual, loss):
    rng = np.random.default_rng(0)
    model = lib.MLP(widths, act, residual=residual)
    theta = model.init(rng, "xavier", bias=0.1)
    X = rng.normal(size=(20, widths[0]))
    y = (rng.random((20, 1)) < 0.5).astype(float) if loss == "logistic" else rng.normal(
        size=(20, widths[-1]))
    G = stochastic.per_example_gradients(model, theta, X, y, loss)
    assert G.shape == (20, model.num_params)
    for i in range(20):  # oracle: the mean loss of a one-example batch
        _, g = model.loss_and_grad(theta, X[i:i + 1], y[i:i + 1], loss)
        assert np.allclose(G[i], g, rtol=1e-10, atol=1e-12)
    _, full = model.loss_and_grad(theta, X, y, loss)
    assert np.max(np.abs(G.mean(axis=0) - full)) < 1e-12


def test_unbiasedness_and_variance_on_ryu_network():
    rng = np.random.default_rng(7)
    model = lib.MLP((1, 64, 64, 1), "sigmoid")
    X, y = data.ryu_regression(128, rng)
    theta = model.init(rng, "normal", bias=0.03)
    G = stochastic.per_example_gradients(model, theta, X, y)
    _, full = model.loss_and_grad(theta, X, y)
    assert np.max(np.abs(G.mean(0) - full)) < 1e-12
    sigma2 = np.mean(np.sum((G - full) ** 2, axis=1))
    mc = np.random.default_rng(3)
    gram = (G - full) @ (G - full).T  # |mean of picks - full|^2 = w^T gram w
    for k in (1, 8, 64):
        counts = mc.multinomial(k, np.full(128, 1 / 128), size=3000) / k
        mse = np.mean(np.einsum("rn,nm,rm->r", counts, gram, counts))
        assert np.isclose(mse, sigma2 / k, rtol=0.15)


def test_minibatch_without_replacement_variance():
    rng = np.random.default_rng(4)
    G = rng.normal(size=(40, 3)) + np.array([1.0, -2.0, 0.5])
    g = G.mean(0)
    sigma2 = np.mean(np.sum((G - g) ** 2, axis=1))
    B = 10
    # exact expectation over all batches is impractical; use many shuffles
    batches = rng.permuted(np.tile(np.arange(40), (20000, 1)), axis=1)[:, :B]
    errs = np.sum((G[batches].mean(axis=1) - g) ** 2, axis=1)
    assert np.isclose(np.mean(errs), sigma2 / B * (40 - B) / 39, rtol=0.05)


def test_counting_loss_counts_examples_per_step():
    model = lib.MLP((1, 4, 1), "tanh")
    for n in (64, 256):
        X, y = data.ryu_regression(n, np.random.default_rng(n))
        th = model.init(np.random.default_rng(0), "xavier")
        for bsz, per_step in ((None, n), (16, 16), (1, 1)):
            c = stochastic.CountingLoss("mse")
            res = lib.train(model, th, X, y, loss=c, lr=0.01, epochs=1, batch_size=bsz,
                            rng=np.random.default_rng(1), record=None)
            steps = c.sizes[-res.steps:]  # earlier calls (if any) only validate inputs
            assert steps == [per_step] * res.steps
            assert c.examples == sum(c.sizes) and c.calls == len(c.sizes) >= res.steps


def test_linear_sgd_path_matches_lib_train_and_gd():
    rng = np.random.default_rng(5)
    X = rng.normal(1.0, 1.0, size=(50, 1))
    y = 2.0 * X[:, 0] - 1.0 + 0.3 * rng.standard_normal(50)
    t0 = np.array([-1.0, 2.0])
    for bsz in (None, 7, 1):
        path = stochastic.linear_sgd_path(X, y, t0, lr=0.1, epochs=3, batch_size=bsz,
                                          rng=np.random.default_rng(9))
        res = lib.train(lib.MLP((1, 1), "identity"), t0, X, y[:, None], lr=0.1, epochs=3,
                        batch_size=bsz, rng=np.random.default_rng(9))
        assert np.allclose(path[-1], res.theta, rtol=1e-12, atol=1e-12)
        assert len(path) == 1 + 3 * -(-50 // (bsz or 50))
    Xa = np.hstack([X, np.ones((50, 1))])
    gd = lib.gradient_descent(lambda t: Xa.T @ (Xa @ t - y) / 50, t0, 0.1, 3)
    assert np.allclose(gd, stochastic.linear_sgd_path(X, y, t0, lr=0.1, epochs=3))


def test_linear_loss_vectorised_and_direct():
    rng = np.random.default_rng(6)
    X = rng.normal(size=(30, 2))
    y = rng.normal(size=30)
    thetas = rng.normal(size=(4, 5, 3))
    vals = stochastic.linear_loss(thetas, X, y)
    assert vals.shape == (4, 5)
    t = thetas[2, 3]
    assert np.isclose(vals[2, 3], 0.5 * np.mean((X @ t[:2] + t[2] - y) ** 2))
    assert isinstance(stochastic.linear_loss(t, X, y), float)


def test_validation():
    X, y = np.zeros((5, 1)), np.zeros(5)
    with pytest.raises(ValueError, match="theta"):
        stochastic.linear_loss(np.zeros(3), X, y)
    with pytest.raises(ValueError, match="batch_size"):
        stochastic.linear_sgd_path(X, y, np.zeros(2), lr=0.1, epochs=1, batch_size=6)
    with pytest.raises(TypeError, match="rng"):
        stochastic.linear_sgd_path(X, y, np.zeros(2), lr=0.1, epochs=1, batch_size=2)
    with pytest.raises(ValueError, match="lr"):
        stochastic.linear_sgd_path(X, y, np.zeros(2), lr=-1.0, epochs=1)
    with pytest.raises(ValueError, match="y must"):
        stochastic.linear_loss(np.zeros(2), X, np.zeros(4))
