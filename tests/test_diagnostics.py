"""Tests of lib.diagnostics: per-layer statistics against direct computation (a hand-written
forward pass and finite differences of the loss)."""

import numpy as np
import pytest

from lib import MLP, diagnostics, losses
from lib.gradcheck import numerical_gradient


def _setup(act="tanh"):
    rng = np.random.default_rng(0)
    model = MLP((4, 6, 5, 2), act)
    theta = model.init(rng, "xavier")
    X, y = rng.normal(size=(7, 4)), rng.normal(size=(7, 2))
    return model, theta, X, y


def test_activation_norms_inline():
    model, theta, X, y = _setup()
    s = diagnostics.layer_statistics(model, theta, X, y=y)
    z = X
    norms = [np.mean(np.linalg.norm(z, axis=1))]
    for j, (W, b) in enumerate(model.layers(theta)):
        v = z @ W.T + b
        z = v if j == model.n_layers - 1 else np.tanh(v)
        norms.append(np.mean(np.linalg.norm(z, axis=1)))
    assert np.allclose(s.activation_norms, norms, rtol=1e-14)


def test_weight_grads_match_finite_differences():
    model, theta, X, y = _setup()
    s = diagnostics.layer_statistics(model, theta, X, y=y)
    fd = numerical_gradient(lambda t: model.loss(t, X, y), theta)
    for (gW, _), G in zip(model.layers(fd), s.weight_grads, strict=True):
        assert np.allclose(G, gW, rtol=1e-6, atol=1e-9)
    assert np.allclose(s.weight_grad_norms, [np.linalg.norm(G) for G in s.weight_grads])


def test_delta_norms_and_operator_norms():
    model, theta, X, y = _setup("relu")
    delta_out = np.random.default_rng(3).normal(size=(7, 2))
    s = diagnostics.layer_statistics(model, theta, X, delta_out=delta_out)
    # RMS over the examples of |N delta_out_i| (delta_out is read as a mean loss's gradient)
    assert np.isclose(s.delta_norms[-1], np.sqrt(np.mean(np.sum((7 * delta_out) ** 2, axis=1))))
    svals = [np.linalg.svd(W, compute_uv=False)[0] for W, _ in model.layers(theta)]
    assert np.allclose(s.weight_norms, svals, rtol=1e-12)
    # delta_1 = dL/dx for L = sum_i <delta_out_i, m(x_i)>: check one entry by differences
    h, i, k = 1e-6, 2, 1
    Xp, Xm = X.copy(), X.copy()
    Xp[i, k] += h
    Xm[i, k] -= h
    change = model.predict(theta, Xp)[i] - model.predict(theta, Xm)[i]
    fd = np.sum(delta_out[i] * change) / (2 * h)
    fp = model.forward(theta, X)
    _, deltas = model.backward(theta, fp, delta_out, return_deltas=True)
    assert np.isclose(deltas[0][i, k], fd, rtol=1e-6)
    assert s.n_layers == 3


def test_loss_argument_and_gains():
    model, theta, X, _ = _setup()
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    s = diagnostics.layer_statistics(model, theta, X, y=y, loss="cross_entropy")
    _, d = losses.softmax_cross_entropy(model.predict(theta, X), y)
    assert np.isclose(s.delta_norms[-1], np.sqrt(np.mean(np.sum((7 * d) ** 2, axis=1))))
    assert np.allclose(diagnostics.gains([1.0, 2.0, 1.0]), [2.0, 0.5])


def test_validation():
    model, theta, X, y = _setup()
    with pytest.raises(ValueError, match="exactly one"):
        diagnostics.layer_statistics(model, theta, X)
    with pytest.raises(ValueError, match="exactly one"):
        diagnostics.layer_statistics(model, theta, X, y=y, delta_out=y)
    with pytest.raises(ValueError, match="norms"):
        diagnostics.gains([1.0])
    with pytest.raises(ValueError, match="positive"):
        diagnostics.gains([1.0, 0.0])


def test_delta_norms_is_the_rms_of_each_examples_own_delta():
    from lib import MLP

    rng = np.random.default_rng(5)
    model = MLP((3, 2), "identity")  # one affine layer: delta_1 = W^T (u - y) per example
    theta = model.init(rng, "xavier")
    X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    W = theta[:6].reshape(2, 3)
    R = X @ W.T + theta[6:] - Y  # per-example output deltas of the half squared error
    fp = model.forward(theta, X)
    _, deltas = model.backward(theta, fp, R / 6, return_deltas=True)  # the mean loss
    norms = diagnostics.delta_norms(deltas)
    assert np.allclose(norms[1], np.sqrt(np.mean(np.sum(R**2, axis=1))), rtol=1e-13)
    assert np.allclose(norms[0], np.sqrt(np.mean(np.sum((R @ W) ** 2, axis=1))), rtol=1e-13)
    stats = diagnostics.layer_statistics(model, theta, X, y=Y)
    assert np.array_equal(stats.delta_norms, norms)
    with pytest.raises(TypeError, match="deltas"):
        diagnostics.delta_norms(np.ones((2, 2)))
    with pytest.raises(ValueError, match="rows"):
        diagnostics.delta_norms([np.ones((2, 2)), np.ones((3, 2))])
