"""The claims of chapter 9 (initialization), with independent oracles: per-example norms
computed here from a hand-written forward/backward pass, closed-form gains, lecture ranges."""

import numpy as np
import pytest

from lib import MLP, diagnostics, init, randmat, widgets


def _manual_passes(model, theta, X, delta_out):
    """Forward and backward written out here (independent of MLP.backward)."""
    layers = model.layers(theta)
    z, v = [X], []
    for j, (W, b) in enumerate(layers):
        vj = z[-1] @ W.T + b
        v.append(vj)
        if j == model.n_layers - 1:
            z.append(vj)
        else:
            h = model.activations[j].f(vj)
            z.append(z[-1] + h if model.residual_layers[j] else h)
    deltas = [delta_out]
    for j in range(model.n_layers - 1, -1, -1):
        W, _ = layers[j]
        g = deltas[0] if j == model.n_layers - 1 else deltas[0] * model.activations[j].df(v[j])
        new = g @ W + (deltas[0] if model.residual_layers[j] else 0.0)
        deltas.insert(0, new)
    return z, deltas


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("act", ["relu", "leaky_relu", "tanh", "elu"])
def test_gain_bounds(act, residual):
    rng = np.random.default_rng(4)
    model = MLP((10,) + (16,) * 5 + (3,), act, residual=residual)
    theta = model.init(rng, "normal", bias=0.2)
    X, d_out = rng.normal(size=(40, 10)), rng.normal(size=(40, 3))
    z, deltas = _manual_passes(model, theta, X, d_out)
    for j, (W, b) in enumerate(model.layers(theta)):
        gain = np.linalg.norm(W, 2) + (1.0 if model.residual_layers[j] else 0.0)
        zin, zout = np.linalg.norm(z[j], axis=1), np.linalg.norm(z[j + 1], axis=1)
        assert np.all(zout <= gain * zin + np.linalg.norm(b) + 1e-10)
        din, dout = np.linalg.norm(deltas[j + 1], axis=1), np.linalg.norm(deltas[j], axis=1)
        assert np.all(dout <= gain * din + 1e-10)
    assert any(model.residual_layers) == residual


def test_lecture_tables_column_means_in_lecture_ranges():
    norm_range = [(1.65, 1.99), (1.82, 2.02), (1.90, 2.00), (1.87, 2.02), (1.95, 2.00),
                  (1.98, 2.01)]
    alpha_range = [(1.0, 1.0), (0.745, 0.812), (0.403, 0.443), (1.0, 1.0), (0.751, 0.764),
                   (0.425, 0.428)]
    norms, ratios = randmat.lecture_tables(np.random.default_rng(9), draws=50)
    assert norms.shape == (50, 6)
    for k in range(6):
        assert norm_range[k][0] <= norms[:, k].mean() <= norm_range[k][1]
        assert alpha_range[k][0] - 1e-12 <= ratios[:, k].mean() <= alpha_range[k][1] + 1e-12
    # oracle for alpha: a full SVD here, mean / largest singular value
    W = randmat.scaled_gaussian(1000, 1000, np.random.default_rng(1), lipschitz=0.5)
    s = np.linalg.svd(W, compute_uv=False)
    assert abs(s.mean() / s[0] - 4 / (3 * np.pi)) < 0.005
    assert abs(ratios[:, 5].mean() - 4 / (3 * np.pi)) < 0.005
    assert np.all(norms < 2.5) and norms[:, 5].std() < norms[:, 2].std() < norms[:, 0].std()


def _relu_norms(scheme, **kw):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 100))
    model = MLP((100,) * 27, "relu")
    theta = model.init(np.random.default_rng(1), scheme, **kw)
    s = diagnostics.layer_statistics(model, theta, X, delta_out=rng.normal(size=(100, 100)))
    return s.activation_norms[1:-1]


@pytest.mark.parametrize("scheme,kw", [("normal", {}), ("xavier", {}), ("he", {}),
                                       ("operator_norm", {}), ("operator_norm", {"alpha": 0.43})])
def test_relu_gain_matches_second_moment_formula(scheme, kw):
    a = _relu_norms(scheme, **kw)
    measured = np.exp(np.polyfit(np.arange(a.size), np.log(a), 1)[0])
    predicted = np.sqrt(100 * init.weight_std(scheme, 100, 100, **kw) ** 2 / 2)
    assert abs(measured / predicted - 1) < 0.05


def test_he_stable_normal_explodes_xavier_vanishes_for_relu():
    he = _relu_norms("he")
    assert he.max() / he.min() < 4
    assert _relu_norms("normal")[-1] > 1e15
    assert _relu_norms("xavier")[-1] < 1e-2


def test_operator_norm_with_alpha_inverse_sqrt2_is_he_on_square_layers():
    for n in (10, 100, 1000):
        assert np.isclose(init.weight_std("operator_norm", n, n, alpha=2**-0.5),
                          init.weight_std("he", n, n), rtol=1e-12)


def test_tanh_normal_saturates_and_backward_explodes():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((100, 100))
    model = MLP((100,) * 32, "tanh")
    theta = model.init(np.random.default_rng(1), "normal")
    s = diagnostics.layer_statistics(model, theta, X, delta_out=rng.normal(size=(100, 100)))
    assert s.activation_norms[1:-1].max() <= 10.0
    assert s.delta_norms[0] / s.delta_norms[-2] > 1e6


def test_initialization_explorer_callback():
    X = np.random.default_rng(0).standard_normal((20, 16))
    ex = widgets.initialization_explorer(X, width=16, max_depth=10)
    img, txt = ex.image.value, ex.text.value
    ex.controls["scheme"].value = "normal"
    assert ex.image.value != img and ex.text.value != txt
    txt = ex.text.value
    ex.controls["gain"].value = 0.5
    assert ex.text.value != txt
    txt = ex.text.value
    ex.controls["activation"].value = "tanh"
    assert ex.text.value != txt


def test_gaussian_norm_ratio_claims_hold_by_a_margin_over_seeds():
    """Chapter 9's claims on mean ||M|| / (sqrt(n) + sqrt(m)) with 500 draws, over several
    seeds; for m = 1 the norm is a chi variable with the closed-form mean
    sqrt(2) Gamma((n + 1)/2) / Gamma(n/2)."""
    from math import exp, lgamma, sqrt

    dims = np.array([10, 20, 50, 100, 200, 400])
    for seed in range(2):
        rng = np.random.default_rng([9, 2, seed])
        for m in (1, 10, 100):
            norms = np.array([np.linalg.svd(rng.standard_normal((500, n, m)),
                                            compute_uv=False)[:, 0].mean() for n in dims])
            ratio = norms / (np.sqrt(dims) + np.sqrt(m))
            assert np.all(ratio < 1.0) and np.all(ratio > 0.7)
            assert ratio[-1] > 0.95 or (m == 1 and ratio[-1] > ratio[0])
            if m == 1:
                chi_mean = np.array([sqrt(2) * exp(lgamma((n + 1) / 2) - lgamma(n / 2))
                                     for n in dims])
                # 500 draws of a chi variable (sd < 0.71): the mean within 6 standard errors
                assert np.all(np.abs(norms - chi_mean) < 6 * 0.71 / sqrt(500))
                assert chi_mean[0] / (sqrt(10) + 1) > 0.74  # the margin over 0.7
