"""The claims of chapter 6 (vanishing gradients and activation functions), each with an
oracle independent of the notebook's code path."""

import numpy as np
import pytest

from lib import MLP, activations, diagnostics, optim, widgets
from lib import scalar_chain as sc


def test_sigmoid_prime_at_most_quarter_max_at_zero():
    z = np.linspace(-30, 30, 600001)
    d = activations.sigmoid_prime(z)
    assert d.max() == 0.25 and z[np.argmax(d)] == 0.0
    z = z[np.abs(z) <= 10]
    s = 1 / (1 + np.exp(-z))
    assert np.allclose(activations.sigmoid_prime(z), s * (1 - s), atol=1e-15)


@pytest.mark.parametrize("w", [0.5, 1.0, 2.0, 4.0, -2.0])
def test_sigmoid_chain_decays_at_least_like_bound(w):
    depths = np.arange(1, 31)
    g = np.array([abs(float(sc.scalar_chain(np.full(d, w), 1.0).grad_w1)) for d in depths])
    assert np.all(g <= 0.25 * (abs(w) / 4) ** (depths - 1.0) * (1 + 1e-12))
    rate = np.polyfit(depths[10:], np.log(g[10:]), 1)[0]
    assert rate <= np.log(abs(w) / 4)
    u = w  # the fixed point of u <- w sigma(u) in plain numpy
    for _ in range(300):
        u = w / (1 + np.exp(-u))
    s = 1 / (1 + np.exp(-u))
    assert abs(u - w * s) < 1e-12 * abs(u)
    assert abs(rate - np.log(abs(w) * s * (1 - s))) < 1e-3


@pytest.mark.parametrize("w", [0.7, 1.0, 1.3])
def test_relu_chain_is_product_of_weights(w):
    for d in range(1, 31):
        g = float(sc.scalar_chain(np.full(d, w), 2.0, "relu").grad_w1)
        assert np.isclose(g, w ** (d - 1) * 2.0, rtol=1e-13)
    assert 1.3 ** 29 > 1e3 and 0.7 ** 29 < 1e-4  # explodes / vanishes


def test_relu_prime_is_one_on_active_side():
    z = np.linspace(1e-9, 100, 1001)
    assert np.all(activations.relu_prime(z) == 1.0)
    assert np.all(activations.leaky_relu_prime(z, 0.1) == 1.0)
    assert np.all(activations.elu_prime(z) == 1.0)


def test_glorot_bengio_sigmoid_vanishes_relu_does_not():
    rng = np.random.default_rng(3)
    X, y = rng.standard_normal((128, 50)), rng.integers(0, 10, 128)
    ratio = {}
    for act in ["sigmoid", "relu"]:
        model = MLP((50,) + (100,) * 8 + (10,), act)
        theta = model.init(np.random.default_rng(4), "he")
        s = diagnostics.layer_statistics(model, theta, X, y=y, loss="cross_entropy")
        ratio[act] = s.weight_grad_norms[0] / s.weight_grad_norms[7]
    assert ratio["sigmoid"] < 1e-3 and ratio["relu"] > 0.1


def test_softplus_prime_lipschitz_quarter_relu_prime_not():
    rng = np.random.default_rng(0)
    z1, z2 = rng.normal(0, 3, 100000), rng.normal(0, 3, 100000)
    q = np.abs(activations.sigmoid(z1) - activations.sigmoid(z2)) / np.abs(z1 - z2)
    assert q.max() <= 0.25 + 1e-9
    eps = 10.0 ** -np.arange(1, 9)
    q_relu = (activations.relu_prime(eps) - activations.relu_prime(-eps)) / (2 * eps)
    assert np.all(np.diff(q_relu) > 0) and q_relu[-1] > 1e7
    zz = np.linspace(-10, 10, 2001)
    assert np.array_equal(activations.relu(activations.relu(zz)), activations.relu(zz))


