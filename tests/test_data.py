"""Tests of lib.data: reproducibility under a seed, shapes, label sets, the separable set's
margin, and the statistics of the Gaussian generators."""

import numpy as np
import pytest

from lib import data

GENERATORS = {
    "separable_blobs": lambda n, rng: data.separable_blobs(n, rng),
    "overlapping_blobs": lambda n, rng: data.overlapping_blobs(n, rng),
    "gaussian_classes": lambda n, rng: data.gaussian_classes(
        n, rng, [0.0, 0.0, 1.0], [1.0, -1.0, 0.0], np.diag([1.0, 2.0, 0.5])),
    "ryu_regression": lambda n, rng: data.ryu_regression(n, rng, noise=0.1),
    "regression_1d": lambda n, rng: data.regression_1d(n, rng, np.sin, noise=0.1),
}


@pytest.mark.parametrize("name", GENERATORS)
def test_reproducible_under_a_seed(name):
    gen = GENERATORS[name]
    X1, y1 = gen(50, np.random.default_rng(0))
    X2, y2 = gen(50, np.random.default_rng(0))
    X3, _ = gen(50, np.random.default_rng(1))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


@pytest.mark.parametrize(
    "name, x_shape, y_shape, labels",
    [("separable_blobs", (37, 2), (37,), {0.0, 1.0}),
     ("overlapping_blobs", (37, 2), (37,), {0.0, 1.0}),
     ("gaussian_classes", (37, 3), (37,), {0.0, 1.0}),
     ("ryu_regression", (37, 1), (37, 1), None),
     ("regression_1d", (37, 1), (37, 1), None)],
)
def test_shapes_and_label_sets(name, x_shape, y_shape, labels):
    X, y = GENERATORS[name](37, np.random.default_rng(2))
    assert X.shape == x_shape and y.shape == y_shape
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert np.all(np.isfinite(X)) and np.all(np.isfinite(y))
    if labels is not None:
        assert set(np.unique(y)) == labels  # both classes present


@pytest.mark.parametrize(
    "margin, w, b", [(0.5, (1.0, 1.0), 0.0), (1.0, (2.0, -1.0), 0.7), (0.1, (0.0, 3.0), -1.0)]
)
def test_separable_blobs_have_the_requested_margin(margin, w, b):
    X, y = data.separable_blobs(500, np.random.default_rng(3), margin=margin, w=w, b=b)
    w = np.asarray(w)
    signed = (X @ w + b) / np.linalg.norm(w)  # signed distance to the line w.x + b = 0
    assert np.min(np.abs(signed)) >= margin * (1 - 1e-12)
    np.testing.assert_array_equal(y, (signed >= 0).astype(float))  # labels = side of the line
    assert 0.2 < y.mean() < 0.8
    # some points were pushed onto the margin, so it is tight, not just a lower bound
    assert np.min(np.abs(signed)) == pytest.approx(margin, rel=1e-12)


def test_overlapping_blobs_classes_and_means():
    X, y = data.overlapping_blobs(20000, np.random.default_rng(4), distance=1.5, std=0.8)
    np.testing.assert_array_equal(y, np.arange(20000) % 2)  # half in each class
    centre = 0.75 * np.array([1.0, 1.0]) / np.sqrt(2)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), centre, atol=0.03)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), -centre, atol=0.03)
    np.testing.assert_allclose(X[y == 1].std(axis=0), 0.8, rtol=0.03)


def test_gaussian_classes_statistics():
    mu0, mu1 = np.array([0.0, 1.0]), np.array([2.0, -1.0])
    cov = np.array([[1.0, 0.6], [0.6, 2.0]])
    X, y = data.gaussian_classes(40000, np.random.default_rng(5), mu0, mu1, cov, prior1=0.3)
    assert y.mean() == pytest.approx(0.3, abs=0.01)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), mu0, atol=0.04)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), mu1, atol=0.04)
    for k, mu in ((0, mu0), (1, mu1)):
        D = X[y == k] - mu
        np.testing.assert_allclose(D.T @ D / len(D), cov, atol=0.06)  # shared covariance


def test_ryu_target_closed_form():
    x = np.array([0.0, 2.0, np.pi / 4, 1.0])
    np.testing.assert_allclose(
        data.ryu_target(x), [-2.0, 0.0, (np.pi / 4 - 2) * -1.0, -np.cos(4.0)], atol=1e-15
    )


def test_ryu_regression_without_and_with_noise():
    X, y = data.ryu_regression(5000, np.random.default_rng(6))
    np.testing.assert_array_equal(y, (X - 2.0) * np.cos(4.0 * X))
    assert X.mean() == pytest.approx(0.0, abs=0.05) and X.std() == pytest.approx(1.0, rel=0.05)
    X, y = data.ryu_regression(5000, np.random.default_rng(6), noise=0.3)
    assert (y - (X - 2.0) * np.cos(4.0 * X)).std() == pytest.approx(0.3, rel=0.05)


def test_regression_1d_grid_and_random_inputs():
    X, y = data.regression_1d(11, np.random.default_rng(7), np.square, low=-2.0, high=3.0,
                              grid=True)
    np.testing.assert_allclose(X[:, 0], np.linspace(-2.0, 3.0, 11))
    np.testing.assert_allclose(y, X ** 2)
    X, y = data.regression_1d(200, np.random.default_rng(7), np.square, low=-2.0, high=3.0)
    assert np.all(np.diff(X[:, 0]) >= 0)  # sorted
    assert X.min() >= -2.0 and X.max() <= 3.0
    np.testing.assert_allclose(y, X ** 2)


def test_generators_do_not_touch_the_global_generator():
    np.random.seed(0)  # noqa: NPY002
    expected = np.random.random()  # noqa: NPY002
    np.random.seed(0)  # noqa: NPY002
    for gen in GENERATORS.values():
        gen(10, np.random.default_rng(0))
    assert np.random.random() == expected  # noqa: NPY002
