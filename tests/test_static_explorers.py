"""The stored notebooks carry what the static HTML book needs to show every explorer.

Fast checks on the .ipynb files (no kernel, no build): each chapter displays at least one
explorer (an ipywidgets view output); the notebook was saved with its widget state (as
`jupyter nbconvert --to notebook --execute --inplace` stores it), and that state holds the
model of every view, so myst-nb embeds both in the page; and right after every explorer -- in
the same cell's outputs, or the next code cell's -- there is a static figure (image/png, as
`Explorer.show()` draws) or a matplotlib to_jshtml animation, so a reader without a kernel
still sees the result. tests/browser/test_reader_features.py checks the same on the built
pages.
"""

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
VIEW = "application/vnd.jupyter.widget-view+json"
STATE = "application/vnd.jupyter.widget-state+json"


def is_static_visual(output):
    data = output.get("data", {})
    html = data.get("text/html", "")
    html = "".join(html) if isinstance(html, list) else html
    return "image/png" in data or "image/svg+xml" in data or (
        'class="animation"' in html and "_anim_img" in html)


def explorers(nb):
    """[(cell index, model id, static visuals after it)] for every widget view output."""
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    found = []
    for pos, i in enumerate(code):
        outputs = cells[i].get("outputs", [])
        for k, out in enumerate(outputs):
            if VIEW not in out.get("data", {}):
                continue
            after = [o for o in outputs[k + 1:] if is_static_visual(o)]
            if not after and pos + 1 < len(code):
                after = [o for o in cells[code[pos + 1]].get("outputs", [])
                         if is_static_visual(o)]
            found.append((i, out["data"][VIEW]["model_id"], len(after)))
    return found


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "no notebooks in chapters/"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_explorers_have_state_and_static_figure(path):
    nb = load(path)
    found = explorers(nb)
    assert found, f"{path.name}: no explorer displayed (call `.show()` on a lib.widgets " \
        "explorer and save the notebook executed)"
    state = nb.get("metadata", {}).get("widgets", {}).get(STATE, {}).get("state")
    assert state, f"{path.name}: saved without widget state; regenerate with " \
        "`jupyter nbconvert --to notebook --execute --inplace` (run in chapters/)"
    for cell, model, n_visuals in found:
        assert model in state, f"{path.name}: cell {cell}: the explorer's model {model} is " \
            "not in the saved widget state (stale outputs: re-execute and save)"
        assert n_visuals, f"{path.name}: cell {cell}: no static figure or to_jshtml " \
            "animation right after the explorer (Explorer.show() draws one)"


def test_checker_on_a_synthetic_notebook():
    view = {"output_type": "display_data",
            "data": {VIEW: {"model_id": "m1", "version_major": 2, "version_minor": 0}}}
    png = {"output_type": "display_data", "data": {"image/png": "iVBOR..."}}
    nb = {"cells": [{"cell_type": "code", "outputs": [view]},
                    {"cell_type": "markdown", "source": "text"},
                    {"cell_type": "code", "outputs": [png]},
                    {"cell_type": "code", "outputs": [view]}]}
    assert explorers(nb) == [(0, "m1", 1), (3, "m1", 0)]
