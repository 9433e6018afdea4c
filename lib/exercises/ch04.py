r"""Checks of chapter 4's coding exercises: gradient descent with momentum and the critical
step size of a quadratic.

References: on a quadratic :math:`\tfrac12 x^\top A x - b^\top x` the heavy-ball iteration is
the linear recursion :math:`x_{t+1} = ((1+\beta)I - \gamma A)x_t - \beta x_{t-1} + \gamma b`,
evaluated in its stacked form :math:`s_{t+1} = M s_t + c`; the quadratics of the step-size check
are built as :math:`Q\,\mathrm{diag}(\lambda)\,Q^\top` from chosen eigenvalues, so the
threshold :math:`2/\max\lambda` is known by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ._core import CheckResult, as_array, as_float, call, compare, describe, run_check

__all__ = ["check_momentum_descent", "check_critical_step"]


def _quadratic(eigenvalues, rng):
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return Q @ np.diag(eigenvalues) @ Q.T


def _momentum_cases():
    rng = np.random.default_rng(401)
    cases = []
    for eig, lr, beta, steps in (((0.5, 1.0, 3.0), 0.2, 0.7, 12), ((0.3, 2.0), 0.3, 0.5, 7),
                                 ((0.2, 0.8, 1.5, 2.5), 0.25, 0.9, 9)):
        A = _quadratic(np.array(eig), rng)
        cases.append((A, rng.normal(size=len(eig)), rng.normal(size=len(eig)) * 2, lr, beta,
                      steps))
    return cases


def _linear_recursion(A, b, x0, lr, beta, steps):
    d = len(x0)
    M = np.block([[(1 + beta) * np.eye(d) - lr * A, -beta * np.eye(d)],
                  [np.eye(d), np.zeros((d, d))]])
    c = np.concatenate([lr * b, np.zeros(d)])
    x1 = x0 - lr * (A @ x0 - b)
    s = np.concatenate([x1, x0])
    path = [x0, x1]
    for _ in range(steps - 1):
        s = M @ s + c
        path.append(s[:d])
    return np.array(path[: steps + 1])


def _loop(A, b, x0, lr, beta, steps, *, sign=1.0, ema=False, old_v=False):
    x, v, path = x0.copy(), np.zeros(len(x0)), [x0.copy()]
    for _ in range(steps):
        g = A @ x - b
        if old_v:
            x = x - lr * v
        v = beta * v + ((1 - beta) * g if ema else g)
        if not old_v:
            x = x - sign * lr * v
        path.append(x)
    return np.array(path)


def check_momentum_descent(momentum_descent: Callable[..., Any], *,
                           verbose: bool = True) -> CheckResult:
    r"""Check ``momentum_descent(grad, x0, lr, beta, steps) -> path`` (shape (steps + 1, d))
    on three quadratics against the heavy ball's linear recursion."""

    def body(f):
        for A, b, x0, lr, beta, steps in _momentum_cases():
            d = len(x0)

            def grad(x, A=A, b=b):
                return A @ np.asarray(x, dtype=float) - b

            case = describe(x0=x0, lr=lr, beta=beta, steps=steps) + f", grad of a {d}-D quadratic"
            out = call(f, case, grad, x0, lr, beta, steps)
            path = as_array(out, (steps + 1, d), "the path", case, shape_hints={
                (d,): "return every iterate x_0, ..., x_steps, shape (steps + 1, d)",
                (steps, d): "include the start x_0: shape (steps + 1, d)",
                (steps + 2, d): "run exactly `steps` steps: shape (steps + 1, d)"})
            expected = _linear_recursion(A, b, x0, lr, beta, steps)
            plain = _loop(A, b, x0, lr, 0.0, steps)
            mistakes = [
                ("wrong sign of the step: x_{t+1} = x_t - lr v_{t+1}",
                 _loop(A, b, x0, lr, beta, steps, sign=-1.0)),
                ("the book's heavy ball adds the whole gradient: v = beta v + grad(x), "
                 "not beta v + (1 - beta) grad(x)", _loop(A, b, x0, lr, beta, steps, ema=True)),
                ("move with the new velocity: update v first, then x = x - lr v",
                 _loop(A, b, x0, lr, beta, steps, old_v=True)),
                ("the velocity is not carried over (this is plain gradient descent): "
                 "v = beta v + grad(x)", plain),
                ("every stored iterate is the same array: store a new array per step "
                 "(x = x - lr v, not x -= lr v)", np.tile(expected[-1], (steps + 1, 1))),
            ]
            compare(path, expected, case, "the path", mistakes, rtol=1e-9, atol=1e-10)
        return ("momentum_descent follows the heavy ball's linear recursion on 3 quadratics "
                "(d = 3, 2, 4)")

    return run_check(momentum_descent, "momentum_descent", body, verbose=verbose)


def _step_cases():
    rng = np.random.default_rng(402)
    return [(_quadratic(np.array(eig), rng), max(eig))
            for eig in ((0.5, 4.0, 1.5), (2.0, 0.1), (1.0, 3.0, 0.7, 6.0))]


def check_critical_step(critical_step: Callable[..., Any], *,
                        verbose: bool = True) -> CheckResult:
    r"""Check ``critical_step(A) -> float``: the threshold :math:`2/\lambda_{\max}(A)` of
    gradient descent on :math:`\tfrac12 x^\top A x - b^\top x`."""

    def body(f):
        for A, top in _step_cases():
            case = describe(A=A) + f" (eigenvalues {np.round(np.linalg.eigvalsh(A), 3)})"
            got = as_float(call(f, case, A), "critical_step(A)", case)
            low = np.linalg.eigvalsh(A)[0]
            mistakes = [
                ("1/L guarantees that every step decreases f; gradient descent still converges "
                 "up to 2/L (and the Hessian of 0.5 x'Ax is A, not 2A)", 1 / top),
                ("the largest eigenvalue limits the step (eigvalsh sorts in increasing order)",
                 2 / low),
                ("L is the largest eigenvalue of A, not its trace", 2 / np.trace(A)),
                ("L is the largest eigenvalue of A, not its largest entry", 2 / np.max(A)),
                ("L is the largest eigenvalue (the operator norm), not the Frobenius norm",
                 2 / np.linalg.norm(A)),
                ("the threshold is 2/L, not L/2", top / 2),
            ]
            compare(got, 2 / top, case, "critical_step(A)", mistakes, rtol=1e-9, atol=0)
        return ("critical_step(A) = 2 / largest eigenvalue on 3 quadratics built from chosen "
                "eigenvalues")

    return run_check(critical_step, "critical_step", body, verbose=verbose)
