"""What a reader of the static book gets, checked in headless Chromium on every chapter page.

Fixtures in conftest.py: the built book is served on 127.0.0.1, MathJax's CDN requests are
answered from a local `npm install mathjax@3`, every other outside request is aborted.

Per chapter page:
* static explorers: the widget state is embedded, every widget view's model is in it, and
  right after each explorer (same cell output, or the next cell) there is a decoded image or
  a working to_jshtml animation;
* exercises (>= 3) with solutions hidden until their toggle is clicked;
* theorem/definition blocks rendered by sphinx-proof (no raw directive text left);
* citations that resolve to entries of bibliography.html;
* client-side search finds the chapter for a word of its title;
* a download button for the notebook, and the .ipynb is served; the whole book's PDF
  when it was built;
* math rendered by MathJax (mjx-container, no TeX errors);
* dark mode legible (dark background, light text, contrast of the text >= 4.5);
* a 390 px wide (phone) viewport without horizontal scrolling of the page;
* at least one link into the API reference (api.html).
Screenshots (dark, mobile) go to screenshots/ beside the built html.
"""

import json
import os
import re
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

MIN_EXERCISES = 3
MIN_CONTRAST = 4.5  # WCAG AA for body text
STOPWORDS = {"and", "the", "from", "its", "with", "of", "to", "a"}

WAIT_MATHJAX_JS = """async () => {
    const t0 = Date.now();
    while (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) {
        if (Date.now() - t0 > 20000) return "MathJax did not start";
        await new Promise(r => setTimeout(r, 100));
    }
    await MathJax.startup.promise;
    return "ok";
}"""

MATH_JS = """() => {
    const math = [...document.querySelectorAll('article .math')];
    return {
        math: math.length,
        containers: document.querySelectorAll('article mjx-container').length,
        raw: math.filter(m => !m.querySelector('mjx-container'))
                 .map(m => m.textContent.trim().slice(0, 80)),
        errors: [...document.querySelectorAll('article mjx-merror')]
                 .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120)),
    };
}"""

EXPLORERS_JS = """() => {
    const stateEl = document.querySelector(
        'script[type="application/vnd.jupyter.widget-state+json"]');
    let state = null;
    try { state = JSON.parse(stateEl.textContent).state; } catch (e) {}
    const views = [...document.querySelectorAll(
        'script[type="application/vnd.jupyter.widget-view+json"]')];
    const visuals = el => el.matches('img, .animation')
        ? [el] : [...el.querySelectorAll('img, .animation')];
    return {
        state: stateEl ? (state ? Object.keys(state).length : -1) : 0,
        views: views.map((v, k) => {
            const id = JSON.parse(v.textContent).model_id;
            let found = [], where = 'same cell output';
            for (let n = v.nextElementSibling; n; n = n.nextElementSibling)
                found.push(...visuals(n));
            const cell = v.closest('.cell');
            if (!found.length && cell && cell.nextElementSibling
                    && cell.nextElementSibling.classList.contains('cell')) {
                where = 'next cell';
                const out = cell.nextElementSibling.querySelector('.cell_output');
                if (out) found = visuals(out);
            }
            found.forEach((el, j) => el.setAttribute('data-static-explorer', `${k}-${j}`));
            return {model: id, inState: !!(state && state[id]), where,
                    visuals: found.map(el => el.getAttribute('data-static-explorer'))};
        }),
    };
}"""

EXERCISES_JS = """() => ({
    exercises: document.querySelectorAll('article .exercise').length,
    solutions: [...document.querySelectorAll('article .solution')].map(s => {
        const body = s.querySelector(':scope > section, :scope > :not(.admonition-title)');
        return {id: s.id, toggle: !!s.querySelector('.toggle-button'),
                hidden: !body || body.offsetParent === null
                        || ['hidden', 'collapse'].includes(getComputedStyle(body).visibility)
                        || body.getBoundingClientRect().height === 0};
    }),
})"""

