"""Tests of lib.mlp.MLP: gradients against centred finite differences over activations,
depths, widths, residual layers, batch sizes and losses; forward against a hand-written
loop over examples; parameter counts against the closed form and the book's numbers."""

import math

import numpy as np
import pytest
from oracles import fd_gradient, fd_gradient_stacked, network_losses, rel_err

from lib.mlp import MLP, ForwardPass

HIDDEN = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "identity")
KINKED = ("relu", "leaky_relu", "elu")


def closed_form_num_params(widths):
    return sum(widths[j + 1] * (widths[j] + 1) for j in range(len(widths) - 1))


def random_theta(model, rng, bias_scale=0.3):
    """Weights N(0, 1/fan_in), biases N(0, bias_scale^2), laid out as W_1, b_1, W_2, ..."""
    parts = []
    for m, k in zip(model.widths[1:], model.widths[:-1], strict=True):
        parts.append(rng.normal(scale=1 / math.sqrt(k), size=(m, k)).ravel())
        parts.append(rng.normal(scale=bias_scale, size=m))
    return np.concatenate(parts)


def targets(loss, n, k, rng):
    if loss == "cross_entropy":
        return rng.integers(0, k, n)
    if loss == "logistic":
        return rng.integers(0, 2, n).astype(float)
    return rng.normal(size=(n, k))


def gradcheck_widths(depth, loss):
    """Small widths for a network with `depth` affine layers; hidden layers are mostly
    square (so residual layers appear), with one non-square hidden layer when depth >= 4."""
    w = (3, 5, 1)[depth % 3]
    n_in = w if depth % 2 == 0 else 2
    hidden = [w] * (depth - 1)
    if depth >= 4:
        hidden[-1] = 2
    n_out = {"mse": 2, "cross_entropy": 3, "logistic": 1}[loss]
    return (n_in, *hidden, n_out)


def setup_point(model, n, loss, seed):
    """theta, X, y with every hidden pre-activation at least 1e-4 away from 0 (the kinks)."""
    seed = [seed] if np.isscalar(seed) else list(seed)  # a flat entropy list: numpy 2.5
    for attempt in range(50):                            # rejects nested seed sequences
        rng = np.random.default_rng([*seed, attempt])
        theta = random_theta(model, rng)
        X = rng.normal(size=(n, model.widths[0]))
        y = targets(loss, n, model.widths[-1], rng)
        fp = model.forward(theta, X)
        if min(np.abs(v).min() for v in fp.v[:-1] or [np.ones(1)]) > 1e-4:
            return theta, X, y
    raise AssertionError("no point away from the kinks found")


# --------------------------------------------------------------------------- gradient checks


@pytest.mark.parametrize("n", [1, 4])
@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
@pytest.mark.parametrize("depth", [1, 2, 3, 4, 5, 6])
@pytest.mark.parametrize("residual", [False, True], ids=["plain", "residual"])
@pytest.mark.parametrize("activation", HIDDEN)
def test_loss_and_grad_matches_finite_differences(activation, residual, depth, loss, n):
    widths = gradcheck_widths(depth, loss)
    model = MLP(widths, activation, residual=residual)
    assert model.n_layers == depth
    if residual and depth >= 2:
        assert any(model.residual_layers)  # the residual branch is really exercised
    seed = [HIDDEN.index(activation), int(residual), depth, n, len(loss)]
    theta, X, y = setup_point(model, n, loss, seed)
    value, grad = model.loss_and_grad(theta, X, y, loss)
    assert grad.shape == (model.num_params,)

    def F(thetas):
        return network_losses(thetas, X, y, widths, activation, residual, loss)

    assert value == pytest.approx(F(theta[None])[0], rel=1e-12)
    numeric = fd_gradient_stacked(F, theta)
    assert rel_err(grad, numeric) < 1e-6


