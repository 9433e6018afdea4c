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


def _sanitizer(section):
    import configparser

    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests" / "nbval_sanitize.cfg")
    pattern = re.compile(cfg[section]["regex"])
    return lambda text: pattern.sub(cfg[section]["replace"], text)


@pytest.mark.parametrize("text,expected", [
    ("max |closed form - Bayes' rule| = 3.3e-15", "max |closed form - Bayes' rule| = TINY"),
    ("k = 1, 10, 100: 3.8e-01, 6.7e-03, 1.9e-22", "k = 1, 10, 100: 3.8e-01, 6.7e-03, TINY"),
    ("f = 1.0e-12, g = 1.2e-10, h = 4.5e-02, lam = 2.61e+01", "f = TINY, g = 1.2e-10, "
     "h = 4.5e-02, lam = 2.61e+01"),
    ("train 3e-13 test 0.0077, bound 1e-08", "train TINY test 0.0077, bound 1e-08"),
    ("min |f'|^2 = 1.23e-32 <= bound 0.2058", "min |f'|^2 = TINY <= bound 0.2058"),
    ("atol 1e-300, rtol 1e-6", "atol TINY, rtol 1e-6"),
])
def test_rounding_level_sanitizer_masks_only_numbers_below_1e_12(text, expected):
    assert _sanitizer("rounding_level")(text) == expected
