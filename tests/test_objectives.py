"""Tests for lib.objectives (chapter 4): test functions, the first-order model, step sizes."""

import numpy as np
import pytest

import lib
from lib import objectives


def _fd_grad(f, x, h=1e-6):
    return np.array([(f(x + h * e) - f(x - h * e)) / (2 * h) for e in np.eye(x.size)])


def _rotated_quadratic():
    c, s = np.cos(0.5), np.sin(0.5)
    Q = np.array([[c, -s], [s, c]])
    return Q @ np.diag([1.0, 10.0]) @ Q.T


def test_wavy_parabola_gradient_hessian_and_minima():
    w = objectives.wavy_parabola()
    for x in np.linspace(-7, 8, 13):
        xv = np.array([x])
        assert np.isclose(w.grad(xv)[0], _fd_grad(w.f, xv)[0], atol=1e-8)
        assert np.isclose(w.hess(xv)[0, 0], _fd_grad(lambda z: w.grad(z)[0], xv)[0], atol=1e-7)
    # minima are stationary with positive curvature; the global one is lower
    assert np.allclose(w.grad(w.minima), 0, atol=1e-12)
    assert np.all(w.hess(w.minima)[:, 0, 0] > 0)
    assert w.f(w.minima[0]) < w.f(w.minima[1])
    grid = np.linspace(-20, 20, 400_001)[:, None]
    assert abs(grid[np.argmin(w.f(grid)), 0] - w.minima[0, 0]) < 1e-4
    # L = sup |f''| = 1.2
    assert np.isclose(np.max(np.abs(w.hess(grid))), w.smoothness, atol=1e-6)


def test_quadratic_objective_against_direct_formulas():
    A = _rotated_quadratic()
    b = np.array([1.0, -2.0])
    q = objectives.quadratic(A, b)
    x = np.array([0.3, -1.7])
    assert np.isclose(q.f(x), 0.5 * x @ A @ x - b @ x)
    assert np.allclose(q.grad(x), _fd_grad(q.f, x), atol=1e-6)
    assert np.allclose(q.minima[0], np.linalg.solve(A, b))
    assert np.isclose(q.smoothness, 10.0)
    grid = np.random.default_rng(0).normal(size=(4, 5, 2))
    assert q.f(grid).shape == (4, 5) and q.grad(grid).shape == (4, 5, 2)
    assert np.isclose(q.f(grid)[1, 2], q.f(grid[1, 2]))


def test_first_order_model_minimiser_is_gradient_step():
    q = objectives.quadratic(_rotated_quadratic())
    theta0, gamma = np.array([-2.5, 1.5]), 0.07
    m = objectives.first_order_model(q.f, q.grad, theta0, gamma)
    star = -gamma * q.grad(theta0)
    # the model is a quadratic: its value at star is below any perturbation of it
    pert = np.random.default_rng(1).normal(size=(500, 2)) * 0.1
    assert np.all(m(star + pert) > m(star))
    # at eps = 0 the model equals f and has f's gradient
    assert np.isclose(m(np.zeros(2)), q.f(theta0))
    assert np.allclose(_fd_grad(m, np.zeros(2)), q.grad(theta0), atol=1e-6)
    with pytest.raises(ValueError, match="gamma"):
        objectives.first_order_model(q.f, q.grad, theta0, 0.0)


def test_descent_lemma_holds_for_steps_below_two_over_L():
    w = objectives.wavy_parabola()
    rng = np.random.default_rng(2)
    x = rng.uniform(-8, 9, size=(3000, 1))
    g = rng.uniform(1e-3, 2 / w.smoothness, size=(3000, 1))
    after = w.f(x - g * w.grad(x))
    bound = objectives.descent_bound(w.f(x), np.abs(w.grad(x))[:, 0], 1.0, w.smoothness)
    assert bound.shape == (3000,)
    for k in range(3000):
        b = objectives.descent_bound(w.f(x[k]), abs(w.grad(x[k])[0]), g[k, 0], w.smoothness)
        assert after[k] <= b + 1e-12
    # gradient descent with gamma < 2/L decreases f monotonically
    run = lib.gradient_descent(w.grad, 6.0, 1.5, 100)
    assert np.all(np.diff(w.f(run)) <= 1e-15)


def test_three_examples_local_global_divergence():
    w = objectives.wavy_parabola()
    local = lib.gradient_descent(w.grad, 6.0, 0.5, 30)[-1]
    glob = lib.gradient_descent(w.grad, -6.0, 0.5, 30)[-1]
    assert np.allclose(local, w.minima[1], atol=1e-6)
    assert np.allclose(glob, w.minima[0], atol=1e-6)
    div = lib.gradient_descent(w.grad, 2.0, 11.0, 40)
    assert abs(div[-1, 0]) > 1e3  # |1 - gamma/5| > 1: the iterates grow


def test_quadratic_step_condition_is_sharp():
    A = _rotated_quadratic()
    crit = objectives.critical_step(A)
    assert np.isclose(crit, 0.2)
    start = np.array([-2.5, 1.5])
    for factor in (0.5, 0.9, 0.99):
        traj = objectives.quadratic_iterates(A, np.zeros(2), start, factor * crit, 3000)
        assert np.linalg.norm(traj[-1]) < 1e-6
    for factor in (1.01, 1.1):
        traj = lib.gradient_descent(objectives.quadratic(A).grad, start, factor * crit, 500)
        assert np.linalg.norm(traj[-1]) > 1e3 * np.linalg.norm(start)


def test_quadratic_iterates_match_iteration():
    A = _rotated_quadratic()
    b = np.array([0.5, 1.0])
    q = objectives.quadratic(A, b)
    for g in (0.03, 0.15, 0.19):
        it = lib.gradient_descent(q.grad, [1.0, -2.0], g, 50)
        cf = objectives.quadratic_iterates(A, b, [1.0, -2.0], g, 50)
        assert np.allclose(it, cf, rtol=1e-10, atol=1e-12)


def test_optimal_step_contraction():
    A = _rotated_quadratic()
    traj = objectives.quadratic_iterates(A, np.zeros(2), [-2.5, 1.5], 2 / 11, 40)
    err = np.linalg.norm(traj, axis=1)
    assert np.allclose(err[1:] / err[:-1], 9 / 11)


def test_validation():
    with pytest.raises(ValueError, match="positive definite"):
        objectives.quadratic(np.diag([1.0, -1.0]))
    with pytest.raises(ValueError, match="symmetric"):
        objectives.quadratic(np.array([[1.0, 2.0], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="b must"):
        objectives.quadratic(np.eye(2), [1.0, 2.0, 3.0])
    w = objectives.wavy_parabola()
    with pytest.raises(ValueError, match="x must"):
        w.value(np.zeros((3, 2)))
    assert np.isclose(w.value(0.0), 0.0)
    with pytest.raises(ValueError, match="steps"):
        objectives.quadratic_iterates(np.eye(2), np.zeros(2), np.ones(2), 0.1, -1)
    with pytest.raises(ValueError, match="smoothness"):
        objectives.descent_bound(1.0, 1.0, 0.1, 0.0)
