"""Tests of lib.optim: gradient descent against its closed form on quadratics, train()
against hand-computed GD steps, and the shuffled-cyclic minibatch schedule."""

import math

import numpy as np
import pytest

from lib.mlp import MLP
from lib.optim import DivergenceError, TrainResult, gradient_descent, train

# --------------------------------------------------------------------------- gradient_descent


def test_gd_on_a_quadratic_follows_the_closed_form():
    # f(x) = a/2 ||x - c||^2: x_t = c + (1 - lr a)^t (x_0 - c)
    a, lr, c, x0 = 0.5, 0.3, np.array([1.0, -2.0, 0.5]), np.array([3.0, 1.0, -4.0])
    traj = gradient_descent(lambda x: a * (x - c), x0, lr, 200)
    assert traj.shape == (201, 3)
    t = np.arange(201)[:, None]
    np.testing.assert_allclose(traj, c + (1 - lr * a) ** t * (x0 - c), rtol=1e-12, atol=1e-14)
    assert np.linalg.norm(traj[-1] - c) < 1e-12  # the minimiser


def test_gd_rates_per_eigendirection():
    A = np.diag([1.0, 4.0])
    lr, x0 = 0.2, np.array([1.0, 1.0])
    traj = gradient_descent(lambda x: A @ x, x0, lr, 30)
    t = np.arange(31)
    np.testing.assert_allclose(traj[:, 0], 0.8 ** t, rtol=1e-12)
    np.testing.assert_allclose(traj[:, 1], 0.2 ** t, rtol=1e-12, atol=1e-300)


def test_gd_diverges_for_lr_above_two_over_a_and_raises_with_the_finite_iterates():
    a, lr, steps = 1.0, 2.5, 5000  # 1 - lr a = -1.5: |x_t| grows like 1.5^t
    grad = lambda x: a * x  # noqa: E731
    with pytest.raises(DivergenceError, match=r"lr=2\.5") as info:
        gradient_descent(grad, 1.0, lr, steps)
    err = info.value
    assert isinstance(err, ValueError)
    assert err.lr == lr
    traj = err.history
    assert traj.shape == (err.step, 1)  # x_0 .. x_{step-1}, all finite
    assert np.all(np.isfinite(traj))
    t = np.arange(len(traj))
    np.testing.assert_allclose(traj[:, 0], (-1.5) ** t, rtol=1e-10)
    with np.errstate(over="ignore", invalid="ignore"):
        nxt = traj[-1] - lr * grad(traj[-1])
    assert not np.all(np.isfinite(nxt))  # x_step was the first non-finite iterate
    # overflow of 1.5^t happens near t = log(1.8e308)/log(1.5) ~ 1750
    assert abs(err.step - math.log(np.finfo(float).max) / math.log(1.5)) < 3
    assert f"step {err.step}" in str(err)


def test_gd_at_lr_two_over_a_oscillates_without_truncation():
    traj = gradient_descent(lambda x: 2.0 * x, [3.0], 1.0, 50)
    assert traj.shape == (51, 1)
    np.testing.assert_array_equal(np.abs(traj), 3.0)


def test_gd_zero_steps_and_no_mutation():
    x0 = np.array([1.0, 2.0])
    traj = gradient_descent(lambda x: x, x0, 0.1, 0)
    np.testing.assert_array_equal(traj, [[1.0, 2.0]])
    gradient_descent(lambda x: x, x0, 0.1, 5)
    np.testing.assert_array_equal(x0, [1.0, 2.0])
    assert gradient_descent(lambda x: x, 2.0, 0.5, 3).shape == (4, 1)


# --------------------------------------------------------------------------- train: full batch


