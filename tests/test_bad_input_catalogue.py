"""The bad-input catalogue over every public function of lib: each entry is one bad call a
reader could make (wrong type, wrong shape, NaN/inf in data, empty input, non-positive or
non-integer sizes, bool for an int, unknown names, a non-Generator rng, mismatched lengths,
degenerate input), and the test asserts that it raises the expected exception type with a
message naming the argument, before any warning (every warning is an error here).

``CASES`` is also what ``python -m tests.test_bad_input_catalogue`` classifies (clear, unclear
or silent), the figures quoted for the catalogue."""

import re
import warnings

import matplotlib.pyplot as plt
import numpy as np
import pytest

import lib
from lib import (
    activations,
    approx,
    autodiff,
    backprop,
    data,
    diagnostics,
    discriminant,
    flops,
    gradcheck,
    init,
    landscape,
    lipschitz,
    losses,
    objectives,
    optim,
    overparam,
    perceptron,
    piecewise,
    plotting,
    randmat,
    reparam,
    risk,
    scalar_chain,
    stacked,
    stochastic,
    widgets,
)
from lib.mlp import MLP

NAN, INF = float("nan"), float("inf")
M = MLP((2, 3, 1), "tanh")
TH = M.init(np.random.default_rng(1))
X = np.random.default_rng(2).normal(size=(6, 2))
Y = np.random.default_rng(3).normal(size=(6, 1))
LAB = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 0.0])
CPLX = np.ones((6, 2)) + 1j
R1 = MLP((1, 4, 4, 1), "relu")
TH1 = R1.init(np.random.default_rng(4))
LIN = MLP((2, 3, 1), "identity")
THL = LIN.init(np.random.default_rng(5))
S = np.eye(2)
SING = np.array([[1.0, 1.0], [1.0, 1.0]])


def g():
    return np.random.default_rng(0)


def nan_at(a, where=0):
    a = np.array(a, dtype=float)
    a.flat[where] = NAN
    return a


CASES = []


def case(ident, exc, name, thunk):
    CASES.append(pytest.param(exc, name, thunk, id=ident))


ELEMENTWISE = [
    activations.step,
    activations.step_prime,
    activations.sigmoid,
    activations.sigmoid_prime,
    activations.tanh,
    activations.tanh_prime,
    activations.relu,
    activations.relu_prime,
    activations.leaky_relu,
    activations.leaky_relu_prime,
    activations.elu,
    activations.elu_prime,
    activations.softplus,
    activations.softplus_prime,
    activations.identity,
    activations.identity_prime,
    data.ryu_target,
]

# ---------------------------------------------------------------------------- activations
for _f in ELEMENTWISE:
    _n = _f.__name__
    _arg = "x" if _f is data.ryu_target else "z"
    case(f"{_n}-string", TypeError, _arg, lambda f=_f: f("1.0"))
    case(f"{_n}-None", TypeError, _arg, lambda f=_f: f(None))
    case(f"{_n}-complex", TypeError, _arg, lambda f=_f: f(np.array([1 + 2j])))
    case(f"{_n}-strings", TypeError, _arg, lambda f=_f: f(["a", "b"]))
for _f in (
    activations.leaky_relu,
    activations.leaky_relu_prime,
    activations.elu,
    activations.elu_prime,
):
    _n = _f.__name__
    case(f"{_n}-alpha-nan", ValueError, "alpha", lambda f=_f: f(1.0, NAN))
    case(f"{_n}-alpha-str", TypeError, "alpha", lambda f=_f: f(1.0, "0.1"))
    case(f"{_n}-alpha-neg", ValueError, "alpha", lambda f=_f: f(1.0, -0.5))
case("leaky_relu-alpha-1", ValueError, "alpha", lambda: activations.leaky_relu(1.0, 1.5))
case("get-int", TypeError, "activation", lambda: activations.get(3))
case("get-unknown", ValueError, "activation", lambda: activations.get("swish"))
case("get-leaky-alpha", ValueError, "alpha", lambda: activations.get("leaky_relu", alpha=2.0))
case("get-elu-alpha-nan", ValueError, "alpha", lambda: activations.get("elu", alpha=NAN))
case("get-alpha-bool", TypeError, "alpha", lambda: activations.get("elu", alpha=True))

# ---------------------------------------------------------------------------- losses
for _loss in (losses.mse, losses.l1, losses.huber):
    _n = _loss.__name__
    case(f"{_n}-u-str", TypeError, "u", lambda f=_loss: f("a", Y))
    case(f"{_n}-u-complex", TypeError, "u", lambda f=_loss: f(Y + 1j, Y))
    case(f"{_n}-y-nan", ValueError, "y", lambda f=_loss: f(Y, nan_at(Y)))
    case(f"{_n}-y-inf", ValueError, "y", lambda f=_loss: f(Y, np.full_like(Y, INF)))
    case(f"{_n}-y-shape", ValueError, "y", lambda f=_loss: f(Y, Y[:3]))
    case(f"{_n}-reduction", ValueError, "reduction", lambda f=_loss: f(Y, Y, reduction="avg"))
    case(f"{_n}-y-None", TypeError, "y", lambda f=_loss: f(Y, None))
case("huber-delta-0", ValueError, "delta", lambda: losses.huber(Y, Y, delta=0.0))
case("huber-delta-nan", ValueError, "delta", lambda: losses.huber(Y, Y, delta=NAN))
case("huber-delta-str", TypeError, "delta", lambda: losses.huber(Y, Y, delta="1"))
case(
    "binary_logistic-y-2", ValueError, "y", lambda: losses.binary_logistic(Y, np.full((6, 1), 2.0))
)
case(
    "binary_logistic-y-nan",
    ValueError,
    "y",
    lambda: losses.binary_logistic(Y, nan_at(LAB)[:, None]),
)
case(
    "binary_logistic-u-complex",
    TypeError,
    "u",
    lambda: losses.binary_logistic(Y + 1j, LAB[:, None]),
)
case("hinge-y-0", ValueError, "y", lambda: losses.hinge(Y, np.zeros((6, 1))))
case("hinge-u-str", TypeError, "u", lambda: losses.hinge("a", np.ones((6, 1))))
case("softmax-str", TypeError, "u", lambda: losses.softmax("a"))
case("softmax-complex", TypeError, "u", lambda: losses.softmax(np.ones((2, 3)) + 1j))
case("log_softmax-None", TypeError, "u", lambda: losses.log_softmax(None))
case("log_softmax-empty", ValueError, "u", lambda: losses.log_softmax(np.zeros((0, 3))))
case(
    "softmax_ce-y-float",
    ValueError,
    "y",
    lambda: losses.softmax_cross_entropy(np.zeros((3, 3)), np.array([0.5, 1.0, 2.0])),
)
case(
    "softmax_ce-y-3",
    ValueError,
    "y",
    lambda: losses.softmax_cross_entropy(np.zeros((3, 3)), np.array([0, 1, 3])),
)
case(
    "softmax_ce-y-len",
    ValueError,
    "y",
    lambda: losses.softmax_cross_entropy(np.zeros((3, 3)), np.array([0, 1])),
)
case(
    "softmax_ce-reduction",
    ValueError,
    "reduction",
    lambda: losses.softmax_cross_entropy(np.zeros((3, 3)), np.array([0, 1, 2]), reduction=1),
)
case("losses.get-unknown", ValueError, "loss", lambda: losses.get("squared"))
case("losses.get-int", TypeError, "loss", lambda: losses.get(3))

# ---------------------------------------------------------------------------- mlp
case("MLP-widths-str", TypeError, "widths", lambda: MLP("231"))
case("MLP-widths-zero", ValueError, "widths", lambda: MLP((2, 0, 1)))
case("MLP-widths-float", TypeError, "widths", lambda: MLP((2, 2.5, 1)))
case("MLP-widths-bool", TypeError, "widths", lambda: MLP((2, True, 1)))
case("MLP-widths-one", ValueError, "widths", lambda: MLP((2,)))
case("MLP-activation", ValueError, "activation", lambda: MLP((2, 3, 1), "swish"))
case("MLP-activation-list", ValueError, "activation", lambda: MLP((2, 3, 3, 1), ["tanh"]))
case("MLP-residual-str", TypeError, "residual", lambda: MLP((2, 3, 3, 1), residual="yes"))
case("MLP-alpha-nan", ValueError, "alpha", lambda: MLP((2, 3, 1), "leaky_relu", alpha=NAN))
case("MLP.predict-X-str", TypeError, "X", lambda: M.predict(TH, "a"))
case("MLP.predict-X-complex", TypeError, "X", lambda: M.predict(TH, CPLX))
case("MLP.predict-X-cols", ValueError, "X", lambda: M.predict(TH, X[:, :1]))
case("MLP.predict-X-nan", ValueError, "X", lambda: M.predict(TH, nan_at(X)))
case("MLP.predict-theta-len", ValueError, "theta", lambda: M.predict(TH[:-1], X))
case("MLP.predict-theta-complex", TypeError, "theta", lambda: M.predict(TH + 1j, X))
case("MLP.predict-theta-nan", ValueError, "theta", lambda: M.predict(nan_at(TH), X))
case("MLP.forward-theta-None", TypeError, "theta", lambda: M.forward(None, X))
case("MLP.loss-y-rows", ValueError, "y", lambda: M.loss(TH, X, Y[:3]))
case("MLP.loss-y-nan", ValueError, "y", lambda: M.loss(TH, X, nan_at(Y)))
case("MLP.loss-loss", ValueError, "loss", lambda: M.loss(TH, X, Y, loss="squared"))
case("MLP.loss_and_grad-y-str", TypeError, "y", lambda: M.loss_and_grad(TH, X, "a"))
case("MLP.loss_and_grad-y-complex", TypeError, "y", lambda: M.loss_and_grad(TH, X, Y + 1j))
case("MLP.init-rng", TypeError, "rng", lambda: M.init(0))
case("MLP.init-scheme", ValueError, "scheme", lambda: M.init(g(), "lecun"))
case("MLP.param_name-range", ValueError, "index", lambda: M.param_name(100))
case("MLP.param_name-neg", ValueError, "index", lambda: M.param_name(-1))
case("MLP.param_name-float", TypeError, "index", lambda: M.param_name(1.5))
case("MLP.param_name-bool", TypeError, "index", lambda: M.param_name(True))
case(
    "MLP.backward-delta",
    ValueError,
    "delta_out",
    lambda: M.backward(TH, M.forward(TH, X), np.zeros((6, 2))),
)
case("MLP.backward-fp", TypeError, "fp", lambda: M.backward(TH, "fp", np.zeros((6, 1))))
case(
    "MLP.backward-delta-nan",
    ValueError,
    "delta_out",
    lambda: M.backward(TH, M.forward(TH, X), nan_at(np.zeros((6, 1)))),
)
case("MLP.layers-theta", ValueError, "theta", lambda: M.layers(TH[:3]))
case("MLP.unflatten-theta", ValueError, "theta", lambda: M.unflatten(np.zeros(4)))
case("MLP.flatten-layers", ValueError, "layers", lambda: M.flatten([(np.zeros((3, 2)),)]))
case(
    "MLP.flatten-layers-shape",
    ValueError,
    "layer",
    lambda: M.flatten([(np.zeros((3, 2)), np.zeros(3)), (np.zeros((2, 3)), np.zeros(2))]),
)
case("MLP.check_theta-str", TypeError, "theta", lambda: M.check_theta("a"))

