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
    assert np.isclose(s.delta_norms[-1], np.mean(np.linalg.norm(delta_out, axis=1)))
    svals = [np.linalg.svd(W, compute_uv=False)[0] for W, _ in model.layers(theta)]
    assert np.allclose(s.weight_norms, svals, rtol=1e-12)
    # delta_1 = dL/dx for L = sum_i <delta_out_i, m(x_i)>: check one entry by differences
    h, i, k = 1e-6, 2, 1
    Xp, Xm = X.copy(), X.copy()
    Xp[i, k] += h
    Xm[i, k] -= h
    fd = np.sum(delta_out[i] * (model.predict(theta, Xp)[i] - model.predict(theta, Xm)[i])) / (2 * h)
    fp = model.forward(theta, X)
    _, deltas = model.backward(theta, fp, delta_out, return_deltas=True)
    assert np.isclose(deltas[0][i, k], fd, rtol=1e-6)
    assert s.n_layers == 3


def test_loss_argument_and_gains():
    model, theta, X, _ = _setup()
    y = np.array([0, 1, 1, 0, 1, 0, 0])
    s = diagnostics.layer_statistics(model, theta, X, y=y, loss="cross_entropy")
    _, d = losses.softmax_cross_entropy(model.predict(theta, X), y)
    assert np.isclose(s.delta_norms[-1], np.mean(np.linalg.norm(d, axis=1)))
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
