"""A chapter notebook downloaded on its own must say how to get `lib`.

Every chapter's first code cell guards `import lib` and raises an ImportError whose message
tells the reader to `pip install` the book's requirements (in the browser, under JupyterLite,
it installs the book's wheel instead). These tests run that cell, as
stored in the notebook, in a fresh Python process in which `lib` cannot be imported (a
meta-path finder refuses it, whatever is installed), from an empty temporary folder; and
check the other half of the promise: with the requirements installed (`-e .`), `import lib`
works from any folder. Nothing here imports `lib` itself.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

# Runs the cell in __main__ with `lib` (and lib.*) made unimportable.
BLOCKER = r"""
import importlib.abc, sys

class NoLib(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "lib" or name.startswith("lib."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoLib())
sys.path[:] = [p for p in sys.path if p not in ("", ".")]
if len(sys.argv) > 2 and sys.argv[2] == "browser":  # JupyterLite: Pyodide, with piplite
    import types

    sys.platform = "emscripten"
    piplite = types.ModuleType("piplite")

    async def install(name, **options):  # records the call and stops the cell there
        print("piplite.install", repr(name), options)
        raise SystemExit(0)

    piplite.install = install
    sys.modules["piplite"] = piplite
# As IPython runs a cell: top-level `await` allowed (the browser branch uses it).
import ast, asyncio, inspect

source = open(sys.argv[1], encoding="utf-8").read()
flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
result = eval(compile(source, "first code cell", "exec", flags=flags), {"__name__": "__main__"})
if inspect.iscoroutine(result):
    asyncio.run(result)
"""


def first_code_cell(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            src = cell["source"]
            return "".join(src) if isinstance(src, list) else src
    return None


def clean_env():
    """The environment without anything that would put the repository on sys.path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_explains_how_to_get_lib(path, tmp_path):
    source = first_code_cell(path)
    assert source, f"{path.name}: no code cell"
    assert "import lib" in source or "from lib" in source, \
        f"{path.name}: the first code cell does not import lib"
    cell = tmp_path / "cell.py"
    cell.write_text(source, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", BLOCKER, str(cell)], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0, f"{path.name}: the first cell ran without lib"
    last = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
    assert last.startswith("ImportError"), \
        f"{path.name}: expected the guard's ImportError, got:\n{proc.stderr[-1500:]}"
    assert "pip install" in last, \
        f"{path.name}: the ImportError does not say how to install lib: {last}"


def test_installed_lib_imports_from_any_folder(tmp_path):
    """`pip install -r requirements.txt` (its last line is `-e .`) makes `lib` importable
    from anywhere, e.g. from a folder that holds a downloaded notebook."""
    proc = subprocess.run([sys.executable, "-c", "import lib, os; print(lib.__file__)"],
                          cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, f"import lib failed outside the repository:\n{proc.stderr}"
    found = Path(proc.stdout.strip())
    # the editable install of a checkout of this book (normally this one)
    assert found.name == "__init__.py" and found.parent.name == "lib", found
    assert (found.parent.parent / "pyproject.toml").is_file(), f"{found}: not from a checkout"
    requirements = (ROOT / "requirements.txt").read_text(encoding="utf-8").split()
    assert "-e" in requirements and "." in requirements, "requirements.txt lacks `-e .`"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_first_cell_installs_lib_in_the_browser(path, tmp_path):
    """Under JupyterLite's Pyodide kernel (sys.platform "emscripten") the same cell installs
    the book's wheel with piplite (here a stand-in that records the call) instead of raising;
    tests/browser/test_jupyterlite.py checks that the site ships that wheel."""
    cell = tmp_path / "cell.py"
    cell.write_text(first_code_cell(path), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", BLOCKER, str(cell), "browser"], cwd=tmp_path,
                          env=clean_env(), capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{path.name}: {proc.stderr[-1500:]}"
    assert proc.stdout.strip() == "piplite.install 'mathdl-book-lib' {}", proc.stdout
