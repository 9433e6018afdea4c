"""The coding exercises (lib.exercises): every check accepts the reference solution, rejects a
catalogue of wrong solutions (mistakes students make) with the intended hint, says "not
implemented yet" to the stub, gives a clear line for output of the wrong type or shape and for
a non-callable argument, and never mutates what it is given. Each reference solution is
compared with the core of lib.

The wrong solutions are written here as a student would write them; at least three of the
four (or more) per exercise return the right shape and type, so the check must find a wrong
number, not a crash.
"""

from __future__ import annotations

import copy
import importlib
import json
import pathlib
import re

import numpy as np
import pytest

from lib import activations as lib_activations
from lib import approx as lib_approx
from lib import backprop as lib_backprop
from lib import discriminant as lib_discriminant
from lib import init as lib_init
from lib import lipschitz as lib_lipschitz
from lib import losses as lib_losses
from lib import objectives as lib_objectives
from lib import optim as lib_optim
from lib import perceptron as lib_perceptron
from lib import piecewise as lib_piecewise
from lib import reparam as lib_reparam
from lib import scalar_chain as lib_scalar_chain
from lib.exercises import CheckResult
from lib.exercises.solutions import ch01 as sol01
from lib.exercises.solutions import ch02 as sol02
from lib.exercises.solutions import ch03 as sol03
from lib.exercises.solutions import ch04 as sol04
from lib.exercises.solutions import ch05 as sol05
from lib.exercises.solutions import ch06 as sol06
from lib.exercises.solutions import ch07 as sol07
from lib.exercises.solutions import ch08 as sol08
from lib.exercises.solutions import ch09 as sol09
from lib.exercises.solutions import ch10 as sol10
from lib.mlp import MLP

CATALOGUE = {}  # (chapter, task) -> list of (wrong function, hint substring, right shape?)
SOLUTIONS = {}  # (chapter, task) -> reference solution


def wrong(chapter, task, hint, right_shape=True):
    def register(func):
        CATALOGUE.setdefault((chapter, task), []).append((func, hint, right_shape))
        return func
    return register


def check_of(chapter, task):
    return getattr(importlib.import_module(f"lib.exercises.{chapter}"), f"check_{task}")


# ============================================================== chapter 1
SOLUTIONS["ch01", "averaged_perceptron"] = sol01.averaged_perceptron
SOLUTIONS["ch01", "pocket_perceptron"] = sol01.pocket_perceptron


def _perceptron_visits(X, y, lr, epochs, strict=False, sign=1.0):
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for i in range(len(X)):
            s = X[i] @ w + b
            y_hat = 1.0 if (s > 0 if strict else s >= 0) else 0.0
            w, b = w + sign * lr * (y[i] - y_hat) * X[i], b + sign * lr * (y[i] - y_hat)
            yield w, b, y_hat != y[i]


@wrong("ch01", "averaged_perceptron", "you returned the last (w, b)")
def avg_returns_last(X, y, lr, epochs):
    *_, (w, b, _) = _perceptron_visits(X, y, lr, epochs)
    return w, b


@wrong("ch01", "averaged_perceptron", "also those without an update")
def avg_over_updates_only(X, y, lr, epochs):
    ws, bs = [np.zeros(X.shape[1])], [0.0]
    for w, b, updated in _perceptron_visits(X, y, lr, epochs):
        if updated:
            ws.append(w)
            bs.append(b)
    return np.mean(ws, axis=0), float(np.mean(bs))


@wrong("ch01", "averaged_perceptron", "after the visit's update, not before")
def avg_before_update(X, y, lr, epochs):
    w_sum, b_sum, w, b = np.zeros(X.shape[1]), 0.0, np.zeros(X.shape[1]), 0.0
    for w_new, b_new, _ in _perceptron_visits(X, y, lr, epochs):
        w_sum, b_sum = w_sum + w, b_sum + b
        w, b = w_new, b_new
    return w_sum / (epochs * len(X)), b_sum / (epochs * len(X))


@wrong("ch01", "averaged_perceptron", "step(0) = 1")
def avg_strict_tie(X, y, lr, epochs):
    ws = [(w, b) for w, b, _ in _perceptron_visits(X, y, lr, epochs, strict=True)]
    return np.mean([w for w, _ in ws], axis=0), float(np.mean([b for _, b in ws]))


@wrong("ch01", "averaged_perceptron", "divide the sum by the number of visits")
def avg_divides_by_epochs(X, y, lr, epochs):
    ws = [(w, b) for w, b, _ in _perceptron_visits(X, y, lr, epochs)]
    return np.sum([w for w, _ in ws], axis=0) / epochs, float(np.sum([b for _, b in ws])) / epochs


@wrong("ch01", "averaged_perceptron", "wrong sign of the step")
def avg_wrong_sign(X, y, lr, epochs):
    ws = [(w, b) for w, b, _ in _perceptron_visits(X, y, lr, epochs, sign=-1.0)]
    return np.mean([w for w, _ in ws], axis=0), float(np.mean([b for _, b in ws]))


@wrong("ch01", "averaged_perceptron", "changed its input in place")
def avg_mutates_X(X, y, lr, epochs):
    X -= X.mean(axis=0) * 0.0 + 1e-3  # "centres" X in place
    return sol01.averaged_perceptron(X, y, lr, epochs)


@wrong("ch01", "averaged_perceptron", "return w of shape (d,) and b separately", False)
def avg_augmented(X, y, lr, epochs):
    w, b = sol01.averaged_perceptron(X, y, lr, epochs)
    return np.append(w, b), b


def _pocket_candidates(X, y, lr, epochs, sign=1.0):
    yield np.zeros(X.shape[1]), 0.0
    for w, b, updated in _perceptron_visits(X, y, lr, epochs, sign=sign):
        if updated:
            yield w, b


def _count(X, y, w, b, strict=False):
    s = X @ w + b
    return int(np.sum(((s > 0) if strict else (s >= 0)) != y))


@wrong("ch01", "pocket_perceptron", "the pocket keeps the best one seen")
def pocket_returns_last(X, y, lr, epochs):
    *_, (w, b) = _pocket_candidates(X, y, lr, epochs)
    return w, b


@wrong("ch01", "pocket_perceptron", "only on strictly fewer mistakes")
def pocket_ties_replace(X, y, lr, epochs):
    best, best_wb = np.inf, None
    for w, b in _pocket_candidates(X, y, lr, epochs):
        if _count(X, y, w, b) <= best:
            best, best_wb = _count(X, y, w, b), (w, b)
    return best_wb


@wrong("ch01", "pocket_perceptron", "predict 1 when w.x + b >= 0")
def pocket_strict_count(X, y, lr, epochs):
    best, best_wb = np.inf, None
    for w, b in _pocket_candidates(X, y, lr, epochs):
        if _count(X, y, w, b, strict=True) < best:
            best, best_wb = _count(X, y, w, b, strict=True), (w, b)
    return best_wb