def manual_loss_and_grad(theta, X, y):
    """m(x) = W2 tanh(W1 x + b1) + b2, loss (1/N) sum_i 1/2 ||m(x_i) - y_i||^2, and its
    gradient by the chain rule written out for this one architecture (2 -> 3 -> 1)."""
    W1, b1 = theta[:6].reshape(3, 2), theta[6:9]
    W2, b2 = theta[9:12].reshape(1, 3), theta[12:13]
    n = X.shape[0]
    H = np.tanh(X @ W1.T + b1)
    r = H @ W2.T + b2 - y
    loss = 0.5 * np.sum(r ** 2) / n
    du = r / n
    dW2, db2 = du.T @ H, du.sum(axis=0)
    dV = (du @ W2) * (1.0 - H ** 2)
    dW1, db1 = dV.T @ X, dV.sum(axis=0)
    return loss, np.concatenate([dW1.ravel(), db1, dW2.ravel(), db2])


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_full_batch_train_equals_manual_gradient_descent(weight_decay):
    model = MLP((2, 3, 1), "tanh")
    rng = np.random.default_rng(20)
    theta0, X, y = rng.normal(size=13), rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    lr = 0.3
    res = train(model, theta0, X, y, loss="mse", lr=lr, epochs=3, weight_decay=weight_decay)
    assert isinstance(res, TrainResult)
    theta, losses = theta0.copy(), []
    for _ in range(3):
        value, g = manual_loss_and_grad(theta, X, y)
        losses.append(value)
        theta = theta - lr * (g + weight_decay * theta)
    losses.append(manual_loss_and_grad(theta, X, y)[0])
    np.testing.assert_allclose(res.theta, theta, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res.loss, losses, rtol=1e-12)
    assert res.steps == 3


def test_train_does_not_mutate_its_inputs():
    model = MLP((2, 3, 1), "tanh")
    rng = np.random.default_rng(21)
    theta0, X, y = rng.normal(size=13), rng.normal(size=(8, 2)), rng.normal(size=(8, 1))
    copies = theta0.copy(), X.copy(), y.copy()
    res = train(model, theta0, X, y, lr=0.1, epochs=4, batch_size=3, rng=rng)
    for original, copy in zip((theta0, X, y), copies, strict=True):
        np.testing.assert_array_equal(original, copy)
    assert not np.shares_memory(res.theta, theta0)
    assert not np.array_equal(res.theta, theta0)


def test_linear_regression_converges_to_least_squares_with_decreasing_loss():
    rng = np.random.default_rng(22)
    x = rng.uniform(-1, 1, (40, 1))
    y = 2.0 * x - 0.5 + 0.1 * rng.normal(size=(40, 1))
    model = MLP((1, 1))  # u = w x + b: a convex quadratic objective
    res = train(model, np.zeros(2), x, y, lr=0.5, epochs=400)
    coef = np.linalg.lstsq(np.hstack([x, np.ones_like(x)]), y[:, 0], rcond=None)[0]
    np.testing.assert_allclose(res.theta, coef, atol=1e-8)
    assert np.all(np.diff(res.loss) <= 1e-15)  # monotone for lr below 1/L
    assert res.loss[-1] < 0.02 * res.loss[0]


def test_minibatch_sgd_decreases_the_loss_on_an_easy_regression():
    rng = np.random.default_rng(23)
    X = rng.uniform(-2, 2, (64, 1))
    y = np.sin(X)
    model = MLP((1, 8, 1), "tanh")
    theta0 = model.init(np.random.default_rng(0), "xavier")
    res = train(model, theta0, X, y, lr=0.1, epochs=60, batch_size=8, rng=rng)
    assert res.loss.shape == (61,)
    assert res.loss[-1] < 0.2 * res.loss[0]
    assert res.loss[-1] == pytest.approx(model.loss(res.theta, X, y), rel=1e-12)


# --------------------------------------------------------------------------- train: minibatches


def probe_loss(u, y):
    """A loss whose value encodes the set of example indices in the batch (y holds each
    example's index i; sum of 2^i is exact in float64 for i < 53) and whose gradient is
    all ones, so each visit of example i lowers w_i by exactly lr."""
    return float(np.sum(2.0 ** y)), np.ones_like(u)


