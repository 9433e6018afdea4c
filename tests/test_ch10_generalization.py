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
        X1, X2 = np.random.default_rng(0).uniform(-1, 1, (2, 500, 1))
        ratios = np.abs(RES_NET.predict(t, X1) - RES_NET.predict(t, X2)) / np.abs(X1 - X2)
        assert np.all(ratios <= lipschitz.lipschitz_bound(RES_NET, t))
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

    tl = np.array([test_loss(t) for t in large.values()])
    ts = np.array([test_loss(t) for t in small.values()])
    assert tl.min() > 1.05 * ts.max()  # every large-scale fit is worse than every small one
    assert np.median(ts) < np.median(tl) < 2 * np.median(ts)  # medians within a factor two
    paired = set(small) & set(large)
    assert paired
    for s in paired:
        assert test_loss(large[s]) > 1.2 * test_loss(small[s])
    # the printed p-value: the chance that the 2 large losses are the 2 largest of 6
    # exchangeable values, counted over all orderings
    from itertools import permutations
    hits = [set(perm[:2]) == {0, 1} for perm in permutations(range(6))]
    assert len(small) == 4 and len(large) == 2
    assert abs(np.mean(hits) - 1 / 15) < 1e-12


def test_non_interpolating_minimum_has_large_individual_gradients():
    net = lib.MLP((1, 8, 8, 1), "tanh")
    X = np.repeat(np.linspace(-1, 1, 4)[:, None], 2, axis=0)
    y = np.sin(3 * X) + 0.3 * np.tile([[1.0], [-1.0]], (4, 1))
    fit = optim.levenberg_marquardt(net, net.init(np.random.default_rng(0), "xavier"), X, y,
                                        iters=200)
    G = landscape.per_example_gradients(net, fit.theta, X, y)
    assert net.loss(fit.theta, X, y) > 1e-3
    # each pair's residuals are +-0.3 at the best fit: f = 0.045, from the residuals directly
    r = net.predict(fit.theta, X) - y
    assert abs(np.mean(0.5 * r**2) - 0.5 * 0.3**2) < 1e-6
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
            F = landscape.loss_slice(net, th, X, y, d1, d2, t, t)
            peaks[act].append(F.max())
            if act == "tanh":  # |m| <= |w_5| + |b_5| (the last hidden unit is in (-1, 1))
                for i, t2 in enumerate(t):
                    for j, t1 in enumerate(t):
                        p = th + t1 * d1 + t2 * d2
                        cap = 0.5 * np.sum((abs(p[-2]) + abs(p[-1]) + np.abs(y)) ** 2)
                        assert F[i, j] <= cap * (1 + 1e-12)
    assert min(peaks["leaky_relu"]) > 100 * max(peaks["tanh"])


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


def _first_fit():
    X, y = _data(10)
    fits = _fits(X, y, [RES_NET.init(np.random.default_rng(s), "uniform") for s in range(12)], 1)
    return X, y, fits[0]


def test_five_affine_layers_give_degree_five_homogeneity():
    # plain numpy forward pass of the 1-5-5-5-1-1 LeakyReLU net with zero biases
    rng = np.random.default_rng(0)
    shapes = [(5, 1), (5, 5), (5, 5), (1, 5), (1, 1)]
    Ws = [rng.standard_normal(s) for s in shapes]
    X = rng.uniform(-1, 1, (7, 1))

    def forward(t):
        z = X
        for j, W in enumerate(Ws):
            z = z @ (t * W).T
            if j < 4:
                z = np.maximum(z, 0.01 * z)
        return z

    for t in (0.5, 2.0, 3.0):
        assert np.allclose(forward(t), t**5 * forward(1.0), rtol=1e-12, atol=1e-14)
    net = lib.MLP((1, 5, 5, 5, 1, 1), "leaky_relu")
    theta = net.flatten([(W, np.zeros(W.shape[0])) for W in Ws])
    assert np.allclose(net.predict(theta, X), forward(1.0), rtol=1e-12, atol=1e-14)


