"""Repository-wide pytest configuration: under ``--nbval`` the frames of the book's animations
are compared with a pixel tolerance instead of byte for byte (see tests/nbval_frames.py)."""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent / "tests"))

pytest_plugins = ["nbval_frames"]
