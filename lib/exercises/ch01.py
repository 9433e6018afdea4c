r"""Checks of chapter 1's coding exercises: the averaged and the pocket perceptron.

The reference is :func:`lib.perceptron.perceptron` itself: one epoch over the data repeated
``epochs`` times, in order, visits the examples exactly as the exercises do, and its ``path``
holds the parameters after every update. The recognised mistakes are simulated by a plain loop
with the mistake built in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import perceptron as _perceptron
from ._core import CheckResult, as_array, as_float, as_tuple, call, compare, describe, run_check

__all__ = ["check_averaged_perceptron", "check_pocket_perceptron"]


def _cases(noisy=False):
    """(X, y, lr, epochs): N different from d, both classes, ties at the start (w = 0);
    ``noisy`` gives non-separable sets (one with few positives), on which the pocket matters."""
    params = (((13, 3, 0.5, 4, 1.5, 0.3), (11, 2, 1.0, 5, 1.5, 0.0), (12, 4, 0.25, 4, 1.0, -1.2))
              if noisy else
              ((9, 3, 0.5, 3, 0.0, 0.3), (11, 2, 1.0, 4, 0.3, 0.3), (7, 4, 0.25, 2, 0.2, 0.3)))
    cases = []
    for n, d, lr, epochs, noise, offset in params:
        rng = np.random.default_rng(2030 + n if noisy else 101 + n)
        X = rng.normal(size=(n, d))
        u = rng.normal(size=d)
        y = (X @ u + offset + noise * rng.normal(size=n) >= 0).astype(float)
        y[:2] = (0.0, 1.0)  # both classes present
        cases.append((X, y, lr, epochs))
    return cases


def _states(X, y, lr, epochs, *, tie_is_one=True, sign=1.0):
    """Plain loop: (w, b) after every visit and whether the visit updated them."""
    w, b = np.zeros(X.shape[1]), 0.0
    after, updated = [], []
    for _ in range(epochs):
        for i in range(len(X)):
            s = X[i] @ w + b
            y_hat = 1.0 if (s >= 0 if tie_is_one else s > 0) else 0.0
            err = y[i] - y_hat
            w, b = w + sign * lr * err * X[i], b + sign * lr * err
            after.append(np.append(w, b))
            updated.append(err != 0)
    return np.array(after), np.array(updated)


def _lib_states(X, y, lr, epochs):
    """(w, b) after every visit, from lib.perceptron run on every prefix of the repeated data."""
    Xr, yr = np.tile(X, (epochs, 1)), np.tile(y, epochs)
    states = []
    for t in range(1, len(Xr) + 1):
        run = _perceptron.perceptron(Xr[:t], yr[:t], lr=lr, max_epochs=1)
        states.append(np.append(run.w, run.b))
    return np.array(states)


def _split(v):
    return v[:-1], float(v[-1])


def _read_wb(out, d, name, case):
    out = as_tuple(out, 2, name, case)
    w = as_array(out[0], (d,), f"the w returned by {name}", case,
                 shape_hints={(d + 1,): "return w of shape (d,) and b separately"})
    return w, as_float(out[1], f"the b returned by {name}", case)


def check_averaged_perceptron(averaged_perceptron: Callable[..., Any], *,
                              verbose: bool = True) -> CheckResult:
    r"""Check ``averaged_perceptron(X, y, lr, epochs) -> (w_bar, b_bar)``: the mean of
    :math:`(w, b)` after every one of the ``epochs * N`` visits, examples in order."""

    def body(f):
        for X, y, lr, epochs in _cases():
            case = describe(X=X, y=y, lr=lr, epochs=epochs)
            w, b = _read_wb(call(f, case, X, y, lr, epochs), X.shape[1],
                            "averaged_perceptron", case)
            states = _lib_states(X, y, lr, epochs)
            strict, _ = _states(X, y, lr, epochs, tie_is_one=False)
            flipped, _ = _states(X, y, lr, epochs, sign=-1.0)
            _, updated = _states(X, y, lr, epochs)
            start = np.zeros(X.shape[1] + 1)
            before = np.vstack([start, states[:-1]])
            on_updates = np.vstack([start, states[updated]])
            mistakes = [
                ("you returned the last (w, b); the averaged perceptron returns the mean over "
                 "all visits", _split(states[-1])),
                ("average over every visit (epochs * N of them), also those without an update",
                 _split(states[updated].mean(axis=0)) if updated.any() else None),
                ("average over every visit (epochs * N of them), also those without an update",
                 _split(on_updates.mean(axis=0))),
                ("add (w, b) to the sum after the visit's update, not before it",
                 _split(before.mean(axis=0))),
                ("divide the sum by the number of visits epochs * N",
                 _split(states.sum(axis=0) / epochs)),
                ("divide the sum by the number of visits epochs * N",
                 _split(states.sum(axis=0))),
                ("step(0) = 1: a score of exactly 0 predicts class 1 (use >= 0)",
                 _split(strict.mean(axis=0))),
                ("wrong sign of the step: the rule adds lr * (y - y_hat) * x",
                 _split(flipped.mean(axis=0))),
            ]
            compare((w, b), _split(states.mean(axis=0)), case, "(w_bar, b_bar)", mistakes)
        return ("averaged_perceptron matches the mean of lib.perceptron's (w, b) over every "
                "visit on 3 data sets")

    return run_check(averaged_perceptron, "averaged_perceptron", body, verbose=verbose)


def _mistakes(X, y, wb, tie_is_one=True):
    s = X @ wb[:-1] + wb[-1]
    return int(np.sum(((s >= 0) if tie_is_one else (s > 0)).astype(float) != y))


def _pocket(path, X, y, *, tie_is_one=True, ties_replace=False):
    counts = [_mistakes(X, y, wb, tie_is_one) for wb in path]
    if ties_replace:
        return path[len(counts) - 1 - int(np.argmin(counts[::-1]))]
    return path[int(np.argmin(counts))]  # argmin returns the first minimiser


def check_pocket_perceptron(pocket_perceptron: Callable[..., Any], *,
                            verbose: bool = True) -> CheckResult:
    r"""Check ``pocket_perceptron(X, y, lr, epochs) -> (w, b)``: among the start and the
    parameters after every update, the first with the fewest training mistakes."""

    def body(f):
        for X, y, lr, epochs in _cases(noisy=True):
            case = describe(X=X, y=y, lr=lr, epochs=epochs)
            w, b = _read_wb(call(f, case, X, y, lr, epochs), X.shape[1],
                            "pocket_perceptron", case)
            Xr, yr = np.tile(X, (epochs, 1)), np.tile(y, epochs)
            path = _perceptron.perceptron(Xr, yr, lr=lr, max_epochs=1).path
            flipped_after, flipped_upd = _states(X, y, lr, epochs, sign=-1.0)
            flipped = np.vstack([np.zeros(X.shape[1] + 1), flipped_after[flipped_upd]])
            mistakes = [
                ("you returned the last (w, b); the pocket keeps the best one seen",
                 _split(path[-1])),
                ("replace the pocket only on strictly fewer mistakes (a tie keeps the earlier)",
                 _split(_pocket(path, X, y, ties_replace=True))),
                ("count mistakes with the book's rule: predict 1 when w.x + b >= 0",
                 _split(_pocket(path, X, y, tie_is_one=False))),
                ("wrong sign of the step: the rule adds lr * (y - y_hat) * x",
                 _split(_pocket(flipped, X, y))),
            ]
            compare((w, b), _split(_pocket(path, X, y)), case, "(w, b)", mistakes)
        return ("pocket_perceptron keeps the first (w, b) with the fewest mistakes among "
                "lib.perceptron's updates on 3 data sets")

    return run_check(pocket_perceptron, "pocket_perceptron", body, verbose=verbose)
