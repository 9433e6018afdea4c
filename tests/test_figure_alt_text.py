"""Accessible figures: alt text on every figure, and a palette that survives colour blindness.

Alt text. Every code cell of a chapter whose outputs include an image/png (a figure, or the
static view of an explorer) or a jshtml animation carries a description in its cell metadata,
`cell.metadata["mystnb"]["image"]["alt"]`. myst-nb reads `mystnb.image` as the cell's
`render_image_options` and puts "alt" on every image node of the cell (output metadata can
only override width and height, so the text is per cell, not per output); the test renders
the figure cells with myst-nb's docutils parser and finds the text in the <img alt>. An
animation has no <img>: its text is the description of the static frame that stands in for it.

Palette. The chapters draw their categorical colours from `lib.plotting.COLORS` (the book
style makes it the axes' colour cycle, so "C0", "C1", ... are the same colours). Each pair of
colours is simulated for protanopia, deuteranopia and tritanopia with the matrices of Machado,
Oliveira and Fernandes (2009) at severity 1.0, applied to linear RGB, and compared by CIEDE2000
in CIELAB (D65). Threshold 10: a difference of about 1 to 2.3 is just noticeable for two large
patches side by side; lines and markers are thin and matched to a legend at a distance, so we
ask for several times that. The matplotlib default cycle (tab10) fails the same check (its
orange and green are 1.3 apart under protanopia), which shows that the check can fail.
"""
from __future__ import annotations

import base64
import itertools
import re
from html import unescape
from pathlib import Path

import matplotlib as mpl
import nbformat
import numpy as np
import pytest
from docutils.core import publish_string
from myst_nb.core.config import NbParserConfig
from myst_nb.docutils_ import Parser

from lib import plotting

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = sorted((ROOT / "chapters").glob("[0-9][0-9]_*.ipynb"))
MIN_WORDS = 8
PLACEHOLDER_MARKERS = ("todo", "tbd", "fixme", "xxx", "lorem", "placeholder", "alt text",
                       "<alt>", "description here", "insert ")
DELTA_E_MIN = 10.0


def test_all_ten_chapters_are_checked():
    assert [p.name[:2] for p in CHAPTERS] == [f"{k:02d}" for k in range(1, 11)]


# ------------------------------------------------------------------------------------------
# Alt text
# ------------------------------------------------------------------------------------------

def _html(out) -> str:
    html = out.get("data", {}).get("text/html", "")
    return "".join(html) if isinstance(html, list) else html


def _n_png(cell) -> int:
    return sum("image/png" in out.get("data", {}) for out in cell.get("outputs", []))


def _n_animation(cell) -> int:
    return sum('class="animation"' in _html(out) for out in cell.get("outputs", []))


def _figure_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and (_n_png(c) or _n_animation(c))]


def _myst_nb_alt(cell) -> str | None:
    """The alt text myst-nb takes from the cell metadata (its own cell-level config lookup)."""
    warnings = []
    options = NbParserConfig().get_cell_level_config(
        "render_image_options", cell.metadata, lambda msg, subtype: warnings.append(msg))
    assert not warnings, f"cell {cell.get('id')}: myst-nb rejects the metadata: {warnings}"
    return options.get("alt")


def _alt_problem(text) -> str | None:
    if not isinstance(text, str) or not text.strip():
        return "no alt text (set cell.metadata['mystnb']['image']['alt'])"
    words = text.split()
    if len(words) < MIN_WORDS:
        return f"alt text of {len(words)} words, fewer than {MIN_WORDS}: {text!r}"
    low = text.lower()
    marker = next((m for m in PLACEHOLDER_MARKERS if m in low), None)
    if marker:
        return f"alt text looks like a placeholder ({marker!r}): {text!r}"
    return None


@pytest.fixture(scope="module", params=CHAPTERS, ids=lambda p: p.stem)
def chapter(request):
    return request.param, nbformat.read(request.param, as_version=4)


