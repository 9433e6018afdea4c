"""Tests of lib.perceptron: the perceptron rule, its convergence on separable data with
Novikoff's mistake bound, and its failure to converge on overlapping classes."""

import itertools

import numpy as np
import pytest

from lib.data import overlapping_blobs, separable_blobs
from lib.perceptron import perceptron, perceptron_predict


def novikoff_bound(X, y, w, b):
    """(R / gamma)^2 for the perceptron on augmented inputs (x, 1) with labels s = 2y - 1,
    started at 0: R = max ||(x, 1)||, gamma = min_i s_i (w.x_i + b) / ||(w, b)|| for the
    true separator (w, b)."""
    Xa = np.hstack([X, np.ones((len(X), 1))])
    u = np.append(w, b)
    s = 2.0 * y - 1.0
    gamma = np.min(s * (Xa @ u)) / np.linalg.norm(u)
    R = np.max(np.linalg.norm(Xa, axis=1))
    assert gamma > 0
    return (R / gamma) ** 2


@pytest.mark.parametrize("w, b, margin, seed", [((1.0, 1.0), 0.0, 0.5, 0),
                                                ((2.0, -1.0), 0.8, 0.3, 1),
                                                ((0.5, 1.5), -1.0, 0.7, 2)])
@pytest.mark.parametrize("shuffle", [False, True])
def test_perceptron_converges_within_novikoffs_bound(w, b, margin, seed, shuffle):
    X, y = separable_blobs(200, np.random.default_rng(seed), margin=margin, w=w, b=b)
    rng = np.random.default_rng(seed + 10) if shuffle else None
    res = perceptron(X, y, max_epochs=1000, rng=rng)
    assert res.converged
    assert res.mistakes[-1] == 0 and np.all(res.mistakes[:-1] > 0)
    assert res.epochs == len(res.mistakes)
    # zero training mistakes, checked without lib: the rule predicts 1 iff w.x + b >= 0
    assert np.array_equal((X @ res.w + res.b >= 0).astype(float), y)
    np.testing.assert_array_equal(perceptron_predict(X, res.w, res.b), y)
    total = int(res.mistakes.sum())
    assert total <= novikoff_bound(X, y, np.asarray(w), b)
    assert res.path.shape == (total + 1, 3)  # one row per update plus the start
    np.testing.assert_array_equal(res.path[0], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(res.path[-1], np.append(res.w, res.b))


def test_perceptron_update_rule_by_hand():
    X = np.array([[1.0, 2.0], [-1.0, 0.5]])
    y = np.array([0.0, 1.0])
    res = perceptron(X, y, lr=0.5, max_epochs=10)
    # epoch 1: x1 predicted 1 (0 >= 0) but y = 0 -> w = -0.5 x1, b = -0.5
    #          x2: w.x2 + b = 0.5 - 0.5 - 0.5 = -0.5 < 0, predicted 0, y = 1 -> w += 0.5 x2
    # epoch 2: x1: w = (-1, -0.75), b = 0: -1 - 1.5 < 0 ok; x2: 1 - 0.375 >= 0 ok
    np.testing.assert_allclose(res.path, [[0, 0, 0], [-0.5, -1.0, -0.5], [-1.0, -0.75, 0.0]])
    np.testing.assert_array_equal(res.mistakes, [2, 0])
    assert res.converged and res.epochs == 2
    np.testing.assert_allclose(res.w, [-1.0, -0.75])
    assert res.b == 0.0


def test_perceptron_needs_a_clean_epoch_to_converge():
    # one mistake in epoch 1 fixes everything, but convergence is only known after a
    # full epoch without mistakes
    res = perceptron(np.array([[1.0, 0.0]]), np.array([0.0]))
    np.testing.assert_array_equal(res.mistakes, [1, 0])
    assert res.converged and res.epochs == 2
    np.testing.assert_array_equal(res.path, [[0.0, 0.0, 0.0], [-1.0, 0.0, -1.0]])
    res = perceptron(np.array([[1.0, 0.0]]), np.array([0.0]), max_epochs=1)
    assert not res.converged and res.epochs == 1


def test_perceptron_start_values_and_no_mutation():
    X, y = separable_blobs(50, np.random.default_rng(3))
    X0, y0 = X.copy(), y.copy()
    w0 = np.array([0.3, -0.2])
    res = perceptron(X, y, w0=w0, b0=0.1, max_epochs=500)
    np.testing.assert_array_equal(res.path[0], [0.3, -0.2, 0.1])
    np.testing.assert_array_equal(w0, [0.3, -0.2])
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)
    assert res.converged


def hull_overlap_certificate(X, y):
    """A class-1 point inside a triangle of class-0 points (or vice versa): then the convex
    hulls meet and no line separates the classes. Searches triangles among each point's 8
    nearest neighbours of the other class."""
    for a, b in ((1, 0), (0, 1)):
        P, Q = X[y == a], X[y == b]
        for p in P:
            near = Q[np.argsort(np.linalg.norm(Q - p, axis=1))[:8]]
            for i, j, k in itertools.combinations(range(len(near)), 3):
                A, B, C = near[i], near[j], near[k]
                T = np.column_stack([B - A, C - A])
                if abs(np.linalg.det(T)) < 1e-12:
                    continue
                lam = np.linalg.solve(T, p - A)
                if lam.min() > 0 and lam.sum() < 1:
                    return p, (A, B, C)
    return None


def test_perceptron_does_not_converge_on_overlapping_blobs():
    X, y = overlapping_blobs(200, np.random.default_rng(4), distance=1.5)
    assert hull_overlap_certificate(X, y) is not None  # provably not linearly separable
    res = perceptron(X, y, max_epochs=50, rng=np.random.default_rng(5))
    assert not res.converged
    assert res.epochs == 50
    assert np.all(res.mistakes > 0)
    assert np.any((X @ res.w + res.b >= 0).astype(float) != y)


def test_perceptron_predict():
    X = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])
    np.testing.assert_array_equal(perceptron_predict(X, [1.0, -1.0], 0.0), [1.0, 0.0, 1.0])
    np.testing.assert_array_equal(perceptron_predict(X, [0.0, 0.0], 0.0), [1.0, 1.0, 1.0])
    np.testing.assert_array_equal(perceptron_predict(X, [0.0, 0.0], -1e-9), [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="w"):
        perceptron_predict(X, [1.0, 2.0, 3.0], 0.0)
