"""Tests of lib.scalar_chain: Hirn's eq. (23) against centred finite differences and against
backpropagation through lib.mlp (two independent oracles)."""

import numpy as np
import pytest

from lib import scalar_chain as sc


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "softplus", "elu", "leaky_relu"])
def test_product_formula_matches_finite_differences(act):
    rng = np.random.default_rng(0)
    w, b = rng.normal(0, 1.2, 6), rng.normal(0, 0.5, 6)
    x, h = 0.7, 1e-6
    res = sc.scalar_chain(w, x, act, biases=b, alpha=1.3)
    wp, wm = w.copy(), w.copy()
    wp[0] += h
    wm[0] -= h
    fd = (sc.scalar_chain(wp, x, act, biases=b, alpha=1.3).value
          - sc.scalar_chain(wm, x, act, biases=b, alpha=1.3).value) / (2 * h)
    assert np.isclose(res.grad_w1, fd, rtol=1e-6, atol=1e-9)  # fd error ~ 1e-10


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "relu", "softplus"])
def test_chain_mlp_backprop_agrees_to_1e12(act):
    rng = np.random.default_rng(1)
    w, b = rng.normal(0, 1.5, 10), rng.normal(0, 0.5, 10)
    res = sc.scalar_chain(w, 1.5, act, biases=b, alpha=1.7)
    model, theta = sc.chain_mlp(w, act, biases=b, alpha=1.7)
    fp = model.forward(theta, np.array([[1.5]]))
    grad = model.backward(theta, fp, np.ones((1, 1)))
    assert abs(fp.output[0, 0] - res.value) <= 1e-12 * max(1, abs(res.value))
    assert abs(model.layers(grad)[0][0][0, 0] - res.grad_w1) <= 1e-12 * max(1, abs(res.grad_w1))


def test_louppe_three_layer_chain_inline():
    from lib.activations import sigmoid as s
    from lib.activations import sigmoid_prime as ds

    w1, w2, w3, x = 0.3, -1.1, 0.8, 2.0
    u1 = w1 * x
    u3 = w2 * s(u1)
    u5 = w3 * s(u3)
    res = sc.scalar_chain([w1, w2, w3], x)
    assert np.isclose(res.value, s(u5), rtol=1e-15)
    assert np.isclose(res.grad_w1, ds(u5) * w3 * ds(u3) * w2 * ds(u1) * x, rtol=1e-14)


def test_vectorised_over_draws():
    rng = np.random.default_rng(2)
    W = rng.normal(size=(5, 7))
    res = sc.scalar_chain(W, 1.0)
    for k in range(7):
        assert np.isclose(res.grad_w1[k], sc.scalar_chain(W[:, k], 1.0).grad_w1)


def test_validation():
    with pytest.raises(ValueError, match="biases"):
        sc.scalar_chain([1.0, 2.0], 1.0, biases=[1.0])
    with pytest.raises(ValueError, match="weights"):
        sc.chain_mlp(np.ones((2, 2)))
    with pytest.raises(ValueError, match="weights"):
        sc.scalar_chain([np.nan], 1.0)