def test_weight_decay_underfits_the_six_points():
    rng = np.random.default_rng(10)
    f = lambda x: np.sin(3 * x)  # noqa: E731
    X, y = data.regression_1d(6, rng, f, low=-1, high=1, noise=0.1, grid=True)
    Xt, yt = data.regression_1d(400, rng, f, low=-1, high=1, grid=True)
    net = lib.MLP((1, 20, 20, 1), "tanh")
    t0 = net.init(np.random.default_rng(1), "xavier")
    plain = lib.train(net, t0, X, y, lr=0.05, epochs=3000)
    decay = lib.train(net, t0, X, y, lr=0.05, epochs=3000, weight_decay=1e-2)

    def test_loss(t):
        return 0.5 * np.mean((net.predict(t, Xt) - yt) ** 2)

    assert test_loss(decay.theta) > 1.5 * test_loss(plain.theta)
    r = net.predict(decay.theta, X) - y
    # the loss of the target itself on the six points (the realized label noise)
    realized = 0.5 * np.mean((y - np.sin(3 * X)) ** 2)
    assert 0.0015 < realized < 0.003
    assert 0.5 * np.mean(r**2) > 5 * realized


def test_continuation_along_the_zero_loss_set_swings_between_points():
    X, y, theta = _first_fit()
    x0 = np.zeros((1, 1))
    start_mid = RES_NET.predict(theta, x0)[0, 0]
    start_norm = np.sqrt(np.sum(theta**2))
    for _ in range(30):
        J = RES_NET.output_jacobian(theta, X)
        g = RES_NET.output_jacobian(theta, x0)[0]
        # projection onto the null space of J by least squares (a different route than the
        # notebook's normal equations)
        g_row = np.linalg.lstsq(J.T, g, rcond=None)[0]
        tangent = g - J.T @ g_row
        assert np.abs(J @ tangent).max() < 1e-8 * np.linalg.norm(g)
        theta = theta + 0.3 * tangent / np.linalg.norm(tangent)
        for _ in range(5):
            r = RES_NET.predict(theta, X)[:, 0] - y[:, 0]
            theta = theta - np.linalg.lstsq(RES_NET.output_jacobian(theta, X), r, rcond=None)[0]
    assert np.abs(RES_NET.predict(theta, X) - y).max() < 1e-9
    assert RES_NET.predict(theta, x0)[0, 0] > start_mid + 2
    assert start_norm < np.sqrt(np.sum(theta**2)) < 1.5 * start_norm


def test_interpolating_hessian_is_gauss_newton_and_sharpness_is_not_invariant():
    X, y, theta = _first_fit()
    h = 1e-6
    J = np.stack([(RES_NET.predict(theta + h * e, X) - RES_NET.predict(theta - h * e, X))[:, 0]
                  / (2 * h) for e in np.eye(theta.size)], axis=1)
    gn = np.linalg.eigvalsh(J @ J.T / len(X)).max()
    lam = landscape.top_hessian_eigenvalue(RES_NET, theta, X, y, np.random.default_rng(0),
                                           iters=60)[0]
    assert abs(lam - gn) < 1e-3 * gn
    # Dinh et al.: (W31, b31, w) -> (W31 / 10, b31 / 10, 10 w) keeps the function
    layers = RES_NET.unflatten(theta)
    (W, b), (w, c0) = layers[-2], layers[-1]
    layers[-2], layers[-1] = (W / 10, b / 10), (10 * w, c0)
    sharp = RES_NET.flatten(layers)
    grid = np.linspace(-1, 1, 50)[:, None]
    assert np.allclose(RES_NET.predict(sharp, grid), RES_NET.predict(theta, grid))
    lam_sharp = landscape.top_hessian_eigenvalue(RES_NET, sharp, X, y,
                                                 np.random.default_rng(0), iters=60)[0]
    assert lam_sharp > 30 * lam  # about 44-fold
    # and the norm exercise: (10 W31, 10 b31, w / 10) keeps the function and the bound
    layers = RES_NET.unflatten(theta)
    layers[-2], layers[-1] = (10 * W, 10 * b), (w / 10, c0)
    big = RES_NET.flatten(layers)
    assert np.allclose(RES_NET.predict(big, grid), RES_NET.predict(theta, grid))
    # the norm grows like 10 |W31| (W31 is a small part of theta here)
    assert np.linalg.norm(big) > 1.1 * np.linalg.norm(theta)
    assert np.isclose(lipschitz.lipschitz_bound(RES_NET, big),
                      lipschitz.lipschitz_bound(RES_NET, theta), rtol=1e-10)


