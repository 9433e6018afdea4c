"""Tests of lib.activations against closed forms and centred finite differences.

Oracles: values are compared with the textbook formulas evaluated here with plain numpy
on moderate inputs; derivatives with a centred difference written in this file; Lipschitz
constants with sampled difference quotients. Float64 throughout.
"""

import math

import numpy as np
import pytest

from lib import activations as A

# name -> (value, derivative, keyword args); every registry entry, with non-default alphas.
CASES = {
    "step": (A.step, A.step_prime, {}),
    "sigmoid": (A.sigmoid, A.sigmoid_prime, {}),
    "tanh": (A.tanh, A.tanh_prime, {}),
    "relu": (A.relu, A.relu_prime, {}),
    "leaky_relu": (A.leaky_relu, A.leaky_relu_prime, {}),
    "leaky_relu_0.2": (A.leaky_relu, A.leaky_relu_prime, {"alpha": 0.2}),
    "elu": (A.elu, A.elu_prime, {}),
    "elu_0.5": (A.elu, A.elu_prime, {"alpha": 0.5}),
    "elu_2": (A.elu, A.elu_prime, {"alpha": 2.0}),
    "softplus": (A.softplus, A.softplus_prime, {}),
    "identity": (A.identity, A.identity_prime, {}),
}


def closed_form(name, z, alpha=None):
    """The definitions, written independently of lib (valid for moderate |z|)."""
    if name == "step":
        return np.where(z >= 0, 1.0, 0.0)
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))
    if name == "relu":
        return np.array([max(0.0, t) for t in z])
    if name == "leaky_relu":
        return np.array([t if t > 0 else alpha * t for t in z])
    if name == "elu":
        return np.array([t if t >= 0 else alpha * (math.exp(t) - 1.0) for t in z])
    if name == "softplus":
        return np.log1p(np.exp(z))
    if name == "identity":
        return z.copy()
    raise AssertionError(name)


def centred_difference(f, z, h=1e-6):
    return (f(z + h) - f(z - h)) / (2.0 * h)


def away_from_zero(rng, n, low=-4.0, high=4.0, gap=1e-3):
    z = rng.uniform(low, high, n)
    return z[np.abs(z) > gap]


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize(
    "name, alpha",
    [("step", None), ("sigmoid", None), ("tanh", None), ("relu", None),
     ("leaky_relu", 0.01), ("leaky_relu", 0.3), ("elu", 1.0), ("elu", 0.5), ("elu", 2.5),
     ("softplus", None), ("identity", None)],
)
def test_values_match_closed_form_on_moderate_inputs(name, alpha):
    rng = np.random.default_rng(1)
    z = np.concatenate([rng.uniform(-30, 30, 300), rng.uniform(-2, 2, 100), [0.0, 1.0, -1.0]])
    act = A.get(name, alpha)
    expected = closed_form(name, z, 0.01 if alpha is None and name == "leaky_relu" else alpha)
    np.testing.assert_allclose(act.f(z), expected, rtol=1e-12, atol=1e-15)


def test_specific_values():
    assert A.step(0.0) == 1.0 and A.step(-1e-300) == 0.0
    assert A.sigmoid(0.0) == 0.5
    assert A.tanh(0.0) == 0.0
    assert A.softplus(0.0) == pytest.approx(math.log(2.0), rel=1e-15)
    assert A.relu(-3.0) == 0.0 and A.relu(2.5) == 2.5
    assert A.leaky_relu(-2.0, 0.1) == pytest.approx(-0.2, rel=1e-15)
    assert A.elu(-1.0, 2.0) == pytest.approx(2.0 * (math.exp(-1.0) - 1.0), rel=1e-15)
    assert A.elu(3.0, 2.0) == 3.0