# ---------------------------------------------------------------------------- init
case("initialize-bias-nan", ValueError, "bias", lambda: init.initialize(M, "normal", g(), bias=NAN))
case("initialize-bias-str", TypeError, "bias", lambda: init.initialize(M, "normal", g(), bias="0"))
case("initialize-bias-inf", ValueError, "bias", lambda: init.initialize(M, "normal", g(), bias=INF))
case("initialize-gain-0", ValueError, "gain", lambda: init.initialize(M, "xavier", g(), gain=0.0))
case("initialize-gain-nan", ValueError, "gain", lambda: init.initialize(M, "xavier", g(), gain=NAN))
case("initialize-model", TypeError, "model", lambda: init.initialize("m", "xavier", g()))
case("initialize-rng", TypeError, "rng", lambda: init.initialize(M, "xavier", 0))
case("initialize-scheme-int", TypeError, "scheme", lambda: init.initialize(M, 3, g()))
case("initialize-scheme", ValueError, "scheme", lambda: init.initialize(M, "lecun", g()))
case(
    "initialize-lipschitz",
    ValueError,
    "lipschitz",
    lambda: init.initialize(M, "operator_norm", g(), lipschitz=NAN),
)
case("initialize-alpha", ValueError, "alpha", lambda: init.initialize(M, "xavier", g(), alpha=-1.0))
case("weight_std-fan_in-0", ValueError, "fan_in", lambda: init.weight_std("xavier", 0, 3))
case("weight_std-fan_in-float", TypeError, "fan_in", lambda: init.weight_std("xavier", 2.5, 3))
case("weight_std-fan_out-bool", TypeError, "fan_out", lambda: init.weight_std("he", 3, True))
case("weight_std-scheme", ValueError, "scheme", lambda: init.weight_std("lecun", 3, 3))
case(
    "weight_std-alpha-nan", ValueError, "alpha", lambda: init.weight_std("xavier", 3, 3, alpha=NAN)
)

# ---------------------------------------------------------------------------- optim
_gd = optim.gradient_descent
case("gd-grad-str", TypeError, "grad", lambda: _gd("f", 1.0, 0.1, 3))
case("gd-grad-returns-str", TypeError, "grad", lambda: _gd(lambda x: "a", 1.0, 0.1, 3))
case(
    "gd-grad-returns-shape",
    ValueError,
    "grad",
    lambda: _gd(lambda x: np.ones(3), [1.0, 2.0], 0.1, 3),
)
case("gd-grad-returns-complex", TypeError, "grad", lambda: _gd(lambda x: x + 1j, 1.0, 0.1, 3))
case("gd-grad-returns-nan", ValueError, "grad", lambda: _gd(lambda x: x * NAN, 1.0, 0.1, 3))
case("gd-x0-str", TypeError, "x0", lambda: _gd(lambda x: x, "a", 0.1, 3))
case("gd-x0-complex", TypeError, "x0", lambda: _gd(lambda x: x, 1 + 1j, 0.1, 3))
case("gd-x0-nan", ValueError, "x0", lambda: _gd(lambda x: x, NAN, 0.1, 3))
case("gd-lr-bool", TypeError, "lr", lambda: _gd(lambda x: x, 1.0, True, 3))
case("gd-lr-0", ValueError, "lr", lambda: _gd(lambda x: x, 1.0, 0.0, 3))
case("gd-steps-float", TypeError, "steps", lambda: _gd(lambda x: x, 1.0, 0.1, 2.5))
case("gd-steps-neg", ValueError, "steps", lambda: _gd(lambda x: x, 1.0, 0.1, -1))
case("gd-steps-bool", TypeError, "steps", lambda: _gd(lambda x: x, 1.0, 0.1, True))
_tr = optim.train
case("train-model", TypeError, "model", lambda: _tr("m", TH, X, Y, lr=0.1, epochs=1))
case("train-theta0-len", ValueError, "theta0", lambda: _tr(M, TH[:-1], X, Y, lr=0.1, epochs=1))
case("train-theta0-complex", TypeError, "theta0", lambda: _tr(M, TH + 1j, X, Y, lr=0.1, epochs=1))
case("train-X-str", TypeError, "X", lambda: _tr(M, TH, "X", Y, lr=0.1, epochs=1))
case("train-X-complex", TypeError, "X", lambda: _tr(M, TH, CPLX, Y, lr=0.1, epochs=1))
case("train-X-inf", ValueError, "X", lambda: _tr(M, TH, np.full((6, 2), INF), Y, lr=0.1, epochs=1))
case("train-y-nan", ValueError, "y", lambda: _tr(M, TH, X, nan_at(Y), lr=0.1, epochs=1))
case("train-y-str", TypeError, "y", lambda: _tr(M, TH, X, "y", lr=0.1, epochs=1))
case("train-y-complex", TypeError, "y", lambda: _tr(M, TH, X, Y + 1j, lr=0.1, epochs=1))
case("train-y-rows", ValueError, "y", lambda: _tr(M, TH, X, Y[:4], lr=0.1, epochs=1))
case("train-y-cols", ValueError, "y", lambda: _tr(M, TH, X, np.zeros((6, 3)), lr=0.1, epochs=1))
case("train-lr-nan", ValueError, "lr", lambda: _tr(M, TH, X, Y, lr=NAN, epochs=1))
case("train-lr-str", TypeError, "lr", lambda: _tr(M, TH, X, Y, lr="0.1", epochs=1))
case("train-epochs-0", ValueError, "epochs", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=0))
case("train-epochs-bool", TypeError, "epochs", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=True))
case("train-epochs-float", TypeError, "epochs", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=10.0))
case(
    "train-batch_size-0",
    ValueError,
    "batch_size",
    lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, batch_size=0),
)
case(
    "train-batch_size-float",
    TypeError,
    "batch_size",
    lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, batch_size=2.0),
)
case(
    "train-batch_size-big",
    ValueError,
    "batch_size",
    lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, batch_size=7),
)
case(
    "train-rng-missing", TypeError, "rng", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, batch_size=2)
)
case(
    "train-rng-int",
    TypeError,
    "rng",
    lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, batch_size=2, rng=0),
)
case("train-record", ValueError, "record", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, record="all"))
case(
    "train-weight_decay",
    ValueError,
    "weight_decay",
    lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, weight_decay=-1.0),
)
case("train-loss", ValueError, "loss", lambda: _tr(M, TH, X, Y, loss="squared", lr=0.1, epochs=1))
case(
    "train-loss-labels",
    ValueError,
    "y",
    lambda: _tr(M, TH, X, Y, loss="logistic", lr=0.1, epochs=1),
)
case(
    "train-dtype", ValueError, "dtype", lambda: _tr(M, TH, X, Y, lr=0.1, epochs=1, dtype=np.float16)
)

# ---------------------------------------------------------------------------- gradcheck
_f2 = lambda t: float(t @ t)  # noqa: E731
_cg = gradcheck.check_gradient
case(
    "check_gradient-names-short",
    ValueError,
    "names",
    lambda: _cg(
        _f2, lambda t: np.array([2.0, 0.0, 5.0]), np.array([1.0, 1.0, 1.0]), names=["a[0]"]
    ),
)
case(
    "check_gradient-names-long",
    ValueError,
    "names",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), names=["a", "b", "c"]),
)
case(
    "check_gradient-names-int",
    TypeError,
    "names",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), names=[1, 2]),
)
case(
    "check_gradient-names-str",
    TypeError,
    "names",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), names="ab"),
)
case(
    "check_gradient-blocks-gap",
    ValueError,
    "blocks",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(3), blocks=[("a", slice(0, 1))]),
)
case(
    "check_gradient-blocks-range",
    ValueError,
    "blocks",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(3), blocks=[("a", slice(0, 5))]),
)
case(
    "check_gradient-blocks-type",
    TypeError,
    "blocks",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(3), blocks=["a"]),
)
case(
    "check_gradient-eps-0",
    ValueError,
    "eps",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), eps=0.0),
)
case(
    "check_gradient-tol-neg",
    ValueError,
    "tol",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), tol=-1.0),
)
case(
    "check_gradient-tol-nan",
    ValueError,
    "tol",
    lambda: _cg(_f2, lambda t: 2 * t, np.ones(2), tol=NAN),
)
case("check_gradient-f-str", TypeError, "f", lambda: _cg("f", lambda t: 2 * t, np.ones(2)))
case(
    "check_gradient-f-nan", ValueError, "f", lambda: _cg(lambda t: NAN, lambda t: 2 * t, np.ones(2))
)
case(
    "check_gradient-f-array", TypeError, "f", lambda: _cg(lambda t: t, lambda t: 2 * t, np.ones(2))
)
case("check_gradient-grad-nan", ValueError, "grad", lambda: _cg(_f2, lambda t: t * NAN, np.ones(2)))
case("check_gradient-grad-str", TypeError, "grad", lambda: _cg(_f2, "g", np.ones(2)))
case(
    "check_gradient-grad-complex", TypeError, "grad", lambda: _cg(_f2, np.ones(2) + 1j, np.ones(2))
)
case("check_gradient-grad-shape", ValueError, "grad", lambda: _cg(_f2, np.ones(3), np.ones(2)))
case("check_gradient-theta-str", TypeError, "theta", lambda: _cg(_f2, np.ones(2), "t"))
case(
    "check_gradient-theta-complex",
    TypeError,
    "theta",
    lambda: _cg(_f2, np.ones(2), np.ones(2) + 1j),
)
case("numerical_gradient-f", TypeError, "f", lambda: gradcheck.numerical_gradient(3, np.ones(2)))
case(
    "numerical_gradient-eps",
    ValueError,
    "eps",
    lambda: gradcheck.numerical_gradient(_f2, np.ones(2), eps=NAN),
)
case(
    "numerical_gradient-f-str",
    TypeError,
    "f",
    lambda: gradcheck.numerical_gradient(lambda t: "a", np.ones(2)),
)
case("relative_error-str", TypeError, "a", lambda: gradcheck.relative_error("a", [1.0]))
case("relative_error-shape", ValueError, "b", lambda: gradcheck.relative_error([1.0, 2.0], [1.0]))
case("relative_error-complex", TypeError, "b", lambda: gradcheck.relative_error([1.0], [1j]))
case(
    "check_model_gradient-model",
    TypeError,
    "model",
    lambda: gradcheck.check_model_gradient("m", TH, X, Y),
)
case(
    "check_model_gradient-y",
    ValueError,
    "y",
    lambda: gradcheck.check_model_gradient(M, TH, X, nan_at(Y)),
)

