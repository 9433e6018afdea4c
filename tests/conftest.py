"""Test-session settings shared by every test (unit tests and nbval kernels alike), and the
per-test ``rng`` fixture."""

import zlib

import numpy as np
import pytest

# One BLAS thread per process: importing lib sets it (lib/__init__.py has the setting and its
# reason). pytest's workers (`-n 2`) and nbval's kernels are started after this file is loaded
# and inherit it. The process that loads this file has loaded numpy already (the root
# conftest's frame comparison imports it), so a plain `pytest` without `-n` computes with the
# thread count of its environment.
import lib  # noqa: F401


@pytest.fixture
def rng(request):
    """A fresh generator per test, seeded from the test's node id (crc32): a test draws the
    same numbers whatever ran before it, alone or in any order, and two tests (or two
    parametrisations of one) draw different numbers."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode("utf-8")))
