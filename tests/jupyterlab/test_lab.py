"""Every chapter, as a reader runs it in JupyterLab: Run All Cells, no error, a live explorer.

For each notebook in chapters/ (fixtures in conftest.py): open it in JupyterLab in headless
Chromium, wait for the kernel, choose Run > Run All Cells from the menu bar, wait until every
code cell has an execution count and the kernel is idle, check that no output is an error
(or any stderr: the book's notebooks print none), then find the chapter's explorers (an
ipywidgets VBox ending in the summary line and the image), move the first control of each
with the keyboard or mouse and check that the summary text or the image bytes change, i.e.
that the callback ran in the kernel and the new state reached the page. A screenshot of each
chapter goes to _build/lab-screenshots/.
"""

import time

import pytest

# The first control of an explorer, in document order, whichever kind it is.
CONTROLS = (".widget-slider, .widget-dropdown, .widget-toggle-buttons, .widget-checkbox, "
            ".widget-radio-box, .widget-select")
# An explorer: a VBox holding controls, the summary line and the image (lib.widgets.Explorer).
EXPLORER = ".jp-OutputArea-output .widget-vbox:has(> img.widget-image)"

# Prompts of all code cells: "[3]:" executed, "[*]:" queued or running, "[ ]:" never run.
PROMPTS_JS = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')]
    .map(c => (c.querySelector('.jp-InputPrompt') || {}).innerText || '')
    .map(t => t.trim())"""
# Error outputs, stderr streams and widget-manager failures shown in any output area.
ERRORS_JS = r"""() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .filter(el => el.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr'
        || /Traceback|Error displaying widget|Failed to (load|create) (model|view)/
            .test(el.innerText || ''))
    .map(el => (el.innerText || '').slice(0, 600))"""
# What an explorer shows: the summary line (the HTML widget just before the image) and a
# hash of the image bytes (the blob URL changes on every update even for the same bytes).
STATE_JS = """async box => {
    const img = box.querySelector(':scope > img.widget-image');
    const prev = img.previousElementSibling;
    const summary = prev && prev.classList.contains('widget-html') ? prev.innerText : '';
    let hash = '';
    try {
        const buf = await (await fetch(img.src)).arrayBuffer();
        const digest = await crypto.subtle.digest('SHA-256', buf);
        hash = [...new Uint8Array(digest)].map(b => b.toString(16).padStart(2, '0')).join('');
    } catch (e) { hash = 'unreadable: ' + e; }
    return {summary, hash, width: img.naturalWidth};
}"""


def _wait(predicate, timeout, interval=0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def kernel_idle(page):
    """A predicate: the kernel status item of the status bar reads "... | Idle"."""
    return lambda: page.evaluate(
        "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar').innerText)")


def _label(control):
    label = control.locator(".widget-label")
    return label.first.inner_text().strip() if label.count() else "?"


def move_control(control):
    """Change one ipywidgets control as a reader would; return what was done."""
    classes = control.get_attribute("class") or ""
    name = _label(control)
    if "widget-slider" in classes:
        handle = control.locator(".noUi-handle").first
        before = handle.get_attribute("aria-valuenow")
        handle.focus()
        handle.press("End")  # noUiSlider's keyboard support: End = maximum
        if handle.get_attribute("aria-valuenow") == before:  # already at the maximum
            handle.press("Home")
        return f"slider {name!r}: {before} -> {handle.get_attribute('aria-valuenow')}"
    if "widget-dropdown" in classes:
        select = control.locator("select")
        current = select.input_value()
        values = select.locator("option").evaluate_all("os => os.map(o => o.value)")
        target = next(v for v in values if v != current)
        select.select_option(target)
        return f"dropdown {name!r}: option {current} -> {target}"
    if "widget-toggle-buttons" in classes:
        button = control.locator("button:not(.mod-active)").first
        text = button.inner_text().strip()
        button.click()
        return f"toggle buttons {name!r}: -> {text!r}"
    if "widget-checkbox" in classes:
        control.locator("input").first.click()
        return f"checkbox {name!r} clicked"
    radio = control.locator("input:not(:checked)").first  # radio box / select
    if radio.count():
        radio.click()
        return f"radio {name!r} changed"
    option = control.locator("option:not(:checked)").first
    control.locator("select").select_option(option.get_attribute("value"))
    return f"select {name!r} changed"


def explore(page, box, where):
    """Move the explorer's first control; return (action, state before, state after or None).

    The summary line is set before the figure is drawn, so after the first change the kernel
    is given time to finish the callback, and the widget manager (which decodes the new PNG
    asynchronously) a few seconds to show the new image.
    """
    before = box.evaluate(STATE_JS)
    assert before["width"] > 0, f"{where}: no image shown"
    controls = box.locator(CONTROLS)
    assert controls.count(), f"{where}: no control"
    action = move_control(controls.first)

    def changed():
        now = box.evaluate(STATE_JS)
        return now if (now["summary"], now["hash"]) != (before["summary"], before["hash"]) \
            else None

    def image_changed():
        now = changed()
        return now if now and now["hash"] != before["hash"] else None

    after = _wait(changed, timeout=90)
    if after:
        _wait(kernel_idle(page), timeout=90)
        after = _wait(image_changed, timeout=10) or changed() or after
    return action, before, after


def test_run_all_and_explore(notebook, lab, lab_page, screenshot_dir, record_timing):
    page, n_cells = lab_page, lab.cell_counts[notebook]
    stem = notebook.removesuffix(".ipynb")

    t0 = time.monotonic()
    page.goto(lab.notebook_url(notebook), wait_until="domcontentloaded")
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length >= n",
        arg=n_cells, timeout=120_000)
    try:  # the kernel status item of the status bar reads "Python 3 (ipykernel) | Idle"
        page.wait_for_function(
            "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar').innerText)",
            timeout=120_000)
    except Exception:
        dialog = page.locator(".jp-Dialog")
        text = dialog.first.inner_text() if dialog.count() else ""
        page.screenshot(path=str(screenshot_dir / f"{stem}-no-kernel.png"))
        pytest.fail(f"{notebook}: kernel not idle after 120 s {text!r}\n{lab.log_tail()}")
    record_timing(notebook, "open", time.monotonic() - t0)

    # Run > Run All Cells, from the menu bar as a reader would.
    t1 = time.monotonic()
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()

    def finished():
        prompts = page.evaluate(PROMPTS_JS)
        status = page.locator(".jp-Notebook-ExecutionIndicator").first.get_attribute(
            "data-status")
        if status != "idle" or "[*]:" in prompts:
            return None
        if all(p[1:-2].isdigit() for p in prompts) or page.evaluate(ERRORS_JS):
            return prompts
        return None

    prompts = _wait(finished, lab.run_timeout, interval=1.0)
    record_timing(notebook, "run all", time.monotonic() - t1)
    errors = page.evaluate(ERRORS_JS)
    if errors or not prompts:
        page.screenshot(path=str(screenshot_dir / f"{stem}-failed.png"))
    assert not errors, f"{notebook}: error or stderr outputs after Run All Cells:\n" + \
        "\n---\n".join(errors)
    assert prompts, (f"{notebook}: Run All Cells not finished within {lab.run_timeout:.0f} s: "
                     f"{page.evaluate(PROMPTS_JS)}")
    counts = [int(p[1:-2]) for p in prompts]
    assert counts == list(range(1, len(counts) + 1)), \
        f"{notebook}: cells not executed once each, top to bottom: {prompts}"

    # The chapter's explorers: move the first control of each, the result must change.
    t2 = time.monotonic()
    explorers = page.locator(EXPLORER)
    n_explorers = explorers.count()
    assert n_explorers >= 1, f"{notebook}: no explorer (ipywidgets VBox with an image) shown"
    moves = []
    for k in range(n_explorers):
        box = explorers.nth(k)
        box.scroll_into_view_if_needed()
        action, before, after = explore(page, box, f"{notebook}: explorer {k + 1}")
        box.screenshot(path=str(screenshot_dir / f"{stem}-explorer{k + 1}.png"))
        assert after, (f"{notebook}: explorer {k + 1}: {action}, but neither the summary "
                       f"({before['summary']!r}) nor the image changed within 90 s")
        assert after["width"] > 0, f"{notebook}: explorer {k + 1}: image broken after {action}"
        what = [w for n, w in (("summary", "summary"), ("hash", "image"))
                if after[n] != before[n]]
        moves.append(f"{action} ({' and '.join(what)} changed)")
    record_timing(notebook, "explore", time.monotonic() - t2)

    explorers.first.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshot_dir / f"{stem}.png"))
    print(f"{notebook}: {len(counts)} code cells run, {n_explorers} explorer(s): "
          + "; ".join(moves))