@wrong("ch01", "pocket_perceptron", "wrong sign of the step")
def pocket_wrong_sign(X, y, lr, epochs):
    best, best_wb = np.inf, None
    for w, b in _pocket_candidates(X, y, lr, epochs, sign=-1.0):
        if _count(X, y, w, b) < best:
            best, best_wb = _count(X, y, w, b), (w, b)
    return best_wb


@wrong("ch01", "pocket_perceptron", "should return a tuple of 2 values", False)
def pocket_returns_w_only(X, y, lr, epochs):
    return sol01.pocket_perceptron(X, y, lr, epochs)[0]


def test_ch01_solutions_agree_with_lib_perceptron():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(10, 3))
    y = (X @ np.array([1.0, -2.0, 0.5]) + 0.2 >= 0).astype(float)
    # the averaged perceptron is the mean of lib's (w, b) over the prefixes of the repeated data
    Xr, yr = np.tile(X, (3, 1)), np.tile(y, 3)
    states = [lib_perceptron.perceptron(Xr[:t], yr[:t], lr=0.5, max_epochs=1)
              for t in range(1, 31)]
    w_bar, b_bar = sol01.averaged_perceptron(X, y, 0.5, 3)
    assert np.allclose(w_bar, np.mean([s.w for s in states], axis=0), rtol=0, atol=1e-12)
    assert abs(b_bar - np.mean([s.b for s in states])) < 1e-12
    # on separable data lib's rule converges; the pocket is then its final separator
    run = lib_perceptron.perceptron(X, y, lr=0.5, max_epochs=50)
    assert run.converged
    w, b = sol01.pocket_perceptron(X, y, 0.5, 50)
    assert np.allclose(w, run.w, rtol=0, atol=1e-12) and abs(b - run.b) < 1e-12
    assert np.all(lib_perceptron.perceptron_predict(X, w, b) == y)


# ============================================================== chapter 2
SOLUTIONS["ch02", "lda_parameters"] = sol02.lda_parameters
SOLUTIONS["ch02", "logistic_gradient"] = sol02.logistic_gradient


@wrong("ch02", "lda_parameters", "solve with Sigma, do not multiply by it")
def lda_multiplies_by_sigma(mu0, mu1, cov, prior1):
    w = cov @ (mu1 - mu0)
    b = 0.5 * (mu0 @ np.linalg.solve(cov, mu0) - mu1 @ np.linalg.solve(cov, mu1))
    return w, b, np.log(prior1 / (1 - prior1))


@wrong("ch02", "lda_parameters", "mu0 and mu1 are swapped")
def lda_swapped_means(mu0, mu1, cov, prior1):
    return sol02.lda_parameters(mu1, mu0, cov, 1 - prior1)[:2] + (np.log(prior1 / (1 - prior1)),)


@wrong("ch02", "lda_parameters", "the factor 1/2 of b")
def lda_no_half(mu0, mu1, cov, prior1):
    w, b, a = sol02.lda_parameters(mu0, mu1, cov, prior1)
    return w, 2 * b, a


@wrong("ch02", "lda_parameters", "the prior of class 1 on top")
def lda_inverted_prior(mu0, mu1, cov, prior1):
    w, b, _ = sol02.lda_parameters(mu0, mu1, cov, prior1)
    return w, b, np.log((1 - prior1) / prior1)


@wrong("ch02", "lda_parameters", "a is the log of the prior ratio")
def lda_ratio_without_log(mu0, mu1, cov, prior1):
    w, b, _ = sol02.lda_parameters(mu0, mu1, cov, prior1)
    return w, b, prior1 / (1 - prior1)


@wrong("ch02", "lda_parameters", "should return a tuple of 3 values", False)
def lda_returns_c(mu0, mu1, cov, prior1):
    w, b, a = sol02.lda_parameters(mu0, mu1, cov, prior1)
    return w, b + a


def _sigmoid(s):
    return 1 / (1 + np.exp(-s))


@wrong("ch02", "logistic_gradient", "divide the sum over the examples by N")
def logistic_sum(w, b, X, y):
    r = _sigmoid(X @ w + b) - y
    return X.T @ r, r.sum()


@wrong("ch02", "logistic_gradient", "wrong sign")
def logistic_ascent(w, b, X, y):
    r = y - _sigmoid(X @ w + b)
    return X.T @ r / len(y), r.mean()


@wrong("ch02", "logistic_gradient", "no sigma'(s) factor")
def logistic_with_sigma_prime(w, b, X, y):
    p = _sigmoid(X @ w + b)
    r = (p - y) * p * (1 - p)
    return X.T @ r / len(y), r.mean()


@wrong("ch02", "logistic_gradient", "the bias is missing")
def logistic_no_bias(w, b, X, y):
    r = _sigmoid(X @ w) - y
    return X.T @ r / len(y), r.mean()


@wrong("ch02", "logistic_gradient", "sum over the examples (axis 0 of X)", False)
def logistic_wrong_axis(w, b, X, y):
    r = _sigmoid(X @ w + b) - y
    return (r[:, None] * X).mean(axis=1), r.mean()


@wrong("ch02", "logistic_gradient", "changed its input in place")
def logistic_mutates_y(w, b, X, y):
    y -= _sigmoid(X @ w + b)  # y becomes the residual
    return -X.T @ y / len(y), -y.mean()


def test_ch02_solutions_agree_with_lib_discriminant():
    rng = np.random.default_rng(21)
    mu0, mu1 = rng.normal(size=3), rng.normal(size=3)
    M = rng.normal(size=(3, 3))
    cov = M @ M.T + np.eye(3)
    model = lib_discriminant.lda_closed_form(mu0, mu1, cov, 0.3)
    w, b, a = sol02.lda_parameters(mu0, mu1, cov, 0.3)
    assert np.allclose(w, model.w, rtol=1e-12, atol=1e-14)
    assert abs(b - model.b) < 1e-12 and abs(a - model.a) < 1e-12
    X = rng.normal(size=(9, 3))
    y = (rng.random(9) < 0.5).astype(float)
    _, gw, gb = lib_discriminant.logistic_loss(w, b, X, y)
    sw, sb = sol02.logistic_gradient(w, b, X, y)
    assert np.allclose(sw, gw, rtol=1e-12, atol=1e-14) and abs(sb - gb) < 1e-14


# ============================================================== chapter 3
SOLUTIONS["ch03", "softmax_cross_entropy"] = sol03.softmax_cross_entropy
SOLUTIONS["ch03", "collapse_identity_network"] = sol03.collapse_identity_network