@pytest.mark.parametrize("n, batch", [(10, 3), (10, 5), (7, 1), (9, 4), (10, 10)])
def test_minibatch_schedule_is_shuffled_cyclic(n, batch):
    epochs, lr = 4, 0.25
    model = MLP((n, 1))  # one affine layer; X = I makes w_i see only example i
    X, y = np.eye(n), np.arange(n, dtype=float)[:, None]
    theta0 = np.zeros(n + 1)
    res = train(model, theta0, X, y, loss=probe_loss, lr=lr, epochs=epochs, batch_size=batch,
                rng=np.random.default_rng(30), record="step")
    per_epoch = math.ceil(n / batch)
    assert res.steps == epochs * per_epoch
    assert res.loss.shape == (res.steps,)
    batches = []
    for code in res.loss:
        bits = int(code)
        batches.append([i for i in range(n) if bits >> i & 1])
    orders = []
    for e in range(epochs):
        epoch = batches[e * per_epoch:(e + 1) * per_epoch]
        sizes = [len(b) for b in epoch]
        assert sizes == [batch] * (n // batch) + ([n % batch] if n % batch else [])
        visited = sorted(i for b in epoch for i in b)
        assert visited == list(range(n))  # every example exactly once per epoch
        orders.append(tuple(tuple(b) for b in epoch))
    if batch < n:
        assert len(set(orders)) > 1  # reshuffled between epochs
    # the parameters tell the same story: each w_i moved by lr once per epoch
    np.testing.assert_allclose(res.theta[:n], -lr * epochs, rtol=1e-15)
    assert res.theta[n] == pytest.approx(-lr * epochs * n, rel=1e-15)


def test_minibatch_training_is_reproducible_under_a_seed():
    model = MLP((2, 4, 1), "tanh")
    rng = np.random.default_rng(31)
    theta0, X, y = rng.normal(size=model.num_params), rng.normal(size=(20, 2)), rng.normal(
        size=(20, 1))
    a = train(model, theta0, X, y, lr=0.05, epochs=3, batch_size=6, rng=np.random.default_rng(5))
    b = train(model, theta0, X, y, lr=0.05, epochs=3, batch_size=6, rng=np.random.default_rng(5))
    c = train(model, theta0, X, y, lr=0.05, epochs=3, batch_size=6, rng=np.random.default_rng(6))
    np.testing.assert_array_equal(a.theta, b.theta)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.theta, c.theta)


def test_minibatch_step_equals_manual_step_on_the_batch():
    # one epoch with B = N/2: two updates, each a GD step on its own half of the data
    model = MLP((2, 3, 1), "tanh")
    rng = np.random.default_rng(32)
    theta0, X, y = rng.normal(size=13), rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    res = train(model, theta0, X, y, lr=0.2, epochs=1, batch_size=3,
                rng=np.random.default_rng(7), record="step")
    # the batches drawn by the same seed, read off with the probe loss on a twin model
    probe = train(MLP((6, 1)), np.zeros(7), np.eye(6), np.arange(6.0)[:, None],
                  loss=probe_loss, lr=0.2, epochs=1, batch_size=3,
                  rng=np.random.default_rng(7), record="step")
    halves = [[i for i in range(6) if int(code) >> i & 1] for code in probe.loss]
    assert sorted(halves[0] + halves[1]) == list(range(6))
    theta = theta0.copy()
    values = []
    for idx in halves:
        value, g = manual_loss_and_grad(theta, X[idx], y[idx])
        values.append(value)
        theta = theta - 0.2 * g
    np.testing.assert_allclose(res.theta, theta, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(res.loss, values, rtol=1e-12)


def test_record_options():
    model = MLP((1, 1))
    X, y = np.linspace(-1, 1, 5)[:, None], np.zeros((5, 1))
    res = train(model, np.ones(2), X, y, lr=0.1, epochs=3, record=None)
    assert res.loss.size == 0 and res.steps == 3
    res = train(model, np.ones(2), X, y, lr=0.1, epochs=3, batch_size=2,
                rng=np.random.default_rng(0), record="step")
    assert res.loss.shape == (9,) and res.steps == 9
