"""lib.landscape: batched evaluation, slices, per-example gradients, sharpness."""

import numpy as np
import pytest

import lib
from lib import landscape


@pytest.fixture(params=[("tanh", False), ("leaky_relu", True)])
def setup(request):
    act, res = request.param
    net = lib.MLP((1, 4, 4, 4, 1), act, residual=res)
    rng = np.random.default_rng(0)
    theta = net.init(rng, "uniform")
    X = rng.uniform(-1, 1, (7, 1))
    y = rng.normal(size=(7, 1))
    return net, theta, X, y


def test_batched_predict_matches_loop(setup):
    net, theta, X, _ = setup
    thetas = theta + 0.3 * np.random.default_rng(1).standard_normal((5, net.num_params))
    out = landscape.batched_predict(net, thetas, X)
    for b in range(5):
        assert np.allclose(out[b], net.predict(thetas[b], X), atol=1e-13)


def test_loss_slice_direct(setup):
    net, theta, X, y = setup
    d1, d2 = landscape.random_directions(net, theta, np.random.default_rng(2))
    t1, t2 = np.linspace(-1, 1, 5), np.linspace(-0.5, 0.5, 4)
    F = landscape.loss_slice(net, theta, X, y, d1, d2, t1, t2, chunk=3)
    for k in range(4):
        for j in range(5):
            r = net.predict(theta + t1[j] * d1 + t2[k] * d2, X) - y
            assert np.isclose(F[k, j], 0.5 * np.sum(r * r), rtol=1e-12)


def test_filter_normalization(setup):
    net, theta, *_ = setup
    d1, _ = landscape.random_directions(net, theta, np.random.default_rng(3))
    for (W, _), (Wd, _) in zip(net.layers(theta), net.layers(d1), strict=True):
        assert np.allclose(np.linalg.norm(Wd, axis=1), np.linalg.norm(W, axis=1))


def test_per_example_gradients_finite_differences(setup):
    net, theta, X, y = setup
    G = landscape.per_example_gradients(net, theta, X, y)
    for i in range(len(X)):
        num = lib.numerical_gradient(lambda t, i=i: net.loss(t, X[i:i + 1], y[i:i + 1]), theta)
        assert lib.relative_error(G[i], num) < 1e-6
    assert np.allclose(G.mean(axis=0), net.loss_and_grad(theta, X, y)[1], atol=1e-14)


def test_output_jacobian(setup):
    net, theta, X, y = setup
    J = landscape.output_jacobian(net, theta, X)
    num = lib.numerical_gradient(lambda t: net.predict(t, X)[2, 0], theta)
    assert lib.relative_error(J[2], num) < 1e-6
    r = net.predict(theta, X) - y
    assert np.allclose(landscape.per_example_gradients(net, theta, X, y), r * J)


def test_hessian_power_iteration_matches_dense():
    net = lib.MLP((1, 3, 3, 1), "tanh")
    rng = np.random.default_rng(4)
    theta = net.init(rng, "uniform")
    X, y = rng.uniform(-1, 1, (5, 1)), rng.normal(size=(5, 1))
    H = np.stack([landscape.hessian_vector_product(net, theta, X, y, e)
                  for e in np.eye(net.num_params)])
    H = 0.5 * (H + H.T)
    ev = np.linalg.eigvalsh(H)
    top = ev[np.argmax(np.abs(ev))]
    lam, _ = landscape.top_hessian_eigenvalue(net, theta, X, y, rng, iters=500, tol=1e-12)
    assert np.isclose(lam, top, rtol=1e-4)


def test_perturbed_loss_increase_small_radius_is_quadratic_at_minimum():
    A_net = lib.MLP((1, 1), "identity")  # linear model: loss is quadratic
    X = np.linspace(-1, 1, 6)[:, None]
    y = 2 * X + 1
    theta = np.array([2.0, 1.0])
    inc = landscape.perturbed_loss_increase(A_net, theta, X, y, 0.1, np.random.default_rng(0))
    assert np.all(inc > 0) and np.all(inc <= 0.5 * np.linalg.eigvalsh(
        np.c_[X, np.ones(6)].T @ np.c_[X, np.ones(6)] / 6).max() * 0.01 + 1e-15)


def test_validation(setup):
    net, theta, X, y = setup
    with pytest.raises(ValueError, match="thetas"):
        landscape.batched_predict(net, np.zeros((2, 3)), X)
    with pytest.raises(ValueError, match="normalization"):
        landscape.random_directions(net, theta, np.random.default_rng(0), normalization="x")
    with pytest.raises(TypeError, match="rng"):
        landscape.random_directions(net, theta, 0)
    with pytest.raises(ValueError, match="reduction"):
        landscape.batched_loss(net, theta, X, y, reduction="none")
