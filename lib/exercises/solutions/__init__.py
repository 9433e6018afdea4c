"""Reference solutions of the coding exercises, one module per chapter.

The book shows these functions in the exercises' hidden solution blocks (a ``literalinclude``
of the function), and ``tests/test_exercises.py`` checks each against the core of :mod:`lib`
and runs every check on it. They are written as the chapters teach them: plain numpy, one
formula per line.
"""