def _dead_unit_run(activation, alpha=None, epochs=1000, k=16, y=None):
    """The notebook's dead-unit experiment on data draw k; returns the (a_1, b_1) path and the
    epoch losses."""
    X = np.random.default_rng([6, k]).uniform(-2, 2, (128, 1))
    y = np.abs(X) if y is None else y
    model = MLP((1, 2, 1), activation, alpha=alpha)
    theta = model.flatten(_START)
    order_rng = np.random.default_rng([6, k + 1])
    path, losses = [(1.0, -3.0)], []
    for _ in range(epochs):
        fit = optim.train(model, theta, X, y, lr=0.05, epochs=1, batch_size=16, rng=order_rng)
        theta = fit.theta
        (A, b), _ = model.layers(theta)
        path.append((A[0, 0], b[0]))
        losses.append(fit.loss[-1])
    path = np.array(path)
    max_pre = np.max(path[:, :1] * X[:, 0] + path[:, 1:], axis=1)  # max_i (a_1 x_i + b_1)
    revival = int(np.argmax(max_pre > 0)) if np.any(max_pre > 0) else None
    return path, np.array(losses), revival, X


_START = [(np.array([[1.0], [-1.0]]), np.array([-3.0, 0.0])),
          (np.array([[0.5, 1.0]]), np.zeros(1))]


def test_dead_relu_stays_dead_exactly():
    path, losses, revival, _ = _dead_unit_run("relu", epochs=300)
    assert np.all(path == path[0]) and revival is None
    assert losses[-1] > 0.1  # one unit cannot fit |x|


def _best_one_unit_fit(x, y):
    """1/2 MSE of the best c + v ReLU(s (x - k)) over s = +-1 and a fine grid of kinks k."""
    best = np.inf
    yc = y - y.mean()
    for s in [1.0, -1.0]:
        for k in np.linspace(-2.5, 2.5, 10001):
            f = np.maximum(s * (x - k), 0.0)
            fc = f - f.mean()
            den = fc @ fc
            rss = yc @ yc - ((fc @ yc) ** 2 / den if den > 0 else 0.0)
            best = min(best, 0.5 * rss / len(x))
    return best


@pytest.mark.parametrize("k", [16, 20])
def test_dead_relu_stalls_at_the_best_one_unit_fit(k):
    """The notebook: 'the loss stalls at the best one-unit fit, 0.11 (... 0.1125)'."""
    _, losses, _, X = _dead_unit_run("relu", epochs=1000, k=k)
    oracle = _best_one_unit_fit(X[:, 0], np.abs(X[:, 0]))
    assert oracle - 1e-3 <= losses[-1] < oracle + 5e-3
    if k == 16:
        assert abs(oracle - 0.1125) < 5e-5


@pytest.mark.parametrize("k", [16, 20, 22, 24, 26, 28])
def test_leaky_relu_revives_faster_with_larger_alpha(k):
    """Six data draws: alpha = 0.1 revives within 150 epochs, alpha = 0.01 after 300 to 1000
    (the notebook: 'within 150 epochs', 'several hundred', 'several times faster')."""
    path1, losses1, rev1, _ = _dead_unit_run("leaky_relu", 0.1, epochs=150, k=k)
    assert rev1 is not None and rev1 < 150 and np.all(np.abs(np.diff(path1[:, 1])) > 0)
    path2, losses2, rev2, _ = _dead_unit_run("leaky_relu", 0.01, epochs=1000, k=k)
    assert rev2 is not None and 300 < rev2 < 1000 and 3 * rev1 < rev2
    assert losses2[-1] < 0.01


def test_leaky_unit_does_not_revive_at_zero_residual():
    X = np.random.default_rng([6, 16]).uniform(-2, 2, (128, 1))
    net = MLP((1, 2, 1), "leaky_relu", alpha=0.1)
    y_own = net.predict(net.flatten(_START), X)
    path, _, revival, _ = _dead_unit_run("leaky_relu", 0.1, epochs=30, y=y_own)
    assert np.all(path == path[0]) and revival is None


def test_chain_explorer_callback():
    ex = widgets.chain_explorer(max_depth=12)
    img, txt = ex.image.value, ex.text.value
    ex.controls["activation"].value = "relu"
    assert ex.image.value != img and ex.text.value != txt
    txt = ex.text.value
    ex.controls["w"].value = 1.5
    assert ex.text.value != txt


def test_gradient_histogram_explorer_callback():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((32, 10)), rng.integers(0, 3, 32)
    ex = widgets.gradient_histogram_explorer(X, y, width=20)
    img, txt = ex.image.value, ex.text.value
    ex.controls["activation"].value = "relu"
    assert ex.image.value != img and ex.text.value != txt
    txt = ex.text.value
    ex.controls["gain"].value = 2.0
    assert ex.text.value != txt


