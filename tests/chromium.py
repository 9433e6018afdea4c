"""The one Playwright set-up shared by the browser tests (tests/browser) and the JupyterLab
end-to-end test (tests/jupyterlab): Debian's Chromium (never `playwright install`: no browser
downloads), its launch flags, and a route handler that keeps every request on 127.0.0.1."""

from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",  # the machine's closed network refuses it anyway
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def launched_browser():
    """Headless Chromium for the duration of the block; a clear failure if it is missing."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} missing: apt-get install -y chromium", pytrace=False)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def local_only(route):
    """Abort every request that leaves 127.0.0.1 (CDNs are unreachable here anyway)."""
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()
