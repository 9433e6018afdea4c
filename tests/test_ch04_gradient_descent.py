"""Chapter 4 claims (gradient descent, SGD, Ryu's problems 1-2), checked independently."""

import numpy as np

import lib
from lib import data, objectives, plotting, stochastic, widgets


def test_gd_step_minimises_first_order_model_by_grid_search():
    w = objectives.wavy_parabola()
    for x0, gamma in ((5.0, 1.0), (-3.0, 0.4), (0.7, 2.0)):
        m = objectives.first_order_model(w.f, w.grad, [x0], gamma)
        grid = np.linspace(-6, 6, 600_001)[:, None]
        best = grid[np.argmin(m(grid)), 0]
        assert abs(best - (-gamma * w.grad(np.array([x0]))[0])) < 3e-5


def test_gd_convergence_theorem_bound_along_runs():
    w = objectives.wavy_parabola()
    L = w.smoothness
    fstar = w.f(w.minima[0])
    for x0, g in ((6.0, 0.5), (-6.0, 1.0), (1.9, 1.6)):
        run = lib.gradient_descent(w.grad, x0, g, 200)
        vals = w.f(run)
        assert np.all(np.diff(vals) <= 1e-15)
        min_g2 = np.minimum.accumulate(w.grad(run)[:-1, 0] ** 2)
        T = np.arange(1, 201)
        assert np.all(min_g2 <= (vals[0] - fstar) / (T * g * (1 - L * g / 2)))


def test_divergence_threshold_of_wavy_example_is_ten():
    w = objectives.wavy_parabola()
    # far from the origin the map is x -> (1 - gamma/5) x - gamma cos x
    big = lib.gradient_descent(w.grad, 50.0, 10.5, 60)
    assert abs(big[-1, 0]) > 1e3
    bounded = lib.gradient_descent(w.grad, 50.0, 9.5, 200)
    assert np.max(np.abs(bounded[50:])) < 100


def test_sgd_beats_batch_gd_at_equal_budget_on_linear_regression():
    rng = np.random.default_rng(5)
    X = rng.normal(1.0, 1.0, size=(100, 1))
    y = 2.0 * X[:, 0] - 1.0 + 0.5 * rng.standard_normal(100)
    Xa = np.hstack([X, np.ones((100, 1))])
    opt = stochastic.linear_loss(np.linalg.lstsq(Xa, y, rcond=None)[0], X, y)
    gaps = {}
    for bsz in (None, 10, 1):
        p = stochastic.linear_sgd_path(X, y, np.array([-1.5, 2.5]), lr=0.15, epochs=4,
                                       batch_size=bsz, rng=np.random.default_rng(3))
        gaps[bsz] = stochastic.linear_loss(p[-1], X, y) - opt
    assert gaps[1] < gaps[None] and gaps[10] < gaps[None]


def test_ryu_parameter_count_and_setup():
    model = lib.MLP((1, 64, 64, 1), "sigmoid")
    assert model.num_params == (64 + 64) + (64**2 + 64) + (64 + 1) == 4353
    theta = model.init(np.random.default_rng(0), "normal", bias=0.03)
    layers = model.layers(theta)
    assert all(np.all(b == 0.03) for _, b in layers)
    assert abs(layers[1][0].std() - 1) < 0.05
    X, y = data.ryu_regression(512, np.random.default_rng(1))
    assert X.shape == y.shape == (512, 1)
    assert np.allclose(y, (X - 2) * np.cos(4 * X))
    res = lib.train(model, theta, X, y, loss="mse", lr=0.1, epochs=2, batch_size=128,
                    rng=np.random.default_rng(2))
    assert res.steps == 8  # 4 steps per epoch: 4000 steps for K = 1000


def test_ryu_problem2_short_run_does_not_fit_the_noise():
    # a shortened version of problem 2 (40 epochs): p >> N yet the training loss stays at
    # the noise floor and the test risk is floor + distance to f*
    model = lib.MLP((1, 64, 64, 1), "sigmoid")
    r = np.random.default_rng(2023)
    X, y = data.ryu_regression(512, r, noise=0.5)
    theta0 = model.init(r, "normal", bias=0.03)
    res = lib.train(model, theta0, X, y, loss="mse", lr=0.1, epochs=40, batch_size=128,
                    rng=r)
    floor = 0.125
    assert res.loss[-1] > 0.9 * floor
    Xt, yt = data.ryu_regression(20_000, np.random.default_rng(99), noise=0.5)
    pred = model.predict(res.theta, Xt)
    test = 0.5 * np.mean((pred - yt) ** 2)
    dist = 0.5 * np.mean((pred - data.ryu_target(Xt)) ** 2)
    assert abs(test - (floor + dist)) < 0.01


