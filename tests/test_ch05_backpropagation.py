"""The claims of chapter 5 (Backpropagation), checked independently of the notebook.

Each test names the section of the chapter whose claim it checks. Oracles: closed forms,
finite differences (lib.gradcheck, lib.backprop.numerical_jacobian), operation counts.
"""

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
    assert all(r > 1 for r in ratios) and np.all(np.diff(ratios) > 0)


def test_skip_connections_keep_deltas_from_vanishing():
    """Section 'Residual networks': 10 sigmoid layers of width 8."""
    for seed in range(3):
        rng = np.random.default_rng(seed)
        X = rng.normal(size=(32, 4))
        Y = np.sin(X.sum(axis=1, keepdims=True))
        ratio = {}
        for residual in (False, True):
            deep = MLP((4,) + (8,) * 10 + (1,), "sigmoid", residual=residual)
            th = deep.init(np.random.default_rng(SEED), "xavier")
            d = backprop.delta_norms(deep, th, X, Y)
            ratio[residual] = d[0] / d[-1]
        assert ratio[True] > 100 * ratio[False]


def test_louppe_penalty_kink_and_paths():
    """Section 'Louppe's example'."""
    rng = np.random.default_rng(SEED)
    lam, q = 0.1, 4
    d = rng.normal(size=q)
    h = 1e-6
    slopes = [lam * np.linalg.norm(t * h * d) / h for t in (1.0, -1.0)]
    assert np.allclose(slopes, lam * np.linalg.norm(d)) and min(slopes) > 0
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
