"""Animation frames compared with a pixel tolerance inside ``pytest --nbval``.

The book's animations (``lib.widgets.jshtml_sweep``) embed their frames as base64 PNG images
in a ``text/html`` output. nbval compares that HTML byte for byte, but matplotlib's text
rendering changes between versions (glyph shapes, kerning: 1-3 % of a frame's pixels differ
between matplotlib 3.8 and 3.11, text only), so a byte comparison fails on a reader's machine
although every frame is right. :func:`install` wraps nbval's output comparison: when the
stored and the new output of a cell are animations, their frames are decoded and compared
by :func:`compare_frames`; if every frame agrees within the tolerance, the new output's frame
data are replaced by the stored ones, so nbval's byte comparison then checks the rest of the
HTML (the player, the number of frames, the interval) exactly. If a frame disagrees, the
frames are left as they are, the cell fails, and the report says which frame and why.

What the comparison checks:

* the same number of frames, each of the same size;
* each frame: at most ``FRAME_TOL`` (0.25 %) of its pixels have no counterpart within
  ``NEAR_RADIUS`` (2) pixels in the stored frame (every channel within 64 of 255). Glyphs
  drawn a pixel or two apart find their counterpart; a curve or marker drawn elsewhere does
  not. Measured on the book's three animations, matplotlib 3.8 against 3.11: at most 0.10 %
  (while 1-3 % of the pixels differ); a curve added to every frame: 1.3 %; a frame drawn
  for phase 1.1 instead of 1.0: 0.49 %;
* each step between consecutive frames (frames smoothed by a 3x3 box filter, a pixel
  "changes" where a channel changes by more than 40 of 255): the pixels that the stored step
  from frame k to frame k+1 changes must change the same way (within 2 px) in the new step.
  Static parts cancel in a step; text that only one renderer re-centres (a title whose width
  changes) adds changes to the new step, which are not counted, so a change of text
  rendering leaves at most 0.3 % of a step's changed pixels unmatched (measured on the book's
  animations, matplotlib 3.8 against 3.11), while a repeated or reordered frame leaves
  about all of them (ratio 1). A step fails when more than ``STEP_RATIO`` (0.5) of its
  changed pixels, plus ``STEP_SLACK`` (0.01 % of the frame), are unmatched. A frame drawn
  with another parameter is caught by the per-frame check above.

Limits, by design: a change confined to glyph shapes (a digit in a label) is not detected by
pixels; the book prints the numbers its figures show as text outputs, which nbval compares
exactly. ``tests/test_animation_frames.py`` shows both directions: a re-rendering with other
text rendering passes, and deliberately wrong frames (swapped, repeated, drawn with another
parameter, a missing frame) fail.
"""

from __future__ import annotations

import base64
import copy
import io
import re

import numpy as np

FRAME_RE = re.compile(r'(frames\[(\d+)\] = "data:image/png;base64,)([^"]+)(")')
PIXEL_TOL = 40  # of 255, after smoothing
NEAR_RADIUS = 2  # px: a pixel matches if some pixel this close in the other frame matches it
NEAR_TOL = 64  # of 255
FRAME_TOL = 0.0025
STEP_RATIO = 0.5
STEP_SLACK = 1e-4

__all__ = ["compare_frames", "decode_frames", "frames_in_html", "install", "reconcile"]


def frames_in_html(html: str) -> list[str]:
    """The base64 PNG data of every frame of a ``jshtml_sweep``/``to_jshtml`` player."""
    found = FRAME_RE.findall(html)
    return [data for _, index, data, _ in sorted(found, key=lambda m: int(m[1]))]


def decode_frames(frames: list[str]) -> list[np.ndarray]:
    """Decode base64 PNG frames into float RGB arrays of shape (H, W, 3)."""
    from PIL import Image  # a dependency of matplotlib

    images = []
    for data in frames:
        with Image.open(io.BytesIO(base64.b64decode(data))) as img:
            images.append(np.asarray(img.convert("RGB"), dtype=float))
    return images


def _smooth(a: np.ndarray) -> np.ndarray:
    p = np.pad(a, ((1, 1), (1, 1), (0, 0)), mode="edge")
    h, w = a.shape[:2]
    return sum(p[i:i + h, j:j + w] for i in range(3) for j in range(3)) / 9.0


def _differing(d: np.ndarray) -> float:
    """Fraction of pixels where some channel of the difference exceeds PIXEL_TOL."""
    return float(np.mean(np.abs(d).max(axis=2) > PIXEL_TOL))