def test_sigmoid_network_equals_tanh_network_below_1e_12():
    """The weight map of chapter 6 written out here (C_1 = A_1/2, d_1 = b_1/2; middle layers
    C = A/4, d = b/2 + C 1; last C = A/2, d = b + C 1) and both forward passes in numpy."""
    sig = lambda u: 1 / (1 + np.exp(-u))  # noqa: E731
    for seed, widths in enumerate([(3, 8, 1), (5, 20, 20, 20, 2), (2, 16, 16, 16, 16, 3)]):
        rng = np.random.default_rng([6, 15, seed])
        net = MLP(widths, "sigmoid")
        theta = net.init(rng, "normal", bias=0.0) + 0.3 * rng.standard_normal(net.num_params)
        layers = net.layers(theta)
        X = rng.normal(0, 2, (100, widths[0]))
        z_s, z_t = X, X
        last = len(layers) - 1
        for j, (A, b) in enumerate(layers):
            if j == 0:
                C, d = A / 2, b / 2
            elif j < last:
                C = A / 4
                d = b / 2 + C.sum(axis=1)
            else:
                C = A / 2
                d = b + C.sum(axis=1)
            v_s, v_t = z_s @ A.T + b, z_t @ C.T + d
            z_s, z_t = (v_s, v_t) if j == last else (sig(v_s), np.tanh(v_t))
        scale = max(1.0, np.abs(z_s).max())
        assert np.abs(z_s - z_t).max() / scale < 1e-12
        assert np.abs(net.predict(theta, X) - z_s).max() / scale < 1e-12


_SIG = lambda u: 1 / (1 + np.exp(-u))  # noqa: E731
_NP = {"sigmoid": (_SIG, lambda u: _SIG(u) * (1 - _SIG(u))),
       "tanh": (np.tanh, lambda u: 1 / np.cosh(u) ** 2),
       "softplus": (lambda u: np.log(1 + np.exp(u)), _SIG)}


def _chain(w, b, acts, x, alpha):
    u, us = w[0] * x + b[0], []
    us.append(u)
    for ell in range(1, len(w)):
        u = w[ell] * _NP[acts[ell - 1]][0](u) + b[ell]
        us.append(u)
    return alpha * _NP[acts[-1]][0](u), us


def test_kink_values_take_the_negative_branch():
    assert activations.relu_prime(np.array([0.0]))[0] == 0.0
    assert activations.leaky_relu_prime(np.array([0.0]), 0.1)[0] == 0.1
    assert activations.elu_prime(np.array([0.0]))[0] == 1.0


@pytest.mark.parametrize("seed", range(4))
def test_eq23_with_layer_dependent_activations_against_complex_step(seed):
    rng = np.random.default_rng([6, 5, seed])
    w, b = rng.normal(0, 1.5, 10), rng.normal(0, 0.5, 10)
    acts = list(rng.choice(["sigmoid", "tanh", "softplus"], 10))
    _, us = _chain(w, b, acts, 1.5, 1.7)
    slopes = [_NP[a][1](u) for a, u in zip(acts, us, strict=True)]
    g23 = 1.7 * np.prod(w[1:]) * np.prod(slopes) * 1.5
    wc = w.astype(complex)
    wc[0] += 1e-20j
    g_cs = _chain(wc, b, acts, 1.5, 1.7)[0].imag / 1e-20
    assert abs(g23 - g_cs) <= 1e-12 * abs(g_cs)
    for act in ["sigmoid", "tanh", "softplus"]:  # lib's one-activation chain, same oracle
        g_lib = float(sc.scalar_chain(w, 1.5, act, biases=b, alpha=1.7).grad_w1)
        g_cs = _chain(wc, b, [act] * 10, 1.5, 1.7)[0].imag / 1e-20
        assert abs(g_lib - g_cs) <= 1e-12 * abs(g_cs)


