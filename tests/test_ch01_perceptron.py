"""Chapter 1 claims, each checked against an independent computation."""

import numpy as np
import pytest

from lib import activations, data, linear, widgets


def test_prediction_is_step_of_affine_score():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 3))
    w, b = rng.normal(size=3), 0.3
    expected = np.array([1.0 if sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b >= 0
                         else 0.0 for x in X])
    assert np.array_equal(linear.perceptron_predict(X, w, b), expected)
    assert np.array_equal(activations.step(X @ w + b), expected)


def test_signed_distance_matches_orthogonal_projection():
    rng = np.random.default_rng(1)
    w, b = rng.normal(size=2), rng.normal()
    for x in rng.normal(size=(20, 2)):
        # independent oracle: closest point on the line by least squares on a parametrisation
        direction = np.array([-w[1], w[0]])
        point = -b * w / (w @ w)
        t = (x - point) @ direction / (direction @ direction)
        foot = point + t * direction
        assert np.isclose(abs(w @ x + b) / np.linalg.norm(w), np.linalg.norm(x - foot))


def test_update_on_missed_positive_raises_its_score_by_eta_norm_sq_plus_one():
    rng = np.random.default_rng(2)
    x = rng.normal(size=4)
    w = -x  # score w.x + b < 0 for b <= 0: the unit says 0
    b, eta = -1.0, 0.37
    res = linear.perceptron(x[None, :], np.array([1.0]), lr=eta, max_epochs=1, w0=w, b0=b)
    w1, b1 = res.path[1, :4], res.path[1, 4]
    assert np.isclose((w1 @ x + b1) - (w @ x + b), eta * (x @ x + 1))


def test_scaling_parameters_keeps_predictions():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 2))
    w, b = rng.normal(size=2), 0.2
    for c in (1e-3, 0.5, 7.3, 1e3):
        assert np.array_equal(linear.perceptron_predict(X, c * w, c * b),
                              linear.perceptron_predict(X, w, b))


def test_step_size_does_not_change_the_run_from_zero():
    X, y = data.separable_blobs(60, np.random.default_rng(4), margin=0.2)
    a = linear.perceptron(X, y, lr=1.0, rng=np.random.default_rng(5))
    b = linear.perceptron(X, y, lr=0.01, rng=np.random.default_rng(5))
    assert np.allclose(0.01 * a.path, b.path)
    assert np.array_equal(a.mistakes, b.mistakes)


@pytest.mark.parametrize("seed", range(20))
def test_chapter_run_converges_well_inside_novikoff_bound(seed):
    # the chapter's cell draws data and visiting order from default_rng([SEED, 5])
    rng = np.random.default_rng([seed, 5])
    w_true, b_true = np.array([1.0, -0.7]), 0.4
    X, y = data.separable_blobs(100, rng, margin=0.1, w=w_true, b=b_true)
    fit = linear.perceptron(X, y, max_epochs=1000, rng=rng)
    Xt = np.hstack([X, np.ones((len(X), 1))])
    u = np.append(w_true, b_true)
    u /= np.linalg.norm(u)
    gamma = np.min((2 * y - 1) * (Xt @ u))
    R = np.max(np.linalg.norm(Xt, axis=1))
    assert fit.converged
    assert np.all(linear.perceptron_predict(X, fit.w, fit.b) == y)
    # the chapter's claim "well inside the guarantee": a tenth of the bound, on every seed
    assert fit.mistakes.sum() < 0.1 * (R / gamma) ** 2


def test_xor_never_converges():
    X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([0.0, 0.0, 1.0, 1.0])
    fit = linear.perceptron(X, y, max_epochs=500)
    assert not fit.converged and np.all(fit.mistakes > 0)


@pytest.mark.parametrize("seed", range(10))
def test_overlapping_classes_never_converge(seed):
    rng = np.random.default_rng([seed, 7])
    X, y = data.overlapping_blobs(120, rng, distance=1.5)
    fit = linear.perceptron(X, y, max_epochs=100, rng=rng)
    assert not fit.converged and np.all(fit.mistakes > 0)


def test_perceptron_explorer_reacts_to_controls():
    X, y = data.separable_blobs(40, np.random.default_rng(0), margin=0.2)
    fit = linear.perceptron(X, y, rng=np.random.default_rng(1))
    ex = widgets.perceptron_explorer(X, y, fit)
    png0, text0 = ex.image.value, ex.text.value
    assert png0[:8] == b"\x89PNG\r\n\x1a\n" and "0</b> misclassified" in text0
    ex.controls["update"].value = 0  # initial parameters w = 0, b = 0: all predicted 1
    assert ex.image.value != png0
    n0 = int(np.sum(y == 0))
    assert f"<b>{n0}</b> misclassified" in ex.text.value
    ex.controls["mode"].value = "by hand"
    ex.controls["b"].value = -4.0
    assert "b = -4.00" in ex.text.value
