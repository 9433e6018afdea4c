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

import numpy as np
import pytest

from lib import discriminant as lib_discriminant
from lib import losses as lib_losses
from lib import objectives as lib_objectives
from lib import optim as lib_optim
from lib import perceptron as lib_perceptron
from lib import piecewise as lib_piecewise
from lib.exercises import CheckResult
from lib.exercises.solutions import ch01 as sol01
from lib.exercises.solutions import ch02 as sol02
from lib.exercises.solutions import ch03 as sol03
from lib.exercises.solutions import ch04 as sol04
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
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float))
