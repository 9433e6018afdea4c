"""Tests of lib.init: empirical weight statistics against the schemes' formulas, biases,
the operator-norm scheme's spectral norm, reproducibility and the explicit Generator."""

import math

import numpy as np
import pytest

from lib.init import SCHEMES, initialize, weight_std
from lib.mlp import MLP

# large layers (fan_in, fan_out): (400 -> 300), (300 -> 500), (500 -> 200)
WIDTHS = (400, 300, 500, 200)


def formula_std(scheme, fan_in, fan_out, lipschitz=0.5, alpha=1.0):
    """The documented standard deviations, written out independently."""
    return {
        "normal": 1.0,
        "xavier": math.sqrt(2.0 / (fan_in + fan_out)),
        "he": math.sqrt(2.0 / fan_in),
        "operator_norm": 1.0 / ((math.sqrt(fan_in) + math.sqrt(fan_out)) * lipschitz * alpha),
        "uniform": (1.0 / math.sqrt(fan_in)) / math.sqrt(3.0),  # U(-k, k) has std k/sqrt(3)
    }[scheme]


def split(theta, widths):
    """(W_j, b_j) sliced by hand from the documented layout W_1, b_1, W_2, b_2, ..."""
    out, pos = [], 0
    for k, m in zip(widths[:-1], widths[1:], strict=True):
        out.append((theta[pos:pos + m * k].reshape(m, k), theta[pos + m * k:pos + m * k + m]))
        pos += m * k + m
    assert pos == theta.size
    return out


@pytest.fixture(scope="module")
def model():
    return MLP(WIDTHS, "relu")


@pytest.mark.parametrize("scheme", SCHEMES)
def test_empirical_weight_std_per_layer_matches_formula(model, scheme):
    theta = initialize(model, scheme, np.random.default_rng(0))
    assert theta.shape == (model.num_params,) and theta.dtype == np.float64
    for W, _ in split(theta, WIDTHS):
        fan_out, fan_in = W.shape
        expected = formula_std(scheme, fan_in, fan_out)
        assert W.std() == pytest.approx(expected, rel=0.03)
        assert abs(W.mean()) < 0.03 * expected
        if scheme == "uniform":
            k = 1.0 / math.sqrt(fan_in)
            assert np.all(np.abs(W) <= k) and np.abs(W).max() > 0.99 * k
        else:  # Gaussian: about 4.55% of the entries beyond two standard deviations
            assert np.mean(np.abs(W) > 2 * expected) == pytest.approx(0.0455, abs=0.005)


@pytest.mark.parametrize("scheme", ["xavier", "he", "operator_norm", "normal"])
def test_gain_scales_the_weights(model, scheme):
    base = initialize(model, scheme, np.random.default_rng(1))
    scaled = initialize(model, scheme, np.random.default_rng(1), gain=2.5)
    for (W0, b0), (W1, b1) in zip(split(base, WIDTHS), split(scaled, WIDTHS), strict=True):
        np.testing.assert_allclose(W1, 2.5 * W0, rtol=1e-15)
        np.testing.assert_array_equal(b1, b0)


def test_operator_norm_parameters(model):
    theta = initialize(model, "operator_norm", np.random.default_rng(2), lipschitz=0.25,
                       alpha=2.0)
    for W, _ in split(theta, WIDTHS):
        fan_out, fan_in = W.shape
        assert W.std() == pytest.approx(formula_std("operator_norm", fan_in, fan_out, 0.25, 2.0),
                                        rel=0.03)


def test_weight_std_formulas():
    for scheme in SCHEMES:
        for fan_in, fan_out in [(1, 1), (3, 7), (64, 64), (1000, 10)]:
            if scheme == "uniform":
                expected = 1.0 / math.sqrt(fan_in)  # the half-width k is returned
            else:
                expected = formula_std(scheme, fan_in, fan_out)
            assert weight_std(scheme, fan_in, fan_out) == pytest.approx(expected, rel=1e-15)
    assert weight_std("operator_norm", 9, 16, lipschitz=2.0, alpha=0.5) == pytest.approx(1 / 7)
    with pytest.raises(ValueError, match="scheme"):
        weight_std("lecun", 3, 3)


def test_bias_values(model):
    rng = np.random.default_rng(3)
    for scheme, expected in [("normal", 0.03), ("xavier", 0.0), ("he", 0.0),
                             ("operator_norm", 0.0)]:
        theta = initialize(model, scheme, rng)
        for _, b in split(theta, WIDTHS):
            np.testing.assert_array_equal(b, np.full(b.shape, expected))
        theta = initialize(model, scheme, rng, bias=-0.7)
        for _, b in split(theta, WIDTHS):
            np.testing.assert_array_equal(b, np.full(b.shape, -0.7))
    theta = initialize(model, "uniform", rng)
    for W, b in split(theta, WIDTHS):
        k = 1.0 / math.sqrt(W.shape[1])
        assert np.all(np.abs(b) <= k)
        assert len(np.unique(b)) == b.size  # drawn, not constant
        assert b.std() == pytest.approx(k / math.sqrt(3), rel=0.15)


