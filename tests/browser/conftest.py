"""Browser smoke tests for the built book (run by .ci/run after `jupyter-book build`).

They are opt-in: without BOOK_BROWSER_TESTS=1 this folder is not collected at all, so a
plain `pytest --nbval` on a fresh clone (no `_build/`) neither runs nor skips them.
Enabled, they serve `_build/html` on 127.0.0.1 and open every page in Debian's headless
Chromium through Playwright (never `playwright install`: no browser downloads).
"""

import functools
import os
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

if os.environ.get("BOOK_BROWSER_TESTS") != "1":
    collect_ignore_glob = ["*.py"]  # relative to this folder

ROOT = Path(__file__).resolve().parents[2]
HTML = ROOT / "_build" / "html"
SCREENSHOTS = ROOT / "_build" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SKIP_DIRS = {"_static", "_sources", "_modules", "_images"}
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


def pytest_generate_tests(metafunc):
    if "page_name" in metafunc.fixturenames:
        pages = built_pages()
        if not pages:  # an empty parameter set would only be *skipped*: fail the collection
            pytest.fail(
                f"no built pages under {HTML}: run `jupyter-book build .` first", pytrace=False
            )
        metafunc.parametrize("page_name", pages)


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
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _local_only(route):
    """Abort every request that leaves 127.0.0.1 (CDNs are unreachable here anyway)."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


@pytest.fixture
def page(browser):
    """A fresh browser context and page per test, with outside requests blocked."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _local_only)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()
