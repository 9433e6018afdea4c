"""The pixel-tolerant comparison of animation frames (tests/nbval_frames.py) that nbval uses
for the book's animations: it survives a change of text rendering (another matplotlib
version, other hinting) and still catches a wrong frame.

The stored fixture ``tests/data/frames_matplotlib_3.8.json`` holds the frames of the animation
below as rendered by matplotlib 3.8.0 (the floor of requirements.txt; regenerate it with
``python tests/test_animation_frames.py`` in an environment with matplotlib 3.8.0).
"""

import base64
import json
import pathlib
import subprocess
import sys

import matplotlib
import nbval_frames as F
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "data" / "frames_matplotlib_3.8.json"
X = np.linspace(0.0, 2.0 * np.pi, 200)
PHASES = (0.0, 0.5, 1.0, 1.5, 2.0)


def draw(fig, phase):
    """One frame: a curve, a moving marker, labels and a title that changes."""
    ax = fig.add_subplot(1, 1, 1)
    ax.plot(X, np.sin(X + phase), color="C0", label="sin(x + phase)")
    ax.plot([phase], [np.sin(2 * phase)], "o", color="C1", markersize=8)
    ax.set_xlim(0, 2 * np.pi)
    ax.set_ylim(-1.3, 1.3)
    ax.set_xlabel("x")
    ax.set_ylabel("value")
    ax.set_title(f"phase = {phase:.2f}")
    ax.legend(loc="upper right")


def render(phases=PHASES, draw_frame=draw, **rc):
    import matplotlib.pyplot as plt

    from lib.widgets import jshtml_sweep

    with plt.rc_context(rc):
        return jshtml_sweep(draw_frame, phases, figsize=(6.0, 3.0), dpi=72).data  # as the fixture


def frames(html):
    return F.decode_frames(F.frames_in_html(html))


@pytest.fixture(scope="module")
def reference():
    return frames(render())


def test_identical_frames_agree(reference):
    assert F.compare_frames(reference, frames(render())) == (True, "")


def test_other_text_hinting_agrees(reference):
    """No hinting changes the text pixels (not the bytes only) and still agrees."""
    other = frames(render(**{"text.hinting": "no_hinting"}))
    text_changed = [float(np.mean(a != b)) for a, b in zip(reference, other, strict=False)]
    assert min(text_changed) > 3e-3  # a real rendering change, not a no-op
    assert F.compare_frames(reference, other) == (True, "")


def test_frames_of_matplotlib_38_agree_with_this_matplotlib(reference):
    """The real case: frames stored by matplotlib 3.8.0 against this environment's."""
    stored = F.decode_frames(json.loads(FIXTURE.read_text())["frames"])
    major_minor = tuple(int(v) for v in matplotlib.__version__.split(".")[:2])
    if major_minor >= (3, 11):  # 3.11 changed text rendering (3.8 to 3.10 draw alike)
        diffs = [float(np.mean(a != b)) for a, b in zip(stored, reference, strict=False)]
        assert max(diffs) > 0  # the renderings really differ, pixel for pixel
    assert F.compare_frames(stored, reference) == (True, "")


def test_swapped_frames_fail(reference):
    wrong = list(reference)
    wrong[1], wrong[2] = wrong[2], wrong[1]
    agree, reason = F.compare_frames(reference, wrong)
    assert not agree and ("frames 0 -> 1" in reason or "frame 1" in reason)


def test_repeated_frame_fails(reference):
    wrong = list(reference)
    wrong[3] = wrong[2]
    agree, reason = F.compare_frames(reference, wrong)
    assert not agree and ("frames 2 -> 3" in reason or "frame 3" in reason)


def test_frame_drawn_with_another_parameter_fails(reference):
    """One frame drawn for phase 1.1 instead of 1.0: a small shift of the curve and marker."""
    wrong = frames(render(phases=(0.0, 0.5, 1.1, 1.5, 2.0)))
    agree, reason = F.compare_frames(reference, wrong)
    assert not agree and ("frames 1 -> 2" in reason or "frame 2" in reason)


def test_wrong_stored_animation_fails_against_matplotlib_38():
    """Across matplotlib versions too: the 3.8 frames against a wrong current rendering."""
    stored = F.decode_frames(json.loads(FIXTURE.read_text())["frames"])
    wrong = frames(render(phases=(0.0, 0.5, 1.0, 1.6, 2.0)))
    agree, _ = F.compare_frames(stored, wrong)
    assert not agree


def test_a_wrong_static_element_fails(reference):
    """A curve drawn in another place in every frame (a step would not show it)."""
    def shifted(fig, phase):
        draw(fig, phase)
        fig.axes[0].plot(X, 0.5 * np.cos(3 * X), color="k", lw=2)

    agree, reason = F.compare_frames(reference, frames(render(draw_frame=shifted)))
    assert not agree and "frame 0" in reason


def test_missing_frame_and_other_size_fail(reference):
    assert F.compare_frames(reference, reference[:-1])[0] is False
    small = [a[:-1] for a in reference]
    agree, reason = F.compare_frames(reference, small)
    assert not agree and "px" in reason


def _notebook(tmp_path, html):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    code = ("import sys\n"
            f"sys.path.insert(0, {str(ROOT / 'tests')!r})\n"
            "from test_animation_frames import render\n"
            "from IPython.display import HTML\n"
            "HTML(render())")
    cell = nbformat.v4.new_code_cell(code, execution_count=1)
    data = {"text/html": html, "text/plain": "<IPython.core.display.HTML object>"}
    cell.outputs = [nbformat.v4.new_output("execute_result", data, execution_count=1)]
    nb.cells = [cell]
    path = tmp_path / "anim.ipynb"
    nbformat.write(nb, path)
    return path


def _nbval(path):
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", str(path), "-p", "no:cacheprovider",
         "-p", "nbval_frames", "--nbval-current-env", "-q",
         "--nbval-sanitize-with", str(ROOT / "tests" / "nbval_sanitize.cfg"),
         "--rootdir", str(path.parent), "-c", str(path.parent / "none.toml")],
        capture_output=True, text=True, timeout=300, cwd=path.parent,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT / "tests")})


def test_nbval_accepts_other_text_rendering_and_rejects_a_wrong_frame(tmp_path):
    """End to end through `pytest --nbval`: a stored animation rendered without hinting
    passes; the same with two frames swapped fails and names the frames."""
    (tmp_path / "none.toml").write_text("")
    other = render(**{"text.hinting": "no_hinting"})
    ok = _nbval(_notebook(tmp_path, other))
    assert ok.returncode == 0, ok.stdout[-3000:] + ok.stderr[-2000:]

    data = F.frames_in_html(other)
    swapped = other.replace(data[1], "SWAP").replace(data[2], data[1]).replace("SWAP", data[2])
    bad = _nbval(_notebook(tmp_path, swapped))
    assert bad.returncode == 1, bad.stdout[-3000:]
    assert "animation frames: frame 1" in bad.stdout


if __name__ == "__main__":  # regenerate the fixture with matplotlib 3.8.0
    assert matplotlib.__version__ == "3.8.0", matplotlib.__version__
    FIXTURE.parent.mkdir(exist_ok=True)
    stored = F.frames_in_html(render())
    FIXTURE.write_text(json.dumps({"matplotlib": matplotlib.__version__, "phases": PHASES,
                                   "frames": stored}, indent=0) + "\n")
    print("wrote", FIXTURE, sum(len(base64.b64decode(s)) for s in stored), "bytes of PNG")