@wrong("ch03", "softmax_cross_entropy", "subtract each row's maximum before exponentiating")
def ce_naive(U, y):
    P = np.exp(U) / np.exp(U).sum(axis=1, keepdims=True)
    G = P.copy()
    G[np.arange(len(y)), y] -= 1
    return float(np.mean(-np.log(P[np.arange(len(y)), y]))), G / len(y)


@wrong("ch03", "softmax_cross_entropy", "the loss is a mean: divide by N")
def ce_sum(U, y):
    loss, grad = sol03.softmax_cross_entropy(U, y)
    return loss * len(y), grad * len(y)


@wrong("ch03", "softmax_cross_entropy", "carries the factor 1/N")
def ce_grad_not_averaged(U, y):
    loss, grad = sol03.softmax_cross_entropy(U, y)
    return loss, grad * len(y)


@wrong("ch03", "softmax_cross_entropy", "wrong sign")
def ce_grad_sign(U, y):
    loss, grad = sol03.softmax_cross_entropy(U, y)
    return loss, -grad


@wrong("ch03", "softmax_cross_entropy", "not each column's")
def ce_column_max(U, y):
    S = U - U.max(axis=0, keepdims=True)
    log_sum = np.log(np.exp(S).sum(axis=1))
    P = np.exp(S - log_sum[:, None])
    P[np.arange(len(y)), y] -= 1
    return float(np.mean(log_sum - S[np.arange(len(y)), y])), P / len(y)


@wrong("ch03", "softmax_cross_entropy", "subtract e_y from softmax(u)")
def ce_forgets_onehot(U, y):
    S = U - U.max(axis=1, keepdims=True)
    P = np.exp(S) / np.exp(S).sum(axis=1, keepdims=True)
    return float(np.mean(-np.log(P[np.arange(len(y)), y]))), P / len(y)


@wrong("ch03", "softmax_cross_entropy", "changed its input in place")
def ce_shifts_in_place(U, y):
    U -= U.max(axis=1, keepdims=True)
    return sol03.softmax_cross_entropy(U, y)


@wrong("ch03", "softmax_cross_entropy", "should have shape", False)
def ce_per_example_gradient_rows(U, y):
    loss, grad = sol03.softmax_cross_entropy(U, y)
    return loss, grad.sum(axis=1)


def _product(layers):
    A = layers[0][0]
    for W, _ in layers[1:]:
        A = W @ A
    return A


@wrong("ch03", "collapse_identity_network", "not only b_n")
def collapse_last_bias(layers):
    return _product(layers), layers[-1][1]


@wrong("ch03", "collapse_identity_network", "the biases are missing")
def collapse_no_bias(layers):
    return _product(layers), np.zeros(layers[-1][0].shape[0])


@wrong("ch03", "collapse_identity_network", "b_1 passes through W_2 ... W_n too")
def collapse_skips_b1(layers):
    c = np.zeros(layers[0][0].shape[0])
    for W, b in layers[1:]:
        c = W @ c + b
    return _product(layers), c


@wrong("ch03", "collapse_identity_network", "every bias b_j")
def collapse_first_and_last_bias(layers):
    c = layers[0][1]
    for W, _ in layers[1:]:
        c = W @ c
    return _product(layers), c + layers[-1][1]


@wrong("ch03", "collapse_identity_network", "A is transposed", False)
def collapse_transposed(layers):
    A, c = sol03.collapse_identity_network(layers)
    return A.T, c


def test_ch03_solutions_agree_with_lib():
    rng = np.random.default_rng(31)
    U = rng.normal(size=(6, 4)) * 300
    y = rng.integers(0, 4, size=6)
    loss, grad = sol03.softmax_cross_entropy(U, y)
    ref_loss, ref_grad = lib_losses.softmax_cross_entropy(U, y)
    assert abs(loss - ref_loss) < 1e-12 * max(1.0, abs(ref_loss))
    assert np.allclose(grad, ref_grad, rtol=1e-12, atol=1e-15)
    model = MLP((3, 5, 4, 2), "identity")
    theta = model.init(rng)
    A, c = sol03.collapse_identity_network(model.layers(theta))
    A_ref, c_ref = lib_piecewise.affine_collapse(model, theta)
    assert np.allclose(A, A_ref, rtol=1e-12, atol=1e-12)
    assert np.allclose(c, c_ref, rtol=1e-12, atol=1e-12)


# ============================================================== chapter 4
SOLUTIONS["ch04", "momentum_descent"] = sol04.momentum_descent
SOLUTIONS["ch04", "critical_step"] = sol04.critical_step


def _heavy_ball(grad, x0, lr, beta, steps, sign=1.0, ema=False, old_v=False, keep_beta=True):
    x, v, path = np.array(x0, dtype=float), np.zeros(len(x0)), [np.array(x0, dtype=float)]
    for _ in range(steps):
        g = grad(x)
        if old_v:
            x = x - lr * v
        v = (beta if keep_beta else 0.0) * v + ((1 - beta) * g if ema else g)
        if not old_v:
            x = x - sign * lr * v
        path.append(x)
    return np.array(path)


@wrong("ch04", "momentum_descent", "wrong sign of the step")
def momentum_ascent(grad, x0, lr, beta, steps):
    return _heavy_ball(grad, x0, lr, beta, steps, sign=-1.0)


@wrong("ch04", "momentum_descent", "not beta v + (1 - beta) grad(x)")
def momentum_ema(grad, x0, lr, beta, steps):
    return _heavy_ball(grad, x0, lr, beta, steps, ema=True)


@wrong("ch04", "momentum_descent", "move with the new velocity")
def momentum_old_velocity(grad, x0, lr, beta, steps):
    return _heavy_ball(grad, x0, lr, beta, steps, old_v=True)


@wrong("ch04", "momentum_descent", "the velocity is not carried over")
def momentum_forgets_velocity(grad, x0, lr, beta, steps):
    return _heavy_ball(grad, x0, lr, beta, steps, keep_beta=False)


@wrong("ch04", "momentum_descent", "every stored iterate is the same array")
def momentum_aliased_path(grad, x0, lr, beta, steps):
    x, v = np.array(x0, dtype=float), np.zeros(len(x0))
    path = [x]
    for _ in range(steps):
        v = beta * v + grad(x)
        x -= lr * v  # in place: every entry of path is this one array
        path.append(x)
    return np.array(path)


@wrong("ch04", "momentum_descent", "changed its input in place")
def momentum_mutates_x0(grad, x0, lr, beta, steps):
    v, path = np.zeros(len(x0)), [x0.copy()]
    for _ in range(steps):
        v = beta * v + grad(x0)
        x0 -= lr * v
        path.append(x0.copy())
    return np.array(path)


@wrong("ch04", "momentum_descent", "include the start x_0", False)
def momentum_without_start(grad, x0, lr, beta, steps):
    return _heavy_ball(grad, x0, lr, beta, steps)[1:]


