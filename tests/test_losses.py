"""Tests of lib.losses: values against independent formulas, gradients against centred
finite differences (every loss, every reduction, batch sizes 1 and > 1), and extremes."""

import math

import numpy as np
import pytest
from oracles import fd_gradient, rel_err

from lib import losses as L

REDUCTIONS = ("mean", "sum", "none")


def make_case(name, n, rng):
    """(u, y, call) with u away from the kinks of hinge, huber and l1."""
    if name == "mse":
        u, y = rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
        return u, y, lambda u_, r: L.mse(u_, y, reduction=r)
    if name == "logistic":
        u, y = rng.normal(scale=3, size=(n, 1)), rng.integers(0, 2, n).astype(float)
        return u, y, lambda u_, r: L.binary_logistic(u_, y, reduction=r)
    if name == "cross_entropy":
        u, y = rng.normal(scale=2, size=(n, 4)), rng.integers(0, 4, n)
        return u, y, lambda u_, r: L.softmax_cross_entropy(u_, y, reduction=r)
    if name == "hinge":
        y = rng.choice([-1.0, 1.0], n)
        # margins 1 - y u in +-[0.1, 2]: on both sides of the kink, never near it
        m = rng.uniform(0.1, 2.0, n) * rng.choice([-1.0, 1.0], n)
        u = ((1.0 - m) * y)[:, None]
        return u, y, lambda u_, r: L.hinge(u_, y, reduction=r)
    if name == "huber":
        y = rng.normal(size=(n, 2))
        r_ = rng.uniform(0.05, 3.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
        r_[np.abs(np.abs(r_) - 0.7) < 0.05] += 0.2  # away from |r| = delta = 0.7
        return y + r_, y, lambda u_, r: L.huber(u_, y, delta=0.7, reduction=r)
    if name == "l1":
        y = rng.normal(size=(n, 2))
        r_ = rng.uniform(0.05, 3.0, (n, 2)) * rng.choice([-1.0, 1.0], (n, 2))
        return y + r_, y, lambda u_, r: L.l1(u_, y, reduction=r)
    raise AssertionError(name)


def per_example_oracle(name, u, y):
    """Per-example losses from the textbook formulas (moderate inputs)."""
    if name == "mse":
        return np.array([0.5 * sum((a - b) ** 2 for a, b in zip(ui, yi, strict=True))
                         for ui, yi in zip(u, y, strict=True)])
    if name == "logistic":
        s = 1.0 / (1.0 + np.exp(-u[:, 0]))
        return -y * np.log(s) - (1 - y) * np.log(1 - s)
    if name == "cross_entropy":
        return np.array([-math.log(math.exp(ui[int(k)]) / sum(math.exp(t) for t in ui))
                         for ui, k in zip(u, y, strict=True)])
    if name == "hinge":
        return np.array([max(0.0, 1.0 - yi * ui[0]) for ui, yi in zip(u, y, strict=True)])
    if name == "huber":
        d = 0.7
        r = u - y
        return np.array([sum(0.5 * t * t if abs(t) <= d else d * (abs(t) - d / 2) for t in row)
                         for row in r])
    if name == "l1":
        return np.abs(u - y).sum(axis=1)
    raise AssertionError(name)


NAMES = ("mse", "logistic", "cross_entropy", "hinge", "huber", "l1")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [1, 7])
def test_values_match_independent_formulas(name, n):
    rng = np.random.default_rng(10 + n)
    u, y, call = make_case(name, n, rng)
    per = per_example_oracle(name, u, y)
    value, _ = call(u, "mean")
    assert value == pytest.approx(per.mean(), rel=1e-12)
    value, _ = call(u, "sum")
    assert value == pytest.approx(per.sum(), rel=1e-12)
    value, _ = call(u, "none")
    assert value.shape == (n,)
    np.testing.assert_allclose(value, per, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("n", [1, 5])
def test_gradient_matches_finite_differences(name, reduction, n):
    rng = np.random.default_rng(100 + 7 * n)
    u, y, call = make_case(name, n, rng)
    _, grad = call(u, reduction)
    assert grad.shape == u.shape
    if reduction == "none":
        # example i's loss depends on row i only: the Jacobian is block diagonal, so the
        # gradient of the sum of the per-example losses is the per-example gradient
        numeric = fd_gradient(lambda v: call(v, "none")[0].sum(), u)
        for i in range(n):
            for j in range(u.shape[1]):
                e = np.zeros_like(u)
                e[i, j] = 1e-6
                change = call(u + e, "none")[0] - call(u - e, "none")[0]
                assert np.all(change[np.arange(n) != i] == 0.0)
    else:
        numeric = fd_gradient(lambda v: call(v, reduction)[0], u)
    assert rel_err(grad, numeric) < 1e-6
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_reductions_are_consistent(name):
    rng = np.random.default_rng(5)
    u, y, call = make_case(name, 6, rng)
    per, g_none = call(u, "none")
    total, g_sum = call(u, "sum")
    mean, g_mean = call(u, "mean")
    assert total == pytest.approx(per.sum(), rel=1e-14)
    assert mean == pytest.approx(per.mean(), rel=1e-14)
    np.testing.assert_allclose(g_sum, g_none, rtol=0, atol=0)
    np.testing.assert_allclose(g_mean, g_none / 6, rtol=1e-15)
    with pytest.raises(ValueError, match="reduction"):
        call(u, "average")


def test_closed_form_gradients():
    rng = np.random.default_rng(6)
    u, y = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    np.testing.assert_allclose(L.mse(u, y, reduction="sum")[1], u - y)
    logits = rng.normal(size=(4, 3))
    labels = np.array([0, 2, 1, 2])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(L.softmax(logits), p, rtol=1e-14)
    np.testing.assert_allclose(L.log_softmax(logits), np.log(p), rtol=1e-13)
    np.testing.assert_allclose(L.softmax_cross_entropy(logits, labels, reduction="sum")[1],
                               p - np.eye(3)[labels], rtol=1e-13, atol=1e-16)
    z = rng.normal(size=(4, 1))
    yb = np.array([0.0, 1.0, 1.0, 0.0])
    np.testing.assert_allclose(L.binary_logistic(z, yb, reduction="sum")[1],
                               1 / (1 + np.exp(-z)) - yb[:, None], rtol=1e-14)


def test_one_dimensional_outputs_are_read_as_a_column():
    u = np.array([0.5, -1.0, 2.0])
    y = np.array([1.0, 0.0, 1.0])
    for f in (L.mse, L.binary_logistic, L.huber, L.l1):
        v1, g1 = f(u, y)
        v2, g2 = f(u[:, None], y[:, None])
        assert v1 == v2
        assert g1.shape == (3, 1)
        np.testing.assert_array_equal(g1, g2)


def test_losses_do_not_mutate_inputs():
    rng = np.random.default_rng(7)
    for name in NAMES:
        u, y, call = make_case(name, 4, rng)
        u0, y0 = u.copy(), np.array(y, copy=True)
        call(u, "mean")
        np.testing.assert_array_equal(u, u0)
        np.testing.assert_array_equal(y, y0)


# --------------------------------------------------------------------------- extremes


def test_binary_logistic_at_extreme_logits():
    u = np.array([1e4, 1e4, -1e4, -1e4, 800.0, -800.0])
    y = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 1.0])
    with np.errstate(all="raise"):
        per, grad = L.binary_logistic(u, y, reduction="none")
    assert np.all(np.isfinite(per)) and np.all(np.isfinite(grad))
    assert 0.0 <= per[0] < 1e-300 and 0.0 <= per[3] < 1e-300
    assert per[1] == 1e4 and per[2] == 1e4
    assert per[4] == 800.0 and per[5] == 800.0
    np.testing.assert_array_equal(grad[:, 0], [0.0, 1.0, -1.0, 0.0, 1.0, -1.0])


