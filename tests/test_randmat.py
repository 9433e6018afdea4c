"""Tests of lib.randmat: singular values against numpy's SVD, the scale of the lecture's
scheme, and the statistics of the lecture's tables (closed forms where they exist)."""

import numpy as np
import pytest

from lib import randmat


@pytest.mark.parametrize("shape", [(1, 7), (7, 1), (30, 12), (12, 30), (25, 25)])
def test_singular_values_match_svd(shape):
    M = np.random.default_rng(0).standard_normal(shape)
    s = np.linalg.svd(M, compute_uv=False)
    assert np.allclose(randmat.singular_values(M), s, rtol=1e-9, atol=1e-9)
    assert np.isclose(randmat.operator_norm(M), s[0], rtol=1e-12)
    assert np.isclose(randmat.singular_value_ratio(M), s.mean() / s[0], rtol=1e-12)


def test_ratio_of_rank_one_and_rank_deficient():
    v = np.arange(1.0, 6.0)[:, None]
    assert randmat.singular_value_ratio(v) == 1.0
    M = np.outer([1.0, 2.0, 3.0], [1.0, -1.0]) + 0.0
    assert np.isclose(randmat.singular_value_ratio(M), 1.0)  # zero singular value ignored
    assert np.isclose(randmat.singular_value_ratio(np.diag([2.0, 1.0])), 0.75)


def test_scaled_gaussian_std_and_shape():
    rng = np.random.default_rng(1)
    W = randmat.scaled_gaussian(400, 100, rng, lipschitz=0.5)
    assert W.shape == (100, 400)
    assert abs(W.std() * (20 + 10) * 0.5 - 1) < 0.02
    assert randmat.scaled_gaussian(10, 5, rng, size=3).shape == (3, 5, 10)


def test_gaussian_norm_below_sqrt_n_plus_sqrt_m():
    rng = np.random.default_rng(2)
    for n, m in [(50, 10), (200, 200), (300, 1)]:
        norms = randmat.gaussian_norms(n, m, rng, draws=8)
        ratio = norms.mean() / (np.sqrt(n) + np.sqrt(m))
        assert 0.8 < ratio < 1.0


def test_lecture_tables_small_shapes():
    shapes = ((100, 1), (100, 10), (100, 100))
    norms, ratios = randmat.lecture_tables(np.random.default_rng(3), shapes, draws=10)
    assert norms.shape == ratios.shape == (10, 3)
    assert np.all(np.abs(norms.mean(axis=0) - 2) < 0.25)
    assert np.all(ratios[:, 0] == 1.0)
    assert 0.74 < ratios[:, 1].mean() < 0.82
    assert 0.40 < ratios[:, 2].mean() < 0.45


def test_validation():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fan_in"):
        randmat.scaled_gaussian(0, 3, rng)
    with pytest.raises(TypeError, match="rng"):
        randmat.scaled_gaussian(3, 3, 0)
    with pytest.raises(ValueError, match="lipschitz"):
        randmat.scaled_gaussian(3, 3, rng, lipschitz=-1.0)
    with pytest.raises(ValueError, match="zero"):
        randmat.singular_value_ratio(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="M"):
        randmat.operator_norm(np.ones(3))
