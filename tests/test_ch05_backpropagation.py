"""The claims of chapter 5 (Backpropagation), checked independently of the notebook.

Each test names the section of the chapter whose claim it checks. Oracles: closed forms,
finite differences (lib.gradcheck, lib.backprop.numerical_jacobian), operation counts.
"""

import contextlib
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest

from lib import MLP, activations, autodiff, backprop, flops, gradcheck, losses

SEED = 5


def test_graph_example_numbers():
    """Section 'Computational graphs': f(2, 5) and its gradient, also by a hand sweep."""
    g = autodiff.baydin_graph()
    vals = g.forward(x1=2.0, x2=5.0)
    adj = g.backward(vals)
    assert f"{vals['f']:.4f}" == "11.6521"
    assert f"{adj['x1']:.4f}" == "5.5000" and f"{adj['x2']:.4f}" == "1.7163"
    num = gradcheck.numerical_gradient(lambda t: g.forward(x1=t[0], x2=t[1])["f"],
                                       np.array([2.0, 5.0]))
    assert np.allclose(num, [adj["x1"], adj["x2"]], rtol=1e-8)


def test_exercise_sweep_by_hand():
    g = autodiff.baydin_graph()
    adj = g.backward(g.forward(x1=1.0, x2=np.pi))
    assert np.isclose(adj["x1"], 1 + np.pi) and np.isclose(adj["x2"], 2.0)


def test_jacobian_of_composition_with_matrix():
    """Section 'Jacobians and gradients': d(f o M)/dx = grad f(Mx)^T M, gradient M^T grad f."""
    rng = np.random.default_rng(SEED)
    for m, n in [(5, 3), (2, 6)]:
        M, x = rng.normal(size=(m, n)), rng.normal(size=n)

        def f(z):
            return np.log(np.sum(np.exp(z)))

        J_g = backprop.numerical_jacobian(lambda t, M=M: f(M @ t), x)
        grad_f = losses.softmax((M @ x)[None, :])[0]
        assert J_g.shape == (n,)
        assert np.allclose(J_g, grad_f @ M, atol=1e-8)
        assert np.allclose(J_g, M.T @ grad_f, atol=1e-8)


def test_jacobian_shapes_of_the_three_cases():
    rng = np.random.default_rng(SEED)
    A, x = rng.normal(size=(3, 4)), rng.normal(size=4)
    assert backprop.numerical_jacobian(lambda t: np.tanh(A @ t), x).shape == (3, 4)
    assert backprop.numerical_jacobian(lambda M: x[:3] @ M @ x, A).shape == (3, 4)
    assert backprop.numerical_jacobian(lambda M: np.tanh(M @ x), A).shape == (3, 3, 4)


def test_dimensions_slide():
    """Section 'Dimensions': shapes of every factor for widths (3, 4, 5, 2)."""
    net = MLP((3, 4, 5, 2), "tanh")
    rng = np.random.default_rng(SEED)
    res = backprop.backprop_jacobians(net, net.init(rng, "xavier"), rng.normal(size=3),
                                      rng.normal(size=2))
    assert res.shapes == [
        "dL/dz_4: 1 x 2",
        "dz_4/dW_3: 2 x 2 x 5, dz_4/db_3: 2 x 2, dz_4/dz_3: 2 x 5",
        "dz_3/dW_2: 5 x 5 x 4, dz_3/db_2: 5 x 5, dz_3/dz_2: 5 x 4",
        "dz_2/dW_1: 4 x 4 x 3, dz_2/db_1: 4 x 4, dz_2/dz_1: 4 x 3",
    ]


def test_tensor_has_only_diagonal_slices():
    """Section 'One example': dz_{j+1}/dW_j has at most n_{j+1} n_j nonzero entries."""
    rng = np.random.default_rng(SEED)
    W, b, z = rng.normal(size=(5, 4)), rng.normal(size=5), rng.normal(size=4)
    T = backprop.weight_jacobian_tensor(W, b, z, "tanh")
    assert T.size == 100 and np.count_nonzero(T) == 20


@pytest.mark.parametrize("residual", [False, True])
def test_delta_recursion_equals_jacobian_product(residual):
    """Proposition 'Backpropagation', plain and residual."""
    rng = np.random.default_rng(SEED)
    net = MLP((3, 4, 4, 4, 2), "tanh", residual=residual)
    theta = net.init(rng, "xavier")
    x, y = rng.normal(size=3), rng.normal(size=2)
    a = backprop.backprop_jacobians(net, theta, x, y)
    b = backprop.backprop_recursion(net, theta, x, y)
    assert np.allclose(a.grad, b.grad, rtol=1e-12)
    # plain-numpy recursion (tanh hidden layers, linear last layer, 0.5 |z - y|^2)
    lay = net.layers(theta)
    z, v = [x], []
    for j, (W, bias) in enumerate(lay, start=1):
        v.append(W @ z[-1] + bias)
        s = v[-1] if j == len(lay) else np.tanh(v[-1])
        skip = residual and j < len(lay) and W.shape[0] == W.shape[1]
        z.append(z[-1] + s if skip else s)
    d, grad_np = z[-1] - y, []
    for j in range(len(lay), 0, -1):
        W = lay[j - 1][0]
        g = d * (1.0 if j == len(lay) else 1 - np.tanh(v[j - 1]) ** 2)
        grad_np.insert(0, (np.outer(g, z[j - 1]), g))
        skip = residual and j < len(lay) and W.shape[0] == W.shape[1]
        d = W.T @ g + (d if skip else 0)
    assert np.allclose(net.flatten(grad_np), b.grad, rtol=1e-12, atol=1e-15)
    assert np.allclose(d, b.deltas[0], rtol=1e-12, atol=1e-15)
    factors = [a.deltas[-1][None, :]] + a.jacobians[::-1]
    assert np.allclose(flops.chain_product(factors, "left")[0], b.deltas[0])
    assert np.allclose(flops.chain_product(factors, "right")[0], b.deltas[0])
    gradcheck.check_model_gradient(net, theta, x[None, :], y[None, :])