def test_individual_gradient_norm_equals_sqrt_2f_times_jacobian_norm():
    net = lib.MLP((1, 8, 8, 1), "tanh")
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (5, 1))
    y = rng.standard_normal((5, 1))
    theta = net.init(np.random.default_rng(2), "xavier")
    G = landscape.per_example_gradients(net, theta, X, y)
    h = 1e-6
    J = np.stack([(net.predict(theta + h * e, X) - net.predict(theta - h * e, X))[:, 0]
                  / (2 * h) for e in np.eye(theta.size)], axis=1)
    f_i = 0.5 * (net.predict(theta, X)[:, 0] - y[:, 0]) ** 2
    assert np.allclose(np.linalg.norm(G, axis=1), np.sqrt(2 * f_i) * np.linalg.norm(J, axis=1),
                       rtol=1e-6)


def test_small_batch_sgd_ends_flatter_than_gradient_descent():
    rng = np.random.default_rng([10, 20])
    X, y = data.regression_1d(20, rng, lambda x: np.sin(3 * x), low=-1, high=1, noise=0.1)
    net = lib.MLP((1, 32, 32, 1), "tanh")
    lams = {1: [], 20: [], "polished": []}

    def dense_top_eigenvalue(theta, h=1e-5):
        p = theta.size
        H = np.empty((p, p))
        for k in range(p):
            e = np.zeros(p)
            e[k] = h
            H[k] = (net.loss_and_grad(theta + e, X, y)[1]
                    - net.loss_and_grad(theta - e, X, y)[1]) / (2 * h)
        return np.linalg.eigvalsh(0.5 * (H + H.T)).max()

    for s in range(3):
        t0 = net.init(np.random.default_rng([10, 21, s]), "xavier")
        for B, epochs in ((1, 250), (20, 5000)):
            run = lib.train(net, t0, X, y, lr=0.1, epochs=epochs, batch_size=B,
                            rng=np.random.default_rng([10, 22, s]))
            # top Hessian eigenvalue from a dense finite-difference Hessian
            lams[B].append(dense_top_eigenvalue(run.theta))
            if B == 1:  # the SGD end point polished by 2000 full-batch GD steps
                pol = lib.train(net, run.theta, X, y, lr=0.01, epochs=2000)
                lams["polished"].append(dense_top_eigenvalue(pol.theta))
    assert max(lams[1]) < 0.5 * min(lams[20])
    assert max(lams["polished"]) < 0.5 * min(lams[20])
    assert all(abs(lam - 20) < 5 for lam in lams[20])
    assert max(lams[20]) > 20  # at least one GD run ends above 2 / lr


def test_three_fits_have_different_test_losses():
    rng = np.random.default_rng(10)
    f = lambda x: np.sin(3 * x)  # noqa: E731
    X, y = data.regression_1d(6, rng, f, low=-1, high=1, noise=0.1, grid=True)
    Xt, yt = data.regression_1d(400, rng, f, low=-1, high=1, grid=True)
    fits = _fits(X, y, [RES_NET.init(np.random.default_rng(s), "uniform") for s in range(12)], 3)
    tests = [0.5 * np.mean((RES_NET.predict(t, Xt) - yt) ** 2) for t in fits]
    assert max(tests) > 1.2 * min(tests)


def test_residual_factors_are_close_to_two_and_slopes_stay_below_five():
    X, y, theta = _first_fit()
    # walk the flat vector by hand: per layer the weights (row-major), then the biases
    widths = (1,) + (5,) * 30 + (1, 1)
    k, norms = 0, []
    for j, (n_in, n_out) in enumerate(zip(widths[:-1], widths[1:], strict=True)):
        W = theta[k:k + n_in * n_out].reshape(n_out, n_in)
        k += n_out * (n_in + 1)
        if 1 <= j <= 29:  # the 5 -> 5 residual layers
            norms.append(np.linalg.svd(W, compute_uv=False)[0])
    assert k == theta.size and len(norms) == 29
    assert 0.75 < min(norms) and max(norms) < 1.45
    L = np.prod(1 + np.array(norms))  # times the factors of the plain layers
    assert 2.0**27 < L < 2.0**31
    X1, X2 = np.random.default_rng(2).uniform(-1, 1, (2, 2000, 1))
    ratios = np.abs(RES_NET.predict(theta, X1) - RES_NET.predict(theta, X2)) / np.abs(X1 - X2)
    assert ratios.max() < 5


