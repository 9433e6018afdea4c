"""Test-session settings shared by every test (unit tests and nbval kernels alike)."""

# One BLAS thread per process: importing lib sets it (lib/__init__.py has the setting and its
# reason). pytest's workers (`-n 2`) and nbval's kernels are started after this file is loaded
# and inherit it. The process that loads this file has loaded numpy already (the root
# conftest's frame comparison imports it), so a plain `pytest` without `-n` computes with the
# thread count of its environment.
import lib  # noqa: F401