def test_reverse_mode_wins_for_a_scalar_loss():
    """Section 'Why multiply from the left?': ratios for (784, 256, 256, 256, 10)."""
    w = (784, 256, 256, 256, 10)
    chain_z = [(1, w[-1])] + [(w[k + 1], w[k]) for k in range(len(w) - 2, -1, -1)]
    chain_W1 = chain_z[:-1] + [(w[1], w[1] * w[0])]
    for shp in (chain_z, chain_W1):
        assert flops.chain_flops(shp, "right") > 300 * flops.chain_flops(shp, "left")
    ratios = []
    for n1 in [8, 32, 128, 512, 2048]:
        ww = (n1, 256, 256, 256, 1)
        shp = [(1, 1)] + [(ww[k + 1], ww[k]) for k in range(len(ww) - 2, -1, -1)]
        ratios.append(flops.chain_flops(shp, "right") / flops.chain_flops(shp, "left"))
        # closed forms: from the right every product carries n1 columns; from the left only
        # the last product (2 * 256 * n1) depends on n1
        rest = 2 * (1 * 1 * 256 + 256 * 256 + 256 * 256)
        assert flops.chain_flops(shp, "right") == n1 * (2 * (256 * 256 * 2 + 256 + 1))
        assert flops.chain_flops(shp, "left") == rest + 2 * 256 * n1
    assert all(r > 1 for r in ratios) and np.all(np.diff(ratios) > 0)


def test_skip_connections_keep_deltas_from_vanishing():
    """Section 'Residual networks': 10 sigmoid layers of width 8."""
    for seed in range(5):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(32, 4))
        Y = np.sin(X.sum(axis=1, keepdims=True))
        ratio = {}
        for residual in (False, True):
            deep = MLP((4,) + (8,) * 10 + (1,), "sigmoid", residual=residual)
            th = deep.init(np.random.default_rng([SEED, 20, seed]), "xavier")
            d = backprop.delta_norms(deep, th, X, Y)
            ratio[residual] = d[0] / d[-1]
        assert ratio[True] > 100 * ratio[False]


def _one_sided_slopes(loss, W2, d, h=1e-6):
    """(loss(W2 + h d) - loss(W2)) / h and the same along -d."""
    return [(loss(W2 + t * h * d) - loss(W2)) / h for t in (1.0, -1.0)]


@pytest.mark.parametrize("seed", range(5))
def test_louppe_loss_has_a_kink_at_W2_zero(seed):
    """Section 'Louppe's example': at W2 = 0 the one-sided slopes of the loss along d and -d
    are lambda |d| +- <G_data, d> (G_data = U2^T (1/2 - y) / N, every yhat being 1/2): they
    sum to 2 lambda |d| (0.455 for the chapter's d), not 0; at W2 != 0 they sum to 0 (below
    1e-5). lib's loss and a plain numpy loss, on the chapter's data (seed 0) and others."""
    d_x, q, lam = 3, 4, 0.1
    if seed == 0:  # the chapter's W1, data and direction
        rng = np.random.default_rng([SEED, 21])
        W1, W2 = rng.normal(size=(d_x, q)), rng.normal(size=q)
        rng = np.random.default_rng([SEED, 22])
        X = rng.normal(size=(10, d_x))
        y = (rng.random(10) < 0.5).astype(float)
        d = np.random.default_rng([SEED, 24]).normal(size=q)
    else:
        rng = np.random.default_rng([SEED, 240, seed])
        W1, W2 = rng.normal(size=(d_x, q)), rng.normal(size=q)
        X = rng.normal(size=(10, d_x))
        y = (rng.random(10) < 0.5).astype(float)
        d = rng.normal(size=q)
    U2 = 1 / (1 + np.exp(-(X @ W1)))
    g_data = U2.T @ (0.5 - y) / len(X)
    jump = 2 * lam * np.linalg.norm(d)
    losses_to_check = [
        lambda w: backprop.louppe_forward(X, y, W1, w, lam).loss,
        lambda w: _louppe_loss_np(X, y, W1, w, lam, np.linalg.norm),
    ]
    for loss in losses_to_check:
        s_d, s_minus_d = _one_sided_slopes(loss, np.zeros(q), d)
        assert abs(s_d + s_minus_d - jump) < 1e-5
        assert abs(s_d - s_minus_d - 2 * g_data @ d) < 1e-5
        smooth = _one_sided_slopes(loss, W2, d)
        assert abs(sum(smooth)) < 1e-5
    if seed == 0:  # the printed line
        s_d, s_minus_d = _one_sided_slopes(losses_to_check[0], np.zeros(q), d)
        assert [f"{v:.3f}" for v in (s_d, s_minus_d, s_d + s_minus_d, jump)] == [
            "-0.011", "0.466", "0.455", "0.455"]