# ---------------------------------------------------------------------------- data
case("separable_blobs-w-zero", ValueError, "w", lambda: data.separable_blobs(10, g(), w=(0, 0)))
case("separable_blobs-w-nan", ValueError, "w", lambda: data.separable_blobs(10, g(), w=(NAN, 1)))
case("separable_blobs-w-shape", ValueError, "w", lambda: data.separable_blobs(10, g(), w=(1, 1, 1)))
case("separable_blobs-b-nan", ValueError, "b", lambda: data.separable_blobs(10, g(), b=NAN))
case("separable_blobs-b-str", TypeError, "b", lambda: data.separable_blobs(10, g(), b="0"))
case(
    "separable_blobs-spread-0",
    ValueError,
    "spread",
    lambda: data.separable_blobs(10, g(), spread=0.0),
)
case(
    "separable_blobs-spread-nan",
    ValueError,
    "spread",
    lambda: data.separable_blobs(10, g(), spread=NAN),
)
case(
    "separable_blobs-margin-inf",
    ValueError,
    "margin",
    lambda: data.separable_blobs(10, g(), margin=INF),
)
case("separable_blobs-n-0", ValueError, "n", lambda: data.separable_blobs(0, g()))
case("separable_blobs-n-float", TypeError, "n", lambda: data.separable_blobs(10.0, g()))
case("separable_blobs-n-bool", TypeError, "n", lambda: data.separable_blobs(True, g()))
case("separable_blobs-rng", TypeError, "rng", lambda: data.separable_blobs(10, 0))
case(
    "overlapping_blobs-distance-nan",
    ValueError,
    "distance",
    lambda: data.overlapping_blobs(10, g(), distance=NAN),
)
case("overlapping_blobs-std-0", ValueError, "std", lambda: data.overlapping_blobs(10, g(), std=0.0))
case("overlapping_blobs-n-1", ValueError, "n", lambda: data.overlapping_blobs(1, g()))
case("overlapping_blobs-rng", TypeError, "rng", lambda: data.overlapping_blobs(10, None))
case(
    "gaussian_classes-cov-singular",
    ValueError,
    "cov",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], SING),
)
case(
    "gaussian_classes-cov-asym",
    ValueError,
    "cov",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], [[1.0, 0.5], [0.0, 1.0]]),
)
case(
    "gaussian_classes-cov-nan",
    ValueError,
    "cov",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], nan_at(S)),
)
case(
    "gaussian_classes-mu0-nan",
    ValueError,
    "mu0",
    lambda: data.gaussian_classes(10, g(), [NAN, 0], [1, 1], S),
)
case(
    "gaussian_classes-mu1-shape",
    ValueError,
    "mu1",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1, 1], S),
)
case(
    "gaussian_classes-prior1-1",
    ValueError,
    "prior1",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], S, prior1=1.0),
)
case(
    "gaussian_classes-prior1-nan",
    ValueError,
    "prior1",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], S, prior1=NAN),
)
case(
    "gaussian_classes-prior1-str",
    TypeError,
    "prior1",
    lambda: data.gaussian_classes(10, g(), [0, 0], [1, 1], S, prior1="0.5"),
)
case(
    "ryu_regression-noise-nan", ValueError, "noise", lambda: data.ryu_regression(10, g(), noise=NAN)
)
case(
    "ryu_regression-noise-neg",
    ValueError,
    "noise",
    lambda: data.ryu_regression(10, g(), noise=-1.0),
)
case("ryu_regression-n-str", TypeError, "n", lambda: data.ryu_regression("10", g()))
case("regression_1d-f", TypeError, "f", lambda: data.regression_1d(10, g(), 3))
case(
    "regression_1d-low-nan", ValueError, "low", lambda: data.regression_1d(10, g(), np.sin, low=NAN)
)
case(
    "regression_1d-low-str", TypeError, "low", lambda: data.regression_1d(10, g(), np.sin, low="0")
)
case(
    "regression_1d-high-inf",
    ValueError,
    "high",
    lambda: data.regression_1d(10, g(), np.sin, high=INF),
)
case(
    "regression_1d-high-low",
    ValueError,
    "high",
    lambda: data.regression_1d(10, g(), np.sin, low=1.0, high=0.0),
)
case(
    "regression_1d-f-shape",
    ValueError,
    "f",
    lambda: data.regression_1d(10, g(), lambda x: np.zeros(3)),
)
case("regression_1d-f-nan", ValueError, "f", lambda: data.regression_1d(10, g(), lambda x: x * NAN))
case(
    "regression_1d-grid-str",
    TypeError,
    "grid",
    lambda: data.regression_1d(10, g(), np.sin, grid="no"),
)

# ---------------------------------------------------------------------------- linear
case("perceptron-lr-0", ValueError, "lr", lambda: perceptron.perceptron(X, LAB, lr=0.0))
case(
    "perceptron-max_epochs-0",
    ValueError,
    "max_epochs",
    lambda: perceptron.perceptron(X, LAB, max_epochs=0),
)
case("perceptron-y-2", ValueError, "y", lambda: perceptron.perceptron(X, LAB * 2))
case("perceptron-y-len", ValueError, "y", lambda: perceptron.perceptron(X, LAB[:4]))
case("perceptron-X-nan", ValueError, "X", lambda: perceptron.perceptron(nan_at(X), LAB))
case("perceptron-X-complex", TypeError, "X", lambda: perceptron.perceptron(CPLX, LAB))
case("perceptron-rng", TypeError, "rng", lambda: perceptron.perceptron(X, LAB, rng=3))
case("perceptron-w0", ValueError, "w0", lambda: perceptron.perceptron(X, LAB, w0=np.zeros(3)))
case("perceptron-b0-nan", ValueError, "b0", lambda: perceptron.perceptron(X, LAB, b0=NAN))
case("perceptron-b0-str", TypeError, "b0", lambda: perceptron.perceptron(X, LAB, b0="0"))
case(
    "perceptron_predict-w",
    ValueError,
    "w",
    lambda: perceptron.perceptron_predict(X, np.zeros(3), 0.0),
)
case(
    "perceptron_predict-b-nan",
    ValueError,
    "b",
    lambda: perceptron.perceptron_predict(X, np.zeros(2), NAN),
)
case(
    "perceptron_predict-b-str",
    TypeError,
    "b",
    lambda: perceptron.perceptron_predict(X, np.zeros(2), "0"),
)

# ---------------------------------------------------------------------------- discriminant
_mu = np.zeros(2)
case(
    "gaussian_density-cov-singular",
    ValueError,
    "cov",
    lambda: discriminant.gaussian_density(X, _mu, SING),
)
case(
    "gaussian_density-cov-asym",
    ValueError,
    "cov",
    lambda: discriminant.gaussian_density(X, _mu, [[1.0, 0.5], [0.0, 1.0]]),
)
case(
    "gaussian_density-mu-shape",
    ValueError,
    "mu",
    lambda: discriminant.gaussian_density(X, np.zeros(3), S),
)
case("gaussian_density-X-str", TypeError, "X", lambda: discriminant.gaussian_density("X", _mu, S))
case(
    "bayes_posterior-prior1-0",
    ValueError,
    "prior1",
    lambda: discriminant.bayes_posterior(X, _mu, _mu + 1, S, prior1=0.0),
)
case(
    "bayes_posterior-cov1-singular",
    ValueError,
    "cov1",
    lambda: discriminant.bayes_posterior(X, _mu, _mu + 1, S, SING),
)
case(
    "bayes_posterior-mu1-nan",
    ValueError,
    "mu1",
    lambda: discriminant.bayes_posterior(X, _mu, nan_at(_mu), S),
)
case(
    "lda_closed_form-cov-singular",
    ValueError,
    "cov",
    lambda: discriminant.lda_closed_form(_mu, _mu + 1, SING),
)
case(
    "lda_closed_form-prior1-str",
    TypeError,
    "prior1",
    lambda: discriminant.lda_closed_form(_mu, _mu + 1, S, prior1="a"),
)
case(
    "lda_closed_form-mu1-shape",
    ValueError,
    "mu1",
    lambda: discriminant.lda_closed_form(_mu, np.ones(3), S),
)
case("lda_fit-one-class", ValueError, "y", lambda: discriminant.lda_fit(X, np.zeros(6)))
case("lda_fit-y-2", ValueError, "y", lambda: discriminant.lda_fit(X, LAB * 2))
case("lda_fit-y-len", ValueError, "y", lambda: discriminant.lda_fit(X, LAB[:5]))
case("lda_fit-X-nan", ValueError, "X", lambda: discriminant.lda_fit(nan_at(X), LAB))
case(
    "lda_fit-collinear",
    ValueError,
    "X",
    lambda: discriminant.lda_fit(np.column_stack([X[:, 0], X[:, 0]]), LAB),
)
case(
    "logistic_loss-w-shape",
    ValueError,
    "w",
    lambda: discriminant.logistic_loss(np.zeros(3), 0.0, X, LAB),
)
case(
    "logistic_loss-b-nan",
    ValueError,
    "b",
    lambda: discriminant.logistic_loss(np.zeros(2), NAN, X, LAB),
)
case(
    "logistic_loss-y-2",
    ValueError,
    "y",
    lambda: discriminant.logistic_loss(np.zeros(2), 0.0, X, LAB * 2),
)
case(
    "logistic_regression-lr-0",
    ValueError,
    "lr",
    lambda: discriminant.logistic_regression(X, LAB, lr=0.0),
)
case(
    "logistic_regression-steps-neg",
    ValueError,
    "steps",
    lambda: discriminant.logistic_regression(X, LAB, steps=-1),
)
case(
    "logistic_regression-w0",
    ValueError,
    "w0",
    lambda: discriminant.logistic_regression(X, LAB, w0=np.zeros(3)),
)
case(
    "logistic_regression-b0-nan",
    ValueError,
    "b0",
    lambda: discriminant.logistic_regression(X, LAB, b0=NAN),
)
case(
    "logistic_regression-y-nan",
    ValueError,
    "y",
    lambda: discriminant.logistic_regression(X, nan_at(LAB)),
)
case("predict_proba-w-str", TypeError, "w", lambda: discriminant.predict_proba("w", 0.0, X))
case(
    "predict_proba-b-inf", ValueError, "b", lambda: discriminant.predict_proba(np.zeros(2), INF, X)
)
_cc = discriminant.contaminated_classes
case("contaminated-frac-1.5", ValueError, "frac", lambda: _cc(10, g(), _mu, _mu + 1, S, frac=1.5))
case("contaminated-frac-nan", ValueError, "frac", lambda: _cc(10, g(), _mu, _mu + 1, S, frac=NAN))
case(
    "contaminated-shift-shape",
    ValueError,
    "shift",
    lambda: _cc(10, g(), _mu, _mu + 1, S, shift=(1.0,)),
)
case(
    "contaminated-spread-0", ValueError, "spread", lambda: _cc(10, g(), _mu, _mu + 1, S, spread=0.0)
)
case(
    "contaminated-prior1-0", ValueError, "prior1", lambda: _cc(10, g(), _mu, _mu + 1, S, prior1=0.0)
)
case("contaminated-cov-singular", ValueError, "cov", lambda: _cc(10, g(), _mu, _mu + 1, SING))
case("contaminated-rng", TypeError, "rng", lambda: _cc(10, 1, _mu, _mu + 1, S))
case(
    "LDAModel.posterior-X",
    ValueError,
    "X",
    lambda: discriminant.lda_closed_form(_mu, _mu + 1, S).posterior(np.zeros((3, 3))),
)