def test_active_relu_chain_is_product_of_weights_with_biases():
    rng = np.random.default_rng([6, 5])
    w, b = np.abs(rng.normal(0, 1.5, 10)), np.abs(rng.normal(0, 0.5, 10))
    res = sc.scalar_chain(w, 1.5, "relu", biases=b, alpha=1.7)
    closed = 1.7 * np.prod(w[1:]) * 1.5
    assert closed > 0.1 and abs(float(res.grad_w1) - closed) <= 1e-12 * closed


def _bisect(f, lo, hi):
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < 0 else (lo, mid)
    return lo


def test_period_doubling_of_negative_weight_sigmoid_chains():
    t = _bisect(lambda s: s * _SIG(s) - 1, 0.0, 5.0)
    w_star = -t / _SIG(-t)
    assert abs(t - 1.2785) < 1e-4 and abs(w_star + 5.8696) < 1e-4
    u = np.linspace(1e-3, 20, 400001)
    assert abs(np.max(u * _SIG(-u)) - (t - 1)) < 1e-8  # best factor for w > 0
    for w in np.linspace(w_star + 0.05, -0.05, 60):  # attracting fixed point
        u_star = _bisect(lambda v, w=w: v - w * _SIG(v), w, 0.0)
        m = w * _SIG(u_star) * (1 - _SIG(u_star))
        assert -1 < m < 0 and abs(m - u_star * _SIG(-u_star)) < 1e-12
    for w in np.linspace(-60.0, w_star - 0.05, 60):  # repelling fixed point, 2-cycle
        u_star = _bisect(lambda v, w=w: v - w * _SIG(v), w, 0.0)
        assert w * _SIG(u_star) * (1 - _SIG(u_star)) < -1
        p = 1.0
        for _ in range(8000):
            p = w * _SIG(p)
        q = w * _SIG(p)
        assert abs(w * _SIG(q) - p) < 1e-10 and abs(p - q) > 0.05
        assert w * w * _SIG(p) * (1 - _SIG(p)) * _SIG(q) * (1 - _SIG(q)) < 1


def test_gradient_decays_like_a_power_at_w_star():
    """At w* the multiplier is -1: |df/dw1| ~ L^(-3/2) (plain-numpy orbit and eq. (23)), and
    the exponential rate tends to 0 as w approaches w* from either side."""
    t = _bisect(lambda s: s * _SIG(s) - 1, 0.0, 5.0)
    w_star = -t / _SIG(-t)

    def grads(w, depths):
        u, prod, out = w, abs(w) * _SIG(w) * (1 - _SIG(w)), {}
        for depth in range(2, max(depths) + 1):
            u = w * _SIG(u)
            prod *= abs(w) * _SIG(u) * (1 - _SIG(u))
            if depth in depths:
                out[depth] = prod / abs(w)
        return out

    g = grads(w_star, (100, 400, 1600))
    assert abs(np.log(g[400] / g[100]) / np.log(4) + 1.5) < 0.05
    assert abs(np.log(g[1600] / g[400]) / np.log(4) + 1.5) < 0.02
    assert abs(abs(float(sc.scalar_chain(np.full(100, w_star), 1.0).grad_w1)) - g[100]) \
        <= 1e-10 * g[100]
    rates = []  # per-layer rate between depths 2000 and 4000, for w -> w* from above
    for dw in [1.0, 0.3, 0.1]:
        gg = grads(w_star + dw, (2000, 4000))
        rates.append(np.log(gg[4000] / gg[2000]) / 2000)
    assert rates[0] < rates[1] < rates[2] < 0 and rates[2] > 0.2 * rates[0]


def test_gradient_at_w_minus_8_still_vanishes():
    """The printed 1.2e-05, 4.3e-13, 6.3e-41 (depths 10, 50, 200), from a plain-numpy orbit."""
    for depth, lo, hi in [(10, 1.15e-5, 1.25e-5), (50, 4.25e-13, 4.35e-13),
                          (200, 6.25e-41, 6.35e-41)]:
        u, slopes = 1.0 * -8.0, []
        for ell in range(depth):
            if ell:
                u = -8.0 * _SIG(u)
            slopes.append(_SIG(u) * (1 - _SIG(u)))
        g = 8.0 ** (depth - 1) * np.prod(slopes)
        assert lo < g < hi
        assert abs(abs(float(sc.scalar_chain(np.full(depth, -8.0), 1.0).grad_w1)) - g) \
            <= 1e-12 * g
    res = sc.scalar_chain(np.full(200, -8.0), 1.0)  # the exercise's printed cycle and factor
    p, q = res.pre_activations[-2:]
    assert abs(p + 3.559) < 5e-4 and abs(q + 0.221) < 5e-4
    m2 = 64 * _SIG(p) * (1 - _SIG(p)) * _SIG(q) * (1 - _SIG(q))
    assert abs(m2 - 0.425) < 5e-4