def test_louppe_penalty_kink_and_paths():
    """Section 'Louppe's example': centred differences of the penalty at 0 give 0; the two
    paths of W1."""
    rng = np.random.default_rng(SEED)
    lam, q = 0.1, 4
    assert np.allclose(gradcheck.numerical_gradient(lambda w: lam * np.linalg.norm(w),
                                                    np.zeros(q)), 0)
    W1, W2 = rng.normal(size=(3, q)), rng.normal(size=q)
    x, y = rng.normal(size=3), 1.0
    G = backprop.louppe_gradients(x, [y], W1, W2, lam)
    u1 = W1.T @ x
    yhat = activations.sigmoid(W2 @ activations.sigmoid(u1))
    data = np.outer(x, (yhat - y) * W2 * activations.sigmoid_prime(u1))
    assert np.allclose(G["dW1_data"], data)
    assert np.allclose(G["dW1_penalty"], lam * W1 / np.linalg.norm(W1))


def test_exercise_spectral_norm_gradient():
    rng = np.random.default_rng(SEED)
    W = rng.normal(size=(3, 4))
    U, _, Vt = np.linalg.svd(W)
    fd = gradcheck.numerical_gradient(lambda M: np.linalg.norm(M, 2), W)
    assert np.allclose(np.outer(U[:, 0], Vt[0]), fd, atol=1e-7)


def test_exercise_projection_residual():
    rng = np.random.default_rng(SEED)
    W, b, P = rng.normal(size=(3, 4)), rng.normal(size=3), rng.normal(size=(3, 4))
    z, dnext = rng.normal(size=4), rng.normal(size=3)
    J = backprop.numerical_jacobian(lambda t: P @ t + np.tanh(W @ t + b), z)
    g = dnext * activations.tanh_prime(W @ z + b)
    assert np.allclose(dnext @ J, W.T @ g + P.T @ dnext, atol=1e-8)


def test_exercise_softmax_delta_and_parameter_count():
    rng = np.random.default_rng(SEED)
    u, y = rng.normal(size=4), 2
    J = backprop.numerical_jacobian(lambda t: np.log(np.exp(t).sum()) - t[y], u)
    assert np.allclose(J, losses.softmax(u[None, :])[0] - np.eye(4)[y], atol=1e-8)
    assert MLP((784, 256, 256, 256, 10)).num_params == 335114


def test_backward_costs_about_two_forward_passes():
    """Section 'What does a backward pass cost?': the flop table and the FD factor."""
    configs = [(64, 64, 64, 1), (256, 256, 256, 10), (512, 512, 512, 512, 10)]
    for wd in configs:
        for N in (16, 128, 512):
            fwd = flops.forward_flops(wd, N)
            assert 1.0 < flops.backward_flops(wd, N) / fwd <= 2.0
            assert abs(flops.backward_flops(wd, N, input_delta=True) / fwd - 2) < 0.05
        assert 2 * MLP(wd).num_params / 3 > 5000
    assert MLP(configs[0]).num_params == 8385


def test_finite_differences_cost_2p_forward_passes_backprop_one_of_each():
    """Section 'What does a backward pass cost?': counted work, not time. Finite differences
    evaluate the loss twice per parameter (2p forward passes, no backward pass); a gradient
    by backpropagation is one forward and one backward pass."""
    rng = np.random.default_rng([SEED, 28])
    for widths in [(8, 16, 16, 1), (3, 5, 2)]:
        small = MLP(widths, "tanh")
        th = small.init(rng, "xavier")
        X, Y = rng.normal(size=(64, widths[0])), rng.normal(size=(64, widths[-1]))
        passes = {"forward": 0, "backward": 0}

        def counting(method, key, passes=passes):
            def wrapped(*args, **kwargs):
                passes[key] += 1
                return method(*args, **kwargs)
            return wrapped

        small.forward = counting(small.forward, "forward")
        small.backward = counting(small.backward, "backward")
        g_fd = gradcheck.numerical_gradient(lambda t, m=small, X=X, Y=Y: m.loss(t, X, Y), th)
        # closed form of the count: two evaluations per entry of theta
        p = sum(widths[j + 1] * (widths[j] + 1) for j in range(len(widths) - 1))
        assert passes == {"forward": 2 * p, "backward": 0}
        passes.update(forward=0, backward=0)
        fp = small.forward(th, X)
        _, delta = losses.get("mse")(fp.output, Y)
        g_bp = small.backward(th, fp, delta)
        assert passes == {"forward": 1, "backward": 1}
        assert gradcheck.relative_error(g_bp, g_fd) < 1e-6


def _relu_safe_batch(clf, theta, X_pool, size, margin):
    """Rows of X_pool whose hidden ReLU pre-activations all clear the kink by margin."""
    pre, a = [], X_pool
    for W, b in clf.layers(theta)[:-1]:
        pre.append(a @ W.T + b)
        a = np.maximum(pre[-1], 0.0)
    return np.flatnonzero(np.all(np.abs(np.hstack(pre)) > margin, axis=1))[:size]


def test_relu_cross_entropy_gradient_check_at_points_away_from_the_kink():
    """Section 'A batch at once', ReLU and cross-entropy: at a point where every pre-activation
    is at least 1e-3 from 0 the finite-difference check passes with a wide margin, for every
    seed (the chapter's cell picks its examples this way)."""
    for seed in range(20):
        rng = np.random.default_rng([SEED, 14, seed])
        clf = MLP((4, 6, 6, 3), "relu")
        theta = clf.init(rng, "he")
        X_pool, y_pool = rng.normal(size=(60, 4)), rng.integers(0, 3, size=60)
        safe = _relu_safe_batch(clf, theta, X_pool, 20, 1e-3)
        assert safe.size == 20
        X, y = X_pool[safe], y_pool[safe]
        _, g, _ = backprop.backprop_batch(clf, theta, X, y, "cross_entropy")
        num = gradcheck.numerical_gradient(
            lambda t, X=X, y=y, clf=clf: clf.loss(t, X, y, "cross_entropy"), theta)
        assert gradcheck.relative_error(g, num) < 1e-6