def test_gd_explorer_callbacks_change_image_and_text():
    ex = widgets.gd_explorer({"wavy": objectives.wavy_parabola(),
                              "quad": objectives.quadratic(np.diag([1.0, 10.0]))})
    img, txt = ex.image.value, ex.text.value
    assert "local minimum" in txt
    ex.controls["x0"].value = -6.0
    assert "global minimum" in ex.text.value and ex.image.value != img
    ex.controls["gamma"].value = 12.0
    assert "diverged" in ex.text.value
    ex.controls["function"].value = "quad"
    ex.controls["gamma"].value = 0.1
    ex.controls["x0"].value = 2.0
    ex.controls["steps"].value = 100
    assert "global minimum" in ex.text.value
    ex.controls["gamma"].value = 0.25
    assert "diverged" in ex.text.value


def test_gd_iterations_sweep_is_an_animation():
    w = objectives.wavy_parabola()
    p = lib.gradient_descent(w.grad, 6.0, 0.5, 3)
    html = widgets.gd_iterations_sweep([(w, p, (-2, 8), (-1.5, 6), "local")], steps=3).data
    assert "<script" in html and html.count("data:image/png") >= 4


def test_plot_helpers_return_axes():
    import matplotlib.pyplot as plt

    fig, ax = plotting.new_figure()
    q = objectives.quadratic(np.eye(2))
    assert plotting.gd_paths_2d(ax, q.f, [np.zeros((3, 2))], xlim=(-1, 1), ylim=(-1, 1)) is ax
    assert plotting.excess_error_bars(ax, [0, 1], [1, 0.5], [0.1, 0.2], [0.0, -0.01],
                                      total=[1.1, 0.69]) is ax
    plt.close(fig)


def test_beyond_threshold_step_neither_converges_nor_diverges():
    # exercise "Beyond the threshold": gamma = 3 > 2/f''(x*) at both minima
    w = objectives.wavy_parabola()
    assert np.all(1 - 3.0 * w.hess(w.minima)[:, 0, 0] < -1)  # both minima repel
    p = lib.gradient_descent(w.grad, 6.0, 3.0, 200)[:, 0]
    assert np.max(np.abs(p)) <= 6.0  # bounded
    assert np.any(np.diff(w.f(p[:, None])) > 0)  # f is not monotone
    tail = p[100:]
    assert np.min(np.abs(tail[:, None] - w.minima[:, 0])) > 0.5  # settles at no minimum
    assert tail.min() < 0 < tail.max()  # visits both sides of the hump


def _wavy_gd(x0, gamma, steps):
    """Plain-numpy gradient descent on f(x) = x^2/10 + sin x (independent of lib)."""
    x = [float(x0)]
    for _ in range(steps):
        x.append(x[-1] - gamma * (x[-1] / 5 + np.cos(x[-1])))
    return np.array(x)


def test_gamma_one_run_reaches_rounding_level_gradient():
    """Section 'When does a step decrease the loss?': after 50 steps with gamma = 1 from
    x0 = 6 the smallest |f'|^2 is below 1e-20 (the chapter prints that bound)."""
    run = _wavy_gd(6.0, 1.0, 50)
    g2 = (run[:-1] / 5 + np.cos(run[:-1])) ** 2
    assert np.min(g2) < 1e-20
    assert np.allclose(lib.gradient_descent(objectives.wavy_parabola().grad, 6.0, 1.0, 50)[:, 0],
                       run, rtol=1e-12, atol=1e-12)