@pytest.mark.parametrize(
    "widths, activation, alpha, residual, loss",
    [
        ((2, 4, 4, 1), "leaky_relu", 0.2, True, "logistic"),
        ((3, 3, 3, 3, 2), "elu", 1.7, True, "mse"),
        ((2, 5, 5, 3), ["tanh", "softplus"], None, True, "cross_entropy"),
        ((1, 4, 4, 4, 1), ["sigmoid", "relu", "identity"], None, False, "mse"),
        ((2, 3, 3, 1), "tanh", None, True, "huber"),
        ((2, 3, 1), "sigmoid", None, False, "hinge_pm1"),
    ],
)
def test_gradient_with_alpha_mixed_activations_and_other_losses(
    widths, activation, alpha, residual, loss
):
    model = MLP(widths, activation, residual=residual, alpha=alpha)
    rng = np.random.default_rng(42)
    theta, X, _ = setup_point(model, 5, "mse", 42)
    if loss == "hinge_pm1":
        loss = "hinge"
        y = rng.choice([-1.0, 1.0], 5)
        margins = 1 - y * model.predict(theta, X)[:, 0]
        assert np.all(np.abs(margins) > 1e-4)  # away from the hinge's kink
    elif loss == "huber":
        y = rng.normal(size=(5, 1))
        r = model.predict(theta, X) - y
        assert np.all(np.abs(np.abs(r) - 1.0) > 1e-4)  # away from |r| = delta
    else:
        y = targets(loss, 5, widths[-1], rng)
    _, grad = model.loss_and_grad(theta, X, y, loss)
    numeric = fd_gradient(lambda t: model.loss(t, X, y, loss), theta)
    assert rel_err(grad, numeric) < 1e-6


@pytest.mark.parametrize("residual", [False, True])
def test_backward_is_the_gradient_of_any_linear_functional_of_the_output(residual):
    # backward(delta_out) = d/dtheta sum(delta_out * m(X; theta)), whatever delta_out is
    model = MLP((3, 4, 4, 2), "tanh", residual=residual)
    rng = np.random.default_rng(8)
    theta, X = random_theta(model, rng), rng.normal(size=(6, 3))
    C = rng.normal(size=(6, 2))
    grad = model.backward(theta, model.forward(theta, X), C)
    numeric = fd_gradient(lambda t: np.sum(C * model.predict(t, X)), theta)
    assert rel_err(grad, numeric) < 1e-6


# --------------------------------------------------------------------------- deltas


@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("activation", ["tanh", "softplus", "sigmoid"])
def test_deltas_are_derivatives_of_the_loss_with_respect_to_each_z(activation, residual):
    widths = (3, 4, 4, 4, 2)
    model = MLP(widths, activation, residual=residual)
    rng = np.random.default_rng(9)
    theta = random_theta(model, rng)
    X, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 2))
    fp = model.forward(theta, X)
    _, delta_out = _mse_mean(fp.output, y)
    grad, deltas = model.backward(theta, fp, delta_out, return_deltas=True)
    assert len(deltas) == len(widths)
    for j, d in enumerate(deltas):
        assert d.shape == (5, widths[j])

    # delta_1 = dL/dX: perturb the inputs
    def loss_of_X(Xflat):
        return _mse_mean(model.predict(theta, Xflat.reshape(X.shape)), y)[0]

    num_dX = fd_gradient(loss_of_X, X.ravel()).reshape(X.shape)
    assert rel_err(deltas[0], num_dX) < 1e-6

    # delta_j = dL/dz_j: the suffix network (layers j..n) as a function of its input z_j
    offset = 0
    for j in range(1, len(widths) - 1):
        offset += widths[j] * (widths[j - 1] + 1)
        suffix = MLP(widths[j:], activation, residual=residual)
        assert suffix.residual_layers == model.residual_layers[j:]
        tail = theta[offset:]
        zj = fp.z[j]

        def loss_of_z(zflat, suffix=suffix, tail=tail, shape=zj.shape):
            return _mse_mean(suffix.predict(tail, zflat.reshape(shape)), y)[0]

        num = fd_gradient(loss_of_z, zj.ravel()).reshape(zj.shape)
        assert rel_err(deltas[j], num) < 1e-6
    np.testing.assert_array_equal(deltas[-1], delta_out)
    np.testing.assert_allclose(grad, model.loss_and_grad(theta, X, y)[1], rtol=1e-13)


