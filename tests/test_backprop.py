"""Tests of lib.backprop (chapter 5) against independent oracles.

Oracles: closed-form derivatives, centred finite differences (lib.gradcheck and
lib.backprop.numerical_jacobian, which never call a backward pass), hand counts of
operations, and lib.mlp.MLP.loss_and_grad / MLP.backward as a second implementation.
Float64 throughout; relative errors below 1e-6 against finite differences.
"""

import numpy as np
import pytest

from lib import MLP, autodiff, backprop, flops, gradcheck, losses


# ----------------------------------------------------------------------------- scalar graphs
def test_baydin_graph_values_and_adjoints_closed_form():
    g = autodiff.baydin_graph()
    for x1, x2 in [(2.0, 5.0), (0.5, -1.3), (3.1, 0.2)]:
        vals = g.forward(x1=x1, x2=x2)
        adj = g.backward(vals)
        assert np.isclose(vals["f"], np.log(x1) + x1 * x2 - np.sin(x2), rtol=1e-14)
        assert np.isclose(adj["x1"], 1 / x1 + x2, rtol=1e-14)
        assert np.isclose(adj["x2"], x1 - np.cos(x2), rtol=1e-14)
        assert adj["f"] == 1.0


def test_scalar_graph_against_finite_differences_and_repeated_parent(rng):
    nodes = [
        autodiff.Node("a", "input"), autodiff.Node("b", "input"),
        autodiff.Node("s", "mul", ("a", "a")),  # a read twice by one node
        autodiff.Node("t", "sigmoid", ("b",)), autodiff.Node("e", "exp", ("t",)),
        autodiff.Node("d", "div", ("s", "e")), autodiff.Node("c", "cos", ("d",)),
        autodiff.Node("h", "tanh", ("c",)), autodiff.Node("q", "square", ("h",)),
        autodiff.Node("f", "sub", ("q", "b")),
    ]
    g = autodiff.ScalarGraph(nodes)
    for _ in range(5):
        a, b = rng.normal(size=2)
        adj = g.backward(g.forward(a=a, b=b))
        gradcheck.check_gradient(lambda t: g.forward(a=t[0], b=t[1])["f"],
                                 [adj["a"], adj["b"]], np.array([a, b]))
    vals = g.forward(a=1.5, b=0.0)
    # d(a*a)/da = 2a: both edges of the repeated parent are summed
    assert np.isclose(g.local_derivative(vals, "s", 0) + g.local_derivative(vals, "s", 1), 3.0)


def test_backward_steps_seed_and_completion():
    g = autodiff.baydin_graph()
    vals = g.forward(x1=2.0, x2=5.0)
    steps = g.backward_steps(vals)
    assert steps[0] == ("f", {"f": 1.0})
    assert len(steps) == 1 + sum(nd.op != "input" for nd in g.nodes)
    final = steps[-1][1]
    assert all(np.isclose(final[k], v) for k, v in g.backward(vals).items())
    assert sorted(g.children("x1")) == ["v1", "v2"]


@pytest.mark.parametrize("nodes, match", [
    ([], "at least one"),
    ([autodiff.Node("x", "input"), autodiff.Node("x", "sin", ("x",))], "unique"),
    ([autodiff.Node("x", "input"), autodiff.Node("y", "foo", ("x",))], "unknown op"),
    ([autodiff.Node("x", "input"), autodiff.Node("y", "add", ("x",))], "needs 2"),
    ([autodiff.Node("y", "sin", ("x",)), autodiff.Node("x", "input")], "topological"),
    ([autodiff.Node("x", "input", ("z",))], "no parents"),
])
def test_scalar_graph_validation(nodes, match):
    with pytest.raises(ValueError, match=match):
        autodiff.ScalarGraph(nodes)


def test_scalar_graph_input_validation():
    g = autodiff.baydin_graph()
    with pytest.raises(ValueError, match="inputs"):
        g.forward(x1=1.0)
    with pytest.raises(TypeError):
        autodiff.ScalarGraph(["x"])


# ----------------------------------------------------------------------------- Jacobians
def test_numerical_jacobian_shapes_and_linear_maps(rng):
    A = rng.normal(size=(3, 4))
    x = rng.normal(size=4)
    assert np.allclose(backprop.numerical_jacobian(lambda t: A @ t, x), A, atol=1e-9)
    W = rng.normal(size=(2, 5))
    J = backprop.numerical_jacobian(lambda M: M @ np.arange(5.0), W)
    assert J.shape == (2, 2, 5)
    expect = np.zeros((2, 2, 5))
    expect[0, 0], expect[1, 1] = np.arange(5.0), np.arange(5.0)
    assert np.allclose(J, expect, atol=1e-9)
    assert backprop.numerical_jacobian(lambda M: np.sum(M**2), W).shape == W.shape
    with pytest.raises(TypeError, match="callable"):
        backprop.numerical_jacobian(3, x)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "leaky_relu", "elu", "softplus"])