def test_binary_logistic_small_losses_keep_relative_accuracy():
    # L(u, 1) = log(1 + e^{-u}) > 0 for every finite u: no minimiser on separable data
    u = np.array([1.0, 10.0, 30.0, 40.0, 100.0, 600.0])
    per, _ = L.binary_logistic(u, np.ones(6), reduction="none")
    np.testing.assert_allclose(per, np.log1p(np.exp(-u)), rtol=1e-13)
    assert np.all(per > 0) and np.all(np.diff(per) < 0)
    per0, _ = L.binary_logistic(-u, np.zeros(6), reduction="none")
    np.testing.assert_allclose(per0, per, rtol=1e-15)


def test_cross_entropy_at_extreme_logits():
    u = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 1e4], [1e3, 999.0, -1e3]])
    y = np.array([0, 0, 1])
    with np.errstate(all="raise"):
        per, grad = L.softmax_cross_entropy(u, y, reduction="none")
        p = L.softmax(u)
        logp = L.log_softmax(u)
    assert np.all(np.isfinite(per)) and np.all(np.isfinite(grad))
    assert np.all(np.isfinite(p)) and np.all(np.isfinite(logp))
    assert 0.0 <= per[0] < 1e-300
    assert per[1] == pytest.approx(2e4 + math.log(2.0), rel=1e-15)
    assert per[2] == pytest.approx(1.0 + math.log1p(math.exp(-1.0)), rel=1e-14)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)
    np.testing.assert_allclose(p[1], [0.0, 0.5, 0.5], atol=1e-300)


@pytest.mark.parametrize("k", [2, 3, 10])
def test_cross_entropy_of_scaled_one_hot_is_positive_and_tends_to_zero(k):
    # Ryu problem 3: CE(lambda e_y, y) = log(1 + (k-1) e^{-lambda}) > 0, -> 0, no minimiser
    lams = np.array([0.0, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 40.0, 100.0, 300.0, 700.0])
    y = 1
    values = []
    for lam in lams:
        u = np.zeros((1, k))
        u[0, y] = lam
        values.append(L.softmax_cross_entropy(u, [y])[0])
    values = np.array(values)
    np.testing.assert_allclose(values, np.log1p((k - 1) * np.exp(-lams)), rtol=1e-12)
    assert values[0] == pytest.approx(math.log(k), rel=1e-15)
    assert np.all(values > 0)
    assert np.all(np.diff(values) < 0)
    assert values[-1] < 1e-300
    with np.errstate(all="raise"):
        u = np.zeros((1, k))
        u[0, y] = 1e4
        big = L.softmax_cross_entropy(u, [y])[0]
    assert 0.0 <= big <= values[-1]


def test_get_registry():
    assert L.get("mse") is L.mse
    assert L.get("logistic") is L.binary_logistic
    assert L.get("cross_entropy") is L.softmax_cross_entropy
    assert L.get("hinge") is L.hinge
    assert L.get("huber") is L.huber
    assert L.get("l1") is L.l1
    assert set(L.NAMES) == {"mse", "logistic", "cross_entropy", "hinge", "huber", "l1"}

    def custom(u, y):
        return 0.0, np.zeros_like(u)

    assert L.get(custom) is custom
    with pytest.raises(ValueError, match="loss"):
        L.get("squared")
    with pytest.raises(TypeError, match="loss"):
        L.get(3)
