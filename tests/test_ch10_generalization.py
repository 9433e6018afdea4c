"""Chapter 10's claims, checked independently of the notebook."""

import numpy as np

import lib
from lib import data, landscape, lipschitz, optim, overparam, widgets

RES_NET = lib.MLP((1,) + (5,) * 30 + (1, 1), "leaky_relu", residual=True)


def _data(seed):
    rng = np.random.default_rng(seed)
    return data.regression_1d(6, rng, lambda x: np.sin(3 * x), low=-1, high=1, noise=0.1,
                              grid=True)


def _fits(X, y, starts, k):
    out = []
    for t0 in starts:
        fit = optim.levenberg_marquardt(RES_NET, t0, X, y, iters=40, tol=1e-16)
        if fit.converged:
            out.append(fit.theta)
        if len(out) == k:
            break
    return out


def test_888_parameters_and_many_zero_loss_solutions():
    assert RES_NET.num_params == 888
    X, y = _data(1)
    fits = _fits(X, y, [RES_NET.init(np.random.default_rng(s), "uniform") for s in range(12)], 2)
    assert len(fits) == 2
    grid = np.linspace(-1, 1, 101)
    for t in fits:
        assert np.max(np.abs(RES_NET.predict(t, X) - y)) < 1e-6
        # global minimum: per-example gradients vanish together with the average one
        G = landscape.per_example_gradients(RES_NET, t, X, y)
        assert np.linalg.norm(G, axis=1).max() < 1e-5
        # the Lipschitz bound holds for the trained net
        pairs = np.random.default_rng(0).uniform(-1, 1, (2, 500, 1))
        assert np.all(lipschitz.empirical_ratios(RES_NET, t, *pairs)
                      <= lipschitz.lipschitz_bound(RES_NET, t))
    diff = RES_NET.predict(fits[0], grid) - RES_NET.predict(fits[1], grid)
    assert np.abs(diff).max() > 0.01


def _norm_experiment():
    rng = np.random.default_rng(10)
    f = lambda x: np.sin(3 * x)  # noqa: E731
    X, y = data.regression_1d(6, rng, f, low=-1, high=1, noise=0.1, grid=True)
    Xt, yt = data.regression_1d(400, rng, f, low=-1, high=1, grid=True)
    groups = {}
    for label, gain in (("small", 0.4), ("large", 1.0)):
        groups[label] = {}
        for s in range(16):
            t0 = RES_NET.init(np.random.default_rng(s), "he", gain=gain)
            fit = optim.levenberg_marquardt(RES_NET, t0, X, y, iters=100, tol=1e-12)
            if fit.converged:
                groups[label][s] = fit.theta
    return X, y, Xt, yt, groups


def test_large_scale_fits_have_larger_norm_and_median_test_loss():
    X, y, Xt, yt, groups = _norm_experiment()
    small, large = groups["small"], groups["large"]
    assert len(small) >= 3 and len(large) >= 2
    for t in list(small.values()) + list(large.values()):
        assert np.max(np.abs(RES_NET.predict(t, X) - y)) < 1e-5  # perfect fit
    ns = [np.linalg.norm(t) for t in small.values()]
    nl = [np.linalg.norm(t) for t in large.values()]
    assert min(nl) > 1.5 * max(ns)

    def test_loss(t):  # direct evaluation, not MLP.loss
        return 0.5 * np.mean((RES_NET.predict(t, Xt) - yt) ** 2)

    assert (np.median([test_loss(t) for t in large.values()])
            > np.median([test_loss(t) for t in small.values()]))


def test_non_interpolating_minimum_has_large_individual_gradients():
    net = lib.MLP((1, 8, 8, 1), "tanh")
    X = np.repeat(np.linspace(-1, 1, 4)[:, None], 2, axis=0)
    y = np.sin(3 * X) + 0.3 * np.tile([[1.0], [-1.0]], (4, 1))
    fit = optim.levenberg_marquardt(net, net.init(np.random.default_rng(0), "xavier"), X, y,
                                        iters=200)
    G = landscape.per_example_gradients(net, fit.theta, X, y)
    assert net.loss(fit.theta, X, y) > 1e-3
    assert np.linalg.norm(G.mean(axis=0)) < 1e-3 * np.linalg.norm(G, axis=1).max()


def test_leaky_landscape_steeper_than_tanh_on_macro_scale():
    rng = np.random.default_rng(3)
    X, y = data.regression_1d(20, rng, lambda x: np.sin(3 * x), low=-1, high=1, noise=0.1)
    t = np.linspace(-3, 3, 21)
    peaks = {}
    for act in ("leaky_relu", "tanh"):
        net = lib.MLP((1, 5, 5, 5, 1, 1), act)
        assert net.num_params == 78
        th = optim.levenberg_marquardt(net, net.init(np.random.default_rng(6), "uniform"),
                                           X, y, iters=80).theta
        peaks[act] = []
        for s in range(3):
            d1, d2 = landscape.random_directions(net, th, np.random.default_rng(s),
                                                 normalization="none")
            peaks[act].append(landscape.loss_slice(net, th, X, y, d1, d2, t, t).max())
    assert min(peaks["leaky_relu"]) > 10 * max(peaks["tanh"])


def test_landscape_explorer_callback():
    rng = np.random.default_rng(0)
    X, y = data.regression_1d(10, rng, lambda x: x, noise=0.1)
    nets = {a: lib.MLP((1, 3, 1), a) for a in ("leaky_relu", "tanh")}
    thetas = {a: n.init(np.random.default_rng(1), "uniform") for a, n in nets.items()}
    ex = widgets.landscape_explorer(nets, thetas, X, y)
    img, txt = ex.image.value, ex.text.value
    ex.controls["activation"].value = "tanh"
    assert ex.image.value != img and ex.text.value != txt
    img = ex.image.value
    ex.controls["radius"].value = 1.0
    assert ex.image.value != img


def test_converged_fits_have_training_loss_below_printed_bound():
    # the notebook prints "training loss below 1e-12" for converged fits: recompute the mean
    # loss here in plain numpy from the residuals
    X, y = _data(10)
    for t in _fits(X, y, [RES_NET.init(np.random.default_rng(s), "uniform") for s in range(12)],
                   2):
        r = RES_NET.predict(t, X) - y
        assert np.mean(0.5 * r**2) < 1e-12


def test_gradient_descent_from_zero_reaches_pinv_solution_below_1e_12():
    for seed in range(5):
        rng = np.random.default_rng([10, 4, seed])
        A, b = rng.standard_normal((20, 100)), rng.standard_normal(20)
        x_gd = overparam.min_norm_least_squares_gd(A, b, steps=5000)
        # oracle: the minimum-norm solution from the normal equations of the rows
        x_min = A.T @ np.linalg.solve(A @ A.T, b)
        assert np.linalg.norm(x_gd - x_min) < 1e-12