def test_divergent_example_printed_digits_survive_perturbation():
    """Section 'Three examples': gamma = 11 from x0 = 2 for 12 steps amplifies a relative
    1e-12 change of x0 to about 6e-4 in x_12 and 3e-3 in f = 100.345..., so the chapter
    prints x_12 = -31.7 (one decimal) and f = 100 (none); both stay far from a rounding
    boundary under perturbations."""
    rng = np.random.default_rng([4, 4])
    for eps in np.concatenate([[0.0], 1e-12 * rng.standard_normal(20)]):
        x12 = _wavy_gd(2.0 * (1 + eps), 11.0, 12)[-1]
        f12 = x12**2 / 10 + np.sin(x12)
        assert abs(x12 - (-31.7)) < 0.04 and abs(f12 - 100) < 0.4
    # the run grows but stays finite: gradient descent returns it (no DivergenceError)
    path = lib.gradient_descent(objectives.wavy_parabola().grad, 2.0, 11.0, 12)
    assert path.shape == (13, 1) and np.all(np.isfinite(path))
    assert abs(path[-1, 0]) > 10 * abs(path[0, 0])


def test_minibatch_error_is_sigma2_over_k_for_many_seeds():
    """Section 'Stochastic gradient descent': k E|g_k - grad|^2 / sigma^2 is within 0.3 of 1
    for every k of the chapter's table, for every seed, not only the chapter's; the
    Monte-Carlo error is evaluated by plain numpy on the per-example gradients."""
    model = lib.MLP((1, 64, 64, 1), "sigmoid")
    r = np.random.default_rng(7)
    X, y = data.ryu_regression(512, r)
    theta = model.init(r, "normal", bias=0.03)
    G = stochastic.per_example_gradients(model, theta, X, y, "mse")
    full = G.mean(axis=0)
    sigma2 = np.mean(np.sum((G - full) ** 2, axis=1))
    ks = np.array([1, 4, 16, 64, 256, 1024, 4096])
    for seed in range(30):
        mc = np.random.default_rng([4, 11, seed])
        for k in ks:
            idx = mc.integers(0, 512, size=(400, k))
            errs = [np.sum((G[i].mean(axis=0) - full) ** 2) for i in idx] if k <= 16 else None
            if errs is None:  # large k: the same average through the counts of each example
                counts = np.stack([np.bincount(i, minlength=512) for i in idx])
                w = counts / k - 1 / 512
                errs = np.sum((w @ G) ** 2, axis=1)
            assert abs(k * np.mean(errs) / sigma2 - 1) < 0.3, (seed, k)


def _bisect(fun, lo, hi, iters=200):
    """A root of fun in [lo, hi] (fun changes sign there), by bisection."""
    for _ in range(iters):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if np.sign(fun(mid)) == np.sign(fun(lo)) else (lo, mid)
    return 0.5 * (lo + hi)


def test_numbers_quoted_for_the_wavy_function():
    """Sections 'Three examples' and exercise 'Beyond the threshold': the stationary points of
    f(x) = x^2/10 + sin x near 3.84 (local min), 1.98 (hump), -1.31 (global min), L = 1.2,
    f'' = 1.17 and 0.84 at the minima (to two decimals) and the factors 1 - 3 f'' = -2.5 and
    -1.5, from plain numpy (bisection on f'(x) = x/5 + cos x) and compared with lib's minimisers."""
    fp = lambda x: x / 5 + np.cos(x)  # noqa: E731
    fpp = lambda x: 0.2 - np.sin(x)  # noqa: E731
    x_glob, x_hump, x_loc = _bisect(fp, -2, 0), _bisect(fp, 1, 3), _bisect(fp, 3, 5)
    assert abs(x_glob + 1.31) < 5e-3 and abs(x_hump - 1.98) < 5e-3 and abs(x_loc - 3.84) < 5e-3
    assert fpp(x_hump) < 0 < fpp(x_glob) and fpp(x_loc) > 0
    w = objectives.wavy_parabola()
    assert np.allclose(w.minima[:, 0], [x_glob, x_loc], atol=1e-8)
    xs = np.linspace(-20, 20, 400_001)
    assert abs(np.max(np.abs(fpp(xs))) - 1.2) < 1e-9 and abs(w.smoothness - 1.2) < 1e-12
    assert f"{fpp(x_glob):.2f}" == "1.17" and f"{fpp(x_loc):.2f}" == "0.84"
    assert abs((1 - 3 * fpp(x_glob)) - (-2.5)) < 0.05 and abs((1 - 3 * fpp(x_loc)) + 1.5) < 0.05