@wrong("ch04", "critical_step", "1/L guarantees that every step decreases f")
def step_one_over_L(A):
    return 1 / np.linalg.eigvalsh(A)[-1]


@wrong("ch04", "critical_step", "eigvalsh sorts in increasing order")
def step_smallest_eigenvalue(A):
    return 2 / np.linalg.eigvalsh(A)[0]


@wrong("ch04", "critical_step", "not its trace")
def step_trace(A):
    return 2 / np.trace(A)


@wrong("ch04", "critical_step", "not the Frobenius norm")
def step_frobenius(A):
    return 2 / np.linalg.norm(A)


@wrong("ch04", "critical_step", "should be a number", False)
def step_all_eigenvalues(A):
    return 2 / np.linalg.eigvalsh(A)


def test_ch04_solutions_agree_with_lib():
    rng = np.random.default_rng(41)
    M = rng.normal(size=(3, 3))
    A, b = M @ M.T + 0.1 * np.eye(3), rng.normal(size=3)
    assert abs(sol04.critical_step(A) - lib_objectives.critical_step(A)) < 1e-14
    x0 = rng.normal(size=3)

    def grad(x):
        return A @ x - b

    # beta = 0 is lib's gradient descent
    path = sol04.momentum_descent(grad, x0, 0.1, 0.0, 20)
    assert np.allclose(path, lib_optim.gradient_descent(grad, x0, 0.1, 20), rtol=1e-13,
                       atol=1e-13)


# ============================================================== chapter 5
SOLUTIONS["ch05", "backprop_batch"] = sol05.backprop_batch
SOLUTIONS["ch05", "layer_jvp"] = sol05.layer_jvp


def _tanh_backprop(layers, X, delta_out, *, prime_at="v", mean=False, last_tanh=False,
                   prime=True, transposed=False, wrong_axis=False):
    Z, V = [X], []
    n = len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        Z.append(np.tanh(V[-1]) if (j < n - 1 or last_tanh) else V[-1])
    grads, delta = [], delta_out
    for j in reversed(range(n)):
        W, _ = layers[j]
        if (j < n - 1 or last_tanh) and prime:
            G = delta * (1 - np.tanh(Z[j + 1] if prime_at == "z" else V[j]) ** 2)
        else:
            G = delta
        dW = Z[j].T @ G if transposed else G.T @ Z[j]
        db = G.sum(axis=1) if wrong_axis else G.sum(axis=0)
        grads.append((dW / len(X), db / len(X)) if mean else (dW, db))
        delta = G @ W
    return grads[::-1]


@wrong("ch05", "backprop_batch", "not at the layer's output")
def backprop_prime_at_z(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, prime_at="z")


@wrong("ch05", "backprop_batch", "sum over the batch")
def backprop_mean(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, mean=True)


@wrong("ch05", "backprop_batch", "no activation on the last layer")
def backprop_last_tanh(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, last_tanh=True)


@wrong("ch05", "backprop_batch", "multiply delta_{j+1} by sigma'(v_j)")
def backprop_no_prime(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, prime=False)


@wrong("ch05", "backprop_batch", "dL/dW_j has the shape of W_j", False)
def backprop_transposed_gradient(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, transposed=True)


@wrong("ch05", "backprop_batch", "over the batch axis (axis=0)", False)
def backprop_bias_wrong_axis(layers, X, delta_out):
    return _tanh_backprop(layers, X, delta_out, wrong_axis=True)


@wrong("ch05", "backprop_batch", "check the orientation of W", False)
def backprop_delta_with_transpose(layers, X, delta_out):
    Z = [X]
    for W, b in layers[:-1]:
        Z.append(np.tanh(Z[-1] @ W.T + b))
    grads, delta = [], delta_out
    for j in reversed(range(len(layers))):
        W, _ = layers[j]
        G = delta if j == len(layers) - 1 else delta * (1 - Z[j + 1] ** 2)
        grads.append((G.T @ Z[j], G.sum(axis=0)))
        delta = G @ W.T  # W_j^T g_j written with the column convention
    return grads[::-1]


@wrong("ch05", "layer_jvp", "not at the output sigma(v)")
def jvp_prime_at_output(W, b, Z, U):
    out = np.tanh(Z @ W.T + b)
    return (1 - np.tanh(out) ** 2) * (U @ W.T)


@wrong("ch05", "layer_jvp", "the tanh' factor is missing")
def jvp_linear(W, b, Z, U):
    return U @ W.T


@wrong("ch05", "layer_jvp", "the bias does not enter the derivative")
def jvp_with_bias(W, b, Z, U):
    return (1 - np.tanh(Z @ W.T + b) ** 2) * (U @ W.T + b)


@wrong("ch05", "layer_jvp", "not tanh(W u)")
def jvp_activation_of_direction(W, b, Z, U):
    return np.tanh(U @ W.T)


@wrong("ch05", "layer_jvp", "check the orientation of W", False)
def jvp_untransposed(W, b, Z, U):
    return (1 - np.tanh(Z @ W.T + b) ** 2) * (U @ W)


def test_ch05_solutions_agree_with_lib():
    rng = np.random.default_rng(51)
    model = MLP((3, 5, 4, 2), "tanh")
    theta = model.init(rng)
    X, delta_out = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    grad = model.backward(theta, model.forward(theta, X), delta_out)
    for (dW, db), (gW, gb) in zip(sol05.backprop_batch(model.layers(theta), X, delta_out),
                                  model.layers(grad), strict=True):
        assert np.allclose(dW, gW, rtol=1e-12, atol=1e-14)
        assert np.allclose(db, gb, rtol=1e-12, atol=1e-14)
    # the JVP of one layer equals the per-example Jacobian of lib.backprop's teaching form
    (W, b), = MLP((3, 4), "identity").layers(rng.normal(size=16))
    Z, U = rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    # row i is lib.backprop's Jacobian of the layer at z_i applied to u_i
    J = np.array([lib_backprop.layer_jacobian(W, b, z, "tanh") for z in Z])
    assert np.allclose(sol05.layer_jvp(W, b, Z, U), np.einsum("nij,nj->ni", J, U),
                       rtol=1e-12, atol=1e-14)


# ============================================================== chapter 6
SOLUTIONS["ch06", "chain_gradient"] = sol06.chain_gradient
SOLUTIONS["ch06", "sigmoid_to_tanh"] = sol06.sigmoid_to_tanh


def _chain(weights, biases, activations, x, alpha, *, at_output=False, all_w=False,
           no_x=False, first_only=False):
    u, h = [], x
    for w, b, (sigma, _) in zip(weights, biases, activations, strict=True):
        u.append(w * h + b)
        h = sigma(u[-1])
    derivs = [activations[0][1]] * len(u) if first_only else [d for _, d in activations]
    slopes = [d(s(v) if at_output else v)
              for v, d, (s, _) in zip(u, derivs, activations, strict=True)]
    grad = alpha * np.prod(weights if all_w else weights[1:]) * np.prod(slopes)
    return alpha * h, grad * (1.0 if no_x else x)