# ---------------------------------------------------------------------------- objectives
case("quadratic-A-nonsquare", ValueError, "A", lambda: objectives.quadratic(np.ones((2, 3))))
case("quadratic-A-singular", ValueError, "A", lambda: objectives.quadratic(SING))
case("quadratic-A-asym", ValueError, "A", lambda: objectives.quadratic([[2.0, 1.0], [0.0, 2.0]]))
case("quadratic-b-shape", ValueError, "b", lambda: objectives.quadratic(S, np.ones(3)))
case(
    "quadratic-bounds",
    ValueError,
    "bounds",
    lambda: objectives.quadratic(S, bounds=((1.0, 0.0), (0.0, 1.0))),
)
case(
    "quadratic-bounds-flat", TypeError, "bounds", lambda: objectives.quadratic(S, bounds=(1.0, 0.0))
)
case("quadratic-A-nan", ValueError, "A", lambda: objectives.quadratic(nan_at(S)))
case("Objective.value-x-str", TypeError, "x", lambda: objectives.quadratic(S).value("a"))
case(
    "Objective.gradient-x-shape",
    ValueError,
    "x",
    lambda: objectives.quadratic(S).gradient(np.ones(3)),
)
case(
    "first_order_model-f", TypeError, "f", lambda: objectives.first_order_model(1, np.cos, 0.0, 0.1)
)
case(
    "first_order_model-grad",
    TypeError,
    "grad",
    lambda: objectives.first_order_model(np.sin, 1, 0.0, 0.1),
)
case(
    "first_order_model-gamma",
    ValueError,
    "gamma",
    lambda: objectives.first_order_model(np.sin, np.cos, 0.0, 0.0),
)
case(
    "first_order_model-theta0",
    ValueError,
    "theta0",
    lambda: objectives.first_order_model(np.sin, np.cos, NAN, 0.1),
)
case(
    "descent_bound-value-nan",
    ValueError,
    "value",
    lambda: objectives.descent_bound(NAN, 1.0, 0.1, 1.0),
)
case(
    "descent_bound-grad_norm-neg",
    ValueError,
    "grad_norm",
    lambda: objectives.descent_bound(1.0, -1.0, 0.1, 1.0),
)
case(
    "descent_bound-gamma-0",
    ValueError,
    "gamma",
    lambda: objectives.descent_bound(1.0, 1.0, 0.0, 1.0),
)
case(
    "descent_bound-smoothness-str",
    TypeError,
    "smoothness",
    lambda: objectives.descent_bound(1.0, 1.0, 0.1, "1"),
)
case("critical_step-zero", ValueError, "A", lambda: objectives.critical_step(np.zeros((2, 2))))
case(
    "critical_step-asym",
    ValueError,
    "A",
    lambda: objectives.critical_step([[1.0, 2.0], [0.0, 1.0]]),
)
case("critical_step-str", TypeError, "A", lambda: objectives.critical_step("A"))
case(
    "quadratic_iterates-A-singular",
    ValueError,
    "A",
    lambda: objectives.quadratic_iterates(SING, _mu, _mu, 0.1, 3),
)
case(
    "quadratic_iterates-gamma-0",
    ValueError,
    "gamma",
    lambda: objectives.quadratic_iterates(S, _mu, _mu, 0.0, 3),
)
case(
    "quadratic_iterates-steps-float",
    TypeError,
    "steps",
    lambda: objectives.quadratic_iterates(S, _mu, _mu, 0.1, 3.0),
)
case(
    "quadratic_iterates-x0-shape",
    ValueError,
    "x0",
    lambda: objectives.quadratic_iterates(S, _mu, np.ones(3), 0.1, 3),
)
case(
    "quadratic_iterates-b-shape",
    ValueError,
    "b",
    lambda: objectives.quadratic_iterates(S, np.ones(3), _mu, 0.1, 3),
)
_nsp = objectives.newton_stationary_point
case("newton-grad", TypeError, "grad", lambda: _nsp(1, lambda x: S, _mu))
case("newton-hess", TypeError, "hess", lambda: _nsp(lambda x: x, 1, _mu))
case("newton-hess-singular", ValueError, "hess", lambda: _nsp(lambda x: x + 1, lambda x: SING, _mu))
case("newton-tol-0", ValueError, "tol", lambda: _nsp(lambda x: x, lambda x: S, _mu, tol=0.0))
case(
    "newton-max_iter-0",
    ValueError,
    "max_iter",
    lambda: _nsp(lambda x: x, lambda x: S, _mu, max_iter=0),
)
case("newton-x0-nan", ValueError, "x0", lambda: _nsp(lambda x: x, lambda x: S, nan_at(_mu)))

# ---------------------------------------------------------------------------- stochastic
_lp = np.zeros(3)
case("CountingLoss-loss", ValueError, "loss", lambda: stochastic.CountingLoss("squared"))
case("linear_loss-theta", ValueError, "theta", lambda: stochastic.linear_loss(np.zeros(4), X, Y))
case("linear_loss-y-nan", ValueError, "y", lambda: stochastic.linear_loss(_lp, X, nan_at(Y)))
case("linear_loss-y-len", ValueError, "y", lambda: stochastic.linear_loss(_lp, X, Y[:3]))
case(
    "linear_sgd_path-lr",
    ValueError,
    "lr",
    lambda: stochastic.linear_sgd_path(X, Y, _lp, lr=NAN, epochs=1),
)
case(
    "linear_sgd_path-epochs",
    TypeError,
    "epochs",
    lambda: stochastic.linear_sgd_path(X, Y, _lp, lr=0.1, epochs=1.5),
)
case(
    "linear_sgd_path-batch_size",
    ValueError,
    "batch_size",
    lambda: stochastic.linear_sgd_path(X, Y, _lp, lr=0.1, epochs=1, batch_size=0),
)
case(
    "linear_sgd_path-rng",
    TypeError,
    "rng",
    lambda: stochastic.linear_sgd_path(X, Y, _lp, lr=0.1, epochs=1, batch_size=2),
)
case(
    "linear_sgd_path-theta0",
    ValueError,
    "theta0",
    lambda: stochastic.linear_sgd_path(X, Y, np.zeros(2), lr=0.1, epochs=1),
)

# ---------------------------------------------------------------------------- risk
case(
    "legendre_features-degree-neg", ValueError, "degree", lambda: risk.legendre_features([0.5], -1)
)
case(
    "legendre_features-degree-float",
    TypeError,
    "degree",
    lambda: risk.legendre_features([0.5], 2.5),
)
case("legendre_features-x-nan", ValueError, "x", lambda: risk.legendre_features([NAN], 2))
case("legendre_features-x-str", TypeError, "x", lambda: risk.legendre_features("x", 2))
case("best_in_class-f", TypeError, "f", lambda: risk.best_in_class(1, 2))
case("best_in_class-degree", ValueError, "degree", lambda: risk.best_in_class(np.sin, -2))
case("risk-coef-str", TypeError, "coef", lambda: risk.risk("c", np.sin, 0.1))
case("risk-noise-neg", ValueError, "noise", lambda: risk.risk([1.0], np.sin, -0.1))
case("risk-f", TypeError, "f", lambda: risk.risk([1.0], 2, 0.1))
_ex = risk.excess_error_experiment
case(
    "excess-degrees-float",
    TypeError,
    "degrees",
    lambda: _ex(np.sin, [1.5], 10, 0.1, 5, g(), n_sets=2),
)
case(
    "excess-degrees-neg",
    ValueError,
    "degrees",
    lambda: _ex(np.sin, [-1], 10, 0.1, 5, g(), n_sets=2),
)
case("excess-n_train", ValueError, "n_train", lambda: _ex(np.sin, [3], 3, 0.1, 5, g(), n_sets=2))
case("excess-noise-nan", ValueError, "noise", lambda: _ex(np.sin, [1], 10, NAN, 5, g(), n_sets=2))
case("excess-rng", TypeError, "rng", lambda: _ex(np.sin, [1], 10, 0.1, 5, 0, n_sets=2))
case("excess-n_sets", ValueError, "n_sets", lambda: _ex(np.sin, [1], 10, 0.1, 5, g(), n_sets=0))
case(
    "excess-f-nan", ValueError, "f", lambda: _ex(lambda x: x * NAN, [1], 10, 0.1, 5, g(), n_sets=2)
)

# ---------------------------------------------------------------------------- randmat
case("singular_values-str", TypeError, "M", lambda: randmat.singular_values("M"))
case("singular_values-1d", ValueError, "M", lambda: randmat.singular_values(np.ones(3)))
case("singular_values-nan", ValueError, "M", lambda: randmat.singular_values(nan_at(S)))
case("singular_values-complex", TypeError, "M", lambda: randmat.singular_values(S + 1j))
case("operator_norm-empty", ValueError, "M", lambda: randmat.operator_norm(np.zeros((0, 2))))
case(
    "singular_value_ratio-rtol",
    ValueError,
    "rtol",
    lambda: randmat.singular_value_ratio(S, rtol=NAN),
)
case(
    "singular_value_ratio-zero",
    ValueError,
    "M",
    lambda: randmat.singular_value_ratio(np.zeros((2, 2))),
)
case("scaled_gaussian-fan_in", ValueError, "fan_in", lambda: randmat.scaled_gaussian(0, 3, g()))
case(
    "scaled_gaussian-fan_out-bool",
    TypeError,
    "fan_out",
    lambda: randmat.scaled_gaussian(3, True, g()),
)
case("scaled_gaussian-rng", TypeError, "rng", lambda: randmat.scaled_gaussian(3, 3, 1))
case(
    "scaled_gaussian-size", ValueError, "size", lambda: randmat.scaled_gaussian(3, 3, g(), size=-1)
)
case(
    "scaled_gaussian-lipschitz",
    ValueError,
    "lipschitz",
    lambda: randmat.scaled_gaussian(3, 3, g(), lipschitz=0.0),
)
case("gaussian_norms-n", ValueError, "n", lambda: randmat.gaussian_norms(0, 3, g()))
case(
    "gaussian_norms-draws", ValueError, "draws", lambda: randmat.gaussian_norms(3, 3, g(), draws=0)
)
case("gaussian_norms-rng", TypeError, "rng", lambda: randmat.gaussian_norms(3, 3, "rng"))
case(
    "lecture_tables-shapes",
    ValueError,
    "shapes",
    lambda: randmat.lecture_tables(g(), shapes=((0, 1),), draws=1),
)
case(
    "lecture_tables-draws",
    ValueError,
    "draws",
    lambda: randmat.lecture_tables(g(), shapes=((3, 1),), draws=0),
)
case(
    "lecture_tables-lipschitz",
    ValueError,
    "lipschitz",
    lambda: randmat.lecture_tables(g(), shapes=((3, 1),), draws=1, lipschitz=NAN),
)