def _nearest_gap(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Per pixel of ``x``: the smallest channel-wise max difference to a pixel of ``y`` within
    NEAR_RADIUS (so that glyphs drawn a pixel or two apart match)."""
    r = NEAR_RADIUS
    h, w = x.shape[:2]
    p = np.pad(y, ((r, r), (r, r), (0, 0)), mode="edge")
    best = np.full((h, w), np.inf)
    for i in range(2 * r + 1):
        for j in range(2 * r + 1):
            best = np.minimum(best, np.abs(x - p[i:i + h, j:j + w]).max(axis=2))
    return best


def _unmatched(a: np.ndarray, b: np.ndarray) -> float:
    """Fraction of the pixels of ``a`` that no pixel of ``b`` within NEAR_RADIUS matches (all
    channels within NEAR_TOL), in either direction: glyphs rendered a pixel or two apart
    match, a line or marker drawn elsewhere does not."""
    return max(float(np.mean(_nearest_gap(a, b) > NEAR_TOL)),
               float(np.mean(_nearest_gap(b, a) > NEAR_TOL)))


def compare_frames(ref: list[np.ndarray], new: list[np.ndarray]) -> tuple[bool, str]:
    """Compare two decoded animations; returns (agree, reason of the first disagreement)."""
    if len(ref) != len(new):
        return False, f"the animation has {len(new)} frames, the stored one {len(ref)}"
    for k, (a, b) in enumerate(zip(ref, new, strict=False)):
        if a.shape != b.shape:
            return False, (f"frame {k} is {b.shape[1]}x{b.shape[0]} px, "
                           f"stored {a.shape[1]}x{a.shape[0]}")
    for k, (a, b) in enumerate(zip(ref, new, strict=False)):
        frac = _unmatched(a, b)
        if frac > FRAME_TOL:
            return False, (f"frame {k}: {frac:.2%} of its pixels have no match within "
                           f"{NEAR_RADIUS} px in the stored frame (tolerance {FRAME_TOL:.2%})")
    ref_s = [_smooth(a) for a in ref]
    new_s = [_smooth(b) for b in new]
    for k in range(len(ref) - 1):
        step_ref = ref_s[k + 1] - ref_s[k]
        step_new = new_s[k + 1] - new_s[k]
        moved = np.abs(step_ref).max(axis=2) > PIXEL_TOL  # what the stored step changes
        changed = float(np.mean(moved))
        # of those pixels, the ones the new step does not change the same way (within 2 px)
        disagree = float(np.mean(moved & (_nearest_gap(step_ref, step_new) > PIXEL_TOL)))
        if disagree > STEP_RATIO * changed + STEP_SLACK:
            return False, (f"frames {k} -> {k + 1}: of the {changed:.3%} of the pixels the "
                           f"stored step changes, {disagree:.3%} do not change the same way "
                           f"(tolerance {STEP_RATIO} x {changed:.3%} + {STEP_SLACK:.2%})")
    return True, ""


def _html_of(output) -> str | None:
    html = output.get("data", {}).get("text/html") if hasattr(output, "get") else None
    if isinstance(html, list):  # nbformat may store multi-line strings as lists
        html = "".join(html)
    return html if html and FRAME_RE.search(html) else None


def reconcile(test_outputs, ref_outputs):
    """Return (test outputs to compare, notes): animation outputs of ``test_outputs`` whose
    frames agree with the stored ones (paired in order) get the stored frame data."""
    ref_anims = [h for h in (_html_of(o) for o in ref_outputs) if h]
    if not ref_anims:
        return test_outputs, []
    result, notes, i = [], [], 0
    for out in test_outputs:
        html = _html_of(out)
        if html is None or i >= len(ref_anims):
            result.append(out)
            continue
        ref_html = ref_anims[i]
        i += 1
        ref_data = frames_in_html(ref_html)
        new_data = frames_in_html(html)
        if ref_data == new_data:
            result.append(out)
            continue
        agree, reason = compare_frames(decode_frames(ref_data), decode_frames(new_data))
        if not agree:
            notes.append(f"animation frames: {reason}")
            result.append(out)
            continue
        replaced = FRAME_RE.sub(
            lambda m, data=ref_data: m.group(1) + data[int(m.group(2))] + m.group(4), html)
        out = copy.deepcopy(out)
        out["data"]["text/html"] = replaced
        result.append(out)
    return result, notes


def install() -> None:
    """Wrap nbval's cell-output comparison with :func:`reconcile` (idempotent)."""
    from nbval.plugin import IPyNbCell

    original = IPyNbCell.compare_outputs
    if getattr(original, "_frames_tolerant", False):
        return

    def compare_outputs(self, test, ref, skip_compare=None):
        test, notes = reconcile(test, ref)
        ok = original(self, test, ref, skip_compare)
        if not ok and notes:
            self.comparison_traceback.extend(notes)
        return ok

    compare_outputs._frames_tolerant = True
    IPyNbCell.compare_outputs = compare_outputs


def pytest_configure(config):
    """Loaded as a pytest plugin (``-p nbval_frames``, or from the root conftest.py)."""
    if config.pluginmanager.hasplugin("nbval"):
        install()