def _double_descent(base, ratios, draws=5, d=20, N=100, N_test=1000, sigma=0.5):
    """Random ReLU features, minimum-norm least squares by the pseudo-inverse."""
    widths = np.rint(np.asarray(ratios) * N).astype(int)
    out = {k: np.empty((draws, len(widths))) for k in ("test", "norm", "rad", "clipped")}
    for k in range(draws):
        rng = np.random.default_rng([10, base, k])
        beta = rng.standard_normal(d) / np.sqrt(d)
        X, Xt = rng.standard_normal((N, d)), rng.standard_normal((N_test, d))
        y, yt = (Z @ beta + 0.5 * np.tanh(Z[:, 0] * Z[:, 1]) + sigma * rng.standard_normal(len(Z))
                 for Z in (X, Xt))
        W = rng.standard_normal((d, widths.max())) / np.sqrt(d)
        for j, P in enumerate(widths):
            Phi = np.maximum(X @ W[:, :P], 0) / np.sqrt(P)
            c = np.linalg.pinv(Phi, rcond=1e-13) @ y
            err = np.maximum(Xt @ W[:, :P], 0) / np.sqrt(P) @ c - yt
            out["test"][k, j] = np.mean(err**2)
            out["clipped"][k, j] = np.mean(np.minimum(err**2, 1))
            out["norm"][k, j] = np.linalg.norm(c)
            out["rad"][k, j] = np.linalg.norm(c) / N * np.linalg.norm(Phi)  # Frobenius norm
    return out


def test_double_descent_peak_fall_and_the_vacuous_rademacher_bound():
    ratios = np.array([0.25, 0.5, 0.9, 1.0, 1.1, 2.0, 4.0, 10.0])
    for base in (30, 40):  # the chapter's draws and five others
        dd = _double_descent(base, ratios)
        med = {k: np.median(v, axis=0) for k, v in dd.items()}
        i_half, i_one, i_two, i_ten = (int(np.flatnonzero(ratios == r)[0])
                                       for r in (0.5, 1.0, 2.0, 10.0))
        assert med["test"][i_one] > 10 * max(med["test"][i_half], med["test"][i_two])
        assert med["test"][i_ten] < 0.9 * med["test"][ratios < 1].min()
        assert np.argmax(med["norm"]) == i_one
        assert np.all(np.diff(med["norm"][ratios >= 1]) < 0)
        assert med["rad"][i_one] > 5 * max(med["rad"][i_half], med["rad"][i_two])
        assert np.all(4 * dd["rad"] > 1) and np.all(dd["clipped"] < 1)


def test_rademacher_average_of_a_linear_class_is_below_the_frobenius_bound():
    # E_s |sum_i s_i phi_i| <= sqrt(sum_i |phi_i|^2), exactly by enumerating all 2^10 signs
    rng = np.random.default_rng(5)
    Phi = np.maximum(rng.standard_normal((10, 7)), 0)
    signs = np.array(np.meshgrid(*[[-1.0, 1.0]] * 10)).reshape(10, -1).T
    exact = np.linalg.norm(signs @ Phi, axis=1).mean()
    assert exact <= np.linalg.norm(Phi)
    # and E_s |sum_i s_i phi_i|^2 = sum_i |phi_i|^2 (Jensen's step is the only loss)
    assert np.isclose(np.mean(np.linalg.norm(signs @ Phi, axis=1) ** 2), np.sum(Phi**2))