# ---------------------------------------------------------------------------- reparam
_lay = [(np.ones((3, 2)), np.zeros(3)), (np.ones((1, 3)), np.zeros(1))]
case("sigmoid_to_tanh-str", TypeError, "layers", lambda: reparam.sigmoid_to_tanh("layers"))
case("sigmoid_to_tanh-empty", ValueError, "layers", lambda: reparam.sigmoid_to_tanh([]))
case(
    "sigmoid_to_tanh-shapes",
    ValueError,
    "W_2",
    lambda: reparam.sigmoid_to_tanh(
        [(np.ones((3, 2)), np.zeros(3)), (np.ones((1, 4)), np.zeros(1))]
    ),
)
case(
    "sigmoid_to_tanh-bias",
    ValueError,
    "b_1",
    lambda: reparam.sigmoid_to_tanh([(np.ones((3, 2)), np.zeros(2)), _lay[1]]),
)
case(
    "tanh_to_sigmoid-nan",
    ValueError,
    "W_1",
    lambda: reparam.tanh_to_sigmoid([(nan_at(np.ones((3, 2))), np.zeros(3)), _lay[1]]),
)
case(
    "tanh_to_sigmoid-pair",
    ValueError,
    "layer",
    lambda: reparam.tanh_to_sigmoid([(np.ones((3, 2)),)]),
)

# ---------------------------------------------------------------------------- scalar_chain
case("scalar_chain-weights-str", TypeError, "weights", lambda: scalar_chain.scalar_chain("w", 1.0))
case(
    "scalar_chain-weights-nan",
    ValueError,
    "weights",
    lambda: scalar_chain.scalar_chain([1.0, NAN], 1.0),
)
case(
    "scalar_chain-weights-empty", ValueError, "weights", lambda: scalar_chain.scalar_chain([], 1.0)
)
case("scalar_chain-x-nan", ValueError, "x", lambda: scalar_chain.scalar_chain([1.0, 2.0], NAN))
case(
    "scalar_chain-activation",
    ValueError,
    "activation",
    lambda: scalar_chain.scalar_chain([1.0], 1.0, "swish"),
)
case(
    "scalar_chain-biases",
    ValueError,
    "biases",
    lambda: scalar_chain.scalar_chain([1.0, 2.0], 1.0, biases=[0.0]),
)
case(
    "scalar_chain-alpha",
    ValueError,
    "alpha",
    lambda: scalar_chain.scalar_chain([1.0], 1.0, alpha=NAN),
)
case("chain_mlp-weights", ValueError, "weights", lambda: scalar_chain.chain_mlp([]))
case(
    "chain_mlp-biases",
    ValueError,
    "biases",
    lambda: scalar_chain.chain_mlp([1.0, 2.0], biases=[0.0]),
)
case("chain_mlp-weights-2d", ValueError, "weights", lambda: scalar_chain.chain_mlp(np.ones((2, 2))))

# ---------------------------------------------------------------------------- piecewise
case("affine_collapse-relu", ValueError, "model", lambda: piecewise.affine_collapse(M, TH))
case("affine_collapse-theta", ValueError, "theta", lambda: piecewise.affine_collapse(LIN, THL[:-1]))
case("affine_collapse-model", TypeError, "model", lambda: piecewise.affine_collapse("m", THL))
case("kinks_1d-lo-hi", ValueError, "hi", lambda: piecewise.kinks_1d(R1, TH1, 1.0, -1.0))
case("kinks_1d-lo-nan", ValueError, "lo", lambda: piecewise.kinks_1d(R1, TH1, NAN, 1.0))
case("kinks_1d-lo-str", TypeError, "lo", lambda: piecewise.kinks_1d(R1, TH1, "a", 1.0))
case("kinks_1d-model", ValueError, "model", lambda: piecewise.kinks_1d(M, TH, -1.0, 1.0))
case("kinks_1d-theta", ValueError, "theta", lambda: piecewise.kinks_1d(R1, TH1[:-1], -1.0, 1.0))
case(
    "piece_slopes-unsorted",
    ValueError,
    "breakpoints",
    lambda: piecewise.piece_slopes(R1, TH1, [1.0, 0.0]),
)
case(
    "piece_slopes-nan",
    ValueError,
    "breakpoints",
    lambda: piecewise.piece_slopes(R1, TH1, [0.0, NAN]),
)
case("piece_slopes-one", ValueError, "breakpoints", lambda: piecewise.piece_slopes(R1, TH1, [0.0]))

# ---------------------------------------------------------------------------- lipschitz
case("spectral_norms-model", TypeError, "model", lambda: lipschitz.spectral_norms("m", TH))
case("spectral_norms-theta", ValueError, "theta", lambda: lipschitz.spectral_norms(M, TH[:-1]))
case("layer_factors-theta-nan", ValueError, "theta", lambda: lipschitz.layer_factors(M, nan_at(TH)))
case("lipschitz_bound-theta-str", TypeError, "theta", lambda: lipschitz.lipschitz_bound(M, "t"))
case(
    "empirical_ratios-shape", ValueError, "X2", lambda: lipschitz.empirical_ratios(M, TH, X, X[:3])
)
case(
    "empirical_ratios-equal",
    ValueError,
    "X2",
    lambda: lipschitz.empirical_ratios(M, TH, X, X.copy()),
)
case(
    "empirical_ratios-nan",
    ValueError,
    "X1",
    lambda: lipschitz.empirical_ratios(M, TH, nan_at(X), X + 1),
)
case("weight_norm-kind", ValueError, "kind", lambda: lipschitz.weight_norm(M, TH, kind="max"))
case("weight_norm-theta", ValueError, "theta", lambda: lipschitz.weight_norm(M, TH[:2]))

# ---------------------------------------------------------------------------- overparam
case("square_network_widths-p", ValueError, "p", lambda: overparam.square_network_widths(0, 2))
case(
    "square_network_widths-p-float", TypeError, "p", lambda: overparam.square_network_widths(2.5, 2)
)
case("square_network_widths-n", ValueError, "n", lambda: overparam.square_network_widths(3, 0))
case(
    "weights_per_sample-n_samples",
    ValueError,
    "n_samples",
    lambda: overparam.weights_per_sample(3, 2, 0),
)
case("weights_per_sample-n-bool", TypeError, "n", lambda: overparam.weights_per_sample(3, True))
_ls = overparam.min_norm_least_squares_gd
case("min_norm-A-zero", ValueError, "A", lambda: _ls(np.zeros((2, 3)), np.ones(2)))
case("min_norm-b-len", ValueError, "b", lambda: _ls(np.ones((2, 3)), np.ones(3)))
case("min_norm-b-nan", ValueError, "b", lambda: _ls(np.ones((2, 3)), nan_at(np.ones(2))))
case("min_norm-A-complex", TypeError, "A", lambda: _ls(np.ones((2, 3)) + 1j, np.ones(2)))
case("min_norm-steps-0", ValueError, "steps", lambda: _ls(np.ones((2, 3)), np.ones(2), steps=0))
case("min_norm-lr-nan", ValueError, "lr", lambda: _ls(np.ones((2, 3)), np.ones(2), lr=NAN))
case(
    "min_norm-x0-shape", ValueError, "x0", lambda: _ls(np.ones((2, 3)), np.ones(2), x0=np.zeros(2))
)
_lm = optim.levenberg_marquardt
case("levenberg_marquardt-iters", ValueError, "iters", lambda: _lm(M, TH, X, Y, iters=0))
case("levenberg_marquardt-mu", ValueError, "mu", lambda: _lm(M, TH, X, Y, mu=-1.0))
case("levenberg_marquardt-tol", ValueError, "tol", lambda: _lm(M, TH, X, Y, tol=NAN))
case("levenberg_marquardt-theta0", ValueError, "theta0", lambda: _lm(M, TH[:-1], X, Y))
case("levenberg_marquardt-y-nan", ValueError, "y", lambda: _lm(M, TH, X, nan_at(Y)))