def _mse_mean(u, y):
    """Half squared error averaged over rows, and its gradient (hand-written)."""
    r = u - y
    return 0.5 * np.sum(r * r) / u.shape[0], r / u.shape[0]


# --------------------------------------------------------------------------- forward


@pytest.mark.parametrize("residual", [False, True])
def test_forward_matches_a_loop_over_examples(residual):
    widths = (2, 3, 3, 2)
    model = MLP(widths, "tanh", residual=residual)
    rng = np.random.default_rng(11)
    theta = rng.normal(size=model.num_params)
    X = rng.normal(size=(4, 2))
    # parameters sliced by hand in the documented order W_1, b_1, W_2, b_2, ... (row-major)
    Ws, bs, pos = [], [], 0
    for m, k in zip(widths[1:], widths[:-1], strict=True):
        Ws.append(theta[pos:pos + m * k].reshape(m, k))
        pos += m * k
        bs.append(theta[pos:pos + m])
        pos += m
    assert pos == theta.size
    fp = model.forward(theta, X)
    assert isinstance(fp, ForwardPass)
    assert len(fp.z) == 4 and len(fp.v) == 3
    for i, x in enumerate(X):
        z = x.copy()
        np.testing.assert_array_equal(fp.z[0][i], z)
        for j in range(3):
            v = np.array([sum(Ws[j][r, c] * z[c] for c in range(widths[j])) + bs[j][r]
                          for r in range(widths[j + 1])])
            np.testing.assert_allclose(fp.v[j][i], v, rtol=1e-13, atol=1e-14)
            if j == 2:
                z = v  # no activation on the last layer
            elif residual and widths[j] == widths[j + 1]:
                z = z + np.tanh(v)
            else:
                z = np.tanh(v)
            np.testing.assert_allclose(fp.z[j + 1][i], z, rtol=1e-13, atol=1e-14)
    np.testing.assert_array_equal(model.predict(theta, X), fp.output)
    assert model.residual_layers == ((False, True, False) if residual else (False,) * 3)


def test_one_dimensional_input_for_scalar_networks():
    model = MLP((1, 4, 1), "tanh")
    rng = np.random.default_rng(12)
    theta, x = rng.normal(size=model.num_params), rng.normal(size=7)
    np.testing.assert_array_equal(model.predict(theta, x), model.predict(theta, x[:, None]))
    assert model.predict(theta, x).shape == (7, 1)