def test_every_figure_has_alt_text(chapter):
    path, nb = chapter
    figures = _figure_cells(nb)
    assert figures, f"{path.name}: no figure found; has the notebook lost its outputs?"
    problems = []
    for cell in figures:
        problem = _alt_problem(_myst_nb_alt(cell))
        if problem:
            problems.append(f"cell {cell.get('id')}: {problem}")
    assert not problems, (f"{path.name}: {len(problems)} of {len(figures)} figures lack a "
                          "usable alt text:\n" + "\n".join(problems))


def test_no_two_figures_of_a_chapter_share_an_alt_text(chapter):
    path, nb = chapter
    seen = {}
    for cell in _figure_cells(nb):
        text = _myst_nb_alt(cell)
        if isinstance(text, str) and text.strip():
            seen.setdefault(" ".join(text.lower().split()), []).append(cell.get("id"))
    shared = {ids[0]: ids for ids in seen.values() if len(ids) > 1}
    assert not shared, f"{path.name}: cells sharing one alt text: {list(shared.values())}"


def test_alt_text_reaches_the_html_img(chapter, tmp_path):
    """Render the chapter's image outputs with myst-nb; each <img> carries its cell's text."""
    path, nb = chapter
    sub = nbformat.v4.new_notebook(metadata=nb.metadata)
    expected = []
    for cell in _figure_cells(nb):
        pngs = [out for out in cell.outputs if "image/png" in out.get("data", {})]
        if not pngs:
            continue
        assert all(base64.b64decode(out["data"]["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
                   for out in pngs)
        sub.cells.append(nbformat.v4.new_code_cell(  # not executed; an empty cell is dropped
            cell.source, metadata=cell.metadata,
            outputs=[nbformat.v4.new_output("display_data", data={"image/png": out["data"]
                     ["image/png"]}) for out in pngs]))
        expected += [_myst_nb_alt(cell)] * len(pngs)
    html = publish_string(nbformat.writes(sub), parser=Parser(), writer_name="html5",
                          settings_overrides={"nb_execution_mode": "off",
                                              "nb_output_folder": str(tmp_path),
                                              "output_encoding": "unicode",
                                              "report_level": 2, "halt_level": 2})
    imgs = re.findall(r"<img\b[^>]*>", html)
    alts = [unescape(m.group(1)) if (m := re.search(r'\balt="([^"]*)"', img)) else None
            for img in imgs]
    assert len(imgs) == len(expected), f"{path.name}: {len(imgs)} <img> for {len(expected)}"
    mismatched = [k for k, (a, e) in enumerate(zip(alts, expected, strict=True)) if a != e]
    assert not mismatched, (f"{path.name}: images {mismatched} do not carry their cell's alt "
                            f"text in the HTML: {[alts[k] for k in mismatched]}")


# ------------------------------------------------------------------------------------------
# Palette under colour-vision deficiencies
# ------------------------------------------------------------------------------------------

# Machado, Oliveira and Fernandes (2009), "A physiologically-based model for simulation of
# color vision deficiency", IEEE TVCG 15(6), table of matrices, severity 1.0 (linear RGB).
MACHADO_2009 = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],   # IEC 61966-2-1, D65
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
TAB10 = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
         "#7f7f7f", "#bcbd22", "#17becf"]  # matplotlib's default cycle


