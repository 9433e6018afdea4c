"""The fast training path (lib._workspace via lib.optim.train) against the reference
forward/backward of lib.mlp, step by step."""

import numpy as np
import pytest

from lib import MLP, losses, train


def reference_sgd(model, theta0, X, y, loss, lr, epochs, batch, seed, weight_decay=0.0):
    """Plain loop over MLP.loss_and_grad with the same shuffles as lib.train."""
    rng = np.random.default_rng(seed)
    theta = theta0.copy()
    n = X.shape[0]
    values = []
    for _ in range(epochs):
        order = rng.permutation(n) if batch < n else np.arange(n)
        for s in range(0, n, batch):
            idx = order[s:s + batch]
            value, g = model.loss_and_grad(theta, X[idx], y[idx], loss)
            theta = theta - lr * (g + weight_decay * theta)
            values.append(value)
    return theta, np.array(values)


CASES = [
    ((1, 16, 16, 1), "sigmoid", False, "mse"),
    ((2, 8, 8, 8, 3), "tanh", True, "cross_entropy"),
    ((1, 5, 5, 5, 1, 1), "leaky_relu", True, "mse"),
    ((3, 6, 6, 2), "relu", False, "huber"),
    ((1, 4, 4, 1), "elu", True, "mse"),
    ((1, 4, 4, 1), "softplus", False, "l1"),
    ((2, 3, 1), "identity", False, "mse"),
]


@pytest.mark.parametrize("widths,act,residual,loss", CASES)
@pytest.mark.parametrize("batch", [1, 7, 20])
def test_train_matches_reference_steps(widths, act, residual, loss, batch):
    rng = np.random.default_rng(0)
    model = MLP(widths, act, residual=residual)
    theta0 = model.init(rng, "xavier")
    X = rng.normal(size=(20, widths[0]))
    if loss == "cross_entropy":
        y = rng.integers(0, widths[-1], size=20)
    else:
        y = rng.normal(size=(20, widths[-1]))
    res = train(model, theta0, X, y, loss=loss, lr=0.05, epochs=3, batch_size=batch,
                rng=np.random.default_rng(1), record="step", weight_decay=1e-3)
    theta_ref, values_ref = reference_sgd(model, theta0, X, y, loss, 0.05, 3, batch, 1, 1e-3)
    assert res.steps == 3 * int(np.ceil(20 / batch))
    assert np.allclose(res.theta, theta_ref, rtol=1e-12, atol=1e-12)
    assert np.allclose(res.loss, values_ref, rtol=1e-12, atol=1e-14)


def test_epoch_history_full_batch_is_loss_after_each_epoch():
    rng = np.random.default_rng(3)
    model = MLP((1, 5, 5, 1), "tanh")
    theta0 = model.init(rng, "he")
    X, y = rng.normal(size=(30, 1)), rng.normal(size=(30, 1))
    res = train(model, theta0, X, y, lr=0.1, epochs=4)
    theta, expected = theta0.copy(), [model.loss(theta0, X, y)]
    for _ in range(4):
        theta = theta - 0.1 * model.loss_and_grad(theta, X, y)[1]
        expected.append(model.loss(theta, X, y))
    assert res.loss.shape == (5,)
    assert np.allclose(res.loss, expected, rtol=1e-12)


def test_epoch_history_minibatch_is_full_loss_after_each_epoch():
    rng = np.random.default_rng(4)
    model = MLP((1, 6, 1), "sigmoid")
    theta0 = model.init(rng)
    X, y = rng.normal(size=(25, 1)), rng.normal(size=(25, 1))
    res = train(model, theta0, X, y, lr=0.1, epochs=1, batch_size=10, rng=np.random.default_rng(5))
    assert np.isclose(res.loss[0], model.loss(theta0, X, y), rtol=1e-12)
    assert np.isclose(res.loss[1], model.loss(res.theta, X, y), rtol=1e-12)


def test_float32_follows_float64_closely():
    rng = np.random.default_rng(6)
    model = MLP((1, 16, 16, 1), "sigmoid")
    theta0 = model.init(rng, bias=0.03)
    X = rng.normal(size=(64, 1))
    y = (X - 2) * np.cos(4 * X)
    r64 = train(model, theta0, X, y, lr=0.1, epochs=20, batch_size=16, rng=np.random.default_rng(7))
    r32 = train(model, theta0, X, y, lr=0.1, epochs=20, batch_size=16, rng=np.random.default_rng(7),
                dtype=np.float32)
    assert r32.theta.dtype == np.float32
    assert np.allclose(r32.theta, r64.theta, rtol=1e-3, atol=1e-3)


