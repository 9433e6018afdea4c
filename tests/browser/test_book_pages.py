"""Open every built page of the book in headless Chromium (fixtures in conftest.py)."""

import pytest

pytestmark = pytest.mark.browser

# Browser-side checks, evaluated in the page after load.
IMAGES_JS = """
() => Promise.all([...document.images].map(img => {
    img.loading = "eager";
    return img.decode().catch(() => null)
        .then(() => ({src: img.currentSrc || img.src, width: img.naturalWidth}));
}))
"""
# myst-nb renders an error output as div.output.traceback and stderr as div.output.stderr.
ERRORS_JS = """
() => [...document.querySelectorAll(".output.traceback, .cell_output .output")]
    .filter(el => el.classList.contains("traceback") || el.innerText.includes("Traceback"))
    .map(el => el.innerText.slice(0, 300))
"""
# Expected noise: every Jupyter Book 1 page declares THEBE_JS_URL twice
# ("Identifier 'THEBE_JS_URL' has already been declared").
HARMLESS = ("THEBE_JS_URL",)


def test_book_has_pages(html_dir, pages, root_page):
    # (With no page at all, collecting test_page already fails: see conftest.py.)
    assert pages, f"no HTML pages under {html_dir}"
    assert root_page in pages, f"the root page {root_page} was not built"
    index = (html_dir / "index.html").read_text(encoding="utf-8")
    assert root_page in index, "index.html does not lead to the root page"


def test_page(page, base_url, page_name, book_title, screenshot_path):
    js_errors, missing = [], []
    page.on("pageerror", lambda exc: js_errors.append(str(exc)))
    page.on("response", lambda r: r.status >= 400 and missing.append(f"{r.status} {r.url}"))

    # CDN scripts (MathJax, require.js) are aborted by the route in conftest.py: the page
    # still loads, math just stays as raw \(...\) source.
    page.goto(base_url + page_name, wait_until="load")

    title = page.title().strip()
    assert title, f"{page_name}: empty <title>"
    assert book_title in title, f"{page_name}: title {title!r} lacks {book_title!r}"

    broken = [img["src"] for img in page.evaluate(IMAGES_JS) if img["width"] == 0]
    assert not broken, f"{page_name}: images not decoded: {broken}"

    errors = page.evaluate(ERRORS_JS)
    assert not errors, f"{page_name}: error outputs: {errors}"

    assert not missing, f"{page_name}: failed requests to the local server: {missing}"
    js_errors = [e for e in js_errors if not any(h in e for h in HARMLESS)]
    assert not js_errors, f"{page_name}: JavaScript errors: {js_errors}"

    page.screenshot(path=str(screenshot_path(page_name)), full_page=True)
