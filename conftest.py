"""Repository-wide pytest configuration. Under ``--nbval``: the frames of the book's animations
are compared with a pixel tolerance instead of byte for byte (tests/nbval_frames.py), and a
notebook kernel that dies before it answers is started again, at most three times, with a
warning (tests/nbval_kernel.py)."""

import pathlib
import sys

import lib  # noqa: F401  (first: lib's import sets one BLAS thread before numpy loads)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))

pytest_plugins = ["nbval_frames", "nbval_kernel"]