@pytest.mark.parametrize("residual", [False, True])
def test_identity_network_is_the_collapsed_affine_map(residual):
    widths = (3, 4, 4, 2)
    model = MLP(widths, "identity", residual=residual)
    rng = np.random.default_rng(13)
    theta = rng.normal(size=model.num_params)
    (W1, b1), (W2, b2), (W3, b3) = model.unflatten(theta)
    M2 = W2 + np.eye(4) if residual else W2  # z + (W2 z + b2) = (I + W2) z + b2
    W = W3 @ M2 @ W1
    b = W3 @ (M2 @ b1 + b2) + b3
    X = rng.normal(size=(6, 3))
    np.testing.assert_allclose(model.predict(theta, X), X @ W.T + b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("activation, shift", [("tanh", 0.0), ("relu", 0.0), ("sigmoid", 0.5)])
def test_zeroed_residual_layers_act_as_skips(activation, shift):
    # z_{j+1} = z_j + sigma(0 z_j + 0) = z_j + sigma(0): removing layers 2 and 3 (shifting
    # by sigma(0) per layer) gives the same network
    full = MLP((2, 4, 4, 4, 3), activation, residual=True)
    short = MLP((2, 4, 3), activation)
    assert full.residual_layers == (False, True, True, False)
    rng = np.random.default_rng(14)
    theta = rng.normal(size=full.num_params)
    layers = full.layers(theta)
    for j in (1, 2):
        layers[j][0][...] = 0.0
        layers[j][1][...] = 0.0
    (W1, b1), (W4, b4) = layers[0], layers[3]
    theta_short = np.concatenate([W1.ravel(), b1, W4.ravel(), b4 + 2 * shift * W4.sum(axis=1)])
    X = rng.normal(size=(5, 2))
    np.testing.assert_allclose(full.predict(theta, X), short.predict(theta_short, X),
                               rtol=1e-13, atol=1e-13)


# --------------------------------------------------------------------------- parameters


@pytest.mark.parametrize(
    "widths, p",
    [
        ((1, 64, 64, 1), 4353),
        ((1, 5, 5, 5, 1, 1), 78),
        ((1,) + (5,) * 5 + (1, 1), 138),
        ((1,) + (5,) * 10 + (1, 1), 288),
        ((1,) + (5,) * 15 + (1, 1), 438),
        ((1,) + (5,) * 45 + (1, 1), 1338),
        ((1,) + (5,) * 30 + (1, 1), 888),
    ],
)
def test_num_params_book_numbers(widths, p):
    assert MLP(widths).num_params == p
    assert closed_form_num_params(widths) == p


def test_num_params_closed_form_random_widths():
    rng = np.random.default_rng(15)
    for _ in range(20):
        widths = tuple(int(w) for w in rng.integers(1, 9, rng.integers(2, 7)))
        model = MLP(widths, residual=bool(rng.integers(2)))
        assert model.num_params == closed_form_num_params(widths)
        assert model.n_layers == len(widths) - 1
        assert model.shapes == [(widths[j + 1], widths[j]) for j in range(len(widths) - 1)]
        assert len(model.param_names()) == model.num_params


def test_layers_are_views_and_flatten_round_trips():
    model = MLP((3, 4, 2), "relu")
    rng = np.random.default_rng(16)
    theta = rng.normal(size=model.num_params)
    layers = model.layers(theta)
    assert [W.shape for W, _ in layers] == [(4, 3), (2, 4)]
    assert [b.shape for _, b in layers] == [(4,), (2,)]
    for W, b in layers:
        assert np.shares_memory(W, theta) and np.shares_memory(b, theta)
    np.testing.assert_array_equal(layers[0][0].ravel(), theta[:12])  # W_1 row-major first
    np.testing.assert_array_equal(layers[0][1], theta[12:16])
    layers[1][0][1, 2] = 123.0  # writing into a view writes into theta
    assert theta[16 + 1 * 4 + 2] == 123.0
    flat = model.flatten(layers)
    np.testing.assert_array_equal(flat, theta)
    assert not np.shares_memory(flat, theta)
    copies = model.unflatten(theta)
    copies[0][0][0, 0] = -5.0
    assert theta[0] != -5.0
    np.testing.assert_array_equal(model.flatten(model.unflatten(theta)), theta)


def test_param_names():
    model = MLP((2, 3, 1))
    names = model.param_names()
    assert names[0] == "W_1[0, 0]" and names[1] == "W_1[0, 1]" and names[2] == "W_1[1, 0]"
    assert names[5] == "W_1[2, 1]" and names[6] == "b_1[0]" and names[8] == "b_1[2]"
    assert names[9] == "W_2[0, 0]" and names[12] == "b_2[0]"
    assert len(names) == 13
    with pytest.raises(ValueError, match="index"):
        model.param_name(13)


def test_residual_flags():
    assert MLP((2, 4, 4, 4, 3), residual=True).residual_layers == (False, True, True, False)
    assert MLP((4, 4, 4), residual=True).residual_layers == (True, False)  # never the last
    assert MLP((4, 4, 4)).residual_layers == (False, False)
    assert MLP((3, 3), residual=True).residual_layers == (False,)
    # the square hidden layers do not depend on the flag
    assert MLP((4, 4, 4)).square_layers == (True, False)
    assert MLP((2, 4, 4, 4, 3)).square_layers == (False, True, True, False)


def test_offsets_are_the_layout_of_layers_and_check_X_names_the_argument():
    net = MLP((2, 3, 1), "tanh")
    assert net.offsets == ((0, 6, 9), (9, 12, 13))  # W_1 (3x2), b_1, W_2 (1x3), b_2
    theta = np.arange(13.0)
    (W1, b1), (W2, b2) = net.layers(theta)
    assert W1.tolist() == [[0, 1], [2, 3], [4, 5]] and b2.tolist() == [12.0]
    assert net.check_X([[1, 2]]).shape == (1, 2)
    with pytest.raises(ValueError, match="Xq"):
        net.check_X(np.ones((3, 3)), "Xq")


def test_activation_assignment():
    model = MLP((2, 3, 3, 1), ["tanh", "relu"])
    assert [a.name for a in model.activations] == ["tanh", "relu", "identity"]
    model = MLP((2, 3, 3, 1), "leaky_relu", alpha=0.3)
    np.testing.assert_allclose(model.activations[0].f(np.array([-1.0])), [-0.3])
    assert "p=25" in repr(MLP((2, 3, 3, 1)))


def test_passes_do_not_mutate_inputs():
    model = MLP((2, 3, 1), "tanh", residual=True)
    rng = np.random.default_rng(17)
    theta, X, y = rng.normal(size=model.num_params), rng.normal(size=(4, 2)), rng.normal(
        size=(4, 1))
    t0, X0, y0 = theta.copy(), X.copy(), y.copy()
    model.loss_and_grad(theta, X, y)
    model.backward(theta, model.forward(theta, X), np.ones((4, 1)), return_deltas=True)
    np.testing.assert_array_equal(theta, t0)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_loss_value_matches_hand_computed_mean_loss():
    model = MLP((2, 3, 2), "softplus")
    rng = np.random.default_rng(18)
    theta, X, y = rng.normal(size=model.num_params), rng.normal(size=(5, 2)), rng.normal(
        size=(5, 2))
    u = model.predict(theta, X)
    assert model.loss(theta, X, y) == pytest.approx(0.5 * np.mean(np.sum((u - y) ** 2, 1)),
                                                    rel=1e-14)
    labels = np.array([0, 1, 1, 0, 1])
    ce = np.mean(np.log(np.exp(u).sum(1)) - u[np.arange(5), labels])
    assert model.loss(theta, X, labels, "cross_entropy") == pytest.approx(ce, rel=1e-13)


# --------------------------------------------------------------------------- every engine
# The delta recursion is written in four places (lib.mlp, lib._workspace, lib.stacked's
# stack, lib.backprop's one-example teaching forms); the reference MLP.loss_and_grad is
# checked against finite differences above, and every other engine against it here, on one
# matrix of (activation, residual, loss, batch).

ENGINE_ACTS = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "identity")
ENGINE_LOSSES = {"mse": 1, "huber": 2, "cross_entropy": 3}  # loss -> output width