@wrong("ch06", "chain_gradient", "not at sigma(u_l)")
def chain_prime_at_output(weights, biases, activations, x, alpha):
    return _chain(weights, biases, activations, x, alpha, at_output=True)


@wrong("ch06", "chain_gradient", "w_1 is the variable")
def chain_all_weights(weights, biases, activations, x, alpha):
    return _chain(weights, biases, activations, x, alpha, all_w=True)


@wrong("ch06", "chain_gradient", "x = du_1/dw_1")
def chain_without_x(weights, biases, activations, x, alpha):
    return _chain(weights, biases, activations, x, alpha, no_x=True)


@wrong("ch06", "chain_gradient", "layer l uses its own activation")
def chain_one_activation(weights, biases, activations, x, alpha):
    return _chain(weights, biases, activations, x, alpha, first_only=True)


@wrong("ch06", "chain_gradient", "should be a number", False)
def chain_returns_all_slopes(weights, biases, activations, x, alpha):
    value, _ = sol06.chain_gradient(weights, biases, activations, x, alpha)
    return value, np.array(weights) * x


def _to_tanh(layers, *, first_half=True, row_sums=True, last_as_hidden=False, quarter=True):
    out, L = [], len(layers)
    for ell, (A, b) in enumerate(layers):
        if ell == 0:
            out.append((A / 2, b / 2) if first_half else (A, b))
        elif ell < L - 1 or last_as_hidden:
            C = A / 4 if quarter else A / 2
            out.append((C, b / 2 + (C.sum(axis=1) if row_sums else 0)))
        else:
            C = A / 2
            out.append((C, b + (C.sum(axis=1) if row_sums else 0)))
    return out


@wrong("ch06", "sigmoid_to_tanh", "C_1 = A_1/2 and d_1 = b_1/2")
def reparam_first_layer_unchanged(layers):
    return _to_tanh(layers, first_half=False)


@wrong("ch06", "sigmoid_to_tanh", "the row sums of C_l")
def reparam_no_shift(layers):
    return _to_tanh(layers, row_sums=False)


@wrong("ch06", "sigmoid_to_tanh", "the last layer is linear")
def reparam_last_as_hidden(layers):
    return _to_tanh(layers, last_as_hidden=True)


@wrong("ch06", "sigmoid_to_tanh", "hidden layers: C_l = A_l/4")
def reparam_hidden_half(layers):
    return _to_tanh(layers, quarter=False)


@wrong("ch06", "sigmoid_to_tanh", "C_l has the shape of A_l", False)
def reparam_transposed(layers):
    return [(C.T, d) for C, d in sol06.sigmoid_to_tanh(layers)]


@wrong("ch06", "sigmoid_to_tanh", "changed its input in place")
def reparam_in_place(layers):
    for A, b in layers:
        A /= 2
        b /= 2
    return sol06.sigmoid_to_tanh([(A * 2, b * 2) for A, b in layers])


def test_ch06_solutions_agree_with_lib():
    rng = np.random.default_rng(61)
    w, b = rng.normal(size=4), rng.normal(size=4)
    pairs = [(lib_activations.sigmoid, lib_activations.sigmoid_prime)] * 4
    value, grad = sol06.chain_gradient(w, b, pairs, 0.8, 1.3)
    ref = lib_scalar_chain.scalar_chain(w, 0.8, "sigmoid", biases=b, alpha=1.3)
    assert abs(value - float(ref.value)) < 1e-14 and abs(grad - float(ref.grad_w1)) < 1e-14
    model = MLP((3, 5, 4, 2), "sigmoid")
    layers = model.unflatten(model.init(rng))
    for (C, d), (Cr, dr) in zip(sol06.sigmoid_to_tanh(layers),
                                lib_reparam.sigmoid_to_tanh(layers), strict=True):
        assert np.array_equal(C, Cr) and np.allclose(d, dr, rtol=1e-15, atol=1e-15)


# ============================================================== chapter 7
SOLUTIONS["ch07", "relu_interpolant_weights"] = sol07.relu_interpolant_weights
SOLUTIONS["ch07", "interpolant_theta"] = sol07.interpolant_theta


@wrong("ch07", "relu_interpolant_weights", "not the slopes")
def interp_slopes(knots, values):
    return np.diff(values) / np.diff(knots), -knots[:-1], values[0]


@wrong("ch07", "relu_interpolant_weights", "divide by the spacing")
def interp_no_spacing(knots, values):
    s = np.diff(values)
    return np.concatenate([[s[0]], np.diff(s)]), -knots[:-1], values[0]


@wrong("ch07", "relu_interpolant_weights", "b_i = -x_i")
def interp_plus_knots(knots, values):
    w, b, c = sol07.relu_interpolant_weights(knots, values)
    return w, -b, c


@wrong("ch07", "relu_interpolant_weights", "the constant c = f(x_0) is missing")
def interp_no_constant(knots, values):
    w, b, _ = sol07.relu_interpolant_weights(knots, values)
    return w, b, 0.0


@wrong("ch07", "relu_interpolant_weights", "one unit per cell", False)
def interp_one_unit_per_knot(knots, values):
    s = np.diff(values) / np.diff(knots)
    return np.concatenate([[s[0]], np.diff(s), [0.0]]), -knots, values[0]


@wrong("ch07", "interpolant_theta", "the layout is W_1, b_1, W_2, b_2")
def theta_wrong_layout(knots, values):
    w, b, c = sol07.relu_interpolant_weights(knots, values)
    return np.concatenate([np.ones(len(w)), w, b, [c]])


@wrong("ch07", "interpolant_theta", "goes into b_2")
def theta_no_output_bias(knots, values):
    w, b, _ = sol07.relu_interpolant_weights(knots, values)
    return np.concatenate([np.ones(len(w)), b, w, [0.0]])


@wrong("ch07", "interpolant_theta", "b_1 = -x_i")
def theta_plus_knots(knots, values):
    w, b, c = sol07.relu_interpolant_weights(knots, values)
    return np.concatenate([np.ones(len(w)), -b, w, [c]])


@wrong("ch07", "interpolant_theta", "not the slopes")
def theta_slopes(knots, values):
    s = np.diff(values) / np.diff(knots)
    return np.concatenate([np.ones(len(s)), -knots[:-1], s, [values[0]]])


@wrong("ch07", "interpolant_theta", "b_2 (the constant c) is a parameter too", False)
def theta_without_b2(knots, values):
    return sol07.interpolant_theta(knots, values)[:-1]