# ---------------------------------------------------------------------------- approx
_kn = np.linspace(-1, 1, 5)
case("relu_interpolant-f", TypeError, "f", lambda: approx.relu_interpolant("f", _kn))
case(
    "relu_interpolant-knots-unsorted",
    ValueError,
    "knots",
    lambda: approx.relu_interpolant(np.sin, _kn[::-1]),
)
case(
    "relu_interpolant-knots-one",
    ValueError,
    "knots",
    lambda: approx.relu_interpolant(np.sin, [0.0]),
)
case(
    "relu_interpolant-knots-nan",
    ValueError,
    "knots",
    lambda: approx.relu_interpolant(np.sin, nan_at(_kn, 2)),
)
case(
    "relu_interpolant-f-values-len",
    ValueError,
    "f",
    lambda: approx.relu_interpolant(np.ones(3), _kn),
)
case(
    "relu_interpolant-f-nan",
    ValueError,
    "f",
    lambda: approx.relu_interpolant(lambda x: x * NAN, _kn),
)
case("relu_sum-b-len", ValueError, "b", lambda: approx.relu_sum(_kn, np.ones(3), np.ones(2)))
case("relu_sum-c-nan", ValueError, "c", lambda: approx.relu_sum(_kn, np.ones(3), np.ones(3), c=NAN))
case("relu_sum-x-str", TypeError, "x", lambda: approx.relu_sum("x", np.ones(3), np.ones(3)))
case(
    "interpolant_mlp-b-len", ValueError, "b", lambda: approx.interpolant_mlp(np.ones(3), np.ones(2))
)
case(
    "interpolant_mlp-c-str",
    TypeError,
    "c",
    lambda: approx.interpolant_mlp(np.ones(3), np.ones(3), c="0"),
)
case("sup_error-low-high", ValueError, "high", lambda: approx.sup_error(np.sin, np.cos, 1.0, 0.0))
case(
    "sup_error-points",
    ValueError,
    "points",
    lambda: approx.sup_error(np.sin, np.cos, 0.0, 1.0, points=1),
)
case("sup_error-f", TypeError, "f", lambda: approx.sup_error(1, np.cos, 0.0, 1.0))
case("sup_error-g", TypeError, "g", lambda: approx.sup_error(np.sin, "g", 0.0, 1.0))
case("sup_error-low-nan", ValueError, "low", lambda: approx.sup_error(np.sin, np.cos, NAN, 1.0))
case("interpolation_bound-h", ValueError, "h", lambda: approx.interpolation_bound(-1.0, 1.0))
case(
    "interpolation_bound-f2_max", ValueError, "f2_max", lambda: approx.interpolation_bound(0.1, NAN)
)
case(
    "loglog_slope-n-zero", ValueError, "n", lambda: approx.loglog_slope([0, 1, 2], [1.0, 0.5, 0.2])
)
case(
    "loglog_slope-err-neg",
    ValueError,
    "err",
    lambda: approx.loglog_slope([1, 2, 4], [1.0, -0.5, 0.2]),
)
case("loglog_slope-len", ValueError, "err", lambda: approx.loglog_slope([1, 2, 4], [1.0, 0.5]))
case("loglog_slope-one", ValueError, "n", lambda: approx.loglog_slope([2], [1.0]))
case("loglog_slope-same-n", ValueError, "n", lambda: approx.loglog_slope([2, 2], [1.0, 0.5]))
case("sigmoid_step-k-nan", ValueError, "k", lambda: approx.sigmoid_step(_kn, 0.0, NAN))
case("sigmoid_step-a-str", TypeError, "a", lambda: approx.sigmoid_step(_kn, "a", 1.0))
case("sigmoid_bump-c-a", ValueError, "c", lambda: approx.sigmoid_bump(_kn, 1.0, 0.0, 10.0))
case("sigmoid_bump-k-inf", ValueError, "k", lambda: approx.sigmoid_bump(_kn, 0.0, 1.0, INF))
case("polynomial_activation-neg", ValueError, "degree", lambda: approx.polynomial_activation(-1))
case("polynomial_activation-float", TypeError, "degree", lambda: approx.polynomial_activation(2.5))
case(
    "hidden_features-activation",
    ValueError,
    "activation",
    lambda: approx.hidden_features(_kn, "swish", 3, g()),
)
case(
    "hidden_features-width",
    ValueError,
    "width",
    lambda: approx.hidden_features(_kn, "relu", 0, g()),
)
case("hidden_features-rng", TypeError, "rng", lambda: approx.hidden_features(_kn, "relu", 3, 7))
case(
    "hidden_features-scale",
    ValueError,
    "scale",
    lambda: approx.hidden_features(_kn, "relu", 3, g(), scale=NAN),
)
case(
    "hidden_features-x-nan",
    ValueError,
    "x",
    lambda: approx.hidden_features(nan_at(_kn), "relu", 3, g()),
)
case(
    "random_feature_fit-y-len",
    ValueError,
    "y",
    lambda: approx.random_feature_fit(_kn, np.ones(3), "relu", 3, g()),
)
case(
    "random_feature_fit-y-nan",
    ValueError,
    "y",
    lambda: approx.random_feature_fit(_kn, nan_at(_kn), "relu", 3, g()),
)

# ---------------------------------------------------------------------------- backprop
_N = autodiff.Node
case("ScalarGraph-str", TypeError, "nodes", lambda: autodiff.ScalarGraph("nodes"))
case(
    "ScalarGraph-op",
    ValueError,
    "op",
    lambda: autodiff.ScalarGraph([_N("x", "input"), _N("y", "pow", ("x",))]),
)
case(
    "ScalarGraph-parent",
    ValueError,
    "parent",
    lambda: autodiff.ScalarGraph([_N("x", "input"), _N("y", "sin", ("z",))]),
)
case(
    "ScalarGraph-arity",
    ValueError,
    "parent",
    lambda: autodiff.ScalarGraph([_N("x", "input"), _N("y", "add", ("x",))]),
)
case(
    "ScalarGraph-duplicate",
    ValueError,
    "names",
    lambda: autodiff.ScalarGraph([_N("x", "input"), _N("x", "sin", ("x",))]),
)
case(
    "ScalarGraph.forward-missing", ValueError, "x1", lambda: autodiff.baydin_graph().forward(x2=1.0)
)
case(
    "ScalarGraph.forward-unknown",
    ValueError,
    "x3",
    lambda: autodiff.baydin_graph().forward(x1=1.0, x2=2.0, x3=0.0),
)
case(
    "ScalarGraph.forward-str",
    TypeError,
    "x1",
    lambda: autodiff.baydin_graph().forward(x1="a", x2=2.0),
)
case(
    "ScalarGraph.forward-nan",
    ValueError,
    "x1",
    lambda: autodiff.baydin_graph().forward(x1=NAN, x2=2.0),
)
case(
    "ScalarGraph.children-unknown",
    ValueError,
    "name",
    lambda: autodiff.baydin_graph().children("nope"),
)
case("numerical_jacobian-f", TypeError, "f", lambda: backprop.numerical_jacobian(1, np.ones(2)))
case(
    "numerical_jacobian-eps",
    ValueError,
    "eps",
    lambda: backprop.numerical_jacobian(np.sin, np.ones(2), eps=0.0),
)
case(
    "numerical_jacobian-x-nan",
    ValueError,
    "x",
    lambda: backprop.numerical_jacobian(np.sin, nan_at(np.ones(2))),
)
case("forward_example-x", ValueError, "x", lambda: backprop.forward_example(M, TH, np.ones(3)))
case(
    "forward_example-theta",
    ValueError,
    "theta",
    lambda: backprop.forward_example(M, TH[:-1], np.ones(2)),
)
_W, _b, _z = np.ones((3, 2)), np.zeros(3), np.ones(2)
case(
    "layer_jacobian-b",
    ValueError,
    "b",
    lambda: backprop.layer_jacobian(_W, np.zeros(2), _z, "tanh"),
)
case(
    "layer_jacobian-z", ValueError, "z", lambda: backprop.layer_jacobian(_W, _b, np.ones(3), "tanh")
)
case(
    "layer_jacobian-activation",
    ValueError,
    "activation",
    lambda: backprop.layer_jacobian(_W, _b, _z, "swish"),
)
case(
    "layer_jacobian-residual",
    ValueError,
    "residual",
    lambda: backprop.layer_jacobian(_W, _b, _z, "tanh", residual=True),
)
case(
    "layer_jacobian-W-nan",
    ValueError,
    "W",
    lambda: backprop.layer_jacobian(nan_at(_W), _b, _z, "tanh"),
)
case(
    "weight_jacobian_tensor-z",
    ValueError,
    "z",
    lambda: backprop.weight_jacobian_tensor(_W, _b, np.ones(3), "tanh"),
)
case(
    "contract_weight_tensor-shape",
    ValueError,
    "T",
    lambda: backprop.contract_weight_tensor(np.ones(2), np.ones((3, 3, 2))),
)
case(
    "contract_weight_tensor-T",
    ValueError,
    "T",
    lambda: backprop.contract_weight_tensor(np.ones(3), np.ones((3, 2))),
)
case(
    "backprop_jacobians-x",
    ValueError,
    "x",
    lambda: backprop.backprop_jacobians(M, TH, np.ones(3), np.ones(1)),
)
case(
    "backprop_jacobians-y-nan",
    ValueError,
    "y",
    lambda: backprop.backprop_jacobians(M, TH, np.ones(2), [NAN]),
)
case(
    "backprop_recursion-loss",
    ValueError,
    "loss",
    lambda: backprop.backprop_recursion(M, TH, np.ones(2), np.ones(1), loss="squared"),
)
case("backprop_batch-y-rows", ValueError, "y", lambda: backprop.backprop_batch(M, TH, X, Y[:2]))
case("delta_norms-X-nan", ValueError, "X", lambda: backprop.delta_norms(M, TH, nan_at(X), Y))
case("chain_product-empty", ValueError, "matrices", lambda: flops.chain_product([]))
case(
    "chain_product-shapes",
    ValueError,
    "matrices",
    lambda: flops.chain_product([np.ones((2, 3)), np.ones((2, 3))]),
)
case(
    "chain_product-order",
    ValueError,
    "order",
    lambda: flops.chain_product([S, S], order="middle"),
)
case("chain_product-str", TypeError, "matrices", lambda: flops.chain_product("ab"))
case("chain_flops-shapes", ValueError, "shapes", lambda: flops.chain_flops([(2, 3), (2, 3)]))
case(
    "chain_flops-order",
    ValueError,
    "order",
    lambda: flops.chain_flops([(2, 3), (3, 2)], order="x"),
)
case("chain_flops-float", TypeError, "shapes", lambda: flops.chain_flops([(2, 3.5), (3.5, 2)]))
case("forward_flops-widths", ValueError, "widths", lambda: flops.forward_flops([2]))
case("forward_flops-batch", ValueError, "batch", lambda: flops.forward_flops([2, 3, 1], batch=0))
case(
    "forward_flops-residual",
    ValueError,
    "residual_layers",
    lambda: flops.forward_flops([2, 3, 1], residual_layers=[True]),
)
case(
    "backward_flops-batch-bool",
    TypeError,
    "batch",
    lambda: flops.backward_flops([2, 3, 1], batch=True),
)
case(
    "backward_flops-input_delta",
    TypeError,
    "input_delta",
    lambda: flops.backward_flops([2, 3, 1], input_delta="yes"),
)
case(
    "time_passes-repeats",
    ValueError,
    "repeats",
    lambda: flops.time_passes(M, TH, X, Y, repeats=0),
)
case("frobenius_norm_grad-str", TypeError, "W", lambda: backprop.frobenius_norm_grad("W"))
_W1, _W2 = np.ones((2, 3)), np.ones(3)
case(
    "louppe_forward-W1",
    ValueError,
    "W1",
    lambda: backprop.louppe_forward(X, LAB, np.ones((3, 3)), _W2, 0.1),
)
case(
    "louppe_forward-W2",
    ValueError,
    "W2",
    lambda: backprop.louppe_forward(X, LAB, _W1, np.ones(2), 0.1),
)
case(
    "louppe_forward-lam", ValueError, "lam", lambda: backprop.louppe_forward(X, LAB, _W1, _W2, -1.0)
)
case(
    "louppe_forward-lam-nan",
    ValueError,
    "lam",
    lambda: backprop.louppe_forward(X, LAB, _W1, _W2, NAN),
)
case(
    "louppe_forward-y", ValueError, "y", lambda: backprop.louppe_forward(X, LAB * 2, _W1, _W2, 0.1)
)
case(
    "louppe_gradients-y-len",
    ValueError,
    "y",
    lambda: backprop.louppe_gradients(X, LAB[:2], _W1, _W2, 0.1),
)

