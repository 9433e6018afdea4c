"""Invariants of the stored chapter notebooks (cheap; the outputs themselves are checked by
``pytest --nbval``, which re-executes every notebook)."""

from __future__ import annotations

import json
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p for p in (ROOT / "chapters").glob("*.ipynb"))
TOC = (ROOT / "_toc.yml").read_text()
LISTED = set(re.findall(r"^\s*-\s*file:\s*(\S+)", TOC, flags=re.M))


def _cells(nb_path):
    return json.loads(nb_path.read_text())["cells"]


def test_there_are_chapters():
    assert len(NOTEBOOKS) >= 1, "chapters/ holds no notebook"


def test_every_toc_entry_exists():
    for entry in LISTED:
        candidates = [ROOT / f"{entry}{ext}" for ext in ("", ".ipynb", ".md")]
        assert any(c.is_file() for c in candidates), f"_toc.yml lists {entry}, which does not exist"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_in_toc(nb):
    assert f"chapters/{nb.stem}" in LISTED, f"{nb.name} is not listed in _toc.yml"


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_executed_in_order_without_errors(nb):
    counts = []
    for i, cell in enumerate(_cells(nb)):
        if cell["cell_type"] != "code" or not "".join(cell["source"]).strip():
            continue
        assert cell.get("execution_count") is not None, f"{nb.name}: code cell {i} never executed"
        counts.append(cell["execution_count"])
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{nb.name}: cell {i} stores an error"
            if out["output_type"] == "stream":
                assert out["name"] != "stderr", f"{nb.name}: cell {i} wrote to stderr (a warning?)"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{nb.name}: cells were not executed once, top to bottom, in one kernel: {counts}"
    )


@pytest.mark.parametrize("nb", NOTEBOOKS, ids=lambda p: p.name)
def test_chapter_structure(nb):
    """Each chapter has learning goals, exercises with solutions, a summary and citations."""
    text = "\n".join("".join(c["source"]) for c in _cells(nb) if c["cell_type"] == "markdown")
    assert re.search(r"learning goals", text, re.I), f"{nb.name}: no learning goals"
    assert re.search(r"^#+ .*summary", text, re.I | re.M), f"{nb.name}: no summary section"
    n_ex = len(re.findall(r"```{exercise}", text))
    n_sol = len(re.findall(r"```{solution}", text))
    assert n_ex >= 3, f"{nb.name}: {n_ex} exercises, expected at least 3"
    assert n_sol >= n_ex, f"{nb.name}: {n_ex} exercises but {n_sol} solutions"
    assert re.search(r"{cite:[pt]}`", text), f"{nb.name}: no {{cite}} reference"
    code = "\n".join("".join(c["source"]) for c in _cells(nb) if c["cell_type"] == "code")
    assert "import lib" in code or "from lib" in code, f"{nb.name}: does not use lib"
    assert "default_rng(" in code, f"{nb.name}: no explicit numpy Generator"
    assert re.search(r"^\s*assert ", code, re.M), f"{nb.name}: states no claim as an assert"


def _sanitizer_rules():
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    return {name: re.compile(cfg[name]["regex"]) for name in cfg.sections()}


@pytest.mark.parametrize("number", ["3.3e-15", "1.2e-10", "5.6e-10", "0.2338", "1e-12",
                                    "0.0077", "7.1e+30", "42", "-0.185"])
def test_the_sanitizer_masks_no_number(number):
    """The output policy: no sanitizer rule hides a number that is meant to be compared
    (only the random ids of animations and object addresses are normalised)."""
    rules = _sanitizer_rules()
    assert set(rules) == {"jshtml_ids", "addresses"}
    for name, pattern in rules.items():
        assert not pattern.search(f"max |a - b| = {number}"), (name, number)