def test_sigmoid_symmetry_and_derivative_identities():
    rng = np.random.default_rng(2)
    z = rng.uniform(-20, 20, 500)
    s = 1.0 / (1.0 + np.exp(-z))
    one_minus_s = 1.0 / (1.0 + np.exp(z))  # 1 - sigma(z) without cancellation
    np.testing.assert_allclose(A.sigmoid(-z), 1.0 - A.sigmoid(z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(A.sigmoid_prime(z), s * one_minus_s, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(A.tanh_prime(z), 1.0 / np.cosh(z) ** 2, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(A.tanh_prime(z), 1.0 - np.tanh(z) ** 2, rtol=1e-8, atol=1e-15)
    np.testing.assert_allclose(A.softplus_prime(z), s, rtol=1e-12, atol=1e-18)


def test_shape_preserved_and_identity_returns_a_copy():
    z = np.arange(12.0).reshape(3, 4) - 6.0
    for f, df, kw in CASES.values():
        assert f(z, **kw).shape == (3, 4)
        assert df(z, **kw).shape == (3, 4)
    out = A.identity(z)
    out[0, 0] = 99.0
    assert z[0, 0] == -6.0  # no aliasing of the input
    z0 = z.copy()
    for f, df, kw in CASES.values():
        f(z, **kw)
        df(z, **kw)
    np.testing.assert_array_equal(z, z0)  # inputs are not mutated


# --------------------------------------------------------------------------- derivatives


@pytest.mark.parametrize("name", list(CASES))
def test_derivative_matches_centred_difference(name):
    f, df, kw = CASES[name]
    rng = np.random.default_rng(3)
    z = away_from_zero(rng, 400)  # kinks of step/relu/leaky_relu/elu are at 0
    numeric = centred_difference(lambda t: f(t, **kw), z)
    analytic = df(z, **kw)
    denom = np.linalg.norm(analytic) + np.linalg.norm(numeric)
    rel = np.linalg.norm(analytic - numeric) / max(denom, 1e-300)
    assert rel < 1e-6
    # entry-wise too, so that one bad point cannot hide in the norm
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-12)


def test_derivative_conventions_at_the_kinks():
    assert A.relu_prime(0.0) == 0.0
    assert A.leaky_relu_prime(0.0, 0.1) == pytest.approx(0.1)
    assert A.elu_prime(0.0, 2.0) == 1.0
    assert A.step_prime(0.0) == 0.0
    assert A.sigmoid_prime(0.0) == 0.25


def test_sigmoid_prime_at_most_a_quarter_with_equality_at_zero():
    z = np.concatenate([np.linspace(-50, 50, 100001), [0.0, 1e-8, -1e-8]])
    d = A.sigmoid_prime(z)
    assert np.all(d <= 0.25)
    assert A.sigmoid_prime(0.0) == 0.25
    assert np.all(d[np.abs(z) > 1e-3] < 0.25)  # the maximum is attained only at 0


# --------------------------------------------------------------------------- Lipschitz


def difference_quotients(f, rng):
    """|f(a)-f(b)|/|a-b| on random pairs at all scales, including pairs next to 0."""
    a = np.concatenate([rng.uniform(-40, 40, 4000), rng.uniform(-0.01, 0.01, 2000),
                        rng.uniform(15, 40, 500)])
    gap = 10.0 ** rng.uniform(-6, 1, a.size) * rng.choice([-1.0, 1.0], a.size)
    b = a + gap
    return np.abs(f(a) - f(b)) / np.abs(a - b)


@pytest.mark.parametrize(
    "name, alpha, expected",
    [("sigmoid", None, 0.25), ("tanh", None, 1.0), ("relu", None, 1.0),
     ("leaky_relu", None, 1.0), ("leaky_relu", 0.5, 1.0), ("elu", None, 1.0),
     ("elu", 0.5, 1.0), ("elu", 3.0, 3.0), ("softplus", None, 1.0), ("identity", None, 1.0)],
)
def test_lipschitz_constant_never_exceeded_and_nearly_attained(name, alpha, expected):
    act = A.get(name, alpha)
    assert act.lipschitz == expected
    q = difference_quotients(act.f, np.random.default_rng(4))
    assert np.all(q <= act.lipschitz * (1 + 1e-8))
    assert q.max() >= 0.99 * act.lipschitz


def test_step_is_not_lipschitz():
    act = A.get("step")
    assert act.lipschitz == np.inf
    for h in (1e-3, 1e-6, 1e-10):
        assert (act.f(h) - act.f(-h)) / (2 * h) >= 0.5 / h  # unbounded quotients


@pytest.mark.parametrize("name", A.NAMES)
def test_zero_at_zero_flag_matches_value(name):
    act = A.get(name)
    assert act.zero_at_zero == (float(act.f(0.0)) == 0.0)


# --------------------------------------------------------------------------- extremes

EXTREME = np.array([1e4, -1e4, 1e3, -1e3, 800.0, -800.0, 710.0, -710.0, 700.0, -700.0,
                    350.0, -350.0, 30.0, -30.0, 1e-300, -1e-300, 0.0])


@pytest.mark.parametrize("name", list(CASES))
def test_extreme_inputs_finite_without_floating_point_warnings(name):
    f, df, kw = CASES[name]
    with np.errstate(all="raise"):
        v = f(EXTREME, **kw)
        d = df(EXTREME, **kw)
        for z in EXTREME:  # scalars too
            f(z, **kw)
            df(z, **kw)
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(d))


@pytest.mark.parametrize("name", A.NAMES)
def test_registry_entries_handle_extremes(name):
    act = A.get(name)
    with np.errstate(all="raise"):
        assert np.all(np.isfinite(act.f(EXTREME)))
        assert np.all(np.isfinite(act.df(EXTREME)))


def test_limits_at_extreme_inputs():
    with np.errstate(all="raise"):
        assert A.sigmoid(1e4) == 1.0
        assert 0.0 <= A.sigmoid(-1e4) < 1e-300
        assert A.sigmoid(800.0) == 1.0 and 0.0 <= A.sigmoid(-800.0) < 1e-300
        assert A.sigmoid(-30.0) == pytest.approx(math.exp(-30.0) / (1 + math.exp(-30.0)),
                                                 rel=1e-14)
        assert A.sigmoid_prime(1e4) == 0.0 and A.sigmoid_prime(-1e4) == 0.0
        assert A.softplus(1e4) == 1e4
        assert A.softplus(1e3) == 1e3
        assert 0.0 <= A.softplus(-1e4) < 1e-300
        assert A.softplus(-30.0) == pytest.approx(math.log1p(math.exp(-30.0)), rel=1e-14)
        assert A.softplus_prime(1e4) == 1.0 and 0.0 <= A.softplus_prime(-1e4) < 1e-300
        assert A.tanh(1e4) == 1.0 and A.tanh(-1e4) == -1.0
        assert A.tanh_prime(1e4) == 0.0 and A.tanh_prime(-1e4) == 0.0
        assert A.tanh_prime(30.0) == pytest.approx(4 * math.exp(-60.0), rel=1e-12)
        assert A.relu(1e4) == 1e4 and A.relu(-1e4) == 0.0
        assert A.leaky_relu(-1e4, 0.01) == pytest.approx(-100.0, rel=1e-15)
        assert A.elu(-1e4) == -1.0 and A.elu(-1e4, 2.0) == -2.0 and A.elu(1e4) == 1e4
        assert A.elu_prime(1e4) == 1.0 and 0.0 <= A.elu_prime(-1e4) < 1e-300
        assert A.elu_prime(-30.0, 2.0) == pytest.approx(2 * math.exp(-30.0), rel=1e-14)
        assert A.identity(-1e4) == -1e4


def test_derivative_tails_decay_monotonically():
    z = np.linspace(0, 1e4, 20001)
    for df in (A.sigmoid_prime, A.tanh_prime):
        d = df(z)
        assert np.all(np.diff(d) <= 0)
        assert d[-1] == 0.0


# --------------------------------------------------------------------------- registry


def test_get_returns_matching_functions():
    z = np.linspace(-3, 3, 13)
    for name in A.NAMES:
        act = A.get(name)
        assert act.name == name
        f, df, _ = CASES[name]
        np.testing.assert_array_equal(act.f(z), f(z))
        np.testing.assert_array_equal(act(z), f(z))
        np.testing.assert_array_equal(act.df(z), df(z))


def test_get_passes_alpha_and_defaults():
    z = np.array([-2.0, 3.0])
    np.testing.assert_allclose(A.get("leaky_relu").f(z), [-0.02, 3.0])
    np.testing.assert_allclose(A.get("leaky_relu", 0.25).f(z), [-0.5, 3.0])
    np.testing.assert_allclose(A.get("leaky_relu", 0.25).df(z), [0.25, 1.0])
    np.testing.assert_allclose(A.get("elu", 2.0).f(z), [2.0 * (math.exp(-2) - 1), 3.0])
    np.testing.assert_allclose(A.get("elu").df(z), [math.exp(-2), 1.0])
    np.testing.assert_allclose(A.get("relu", 0.5).f(z), [0.0, 3.0])  # alpha ignored


def test_get_returns_activation_unchanged_and_rejects_bad_names():
    act = A.get("tanh")
    assert A.get(act) is act
    with pytest.raises(ValueError, match="activation"):
        A.get("swish")
    with pytest.raises(TypeError, match="activation"):
        A.get(3)
    with pytest.raises(ValueError, match="alpha"):
        A.get("leaky_relu", 1.5)
    with pytest.raises(ValueError, match="alpha"):
        A.get("elu", -1.0)