@pytest.mark.parametrize("residual", [False, True])
def test_layer_jacobian_and_weight_tensor(act, residual, rng):
    from lib import activations

    a = activations.get(act)
    W, b, z = rng.normal(size=(4, 4)), rng.normal(size=4), rng.normal(size=4)

    def layer(t):
        return (t if residual else 0) + a.f(W @ t + b)

    J = backprop.layer_jacobian(W, b, z, act, residual)
    assert np.allclose(J, backprop.numerical_jacobian(layer, z), atol=1e-8)
    T = backprop.weight_jacobian_tensor(W, b, z, act)
    T_num = backprop.numerical_jacobian(lambda M: a.f(M @ z + b), W)
    assert T.shape == (4, 4, 4) and np.allclose(T, T_num, atol=1e-8)
    d = rng.normal(size=4)
    g = d * a.df(W @ z + b)
    assert np.allclose(backprop.contract_weight_tensor(d, T), np.outer(g, z))


def test_layer_validation():
    with pytest.raises(ValueError, match="square"):
        backprop.layer_jacobian(np.ones((2, 3)), np.ones(2), np.ones(3), "tanh", True)
    with pytest.raises(ValueError, match="first axis"):
        backprop.contract_weight_tensor(np.ones(3), np.ones((2, 2, 3)))


# ----------------------------------------------------------------------------- backprop
CASES = [
    ((3, 4, 5, 2), "tanh", False, "mse"),
    ((3, 4, 4, 4, 2), "sigmoid", True, "mse"),
    ((2, 6, 1), "relu", False, "logistic"),
    ((4, 5, 5, 3), "leaky_relu", True, "cross_entropy"),
    ((3, 3, 3, 3), "elu", True, "huber"),
]


def _targets(loss, n, k, rng):
    if loss == "logistic":
        return (rng.random(n) < 0.5).astype(float)
    if loss == "cross_entropy":
        return rng.integers(0, k, size=n)
    return rng.normal(size=(n, k))


@pytest.mark.parametrize("widths, act, residual, loss", CASES)
def test_per_example_backprop_three_ways(widths, act, residual, loss, rng):
    net = MLP(widths, act, residual=residual)
    theta = net.init(rng, "xavier")
    x = rng.normal(size=widths[0])
    y = _targets(loss, 1, widths[-1], rng)[0]
    yb = np.asarray(y)[None] if loss != "mse" and loss != "huber" else np.asarray(y)[None, :]
    a = backprop.backprop_jacobians(net, theta, x, y, loss)
    b = backprop.backprop_recursion(net, theta, x, y, loss)
    value, g = net.loss_and_grad(theta, x[None, :], yb, loss)
    assert np.isclose(a.loss, value) and np.isclose(b.loss, value)
    assert np.allclose(a.grad, g, rtol=1e-10, atol=1e-14)
    assert np.allclose(b.grad, g, rtol=1e-10, atol=1e-14)
    fp = net.forward(theta, x[None, :])
    _, d_out = losses.get(loss)(fp.output, yb)
    _, deltas = net.backward(theta, fp, d_out, return_deltas=True)
    for d_lib, d_a, d_b in zip(deltas, a.deltas, b.deltas, strict=True):
        assert np.allclose(d_lib[0], d_a) and np.allclose(d_lib[0], d_b)
    gradcheck.check_gradient(lambda t: net.loss(t, x[None, :], yb, loss), a.grad, theta,
                             names=net.param_names())
    assert len(a.jacobians) == net.n_layers and len(a.shapes) == net.n_layers + 1
    for j, J in enumerate(a.jacobians):
        assert J.shape == (widths[j + 1], widths[j])


@pytest.mark.parametrize("widths, act, residual, loss", CASES)
def test_batch_backprop_against_lib_and_finite_differences(widths, act, residual, loss, rng):
    net = MLP(widths, act, residual=residual)
    theta = net.init(rng, "xavier")
    X = rng.normal(size=(7, widths[0]))
    Y = _targets(loss, 7, widths[-1], rng)
    value, g, deltas = backprop.backprop_batch(net, theta, X, Y, loss)
    v_lib, g_lib = net.loss_and_grad(theta, X, Y, loss)
    assert np.isclose(value, v_lib) and np.allclose(g, g_lib, rtol=1e-12, atol=1e-15)
    assert [d.shape for d in deltas] == [(7, w) for w in widths]
    gradcheck.check_model_gradient(net, theta, X, Y, loss)


