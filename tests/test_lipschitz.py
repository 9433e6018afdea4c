"""lib.lipschitz: the bound against direct SVDs and observed output differences."""

import numpy as np
import pytest

import lib
from lib import lipschitz


@pytest.mark.parametrize("act,res", [("tanh", False), ("leaky_relu", True), ("sigmoid", False)])
def test_bound_holds_and_matches_svd(act, res):
    net = lib.MLP((2, 4, 4, 4, 1), act, residual=res)
    rng = np.random.default_rng(0)
    theta = net.init(rng, "normal")
    factors = []
    for (W, _), a, r in zip(net.layers(theta), net.activations, net.residual_layers, strict=True):
        s = a.lipschitz * np.linalg.svd(W, compute_uv=False).max()
        factors.append(1 + s if r else s)
    L = lipschitz.lipschitz_bound(net, theta)
    assert np.isclose(L, np.prod(factors), rtol=1e-12)
    X1, X2 = rng.normal(size=(2, 3000, 2))
    assert np.all(lipschitz.empirical_ratios(net, theta, X1, X2) <= L)


def test_linear_network_bound_is_tight():
    net = lib.MLP((3, 1), "identity")
    theta = np.array([3.0, 4.0, 0.0, 1.0])
    assert np.isclose(lipschitz.lipschitz_bound(net, theta), 5.0)
    X1 = np.zeros((1, 3))
    X2 = np.array([[3.0, 4.0, 0.0]])
    assert np.isclose(lipschitz.empirical_ratios(net, theta, X1, X2)[0], 5.0)


def test_weight_norms():
    net = lib.MLP((1, 2, 1), "relu")
    theta = np.arange(7, dtype=float)
    assert np.isclose(lipschitz.weight_norm(net, theta), np.linalg.norm(theta))
    ws = [W for W, _ in net.layers(theta)]
    assert np.isclose(lipschitz.weight_norm(net, theta, "layer_sum"),
                      sum(np.linalg.norm(W) for W in ws))
    with pytest.raises(ValueError, match="kind"):
        lipschitz.weight_norm(net, theta, "nope")
    with pytest.raises(ValueError, match="differ"):
        lipschitz.empirical_ratios(net, theta, np.zeros((2, 1)), np.zeros((2, 1)))
