"""Matplotlib helpers shared by the chapters; each returns ``(fig, ax)`` or draws on ``ax``.

They are pure: no global state beyond :func:`use_book_style`, which sets legible defaults
(font sizes, grid, colour cycle safe for colour-blind readers).
"""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

__all__ = [
    "COLORS",
    "use_book_style",
    "new_figure",
    "scatter_classes",
    "decision_line",
    "loss_curve",
    "computational_graph",
]

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


def use_book_style():
    """Set the book's matplotlib defaults (call once at the top of a chapter)."""
    mpl.rcParams.update({
        "figure.figsize": (6.4, 4.0),
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 11,
        "axes.titlesize": 12,
        "axes.labelsize": 11,
        "legend.fontsize": 10,
        "axes.grid": True,
        "grid.alpha": 0.3,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": mpl.cycler(color=COLORS),
        "figure.constrained_layout.use": True,
        "svg.hashsalt": "mathdl",
    })


def new_figure(ncols=1, nrows=1, *, width=None, height=None, **kwargs):
    """``plt.subplots`` with a size that grows with the number of panels."""
    width = width or min(4.2 * ncols, 13.0)
    height = height or 3.6 * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def scatter_classes(ax, X, y, *, labels=("class 0", "class 1"), s=22, alpha=0.85):
    """Scatter a 2-D binary data set, one colour and marker per class (labels 0/1)."""
    X = np.asarray(X, dtype=float)
    y = np.asarray(y).reshape(-1)
    for cls, marker, color in ((0, "o", COLORS[0]), (1, "s", COLORS[1])):
        pts = X[y == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=s, marker=marker, color=color, alpha=alpha,
                   edgecolor="white", linewidth=0.5, label=labels[cls])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def decision_line(ax, w, b, *, xlim=None, ylim=None, shade=True, color="k", label=None, **kw):
    r"""Draw the line :math:`w^\top x + b = 0` in 2-D and optionally shade the side where
    :math:`w^\top x + b \ge 0` (predicted class 1)."""
    w = np.asarray(w, dtype=float).reshape(-1)
    xlim = xlim or ax.get_xlim()
    ylim = ylim or ax.get_ylim()
    if shade:
        gx, gy = np.meshgrid(np.linspace(*xlim, 200), np.linspace(*ylim, 200))
        side = (w[0] * gx + w[1] * gy + b >= 0).astype(float)
        ax.contourf(gx, gy, side, levels=[-0.5, 0.5, 1.5], colors=[COLORS[0], COLORS[1]],
                    alpha=0.12)
    if np.allclose(w, 0):
        pass  # no boundary: everything is on one side
    elif abs(w[1]) > abs(w[0]):
        xs = np.array(xlim)
        ax.plot(xs, -(w[0] * xs + b) / w[1], color=color, label=label, **kw)
    else:
        ys = np.array(ylim)
        ax.plot(-(w[1] * ys + b) / w[0], ys, color=color, label=label, **kw)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def loss_curve(ax, values, *, label=None, log=True, xlabel="epoch", ylabel="training loss", **kw):
    """Plot a loss history (log scale by default)."""
    values = np.asarray(values, dtype=float)
    ax.plot(np.arange(values.size), values, label=label, **kw)
    if log and np.all(values > 0):
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    return ax


_NODE_STYLE = {
    "input": {"facecolor": "white", "edgecolor": "black"},
    "param": {"facecolor": "#F4C7B8", "edgecolor": COLORS[1]},
    "op": {"facecolor": "#C6DBEF", "edgecolor": COLORS[0]},
}


def computational_graph(ax, nodes, edges, *, radius=0.32, fontsize=11):
    """Draw a computational graph.

    Parameters
    ----------
    nodes : dict
        ``name -> (x, y, kind, label)`` with kind ``"input"`` (inputs and outputs, white),
        ``"param"`` (model parameters, red) or ``"op"`` (intermediate operations, blue).
    edges : list of (str, str)
        Arrows from one node name to another.
    """
    from matplotlib.patches import Circle

    for name, (x, y, kind, label) in nodes.items():
        if kind not in _NODE_STYLE:
            raise ValueError(f"kind of node {name!r} must be one of {list(_NODE_STYLE)}, got {kind!r}")
        ax.add_patch(Circle((x, y), radius, linewidth=1.5, zorder=2, **_NODE_STYLE[kind]))
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, zorder=3)
    for a, b in edges:
        (xa, ya), (xb, yb) = nodes[a][:2], nodes[b][:2]
        d = np.hypot(xb - xa, yb - ya)
        ux, uy = (xb - xa) / d, (yb - ya) / d
        ax.annotate("", xy=(xb - radius * ux, yb - radius * uy),
                    xytext=(xa + radius * ux, ya + radius * uy),
                    arrowprops={"arrowstyle": "-|>", "color": "0.3", "lw": 1.3}, zorder=1)
    xs = [v[0] for v in nodes.values()]
    ys = [v[1] for v in nodes.values()]
    ax.set_xlim(min(xs) - 0.6, max(xs) + 0.6)
    ax.set_ylim(min(ys) - 0.6, max(ys) + 0.6)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax
