r"""The machinery of the coding exercises: call the reader's function safely, compare its
answer with an independent reference, and say in one line what is right or what is wrong.

A check never raises because the reader's answer is wrong. Every check goes through
:func:`run_check`, which

* refuses a non-callable argument with a one-line message;
* passes *copies* of the inputs to the reader's function and compares them with the originals
  afterwards (a function that writes into its argument is told so);
* turns ``NotImplementedError`` (the stub) into "not implemented yet", and any other exception
  into a line naming it and the case that raised it;
* checks the type and shape of what comes back before comparing values;
* compares with a tolerance, and on a mismatch looks up which known mistake the answer
  matches: each check computes what every mistake of its catalogue would return on the same
  case, and the hint of the first one that matches is printed.

It prints one line, ``✓ <what was verified>`` or ``✗ <first failing case> — hint: ...``, and
returns a :class:`CheckResult` whose ``repr`` is that line. The reference solutions are never
printed.
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["CheckResult", "Failure", "run_check"]

TICK, CROSS = "✓", "✗"


@dataclass
class CheckResult:
    """Outcome of a check: ``passed`` and the one-line ``message`` that was printed.

    In a notebook the check's call is the last line of its cell; the line it printed is not
    shown a second time as the cell's result (``_ipython_display_`` skips the display that
    follows the print), and displaying the result later prints the line again.
    """

    passed: bool
    message: str
    _just_printed: bool = field(default=False, repr=False, compare=False)

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__

    def _ipython_display_(self) -> None:
        if self._just_printed:  # the check printed this line a moment ago
            self._just_printed = False
        else:
            print(self.message)


class Failure(Exception):
    """Raised inside a check to stop at the first failing case; carries the line to print."""


class _NotImplemented(Exception):
    pass


# ------------------------------------------------------------------ formatting
def fmt(value: object, digits: int = 4) -> str:
    """A short, readable rendering of a number, an array or a tuple of them."""
    if isinstance(value, tuple):
        return "(" + ", ".join(fmt(v, digits) for v in value) + ")"
    if isinstance(value, list) and all(isinstance(v, tuple) for v in value):
        return "[" + ", ".join(fmt(v, digits) for v in value) + "]"
    if isinstance(value, np.ndarray):
        if value.size > 8:
            flat = ", ".join(f"{x:.{digits}g}" for x in value.ravel()[:4])
            return f"array of shape {value.shape} starting [{flat}, ...]"
        if value.ndim == 0:
            return fmt(float(value), digits)
        return "[" + ", ".join(fmt(v, digits) for v in value) + "]"
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return f"{float(value):.{digits}g}"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def describe(**inputs: object) -> str:
    """``X of shape (7, 3), lr = 0.5``: a summary of a case's inputs."""
    parts = []
    for name, value in inputs.items():
        if isinstance(value, np.ndarray) and value.size > 4:
            parts.append(f"{name} of shape {value.shape}")
        elif isinstance(value, (list, tuple)) and value and isinstance(value[0], tuple):
            shapes = ", ".join(str(np.shape(W)) for W, _ in value)
            parts.append(f"{name} with weight shapes {shapes}")
        else:
            parts.append(f"{name} = {fmt(value)}")
    return ", ".join(parts)


def _kind(value: object) -> str:
    if value is None:
        return "None"
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    name = type(value).__name__
    return f"{'an' if name[0] in 'aeiou' else 'a'} {name}"