def test_ch07_solutions_agree_with_lib():
    knots = np.array([-1.0, -0.3, 0.4, 1.5, 2.0])
    values = np.sin(knots)
    w, b, c = sol07.relu_interpolant_weights(knots, values)
    wr, br, cr = lib_approx.relu_interpolant(values, knots)
    assert np.allclose(w, wr, rtol=1e-14, atol=1e-14) and np.array_equal(b, br) and c == cr
    model, theta_ref = lib_approx.interpolant_mlp(wr, br, cr)
    assert np.allclose(sol07.interpolant_theta(knots, values), theta_ref, rtol=1e-14,
                       atol=1e-14)
    assert model.widths == (1, 4, 1)


# ============================================================== chapter 8
SOLUTIONS["ch08", "residual_forward"] = sol08.residual_forward
SOLUTIONS["ch08", "residual_backward"] = sol08.residual_backward


# The wrong solutions below are written the way a reader might get them wrong, one loop each,
# and share no code with the check's own mistake variants (lib/exercises/ch08.py).


def _is_residual(layers, j):
    W, _ = layers[j]
    return j < len(layers) - 1 and W.shape[0] == W.shape[1]


@wrong("ch08", "residual_forward", "a square hidden layer adds its input")
def resfwd_no_skip(layers, X):
    z = X
    for W, b in layers[:-1]:
        z = np.tanh(z @ W.T + b)  # a plain tanh layer everywhere
    W, b = layers[-1]
    return z @ W.T + b


@wrong("ch08", "residual_forward", "not tanh(z_j + v_j)")
def resfwd_skip_inside(layers, X):
    z = X
    for j, (W, b) in enumerate(layers[:-1]):
        v = z @ W.T + b
        z = np.tanh(z + v) if _is_residual(layers, j) else np.tanh(v)
    W, b = layers[-1]
    return z @ W.T + b


@wrong("ch08", "residual_forward", "the activation is missing")
def resfwd_linear_branch(layers, X):
    z = X
    for j, (W, b) in enumerate(layers[:-1]):
        v = z @ W.T + b
        z = z + v if _is_residual(layers, j) else np.tanh(v)
    W, b = layers[-1]
    return z @ W.T + b


@wrong("ch08", "residual_forward", "no activation on the last layer")
def resfwd_last_tanh(layers, X):
    z = X
    for j, (W, b) in enumerate(layers):
        branch = np.tanh(z @ W.T + b)  # the output layer gets a tanh as well
        z = z + branch if _is_residual(layers, j) else branch
    return z


@wrong("ch08", "residual_forward", "rows are examples", False)
def resfwd_columns(layers, X):
    return sol08.residual_forward(layers, X).T


def _stored_forward(layers, X):
    """Inputs z_j and pre-activations v_j of every layer of the residual tanh network."""
    inputs, pre = [], []
    z = X
    for j, (W, b) in enumerate(layers):
        inputs.append(z)
        v = z @ W.T + b
        pre.append(v)
        if j == len(layers) - 1:
            z = v
        else:
            z = z + np.tanh(v) if _is_residual(layers, j) else np.tanh(v)
    return inputs, pre


@wrong("ch08", "residual_backward", "delta_j = W_j^T g_j + delta_{j+1}")
def resback_missing_skip_delta(layers, X, delta_out):
    inputs, pre = _stored_forward(layers, X)
    grads, d = [None] * len(layers), delta_out
    for j in range(len(layers) - 1, -1, -1):
        g = d if j == len(layers) - 1 else d * (1 - np.tanh(pre[j]) ** 2)
        grads[j] = (g.T @ inputs[j], g.sum(axis=0))
        d = g @ layers[j][0]  # the skip's "+ delta" is forgotten
    return grads


@wrong("ch08", "residual_backward", "not at the branch's output")
def resback_prime_at_output(layers, X, delta_out):
    inputs, pre = _stored_forward(layers, X)
    grads, d = [None] * len(layers), delta_out
    for j in range(len(layers) - 1, -1, -1):
        a = np.tanh(pre[j])
        g = d if j == len(layers) - 1 else d * (1 - np.tanh(a) ** 2)  # tanh' taken at a
        grads[j] = (g.T @ inputs[j], g.sum(axis=0))
        d = g @ layers[j][0] + (d if _is_residual(layers, j) else 0)
    return grads


@wrong("ch08", "residual_backward", "sum over the batch")
def resback_mean(layers, X, delta_out):
    inputs, pre = _stored_forward(layers, X)
    grads, d, N = [None] * len(layers), delta_out, len(X)
    for j in range(len(layers) - 1, -1, -1):
        g = d if j == len(layers) - 1 else d * (1 - np.tanh(pre[j]) ** 2)
        grads[j] = (g.T @ inputs[j] / N, g.mean(axis=0))  # averaged a second time
        d = g @ layers[j][0] + (d if _is_residual(layers, j) else 0)
    return grads


@wrong("ch08", "residual_backward", "not + g_j")
def resback_skip_through_prime(layers, X, delta_out):
    inputs, pre = _stored_forward(layers, X)
    grads, d = [None] * len(layers), delta_out
    for j in range(len(layers) - 1, -1, -1):
        g = d if j == len(layers) - 1 else d * (1 - np.tanh(pre[j]) ** 2)
        grads[j] = (g.T @ inputs[j], g.sum(axis=0))
        d = g @ layers[j][0] + (g if _is_residual(layers, j) else 0)  # g, not delta
    return grads


@wrong("ch08", "residual_backward", "should be a list of", False)
def resback_flat(layers, X, delta_out):
    return np.concatenate([np.concatenate([dW.ravel(), db])
                           for dW, db in sol08.residual_backward(layers, X, delta_out)])


def test_ch08_solutions_agree_with_lib():
    rng = np.random.default_rng(81)
    model = MLP((3, 4, 4, 4, 2), "tanh", residual=True)
    theta = model.init(rng)
    X, delta_out = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    fp = model.forward(theta, X)
    assert np.allclose(sol08.residual_forward(model.layers(theta), X), fp.output, rtol=1e-13,
                       atol=1e-14)
    grad = model.backward(theta, fp, delta_out)
    got = sol08.residual_backward(model.layers(theta), X, delta_out)
    assert np.allclose(model.flatten(got), grad, rtol=1e-12, atol=1e-14)


# ============================================================== chapter 9
SOLUTIONS["ch09", "operator_norm_variance"] = sol09.operator_norm_variance
SOLUTIONS["ch09", "he_variance"] = sol09.he_variance


@wrong("ch09", "operator_norm_variance", "not the standard deviation")
def opnorm_std(fan_in, fan_out, lipschitz, alpha):
    return 1 / ((np.sqrt(fan_in) + np.sqrt(fan_out)) * lipschitz * alpha)


