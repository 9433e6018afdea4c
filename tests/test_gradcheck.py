"""Tests of lib.gradcheck: the finite-difference oracle on functions with known gradients,
and the checker, which must pass correct gradients and fail (naming the parameter block and
entry) on wrong ones."""

import numpy as np
import pytest

from lib.gradcheck import (
    GradCheckReport,
    GradientCheckError,
    check_gradient,
    check_model_gradient,
    numerical_gradient,
    relative_error,
)
from lib.mlp import MLP


def test_numerical_gradient_is_exact_on_a_quadratic():
    rng = np.random.default_rng(40)
    B = rng.normal(size=(6, 6))
    A = B @ B.T + np.eye(6)
    c = rng.normal(size=6)
    x = rng.normal(size=6)
    f = lambda t: 0.5 * t @ A @ t + c @ t  # noqa: E731
    # centred differences have no truncation error on a quadratic: only rounding remains
    np.testing.assert_allclose(numerical_gradient(f, x), A @ x + c, rtol=1e-8, atol=1e-9)
    np.testing.assert_allclose(numerical_gradient(f, x, eps=1e-3), A @ x + c, rtol=1e-10,
                               atol=1e-10)


def test_numerical_gradient_error_on_a_cubic_is_eps_squared():
    # ((x+e)^3 - (x-e)^3) / (2e) = 3x^2 + e^2 exactly
    x = np.array([-1.5, 0.0, 0.5, 2.0])
    eps = 1e-2
    g = numerical_gradient(lambda t: np.sum(t ** 3), x, eps=eps)
    np.testing.assert_allclose(g, 3 * x ** 2 + eps ** 2, rtol=1e-10, atol=1e-12)


def test_numerical_gradient_keeps_shape_and_does_not_mutate():
    x = np.arange(6.0).reshape(2, 3)
    x0 = x.copy()
    g = numerical_gradient(lambda t: np.sum(np.sin(t)), x)
    assert g.shape == (2, 3)
    np.testing.assert_allclose(g, np.cos(x), rtol=1e-8, atol=1e-10)
    np.testing.assert_array_equal(x, x0)


def test_relative_error_values():
    assert relative_error([1.0, 0.0], [0.0, 1.0]) == pytest.approx(np.sqrt(2) / 2)
    assert relative_error([3.0, 4.0], [3.0, 4.0]) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error([1.0], [-1.0]) == pytest.approx(1.0)
    assert relative_error([2.0], [1.0]) == pytest.approx(1 / 3)
    with pytest.raises(ValueError, match="shape"):
        relative_error([1.0, 2.0], [1.0])


def test_check_gradient_passes_on_a_correct_derivative():
    x = np.array([0.3, -1.2, 2.0, 0.7])
    report = check_gradient(lambda t: np.sum(t ** 3), lambda t: 3 * t ** 2, x)
    assert isinstance(report, GradCheckReport)
    assert report.max_relative_error < 1e-8
    assert report.worst_block == "theta"
    assert set(report.errors) == {"theta"}


def test_check_gradient_fails_on_a_wrong_derivative_and_names_the_entry():
    x = np.array([0.3, -1.2, 2.0, 0.7])
    with pytest.raises(GradientCheckError, match=r"theta\[2\]") as info:
        check_gradient(lambda t: np.sum(t ** 3), lambda t: 2 * t ** 2, x)  # wrong: 2x^2
    assert "relative error" in str(info.value)
    assert isinstance(info.value, AssertionError)  # fails a test even outside pytest.raises
    g = 3 * x ** 2
    g[1] += 1e-3  # one entry slightly wrong
    with pytest.raises(GradientCheckError, match=r"theta\[1\]"):
        check_gradient(lambda t: np.sum(t ** 3), g, x)
    # ... which a loose tolerance accepts
    assert check_gradient(lambda t: np.sum(t ** 3), g, x, tol=1e-3).max_relative_error < 1e-3


def test_check_gradient_rejects_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match="grad"):
        check_gradient(lambda t: np.sum(t ** 2), np.zeros(3), np.ones(4))


@pytest.fixture
def mlp_problem():
    model = MLP((2, 3, 2), "tanh")
    rng = np.random.default_rng(41)
    theta = rng.normal(size=model.num_params)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 2))
    return model, theta, X, y


def test_check_model_gradient_passes_on_the_backpropagated_gradient(mlp_problem):
    model, theta, X, y = mlp_problem
    report = check_model_gradient(model, theta, X, y)
    assert report.max_relative_error < 1e-7
    assert set(report.errors) == {"W_1", "b_1", "W_2", "b_2"}
    report = check_model_gradient(model, theta, X, np.array([0, 1, 1, 0, 1]),
                                  loss="cross_entropy")
    assert report.max_relative_error < 1e-7


@pytest.mark.parametrize(
    "index, block, entry",
    [(4, "W_1", r"W_1\[2, 0\]"), (7, "b_1", r"b_1\[1\]"), (10, "W_2", r"W_2\[0, 1\]"),
     (16, "b_2", r"b_2\[1\]")],
)
def test_checker_names_the_block_and_entry_of_a_perturbed_mlp_gradient(
    mlp_problem, index, block, entry
):
    model, theta, X, y = mlp_problem
    _, g = model.loss_and_grad(theta, X, y)
    bad = g.copy()
    bad[index] += 0.05
    with pytest.raises(GradientCheckError, match=block) as info:
        check_gradient(lambda t: model.loss(t, X, y), bad, theta, names=model.param_names())
    assert f"failed for {block}:" in str(info.value)
    assert info.match(entry)
    # the unperturbed gradient passes the same check
    check_gradient(lambda t: model.loss(t, X, y), g, theta, names=model.param_names())


def test_explicit_blocks(mlp_problem):
    model, theta, X, y = mlp_problem
    _, g = model.loss_and_grad(theta, X, y)
    bad = g.copy()
    bad[0] += 0.05
    blocks = [("first layer", slice(0, 9)), ("second layer", slice(9, 17))]
    with pytest.raises(GradientCheckError, match="first layer"):
        check_gradient(lambda t: model.loss(t, X, y), bad, theta, names=model.param_names(),
                       blocks=blocks)