def test_sgd_points_polished_stay_flat_and_generalize_worse():
    rng = np.random.default_rng([10, 20])
    f = lambda x: np.sin(3 * x)  # noqa: E731
    X, y = data.regression_1d(20, rng, f, low=-1, high=1, noise=0.1)
    Xt = np.linspace(-1, 1, 400)[:, None]
    yt = f(Xt)
    net = lib.MLP((1, 32, 32, 1), "tanh")

    def loss(t, A, b):
        return 0.5 * np.mean((net.predict(t, A) - b) ** 2)

    rows = {"sgd": [], "gd": [], "pol": []}  # (distance, norm, train, test)
    spreads = []
    for s in range(5):
        t0 = net.init(np.random.default_rng([10, 21, s]), "xavier")
        for key, B, epochs in (("sgd", 1, 250), ("gd", 20, 5000)):
            run = lib.train(net, t0, X, y, lr=0.1, epochs=epochs, batch_size=B,
                            rng=np.random.default_rng([10, 22, s]))
            rows[key].append((np.linalg.norm(run.theta - t0), np.linalg.norm(run.theta),
                              loss(run.theta, X, y), loss(run.theta, Xt, yt)))
            if key == "gd":  # edge of stability without blow-up: the last 10 epochs
                last = np.asarray(run.loss[-10:])
                spreads.append((last.max() - last.min()) / last.mean())
            else:
                pol = lib.train(net, run.theta, X, y, lr=0.01, epochs=2000)
                rows["pol"].append((np.nan, np.nan, loss(pol.theta, X, y),
                                    loss(pol.theta, Xt, yt)))
    sgd, gd, pol = (np.array(rows[k]) for k in ("sgd", "gd", "pol"))
    assert np.sum(np.array(spreads) < 5e-3) >= 4 and max(spreads) < 0.2
    assert np.all(pol[:, 2] < sgd[:, 2])  # polishing lowers the loss: SGD ended off a minimum
    assert np.median(pol[:, 3]) > 1.5 * np.median(gd[:, 3])
    med_s, med_g = np.median(sgd, axis=0), np.median(gd, axis=0)
    assert abs(med_s[0] - med_g[0]) < 0.1 * med_g[0]
    assert abs(med_s[1] - med_g[1]) < 0.1 * med_g[1]


def _plain_residual_net(theta, X):
    """The 888-parameter network written out: 1 -> 5, 29 residual 5 -> 5, 5 -> 1, 1 -> 1."""
    shapes = [(5, 1)] + [(5, 5)] * 29 + [(1, 5), (1, 1)]
    z, k = X, 0
    for j, (n_out, n_in) in enumerate(shapes):
        W = theta[k:k + n_out * n_in].reshape(n_out, n_in)
        k += n_out * n_in
        b = theta[k:k + n_out]
        k += n_out
        u = z @ W.T + b
        leaky = np.where(u > 0, u, 0.01 * u)
        z = u if j == len(shapes) - 1 else (z + leaky if 1 <= j <= 29 else leaky)
    assert k == theta.size == 888
    return z


def test_norm_growing_walk_on_the_zero_loss_set_builds_a_swinging_interpolant():
    X, y, theta = _first_fit()
    Xt, yt = data.regression_1d(400, np.random.default_rng(10), lambda x: np.sin(3 * x),
                                low=-1, high=1, grid=True)  # the grid does not use the draws

    def test_loss(t):
        return 0.5 * np.mean((_plain_residual_net(t, Xt) - yt) ** 2)

    start_norm, start_test = np.sqrt(np.sum(theta**2)), test_loss(theta)
    tests = [start_test]
    for _ in range(48):
        J = RES_NET.output_jacobian(theta, X)
        # projection of theta onto null(J) by least squares (the notebook uses J J^T solves)
        d = theta - J.T @ np.linalg.lstsq(J.T, theta, rcond=None)[0]
        assert np.abs(J @ d).max() < 1e-9 * np.linalg.norm(theta)
        theta = theta + 0.02 * np.linalg.norm(theta) * d / np.linalg.norm(d)
        for _ in range(8):
            r = _plain_residual_net(theta, X)[:, 0] - y[:, 0]
            theta = theta - np.linalg.lstsq(RES_NET.output_jacobian(theta, X), r, rcond=None)[0]
        assert np.abs(_plain_residual_net(theta, X) - y).max() < 1e-8  # on the zero-loss set
        tests.append(test_loss(theta))
    assert np.sqrt(np.sum(theta**2)) > 2 * start_norm
    assert test_loss(theta) > 100 * start_test
    # the growth comes late: about tenfold over steps 0 to 32, about fiftyfold over 32 to 48
    assert 8 < tests[32] / tests[0] < 20 and 30 < tests[48] / tests[32] < 80
    x_fine = np.linspace(-1, 1, 2001)[:, None]
    assert np.abs(_plain_residual_net(theta, x_fine)).max() > 5 * np.abs(y).max()
    # lib's forward pass agrees with the plain one at the end point
    assert np.allclose(RES_NET.predict(theta, x_fine), _plain_residual_net(theta, x_fine),
                       rtol=1e-10, atol=1e-12)