def _linear_rgb(hex_color: str) -> np.ndarray:
    h = hex_color.lstrip("#")
    c = np.array([int(h[i:i + 2], 16) for i in (0, 2, 4)]) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65 white) of a linear-RGB colour."""
    t = (SRGB_TO_XYZ @ linear_rgb) / (SRGB_TO_XYZ @ np.ones(3))
    d = 6 / 29
    f = np.where(t > d**3, np.cbrt(t), t / (3 * d * d) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _ciede2000(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005), kL = kC = kH = 1."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25.0**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360
    dh = h2p - h1p
    if c1p * c2p == 0:
        dh = 0.0
    elif dh > 180:
        dh -= 360
    elif dh < -180:
        dh += 360
    d_l, d_c = L2 - L1, c2p - c1p
    d_h = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dh / 2))
    l_bar, cp_bar = (L1 + L2) / 2, (c1p + c2p) / 2
    if c1p * c2p == 0:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        h_bar = (h1p + h2p + 360) / 2
    else:
        h_bar = (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(h_bar - 30)) + 0.24 * np.cos(np.radians(2 * h_bar))
         + 0.32 * np.cos(np.radians(3 * h_bar + 6)) - 0.20 * np.cos(np.radians(4 * h_bar - 63)))
    d_theta = 30 * np.exp(-(((h_bar - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cp_bar**7 / (cp_bar**7 + 25.0**7))
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / np.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2
                         + r_t * (d_c / s_c) * (d_h / s_h)))


def _simulated_lab(hex_color: str, condition: str) -> np.ndarray:
    rgb = _linear_rgb(hex_color)
    if condition != "normal":
        rgb = np.clip(MACHADO_2009[condition] @ rgb, 0.0, 1.0)
    return _lab(rgb)


def _closest_pairs(palette, condition):
    labs = [_simulated_lab(c, condition) for c in palette]
    return sorted((_ciede2000(labs[i], labs[j]), palette[i], palette[j])
                  for i, j in itertools.combinations(range(len(palette)), 2))


@pytest.mark.parametrize(("lab1", "lab2", "expected"), [
    # Sharma, Wu and Dalal (2005), table 1, pairs 1, 4, 17, 25, 33 and 34
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
])
def test_ciede2000_matches_the_published_test_pairs(lab1, lab2, expected):
    assert abs(_ciede2000(np.array(lab1), np.array(lab2)) - expected) < 1e-4
    assert abs(_ciede2000(np.array(lab2), np.array(lab1)) - expected) < 1e-4


def test_lab_of_the_sRGB_primaries_and_white():
    assert np.allclose(_lab(np.ones(3)), [100.0, 0.0, 0.0], atol=1e-6)
    assert np.allclose(_lab(np.zeros(3)), [0.0, 0.0, 0.0], atol=1e-9)
    # sRGB red, a standard value (Lindbloom's calculator): L* 53.24, a* 80.09, b* 67.20
    assert np.allclose(_lab(_linear_rgb("#FF0000")), [53.24, 80.09, 67.20], atol=0.02)


@pytest.mark.parametrize("condition", list(MACHADO_2009))
def test_machado_matrices_keep_white_and_grey(condition):
    m = MACHADO_2009[condition]
    assert np.allclose(m.sum(axis=1), 1.0, atol=2e-6)  # greys are seen unchanged


def test_protanopia_sees_red_darker():
    """Protanopes lack the long-wave cones: pure red loses much of its lightness."""
    red = _linear_rgb("#FF0000")
    assert _lab(np.clip(MACHADO_2009["protanopia"] @ red, 0, 1))[0] < _lab(red)[0] - 10


def test_chapters_use_the_book_palette():
    with mpl.rc_context():
        plotting.use_book_style()
        cycle = [mpl.colors.to_hex(c["color"]).upper() for c in mpl.rcParams["axes.prop_cycle"]]
    assert cycle == [c.upper() for c in plotting.COLORS]
    palette = {c.upper() for c in plotting.COLORS}
    for path in CHAPTERS:
        nb = nbformat.read(path, as_version=4)
        code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
        assert "plotting.use_book_style()" in code, f"{path.name} does not set the book style"
        literal = {h.upper() for h in re.findall(r"[\"'](#[0-9A-Fa-f]{6})[\"']", code)}
        assert literal <= palette, f"{path.name} uses colours outside the palette: {literal}"


@pytest.mark.parametrize("condition", ["normal", *MACHADO_2009])
def test_book_palette_stays_distinguishable(condition):
    failing = [(round(d, 1), a, b) for d, a, b in _closest_pairs(plotting.COLORS, condition)
               if d <= DELTA_E_MIN]
    assert not failing, (f"{condition}: colour pairs with CIEDE2000 difference at most "
                         f"{DELTA_E_MIN}: {failing}")


def test_the_palette_check_rejects_a_confusable_palette():
    d, a, b = _closest_pairs(TAB10, "protanopia")[0]
    assert d < DELTA_E_MIN / 2 and {a, b} == {"#ff7f0e", "#2ca02c"}
    d, a, b = _closest_pairs(TAB10, "deuteranopia")[0]
    assert d < DELTA_E_MIN / 2
