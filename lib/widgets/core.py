"""The explorer machinery: :class:`Explorer`, :func:`explorer`, :func:`jshtml_sweep` and
:func:`figure_png` (the chapters' explorers are built on them)."""


from __future__ import annotations

import base64
import io
import uuid
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as ipw
import matplotlib.pyplot as plt
from IPython.display import HTML, display
from matplotlib.figure import Figure

from .._validate import (
    check_callable,
    check_positive,
)


def figure_png(fig, dpi=90) -> bytes:
    """Render a figure to PNG bytes and close it."""
    if not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    check_positive(dpi, "dpi")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


class Explorer(ipw.VBox):
    """A VBox of controls, a summary line and an image, re-drawn on every change.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
    image : ipywidgets.Image
    text : ipywidgets.HTML
        The summary line (numbers at fixed precision).
    """

    def __init__(self, draw, controls, summary=None, title=""):
        check_callable(draw, "draw")
        if not isinstance(controls, dict):
            raise TypeError("controls must be a dict of name -> widget, "
                            f"got {type(controls).__name__}")
        self._draw = draw
        self._summary = summary
        self.title = title
        self.controls = dict(controls)
        self.image = ipw.Image(format="png", layout=ipw.Layout(max_width="100%"))
        self.text = ipw.HTML()
        header = [ipw.HTML(f"<b>{title}</b>")] if title else []
        super().__init__(header + list(self.controls.values()) + [self.text, self.image])
        for c in self.controls.values():
            c.observe(self._update, names="value")
        self._update()

    @property
    def values(self) -> dict:
        """Current value of every control."""
        return {k: c.value for k, c in self.controls.items()}

    def _update(self, change=None):
        vals = self.values
        self.text.value = self._summary(**vals) if self._summary else ""
        self.image.value = figure_png(self._draw(**vals))

    def show(self, static: bool = True) -> None:
        """Display the explorer and, for readers of the static page, a figure of its state."""
        display(self)
        if static:
            self._draw(**self.values)
            if self._summary:
                print(self._summary(**self.values).replace("<b>", "").replace("</b>", ""))
            plt.show()

    def __repr__(self):  # short text/plain for the notebook (nbval compares it)
        return f"Explorer({self.title!r}: {', '.join(self.controls)})"


def explorer(draw, controls, summary=None, title="") -> Explorer:
    """Build an :class:`Explorer` from a draw function and a dict of controls."""
    check_callable(draw, "draw")
    return Explorer(draw, controls, summary, title)


# Fixed margins of animation frames: room for two-line titles and the x label.
_SWEEP_MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.82, "wspace": 0.3}


def jshtml_sweep(draw_frame: Callable[[Figure, Any], object], values: Iterable[Any], *,
                 figsize: tuple[float, float] = (6.4, 4.0), interval: int = 400, dpi: float = 100,
                 clear: bool = True) -> HTML:
    """A kernel-free animation over ``values``: ``draw_frame(fig, value)`` draws one frame.

    With ``clear=False`` the figure is not cleared between frames: ``draw_frame`` builds the
    axes on its first call and then only updates what changes (new axes cost most of a
    frame's drawing time, in tick creation).

    The result is the HTML player of matplotlib's ``FuncAnimation.to_jshtml`` (slider, play
    buttons, the frames embedded as PNG), built by drawing each frame exactly once:
    ``to_jshtml`` itself draws every frame three times (the animation step, a canvas refresh,
    the frame grab), which made the book's animations twice as slow to execute. Frames are
    rendered at ``dpi`` (100 by default, so that labels stay legible; every frame is embedded
    in the page, so resolution costs execution time and page weight) with a fixed layout,
    since re-solving a constrained layout for every frame costs more than drawing it.

    Returns a :class:`SweepAnimation` (an ``IPython.display.HTML``): the player for HTML
    pages and JupyterLab, and a static image of up to four evenly spaced frames (in order,
    two by two) for renderers that cannot play it: the PDF edition shows that image.
    """
    check_callable(draw_frame, "draw_frame")
    if hasattr(values, "__len__") and len(values) == 0:
        raise ValueError("values must hold at least one frame value, got none")
    check_positive(interval, "interval")
    check_positive(dpi, "dpi")
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one frame value")
    if not (isinstance(interval, (int, float)) and interval > 0):
        raise ValueError(f"interval must be a positive number of milliseconds, got {interval!r}")
    # No layout engine for any frame: with the book style's constrained layout in rcParams,
    # savefig would switch the figure to constrained layout after the first frame (it restores
    # the "unset" engine, which means "from rcParams").
    with plt.rc_context({"figure.constrained_layout.use": False, "figure.autolayout": False}):
        fig = plt.figure(figsize=figsize, dpi=dpi, layout="none")
        fig.subplots_adjust(**_SWEEP_MARGINS)
        frames = []
        try:
            for value in values:
                if clear:
                    fig.clear()  # this also resets the margins to the rcParams defaults
                    fig.subplots_adjust(**_SWEEP_MARGINS)
                draw_frame(fig, value)
                buf = io.BytesIO()
                fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
                frames.append(base64.b64encode(buf.getvalue()).decode("ascii"))
        finally:
            plt.close(fig)
    return SweepAnimation(_jshtml_player(frames, interval), _frame_grid(frames))


class SweepAnimation(HTML):
    """The animation player (``text/html``) with a static summary (``image/png``).

    HTML pages and JupyterLab prefer the player; a renderer without JavaScript (the LaTeX
    builder of the PDF edition) takes the image: frames ``0, n/3, 2n/3, n-1`` (all of them
    when there are at most four) in a grid, read left to right, top to bottom.
    """

    def __init__(self, html: str, png: bytes) -> None:
        super().__init__(html)
        self.png = png

    def _repr_png_(self) -> bytes:
        return self.png


def _frame_grid(frames: list[str]) -> bytes:
    """PNG of up to four evenly spaced base64 ``frames`` (equal sizes), two by two."""
    import numpy as np
    from matplotlib import image

    n = len(frames)
    picks = sorted({round(k * (n - 1) / 3) for k in range(4)}) if n > 4 else list(range(n))
    tiles = [image.imread(io.BytesIO(base64.b64decode(frames[i])), format="png") for i in picks]
    tiles = [t[..., :3] if t.shape[-1] == 4 else t for t in tiles]
    if len(tiles) == 3:  # 2 x 2 with a white fourth tile
        tiles.append(np.ones_like(tiles[0]))
    rows = [np.concatenate(tiles[i:i + 2], axis=1) for i in range(0, len(tiles), 2)]
    if len(rows) == 2 and rows[1].shape != rows[0].shape:  # one tile left over
        rows[1] = np.concatenate([rows[1], np.ones_like(rows[1])], axis=1)
    buf = io.BytesIO()
    image.imsave(buf, np.concatenate(rows, axis=0), format="png", metadata={"Software": None})
    return buf.getvalue()


def _jshtml_player(frames, interval):
    """matplotlib's ``to_jshtml`` page around base64 PNG ``frames`` (``HTMLWriter.finish``)."""
    from matplotlib import _animation_data as tpl  # the templates HTMLWriter fills

    fill = "\n" + "".join(f'  frames[{i}] = "data:image/png;base64,{data}"\n'
                          for i, data in enumerate(frames))
    return tpl.JS_INCLUDE + tpl.STYLE_INCLUDE + tpl.DISPLAY_TEMPLATE.format(
        id=uuid.uuid4().hex, Nframes=len(frames), fill_frames=fill,
        interval=1000 // (1000 / interval), once_checked="checked", loop_checked="",
        reflect_checked="")
