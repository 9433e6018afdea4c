"""lib.widgets.jshtml_sweep against matplotlib's own FuncAnimation.to_jshtml."""

import base64
import io
import re

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib import animation

from lib import widgets

FRAME = re.compile(r'frames\[(\d+)\] = "data:image/png;base64,([^"]*)"')
ID = re.compile(r"[0-9a-f]{32}")


def draw(fig, k):
    ax = fig.add_subplot(1, 2, 1)
    x = np.linspace(0, 1, 50)
    ax.plot(x, np.sin((k + 1) * x), label=f"k = {k}")
    ax.set_title(f"frame {k}")
    ax.legend()
    fig.add_subplot(1, 2, 2).bar([0, 1], [k, 1])


def reference_jshtml(values, figsize, interval, dpi):
    """The same frames drawn through FuncAnimation.to_jshtml, with jshtml_sweep's layout."""
    fig = plt.figure(figsize=figsize, dpi=dpi, layout="none")
    margins = {"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.82, "wspace": 0.3}

    def frame(i):
        fig.clear()
        fig.subplots_adjust(**margins)
        draw(fig, values[i])
        return []

    anim = animation.FuncAnimation(fig, frame, frames=len(values), interval=interval)
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    return html


def split(html):
    frames = [base64.b64decode(data.replace("\\\n", "")) for _, data in FRAME.findall(html)]
    skeleton = ID.sub("ID", FRAME.sub("FRAME", html))
    return skeleton, frames


def pixels(png):
    return mpimg.imread(io.BytesIO(png), format="png")


@pytest.mark.parametrize("interval,n_frames", [(400, 4), (250, 1), (900, 2)])
def test_jshtml_sweep_is_to_jshtml_with_each_frame_drawn_once(interval, n_frames):
    values = list(range(n_frames))
    html = widgets.jshtml_sweep(draw, values, figsize=(6.0, 3.0), interval=interval).data
    ref = reference_jshtml(values, (6.0, 3.0), interval, 100)  # jshtml_sweep's default dpi
    skeleton, frames = split(html)
    ref_skeleton, ref_frames = split(ref)
    assert skeleton == ref_skeleton  # same player, controls, frame count and interval
    assert len(frames) == len(values)
    for got, want in zip(frames, ref_frames, strict=True):
        a, b = pixels(got), pixels(want)
        assert a.shape == b.shape == (3 * 100, 6 * 100, 4)
        assert np.array_equal(a, b)  # the same image, pixel for pixel
    assert len(set(frames)) == len(values)  # and the frames differ from each other


def test_jshtml_sweep_keeps_its_margins_on_every_frame():
    # Figure.clear() resets the subplot parameters: every frame must get the margins back
    tops = []
    widgets.jshtml_sweep(lambda fig, v: tops.append(fig.add_subplot().get_position().y1),
                         range(3))
    assert np.allclose(tops, 0.82)


def test_jshtml_sweep_counts_calls_and_closes_its_figure():
    calls = []
    before = plt.get_fignums()
    widgets.jshtml_sweep(lambda fig, v: calls.append(v) or fig.add_subplot(), "abc")
    assert calls == ["a", "b", "c"]  # each frame drawn once
    assert plt.get_fignums() == before


def test_jshtml_sweep_rejects_bad_input():
    with pytest.raises(ValueError, match="values"):
        widgets.jshtml_sweep(draw, [])
    with pytest.raises(ValueError, match="interval"):
        widgets.jshtml_sweep(draw, [1], interval=0)


def test_gd_iterations_sweep_frames_equal_frames_drawn_from_scratch():
    """The incremental animation (axes built once, iterates redrawn) shows the same images
    as drawing every frame on a cleared figure."""
    from lib import gradient_descent, objectives, plotting

    w = objectives.wavy_parabola()
    runs = [(w, gradient_descent(w.grad, 6.0, g, 5), (-2, 8), (-1.5, 40), f"gamma = {g}")
            for g in (0.05, 0.5)]
    html = widgets.gd_iterations_sweep(runs, steps=6, figsize=(8.0, 3.0)).data

    def scratch(fig, t):
        axes = fig.subplots(1, len(runs), squeeze=False)[0]
        for ax, (obj, path, xlim, ylim, title) in zip(axes, runs, strict=True):
            plotting.gd_path_1d(ax, obj.f, path[: t + 1, 0], xlim=xlim, annotate=False)
            ax.set_ylim(ylim)
            ax.set_title(f"{title}\niteration t = {min(t, len(path) - 1)}", fontsize=10)

    ref = widgets.jshtml_sweep(scratch, range(7), figsize=(8.0, 3.0), interval=500).data
    frames, ref_frames = split(html)[1], split(ref)[1]
    assert len(frames) == 7
    for got, want in zip(frames, ref_frames, strict=True):
        a, b = pixels(got), pixels(want)
        assert a.shape == b.shape
        assert np.mean(np.abs(a - b) > 1 / 255) < 1e-3  # at most a few anti-aliasing pixels


def test_jshtml_sweep_frames_share_one_fixed_layout_under_the_book_style():
    """The book style turns constrained layout on; every frame must still use the fixed
    margins (a layout that changes between frames makes the animation jump)."""
    import matplotlib as mpl

    from lib import plotting

    engines, positions = [], []

    def frame(fig, k):
        engines.append(fig.get_layout_engine())
        ax = fig.add_subplot()
        ax.set_title(f"frame {k}\nsecond line")
        ax.set_xlabel("x")
        positions.append(ax)

    with mpl.rc_context():
        plotting.use_book_style()
        widgets.jshtml_sweep(frame, range(4))
    assert engines == [None] * 4
    boxes = [ax.get_position().bounds for ax in positions]
    assert np.allclose(boxes, boxes[0]) and np.isclose(boxes[0][1] + boxes[0][3], 0.82)


@pytest.mark.parametrize("n_frames, picks", [(1, [0]), (3, [0, 1, 2]), (4, [0, 1, 2, 3]),
                                              (7, [0, 2, 4, 6]), (10, [0, 3, 6, 9])])
def test_jshtml_sweep_carries_a_static_grid_of_frames(n_frames, picks):
    """The PDF edition (and any renderer without JavaScript) shows image/png: the frames
    `picks` of the player, in order, two by two; HTML and JupyterLab keep the player."""
    import base64
    import io
    import re

    from IPython.core.formatters import DisplayFormatter
    from matplotlib import image

    anim = widgets.jshtml_sweep(lambda fig, v: fig.add_subplot().plot([0, 1], [0, v]),
                                range(n_frames), figsize=(3.0, 2.0), dpi=40)
    bundle = DisplayFormatter().format(anim)[0]
    assert bundle["text/html"] == anim.data and "image/png" in bundle
    frames = [image.imread(io.BytesIO(base64.b64decode(b)), format="png")[..., :3]
              for b in re.findall(r'frames\[\d+\] = "data:image/png;base64,([^"]+)"', anim.data)]
    assert len(frames) == n_frames
    grid = image.imread(io.BytesIO(bundle["image/png"]), format="png")[..., :3]
    h, w, _ = frames[0].shape
    for k, i in enumerate(picks):
        r, c = divmod(k, 2)
        np.testing.assert_array_equal(grid[r * h:(r + 1) * h, c * w:(c + 1) * w], frames[i])
    rows, cols = (1, len(picks)) if len(picks) <= 2 else (2, 2)
    assert grid.shape[:2] == (rows * h, cols * w)