def _engine_problem(act, residual, loss, batch):
    rng = np.random.default_rng([7, ENGINE_ACTS.index(act), residual, batch,
                                 list(ENGINE_LOSSES).index(loss)])
    model = MLP((2, 4, 4, ENGINE_LOSSES[loss]), act, residual=residual)
    theta = model.init(rng, "xavier")
    X = rng.normal(size=(batch, 2))
    if loss == "cross_entropy":
        y = rng.integers(0, ENGINE_LOSSES[loss], size=batch)
    else:
        y = rng.normal(size=(batch, ENGINE_LOSSES[loss]))
    return model, theta, X, y


def _workspace_grad(model, theta, X, y, loss):
    from lib import _workspace, losses

    flat = _workspace.to_augmented(model, theta)
    gflat = np.zeros_like(flat)
    ws = _workspace.Workspace(model, X.shape[0], _workspace.augmented_views(model, flat),
                              _workspace.augmented_views(model, gflat), XT=X.T)
    out = ws.forward()
    _, g = losses.get(loss)(out.T.copy(), y)
    ws.backward(np.ascontiguousarray(g.T))
    return _workspace.from_augmented(model, gflat)


def _stack_grads(model, thetas, X, y, loss):
    from lib import losses, stacked

    K = thetas.shape[0]
    stack = stacked._Stack(model, stacked.residual_mask(model, None, K))
    flat = stack.to_aug(thetas)
    gflat = np.zeros_like(flat)
    A, G = stack.views(flat), stack.views(gflat)
    buf = stack.buffers(K, X.shape[0])
    out = stack.forward(A, X.T, buf)
    is_mse = loss == "mse"
    values = stack.loss(losses.get(loss), is_mse, out, y.T if is_mse else y, buf)
    stack.backward(A, buf, G)
    return values, stack.from_aug(gflat)