# ---------------------------------------------------------------------------- diagnostics
case(
    "layer_statistics-neither",
    ValueError,
    "delta_out",
    lambda: diagnostics.layer_statistics(M, TH, X),
)
case(
    "layer_statistics-both",
    ValueError,
    "delta_out",
    lambda: diagnostics.layer_statistics(M, TH, X, y=Y, delta_out=np.ones((6, 1))),
)
case(
    "layer_statistics-delta_out-shape",
    ValueError,
    "delta_out",
    lambda: diagnostics.layer_statistics(M, TH, X, delta_out=np.ones((6, 2))),
)
case(
    "layer_statistics-y-nan",
    ValueError,
    "y",
    lambda: diagnostics.layer_statistics(M, TH, X, y=nan_at(Y)),
)
case("gains-zero", ValueError, "norms", lambda: diagnostics.gains([1.0, 0.0, 2.0]))
case("gains-one", ValueError, "norms", lambda: diagnostics.gains([1.0]))
case("gains-nan", ValueError, "norms", lambda: diagnostics.gains([1.0, NAN]))
case("gains-str", TypeError, "norms", lambda: diagnostics.gains("ab"))

# ---------------------------------------------------------------------------- stacked
_ths = np.stack([TH, TH])
case(
    "train_many-thetas",
    ValueError,
    "thetas",
    lambda: stacked.train_many(M, _ths[:, :-1], X, Y, lr=0.1, epochs=1),
)
case(
    "train_many-thetas-complex",
    TypeError,
    "thetas",
    lambda: stacked.train_many(M, _ths + 1j, X, Y, lr=0.1, epochs=1),
)
case("train_many-lr", ValueError, "lr", lambda: stacked.train_many(M, _ths, X, Y, lr=0.0, epochs=1))
case(
    "train_many-epochs",
    TypeError,
    "epochs",
    lambda: stacked.train_many(M, _ths, X, Y, lr=0.1, epochs=2.0),
)
case(
    "train_many-batch_size",
    ValueError,
    "batch_size",
    lambda: stacked.train_many(M, _ths, X, Y, lr=0.1, epochs=1, batch_size=9),
)
case(
    "train_many-rng",
    TypeError,
    "rng",
    lambda: stacked.train_many(M, _ths, X, Y, lr=0.1, epochs=1, batch_size=2),
)
case(
    "train_many-residual",
    ValueError,
    "residual",
    lambda: stacked.train_many(M, _ths, X, Y, lr=0.1, epochs=1, residual=[True, False, True]),
)
case(
    "train_many-trainable",
    ValueError,
    "trainable",
    lambda: stacked.train_many(M, _ths, X, Y, lr=0.1, epochs=1, trainable=np.ones(3, bool)),
)
case(
    "train_many-y-nan",
    ValueError,
    "y",
    lambda: stacked.train_many(M, _ths, X, nan_at(Y), lr=0.1, epochs=1),
)
case(
    "train_many-loss",
    ValueError,
    "loss",
    lambda: stacked.train_many(M, _ths, X, Y, "squared", lr=0.1, epochs=1),
)
case("predict_many-thetas-3d", ValueError, "thetas", lambda: stacked.predict_many(M, _ths[None], X))
case("predict_many-X", ValueError, "X", lambda: stacked.predict_many(M, _ths, X[:, :1]))
case("loss_many-y-nan", ValueError, "y", lambda: stacked.loss_many(M, _ths, X, nan_at(Y)))
case("residual_mask-str", ValueError, "residual", lambda: stacked.residual_mask(M, "yes", 2))
case("residual_mask-K", ValueError, "K", lambda: stacked.residual_mask(M, None, 0))
case("residual_mask-K-float", TypeError, "K", lambda: stacked.residual_mask(M, None, 2.0))
case(
    "residual_mask-shape",
    ValueError,
    "residual",
    lambda: stacked.residual_mask(M, np.ones((2, 5), bool), 2),
)
case("embed-big", ValueError, "big", lambda: stacked.embed(M, _ths, MLP((2, 4, 1), "tanh")))
case(
    "embed-thetas",
    ValueError,
    "thetas",
    lambda: stacked.embed(MLP((2, 3, 1), "tanh"), _ths[:, :-1], MLP((2, 3, 3, 1), "tanh")),
)
case(
    "extract-layer_map",
    ValueError,
    "layer_map",
    lambda: stacked.extract(
        M, MLP((2, 3, 3, 1), "tanh"), np.zeros((2, MLP((2, 3, 3, 1), "tanh").num_params)), [0, 5]
    ),
)

# ---------------------------------------------------------------------------- landscape
case(
    "batched_predict-thetas",
    ValueError,
    "thetas",
    lambda: landscape.batched_predict(M, _ths[:, :-1], X),
)
case("batched_predict-X-complex", TypeError, "X", lambda: landscape.batched_predict(M, _ths, CPLX))
case(
    "batched_loss-reduction",
    ValueError,
    "reduction",
    lambda: landscape.batched_loss(M, _ths, X, Y, reduction="avg"),
)
case(
    "batched_loss-loss",
    ValueError,
    "loss",
    lambda: landscape.batched_loss(M, _ths, X, Y, loss="squared"),
)
case("batched_loss-y-nan", ValueError, "y", lambda: landscape.batched_loss(M, _ths, X, nan_at(Y)))
case(
    "random_directions-normalization",
    ValueError,
    "normalization",
    lambda: landscape.random_directions(M, TH, g(), normalization="x"),
)
case("random_directions-rng", TypeError, "rng", lambda: landscape.random_directions(M, TH, 1))
case(
    "random_directions-theta",
    ValueError,
    "theta",
    lambda: landscape.random_directions(M, TH[:-1], g()),
)
_t = np.linspace(-1, 1, 3)
case(
    "loss_slice-d1",
    ValueError,
    "d1",
    lambda: landscape.loss_slice(M, TH, X, Y, TH[:-1], TH, _t, _t),
)
case(
    "loss_slice-t1-nan",
    ValueError,
    "t1",
    lambda: landscape.loss_slice(M, TH, X, Y, TH, TH, nan_at(_t), _t),
)
case(
    "loss_slice-t2-2d",
    ValueError,
    "t2",
    lambda: landscape.loss_slice(M, TH, X, Y, TH, TH, _t, np.ones((2, 2))),
)
case(
    "loss_slice-chunk",
    ValueError,
    "chunk",
    lambda: landscape.loss_slice(M, TH, X, Y, TH, TH, _t, _t, chunk=0),
)
case(
    "per_example_losses-y-nan",
    ValueError,
    "y",
    lambda: landscape.per_example_losses(M, TH, X, nan_at(Y)),
)
case(
    "per_example_gradients-theta",
    ValueError,
    "theta",
    lambda: landscape.per_example_gradients(M, TH[:-1], X, Y),
)
case("output_jacobian-X-str", TypeError, "X", lambda: landscape.output_jacobian(M, TH, "X"))
case(
    "hessian_vector_product-v",
    ValueError,
    "v",
    lambda: landscape.hessian_vector_product(M, TH, X, Y, TH[:-1]),
)
case(
    "hessian_vector_product-eps",
    ValueError,
    "eps",
    lambda: landscape.hessian_vector_product(M, TH, X, Y, TH, eps=0.0),
)
case(
    "hessian_vector_product-v-nan",
    ValueError,
    "v",
    lambda: landscape.hessian_vector_product(M, TH, X, Y, nan_at(TH)),
)
case(
    "top_hessian_eigenvalue-iters",
    ValueError,
    "iters",
    lambda: landscape.top_hessian_eigenvalue(M, TH, X, Y, g(), iters=0),
)
case(
    "top_hessian_eigenvalue-tol",
    ValueError,
    "tol",
    lambda: landscape.top_hessian_eigenvalue(M, TH, X, Y, g(), tol=NAN),
)
case(
    "top_hessian_eigenvalue-rng",
    TypeError,
    "rng",
    lambda: landscape.top_hessian_eigenvalue(M, TH, X, Y, 0),
)
case(
    "perturbed_loss_increase-radius",
    ValueError,
    "radius",
    lambda: landscape.perturbed_loss_increase(M, TH, X, Y, -1.0, g()),
)
case(
    "perturbed_loss_increase-radius-nan",
    ValueError,
    "radius",
    lambda: landscape.perturbed_loss_increase(M, TH, X, Y, NAN, g()),
)
case(
    "perturbed_loss_increase-n_directions",
    ValueError,
    "n_directions",
    lambda: landscape.perturbed_loss_increase(M, TH, X, Y, 0.1, g(), n_directions=0),
)
case(
    "perturbed_loss_increase-reduction",
    ValueError,
    "reduction",
    lambda: landscape.perturbed_loss_increase(M, TH, X, Y, 0.1, g(), reduction="avg"),
)


# ---------------------------------------------------------------------------- plotting
def ax():
    """A fresh Axes (figures are closed after each test by the fixture below)."""
    return plotting.new_figure()[1]