def test_batch_gradient_is_mean_of_per_example_gradients(rng):
    net = MLP((3, 5, 2), "tanh")
    theta = net.init(rng, "he")
    X, Y = rng.normal(size=(9, 3)), rng.normal(size=(9, 2))
    per = [backprop.backprop_recursion(net, theta, X[i], Y[i]).grad for i in range(9)]
    assert np.allclose(backprop.backprop_batch(net, theta, X, Y)[1], np.mean(per, axis=0))


def test_delta_norms(rng):
    net = MLP((2, 4, 4, 1), "sigmoid")
    theta = net.init(rng, "xavier")
    X, Y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    d = backprop.delta_norms(net, theta, X, Y)
    assert d.shape == (4,) and np.all(d > 0)
    # the output delta of the per-example squared error is the residual u - y
    r = net.predict(theta, X) - Y
    assert np.isclose(d[-1], np.sqrt(np.mean(np.sum(r**2, axis=1))))


def test_forward_example_validation():
    net = MLP((3, 2), "tanh")
    with pytest.raises(ValueError, match="one example"):
        backprop.forward_example(net, np.zeros(net.num_params), np.zeros(2))


# ----------------------------------------------------------------------------- costs
def test_chain_product_and_flops_by_hand(rng):
    mats = [rng.normal(size=s) for s in [(1, 2), (2, 3), (3, 4)]]
    assert np.allclose(flops.chain_product(mats, "left"), mats[0] @ mats[1] @ mats[2])
    assert np.allclose(flops.chain_product(mats, "right"), mats[0] @ (mats[1] @ mats[2]))
    shapes = [m.shape for m in mats]
    assert flops.chain_flops(shapes, "left") == 2 * 1 * 2 * 3 + 2 * 1 * 3 * 4
    assert flops.chain_flops(shapes, "right") == 2 * 2 * 3 * 4 + 2 * 1 * 2 * 4
    with pytest.raises(ValueError, match="chain"):
        flops.chain_flops([(1, 2), (3, 4)])
    with pytest.raises(ValueError, match="order"):
        flops.chain_flops(shapes, "middle")
    with pytest.raises(ValueError, match="order"):
        flops.chain_product(mats, "middle")


def test_forward_and_backward_flops_by_hand():
    # widths (2, 3, 1), one example; see the docstrings for the per-layer terms
    assert flops.forward_flops((2, 3, 1)) == (12 + 3 + 3) + (6 + 1)
    assert flops.backward_flops((2, 3, 1)) == (6 + 12 + 3) + (6 + 1 + 6)
    assert flops.backward_flops((2, 3, 1), input_delta=True) == 34 + 12
    assert flops.forward_flops((2, 3, 1), batch=5) == 5 * 25
    with pytest.raises(ValueError):
        flops.forward_flops((3,))
    with pytest.raises(ValueError):
        flops.backward_flops((3, 2), batch=0)


def test_backward_is_about_twice_forward_for_wide_layers():
    for widths in [(512,) * 6 + (10,), (1024, 1024, 1024, 1)]:
        ratio = flops.backward_flops(widths, 64, input_delta=True) / flops.forward_flops(
            widths, 64)
        assert abs(ratio - 2) < 0.01
        assert 1.0 < flops.backward_flops(widths, 64) / flops.forward_flops(widths, 64) < 2


def test_time_passes_returns_positive_medians(rng):
    net = MLP((4, 8, 1), "tanh")
    theta = net.init(rng, "xavier")
    t = flops.time_passes(net, theta, rng.normal(size=(6, 4)), rng.normal(size=(6, 1)),
                             repeats=3)
    assert set(t) == {"forward", "backward", "ratio"}
    assert t["ratio"] > 0 and t["forward"] > 0 and t["backward"] > 0
    with pytest.raises(ValueError):
        flops.time_passes(net, theta, np.zeros((2, 4)), np.zeros((2, 1)), repeats=0)


# ----------------------------------------------------------------------------- Louppe
def _louppe_setup(rng, p=3, q=4, n=8):
    W1, W2 = rng.normal(size=(p, q)), rng.normal(size=q)
    X = rng.normal(size=(n, p))
    y = (rng.random(n) < 0.5).astype(float)
    return X, y, W1, W2