def _plain_backward(model, theta, X, y, f, df):
    """Forward and backward pass of the mean softmax cross-entropy in plain numpy."""
    Wb = model.layers(theta)
    zs, vs = [X], []
    for W, b in Wb[:-1]:
        vs.append(zs[-1] @ W.T + b)
        zs.append(f(vs[-1]))
    logits = zs[-1] @ Wb[-1][0].T + Wb[-1][1]
    p = np.exp(logits - logits.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    d = (p - np.eye(p.shape[1])[y]) / len(X)
    grads, deltas = [None] * len(Wb), [None] * len(Wb)
    for j in range(len(Wb) - 1, -1, -1):
        grads[j] = d.T @ zs[j]
        deltas[j] = len(X) * d @ Wb[j][0]
        if j:
            d = (d @ Wb[j][0]) * df(vs[j - 1])
    return grads, deltas, zs


@pytest.mark.parametrize("seed", range(5))
def test_glorot_bengio_design_over_seeds(seed):
    """Plain-numpy backprop equals lib's; sigmoid shrinks by 2.5-4 per layer, ReLU keeps its
    deltas within 1.5; about half the ReLU outputs are zero."""
    rng = np.random.default_rng([6, 10, seed])
    X, y = rng.standard_normal((256, 100)), rng.integers(0, 10, 256)
    relu = (lambda u: np.maximum(u, 0), lambda u: (u > 0) * 1.0)
    out = {}
    for act, (f, df) in [("sigmoid", _NP["sigmoid"]), ("relu", relu)]:
        model = MLP((100,) + (128,) * 8 + (10,), act)
        theta = model.init(np.random.default_rng([6, 11, seed]), "he")
        s = diagnostics.layer_statistics(model, theta, X, y=y, loss="cross_entropy")
        grads, deltas, zs = _plain_backward(model, theta, X, y, f, df)
        for g_np, g_lib in zip(grads, s.weight_grads, strict=True):
            assert np.abs(g_np - g_lib).max() <= 1e-10 * np.abs(g_np).max()
        rms = np.array([np.sqrt(np.mean(np.sum(dj**2, axis=1))) for dj in deltas])
        assert np.allclose(rms, s.delta_norms[:9], rtol=1e-10)
        out[act] = (np.linalg.norm(grads[0]) / np.linalg.norm(grads[7]), rms[1:9], zs[1:])
    sig_ratio, sig_d, _ = out["sigmoid"]
    relu_ratio, relu_d, relu_z = out["relu"]
    assert 10**-4.5 < sig_ratio < 10**-3.5 and relu_ratio > 0.1  # about four orders
    assert np.all(np.diff(sig_d) > 0) and 2.5 < (sig_d[-1] / sig_d[0]) ** (1 / 7) < 4
    assert relu_d.max() / relu_d.min() < 1.5
    assert all(abs(np.mean(z == 0) - 0.5) < 0.1 for z in relu_z)
    per_input = np.array([np.mean(z == 0, axis=1) for z in relu_z])  # layer x input
    assert 0.25 < per_input.min() < 0.4 and 0.6 < per_input.max() < 0.75


def test_relu_zero_fraction_per_input_between_a_quarter_and_three_quarters():
    """The chapter's sparsity sentence over 60 draws of the data and the He weights (plain
    numpy forward pass): per input and layer the fraction of exact zeros stays inside
    (1/4, 3/4); a third and two thirds would not hold for every draw."""
    lo, hi = [], []
    for seed in range(60):
        rng = np.random.default_rng([6, 10, seed])
        z = rng.standard_normal((256, 100))
        model = MLP((100,) + (128,) * 8 + (10,), "relu")
        fracs = []
        for W, b in model.layers(model.init(np.random.default_rng([6, 11, seed]), "he"))[:-1]:
            z = np.maximum(z @ W.T + b, 0)
            fracs.append(np.mean(z == 0, axis=1))
        lo.append(np.min(fracs))
        hi.append(np.max(fracs))
    assert 0.25 < min(lo) and max(hi) < 0.75
    # the spread is real, well away from 1/2: in every draw some input has a zero fraction
    # below 0.45 and some above 0.55 (extremes 51/128 and 77/128 over these draws), and in
    # the typical draw below 0.4 and above 0.6 (medians 46/128 and 81/128)
    assert max(lo) < 0.45 and min(hi) > 0.55
    assert np.median(lo) < 0.4 and np.median(hi) > 0.6


@pytest.mark.parametrize("seed", range(4))
def test_tanh_deltas_shrink_under_standard_uniform_initialization(seed):
    """Glorot and Bengio's U[-1/sqrt(n), 1/sqrt(n)], zero biases: the tanh network's deltas
    shrink towards the input by about 50 over seven layers (plain-numpy backward pass)."""
    rng = np.random.default_rng([6, 10, seed])
    X, y = rng.standard_normal((256, 100)), rng.integers(0, 10, 256)
    model = MLP((100,) + (128,) * 8 + (10,), "tanh")
    r = np.random.default_rng([6, 12, seed])
    layers = [(r.uniform(-1 / np.sqrt(W.shape[1]), 1 / np.sqrt(W.shape[1]), W.shape),
               np.zeros(b.shape)) for W, b in model.layers(np.zeros(model.num_params))]
    _, deltas, _ = _plain_backward(model, model.flatten(layers), X, y, *_NP["tanh"])
    rms = np.array([np.sqrt(np.mean(np.sum(dj**2, axis=1))) for dj in deltas])[1:9]
    assert np.all(np.diff(rms) > 0) and 0.01 < rms[0] / rms[-1] < 0.05


@pytest.mark.parametrize("seed", range(3))
def test_gain_multiplies_relu_deltas_per_layer(seed):
    rng = np.random.default_rng([6, 10, seed])
    X, y = rng.standard_normal((256, 100)), rng.integers(0, 10, 256)
    for act, gain in [("relu", 0.5), ("relu", 2.0), ("tanh", 1.0)]:
        model = MLP((100,) + (128,) * 8 + (10,), act)
        theta = model.init(np.random.default_rng([6, 11, seed]), "he", gain=gain)
        d = diagnostics.layer_statistics(model, theta, X, y=y,
                                         loss="cross_entropy").delta_norms[1:9]
        if act == "relu":
            assert 0.6 * gain**7 < d[0] / d[-1] < 1.6 * gain**7
        else:
            assert d.max() / d.min() < 2


def test_lib_tanh_map_equals_ryus_formulas():
    from lib import reparam
    rng = np.random.default_rng([6, 15])
    net = MLP((4, 9, 9, 9, 2), "sigmoid")
    layers = net.layers(net.init(rng, "normal") + 0.3 * rng.standard_normal(net.num_params))
    mapped = reparam.sigmoid_to_tanh(layers)
    n = len(layers)
    for ell, ((A, b), (C, d)) in enumerate(zip(layers, mapped, strict=True)):
        c_exp = A / 2 if ell in (0, n - 1) else A / 4
        d_exp = b / 2 if ell == 0 else (b / 2 + c_exp.sum(1) if ell < n - 1 else b + c_exp.sum(1))
        assert np.allclose(C, c_exp, rtol=1e-15, atol=0)
        assert np.allclose(d, d_exp, rtol=1e-14, atol=1e-15)


def test_softplus_network_is_not_globally_smooth():
    h = 1e-3
    for u in [1.0, 10.0, 1000.0]:  # d^2/da^2 of u softplus(a) at a = 0 is u/4
        c = u * (np.log1p(np.exp(h)) - 2 * np.log(2.0) + np.log1p(np.exp(-h))) / h**2
        assert abs(c - u / 4) < 1e-5 * u


def test_extra_identity_relu_layer_changes_nothing():
    rng = np.random.default_rng(0)
    W1, b1, X = rng.normal(size=(6, 3)), rng.normal(size=6), rng.normal(size=(50, 3))
    hidden = np.maximum(X @ W1.T + b1, 0)
    assert np.array_equal(np.maximum(hidden @ np.eye(6), 0), hidden)