def spectral_norm(W, iterations=60):
    """Largest singular value by power iteration on W^T W: a lower bound that converges
    (within 0.5% after 50 steps for a 1000 x 1000 Gaussian matrix, checked against an SVD);
    an SVD of a 1000 x 1000 matrix is needlessly slow on a busy CI machine."""
    v = np.random.default_rng(99).standard_normal(W.shape[1])
    for _ in range(iterations):
        v = (W @ v) @ W  # W^T (W v), without a transposed copy
        v /= np.linalg.norm(v)
    return float(np.linalg.norm(W @ v))


def test_spectral_norm_helper_against_svd():
    W = np.random.default_rng(6).standard_normal((60, 40))
    assert spectral_norm(W) == pytest.approx(np.linalg.svd(W, compute_uv=False)[0], rel=1e-2)


def test_operator_norm_scheme_gives_spectral_norm_one_over_L():
    # L = 0.5 (the lecture's average Lipschitz constant of ReLU): ||W||_2 ~ 1/L = 2
    layer = MLP((1000, 1000), "identity")
    theta = initialize(layer, "operator_norm", np.random.default_rng(4), lipschitz=0.5)
    W = theta[:1000 * 1000].reshape(1000, 1000)
    assert spectral_norm(W) == pytest.approx(2.0, rel=0.05)


@pytest.mark.parametrize("lipschitz, alpha", [(0.5, 1.0), (1.0, 1.0), (0.25, 2.0)])
def test_rectangular_layer_operator_norm(lipschitz, alpha):
    layer = MLP((900, 400), "identity")
    theta = initialize(layer, "operator_norm", np.random.default_rng(5), lipschitz=lipschitz,
                       alpha=alpha)
    W = theta[:400 * 900].reshape(400, 900)
    assert spectral_norm(W) == pytest.approx(1.0 / (lipschitz * alpha), rel=0.05)


@pytest.mark.parametrize("scheme", SCHEMES)
def test_reproducible_with_the_same_seed(scheme):
    model = MLP((3, 8, 8, 2), "tanh")
    a = initialize(model, scheme, np.random.default_rng(123))
    b = initialize(model, scheme, np.random.default_rng(123))
    c = initialize(model, scheme, np.random.default_rng(124))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    np.testing.assert_array_equal(model.init(np.random.default_rng(123), scheme), a)


def test_generator_state_advances_and_no_global_seeding():
    model = MLP((3, 8, 2))
    rng = np.random.default_rng(7)
    first = initialize(model, "he", rng)
    second = initialize(model, "he", rng)
    assert not np.array_equal(first, second)
    np.random.seed(0)  # noqa: NPY002
    legacy = np.random.random()  # noqa: NPY002
    np.random.seed(0)  # noqa: NPY002
    initialize(model, "xavier", np.random.default_rng(1))
    # the global legacy generator was not touched
    assert np.random.random() == legacy  # noqa: NPY002


@pytest.mark.parametrize("bad", [None, 0, np.random.RandomState(0), np.random.default_rng])
def test_rng_must_be_a_generator(bad):
    with pytest.raises(TypeError, match="rng"):
        initialize(MLP((2, 3, 1)), "he", bad)


def test_scale_residual_blocks_scales_only_the_square_hidden_layers():
    from lib import MLP
    from lib.init import scale_residual_blocks

    for residual in (False, True):
        model = MLP((1, 5, 5, 5, 1, 1), "leaky_relu", residual=residual)
        theta = model.init(np.random.default_rng(0), "he", bias=0.2)
        before = theta.copy()
        out = scale_residual_blocks(model, theta, 0.1)
        assert np.array_equal(theta, before)  # the input is not modified
        # oracle: the layout written out by hand (W_j row-major then b_j, layer after layer)
        expected, pos = [], 0
        for j, (m, k) in enumerate([(5, 1), (5, 5), (5, 5), (1, 5), (1, 1)]):
            block = before[pos:pos + m * k + m]
            expected.append(0.1 * block if j in (1, 2) else block)
            pos += m * k + m
        assert np.array_equal(out, np.concatenate(expected))
    with pytest.raises(ValueError, match="scale"):
        scale_residual_blocks(model, theta, np.nan)