def test_sigmoid_kernel_equals_reference_on_extremes():
    from lib import _workspace, activations

    v = np.array([[-1e4, -800.0, -30.0, -1.0, 0.0, 1.0, 30.0, 800.0, 1e4]])
    out, tmp = np.empty_like(v), np.empty_like(v)
    # no overflow, no invalid operation; e^{-v} underflowing to 0 for v > 745 is exact in
    # floating point (numpy ignores underflow by default)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        _workspace._sigmoid_fwd(v, out, tmp)
    ref = activations.sigmoid(v)
    assert np.allclose(out, ref, rtol=1e-15, atol=1e-300)
    der = np.empty_like(v)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        _workspace._sigmoid_der(v, out, tmp, der)
    assert np.allclose(der, activations.sigmoid_prime(v), rtol=1e-12, atol=1e-300)


def test_training_does_not_touch_inputs():
    rng = np.random.default_rng(8)
    model = MLP((1, 4, 1), "relu")
    theta0 = model.init(rng, "he")
    X, y = rng.normal(size=(10, 1)), rng.normal(size=(10, 1))
    copies = theta0.copy(), X.copy(), y.copy()
    train(model, theta0, X, y, lr=0.1, epochs=2, batch_size=3, rng=rng)
    train(model, theta0, X, y, lr=0.1, epochs=2)
    for a, b in zip((theta0, X, y), copies, strict=True):
        assert np.array_equal(a, b)
    assert losses.get("mse") is losses.mse


def test_augmented_layout_round_trip_and_blocks():
    from lib import _workspace

    model = MLP((3, 4, 2), "tanh")
    theta = np.arange(model.num_params, dtype=float)
    flat = _workspace.to_augmented(model, theta)
    assert flat.shape == theta.shape
    for A, (W, b) in zip(_workspace.augmented_views(model, flat), model.layers(theta),
                         strict=True):
        assert np.array_equal(A, np.column_stack([W, b]))  # A_j = [W_j b_j]
    assert np.array_equal(_workspace.from_augmented(model, flat), theta)
    stacked = np.stack([theta, -theta, 2 * theta])  # (K, p): every row converted alike
    flat_k = _workspace.to_augmented(model, stacked)
    assert np.array_equal(flat_k, np.stack([flat, -flat, 2 * flat]))
    assert np.array_equal(_workspace.from_augmented(model, flat_k), stacked)
    # the augmented blocks start and end where the model's layers do: [(0, 16), (16, 26)]
    assert _workspace.augmented_offsets(model) == [(0, 16), (16, 26)]


def test_plans_name_their_buffers_and_bind_the_parameter_views():
    from lib import _workspace

    model = MLP((2, 3, 3, 1), "tanh", residual=True)
    flat = _workspace.to_augmented(model, model.init(np.random.default_rng(0), "he"))
    params = _workspace.augmented_views(model, flat)
    ws = _workspace.Workspace(model, 4, params, _workspace.augmented_views(model, 0 * flat))
    assert [step.A is A for step, A in zip(ws.forward_plan, params, strict=True)] == [True] * 3
    assert [step.skip is not None for step in ws.forward_plan] == [False, True, False]
    assert [step.residual for step in ws.backward_plan] == [False, True, False]
    assert ws.backward_plan[-1].d is None  # nobody needs dL/dx
    assert [step.v.shape for step in ws.backward_plan] == [(1, 4), (3, 4), (3, 4)]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_network_in_both_precisions_matches_reference_gradients(dtype):
    # one step from theta0 with lr = 1: theta0 - theta1 is the gradient
    rng = np.random.default_rng(9)
    model = MLP((1, 64, 64, 1), "sigmoid")
    theta0 = model.init(rng, "normal", bias=0.03)
    X, y = rng.normal(size=(128, 1)), rng.normal(size=(128, 1))
    res = train(model, theta0, X, y, lr=1.0, epochs=1)
    grad = model.loss_and_grad(theta0, X, y, "mse")[1]
    got = theta0.astype(dtype) - res.theta
    tol = 1e-12 if dtype == np.float64 else 2e-4
    assert np.max(np.abs(got - grad)) <= tol * np.max(np.abs(grad))
