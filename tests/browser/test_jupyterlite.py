""""Run in the browser": the JupyterLite site inside the built book (_ext/book_lite.py,
jupyterlite-sphinx), checked as far as a machine without internet can.

What runs here: every chapter page has a JupyterLite launch button that opens that chapter in
the site; the site's contents are the book's chapters, byte for byte; `lib`'s wheel is shipped
in the site, indexed for the browser's `piplite`, holds exactly `lib`'s sources, and its version
is the one `pyproject.toml` reads (`lib.__version__`); in Chromium the JupyterLite app opens a
chapter with its cells and asks for the Pyodide kernel, whose runtime it requests from
Pyodide's CDN.

What needs the reader's internet, and so is not run here: the Pyodide kernel itself. Pyodide
0.314 (the one jupyterlite-pyodide-kernel 0.8 loads) starts by loading `micropip` from the
Pyodide CDN's package set; that wheel is on neither npm nor the PyPI this machine reaches
(which stops at micropip 0.7.2, too old for that Pyodide), so the kernel cannot reach idle
offline. numpy and matplotlib likewise come only from that CDN. A reader online gets the
whole chapter: the first cell installs `lib` from the site when it is not importable.
"""

import json
import re
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/"


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


def test_chapter_opens_in_jupyterlite(browser, base_url):
    """The app opens chapter 1 from its launch address, shows its cells and requests the
    Pyodide kernel's runtime from the CDN (aborted here: see the module docstring)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requested = []

    def route(r):
        url = r.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            return r.continue_()
        requested.append(url)
        return r.abort()

    context.route("**/*", route)
    try:
        page = context.new_page()
        page.set_default_timeout(240_000)  # JupyterLite's first load is slow on a busy machine
        page.goto(base_url + "lite/lab/index.html?path=chapters/01_perceptron.ipynb")
        page.locator(".jp-Notebook .jp-Cell").first.wait_for(state="visible")
        page.locator(".jp-Notebook .jp-MarkdownOutput h1").filter(
            has_text="The perceptron").first.wait_for(state="visible")
        page.locator(".jp-Notebook .jp-CodeCell").first.get_by_text(
            "import lib").first.wait_for(state="visible")
        page.wait_for_function(
            "() => document.body.innerText.includes('Python (Pyodide)')")
        page.wait_for_timeout(5_000)
        assert any(u.startswith(PYODIDE_CDN) for u in requested), requested
    finally:
        context.close()
