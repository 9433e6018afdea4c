"""Interactive explorers built on ipywidgets, and their static counterparts.

An explorer is a set of controls plus a ``draw(**values) -> Figure`` function (pure, from
:mod:`lib.plotting` and the math modules) and an optional ``summary(**values) -> str``. Moving
a control re-draws the figure into an ``ipywidgets.Image`` and updates the summary line, so a
test can set ``control.value`` and check that the image bytes and the text changed, with no
kernel or browser.

For the static HTML book, :meth:`Explorer.show` also displays a plain figure of the current
state, and :func:`jshtml_sweep` turns a parameter sweep into a matplotlib ``to_jshtml``
animation whose slider works without a kernel.
"""

from __future__ import annotations

import io

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display
from matplotlib import animation

__all__ = ["Explorer", "explorer", "figure_png", "jshtml_sweep", "perceptron_explorer"]


def figure_png(fig, dpi=90) -> bytes:
    """Render a figure to PNG bytes and close it."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    plt.close(fig)
    return buf.getvalue()


class Explorer(W.VBox):
    """A VBox of controls, a summary line and an image, re-drawn on every change.

    Attributes
    ----------
    controls : dict of str -> ipywidgets.ValueWidget
    image : ipywidgets.Image
    text : ipywidgets.HTML
        The summary line (numbers at fixed precision).
    """

    def __init__(self, draw, controls, summary=None, title=""):
        self._draw = draw
        self._summary = summary
        self.title = title
        self.controls = dict(controls)
        self.image = W.Image(format="png", layout=W.Layout(max_width="100%"))
        self.text = W.HTML()
        header = [W.HTML(f"<b>{title}</b>")] if title else []
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

    def show(self, static=True):
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
    return Explorer(draw, controls, summary, title)


def jshtml_sweep(draw_frame, values, *, figsize=(6.4, 4.0), interval=400):
    """A kernel-free animation over ``values``: ``draw_frame(fig, value)`` draws one frame.

    Returns an ``IPython.display.HTML`` object holding ``FuncAnimation.to_jshtml()``.
    """
    values = list(values)
    if not values:
        raise ValueError("values must hold at least one frame value")
    fig = plt.figure(figsize=figsize)

    def frame(i):
        fig.clear()
        draw_frame(fig, values[i])
        return []

    anim = animation.FuncAnimation(fig, frame, frames=len(values), interval=interval, blit=False)
    html = anim.to_jshtml(default_mode="once")
    plt.close(fig)
    return HTML(html)


# --------------------------------------------------------------------------- chapter 1
def perceptron_explorer(X, y, result):
    """Chapter 1: move w, b by hand, or step through the perceptron's updates.

    Parameters
    ----------
    X, y : the 2-D data set (labels 0/1)
    result : lib.linear.PerceptronResult
        Its ``path`` feeds the "update" slider (0 = initial parameters).
    """
    from .linear import perceptron_predict
    from .plotting import decision_line, new_figure, scatter_classes

    X = np.asarray(X, dtype=float)
    pad = 0.5
    xlim = (X[:, 0].min() - pad, X[:, 0].max() + pad)
    ylim = (X[:, 1].min() - pad, X[:, 1].max() + pad)
    last = len(result.path) - 1
    controls = {
        "mode": W.ToggleButtons(options=["by hand", "perceptron updates"], value="perceptron updates",
                                description="mode"),
        "update": W.IntSlider(value=last, min=0, max=last, description="update"),
        "w1": W.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="w1"),
        "w2": W.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="w2"),
        "b": W.FloatSlider(value=0.0, min=-5, max=5, step=0.1, description="b"),
    }

    def params(mode, update, w1, w2, b):
        if mode == "by hand":
            return np.array([w1, w2]), b
        p = result.path[update]
        return p[:2], p[2]

    def summary(**v):
        w, b = params(**v)
        errors = int(np.sum(perceptron_predict(X, w, b) != y))
        return f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: <b>{errors}</b> misclassified of {len(y)}"

    def draw(**v):
        w, b = params(**v)
        fig, ax = new_figure(width=5.2, height=4.2)
        scatter_classes(ax, X, y)
        decision_line(ax, w, b, xlim=xlim, ylim=ylim, label=r"$w^\top x + b = 0$")
        ax.legend(loc="upper left")
        ax.set_title(f"{v['mode']}" + (f", update {v['update']}/{last}" if v["mode"] != "by hand" else ""))
        return fig

    return explorer(draw, controls, summary, title="Perceptron explorer")
