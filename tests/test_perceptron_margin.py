"""lib.perceptron_margin: the maximum-margin direction in augmented space, checked by its KKT
conditions and by a brute-force search over unit directions (both plain numpy)."""

import numpy as np
import pytest

from lib import perceptron_margin


def _separable(rng, n=40, d=2, gap=0.3):
    X = rng.normal(size=(n, d))
    w, b = rng.normal(size=d), rng.normal()
    score = (X @ w + b) / np.linalg.norm(w)
    keep = np.abs(score) > gap
    return X[keep], (score[keep] > 0).astype(float)


def _z(X, y):
    return (2 * y - 1)[:, None] * np.hstack([X, np.ones((len(X), 1))])


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("d", [1, 2, 3])
def test_kkt_conditions_hold(seed, d):
    X, y = _separable(np.random.default_rng([seed, d]), d=d)
    res = perceptron_margin.max_margin_augmented(X, y)
    Z, wt = _z(X, y), np.append(res.w, res.b)
    assert np.all(res.alpha >= 0)
    assert np.max(np.abs(Z.T @ res.alpha - wt)) < 1e-9 * np.linalg.norm(wt)
    assert np.min(Z @ wt) > 1 - 1e-9
    assert np.max(np.abs(Z[res.alpha > 0] @ wt - 1)) < 1e-9
    assert np.isclose(res.gamma, 1 / np.linalg.norm(wt), rtol=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_no_unit_direction_has_a_larger_margin(seed):
    X, y = _separable(np.random.default_rng([seed, 9]), n=30)
    res = perceptron_margin.max_margin_augmented(X, y)
    Z = _z(X, y)
    # a fine grid of unit vectors of R^3 (Fibonacci sphere)
    k = np.arange(200_000) + 0.5
    phi, cos_t = np.pi * (1 + 5 ** 0.5) * k, 1 - 2 * k / len(k)
    sin_t = np.sqrt(1 - cos_t ** 2)
    U = np.stack([sin_t * np.cos(phi), sin_t * np.sin(phi), cos_t], axis=1)
    margins = (U @ Z.T).min(axis=1)
    R = np.max(np.linalg.norm(Z, axis=1))
    spacing = np.sqrt(4 * np.pi / len(k)) * 2  # generous bound on the distance to a grid point
    assert margins.max() <= res.gamma + 1e-12
    assert margins.max() >= res.gamma - R * spacing


def test_a_single_example_and_a_known_answer():
    # x~ = (3, 1), t = 1: w~ = x~ / |x~|^2 and gamma = |x~| = sqrt(10)
    res = perceptron_margin.max_margin_augmented(np.array([[3.0]]), np.array([1.0]))
    assert np.allclose(np.append(res.w, res.b), np.array([3.0, 1.0]) / 10, rtol=1e-14)
    assert np.isclose(res.gamma, np.sqrt(10), rtol=1e-14)
    # x = +1 (label 1) and x = -1 (label 0): z = (1, 1) and (1, -1), whose hull's nearest
    # point to 0 is (1, 0), so w~ = (1, 0) and gamma = 1
    res = perceptron_margin.max_margin_augmented(np.array([[1.0], [-1.0]]), np.array([1.0, 0.0]))
    assert abs(res.b) < 1e-15 and np.isclose(res.w[0], 1.0) and np.isclose(res.gamma, 1.0)


def test_true_line_of_banded_data_is_optimal_when_its_foot_is_inside():
    # points on the two lines x2 = +-1 (labels by sign), spread symmetrically: u = (0, 1, 0)
    xs = np.linspace(-2, 2, 9)
    X = np.vstack([np.stack([xs, np.ones(9)], 1), np.stack([xs, -np.ones(9)], 1)])
    y = np.r_[np.ones(9), np.zeros(9)]
    res = perceptron_margin.max_margin_augmented(X, y)
    u = np.append(res.w, res.b) / np.linalg.norm(np.append(res.w, res.b))
    assert np.allclose(u, [0.0, 1.0, 0.0], atol=1e-12) and np.isclose(res.gamma, 1.0)


@pytest.mark.parametrize("X, y", [
    (np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]]), np.array([0.0, 0.0, 1, 1])),
    (np.array([[0.0], [1.0], [2.0]]), np.array([1.0, 0.0, 1.0])),
    (np.array([[1.0], [1.0]]), np.array([1.0, 0.0])),
])
def test_non_separable_data_raise(X, y):
    with pytest.raises(ValueError, match="separable"):
        perceptron_margin.max_margin_augmented(X, y)


@pytest.mark.parametrize("kwargs, exc, name", [
    (dict(X="a", y=[1.0]), TypeError, "X"),
    (dict(X=[[np.nan]], y=[1.0]), ValueError, "X"),
    (dict(X=[[1.0], [2.0]], y=[1.0]), ValueError, "y"),
    (dict(X=[[1.0]], y=[2.0]), ValueError, "y"),
    (dict(X=[[1.0]], y=[1.0], max_iter=0), ValueError, "max_iter"),
    (dict(X=[[1.0]], y=[1.0], max_iter=1.5), TypeError, "max_iter"),
])
def test_bad_arguments_name_themselves(kwargs, exc, name):
    with pytest.raises(exc, match=name):
        perceptron_margin.max_margin_augmented(**kwargs)


def test_max_iter_too_small_raises():
    X, y = _separable(np.random.default_rng(3))
    with pytest.raises(ValueError, match="max_iter"):
        perceptron_margin.max_margin_augmented(X, y, max_iter=1)
