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

from lib import perceptron as lib_perceptron
from lib.exercises import CheckResult
from lib.exercises.solutions import ch01 as sol01

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
    assert "should" in result.message, result.message


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
