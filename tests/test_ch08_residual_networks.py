"""Claims of chapter 8 (residual networks), checked independently of the notebook."""

from __future__ import annotations

import numpy as np

import lib
from lib import diagnostics, stacked, widgets


def widths(k):
    return (1,) + (5,) * k + (1, 1)


def test_parameter_counts_of_the_lecture():
    counts = [lib.MLP(widths(k), "leaky_relu").num_params for k in (3, 5, 10, 15, 45)]
    assert counts == [78, 138, 288, 438, 1338]
    assert lib.MLP(widths(45), "leaky_relu", residual=True).num_params == 1338


def test_zero_residual_blocks_equal_shallow_network():
    rng = np.random.default_rng(0)
    shallow = lib.MLP((1, 5, 1, 1), "leaky_relu")
    theta_s = shallow.init(rng, "he")
    deep = lib.MLP(widths(45), "leaky_relu", residual=True)
    ls = shallow.unflatten(theta_s)
    theta_d = deep.flatten([ls[0]] + [(np.zeros((5, 5)), np.zeros(5))] * 44 + ls[1:])
    xs = np.linspace(-2, 2, 101)
    assert np.max(np.abs(deep.predict(theta_d, xs) - shallow.predict(theta_s, xs))) < 1e-12
    # a plain network with the same zero layers outputs a constant
    assert np.ptp(lib.MLP(widths(45), "leaky_relu").predict(theta_d, xs)) == 0.0


def test_residual_backprop_matches_finite_differences():
    rng = np.random.default_rng(1)
    model = lib.MLP(widths(4), "leaky_relu", residual=True)
    theta = model.init(rng, "he")
    X = rng.uniform(-1, 1, (12, 1))
    y = np.sin(3 * X)
    report = lib.check_model_gradient(model, theta, X, y)
    assert report.max_relative_error < 1e-6
    # the residual recursion: delta_j = W_j^T (delta_{j+1} * sigma'(v_j)) + delta_{j+1}
    fp = model.forward(theta, X)
    _, dout = lib.losses.mse(fp.output, y)
    _, deltas = model.backward(theta, fp, dout, return_deltas=True)
    W, _ = model.layers(theta)[1]
    g = deltas[2] * model.activations[1].df(fp.v[1])
    assert np.allclose(deltas[1], g @ W + deltas[2], rtol=1e-12, atol=1e-15)


def test_backward_signal_vanishes_in_plain_not_residual():
    rng = np.random.default_rng(2)
    X = rng.uniform(-1, 1, (50, 1))
    y = np.sin(4 * X)
    plain = lib.MLP(widths(45), "leaky_relu")
    res = lib.MLP(widths(45), "leaky_relu", residual=True)
    th = plain.init(np.random.default_rng(3), "he")
    th_r = lib.init.scale_residual_blocks(res, th, 0.1)
    ratios = []
    for m, t in ((plain, th), (res, th_r)):
        fp = m.forward(t, X)
        _, dout = lib.losses.mse(fp.output, y)
        _, deltas = m.backward(t, fp, dout, return_deltas=True)
        norms = diagnostics.delta_norms(deltas)
        ratios.append(norms[0] / norms[-1])
    assert ratios[0] < 1e-3 * ratios[1]


def test_deep_plain_trains_worse_than_deep_residual():
    rng = np.random.default_rng(8)
    X = np.sort(rng.uniform(-1, 1, 50))[:, None]
    y = np.sin(4 * X) + 0.5 * X + 0.1 * rng.standard_normal((50, 1))
    model = lib.MLP(widths(45), "leaky_relu")
    plain = model.init(np.random.default_rng(45000), "he")
    res = lib.init.scale_residual_blocks(model, plain, 0.1)
    _, losses = stacked.train_many(model, np.stack([plain, res]), X, y, lr=0.03, epochs=600,
                                    residual=np.array([False, True]))
    assert losses[0, -1] > 0.5 * 0.5 * y.var()  # plain: stuck near the constant predictor
    assert losses[0, -1] > 3 * losses[1, -1]


def test_explorer_callback():
    xs = np.linspace(-1, 1, 20)
    X = xs[:, None]
    fits = {v: [np.sin(xs) * (i + 1) for i in range(2)] for v in ("plain", "residual")}
    losses = {"plain": [np.linspace(1, 0.5, 11), np.linspace(1, 0.9, 11)],
              "residual": [np.linspace(1, 0.1, 11), np.linspace(1, 0.05, 11)]}
    ex = widgets.residual_depth_explorer((3, 45), X, X, xs, fits, losses)
    img, txt = ex.image.value, ex.text.value
    ex.controls["depth"].value = 3
    assert ex.image.value != img and ex.text.value != txt
    img = ex.image.value
    ex.controls["variant"].value = "plain"
    assert ex.image.value != img and "residual" not in ex.text.value
