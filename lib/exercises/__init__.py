r"""Coding exercises that check the reader's own code (every chapter).

Each chapter's exercises are checked by a module ``lib.exercises.chNN`` with one
``check_<task>(your_function)`` per exercise. A check runs the function on seeded random and
edge cases, compares what it returns with an *independent* reference (a closed form, finite
differences, Bayes' rule evaluated directly, or the core of :mod:`lib`), prints one line,

* ``✓ <what was verified>``, or
* ``✗ <first failing case: input, expected, got> — hint: <the mistake it recognises>``,

and returns a :class:`CheckResult` (``passed``, ``message``). A wrong answer never raises;
a stub that raises ``NotImplementedError`` gets "not implemented yet". The machinery is in
``lib/exercises/_core.py``; the reference solutions, which the book shows in the hidden
solution blocks, are in ``lib/exercises/solutions/`` (one module per chapter).

Usage in a notebook::

    from lib.exercises import ch01
    ch01.check_averaged_perceptron(averaged_perceptron)
"""

from . import ch01, ch02, ch03, ch04, ch05, ch06, ch07, ch08, ch09, ch10
from ._core import CheckResult

__all__ = ["CheckResult", "ch01", "ch02", "ch03", "ch04", "ch05", "ch06", "ch07", "ch08",
           "ch09", "ch10"]