@pytest.mark.parametrize("lam", [0.0, 0.05, 1.0])
def test_louppe_gradients_against_finite_differences(lam, rng):
    X, y, W1, W2 = _louppe_setup(rng)
    G = backprop.louppe_gradients(X, y, W1, W2, lam)

    def loss(t):
        return backprop.louppe_forward(X, y, t[:12].reshape(3, 4), t[12:], lam).loss

    gradcheck.check_gradient(loss, np.concatenate([G["dW1"].ravel(), G["dW2"]]),
                             np.concatenate([W1.ravel(), W2]))
    assert np.allclose(G["dW1"], G["dW1_data"] + G["dW1_penalty"])
    assert np.isclose(np.linalg.norm(G["dW1_penalty"]), lam)


def test_louppe_forward_nodes_and_cross_entropy(rng):
    X, y, W1, W2 = _louppe_setup(rng)
    fw = backprop.louppe_forward(X, y, W1, W2, 0.3)
    yhat = 1 / (1 + np.exp(-(1 / (1 + np.exp(-X @ W1))) @ W2))
    ce = np.mean(-y * np.log(yhat) - (1 - y) * np.log(1 - yhat))
    assert np.allclose(fw.yhat, yhat) and np.isclose(fw.u8, ce)
    assert np.isclose(fw.u6, np.sqrt(np.sum(W1**2)) + np.sqrt(np.sum(W2**2)))
    assert np.isclose(fw.loss, ce + 0.3 * fw.u6)


def test_louppe_data_path_equals_mlp_without_biases(rng):
    X, y, W1, W2 = _louppe_setup(rng)
    G = backprop.louppe_gradients(X, y, W1, W2, 0.5)
    net = MLP((3, 4, 1), "sigmoid")
    theta = net.flatten([(W1.T, np.zeros(4)), (W2[None, :], np.zeros(1))])
    (gW1, _), (gW2, _) = net.layers(net.loss_and_grad(theta, X, y, "logistic")[1])
    assert np.allclose(gW1.T, G["dW1_data"]) and np.allclose(gW2[0], G["dW2_data"])


def test_frobenius_norm_grad_and_kink(rng):
    W = rng.normal(size=(3, 2))
    assert np.allclose(backprop.frobenius_norm_grad(W),
                       gradcheck.numerical_gradient(np.linalg.norm, W), atol=1e-8)
    assert np.array_equal(backprop.frobenius_norm_grad(np.zeros((3, 2))), np.zeros((3, 2)))


def test_louppe_validation(rng):
    X, y, W1, W2 = _louppe_setup(rng)
    with pytest.raises(ValueError, match="shapes"):
        backprop.louppe_forward(X, y, W1.T, W2, 0.1)
    with pytest.raises(ValueError, match="y must have shape"):
        backprop.louppe_forward(X, y[:3], W1, W2, 0.1)
    with pytest.raises(ValueError, match="lam"):
        backprop.louppe_forward(X, y, W1, W2, -1.0)


# ----------------------------------------------------------------------------- plotting, widgets
def test_plotting_helpers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lib import plotting

    g = autodiff.baydin_graph()
    vals = g.forward(x1=2.0, x2=5.0)
    fig, (a1, a2) = plt.subplots(1, 2)
    plotting.annotated_graph(a1, g, vals, g.backward(vals), current="v2", title="t")
    texts = [t.get_text() for t in a1.texts]
    assert "adj = 5.500" in texts and any(t.startswith("f = 11.652") for t in texts)
    plotting.per_layer(a2, [1.0, 0.1, 0.01])
    assert a2.get_yscale() == "log" and list(a2.get_xticks()) == [1, 2, 3]
    plt.close(fig)


def test_backprop_explorer_callbacks(rng):
    from lib import widgets

    X = rng.normal(size=(6, 2))
    Y = rng.normal(size=(6, 1))
    ex = widgets.backprop_explorer(X, Y, seed=0)
    img, txt = ex.image.value, ex.text.value
    assert "gradient check" in txt and len(img) > 1000
    ex.controls["depth"].value = 2
    assert ex.image.value != img and ex.text.value != txt
    img, txt = ex.image.value, ex.text.value
    ex.controls["residual"].value = True
    assert ex.image.value != img and ex.text.value != txt
    # a passing gradient check is shown as a bound, not as its rounding-level value
    assert "gradient check <b>relative error below 1e-6</b>" in ex.text.value


def test_graph_backward_explorer_callbacks():
    from lib import widgets

    ex = widgets.graph_backward_explorer(autodiff.baydin_graph(), {"x1": 2.0, "x2": 5.0})
    img, txt = ex.image.value, ex.text.value
    assert "5.5000" in txt
    ex.controls["step"].value = 0
    assert ex.image.value != img and ex.text.value != txt
    assert "none yet" in ex.text.value
