"""A coding exercise as a reader does it in JupyterLab: fill the stub, run it, run the check.

Chapter 1 is opened in the temporary JupyterLab of conftest.py (outputs cleared). In the stub
cell of the averaged perceptron the text is replaced through the editor (click, select all,
insert the new text as a paste would), the cell is run with Shift+Enter, then the check cell
below it. First the reference solution (lib/exercises/solutions/ch01.py, the code the book
shows): the check's output must be its tick line. Then the same code with the wrong sign of
the step, a mistake of the check's catalogue: the output must be the cross with that hint.
Only these two cells run (the check imports everything it needs; the typed code imports
numpy itself), so the test does not wait for the whole chapter.
"""

import inspect
import time

import pytest

from lib.exercises.solutions import ch01 as solutions

NOTEBOOK = "01_perceptron.ipynb"
FUNCTION = "averaged_perceptron"
CHECK_CALL = f"check_{FUNCTION}({FUNCTION})"
TICK = f"✓ {FUNCTION} matches"
HINT = "hint: wrong sign of the step"

# The code a reader types: the book's reference solution, and the same with the step's sign
# flipped in both updates (w and b).
CORRECT = "import numpy as np\n\n\n" + inspect.getsource(getattr(solutions, FUNCTION))
WRONG = CORRECT.replace("w = w + lr *", "w = w - lr *").replace("b = b + lr *", "b = b - lr *")

# Text of the output area of a cell (all outputs joined).
OUTPUT_JS = """cell => [...cell.querySelectorAll('.jp-OutputArea-output')]
    .map(o => o.innerText).join('\\n')"""


def _open(page, lab, screenshot_dir):
    page.goto(lab.notebook_url(NOTEBOOK), wait_until="domcontentloaded")
    page.wait_for_function(
        "n => document.querySelectorAll('.jp-NotebookPanel .jp-Notebook .jp-Cell').length >= n",
        arg=lab.cell_counts[NOTEBOOK], timeout=120_000)
    try:  # the kernel status item of the status bar reads "Python 3 (ipykernel) | Idle"
        page.wait_for_function(
            "() => /\\|\\s*Idle/.test(document.querySelector('#jp-main-statusbar').innerText)",
            timeout=120_000)
    except Exception:
        page.screenshot(path=str(screenshot_dir / "exercise-no-kernel.png"))
        pytest.fail(f"{NOTEBOOK}: kernel not idle after 120 s\n{lab.log_tail()}")


def _code_cell(page, text):
    cell = page.locator(".jp-Notebook .jp-CodeCell").filter(
        has=page.locator(".jp-InputArea-editor", has_text=text))
    assert cell.count() == 1, f"{NOTEBOOK}: {cell.count()} code cells with {text!r}, 1 expected"
    return cell


def _editor_text(cell):
    return cell.locator(".cm-content").evaluate(
        "e => [...e.querySelectorAll('.cm-line')].map(l => l.textContent).join('\\n')")


def _run(page, cell):
    """Click into the cell's editor and run it with Shift+Enter, as a reader would."""
    cell.locator(".cm-content").click()
    page.keyboard.press("Shift+Enter")


def _wait_for_output(page, cell, predicate, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        text = cell.evaluate(OUTPUT_JS)
        if predicate(text) or time.monotonic() > deadline:
            return text
        time.sleep(0.5)


def _attempt(page, stub, check, code, screenshot_dir, name):
    """Replace the stub cell's text by `code`, run it, run the check; the check's output."""
    stub.scroll_into_view_if_needed()
    stub.locator(".cm-content").click()
    page.keyboard.press("Control+a")  # the editor's select-all (edit mode)
    page.keyboard.insert_text(code)  # one input event, like a paste: no auto-indent
    typed = _editor_text(stub)
    assert typed.strip() == code.strip(), f"the stub cell holds:\n{typed}"
    previous = check.evaluate(OUTPUT_JS)
    _run(page, stub)
    _run(page, check)
    out = _wait_for_output(page, check, lambda t: t.strip() and t != previous)
    stub_out = stub.evaluate(OUTPUT_JS)  # the kernel ran the stub cell before the check
    check.screenshot(path=str(screenshot_dir / f"exercise-{name}.png"))
    assert not stub_out.strip(), f"the filled stub cell printed:\n{stub_out}"
    return out


def test_fill_the_stub_and_check(lab, lab_page, screenshot_dir):
    assert WRONG != CORRECT and WRONG.count(" - lr *") == 2, \
        "the reference solution no longer has the two updates this test flips"
    page = lab_page
    _open(page, lab, screenshot_dir)
    stub = _code_cell(page, f"def {FUNCTION}(")
    check = _code_cell(page, CHECK_CALL)
    assert "raise NotImplementedError" in _editor_text(stub)

    # the unfilled stub first: the published line
    _run(page, stub)
    _run(page, check)
    out = _wait_for_output(page, check, lambda t: t.strip())
    assert f"✗ {FUNCTION}: not implemented yet" in out, f"the stub's check printed:\n{out}"

    out = _attempt(page, stub, check, CORRECT, screenshot_dir, "correct")
    assert TICK in out and "✗" not in out, f"the reference solution's check printed:\n{out}"

    out = _attempt(page, stub, check, WRONG, screenshot_dir, "wrong-sign")
    assert "✗" in out and HINT in out and "✓" not in out, \
        f"the wrong-sign solution's check printed:\n{out}"
    assert "expected" in out and "got" in out, f"no failing case in:\n{out}"
