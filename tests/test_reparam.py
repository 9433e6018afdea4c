"""Tests of lib.reparam: the sigmoid <-> tanh weight map (Ryu HW3 5c). Oracle: direct
evaluation of both networks with lib.mlp; the identity tanh z = 2 sigma(2z) - 1."""

import numpy as np
import pytest

from lib import MLP, reparam


@pytest.mark.parametrize("widths", [(1, 1), (3, 8, 1), (5, 20, 20, 20, 2), (2,) + (16,) * 8 + (3,)])
def test_outputs_agree_and_maps_are_inverse(widths):
    rng = np.random.default_rng(len(widths))
    ns, nt = MLP(widths, "sigmoid"), MLP(widths, "tanh")
    for _ in range(3):
        th_s = rng.normal(0, 1, ns.num_params)
        X = rng.normal(0, 2, (50, widths[0]))
        th_t = nt.flatten(reparam.sigmoid_to_tanh(ns.layers(th_s)))
        out_s, out_t = ns.predict(th_s, X), nt.predict(th_t, X)
        assert np.max(np.abs(out_s - out_t)) <= 1e-12 * max(1, np.abs(out_s).max())
        back = ns.flatten(reparam.tanh_to_sigmoid(nt.layers(th_t)))
        assert np.allclose(back, th_s, rtol=1e-14, atol=1e-14)
        # the other direction: start from a tanh network
        th_s2 = ns.flatten(reparam.tanh_to_sigmoid(nt.layers(th_s)))
        assert np.allclose(nt.predict(th_s, X), ns.predict(th_s2, X), rtol=1e-12, atol=1e-12)


def test_hidden_outputs_are_related():
    rng = np.random.default_rng(5)
    ns, nt = MLP((3, 6, 6, 1), "sigmoid"), MLP((3, 6, 6, 1), "tanh")
    th_s = rng.normal(size=ns.num_params)
    th_t = nt.flatten(reparam.sigmoid_to_tanh(ns.layers(th_s)))
    X = rng.normal(size=(10, 3))
    zs, zt = ns.forward(th_s, X).z, nt.forward(th_t, X).z
    for j in (1, 2):
        assert np.allclose(zt[j], 2 * zs[j] - 1, atol=1e-14)


def test_does_not_mutate_and_validates():
    layers = [(np.ones((2, 3)), np.zeros(2)), (np.ones((1, 2)), np.zeros(1))]
    copy = [(W.copy(), b.copy()) for W, b in layers]
    reparam.sigmoid_to_tanh(layers)
    for (W, b), (W0, b0) in zip(layers, copy, strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
    with pytest.raises(ValueError, match="columns"):
        reparam.sigmoid_to_tanh([(np.ones((2, 3)), np.zeros(2)), (np.ones((1, 3)), np.zeros(1))])
    with pytest.raises(ValueError, match="b_1"):
        reparam.tanh_to_sigmoid([(np.ones((2, 3)), np.zeros(3))])
    with pytest.raises(ValueError, match="layers must be a non-empty list"):
        reparam.sigmoid_to_tanh([])
