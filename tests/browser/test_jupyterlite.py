""""Run in the browser": the JupyterLite site inside the built book (_ext/book_lite.py,
jupyterlite-sphinx), checked as far as a machine without internet can.

What runs here: every chapter page has a JupyterLite launch button that opens that chapter in
the site; the site's contents are the book's chapters, byte for byte; `lib`'s wheel is shipped
in the site, indexed for the browser's `piplite`, holds exactly `lib`'s sources, and its version
is the one `pyproject.toml` reads (`lib.__version__`). In Chromium the app opens chapter 1 from
its launch address with its MyST markdown rendered (jupyterlab-myst), the Pyodide kernel
reaches idle, a pure-Python cell runs (and reports `sys.platform == "emscripten"`), and
`lib`'s wheel installs from the site without its dependencies, at that version.

The kernel loads Pyodide and IPython from Pyodide's CDN and `comm` from PyPI. The test
answers every outside request itself: `pyodide_mirror.py` assembles the same packages, at the
versions of Pyodide's lock, from the npm registry and PyPI, as the MathJax tests answer
MathJax's CDN from npm. numpy and matplotlib exist only on Pyodide's CDN, so `import lib`
(which imports numpy) is not run here, and neither is a whole chapter under Pyodide: online,
the first cell installs `lib` from the site with its dependencies from Pyodide's CDN.

Environment variable: BOOK_PYODIDE_DIR, a folder holding (or to receive) the mirror; default:
a temporary folder per session.
"""

import json
import os
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml
from pyodide_mirror import MirrorError, build_mirror  # tests/browser/pyodide_mirror.py

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def lib_version():
    text = (ROOT / "lib" / "__init__.py").read_text()
    return re.search(r'(?m)^__version__ = "([^"]+)"$', text).group(1)


def chapter_notebooks():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [c["file"] + ".ipynb" for part in toc["parts"] for c in part["chapters"]
            if c["file"].startswith("chapters/")]


@pytest.fixture(scope="module")
def lite(html_dir):
    site = html_dir / "lite"
    assert (site / "lab" / "index.html").is_file(), (
        f"no JupyterLite site in {site}: the HTML build runs jupyterlite-sphinx "
        "(requirements.txt, _config.yml)")
    return site


def test_site_contents_are_the_chapters(lite):
    shipped = sorted(p.relative_to(lite / "files").as_posix()
                     for p in (lite / "files").rglob("*.ipynb"))
    assert shipped == sorted(chapter_notebooks())
    for name in shipped:
        assert (lite / "files" / name).read_bytes() == (ROOT / name).read_bytes(), name


def test_lib_wheel_is_shipped_and_indexed(lite):
    version = lib_version()
    index = json.loads((lite / "pypi" / "all.json").read_text())
    assert "mathdl-book-lib" in index, sorted(index)
    releases = index["mathdl-book-lib"]["releases"]
    assert list(releases) == [version], releases
    (entry,) = releases[version]
    wheel = lite / "pypi" / entry["filename"]
    assert wheel.is_file() and entry["filename"].endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as whl:
        names = set(whl.namelist())
        sources = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "lib").rglob("*.py"))
        assert set(sources) <= names, set(sources) - names
        for name in sources:
            assert whl.read(name) == (ROOT / name).read_bytes(), f"{name} differs in the wheel"
        meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
        assert f"\nVersion: {version}\n" in whl.read(meta).decode()


def test_every_chapter_has_a_launch_button(page, base_url, chapter_page, lite):
    page.goto(base_url + chapter_page, wait_until="load")
    links = page.locator('a[href*="lite/lab/index.html?path="]')
    assert links.count() >= 1, f"{chapter_page}: no JupyterLite launch button"
    href = links.first.evaluate("a => a.href")
    path = parse_qs(urlsplit(href).query)["path"][0]
    assert path == chapter_page.replace(".html", ".ipynb"), (chapter_page, path)
    assert (lite / "files" / path).is_file()
    assert urlsplit(href).path == urlsplit(urljoin(base_url, "lite/lab/index.html")).path


@pytest.fixture(scope="module")
def pyodide_mirror(lite, tmp_path_factory):
    cache = Path(os.environ.get("BOOK_PYODIDE_DIR") or tmp_path_factory.mktemp("pyodide"))
    try:
        return build_mirror(lite, cache)
    except MirrorError as err:
        pytest.fail(f"could not assemble the local Pyodide mirror: {err}", pytrace=False)


def run_new_cell(page, code):
    """Insert a code cell at the top of the open notebook, run it, return its output text."""
    page.locator(".jp-Notebook .jp-Cell").first.click()
    page.keyboard.press("Escape")  # command mode
    page.keyboard.press("a")  # insert a cell above, selected
    page.keyboard.press("Enter")  # edit it
    page.keyboard.insert_text(code)  # as typed text, without the editor's auto-brackets
    page.keyboard.press("Shift+Enter")
    cell = page.locator(".jp-Notebook .jp-CodeCell").first
    cell.locator(".jp-InputPrompt", has_text="[").filter(has_text=re.compile(r"\[\d+\]")) \
        .wait_for(state="visible")
    return cell.locator(".jp-OutputArea").inner_text()


def test_chapter_runs_in_jupyterlite(browser, base_url, pyodide_mirror):
    """Chapter 1 opens from its launch address, the Pyodide kernel reaches idle, a pure-Python
    cell runs, and lib's wheel installs from the site at pyproject.toml's version."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    local, refused = [], []

    def route(r):
        url = r.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            local.append(url)
            return r.continue_()
        if pyodide_mirror.handles(url):
            return pyodide_mirror.fulfill(r)
        refused.append(url)
        return r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.set_default_timeout(240_000)  # Pyodide's start is slow on a busy 2-core machine
        page.goto(base_url + "lite/lab/index.html?path=chapters/01_perceptron.ipynb")
        page.locator(".jp-Notebook .jp-MarkdownCell h1").filter(
            has_text="The perceptron").first.wait_for(state="visible")
        page.locator(".jp-Notebook .jp-CodeCell").first.get_by_text(
            "import lib").first.wait_for(state="visible")
        # MyST renders (jupyterlab-myst): the learning goals are an admonition, not raw text
        first = page.locator(".jp-Notebook .jp-MarkdownCell").first
        first.locator("h1").filter(has_text="The perceptron").wait_for(state="visible")
        text = first.inner_text()
        assert "Learning goals" in text and ":::" not in text and "{cite:p}" not in text, text
        status = page.locator("#jp-main-statusbar")
        status.filter(has_text="Python (Pyodide) | Idle").wait_for(state="visible")

        out = run_new_cell(page, "import sys\nprint(sys.platform, sum(k * k for k in range(10)))")
        assert out.split() == ["emscripten", "285"], out

        out = run_new_cell(page, "\n".join([
            "import importlib.metadata, importlib.util, piplite",
            'await piplite.install("mathdl-book-lib", deps=False)',
            'print(importlib.metadata.version("mathdl-book-lib"))',
            'print(importlib.util.find_spec("lib").origin)']))
        version, origin = out.split()
        assert version == lib_version(), out
        assert origin.endswith("site-packages/lib/__init__.py"), out
        wheels = [u for u in local if "/lite/pypi/mathdl_book_lib-" in u]
        assert wheels and all(f"-{version}-py3-none-any.whl" in u for u in wheels), wheels
        status.filter(has_text="Python (Pyodide) | Idle").wait_for(state="visible")
    finally:
        context.close()
    assert not pyodide_mirror.missing, f"asked of the mirror, not in it: {pyodide_mirror.missing}"
    assert not refused, f"outside requests the test does not answer: {refused}"
