"""Divergence is one documented exception, lib.optim.DivergenceError (a ValueError), carrying
the step size, the step at which the run blew up and the history up to it; no floating-point
warning escapes from lib's internals first (pytest turns RuntimeWarnings into errors, and
every test here also turns every warning into an error).

Oracles: the iterates and losses of gradient descent on a one-parameter least-squares problem
computed in plain numpy in the test."""

import warnings

import numpy as np
import pytest

import lib
from lib import overparam, stacked, stochastic
from lib.mlp import MLP
from lib.optim import DIVERGENCE_FACTOR, DivergenceError, gradient_descent, train

pytestmark = pytest.mark.filterwarnings("error")


def linear_problem():
    """x in {1, 2, 3} with targets 0: the half-MSE of w x + b has Hessian [[14/3, 2], [2, 1]]
    (largest eigenvalue about 5.6), so gradient descent diverges for lr above about 0.36."""
    X = np.array([[1.0], [2.0], [3.0]])
    y = np.zeros((3, 1))
    return X, y


def test_divergence_error_is_a_value_error_exported_from_lib():
    assert issubclass(DivergenceError, ValueError)
    assert lib.DivergenceError is DivergenceError
    assert lib.optim.DivergenceError is DivergenceError


def test_gradient_descent_raises_with_the_finite_iterates():
    lr = 3.0  # x <- (1 - 3) x = -2 x overflows after about 1024 steps
    with pytest.raises(DivergenceError, match=r"diverged at step 1024 with lr=3") as info:
        gradient_descent(lambda x: x, 1.0, lr, 2000)
    err = info.value
    assert (err.lr, err.step) == (lr, 1024)
    np.testing.assert_array_equal(err.history[:, 0], (-2.0) ** np.arange(1024))
    assert err.value is None


def test_gradient_descent_lr_100_on_a_quadratic_raises_instead_of_returning_fewer_rows():
    with pytest.raises(DivergenceError, match="lr=100") as info:
        gradient_descent(lambda x: 2.0 * x, [1.0, -1.0], 100.0, 2000)
    assert info.value.history.shape == (info.value.step, 2)
    assert 1 < info.value.step < 2001


@pytest.mark.parametrize("record", ["epoch", "step"])
def test_train_full_batch_raises_with_the_loss_history(record):
    X, y = linear_problem()
    model = MLP((1, 1), "identity")
    theta0 = np.array([1.0, 0.0])  # w = 1, b = 0
    lr = 0.6  # above the critical step of the (w, b) problem
    with pytest.raises(DivergenceError, match=r"^training diverged at step \d+ with lr=0\.6") \
            as info:
        train(model, theta0, X, y, lr=lr, epochs=5000, record=record)
    err = info.value
    assert err.lr == lr
    # oracle: gradient descent on (w, b) for the half-MSE, in plain numpy
    w, b, losses = 1.0, 0.0, []
    x = X[:, 0]
    for _ in range(err.step + 1):
        r = w * x + b
        losses.append(0.5 * np.mean(r * r))
        w, b = w - lr * np.mean(r * x), b - lr * np.mean(r)
    losses = np.array(losses)
    assert losses[-1] > DIVERGENCE_FACTOR * losses[0]  # the offending loss is above the limit
    assert np.all(losses[:-1] <= DIVERGENCE_FACTOR * losses[0])  # and the first one
    np.testing.assert_allclose(err.history, losses, rtol=1e-9)  # finite: it is included
    assert err.value == pytest.approx(losses[-1], rel=1e-9)


def test_train_minibatch_history_is_the_epoch_losses_so_far():
    X, y = linear_problem()
    model = MLP((1, 1), "identity")
    with pytest.raises(DivergenceError, match="lr=2") as info:
        train(model, np.array([1.0, 0.0]), X, y, lr=2.0, epochs=1000, batch_size=1,
              rng=np.random.default_rng(0))
    err = info.value
    assert err.step >= 1
    assert err.history.ndim == 1 and err.history.size >= 1
    assert err.history[0] == pytest.approx(0.5 * np.mean(X[:, 0] ** 2), rel=1e-12)
    assert np.all(np.isfinite(err.history))


