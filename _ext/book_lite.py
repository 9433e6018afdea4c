"""Run a chapter in the browser: ``lib``'s wheel for the book's JupyterLite site.

A small Sphinx extension (``sphinx.local_extensions`` in ``_config.yml``). jupyterlite-sphinx
builds a JupyterLite site into ``_build/html/lite`` at the end of an HTML build, with the
chapters as its contents, and sphinx-book-theme's JupyterLite launch button on every chapter
opens the chapter there. In the browser the kernel is Pyodide: numpy and matplotlib come from
Pyodide's own distribution (its CDN), and ``lib`` comes from this site, as a wheel built here
from the working tree (``pip wheel --no-deps --no-build-isolation``, nothing downloaded) into
``_build/lite/pypi``: the ``pypi`` folder of the site's ``jupyterlite_dir`` (``_config.yml``),
whose wheels ``jupyter lite build`` indexes for the browser's ``piplite``. Each chapter's
first cell installs it when ``lib`` is not importable under Pyodide
(``sys.platform == "emscripten"``).

The student edition (``_config_student.yml``: sphinx-exercise's ``hide_solutions``) hides the
solutions on the pages; this extension also keeps them out of what a reader can download or
open: the wheel leaves out ``lib/exercises/solutions``, and the notebooks behind the download
button and in the JupyterLite site lose their ``{solution}`` blocks.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

logger = logging.getLogger(__name__)

WHEEL_DIR = Path("_build") / "lite" / "pypi"  # jupyterlite_dir (_config.yml) + "pypi"


def build_lib_wheel(app: Sphinx) -> None:
    if app.builder.format != "html":
        return
    if not (Path(app.srcdir) / "lib").is_dir():  # a book without the package (tests' books)
        logger.info("book_lite: no lib/ beside the book, no wheel for the JupyterLite site")
        return
    out = Path(app.srcdir) / WHEEL_DIR
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    root = Path(app.srcdir)
    with tempfile.TemporaryDirectory() as tmp:  # a copy, so no build/ or egg-info in the tree
        for name in ("pyproject.toml", "README.md", "LICENSE"):
            shutil.copy(root / name, tmp)
        skip = ["__pycache__"] + (["solutions"] if hide_solutions(app) else [])
        shutil.copytree(root / "lib", Path(tmp) / "lib", ignore=shutil.ignore_patterns(*skip))
        run = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                              "--no-build-isolation", "--quiet", "--wheel-dir", str(out), tmp],
                             capture_output=True, text=True)
    wheels = sorted(out.glob("mathdl_book_lib-*.whl"))
    if run.returncode != 0 or len(wheels) != 1:
        raise ExtensionError("building lib's wheel for the JupyterLite site failed "
                             f"(pip exit {run.returncode}):\n{run.stdout}\n{run.stderr}")


def hide_solutions(app: Sphinx) -> bool:
    return bool(getattr(app.config, "hide_solutions", False))


# A MyST {solution} block: an opening fence of backticks or colons, its body, and the same
# fence closing it (inner fences are shorter, as MyST requires).
SOLUTION = re.compile(r"(?ms)^(?P<fence>`{3,}|:{3,})\{solution\}[^\n]*\n.*?^(?P=fence)[ \t]*$\n?")


def strip_solutions(notebook: Path) -> int:
    """Remove every {solution} block from a notebook's markdown cells; return how many."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    removed = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source, n = SOLUTION.subn("", cell.source)
            removed += n
    if removed:
        nbformat.write(nb, notebook)
    return removed


def strip_downloads(app: Sphinx, exception: Exception | None) -> None:
    """Student edition: no solution in the downloadable or browser-run notebooks."""
    if exception is not None or app.builder.format != "html" or not hide_solutions(app):
        return
    out = Path(app.outdir)
    for folder in (out / "_sources", out / "lite" / "files"):
        for notebook in folder.rglob("*.ipynb"):
            strip_solutions(notebook)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", build_lib_wheel)
    # After jupyterlite-sphinx has written the site (its build-finished handler, priority 500).
    app.connect("build-finished", strip_downloads, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
