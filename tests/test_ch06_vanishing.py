"""The claims of chapter 6 (vanishing gradients and activation functions), each with an
oracle independent of the notebook's code path."""

import numpy as np
import pytest

from lib import MLP, activations, diagnostics, optim, widgets
from lib import scalar_chain as sc


def test_sigmoid_prime_at_most_quarter_max_at_zero():
    z = np.linspace(-30, 30, 600001)
    d = activations.sigmoid_prime(z)
    assert d.max() == 0.25 and z[np.argmax(d)] == 0.0
    z = z[np.abs(z) <= 10]
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(activations.sigmoid_prime(z), s * (1 - s), atol=1e-15)


@pytest.mark.parametrize("w", [0.5, 1.0, 2.0, 4.0, -2.0])
def test_sigmoid_chain_decays_at_least_like_bound(w):
    depths = np.arange(1, 31)
    g = np.array([abs(float(sc.scalar_chain(np.full(d, w), 1.0).grad_w1)) for d in depths])
    assert np.all(g <= 0.25 * (abs(w) / 4) ** (depths - 1.0) * (1 + 1e-12))
    rate = np.polyfit(depths[10:], np.log(g[10:]), 1)[0]
    assert rate <= np.log(abs(w) / 4)
    u = sc.scalar_chain(np.full(300, w), 1.0).pre_activations[-1]
    assert abs(rate - np.log(abs(w) * activations.sigmoid_prime(u))) < 1e-3


@pytest.mark.parametrize("w", [0.7, 1.0, 1.3])
def test_relu_chain_is_product_of_weights(w):
    for d in range(1, 31):
        g = float(sc.scalar_chain(np.full(d, w), 2.0, "relu").grad_w1)
        assert np.isclose(g, w ** (d - 1) * 2.0, rtol=1e-13)
    assert 1.3 ** 29 > 1e3 and 0.7 ** 29 < 1e-4  # explodes / vanishes


def test_relu_prime_is_one_on_active_side():
    z = np.linspace(1e-9, 100, 1001)
    assert np.all(activations.relu_prime(z) == 1.0)
    assert np.all(activations.leaky_relu_prime(z, 0.1) == 1.0)
    assert np.all(activations.elu_prime(z) == 1.0)


def test_glorot_bengio_sigmoid_vanishes_relu_does_not():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((128, 50)), rng.integers(0, 10, 128)
    ratio = {}
    for act in ["sigmoid", "relu"]:
        model = MLP((50,) + (100,) * 8 + (10,), act)
        theta = model.init(np.random.default_rng(4), "he")
        s = diagnostics.layer_statistics(model, theta, X, y=y, loss="cross_entropy")
        ratio[act] = s.weight_grad_norms[0] / s.weight_grad_norms[7]
    assert ratio["sigmoid"] < 1e-3 and ratio["relu"] > 0.1


def test_softplus_prime_lipschitz_quarter_relu_prime_not():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(0, 3, 100000), rng.normal(0, 3, 100000)
    q = np.abs(activations.sigmoid(z1) - activations.sigmoid(z2)) / np.abs(z1 - z2)
    assert q.max() <= 0.25 + 1e-9
    eps = 10.0 ** -np.arange(1, 9)
    q_relu = (activations.relu_prime(eps) - activations.relu_prime(-eps)) / (2 * eps)
    assert np.all(np.diff(q_relu) > 0) and q_relu[-1] > 1e7
    zz = np.linspace(-10, 10, 2001)
    assert np.array_equal(activations.relu(activations.relu(zz)), activations.relu(zz))


def _dead_unit_run(activation, alpha=None, epochs=300):
    X = np.random.default_rng(6).uniform(-2, 2, (128, 1))
    y = np.abs(X)
    model = MLP((1, 2, 1), activation, alpha=alpha)
    theta = model.flatten([(np.array([[1.0], [-1.0]]), np.array([-3.0, 0.0])),
                           (np.array([[0.5, 1.0]]), np.zeros(1))])
    fit = optim.train(model, theta, X, y, lr=0.05, epochs=epochs, batch_size=16,
                      rng=np.random.default_rng(1))
    (A, b), _ = model.layers(fit.theta)
    return A[0, 0], b[0], np.any(A[0, 0] * X[:, 0] + b[0] > 0)


def test_dead_relu_stays_dead_exactly():
    a, b, alive = _dead_unit_run("relu")
    assert a == 1.0 and b == -3.0 and not alive


def test_leaky_relu_unit_moves_and_revives():
    a, b, alive = _dead_unit_run("leaky_relu", 0.1)
    assert (a, b) != (1.0, -3.0) and alive


def test_chain_explorer_callback():
    ex = widgets.chain_explorer(max_depth=12)
    img, txt = ex.image.value, ex.text.value
    ex.controls["activation"].value = "relu"
    assert ex.image.value != img and ex.text.value != txt
    txt = ex.text.value
    ex.controls["w"].value = 1.5
    assert ex.text.value != txt


def test_gradient_histogram_explorer_callback():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((32, 10)), rng.integers(0, 3, 32)
    ex = widgets.gradient_histogram_explorer(X, y, width=20)
    img, txt = ex.image.value, ex.text.value
    ex.controls["activation"].value = "relu"
    assert ex.image.value != img and ex.text.value != txt
    txt = ex.text.value
    ex.controls["gain"].value = 2.0
    assert ex.text.value != txt


def test_sigmoid_network_equals_tanh_network_below_1e_12():
    """The weight map of chapter 6 written out here (C_1 = A_1/2, d_1 = b_1/2; middle layers
    C = A/4, d = b/2 + C 1; last C = A/2, d = b + C 1) and both forward passes in numpy."""
    sig = lambda u: 1 / (1 + np.exp(-u))  # noqa: E731
    for seed, widths in enumerate([(3, 8, 1), (5, 20, 20, 20, 2), (2, 16, 16, 16, 16, 3)]):
        rng = np.random.default_rng([6, 15, seed])
        net = MLP(widths, "sigmoid")
        theta = net.init(rng, "normal", bias=0.0) + 0.3 * rng.standard_normal(net.num_params)
        layers = net.layers(theta)
        X = rng.normal(0, 2, (100, widths[0]))
        z_s, z_t = X, X
        last = len(layers) - 1
        for j, (A, b) in enumerate(layers):
            if j == 0:
                C, d = A / 2, b / 2
            elif j < last:
                C = A / 4
                d = b / 2 + C.sum(axis=1)
            else:
                C = A / 2
                d = b + C.sum(axis=1)
            v_s, v_t = z_s @ A.T + b, z_t @ C.T + d
            z_s, z_t = (v_s, v_t) if j == last else (sig(v_s), np.tanh(v_t))
        scale = max(1.0, np.abs(z_s).max())
        assert np.abs(z_s - z_t).max() / scale < 1e-12
        assert np.abs(net.predict(theta, X) - z_s).max() / scale < 1e-12