# Text colour against the first opaque background up the tree, as WCAG contrast ratios.
CONTRAST_JS = r"""() => {
    const rgb = c => { const m = c.match(/[\d.]+/g).map(Number);
                       return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
    const lum = ({r, g, b}) => { const f = v => { v /= 255;
        return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const bgOf = el => { for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; }
        return {r: 255, g: 255, b: 255, a: 1}; };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
                              return (x + 0.05) / (y + 0.05); };
    const sel = 'article p, article li, article h1, article h2, article h3, article dt, '
        + 'article dd, article td, article th, article .admonition-title, '
        + 'article .cell_output pre, article .cell_input pre, article a';
    const checked = [...document.querySelectorAll(sel)]
        .filter(el => el.offsetParent !== null && el.innerText.trim())
        .map(el => ({text: el.innerText.trim().slice(0, 60), tag: el.tagName,
                     cls: el.className, ratio: ratio(rgb(getComputedStyle(el).color), bgOf(el))}));
    const body = rgb(getComputedStyle(document.body).backgroundColor);
    const text = rgb(getComputedStyle(document.querySelector('article p') || document.body).color);
    return {theme: document.documentElement.dataset.theme, bodyLum: lum(body),
            textLum: lum(text), n: checked.length,
            low: checked.filter(c => c.ratio < %(min)s).sort((a, b) => a.ratio - b.ratio)};
}""".replace("%(min)s", str(MIN_CONTRAST))

# Elements that stick out of the viewport without a scrolling container of their own.
OVERFLOW_JS = """() => {
    const w = window.innerWidth;
    const scrolls = el => { for (let e = el.parentElement; e && e !== document.body;
                                 e = e.parentElement) {
        const o = getComputedStyle(e).overflowX;
        if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; } return false; };
    const culprits = [...document.querySelectorAll('body *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > w + 1 && !scrolls(el);
    }).slice(0, 8).map(el => `${el.tagName}.${el.className} (right ${
        Math.round(el.getBoundingClientRect().right)}): ${(el.innerText || '').slice(0, 50)}`);
    return {scrollWidth: document.documentElement.scrollWidth, innerWidth: w,
            clientWidth: document.documentElement.clientWidth, culprits};
}"""


def open_page(page, base_url, name, math=True):
    page.goto(base_url + name, wait_until="load")
    if math:
        status = page.evaluate(WAIT_MATHJAX_JS)
        assert status == "ok", f"{name}: {status}"


def title_term(page):
    """The longest word of the chapter's title: a term the search must find it by."""
    words = re.findall(r"[A-Za-z]+", page.locator("article h1").first.inner_text())
    return max((w.lower() for w in words if w.lower() not in STOPWORDS), key=len)