def test_train_sigmoid_network_lr_1_raises_instead_of_returning_a_huge_loss():
    rng = np.random.default_rng(4)
    model = MLP((1, 30, 30, 1), "sigmoid")
    theta0 = lib.initialize(model, "normal", np.random.default_rng(5))
    X = rng.uniform(-3, 3, (40, 1))
    y = 1e3 * rng.standard_normal((40, 1))
    with pytest.raises(DivergenceError, match="lr=10") as info:
        train(model, theta0, X, y, lr=10.0, epochs=500)
    err = info.value
    assert err.history.size >= 1 and np.all(np.isfinite(err.history))
    assert not err.value <= DIVERGENCE_FACTOR * max(err.history[0], 1.0)


def test_train_record_none_still_raises_with_an_empty_history():
    X, y = linear_problem()
    with pytest.raises(DivergenceError) as info:
        train(MLP((1, 1), "identity"), np.array([1.0, 0.0]), X, y, lr=0.6, epochs=5000,
              record=None)
    assert info.value.history.size == 0


def test_train_converging_run_is_unchanged_by_the_check():
    X, y = linear_problem()
    res = train(MLP((1, 1), "identity"), np.array([1.0, 0.0]), X, y, lr=0.1, epochs=50)
    assert res.loss[-1] < res.loss[0]


def test_min_norm_least_squares_gd_raises_above_two_over_the_norm_squared():
    A = np.array([[1.0, 0.0], [0.0, 2.0]])  # ||A||^2 = 4: diverges for lr > 1/2
    b = np.array([1.0, 1.0])
    with pytest.raises(DivergenceError, match="lr=0.7") as info:
        overparam.min_norm_least_squares_gd(A, b, lr=0.7, steps=10_000)
    err = info.value
    # oracle: plain numpy iteration of the same update
    x, losses = np.zeros(2), []
    for _ in range(err.step + 1):
        r = A @ x - b
        losses.append(0.5 * r @ r)
        x = x - 0.7 * (A.T @ r)
    np.testing.assert_allclose(err.history, losses, rtol=1e-9)
    assert err.history[0] == 1.0


def test_train_many_raises_naming_the_diverging_members():
    X, y = linear_problem()
    model = MLP((1, 1), "identity")
    thetas = np.array([[1.0, 0.0], [0.5, 0.0]])
    with pytest.raises(DivergenceError, match=r"member\(s\) \[0, 1\].*lr=0\.6") as info:
        stacked.train_many(model, thetas, X, y, lr=0.6, epochs=5000)
    assert info.value.history.shape[0] == 2
    assert np.all(np.isfinite(info.value.history))


def test_train_many_minibatch_raises():
    X, y = linear_problem()
    with pytest.raises(DivergenceError, match="lr=2"):
        stacked.train_many(MLP((1, 1), "identity"), np.array([[1.0, 0.0]]), X, y, lr=2.0,
                            epochs=1000, batch_size=1, rng=np.random.default_rng(0))


def test_linear_sgd_path_raises_with_the_finite_path():
    X, y = linear_problem()
    with pytest.raises(DivergenceError, match="lr=2") as info:
        stochastic.linear_sgd_path(X, y[:, 0], np.array([1.0, 0.0]), lr=2.0, epochs=2000,
                                   batch_size=1, rng=np.random.default_rng(0))
    err = info.value
    assert err.history.shape == (err.step, 2) and np.all(np.isfinite(err.history))


def test_no_runtime_warning_escapes_from_an_overflowing_run():
    X, y = linear_problem()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for lr in (1e3, 1e150):
            with pytest.raises(DivergenceError):
                train(MLP((1, 4, 1), "sigmoid"), np.full(13, 0.5), X, y, lr=lr, epochs=50)
            with pytest.raises(DivergenceError):
                gradient_descent(lambda x: x ** 3, 10.0, lr, 100)


def test_gd_explorer_state_shows_a_diverging_run_as_its_finite_iterates():
    from lib import objectives
    from lib.widgets import training

    quad = objectives.quadratic(np.diag([1.0, 10.0]))
    path, outcome = training._gd_state(quad, 1e3, (6.0, 2.5), 300)  # |1 - 1e4| ^ t overflows
    assert outcome == "diverged"
    assert 1 < len(path) < 301 and np.all(np.isfinite(path))
    # plain numpy oracle: the iterates x_t = (I - gamma A)^t x_0 on the diagonal quadratic
    t = np.arange(len(path))[:, None]
    np.testing.assert_allclose(path, np.array([6.0, 2.5]) * (1 - 1e3 * np.array([1.0, 10.0])) ** t,
                               rtol=1e-9)