@wrong("ch09", "operator_norm_variance", "square the whole sum")
def opnorm_unsquared_sum(fan_in, fan_out, lipschitz, alpha):
    return 1 / ((np.sqrt(fan_in) + np.sqrt(fan_out)) * lipschitz**2 * alpha**2)


@wrong("ch09", "operator_norm_variance", "not n_j + n_{j+1}")
def opnorm_sum_of_fans(fan_in, fan_out, lipschitz, alpha):
    return 1 / ((fan_in + fan_out) * lipschitz**2 * alpha**2)


@wrong("ch09", "operator_norm_variance", "the variance carries L^2")
def opnorm_linear_in_L(fan_in, fan_out, lipschitz, alpha):
    return 1 / ((np.sqrt(fan_in) + np.sqrt(fan_out)) ** 2 * lipschitz * alpha**2)


@wrong("ch09", "operator_norm_variance", "should be a number", False)
def opnorm_as_string(fan_in, fan_out, lipschitz, alpha):
    return f"{sol09.operator_norm_variance(fan_in, fan_out, lipschitz, alpha):.3g}"


@wrong("ch09", "he_variance", "the negative slope a enters")
def he_ignores_slope(fan_in, fan_out, slope):
    return 2 / fan_in


@wrong("ch09", "he_variance", "the slope enters squared")
def he_slope_not_squared(fan_in, fan_out, slope):
    return 2 / ((1 + slope) * fan_in)


@wrong("ch09", "he_variance", "uses the fan-in")
def he_fan_out(fan_in, fan_out, slope):
    return 2 / ((1 + slope**2) * fan_out)


@wrong("ch09", "he_variance", "not the standard deviation")
def he_std(fan_in, fan_out, slope):
    return np.sqrt(2 / ((1 + slope**2) * fan_in))


@wrong("ch09", "he_variance", "this is Xavier's variance")
def he_xavier(fan_in, fan_out, slope):
    return 2 / (fan_in + fan_out)


@wrong("ch09", "he_variance", "should be a number", False)
def he_array(fan_in, fan_out, slope):
    return np.full(fan_out, 2 / ((1 + slope**2) * fan_in))


def test_ch09_solutions_agree_with_lib():
    for n, m in ((100, 10), (30, 70)):
        std = lib_init.weight_std("operator_norm", n, m, lipschitz=0.25, alpha=0.8)
        assert abs(sol09.operator_norm_variance(n, m, 0.25, 0.8) - std**2) < 1e-15
        assert abs(sol09.he_variance(n, m, 0.0) - lib_init.weight_std("he", n, m) ** 2) < 1e-15
    # leaky ReLU: the variance keeps E[z^2] through a wide layer (Monte Carlo, many draws)
    rng = np.random.default_rng(91)
    v = rng.standard_normal(400_000)
    second = np.mean(np.maximum(v, 0.2 * v) ** 2)
    assert abs(sol09.he_variance(50, 50, 0.2) * 50 * second - 1) < 0.01


# ============================================================== chapter 10
SOLUTIONS["ch10", "lipschitz_bound"] = sol10.lipschitz_bound
SOLUTIONS["ch10", "per_example_gradient_norms"] = sol10.per_example_gradient_norms


@wrong("ch10", "lipschitz_bound", "not the Frobenius norm")
def lip_frobenius(layers):
    return float(np.prod([np.linalg.norm(W) for W, _ in layers]))


@wrong("ch10", "lipschitz_bound", "not their sum")
def lip_sum(layers):
    return float(np.sum([np.linalg.norm(W, 2) for W, _ in layers]))


@wrong("ch10", "lipschitz_bound", "the last, linear one too")
def lip_hidden_only(layers):
    return float(np.prod([np.linalg.norm(W, 2) for W, _ in layers[:-1]]))


@wrong("ch10", "lipschitz_bound", "biases do not enter")
def lip_with_biases(layers):
    return float(np.prod([np.linalg.norm(np.column_stack([W, b]), 2) for W, b in layers]))


@wrong("ch10", "lipschitz_bound", "should be a number", False)
def lip_per_layer(layers):
    return [np.linalg.norm(W, 2) for W, _ in layers]


def _grad_norms(layers, X, Y, *, factor=1.0, prime_at="v", bias=True, square=False):
    Z, V = [X], []
    n = len(layers)
    for j, (W, b) in enumerate(layers):
        V.append(Z[-1] @ W.T + b)
        Z.append(V[-1] if j == n - 1 else np.tanh(V[-1]))
    delta, total = factor * (Z[-1] - Y), np.zeros(len(X))
    for j in reversed(range(n)):
        W, _ = layers[j]
        G = delta if j == n - 1 else delta * (1 - np.tanh(Z[j + 1] if prime_at == "z"
                                                         else V[j]) ** 2)
        total += np.sum(G**2, axis=1) * (np.sum(Z[j] ** 2, axis=1) + (1.0 if bias else 0.0))
        delta = G @ W
    return total if square else np.sqrt(total)


@wrong("ch10", "per_example_gradient_norms", "carries the factor 1/2")
def pegn_factor_two(layers, X, Y):
    return _grad_norms(layers, X, Y, factor=2.0)


@wrong("ch10", "per_example_gradient_norms", "do not divide by N")
def pegn_mean_loss_delta(layers, X, Y):
    return _grad_norms(layers, X, Y, factor=1 / len(X))


@wrong("ch10", "per_example_gradient_norms", "not at z_{j+1}")
def pegn_prime_at_z(layers, X, Y):
    return _grad_norms(layers, X, Y, prime_at="z")


@wrong("ch10", "per_example_gradient_norms", "the biases are parameters too")
def pegn_no_bias(layers, X, Y):
    return _grad_norms(layers, X, Y, bias=False)


@wrong("ch10", "per_example_gradient_norms", "do not sum over the batch first")
def pegn_batch_gradient(layers, X, Y):
    model = MLP(tuple([layers[0][0].shape[1]] + [W.shape[0] for W, _ in layers]), "tanh")
    theta = model.flatten(layers)
    _, grad = model.loss_and_grad(theta, X, Y, "mse")
    return np.full(len(X), np.linalg.norm(grad))


@wrong("ch10", "per_example_gradient_norms", "not their squares")
def pegn_squared(layers, X, Y):
    return _grad_norms(layers, X, Y, square=True)


@wrong("ch10", "per_example_gradient_norms", "one norm per example: shape (N,)", False)
def pegn_summed_gradient(layers, X, Y):
    model = MLP(tuple([layers[0][0].shape[1]] + [W.shape[0] for W, _ in layers]), "tanh")
    return model.loss_and_grad(model.flatten(layers), X, Y, "mse")[1]


