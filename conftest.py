"""Repository-wide pytest configuration: under ``--nbval`` the frames of the book's animations
are compared with a pixel tolerance instead of byte for byte (see tests/nbval_frames.py)."""

import pathlib
import sys

import lib  # noqa: F401  (first: lib's import sets one BLAS thread before numpy loads)

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))

pytest_plugins = ["nbval_frames"]