@pytest.mark.parametrize("seed", range(5))
def test_chapter_gradient_checks_hold_by_a_wide_margin(seed):
    """The chapter prints 'relative error below 1e-6' for its gradient checks: tanh networks,
    plain and residual, one example and a batch, on several draws."""
    rng = np.random.default_rng([SEED, 100, seed])
    for net in (MLP((3, 4, 5, 2), "tanh"), MLP((3, 4, 4, 4, 2), "tanh", residual=True)):
        theta = net.init(rng, "xavier")
        for N in (1, 16):
            X, Y = rng.normal(size=(N, 3)), rng.normal(size=(N, 2))
            num = gradcheck.numerical_gradient(
                lambda t, X=X, Y=Y, net=net: net.loss(t, X, Y), theta)
            # the explicit Jacobian-product gradient, averaged, against finite differences
            per = [backprop.backprop_jacobians(net, theta, X[i], Y[i]).grad for i in range(N)]
            assert gradcheck.relative_error(np.mean(per, axis=0), num) < 1e-7


# ------------------------------------------------------------------ finite differences
def _f(a, b):
    return np.log(a) + a * b - np.sin(b)


def _median_relative_errors(eps_grid, seed):
    """Median over 200 points of the relative error of the centred (and one-sided) difference
    gradient of ln x1 + x1 x2 - sin x2, and of the truncation term eps^2 |f'''| / 6."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(1, 3, 200), rng.uniform(0, 6, 200)
    g = np.column_stack([1 / a + b, a - np.cos(b)])
    d3 = np.column_stack([2 / a ** 3, np.cos(b)])
    out_c, out_f, trunc = [], [], []
    den = np.linalg.norm(g, axis=1)
    for e in eps_grid:
        c = np.column_stack([(_f(a + e, b) - _f(a - e, b)) / (2 * e),
                             (_f(a, b + e) - _f(a, b - e)) / (2 * e)])
        fw = np.column_stack([(_f(a + e, b) - _f(a, b)) / e, (_f(a, b + e) - _f(a, b)) / e])
        out_c.append(np.median(np.linalg.norm(c - g, axis=1) / (np.linalg.norm(c, axis=1) + den)))
        out_f.append(np.median(np.linalg.norm(fw - g, axis=1)
                               / (np.linalg.norm(fw, axis=1) + den)))
        trunc.append(np.median(e ** 2 / 6 * np.linalg.norm(d3, axis=1) / (2 * den)))
    return np.array(out_c), np.array(out_f), np.array(trunc)


@pytest.mark.parametrize("seed", range(4))
def test_finite_difference_step_tradeoff(seed):
    """Section 'Checking a gradient': truncation within 10% of eps^2 f'''/6 for eps >= 1e-4,
    rounding growing like 1/eps below 1e-10, best step in [1e-6, 1e-4] with error below
    1e-10 and 5 to 50 times 1e-6, below 1e-9 (3 to 30 times the minimum) at eps = 1e-6,
    one-sided differences over 10 times worse for eps >= 1e-6; on several sets of 200 points."""
    eps = np.logspace(-13, -1, 49)
    err_c, err_f, trunc = _median_relative_errors(eps, [SEED, 3, seed])
    big, tiny = eps >= 1e-4, eps <= 1e-10
    assert np.all(np.abs(err_c[big] / trunc[big] - 1) < 0.1)
    slope = np.polyfit(np.log10(eps[tiny]), np.log10(err_c[tiny]), 1)[0]
    assert -1.3 < slope < -0.7 and np.all(err_c[tiny] > 1e3 * trunc[tiny])
    assert 1e-6 <= eps[np.argmin(err_c)] <= 1e-4 and err_c.min() < 1e-10
    assert err_c[np.argmin(np.abs(eps - 1e-6))] < 1e-9
    # eps = 1e-6 is about a decade below the best step, about ten times the minimum error
    assert 5 < eps[np.argmin(err_c)] / 1e-6 < 50
    assert 3 < err_c[np.argmin(np.abs(eps - 1e-6))] / err_c.min() < 30
    if seed == 0:  # the chapter's points: the printed best step
        assert f"{eps[np.argmin(err_c)]:.1e}" == "1.8e-05"
    assert np.all(err_f[eps >= 1e-6] > 10 * err_c[eps >= 1e-6])
    # the figure's alt text: centred minimum a few 1e-12, one-sided a few 1e-9 at 2e-8 to 2e-7
    assert 1e-12 < err_c.min() < 1e-11
    assert 2e-8 < eps[np.argmin(err_f)] < 2e-7 and 1e-9 < err_f.min() < 1e-8


def test_relative_error_is_scale_free_and_catches_a_missing_term():
    """Section 'Checking a gradient': scaling f by 1e6 keeps the relative error below 1e-8
    while the absolute error grows about 1e6-fold (between 1e5 and 1e7, also at other
    points); dropping one term of x1's adjoint gives a relative error of order one (0.66
    printed)."""
    x = np.array([2.0, 5.0])
    exact = np.array([1 / x[0] + x[1], x[0] - np.cos(x[1])])

    def cd(fun):
        out = np.zeros(2)
        for k in range(2):
            e = np.zeros(2)
            e[k] = 1e-6
            out[k] = (fun(x + e) - fun(x - e)) / 2e-6
        return out

    g1 = cd(lambda t: _f(t[0], t[1]))
    g6 = cd(lambda t: 1e6 * _f(t[0], t[1]))

    def rel(a, b):
        return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))

    assert rel(g1, exact) < 1e-8 and rel(g6, 1e6 * exact) < 1e-8
    assert 1e5 < np.max(np.abs(g6 - 1e6 * exact)) / np.max(np.abs(g1 - exact)) < 1e7
    rng = np.random.default_rng([SEED, 15])
    for _ in range(10):
        xp = np.array([rng.uniform(1, 3), rng.uniform(0, 6)])
        ex = np.array([1 / xp[0] + xp[1], xp[0] - np.cos(xp[1])])
        a_err, b_err = np.zeros(2), np.zeros(2)
        for k in range(2):
            e = np.zeros(2)
            e[k] = 1e-6
            a_err[k] = (_f(*(xp + e)) - _f(*(xp - e))) / 2e-6 - ex[k]
            b_err[k] = (1e6 * _f(*(xp + e)) - 1e6 * _f(*(xp - e))) / 2e-6 - 1e6 * ex[k]
        assert 1e5 < np.max(np.abs(b_err)) / np.max(np.abs(a_err)) < 1e7
    wrong = np.array([1 / x[0], exact[1]])
    assert f"{rel(wrong, g1):.2f}" == "0.66" and rel(wrong, g1) > 0.1
    # lib's loop is the same formula
    assert np.max(np.abs(gradcheck.numerical_gradient(lambda t: _f(t[0], t[1]), x) - g1)) < 1e-12


# ------------------------------------------------------------------ delta shrinkage condition
@pytest.mark.parametrize("seed", range(5))
def test_plain_sigmoid_layers_shrink_delta_when_spectral_norm_below_4(seed):
    """Section 'Residual networks': per example and layer, a plain sigmoid layer multiplies
    |delta| by at most |W_j|_2 max sigma' (< 1 when |W_j|_2 < 4, as Xavier weights at width 8
    give), a residual layer by at least 1 - |W_j|_2 / 4; plain numpy deltas."""
    rng = np.random.default_rng([SEED, 19, seed])
    X = rng.normal(size=(32, 4))
    Y = np.sin(X.sum(axis=1, keepdims=True))
    for residual in (False, True):
        deep = MLP((4,) + (8,) * 10 + (1,), "sigmoid", residual=residual)
        th = deep.init(np.random.default_rng([SEED, 20, seed]), "xavier")
        lay = deep.layers(th)
        n = len(lay)
        Z, V = [X], []
        for j, (W, b) in enumerate(lay, start=1):
            V.append(Z[-1] @ W.T + b)
            s = 1 / (1 + np.exp(-V[-1])) if j < n else V[-1]
            skip = W.shape[0] == W.shape[1] and residual and j < n
            Z.append(Z[-1] + s if skip else s)
        d = Z[-1] - Y
        rms = [np.sqrt(np.mean(np.sum(d ** 2, axis=1)))]  # delta_{n+1}, ..., delta_1
        for j in range(n, 0, -1):
            W = lay[j - 1][0]
            sig = 1 / (1 + np.exp(-V[j - 1]))
            sp = sig * (1 - sig) if j < n else np.ones_like(V[j - 1])
            skip = W.shape[0] == W.shape[1] and residual and j < n
            dj = (d * sp) @ W + (d if skip else 0)
            ratio = np.linalg.norm(dj, axis=1) / np.linalg.norm(d, axis=1)
            nW = np.linalg.norm(W, 2)
            assert nW < 4
            if j < n and not skip:
                assert np.all(ratio <= nW * sp.max(axis=1) * (1 + 1e-12)) and np.all(ratio < 1)
            if skip:
                assert np.all(ratio >= (1 - nW / 4) * (1 - 1e-12))
            d = dj
            rms.insert(0, np.sqrt(np.mean(np.sum(d ** 2, axis=1))))
        if residual:
            # no decay across the residual layers; the drop is at layer 1 (4 -> 8, no skip)
            rms = np.array(rms)
            assert rms[1:-1].min() > 0.5 * rms[-1] and rms[0] < rms[1]
            if seed == 0:  # the chapter's draw: the printed range and ratios
                assert 4.2 < rms[1:10].min() and rms[1:10].max() < 5.3
                assert 0.1 < rms[0] / rms[-1] < 0.3 and f"{rms[0] / rms[-1]:.2e}" == "1.62e-01"
                assert f"{rms[1] / rms[-1]:.2f}" == "1.17"
        # the plain-numpy deltas are lib's: same RMS of |delta_1|
        assert np.isclose(np.sqrt(np.mean(np.sum(d ** 2, axis=1))),
                          backprop.delta_norms(deep, th, X, Y)[0], rtol=1e-10)
    # the counterexample: 8 I at v = 0 doubles delta
    dn = rng.normal(size=8)
    assert np.allclose(8 * np.eye(8) @ (dn * 0.25), 2 * dn)
    assert activations.sigmoid_prime(np.zeros(1))[0] == 0.25


def test_louppe_batch_data_path_plain_numpy():
    """Section 'Louppe's example': the batch data path written in numpy equals both
    MLP.loss_and_grad (logistic loss, zero biases) and louppe_gradients."""
    rng = np.random.default_rng(SEED)
    d_x, q, lam = 3, 4, 0.1
    W1, W2 = rng.normal(size=(d_x, q)), rng.normal(size=q)
    X = rng.normal(size=(10, d_x))
    y = (rng.random(10) < 0.5).astype(float)
    U2 = 1 / (1 + np.exp(-(X @ W1)))
    r = 1 / (1 + np.exp(-(U2 @ W2))) - y
    gW1 = X.T @ (r[:, None] * W2 * U2 * (1 - U2)) / 10
    gW2 = U2.T @ r / 10
    net = MLP((d_x, q, 1), "sigmoid")
    theta = net.flatten([(W1.T, np.zeros(q)), (W2[None, :], np.zeros(1))])
    (a, _), (b, _) = net.layers(net.loss_and_grad(theta, X, y, "logistic")[1])
    assert np.allclose(a.T, gW1, rtol=1e-12, atol=1e-15) and np.allclose(b[0], gW2, rtol=1e-12)
    G = backprop.louppe_gradients(X, y, W1, W2, lam)
    assert np.allclose(G["dW1_data"], gW1, rtol=1e-12, atol=1e-15)
    assert np.allclose(G["dW2_data"], gW2, rtol=1e-12, atol=1e-15)


# ------------------------------------------------------------------ memory and checkpointing
def _checkpointed(layers, X, Y, k):
    """Plain-numpy backprop of the mean 0.5|z - y|^2 through tanh layers (last linear) with
    checkpoints every k layers (k=None: store everything); (grad blocks, peak, evaluations)."""
    n = len(layers)
    tape, cnt = {}, {"peak": 0, "ev": 0}

    def keep(key, a):
        tape[key] = a
        cnt["peak"] = max(cnt["peak"], len(tape))

    def ev(j, Zj):
        cnt["ev"] += 1
        Vj = Zj @ layers[j - 1][0].T + layers[j - 1][1]
        return Vj, (Vj if j == n else np.tanh(Vj))

    Z = X
    for j in range(1, n + 1):
        if k is None or (j - 1) % k == 0:
            keep(("z", j), Z)
        Vj, Z = ev(j, Z)
        if k is None:
            keep(("v", j), Vj)
    D = (Z - Y) / len(X)
    grads = [None] * n
    for c in reversed([1] if k is None else range(1, n + 1, k)):
        stop = n if k is None else c + k - 1
        if k is not None:
            Zs = tape[("z", c)]
            for j in range(c, stop + 1):
                Vj, Zs = ev(j, Zs)
                keep(("v", j), Vj)
                if j < stop:
                    keep(("z", j + 1), Zs)
        for j in range(stop, c - 1, -1):
            Vj, Zj = tape.pop(("v", j)), tape.pop(("z", j))
            G = D * (1.0 if j == n else 1 - np.tanh(Vj) ** 2)
            grads[j - 1] = (G.T @ Zj, G.sum(axis=0))
            D = G @ layers[j - 1][0]
    assert not tape
    return grads, cnt["peak"], cnt["ev"]


@pytest.mark.parametrize("n", [8, 12, 16])
def test_checkpointing_memory_count_and_same_gradient(n):
    """Section 'Memory and checkpointing': 2n stored states and n evaluations without
    checkpoints; n/k + 2k - 1 states and 2n evaluations with checkpoints every k layers (k
    dividing n); the gradient is unchanged (against MLP.loss_and_grad)."""
    rng = np.random.default_rng([SEED, 29, n])
    m, N = 6, 5
    net = MLP((m,) * (n + 1), "tanh")
    theta = net.init(rng, "xavier")
    X, Y = rng.normal(size=(N, m)), rng.normal(size=(N, m))
    ref = net.loss_and_grad(theta, X, Y, "mse")[1]
    g, peak, ev = _checkpointed(net.layers(theta), X, Y, None)
    assert peak == 2 * n and ev == n and np.allclose(net.flatten(g), ref, rtol=1e-12, atol=1e-15)
    for k in [k for k in range(1, n + 1) if n % k == 0]:
        g, peak, ev = _checkpointed(net.layers(theta), X, Y, k)
        assert peak == n // k + 2 * k - 1 and ev == 2 * n
        assert np.allclose(net.flatten(g), ref, rtol=1e-12, atol=1e-15)


def test_checkpointing_table_of_the_chapter():
    """The chapter's table (n = 16, width 32, N = 8): minimum 11 states at k = 2 and 4, near
    sqrt(n/2); the 2nmN stored floats exceed p = 16,896 from N = 17 on."""
    n, m = 16, 32
    peaks = {k: n // k + 2 * k - 1 for k in (1, 2, 4, 8, 16)}
    assert peaks == {1: 17, 2: 11, 4: 11, 8: 17, 16: 32}
    assert 2 < np.sqrt(n / 2) < 4
    p = MLP((m,) * (n + 1)).num_params
    assert p == n * (m * m + m) == 16896
    assert min(N for N in range(1, 100) if 2 * n * m * N > p) == 17


# ------------------------------------------------------------------ forward-mode exercise
def test_forward_mode_exercise_solution_numbers():
    """Exercise 'Counting forward mode': the solution's code runs and prints what its comment
    says; the sparse count for W_1 equals chain_flops 'right'; forward mode costs over 3e4
    times reverse mode either way."""
    w = (784, 256, 256, 256, 10)
    F = sum(2 * w[j + 1] * w[j] for j in range(4))
    assert F == 668_672
    reverse = 3 * F - 2 * w[1] * w[0]
    p = MLP(w).num_params
    assert p * F / reverse > 1e5
    after = [sum(2 * w[k + 1] * w[k] for k in range(j + 1, 4)) + 2 * w[-1] for j in range(4)]
    sparse = sum(w[j + 1] * (w[j] + 1) * after[j] for j in range(4))
    assert sparse / reverse > 3e4
    chain_z = [(1, w[-1])] + [(w[k + 1], w[k]) for k in range(len(w) - 2, -1, -1)]
    chain_W1 = chain_z[:-1] + [(w[1], w[1] * w[0])]
    assert w[1] * w[0] * after[0] == flops.chain_flops(chain_W1, "right")
    # run the solution's code as the book shows it
    nb = json.loads(Path(__file__).resolve().parents[1].joinpath(
        "chapters", "05_backpropagation.ipynb").read_text(encoding="utf-8"))
    text = "".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
    sol = text[text.index("````{solution} ex-backprop-forward-mode"):]
    block = re.search(r"```python\n(.*?)```", sol, re.S).group(1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(block, {"MLP": MLP, "flops": flops, "chain_W1": chain_W1})  # noqa: S102
    comment = " ".join(ln.lstrip("# ").strip() for ln in block.strip().splitlines()[-2:])
    assert out.getvalue().split() == comment.split()


# ------------------------------------------------------------------ added checks
def _tanh_mse_loss(layers, X, Y):
    """Mean 0.5 |z_{n+1} - y|^2 of a tanh network with a linear last layer, plain numpy."""
    A = X
    for j, (W, b) in enumerate(layers, start=1):
        A = A @ W.T + b
        if j < len(layers):
            A = np.tanh(A)
    return 0.5 * np.sum((A - Y) ** 2) / len(X)


def test_a_sign_error_in_the_smallest_entry_gives_005():
    """Section 'Checking a gradient' and 'A batch at once': flipping the sign of the smallest
    entry of the W_1 gradient of the (3, 4, 5, 2) batch gives a W_1-block relative error of
    0.05 and 0.02 for the whole gradient, against centred differences of a plain-numpy loss."""
    net = MLP((3, 4, 5, 2), "tanh")
    theta = net.init(np.random.default_rng([SEED, 8]), "xavier")
    rng = np.random.default_rng([SEED, 13])
    X, Y = rng.normal(size=(16, 3)), rng.normal(size=(16, 2))

    def loss(t):
        return _tanh_mse_loss(net.layers(t), X, Y)

    num = np.zeros_like(theta)
    for k in range(theta.size):
        e = np.zeros_like(theta)
        e[k] = 1e-6
        num[k] = (loss(theta + e) - loss(theta - e)) / 2e-6
    _, g, _ = backprop.backprop_batch(net, theta, X, Y, "mse")
    assert np.linalg.norm(g - num) / np.linalg.norm(num) < 1e-7
    k = np.argmin(np.abs(g[:12]))
    g[k] = -g[k]

    def rel(a, b):
        return np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))

    r_W1, r_all = rel(g[:12], num[:12]), rel(g, num)
    assert 0.03 < r_W1 < 0.1 and 0.01 < r_all < r_W1
    assert f"{r_W1:.2f}" == "0.05" and f"{r_all:.2f}" == "0.02"


def test_backward_over_forward_is_the_products_only_ratio():
    """Section 'What does a backward pass cost?': (2 sum P - P_1) / sum P, P_j = n_{j+1} n_j,
    matches the lib counts to 0.01 and lies between 1.5 and 1.7 for the chapter's networks."""
    for wd in [(64, 64, 64, 1), (256, 256, 256, 10), (512, 512, 512, 512, 10)]:
        P = [wd[j + 1] * wd[j] for j in range(len(wd) - 1)]
        oracle = (2 * sum(P) - P[0]) / sum(P)
        assert 1.5 < oracle < 1.7
        for N in (16, 128, 512):
            r = flops.backward_flops(wd, N) / flops.forward_flops(wd, N)
            assert abs(r - oracle) < 0.01


def test_chain_flops_by_hand():
    """Section 'Why multiply from the left?': 84 = 20 + 40 + 24 and 192 = 120 + 60 + 12."""
    shapes = [(1, 2), (2, 5), (5, 4), (4, 3)]
    assert flops.chain_flops(shapes, "left") == 2 * (1 * 2 * 5 + 1 * 5 * 4 + 1 * 4 * 3) == 84
    assert flops.chain_flops(shapes, "right") == 2 * (5 * 4 * 3 + 2 * 5 * 3 + 1 * 2 * 3) == 192


def _louppe_loss_np(X, y, W1, W2, lam, penalty_W1):
    yhat = 1 / (1 + np.exp(-(1 / (1 + np.exp(-(X @ W1)))) @ W2))
    ce = np.mean(-y * np.log(yhat) - (1 - y) * np.log(1 - yhat))
    return ce + lam * (penalty_W1(W1) + np.linalg.norm(W2))


def test_louppe_loss_is_the_written_formula_and_spectral_exercise_full_gradient():
    """Section 'Louppe's example': lib's loss is cross-entropy plus the two norms (1.6822 for
    the chapter's example), the penalty path has norm lambda; exercise 'spectral norm': the
    whole gradient with lambda sigma_max(W_1) against centred differences of a numpy loss."""
    rng = np.random.default_rng([SEED, 21])
    d_x, q, lam = 3, 4, 0.1
    W1, W2 = rng.normal(size=(d_x, q)), rng.normal(size=q)
    xs, ys = rng.normal(size=d_x), 1.0
    G = backprop.louppe_gradients(xs, [ys], W1, W2, lam)
    ref = _louppe_loss_np(xs[None, :], np.array([ys]), W1, W2, lam, np.linalg.norm)
    assert np.isclose(G["loss"], ref, rtol=1e-12) and f"{ref:.4f}" == "1.6822"
    assert np.isclose(np.linalg.norm(G["dW1_penalty"]), lam, rtol=1e-12)
    rng = np.random.default_rng([SEED, 22])
    X = rng.normal(size=(10, d_x))
    y = (rng.random(10) < 0.5).astype(float)
    U, s, Vt = np.linalg.svd(W1)
    assert s[0] > 1.1 * s[1]  # simple top singular value
    U2 = 1 / (1 + np.exp(-(X @ W1)))
    r = 1 / (1 + np.exp(-(U2 @ W2))) - y
    gW1 = X.T @ (r[:, None] * W2 * U2 * (1 - U2)) / 10 + lam * np.outer(U[:, 0], Vt[0])
    gW2 = U2.T @ r / 10 + lam * W2 / np.linalg.norm(W2)
    g = np.concatenate([gW1.ravel(), gW2])
    t0 = np.concatenate([W1.ravel(), W2])

    def loss(t):
        return _louppe_loss_np(X, y, t[:d_x * q].reshape(d_x, q), t[d_x * q:], lam,
                               lambda M: np.linalg.norm(M, 2))

    num = np.zeros_like(t0)
    for k in range(t0.size):
        e = np.zeros_like(t0)
        e[k] = 1e-6
        num[k] = (loss(t0 + e) - loss(t0 - e)) / 2e-6
    assert np.linalg.norm(g - num) / (np.linalg.norm(g) + np.linalg.norm(num)) < 1e-8


def test_chain_rule_proof_example_child_ancestor_of_child():
    """Section 'Computational graphs', proof of the chain rule: with k1 = x^2, k2 = x k1,
    f = k2, reverse mode gives the adjoint df/dk1 = x (perturb k1, recompute k2; not 0, the
    derivative of (k1, k2) -> k2 in k1) and df/dx = x * 2x + 1 * k1 = 3x^2, checked against
    the closed forms and centred differences of the recomputed graph."""
    graph = autodiff.ScalarGraph([autodiff.Node("x", "input"),
                                  autodiff.Node("k1", "square", ("x",)),
                                  autodiff.Node("k2", "mul", ("x", "k1"))])
    # F_2(x, k1): the same graph from given values of x and k1, k2 recomputed
    from_k1 = autodiff.ScalarGraph([autodiff.Node("x", "input"), autodiff.Node("k1", "input"),
                                    autodiff.Node("k2", "mul", ("x", "k1"))])
    h = 1e-5
    for x in (-1.7, 0.4, 2.3):
        values = graph.forward(x=x)
        assert abs(values["k2"] - x ** 3) < 1e-12 * max(1, abs(x) ** 3)
        adj = graph.backward(values)
        assert abs(adj["k2"] - 1) < 1e-15
        assert abs(adj["k1"] - x) < 1e-12 and abs(x) > 0.1  # not 0
        assert abs(adj["x"] - 3 * x ** 2) < 1e-12 * max(1, 3 * x ** 2)
        k1 = values["k1"]
        fd_k1 = (from_k1.forward(x=x, k1=k1 + h)["k2"]
                 - from_k1.forward(x=x, k1=k1 - h)["k2"]) / (2 * h)
        fd_x = (graph.forward(x=x + h)["k2"] - graph.forward(x=x - h)["k2"]) / (2 * h)
        assert abs(fd_k1 - adj["k1"]) < 1e-8 and abs(fd_x - adj["x"]) < 1e-8


def test_louppe_graph_draws_the_loss_as_an_operation_with_a_colour_key():
    """Section 'Louppe's example', the graph figure: run the cell as the book shows it; the
    loss node has the colours of the operations, and the legend's three markers have the
    colours of the parameter, operation and input circles."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib import plotting

    nb = json.loads(Path(__file__).resolve().parents[1].joinpath(
        "chapters", "05_backpropagation.ipynb").read_text(encoding="utf-8"))
    cell = next("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"
                and "Louppe's example: data path" in "".join(c["source"]))
    ns = {"plotting": plotting, "plt": plt, "np": np}
    exec(cell, ns)  # noqa: S102
    ax, nodes = ns["ax"], ns["nodes"]
    circle = dict(zip(nodes, ax.patches, strict=True))
    assert nodes["l"][2] == "op"
    colours = {n: (circle[n].get_facecolor(), circle[n].get_edgecolor()) for n in nodes}
    assert colours["l"] == colours["u1"] != colours["x"] != colours["W1"] != colours["u1"]
    handles = ax.get_legend().legend_handles
    assert len(handles) == 3
    for handle, node in zip(handles, ("W1", "u1", "x"), strict=True):
        face = matplotlib.colors.to_rgba(handle.get_markerfacecolor())
        edge = matplotlib.colors.to_rgba(handle.get_markeredgecolor())
        assert np.allclose(face, colours[node][0]) and np.allclose(edge, colours[node][1])
    plt.close("all")