def test_ch10_solutions_agree_with_lib():
    rng = np.random.default_rng(101)
    model = MLP((3, 6, 4, 2), "tanh")
    theta = model.init(rng)
    layers = model.layers(theta)
    assert abs(sol10.lipschitz_bound(layers) - lib_lipschitz.lipschitz_bound(model, theta)) \
        < 1e-12 * lib_lipschitz.lipschitz_bound(model, theta)
    X, Y = rng.normal(size=(7, 3)), rng.normal(size=(7, 2))
    G = model.per_example_gradients(theta, X, Y, "mse")
    assert np.allclose(sol10.per_example_gradient_norms(layers, X, Y),
                       np.linalg.norm(G, axis=1), rtol=1e-12, atol=1e-14)


# ============================================================== every exercise
TASKS = sorted(SOLUTIONS)


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_check_accepts_the_reference_solution(key, capsys):
    result = check_of(*key)(SOLUTIONS[key])
    assert isinstance(result, CheckResult)
    assert result.passed, result.message
    assert result.message.startswith("✓")
    assert capsys.readouterr().out == result.message + "\n"  # printed once, one line
    assert repr(result) == result.message and "\n" not in result.message


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_catalogue_of_wrong_solutions_gets_the_intended_hint(key):
    catalogue = CATALOGUE[key]
    assert len(catalogue) >= 4, f"{key}: fewer than four wrong solutions"
    assert sum(right for _, _, right in catalogue) >= 3, f"{key}: fewer than three right-shaped"
    for func, hint, _ in catalogue:
        result = check_of(*key)(func, verbose=False)
        assert not result.passed, f"{func.__name__} passed {key}"
        assert result.message.startswith("✗")
        assert hint in result.message, f"{func.__name__}: {result.message}"


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_right_shaped_wrong_solutions_fail_on_a_value(key):
    """A right-shaped wrong answer is told 'expected ..., got ...' (or that it mutated its
    input), never a shape or type complaint."""
    for func, _, right in CATALOGUE[key]:
        if right:
            message = check_of(*key)(func, verbose=False).message
            assert ("expected" in message and "got" in message) or "in place" in message, message


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_stub_is_not_implemented_yet(key):
    def stub(*args):
        raise NotImplementedError

    result = check_of(*key)(stub, verbose=False)
    assert not result.passed and "not implemented yet" in result.message


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
@pytest.mark.parametrize("bad", [None, "a string", 3.5, np.zeros((2, 17, 3)), (1, 2, 3, 4, 5)],
                         ids=["None", "str", "float", "array", "tuple"])
def test_bad_output_gets_a_clear_line(key, bad):
    result = check_of(*key)(lambda *args: bad, verbose=False)
    assert not result.passed
    assert result.message.startswith("✗") and "\n" not in result.message
    assert "could not be checked" not in result.message, result.message
    # a clear line: what should come back, or (a number where a number is due) a wrong value
    assert "should" in result.message or "expected" in result.message, result.message


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_non_callable_and_raising_functions_get_a_message(key):
    for thing in (None, 3, "averaged_perceptron", np.ones(3)):
        result = check_of(*key)(thing, verbose=False)
        assert not result.passed and "needs your function itself" in result.message

    def broken(*args):
        return 1 / 0

    result = check_of(*key)(broken, verbose=False)
    assert not result.passed and "raised ZeroDivisionError" in result.message


@pytest.mark.parametrize("key", TASKS, ids=lambda k: f"{k[0]}-{k[1]}")
def test_check_never_mutates_what_it_is_given_nor_shows_the_solution(key):
    calls = []
    solution = SOLUTIONS[key]

    def recording(*args):
        calls.append(copy.deepcopy([a for a in args if not callable(a)]))
        out = solution(*args)
        calls[-1].append(copy.deepcopy(out))
        return out

    result = check_of(*key)(recording, verbose=False)
    assert result.passed and calls
    # the function object is untouched, and the check's message shows no code
    assert "def " not in result.message and "return" not in result.message
    # a second run gives the same inputs: the check's own cases were not changed by the first
    first = calls[:]
    calls.clear()
    check_of(*key)(recording, verbose=False)
    assert len(calls) == len(first)
    for a, b in zip(first, calls, strict=True):
        for x, y in zip(a, b, strict=True):
            assert _same(x, y)


def _same(a, b):
    if callable(a):
        return a is b
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))


# ============================================================== the notebooks' exercise cells
ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHECK_CALL = re.compile(r"^(ch\d\d)\.(check_\w+)\((\w+)\)$", re.M)
# The sentence before the include names the function and file, for JupyterLab, whose MyST
# renderer cannot include files; the backreferences make the two agree.
INCLUDE = re.compile(r"The reference solution, `(?P<func>\w+)` in "
                     r"`lib/exercises/solutions/(?P<module>ch\d\d)\.py`:\n\n"
                     r"```\{literalinclude\} \.\./lib/exercises/solutions/(?P=module)\.py\n"
                     r"(?::language: python\n)?:pyobject: (?P=func)\n```")


def _exercise_cells(nb_path):
    cells = json.loads(nb_path.read_text(encoding="utf-8"))["cells"]
    return [("".join(c["source"]), c) for c in cells]


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_exercise_cells_are_stub_check_and_included_solution(nb):
    cells = _exercise_cells(nb)
    calls = [(m, c) for src, c in cells if c["cell_type"] == "code"
             for m in [CHECK_CALL.search(src)] if m]
    if nb.name[:2] in ("01", "02", "03", "04"):
        assert len(calls) >= 2, f"{nb.name}: fewer than two coding exercises"
    chapter = f"ch{nb.name[:2]}"
    sources = [src for src, _ in cells]
    includes = {(m["module"], m["func"]) for src in sources for m in INCLUDE.finditer(src)}
    for match, cell in calls:
        module, check, func = match.groups()
        assert module == chapter, f"{nb.name} calls {module}'s check"
        assert (module, check[len("check_"):]) in SOLUTIONS and check == f"check_{func}"
        # the stub: signature, docstring, raise NotImplementedError, defined before the check
        stub = next(src for src in sources if src.startswith(f"def {func}("))
        assert sources.index(stub) < sources.index("".join(cell["source"]))
        assert stub.rstrip().endswith("raise NotImplementedError") and '"""' in stub
        # its stored output is the one "not implemented yet" line, printed once
        outputs = cell.get("outputs", [])
        text = "".join("".join(o.get("text", "")) for o in outputs if o["output_type"] == "stream")
        assert len(outputs) == 1 and text.startswith(f"✗ {func}: not implemented yet"), outputs
        assert text.count("\n") == 1
        # the solution block shows the reference solution itself
        assert (module, func) in includes, f"{nb.name}: no literalinclude of {func}"
        assert hasattr(importlib.import_module(f"lib.exercises.solutions.{module}"), func)
        assert "def " + func not in "".join(
            src for src in sources if src.lstrip().startswith("````{solution}")), func