@pytest.mark.parametrize("act", ENGINE_ACTS)
@pytest.mark.parametrize("residual", [False, True])
@pytest.mark.parametrize("loss", list(ENGINE_LOSSES))
@pytest.mark.parametrize("batch", [1, 7])
def test_every_engine_matches_the_reference(act, residual, loss, batch):
    from lib import backprop, losses

    model, theta, X, y = _engine_problem(act, residual, loss, batch)
    value, ref = model.loss_and_grad(theta, X, y, loss)

    def close(g):
        return np.allclose(g, ref, rtol=1e-11, atol=1e-13 * max(1.0, np.abs(ref).max()))

    # the reference with its deltas, and the chapter-5 batch form (a wrapper of it)
    fp = model.forward(theta, X)
    _, delta = losses.get(loss)(fp.output, y)
    g_deltas, deltas = model.backward(theta, fp, delta, return_deltas=True)
    assert np.array_equal(g_deltas, ref)
    v_b, g_b, d_b = backprop.backprop_batch(model, theta, X, y, loss)
    assert v_b == value and np.array_equal(g_b, ref)
    assert all(np.array_equal(a, b) for a, b in zip(d_b, deltas, strict=True))
    # the fast single-network path
    assert close(_workspace_grad(model, theta, X, y, loss))
    # the stacked path: two members, the second perturbed, each against its own reference
    theta2 = theta + 0.1 * np.random.default_rng(1).standard_normal(theta.shape)
    values, grads = _stack_grads(model, np.stack([theta, theta2]), X, y, loss)
    assert np.isclose(values[0], value, rtol=1e-12) and close(grads[0])
    assert np.allclose(grads[1], model.loss_and_grad(theta2, X, y, loss)[1], rtol=1e-11,
                       atol=1e-13)
    # per-example gradients: the rows average to the gradient of the mean loss
    assert close(model.per_example_gradients(theta, X, y, loss).mean(axis=0))
    # the one-example teaching forms of chapter 5, averaged over the batch
    for form in (backprop.backprop_recursion, backprop.backprop_jacobians):
        per = [form(model, theta, X[i], y[i], loss) for i in range(batch)]
        assert close(np.mean([p.grad for p in per], axis=0))
        for i, p in enumerate(per):  # delta_j of example i is N times row i of the batch's
            for d_one, d_all in zip(p.deltas, deltas, strict=True):
                assert np.allclose(d_one, batch * d_all[i], rtol=1e-11, atol=1e-13)
    # the output Jacobian: for the half squared error, grad f_i = (m(x_i) - y_i) J_i
    if loss == "mse":
        J = model.output_jacobian(theta, X)
        assert close(((fp.output - y) * J).mean(axis=0))
