"""The bad-input catalogue: every public entry point rejects bad input at the boundary with
a TypeError (wrong kind of object) or ValueError (wrong shape, range or content) whose
message names the offending argument."""

import numpy as np
import pytest

from lib import activations, data, gradcheck, init, losses, optim, perceptron
from lib.mlp import MLP


@pytest.fixture
def net():
    model = MLP((2, 3, 1), "tanh")
    rng = np.random.default_rng(1)
    theta = rng.normal(size=model.num_params)
    X, y = rng.normal(size=(6, 2)), rng.normal(size=(6, 1))
    return model, theta, X, y


def with_nan(a, where=(1, 0), value=np.nan):
    a = np.array(a, dtype=float)
    a[where] = value
    return a


# --------------------------------------------------------------------------- shape mismatches


def test_X_columns_must_match_the_model_input(net):
    model, theta, X, y = net
    with pytest.raises(ValueError, match=r"^X must have shape \(N, 2\)"):
        model.predict(theta, np.zeros((4, 3)))
    with pytest.raises(ValueError, match="^X"):
        model.loss_and_grad(theta, np.zeros((6, 1)), y)
    with pytest.raises(ValueError, match="^X"):
        optim.train(model, theta, np.zeros((6, 5)), y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^X"):
        model.predict(theta, np.zeros(4))  # 1-D X only for scalar-input networks
    with pytest.raises(ValueError, match="^X"):
        model.predict(theta, np.zeros((2, 3, 2)))


def test_theta_must_have_length_p(net):
    model, theta, X, y = net
    with pytest.raises(ValueError, match=r"^theta must have shape \(13,\)"):
        model.predict(theta[:-1], X)
    with pytest.raises(ValueError, match="^theta"):
        model.loss_and_grad(np.append(theta, 0.0), X, y)
    with pytest.raises(ValueError, match="^theta"):
        model.layers(np.zeros(5))
    with pytest.raises(ValueError, match="^theta"):
        model.predict(theta.reshape(13, 1), X)
    with pytest.raises(ValueError, match="^theta0"):
        optim.train(model, theta[:5], X, y, lr=0.1, epochs=1)


def test_layers_must_match_the_architecture(net):
    model, theta, _, _ = net
    layers = model.unflatten(theta)
    with pytest.raises(ValueError, match="layers"):
        model.flatten(layers[:1])
    with pytest.raises(ValueError, match="layer 2"):
        model.flatten([layers[0], (np.zeros((1, 4)), np.zeros(1))])


def test_delta_out_must_match_the_output(net):
    model, theta, X, _ = net
    fp = model.forward(theta, X)
    with pytest.raises(ValueError, match="^delta_out"):
        model.backward(theta, fp, np.zeros((6, 2)))


@pytest.mark.parametrize("loss", [losses.mse, losses.huber, losses.l1])
def test_regression_targets_must_have_the_shape_of_u(loss):
    with pytest.raises(ValueError, match=r"^y must have the shape of u"):
        loss(np.zeros((4, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="^y"):
        loss(np.zeros((4, 1)), np.zeros(5))


def test_classification_shapes():
    with pytest.raises(ValueError, match="^y"):
        losses.softmax_cross_entropy(np.zeros((4, 3)), [0, 1, 2])
    with pytest.raises(ValueError, match="^y"):
        losses.softmax_cross_entropy(np.zeros((4, 3)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="^u"):
        losses.softmax_cross_entropy(np.zeros((4, 1)), [0, 0, 0, 0])
    with pytest.raises(ValueError, match="^u"):
        losses.binary_logistic(np.zeros((4, 2)), [0, 1, 0, 1])
    with pytest.raises(ValueError, match="^u"):
        losses.hinge(np.zeros((4, 2)), [1, -1, 1, -1])
    with pytest.raises(ValueError, match="^y"):
        losses.binary_logistic(np.zeros((4, 1)), [0, 1, 0])


def test_y_rows_must_match_X_rows_in_train(net):
    model, theta, X, y = net
    with pytest.raises(ValueError, match="^y"):
        optim.train(model, theta, X, y[:4], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^y"):
        optim.train(model, theta, X, 3.0, lr=0.1, epochs=1)


def test_perceptron_shapes():
    X, y = np.zeros((4, 2)), np.array([0.0, 1.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="^y"):
        perceptron.perceptron(X, y[:3])
    with pytest.raises(ValueError, match="^w0"):
        perceptron.perceptron(X, y, w0=np.zeros(3))


def test_data_shapes(rng):
    with pytest.raises(ValueError, match="^w"):
        data.separable_blobs(10, rng, w=(1.0, 2.0, 3.0))
    with pytest.raises(ValueError, match="mu1"):
        data.gaussian_classes(10, rng, [0.0, 0.0], [1.0, 1.0, 1.0], np.eye(2))
    with pytest.raises(ValueError, match="cov"):
        data.gaussian_classes(10, rng, [0.0, 0.0], [1.0, 1.0], np.eye(3))


def test_gradient_shape_in_checker():
    with pytest.raises(ValueError, match="^grad"):
        gradcheck.check_gradient(lambda t: float(t @ t), np.zeros(2), np.ones(3))


# --------------------------------------------------------------------------- NaN and inf


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X_is_rejected(net, bad):
    model, theta, X, y = net
    Xb = with_nan(X, value=bad)
    with pytest.raises(ValueError, match=r"^X contains 1 NaN or infinite"):
        model.predict(theta, Xb)
    with pytest.raises(ValueError, match="^X"):
        model.loss_and_grad(theta, Xb, y)
    with pytest.raises(ValueError, match="^X"):
        optim.train(model, theta, Xb, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^X"):
        perceptron.perceptron(Xb, [0, 1, 0, 1, 0, 1])


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_y_is_rejected(net, bad):
    model, theta, X, y = net
    yb = with_nan(y, where=(4, 0), value=bad)
    with pytest.raises(ValueError, match="^y contains"):
        model.loss_and_grad(theta, X, yb)
    with pytest.raises(ValueError, match="^y"):
        optim.train(model, theta, X, yb, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^y"):  # minibatches: at the latest in epoch 1
        optim.train(model, theta, X, yb, lr=0.1, epochs=1, batch_size=2,
                    rng=np.random.default_rng(0), record=None)
    for loss in (losses.mse, losses.huber, losses.l1):
        with pytest.raises(ValueError, match="^y"):
            loss(np.zeros((6, 1)), yb)
    with pytest.raises(ValueError, match="^y"):
        losses.binary_logistic(np.zeros((3, 1)), [0.0, bad, 1.0])


def test_non_finite_u_theta_and_x0_are_rejected(net):
    model, theta, X, _ = net
    with pytest.raises(ValueError, match="^u"):
        losses.mse([[np.nan], [0.0]], [[0.0], [0.0]])
    with pytest.raises(ValueError, match="^theta"):
        model.predict(with_nan(theta, where=3), X)
    with pytest.raises(ValueError, match="^x0"):
        optim.gradient_descent(lambda x: x, [1.0, np.inf], 0.1, 3)
    with pytest.raises(ValueError, match="^theta"):
        gradcheck.numerical_gradient(np.sum, [1.0, np.nan])


# --------------------------------------------------------------------------- labels


@pytest.mark.parametrize("bad", [2, -1, 0.5])
def test_binary_logistic_labels_outside_0_1(bad):
    with pytest.raises(ValueError, match=r"^y must take values in \[0, 1\]"):
        losses.binary_logistic(np.zeros((3, 1)), [0, bad, 1])


@pytest.mark.parametrize("bad", [0, 2, 0.5])
def test_hinge_labels_outside_plus_minus_one(bad):
    with pytest.raises(ValueError, match=r"^y must take values in \[-1, 1\]"):
        losses.hinge(np.zeros((3, 1)), [1, bad, -1])


@pytest.mark.parametrize("bad", [3, -1, 1.5])
def test_cross_entropy_labels_outside_the_classes(bad):
    with pytest.raises(ValueError, match=r"^y must take values in \[0, 1, 2\]"):
        losses.softmax_cross_entropy(np.zeros((3, 3)), [0, bad, 2])


def test_labels_checked_through_the_model_and_the_perceptron():
    model = MLP((2, 3, 3), "relu")
    theta = np.zeros(model.num_params)
    X = np.ones((4, 2))
    with pytest.raises(ValueError, match="^y must take values"):
        model.loss_and_grad(theta, X, [0, 1, 2, 3], "cross_entropy")
    with pytest.raises(ValueError, match="^y must take values"):
        optim.train(model, theta, X, [0, 1, 2, 3], loss="cross_entropy", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^y must take values"):
        perceptron.perceptron(X, [0, 1, -1, 1])


# --------------------------------------------------------------------------- non-positive numbers


@pytest.mark.parametrize("lr", [0, -0.1, np.inf, np.nan])
def test_lr_must_be_positive_and_finite(net, lr):
    model, theta, X, y = net
    with pytest.raises(ValueError, match="^lr must be a finite positive number"):
        optim.train(model, theta, X, y, lr=lr, epochs=1)
    with pytest.raises(ValueError, match="^lr"):
        optim.gradient_descent(lambda x: x, [1.0], lr, 3)
    with pytest.raises(ValueError, match="^lr"):
        perceptron.perceptron(np.ones((2, 2)), [0, 1], lr=lr)


@pytest.mark.parametrize("value", [0, -2])
def test_batch_size_epochs_steps_must_be_positive(net, value, rng):
    model, theta, X, y = net
    with pytest.raises(ValueError, match="^batch_size must be a positive integer"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, batch_size=value, rng=rng)
    with pytest.raises(ValueError, match="^epochs must be a positive integer"):
        optim.train(model, theta, X, y, lr=0.1, epochs=value)
    with pytest.raises(ValueError, match="^max_epochs"):
        perceptron.perceptron(np.ones((2, 2)), [0, 1], max_epochs=value)
    with pytest.raises(ValueError, match="^n must be a positive integer"):
        data.separable_blobs(value, rng)


def test_steps_must_be_non_negative():
    with pytest.raises(ValueError, match="^steps must be a non-negative integer"):
        optim.gradient_descent(lambda x: x, [1.0], 0.1, -1)


def test_batch_size_at_most_N(net, rng):
    model, theta, X, y = net
    with pytest.raises(ValueError, match=r"^batch_size must be at most N = 6"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, batch_size=7, rng=rng)


def test_other_positive_parameters(net, rng):
    model, theta, X, y = net
    with pytest.raises(ValueError, match="^weight_decay"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, weight_decay=-1.0)
    with pytest.raises(ValueError, match="^delta"):
        losses.huber(np.zeros((2, 1)), np.zeros((2, 1)), delta=0.0)
    with pytest.raises(ValueError, match="^gain"):
        init.initialize(model, "he", rng, gain=0.0)
    with pytest.raises(ValueError, match="^lipschitz"):
        init.initialize(model, "operator_norm", rng, lipschitz=-1.0)
    with pytest.raises(ValueError, match="^eps"):
        gradcheck.numerical_gradient(np.sum, [1.0], eps=0.0)
    with pytest.raises(ValueError, match="^margin"):
        data.separable_blobs(10, rng, margin=0.0)
    with pytest.raises(ValueError, match="^std"):
        data.overlapping_blobs(10, rng, std=-1.0)
    with pytest.raises(ValueError, match="^noise"):
        data.ryu_regression(10, rng, noise=-0.1)
    with pytest.raises(ValueError, match="^prior1"):
        data.gaussian_classes(10, rng, [0.0], [1.0], [[1.0]], prior1=1.0)
    with pytest.raises(ValueError, match="^high"):
        data.regression_1d(10, rng, np.sin, low=1.0, high=1.0)
    with pytest.raises(ValueError, match="alpha"):
        MLP((2, 3, 1), "leaky_relu", alpha=1.0)
    with pytest.raises(ValueError, match="^widths"):
        MLP((2, 0, 1))
    with pytest.raises(ValueError, match="^widths"):
        MLP((2,))


# --------------------------------------------------------------------------- unknown names


def test_unknown_names(net, rng):
    model, theta, X, y = net
    with pytest.raises(ValueError, match=r"^unknown activation 'swish'"):
        activations.get("swish")
    with pytest.raises(ValueError, match="unknown activation"):
        MLP((2, 3, 1), "swish")
    with pytest.raises(ValueError, match="unknown activation"):
        MLP((2, 3, 3, 1), ["tanh", "gelu"])
    with pytest.raises(ValueError, match=r"^unknown loss 'squared'"):
        losses.get("squared")
    with pytest.raises(ValueError, match="unknown loss"):
        model.loss_and_grad(theta, X, y, "squared")
    with pytest.raises(ValueError, match="unknown loss"):
        optim.train(model, theta, X, y, loss="squared", lr=0.1, epochs=1)
    with pytest.raises(ValueError, match=r"^unknown initialization scheme 'lecun'"):
        init.initialize(model, "lecun", rng)
    with pytest.raises(ValueError, match="unknown initialization scheme"):
        model.init(rng, "lecun")
    with pytest.raises(ValueError, match="^reduction"):
        losses.mse(np.zeros((2, 1)), np.zeros((2, 1)), reduction="avg")
    with pytest.raises(ValueError, match="^record"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, record="batch")
    for bad in (np.int64, np.float16, "complex128"):
        with pytest.raises(ValueError, match="^dtype must be numpy.float64 or numpy.float32"):
            optim.train(model, theta, X, y, lr=0.1, epochs=1, dtype=bad)
    with pytest.raises(TypeError, match="^dtype"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, dtype="not a dtype")


def test_activation_list_must_have_one_name_per_hidden_layer():
    with pytest.raises(ValueError, match="^activation"):
        MLP((2, 3, 3, 1), ["tanh"])


# --------------------------------------------------------------------------- empty data


def test_empty_data(net):
    model, theta, _, _ = net
    empty = np.zeros((0, 2))
    with pytest.raises(ValueError, match="^X must not be empty"):
        model.predict(theta, empty)
    with pytest.raises(ValueError, match="^X must not be empty"):
        optim.train(model, theta, empty, np.zeros((0, 1)), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="^X must not be empty"):
        perceptron.perceptron(empty, [])
    with pytest.raises(ValueError, match="^u must not be empty"):
        losses.mse(np.zeros((0, 1)), np.zeros((0, 1)))
    with pytest.raises(ValueError, match="^x0 must not be empty"):
        optim.gradient_descent(lambda x: x, [], 0.1, 3)


# --------------------------------------------------------------------------- rng


BAD_RNGS = [None, 0, np.random.RandomState(0), np.random.default_rng, "seed"]


@pytest.mark.parametrize("bad", BAD_RNGS, ids=["None", "int", "RandomState", "function", "str"])
def test_rng_must_be_a_generator(net, bad):
    model, theta, X, y = net
    with pytest.raises(TypeError, match="^rng must be a numpy.random.Generator"):
        init.initialize(model, "xavier", bad)
    with pytest.raises(TypeError, match="^rng"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, batch_size=2, rng=bad)
    for gen in (lambda r: data.separable_blobs(5, r), lambda r: data.overlapping_blobs(5, r),
                lambda r: data.ryu_regression(5, r), lambda r: data.regression_1d(5, r, np.sin),
                lambda r: data.gaussian_classes(5, r, [0.0], [1.0], [[1.0]])):
        with pytest.raises(TypeError, match="^rng"):
            gen(bad)
    if bad is not None:  # None means "in order" for the perceptron
        with pytest.raises(TypeError, match="^rng"):
            perceptron.perceptron(np.ones((2, 2)), [0, 1], rng=bad)


# --------------------------------------------------------------------------- wrong types


def test_widths_of_the_wrong_type():
    with pytest.raises(TypeError, match="^widths"):
        MLP("1,5,1")
    with pytest.raises(TypeError, match="^widths"):
        MLP(5)
    with pytest.raises(TypeError, match="^widths"):
        MLP((1, "5", 1))
    with pytest.raises(TypeError, match="^widths"):
        MLP((1, 2.5, 1))
    with pytest.raises(TypeError, match="^widths"):
        MLP((1, True, 1))


def test_activation_loss_scheme_of_the_wrong_type(net, rng):
    model, theta, X, y = net
    with pytest.raises(TypeError, match="^activation"):
        MLP((2, 3, 1), 3)
    with pytest.raises(TypeError, match="^activation"):
        MLP((2, 3, 1), None)
    with pytest.raises(TypeError, match="^activation"):
        activations.get(1.0)
    with pytest.raises(TypeError, match="^loss"):
        losses.get(3)
    with pytest.raises(TypeError, match="^loss"):
        optim.train(model, theta, X, y, loss=3, lr=0.1, epochs=1)
    with pytest.raises(TypeError, match="^scheme"):
        init.initialize(model, 3, rng)


def test_numbers_of_the_wrong_type(net, rng):
    model, theta, X, y = net
    with pytest.raises(TypeError, match="^lr must be a real number"):
        optim.train(model, theta, X, y, lr="0.1", epochs=1)
    with pytest.raises(TypeError, match="^lr"):
        optim.gradient_descent(lambda x: x, [1.0], None, 3)
    with pytest.raises(TypeError, match="^epochs must be an integer"):
        optim.train(model, theta, X, y, lr=0.1, epochs=2.0)
    with pytest.raises(TypeError, match="^batch_size"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, batch_size="2", rng=rng)
    with pytest.raises(TypeError, match="^batch_size"):
        optim.train(model, theta, X, y, lr=0.1, epochs=1, batch_size=True, rng=rng)
    with pytest.raises(TypeError, match="^steps"):
        optim.gradient_descent(lambda x: x, [1.0], 0.1, 3.5)
    with pytest.raises(TypeError, match="^n must be an integer"):
        data.separable_blobs(10.0, rng)
    with pytest.raises(TypeError, match="^alpha"):
        activations.get("elu", "1")
    with pytest.raises(TypeError, match="^eps"):
        gradcheck.numerical_gradient(np.sum, [1.0], eps="tiny")


def test_arrays_of_the_wrong_type(net):
    model, theta, X, y = net
    with pytest.raises(TypeError, match="^X must be an array of real numbers"):
        model.predict(theta, "abc")
    with pytest.raises(TypeError, match="^X"):
        model.predict(theta, [[1.0, "a"]])
    with pytest.raises(TypeError, match="^X"):
        model.predict(theta, None)
    with pytest.raises(TypeError, match="^theta"):
        model.predict(None, X)
    with pytest.raises(TypeError, match="^u"):
        losses.mse("u", [1.0])
    with pytest.raises(TypeError, match="^y"):
        losses.mse([1.0], "y")
    with pytest.raises(TypeError, match="^X"):
        perceptron.perceptron("X", [0, 1])


def test_callables_of_the_wrong_type(rng):
    with pytest.raises(TypeError, match="^grad must be callable"):
        optim.gradient_descent(3.0, [1.0], 0.1, 3)
    with pytest.raises(TypeError, match="^f must be callable"):
        gradcheck.numerical_gradient("f", [1.0])
    with pytest.raises(TypeError, match="^f must be callable"):
        data.regression_1d(5, rng, "sin")
