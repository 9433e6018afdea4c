"""Browser smoke tests for the built book (run by .ci/run after `jupyter-book build`).

They are opt-in: without BOOK_BROWSER_TESTS=1 this folder is not collected at all, so a
plain `pytest --nbval` on a fresh clone (no `_build/`) neither runs nor skips them.
Enabled, they serve `_build/html` on 127.0.0.1 and open every page in Debian's headless
Chromium through Playwright (never `playwright install`: no browser downloads).

Environment variables:
    BOOK_HTML_DIR      the built book to test (default _build/html); screenshots go to
                       screenshots/ beside it (default _build/screenshots)
    BOOK_MATHJAX_DIR   a folder holding (or to receive) `npm install mathjax@3`; default: a
                       temporary folder, installed with npm once per session. The reader
                       fixtures answer the page's MathJax CDN requests from it, so math renders
                       with no internet access. No npm is a test failure, not a skip.
    BOOK_PYODIDE_DIR   a folder holding (or to receive) the Pyodide mirror of the JupyterLite
                       test (test_jupyterlite.py, pyodide_mirror.py: npm's pyodide and PyPI's
                       wheels); default: a temporary folder per session.
"""

import functools
import os
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from chromium import launched_browser, local_only  # tests/chromium.py

if os.environ.get("BOOK_BROWSER_TESTS") != "1":
    collect_ignore_glob = ["*.py"]  # relative to this folder

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("BOOK_HTML_DIR", ROOT / "_build" / "html")).resolve()
SCREENSHOTS = HTML.parent / "screenshots"
# lite/ is the JupyterLite app (not book pages): test_jupyterlite.py checks it.
SKIP_DIRS = {"_static", "_sources", "_modules", "_images", "lite"}
SKIP_FILES = {"genindex.html", "search.html", "py-modindex.html"}
# Jupyter Book writes index.html as a bare <meta http-equiv="Refresh"> stub to the root page.
REDIRECT = re.compile(r'http-equiv="refresh"[^>]*url=([^"]+)"', re.IGNORECASE)


def redirect_target(path):
    """Target of a meta-refresh stub page, or None for a real page."""
    match = REDIRECT.search(path.read_text(encoding="utf-8", errors="replace"))
    return match and match.group(1)


def built_pages():
    """Relative paths of the book's content pages (empty when there is no build)."""
    return sorted(
        path.relative_to(HTML).as_posix()
        for path in HTML.glob("**/*.html")
        if not SKIP_DIRS & set(path.relative_to(HTML).parts)
        and path.name not in SKIP_FILES
        and not redirect_target(path)
    )


def chapter_pages():
    """The built chapter pages (chapters/NN_name.html)."""
    return [p for p in built_pages() if p.startswith("chapters/")]


def pytest_generate_tests(metafunc):
    for name, listing in (("page_name", built_pages), ("chapter_page", chapter_pages)):
        if name in metafunc.fixturenames:
            pages = listing()
            if not pages:  # an empty parameter set would only be *skipped*: fail collecting
                pytest.fail(
                    f"no built pages under {HTML}: run `jupyter-book build .` first",
                    pytrace=False,
                )
            metafunc.parametrize(name, pages)


@pytest.fixture(scope="session")
def pages():
    return built_pages()


@pytest.fixture(scope="session")
def book_title():
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["title"]


@pytest.fixture(scope="session")
def root_page():
    """The book's landing page, from `root:` in _toc.yml."""
    return yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["root"] + ".html"


@pytest.fixture(scope="session")
def html_dir():
    return HTML


@pytest.fixture(scope="session")
def screenshot_path():
    """Where to save the screenshot of a page: _build/screenshots/<page>.png."""

    def path_for(page_name):
        path = SCREENSHOTS / Path(page_name).with_suffix(".png")
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    return path_for


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@pytest.fixture(scope="session")
def base_url(html_dir):
    """Serve the built book on a free port of 127.0.0.1 for the whole session."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    with launched_browser() as browser:
        yield browser


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test, with outside requests blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", local_only)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


# ---------------------------------------------------------------- MathJax from a local copy
# The pages load MathJax from `mathjax_path` in _config.yml (jsdelivr's mathjax@3); the same
# files come from `npm install mathjax@3`, so requests below this prefix are answered from it.
MATHJAX_CDN = "https://cdn.jsdelivr.net/npm/mathjax@3/"


@pytest.fixture(scope="session")
def mathjax_dir(tmp_path_factory):
    """The `mathjax` package folder of a local `npm install mathjax@3`."""
    base = Path(os.environ.get("BOOK_MATHJAX_DIR") or tmp_path_factory.mktemp("mathjax"))
    package = base / "node_modules" / "mathjax"
    if not (package / "es5" / "tex-mml-chtml.js").is_file():
        npm = shutil.which("npm")
        if not npm:
            pytest.fail("npm not found: it is needed to install mathjax@3 for the math "
                        "rendering tests (apt-get install -y npm)", pytrace=False)
        base.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "install", "--prefix", str(base), "--no-audit", "--no-fund",
                               "--loglevel=error", "mathjax@3"],
                              capture_output=True, text=True, timeout=600)
        if proc.returncode != 0 or not (package / "es5" / "tex-mml-chtml.js").is_file():
            pytest.fail(f"`npm install mathjax@3` failed ({proc.returncode}):\n"
                        f"{proc.stdout}\n{proc.stderr}", pytrace=False)
    return package


def _reader_routes(mathjax):
    """Serve MathJax's CDN files from the local package, abort every other outside request."""
    root = mathjax.resolve()

    def handle(route):
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            return route.continue_()
        if url.startswith(MATHJAX_CDN):
            path = (root / urlsplit(url).path[len(urlsplit(MATHJAX_CDN).path):]).resolve()
            if path.is_relative_to(root) and path.is_file():
                return route.fulfill(path=str(path), headers={
                    "Access-Control-Allow-Origin": "*"})
            return route.fulfill(status=404, body="not in mathjax@3")
        return route.abort()

    return handle


@pytest.fixture
def reader(browser, mathjax_dir):
    """Open pages as a reader sees them (MathJax rendered): ``reader(viewport=..., **ctx)``."""
    contexts = []

    def new_page(viewport=None, **options):
        context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900},
                                      **options)
        context.route("**/*", _reader_routes(mathjax_dir))
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    yield new_page
    for context in contexts:
        context.close()