_obj = objectives.quadratic(S)
case("new_figure-ncols", ValueError, "ncols", lambda: plotting.new_figure(0))
case("new_figure-nrows-float", TypeError, "nrows", lambda: plotting.new_figure(1, 1.5))
case("scatter_classes-ax", TypeError, "ax", lambda: plotting.scatter_classes("ax", X, LAB))
case("scatter_classes-y-len", ValueError, "y", lambda: plotting.scatter_classes(ax(), X, LAB[:3]))
case(
    "scatter_classes-X-cols",
    ValueError,
    "X",
    lambda: plotting.scatter_classes(ax(), np.ones((6, 3)), LAB),
)
case("scatter_classes-X-str", TypeError, "X", lambda: plotting.scatter_classes(ax(), "X", LAB))
case("decision_line-w", ValueError, "w", lambda: plotting.decision_line(ax(), np.ones(3), 0.0))
case("decision_line-b-str", TypeError, "b", lambda: plotting.decision_line(ax(), np.ones(2), "0"))
case("decision_line-ax", TypeError, "ax", lambda: plotting.decision_line(None, np.ones(2), 0.0))
case("loss_curve-ax", TypeError, "ax", lambda: plotting.loss_curve([1, 2], [1.0, 2.0]))
case("loss_curve-values-str", TypeError, "values", lambda: plotting.loss_curve(ax(), "loss"))
case(
    "loss_curve-values-2d", ValueError, "values", lambda: plotting.loss_curve(ax(), np.ones((2, 2)))
)
case(
    "loss_curve-x-len",
    ValueError,
    "x",
    lambda: plotting.loss_curve(ax(), np.ones(3), x=np.arange(2)),
)
case("computational_graph-ax", TypeError, "ax", lambda: plotting.computational_graph(0, {}, []))
case(
    "probability_map-prob",
    TypeError,
    "prob",
    lambda: plotting.probability_map(ax(), 0.5, xlim=(0, 1), ylim=(0, 1), colorbar=False),
)
case("gaussian_ellipse-cov", ValueError, "cov", lambda: plotting.gaussian_ellipse(ax(), _mu, SING))
case(
    "gaussian_ellipse-mu", ValueError, "mu", lambda: plotting.gaussian_ellipse(ax(), np.ones(3), S)
)
case(
    "annotated_graph-ax",
    TypeError,
    "ax",
    lambda: plotting.annotated_graph("a", autodiff.baydin_graph()),
)
case("gd_path_1d-f", TypeError, "f", lambda: plotting.gd_path_1d(ax(), 1, [0.0], xlim=(-1, 1)))
case(
    "gd_path_1d-path-complex",
    TypeError,
    "path",
    lambda: plotting.gd_path_1d(ax(), np.sin, [1j], xlim=(-1, 1)),
)
case(
    "gd_paths_2d-paths",
    ValueError,
    "paths",
    lambda: plotting.gd_paths_2d(ax(), _obj.f, [np.ones((3, 3))], xlim=(-1, 1), ylim=(-1, 1)),
)
case(
    "gd_paths_2d-f",
    TypeError,
    "f",
    lambda: plotting.gd_paths_2d(ax(), "f", [], xlim=(-1, 1), ylim=(-1, 1)),
)
case(
    "excess_error_bars-len",
    ValueError,
    "app",
    lambda: plotting.excess_error_bars(ax(), [1, 2], [0.1], [0.1, 0.2], [0.0, 0.0]),
)
case(
    "activation_curves-ax_deriv",
    TypeError,
    "ax_deriv",
    lambda: plotting.activation_curves(ax(), None, ["relu"]),
)
case(
    "activation_curves-names",
    ValueError,
    "activation",
    lambda: plotting.activation_curves(ax(), ax(), ["swish"]),
)
case(
    "layer_histograms-bins",
    ValueError,
    "bins",
    lambda: plotting.layer_histograms(ax(), [np.ones(3)], bins=0),
)
case(
    "layer_histograms-arrays-str",
    TypeError,
    "arrays",
    lambda: plotting.layer_histograms(ax(), ["ab"]),
)
case("per_layer-values-str", TypeError, "values", lambda: plotting.per_layer(ax(), "v"))
case(
    "loss_contour-F",
    ValueError,
    "F",
    lambda: plotting.loss_contour(ax(), np.arange(3), np.arange(2), np.ones((3, 2))),
)
case(
    "piecewise_curve-y",
    ValueError,
    "y",
    lambda: plotting.piecewise_curve(ax(), np.ones(3), np.ones(2)),
)
case(
    "piecewise_curve-kinks-str",
    TypeError,
    "kinks",
    lambda: plotting.piecewise_curve(ax(), [0.0], [0.0], "k"),
)
case(
    "depth_comparison-kind",
    ValueError,
    "kind",
    lambda: plotting.depth_comparison([1], X[:, :1], Y, _kn, {}, kind="bars"),
)

# ---------------------------------------------------------------------------- widgets
case("figure_png-fig", TypeError, "fig", lambda: widgets.figure_png("fig"))
case("figure_png-dpi", ValueError, "dpi", lambda: widgets.figure_png(ax().figure, dpi=0))
case("explorer-draw", TypeError, "draw", lambda: widgets.explorer("draw", {}))
case("Explorer-controls", TypeError, "controls", lambda: widgets.Explorer(lambda **k: None, [1, 2]))
case("jshtml_sweep-draw_frame", TypeError, "draw_frame", lambda: widgets.jshtml_sweep(3, [1]))
case(
    "jshtml_sweep-values",
    ValueError,
    "values",
    lambda: widgets.jshtml_sweep(lambda fig, v: None, []),
)
case(
    "jshtml_sweep-interval",
    ValueError,
    "interval",
    lambda: widgets.jshtml_sweep(lambda fig, v: None, [1], interval=-1),
)
case(
    "perceptron_explorer-X",
    ValueError,
    "X",
    lambda: widgets.perceptron_explorer(np.ones((6, 3)), LAB, perceptron.perceptron(X, LAB)),
)
case(
    "perceptron_explorer-y",
    ValueError,
    "y",
    lambda: widgets.perceptron_explorer(X, LAB * 3, perceptron.perceptron(X, LAB)),
)
case("lda_explorer-cov", ValueError, "cov", lambda: widgets.lda_explorer(cov=SING))
case("lda_explorer-mu0", ValueError, "mu0", lambda: widgets.lda_explorer(mu0=(1.0, 2.0, 3.0)))
case("lda_explorer-lim", ValueError, "lim", lambda: widgets.lda_explorer(lim=-1.0))
case(
    "logistic_gd_frames-steps",
    ValueError,
    "steps",
    lambda: widgets.logistic_gd_frames(
        X, LAB, discriminant.logistic_regression(X, LAB, steps=3), [9]
    ),
)
case(
    "backprop_explorer-width", ValueError, "width", lambda: widgets.backprop_explorer(X, Y, width=0)
)
case("backprop_explorer-seed", TypeError, "seed", lambda: widgets.backprop_explorer(X, Y, seed="0"))
case(
    "backprop_explorer-loss",
    ValueError,
    "loss",
    lambda: widgets.backprop_explorer(X, Y, loss="squared"),
)
case(
    "graph_backward_explorer-graph",
    TypeError,
    "graph",
    lambda: widgets.graph_backward_explorer("g", {}),
)
case(
    "graph_backward_explorer-inputs",
    ValueError,
    "x2",
    lambda: widgets.graph_backward_explorer(autodiff.baydin_graph(), {"x1": 1.0}),
)
case("gd_explorer-steps", ValueError, "steps", lambda: widgets.gd_explorer([_obj], steps=0))
case("gd_explorer-gamma", ValueError, "gamma", lambda: widgets.gd_explorer([_obj], gamma=NAN))
case("gd_explorer-objectives", ValueError, "objectives", lambda: widgets.gd_explorer([]))
case("gd_iterations_sweep-steps", TypeError, "steps", lambda: widgets.gd_iterations_sweep([], 2.5))
case(
    "chain_explorer-max_depth", ValueError, "max_depth", lambda: widgets.chain_explorer(max_depth=0)
)
case("chain_explorer-x", ValueError, "x", lambda: widgets.chain_explorer(x=NAN))
case(
    "gradient_histogram_explorer-width",
    TypeError,
    "width",
    lambda: widgets.gradient_histogram_explorer(X, LAB, width=1.5),
)
case(
    "kinks_explorer-widths", ValueError, "widths", lambda: widgets.kinks_explorer(widths=(1, 0, 1))
)
case("kinks_explorer-lim", ValueError, "lim", lambda: widgets.kinks_explorer(lim=0.0))
case(
    "initialization_explorer-max_depth",
    ValueError,
    "max_depth",
    lambda: widgets.initialization_explorer(X, max_depth=0),
)
case("initialization_explorer-X", TypeError, "X", lambda: widgets.initialization_explorer("X"))
case(
    "relu_interpolant_explorer-high",
    ValueError,
    "high",
    lambda: widgets.relu_interpolant_explorer(1.0, 0.0),
)
case(
    "relu_interpolant_explorer-low",
    ValueError,
    "low",
    lambda: widgets.relu_interpolant_explorer(NAN, 0.0),
)

# ---------------------------------------------------------------------------- lib top level
case(
    "lib.initialize-rng",
    TypeError,
    "rng",
    lambda: lib.initialize(M, "he", np.random.RandomState(0)),
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.mark.parametrize(("exc", "name", "thunk"), CASES)
def test_bad_call_raises_naming_the_argument(exc, name, thunk):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning before the error is not a clear error
        with pytest.raises(exc, match=rf"(?<![\w.]){re.escape(name)}(?!\w)"):
            thunk()


def classify():
    """(clear, unclear, silent) lists of case ids: clear = the expected exception type with
    the argument named and no warning first."""
    out = {"clear": [], "unclear": [], "silent": []}
    for p in CASES:
        exc, name, thunk = p.values
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                thunk()
            except Exception as err:  # noqa: BLE001 - classification of any outcome
                named = re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", str(err))
                ok = isinstance(err, exc) and named and not caught
                out["clear" if ok else "unclear"].append(
                    (
                        p.id,
                        f"{type(err).__name__}: {str(err)[:90]}"
                        + (f" [after {len(caught)} warning(s)]" if caught else ""),
                    )
                )
            else:
                out["silent"].append((p.id, f"returned; {len(caught)} warning(s)"))
        plt.close("all")
    return out


if __name__ == "__main__":
    res = classify()
    total = sum(len(v) for v in res.values())
    for kind in ("silent", "unclear"):
        for ident, what in res[kind]:
            print(f"{kind:8s} {ident:45s} {what}")
    print(
        f"{total} bad calls: {len(res['clear'])} clear, {len(res['unclear'])} unclear, "
        f"{len(res['silent'])} silent"
    )


# ---------------------------------------------------------------------------- NaN propagation
# Elementwise math propagates NaN as NaN (value and derivative), never a plausible number,
# while finite inputs are untouched (oracle: the closed forms written out here in numpy).
@pytest.mark.parametrize("f", ELEMENTWISE, ids=lambda f: f.__name__)
def test_elementwise_functions_propagate_nan(f):
    z = np.array([-3.0, NAN, 0.5, NAN, 800.0])
    out = f(z)
    assert out.shape == z.shape
    np.testing.assert_array_equal(np.isnan(out), np.isnan(z))
    assert np.isnan(f(NAN))


def test_nan_propagation_leaves_finite_values_exact():
    z = np.array([-800.0, -3.0, -0.0, 0.0, 0.5, 800.0])
    e = np.exp(-np.abs(z))  # no overflow: |z| is never negated into a large exponent
    sig = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
    zn = np.append(z, NAN)
    np.testing.assert_allclose(activations.sigmoid(zn)[:-1], sig, rtol=1e-15, atol=0)
    np.testing.assert_allclose(
        activations.sigmoid_prime(zn)[:-1], sig * (1 - sig), rtol=1e-12, atol=1e-300
    )
    np.testing.assert_allclose(
        activations.tanh_prime(zn)[:-1], 1 - np.tanh(z) ** 2, rtol=1e-12, atol=1e-300
    )
    np.testing.assert_array_equal(activations.relu_prime(zn)[:-1], (z > 0).astype(float))
    np.testing.assert_array_equal(activations.step(zn)[:-1], (z >= 0).astype(float))
    np.testing.assert_array_equal(
        activations.leaky_relu_prime(zn, 0.1)[:-1], np.where(z > 0, 1.0, 0.1)
    )
    assert activations.sigmoid(INF) == 1.0 and activations.sigmoid(-INF) == 0.0
    assert activations.relu_prime(INF) == 1.0


def test_activation_objects_propagate_nan():
    for name in activations.NAMES:
        act = activations.get(name)
        assert np.isnan(act.f(NAN)) and np.isnan(act.df(NAN)), name