# ------------------------------------------------------------------ calling the reader's code
def _same(a: object, b: object) -> bool:
    """Exact equality of nested inputs (arrays compared entry by entry, NaN equal to NaN)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape
                and a.dtype == b.dtype and np.array_equal(a, b, equal_nan=a.dtype.kind == "f"))
    if isinstance(a, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a is b or a == b


def call(func: Callable[..., Any], case: str, *args: Any,
         mutation_hint: str | None = None) -> Any:
    """Call the reader's ``func`` on copies of ``args``.

    Raises :class:`Failure` if it raises (other than ``NotImplementedError``, which means the
    stub) or writes into one of its arguments; returns what it returned otherwise.
    """
    copies = [arg if callable(arg) else copy.deepcopy(arg) for arg in args]
    try:
        with np.errstate(all="ignore"):
            out = func(*copies)
    except NotImplementedError:
        raise _NotImplemented from None
    except Exception as err:  # the reader's code failed: say how, never re-raise
        text = str(err).splitlines()[0] if str(err) else ""
        hint = ""
        if isinstance(err, ValueError) and ("matmul" in text or "shapes" in text
                                            or "broadcast" in text):
            hint = (" — hint: check the orientation of W: W_j has shape (n_{j+1}, n_j) and "
                    "rows are examples, so a batch is mapped by Z @ W.T")
        raise Failure(f"{CROSS} {func.__name__} raised {type(err).__name__}"
                      f"{': ' + text if text else ''} on {case}{hint}") from None
    for arg, cp in zip(args, copies, strict=True):
        if not callable(arg) and not _same(arg, cp):
            hint = mutation_hint or ("build new arrays (e.g. x = x - step, or start from "
                                     "x = x0.copy()) instead of writing into the input")
            raise Failure(f"{CROSS} {func.__name__} changed its input in place on {case} "
                          f"— hint: {hint}")
    return out


# ------------------------------------------------------------------ what comes back
def as_array(value: object, shape: Sequence[int], what: str, case: str,
             shape_hints: Mapping[tuple[int, ...], str] | None = None
             ) -> npt.NDArray[np.float64]:
    """``value`` as a float array of exactly ``shape``, or a :class:`Failure` saying why not.

    ``shape_hints`` maps a wrong shape to the mistake that produces it.
    """
    if value is None or isinstance(value, (str, bytes, dict)) or callable(value):
        raise Failure(f"{CROSS} {what} should be an array of shape {shape}, got "
                      f"{_kind(value)} on {case}"
                      + (" — did the function forget to return?" if value is None else ""))
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Failure(f"{CROSS} {what} should be an array of shape {shape}, got "
                      f"{_kind(value)} that is not numeric, on {case}") from None
    if arr.shape != tuple(shape):
        hint = (shape_hints or {}).get(arr.shape)
        raise Failure(f"{CROSS} {what} should have shape {tuple(shape)}, got shape "
                      f"{arr.shape} on {case}" + (f" — hint: {hint}" if hint else ""))
    return arr


def as_float(value: object, what: str, case: str) -> float:
    """``value`` as a Python float (a 0-d or size-1 array is accepted)."""
    if isinstance(value, (bool, np.bool_)) or value is None or isinstance(value, (str, bytes)):
        raise Failure(f"{CROSS} {what} should be a number, got {_kind(value)} on {case}")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Failure(f"{CROSS} {what} should be a number, got {_kind(value)} on "
                      f"{case}") from None
    if arr.size != 1:
        raise Failure(f"{CROSS} {what} should be a number, got an array of shape "
                      f"{arr.shape} on {case}")
    return float(arr.reshape(()))


def as_tuple(value: object, n: int, what: str, case: str) -> tuple[Any, ...]:
    """``value`` as a tuple (or list) of ``n`` items."""
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise Failure(f"{CROSS} {what} should return a tuple of {n} values, got "
                      f"{_kind(value)}" + (f" of length {len(value)}"
                                           if isinstance(value, (tuple, list)) else "")
                      + f" on {case}")
    return tuple(value)


# ------------------------------------------------------------------ comparing
def close(a: Any, b: Any, rtol: float = 1e-7, atol: float = 1e-9) -> bool:
    """``a`` and ``b`` (numbers, arrays or tuples of them) agree within the tolerance."""
    if isinstance(a, (tuple, list)):
        return (isinstance(b, (tuple, list)) and len(a) == len(b)
                and all(close(x, y, rtol, atol) for x, y in zip(a, b, strict=True)))
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        return False
    return bool(np.all(np.isfinite(a) == np.isfinite(b))
                and np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=True))


OVERFLOW = "the result holds inf or nan: look for an overflow (exp of a large number)"


def _finite(value: Any) -> bool:
    if isinstance(value, (tuple, list)):
        return all(_finite(v) for v in value)
    return bool(np.all(np.isfinite(np.asarray(value, dtype=float))))


def compare(got: Any, expected: Any, case: str, what: str,
            mistakes: Iterable[tuple[str, Any]] = (), rtol: float = 1e-7,
            atol: float = 1e-9, overflow_hint: str = OVERFLOW) -> None:
    """Raise :class:`Failure` unless ``got`` matches ``expected``.

    ``mistakes`` is a sequence of ``(hint, value)``: what each recognised mistake returns on
    this case. The hint of the first one ``got`` matches is added to the message.
    """
    if close(got, expected, rtol, atol):
        return
    hint = next((h for h, value in mistakes
                 if value is not None and close(got, value, rtol, atol)), None)
    if hint is None and not _finite(got):
        hint = overflow_hint
    where, exp_part, got_part = _first_difference(got, expected, rtol, atol)
    raise Failure(f"{CROSS} {what} wrong on {case}{where}: expected {fmt(exp_part)}, got "
                  f"{fmt(got_part)}" + (f" — hint: {hint}" if hint else ""))


def _first_difference(got: Any, expected: Any, rtol: float,
                      atol: float) -> tuple[str, Any, Any]:
    """For a list of per-layer (W, b) pairs, the first pair entry that differs (so the line
    stays short); otherwise the whole values."""
    if (isinstance(expected, list) and expected and isinstance(expected[0], tuple)
            and isinstance(got, (list, tuple)) and len(got) == len(expected)):
        for j, (g, e) in enumerate(zip(got, expected, strict=True)):
            for k, name in enumerate(("W", "b")):
                if not close(g[k], e[k], rtol, atol):
                    return f", in the {name} part of layer {j + 1}", e[k], g[k]
    return "", expected, got


# ------------------------------------------------------------------ the one entry point
def run_check(func: Callable[..., Any], name: str, body: Callable[[Callable[..., Any]], str],
              *, verbose: bool = True) -> CheckResult:
    """Run ``body(func)`` (which raises :class:`Failure` at the first failing case and returns
    the description of what was verified), print the one-line verdict and return it."""
    if not callable(func):
        message = (f"{CROSS} check_{name} needs your function itself, e.g. "
                   f"check_{name}({name}), got {_kind(func)}")
        passed = False
    else:
        try:
            verified = body(func)
        except _NotImplemented:
            message = (f"{CROSS} {getattr(func, '__name__', name)}: not implemented yet "
                       f"(replace `raise NotImplementedError` by your code and re-run this cell)")
            passed = False
        except Failure as failure:
            message, passed = str(failure), False
        except Exception as err:  # a failure of the comparison itself, caused by odd output
            message = (f"{CROSS} the output of {getattr(func, '__name__', name)} could not be "
                       f"checked: {type(err).__name__}: {err}")
            passed = False
        else:
            message, passed = f"{TICK} {verified}", True
    if verbose:
        print(message)
    return CheckResult(passed, message, _just_printed=bool(verbose))


def as_layers(value: object, shapes: Sequence[tuple[int, int]], what: str, case: str,
              transposed_hint: str | None = None,
              bias_hints: Mapping[tuple[int, ...], str] | None = None
              ) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
    """``value`` as a list of ``(W, b)`` pairs with ``W.shape == shapes[j]`` and ``b`` of shape
    ``(shapes[j][0],)``; a transposed weight gets ``transposed_hint``."""
    if not isinstance(value, (list, tuple)) or len(value) != len(shapes):
        n = f" of length {len(value)}" if isinstance(value, (list, tuple)) else ""
        raise Failure(f"{CROSS} {what} should be a list of {len(shapes)} (W, b) pairs, one per "
                      f"layer, got {_kind(value)}{n} on {case}")
    out = []
    for j, (pair, shape) in enumerate(zip(value, shapes, strict=True)):
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise Failure(f"{CROSS} item {j + 1} of {what} should be a (W, b) pair, got "
                          f"{_kind(pair)} on {case}")
        hints = {tuple(shape[::-1]): transposed_hint} if transposed_hint else {}
        W = as_array(pair[0], shape, f"the W of layer {j + 1} in {what}", case,
                     shape_hints=hints if shape[0] != shape[1] else None)
        b = as_array(pair[1], (shape[0],), f"the b of layer {j + 1} in {what}", case,
                     shape_hints=bias_hints)
        out.append((W, b))
    return out