# ----------------------------------------------------------------------------- explorers
def test_static_explorers(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    found = page.evaluate(EXPLORERS_JS)
    assert found["state"] != 0, f"{chapter_page}: no embedded widget state (save the " \
        "notebook with `jupyter nbconvert --to notebook --execute --inplace`)"
    assert found["state"] > 0, f"{chapter_page}: the widget state is not valid JSON"
    assert found["views"], f"{chapter_page}: no widget view (explorer) on the page"
    for k, view in enumerate(found["views"], 1):
        assert view["inState"], f"{chapter_page}: explorer {k}: model {view['model']} is " \
            "not in the embedded widget state"
        assert view["visuals"], f"{chapter_page}: explorer {k}: no image or animation right " \
            "after it (Explorer.show() draws a static figure)"
        for tag in view["visuals"]:
            el = page.locator(f'[data-static-explorer="{tag}"]')
            img = el if el.evaluate("e => e.tagName") == "IMG" else el.locator("img").first
            img.scroll_into_view_if_needed()
            width = img.evaluate("i => i.decode().then(() => i.naturalWidth, () => 0)")
            assert width > 0, f"{chapter_page}: explorer {k}: static image not decoded"
            if el.evaluate("e => e.matches('.animation')"):
                before = img.get_attribute("src")
                el.locator('button[title="Last frame"]').click()
                frames = int(el.locator("input.anim-slider").get_attribute("max")) + 1
                assert frames == 1 or img.get_attribute("src") != before, \
                    f"{chapter_page}: explorer {k}: the animation does not change frame"


# ----------------------------------------------------------------------------- exercises
def test_exercises_with_hidden_solutions(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('.toggle-button').length > 0 "
                           "|| !document.querySelector('.solution')")
    info = page.evaluate(EXERCISES_JS)
    solutions = info["solutions"]
    assert info["exercises"] >= MIN_EXERCISES, \
        f"{chapter_page}: {info['exercises']} exercises, at least {MIN_EXERCISES} expected"
    assert len(solutions) >= MIN_EXERCISES, \
        f"{chapter_page}: {len(solutions)} solutions, at least {MIN_EXERCISES} expected"
    shown = [s["id"] for s in solutions if not (s["toggle"] and s["hidden"])]
    assert not shown, f"{chapter_page}: solutions not hidden behind a toggle " \
        f"(use `:class: dropdown`): {shown}"

    first = page.locator("article .solution").first
    body = first.locator(":scope > section").first
    first.scroll_into_view_if_needed()
    assert not body.is_visible()
    first.locator(".toggle-button").click()
    body.wait_for(state="visible", timeout=5_000)
    assert body.inner_text().strip(), f"{chapter_page}: the opened solution is empty"


# ------------------------------------------------------------------------------ theorems
def test_theorem_blocks(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    kinds = page.evaluate("""() => [...document.querySelectorAll('article div.proof')]
        .map(d => [...d.classList].filter(c => !['proof', 'admonition'].includes(c))[0]
                  || 'proof')""")
    statements = [k for k in kinds if k != "proof"]
    assert statements, f"{chapter_page}: no sphinx-proof theorem/definition block"
    raw = page.evaluate(r"""() => [...document.querySelectorAll('article p, article pre')]
        .map(e => e.textContent).filter(t => /\{prf:|\{exercise\}|\{solution\}|^\s*:label:/m
        .test(t)).map(t => t.slice(0, 100))""")
    assert not raw, f"{chapter_page}: directive source shown as text (not rendered): {raw}"


# ----------------------------------------------------------------------------- citations
@pytest.fixture(scope="session")
def bibliography_ids(browser, base_url):
    context = browser.new_context()
    context.route("**/*", lambda r: r.continue_()
                  if urlsplit(r.request.url).hostname == "127.0.0.1" else r.abort())
    page = context.new_page()
    page.goto(base_url + "bibliography.html", wait_until="load")
    ids = page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)")
    entries = page.locator('article [role="doc-biblioentry"]').count()
    context.close()
    assert entries, "bibliography.html lists no entries"
    return set(ids)


def test_citations_resolve(page, base_url, chapter_page, bibliography_ids):
    page.goto(base_url + chapter_page, wait_until="load")
    hrefs = page.evaluate("""() => [...document.querySelectorAll('article a[href]')]
        .map(a => a.getAttribute('href')).filter(h => /bibliography\\.html#/.test(h))""")
    assert hrefs, f"{chapter_page}: no {{cite}} reference to the bibliography"
    missing = sorted({h for h in hrefs if h.split("#", 1)[1] not in bibliography_ids})
    assert not missing, f"{chapter_page}: citations without a bibliography entry: {missing}"
    # follow one as a reader would
    link = page.locator('article a[href*="bibliography.html#"]').first
    target = link.get_attribute("href").split("#", 1)[1]
    link.click()
    page.wait_for_url("**/bibliography.html#*")
    assert page.locator(f'[id="{target}"]').count() == 1


# -------------------------------------------------------------------------------- search
def test_search_perceptron(page, base_url):
    assert "chapters/01_perceptron.html" in search(page, base_url, "perceptron")


def test_search_finds_chapter(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    term = title_term(page)
    results = search(page, base_url, term)
    assert chapter_page in results, f"searching {term!r} does not list {chapter_page}: {results}"


def search(page, base_url, term):
    """Run the book's client-side search (searchindex.js); the result pages' paths."""
    page.goto(f"{base_url}search.html?q={term}", wait_until="load")
    page.wait_for_function("""() => /Search finished|did not match/.test(
        (document.querySelector('#search-results') || {}).innerText || '')""",
                           timeout=30_000)
    hrefs = page.evaluate("""() => [...document.querySelectorAll('#search-results ul.search a')]
        .map(a => new URL(a.href).pathname)""")
    return sorted({h.lstrip("/").split("#")[0] for h in hrefs})


# ------------------------------------------------------------------------------ download
def test_notebook_download(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    page.locator(".dropdown-download-buttons > button").first.click()
    link = page.locator('a.btn-download-source-button[href$=".ipynb"]').first
    link.wait_for(state="visible", timeout=5_000)
    href = link.get_attribute("href")
    assert href.rsplit("/", 1)[-1] == chapter_page.rsplit("/", 1)[-1].replace(".html", ".ipynb")
    resp = page.request.get(link.evaluate("a => a.href"))
    assert resp.status == 200, f"{chapter_page}: {href} -> {resp.status}"
    nb = json.loads(resp.body())
    assert nb.get("nbformat") == 4 and nb.get("cells"), f"{href} is not a notebook"


def test_book_pdf_download(page, base_url, chapter_page, html_dir):
    """With the PDF edition built (.ci/run sets BOOK_PDF_EXPECTED=1 after `.ci/pdf`), every
    chapter's download menu offers the whole book and it is served as a PDF; without it, no
    menu entry points at a missing file (_ext/book_pdf.py)."""
    expected = os.environ.get("BOOK_PDF_EXPECTED") == "1"
    shipped = (html_dir / "mathdl-book.pdf").is_file()
    if expected:
        assert shipped, "BOOK_PDF_EXPECTED=1 but the build has no mathdl-book.pdf"
    page.goto(base_url + chapter_page, wait_until="load")
    page.locator(".dropdown-download-buttons > button").first.click()
    entry = page.locator("a.btn-download-book-pdf-button")
    if not shipped:
        assert entry.count() == 0, f"{chapter_page}: a PDF menu entry without a PDF"
        return
    entry.first.wait_for(state="visible", timeout=5_000)
    resp = page.request.get(entry.first.evaluate("a => a.href"))
    assert resp.status == 200 and resp.body()[:5] == b"%PDF-", f"{chapter_page}: PDF not served"


# -------------------------------------------------------------------------------- MathJax
def test_math_renders(reader, base_url, chapter_page):
    page = reader()
    open_page(page, base_url, chapter_page)
    math = page.evaluate(MATH_JS)
    assert math["math"] and math["containers"], f"{chapter_page}: no rendered math " \
        f"({math['math']} math elements, {math['containers']} mjx-container)"
    assert not math["raw"], f"{chapter_page}: math left as TeX source: {math['raw'][:5]}"
    assert not math["errors"], f"{chapter_page}: TeX errors: {math['errors']}"


def test_api_reference_math_renders(reader, base_url):
    page = reader()
    open_page(page, base_url, "api.html")
    math = page.evaluate(MATH_JS)
    assert math["containers"], "api.html: no rendered math in the docstrings"
    assert not math["errors"], f"api.html: TeX errors: {math['errors']}"


# ------------------------------------------------------------------------------ dark mode
def test_dark_mode(reader, base_url, chapter_page, screenshot_path):
    page = reader()
    open_page(page, base_url, chapter_page)
    switch = page.locator(".theme-switch-button").first
    for _ in range(3):  # the switch cycles light -> dark -> auto
        if page.evaluate("() => document.documentElement.dataset.theme") == "dark":
            break
        switch.click()
    info = page.evaluate(CONTRAST_JS)
    assert info["theme"] == "dark", f"{chapter_page}: the theme switch gives no dark mode"
    shot = screenshot_path(chapter_page.replace(".html", "-dark.html"))
    page.screenshot(path=str(shot))
    figure = page.locator("article .cell_output img").first
    if figure.count():
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(shot.with_name(shot.stem + "-figure.png")))
    assert info["bodyLum"] < 0.05, f"{chapter_page}: background not dark ({info['bodyLum']:.3f})"
    assert info["textLum"] > 0.4, f"{chapter_page}: text not light ({info['textLum']:.3f})"
    low = [f"{c['ratio']:.2f} {c['tag']}.{c['cls']}: {c['text']!r}" for c in info["low"]]
    assert not low, f"{chapter_page}: {len(low)} of {info['n']} text elements below " \
        f"contrast {MIN_CONTRAST} in dark mode:\n" + "\n".join(low[:10])


# --------------------------------------------------------------------------------- mobile
def test_mobile_no_horizontal_scroll(reader, base_url, chapter_page, screenshot_path):
    page = reader(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                  device_scale_factor=2)
    open_page(page, base_url, chapter_page)
    info = page.evaluate(OVERFLOW_JS)
    shot = screenshot_path(chapter_page.replace(".html", "-mobile.html"))
    page.screenshot(path=str(shot))
    figure = page.locator("article .cell_output img").first
    if figure.count():  # a figure and the code above it: they must fit or scroll in place
        figure.scroll_into_view_if_needed()
        page.screenshot(path=str(shot.with_name(shot.stem + "-figure.png")))
    # A mobile browser widens its layout viewport to the content, so innerWidth grows with an
    # overflow: compare with the 390 px the device has.
    assert info["clientWidth"] == 390, info
    assert info["scrollWidth"] <= 390 + 1 and info["innerWidth"] <= 390 + 1, (
        f"{chapter_page}: the page scrolls sideways at 390 px (scroll width "
        f"{info['scrollWidth']}, layout viewport {info['innerWidth']}); sticking out: "
        f"{info['culprits']}")


# ------------------------------------------------------------------------ API reference
def test_links_to_api_reference(page, base_url, chapter_page):
    page.goto(base_url + chapter_page, wait_until="load")
    links = page.evaluate("""() => [...document.querySelectorAll('article a[href]')]
        .map(a => a.getAttribute('href')).filter(h => /(^|\\/)api\\.html#/.test(h))""")
    assert links, (f"{chapter_page}: no link into the API reference; add e.g. "
                   "\"See {py:func}`lib.module.function` in the API reference.\" to the chapter")


# ----------------------------------------------------------------------- coding exercises
def _coding_exercises():
    """{chapter page: [(label, title, function, a line of its reference solution)]} for every
    coding exercise: a solution block that shows lib/exercises/solutions/chNN.py's function
    through {literalinclude} with :pyobject:."""
    import ast
    import pathlib

    import nbformat

    root = pathlib.Path(__file__).resolve().parents[2]
    titles = re.compile(r"(?m)^(?:`{3,}|:{3,})\{exercise\}[ \t]*(.*)\n[ \t]*:label:\s*(\S+)")
    include = re.compile(r"\{solution\}\s*(\S+)(?:(?!\{solution\})[\s\S])*?\{literalinclude\}\s*"
                         r"\S*exercises/solutions/(ch\d+)\.py[\s\S]*?:pyobject:\s*(\w+)")
    found = {}
    for path in sorted((root / "chapters").glob("*.ipynb")):
        sources = [c.source for c in nbformat.read(path, as_version=4).cells
                   if c.cell_type == "markdown"]
        named = {label: title.strip() for s in sources for title, label in titles.findall(s)}
        for label, module, name in (m for s in sources for m in include.findall(s)):
            source = (root / "lib" / "exercises" / "solutions" / f"{module}.py").read_text()
            func = next(n for n in ast.parse(source).body
                        if isinstance(n, ast.FunctionDef) and n.name == name)
            body = source.splitlines()[func.body[1].lineno - 1:func.end_lineno]  # no docstring
            line = max((ln.strip() for ln in body if not ln.strip().startswith("#")), key=len)
            found.setdefault(f"chapters/{path.stem}.html", []).append(
                (label, named[label], name, line))
    return found


CODING_EXERCISES = _coding_exercises()


# (an empty list would only skip: a placeholder page fails instead)
@pytest.mark.parametrize("exercise_page", sorted(CODING_EXERCISES) or ["no coding exercise"])
def test_coding_exercises_read_well(page, base_url, exercise_page):
    """Each coding exercise in order: its statement, the stub cell with the function's
    signature, the check cell's stored "not implemented yet" line, all visible; the reference
    solution's code hidden until its dropdown is clicked, then shown."""
    assert len(CODING_EXERCISES.get(exercise_page, [])) >= 2, \
        f"{exercise_page}: fewer than 2 coding exercises"
    page.goto(base_url + exercise_page, wait_until="load")
    page.wait_for_function("() => document.querySelectorAll('.toggle-button').length > 0")
    for label, title, name, line in CODING_EXERCISES[exercise_page]:
        where = f"{exercise_page}: {label} ({name})"
        statement = page.locator(f'article div.exercise[id="{label}"]')
        assert statement.count() == 1, f"{where}: no exercise block"
        statement.scroll_into_view_if_needed()
        shown = statement.locator(".admonition-title").inner_text().replace("\u2019", "'")
        assert f"({title})" in shown, f"{where}: title {shown!r}"
        assert statement.locator("section").inner_text().strip(), f"{where}: empty statement"

        stub = page.locator("article .cell_input pre", has_text=f"def {name}(").filter(
            has_text="raise NotImplementedError")
        assert stub.count() == 1, f"{where}: {stub.count()} stub cells, 1 expected"
        stub.scroll_into_view_if_needed()
        assert stub.is_visible(), f"{where}: the stub cell is not visible"

        check = page.locator("article .cell").filter(
            has=page.locator(".cell_input pre", has_text=f"({name})")).filter(
            has=page.locator(".cell_output"))
        assert check.count() == 1, f"{where}: {check.count()} check cells, 1 expected"
        output = check.locator(".cell_output")
        output.scroll_into_view_if_needed()
        assert output.is_visible(), f"{where}: the check's output is not visible"
        assert f"✗ {name}: not implemented yet" in output.inner_text(), \
            f"{where}: the check cell does not show the stub's line: {output.inner_text()!r}"

        solution = page.locator(f'article div.solution:has(a[href="#{label}"])')
        assert solution.count() == 1, f"{where}: {solution.count()} solution blocks, 1 expected"
        code = solution.locator("pre", has_text=line)
        solution.scroll_into_view_if_needed()
        tops = [el.evaluate("e => e.getBoundingClientRect().top + window.scrollY")
                for el in (statement, stub, output, solution)]
        assert tops == sorted(tops), f"{where}: statement, stub, check, solution out of order"
        assert code.count() == 1, f"{where}: the solution block does not hold {line!r}"
        assert not code.is_visible(), f"{where}: the solution's code is shown before a click"
        solution.locator(".toggle-button").click()
        code.wait_for(state="visible", timeout=5_000)
        assert line in code.inner_text(), where
