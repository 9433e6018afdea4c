"""Matplotlib helpers shared by the chapters; each returns ``(fig, ax)`` or draws on ``ax``.

They are pure: no global state beyond :func:`use_book_style`, which sets legible defaults
(font sizes, grid, colour cycle safe for colour-blind readers).

The module is over 400 lines because it holds every kind of figure the book draws (about
20 small helpers sharing one style); splitting it by chapter would scatter that style.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from ._validate import (
    as_values,
    check_axes,
    check_callable,
    check_positive_int,
    check_real,
    check_spd,
)
from .autodiff import ScalarGraph

# Okabe-Ito palette: distinguishable with the common forms of colour blindness.
COLORS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]


def use_book_style() -> None:
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


def new_figure(ncols: int = 1, nrows: int = 1, *, width: float | None = None,
               height: float | None = None, **kwargs: Any) -> tuple[Figure, Any]:
    """``plt.subplots`` with a size that grows with the number of panels."""
    ncols, nrows = check_positive_int(ncols, "ncols"), check_positive_int(nrows, "nrows")
    width = width or min(4.2 * ncols, 13.0)
    height = height or 3.6 * nrows
    return plt.subplots(nrows, ncols, figsize=(width, height), **kwargs)


def scatter_classes(ax: Axes, X: npt.ArrayLike, y: npt.ArrayLike, *,
                    labels: Sequence[str] = ("class 0", "class 1"), s: float = 22,
                    alpha: float = 0.85) -> Axes:
    """Scatter a 2-D binary data set, one colour and marker per class (labels 0/1)."""
    check_axes(ax)
    X = as_values(X, "X")
    y = as_values(y, "y").reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"X must have shape (N, 2) and y shape (N,), got {X.shape} and "
                         f"{y.shape}")
    for cls, marker, color in ((0, "o", COLORS[0]), (1, "s", COLORS[1])):
        pts = X[y == cls]
        ax.scatter(pts[:, 0], pts[:, 1], s=s, marker=marker, color=color, alpha=alpha,
                   edgecolor="white", linewidth=0.5, label=labels[cls])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    return ax


def decision_line(ax: Axes, w: npt.ArrayLike, b: float, *, xlim: tuple[float, float] | None = None,
                  ylim: tuple[float, float] | None = None, shade: bool = True, color: str = "k",
                  label: str | None = None, **kw: Any) -> Axes:
    r"""Draw the line :math:`w^\top x + b = 0` in 2-D and optionally shade the side where
    :math:`w^\top x + b \ge 0` (predicted class 1)."""
    check_axes(ax)
    w = as_values(w, "w").reshape(-1)
    if w.shape != (2,):
        raise ValueError(f"w must have shape (2,), got {w.shape}")
    b = check_real(b, "b")
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


def loss_curve(ax: Axes, values: npt.ArrayLike, *, x: npt.ArrayLike | None = None,
               label: str | None = None, log: bool = True, xlabel: str = "epoch",
               ylabel: str = "training loss", **kw: Any) -> Axes:
    """Plot a loss history (log scale by default) against ``x`` (default 0, 1, 2, ...)."""
    check_axes(ax)
    values = as_values(values, "values")
    if values.ndim != 1:
        raise ValueError(f"values must be 1-D (one loss per entry), got shape {values.shape}")
    if x is not None and np.shape(as_values(x, "x")) != values.shape:
        raise ValueError(f"x must have the shape of values {values.shape}, got {np.shape(x)}")
    ax.plot(np.arange(values.size) if x is None else x, values, label=label, **kw)
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


def computational_graph(ax: Axes, nodes: Mapping[str, tuple[float, float, str, str]],
                        edges: Sequence[tuple[str, str]], *, radius: float = 0.32,
                        fontsize: float = 11) -> Axes:
    """Draw a computational graph.

    Parameters
    ----------
    nodes : dict
        ``name -> (x, y, kind, label)`` with kind ``"input"`` (inputs and outputs, white),
        ``"param"`` (model parameters, red) or ``"op"`` (intermediate operations, blue).
    edges : list of (str, str)
        Arrows from one node name to another.
    """
    check_axes(ax)
    from matplotlib.patches import Circle

    for name, (x, y, kind, label) in nodes.items():
        if kind not in _NODE_STYLE:
            raise ValueError(f"kind of node {name!r} must be one of {list(_NODE_STYLE)}, "
                             f"got {kind!r}")
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


# --- chapter 2: LDA and logistic regression ---
def probability_map(ax, prob, *, xlim, ylim, n=200, levels=11, cmap="RdBu_r", colorbar=True):
    r"""Filled contours of a probability :math:`p(y=1\mid x)` over a 2-D box (chapter 2).

    Parameters
    ----------
    prob : callable
        ``prob(X) -> array (N,)`` for points ``X`` of shape (N, 2).
    xlim, ylim : (float, float)
    """
    check_axes(ax)
    check_callable(prob, "prob")
    gx, gy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    P = np.asarray(prob(np.column_stack([gx.ravel(), gy.ravel()]))).reshape(gx.shape)
    cs = ax.contourf(gx, gy, P, levels=np.linspace(0, 1, levels), cmap=cmap, alpha=0.35)
    if colorbar:
        ax.figure.colorbar(cs, ax=ax, label=r"$p(y=1\mid x)$", shrink=0.85)
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def gaussian_ellipse(ax, mu, cov, *, nsig=2.0, color="k", **kw):
    r"""Draw the ellipse :math:`(x-\mu)^\top\Sigma^{-1}(x-\mu) = \mathrm{nsig}^2` (chapter 2)."""
    check_axes(ax)
    mu = as_values(mu, "mu")
    if mu.shape != (2,):
        raise ValueError(f"mu must have shape (2,), got {mu.shape}")
    vals, vecs = np.linalg.eigh(check_spd(cov, "cov", d=2))
    t = np.linspace(0, 2 * np.pi, 200)
    circle = np.stack([np.cos(t), np.sin(t)])
    pts = mu[:, None] + nsig * vecs @ (np.sqrt(vals)[:, None] * circle)
    ax.plot(pts[0], pts[1], color=color, **kw)
    return ax


# --- chapter 5: backpropagation ---
def annotated_graph(ax: Axes, graph: ScalarGraph, values: Mapping[str, float] | None = None,
                    adjoints: Mapping[str, float] | None = None, current: str | None = None, *,
                    radius: float = 0.38, fontsize: float = 11, title: str | None = None) -> Axes:
    r"""Draw a :class:`lib.autodiff.ScalarGraph` with stored values and adjoints (chapter 5).

    Inputs are drawn white, operations blue (the output is the last operation). Under each
    node: its forward value :math:`u_i`; above it: its adjoint :math:`\bar u_i` when known.
    The node ``current`` (being visited by the backward pass) gets a thick orange ring, and
    the edges to its parents turn orange.
    """
    check_axes(ax)
    from matplotlib.patches import Circle

    nodes = {nd.name: (nd.pos[0], nd.pos[1], "input" if nd.op == "input" else "op", nd.label)
             for nd in graph.nodes}
    edges = [(p, nd.name) for nd in graph.nodes for p in nd.parents]
    computational_graph(ax, nodes, edges, radius=radius, fontsize=fontsize)
    if current is not None:
        x, y = graph.by_name[current].pos
        ax.add_patch(Circle((x, y), radius * 1.12, fill=False, lw=3.0, ec=COLORS[4], zorder=4))
        for p in graph.by_name[current].parents:
            (xa, ya), (xb, yb) = graph.by_name[p].pos, (x, y)
            ax.annotate("", xy=(xa, ya), xytext=(xb, yb), zorder=1,
                        arrowprops={"arrowstyle": "-|>", "color": COLORS[4], "lw": 2.2,
                                    "shrinkA": 14, "shrinkB": 14})
    for nd in graph.nodes:
        x, y = nd.pos
        if values is not None and nd.name in values:
            ax.text(x, y - radius - 0.08, f"{nd.name} = {values[nd.name]:.3f}", ha="center",
                    va="top", fontsize=fontsize - 2, color="0.2")
        if adjoints is not None and nd.name in adjoints:
            ax.text(x, y + radius + 0.08, f"adj = {adjoints[nd.name]:.3f}", ha="center",
                    va="bottom", fontsize=fontsize - 2, color=COLORS[1])
    if title:
        ax.set_title(title)
    return ax


# --- chapter 4: gradient descent and SGD ---
def gd_path_1d(ax: Axes, f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike], path: npt.ArrayLike,
               *, xlim: tuple[float, float], color: str | None = None, label: str | None = None,
               n: int = 400, curve: bool = True, annotate: bool = True) -> Axes:
    r"""Draw a 1-D function and gradient-descent iterates :math:`x_0, x_1, \dots` on its graph.

    Parameters
    ----------
    f : callable
        ``f(x)`` for ``x`` of shape ``(n, 1)`` (an :class:`lib.objectives.Objective`'s ``f``).
    path : array, shape (T + 1,) or (T + 1, 1)
        Iterates; those outside ``xlim`` are not drawn.
    xlim : (float, float)
    curve : bool
        Draw the graph of ``f`` (turn off when overlaying several runs).
    """
    check_axes(ax)
    check_callable(f, "f")
    color = color or COLORS[1]
    xs = np.linspace(*xlim, n)
    if curve:
        ax.plot(xs, f(xs[:, None]), color="0.25", lw=1.6, zorder=1)
    p = as_values(path, "path").reshape(-1)
    p = p[(p >= xlim[0]) & (p <= xlim[1])]
    if p.size:
        fp = f(p[:, None])
        ax.plot(p, fp, color=color, lw=0.9, alpha=0.7, zorder=2)
        ax.scatter(p, fp, s=22, color=color, zorder=3, edgecolor="white", linewidth=0.5,
                   label=label)
        if annotate:
            ax.scatter(p[:1], fp[:1], s=70, marker="o", facecolor="none", edgecolor="k",
                       zorder=4, label="start $x_0$")
    ax.set_xlim(xlim)
    ax.set_xlabel(r"$x$")
    ax.set_ylabel(r"$f(x)$")
    return ax


def gd_paths_2d(ax: Axes, f: Callable[[npt.NDArray[np.float64]], npt.ArrayLike],
                paths: Sequence[npt.ArrayLike], *, xlim: tuple[float, float],
                ylim: tuple[float, float], labels: Sequence[str] | None = None,
                colors: Sequence[str] | None = None, levels: int | npt.ArrayLike = 14, n: int = 160,
                minimum: npt.ArrayLike | None = None, markers: bool = True) -> Axes:
    r"""Contours of a 2-parameter function with optimisation trajectories drawn on them.

    Parameters
    ----------
    f : callable
        ``f(theta)`` for ``theta`` of shape ``(..., 2)``, returning shape ``(...)``.
    paths : list of arrays, each of shape (T_k + 1, 2)
    xlim, ylim : (float, float)
    levels : int or array
        Contour levels; an int gives levels spaced evenly in :math:`\sqrt{f - \min f}`
        (near-elliptic contours for a quadratic).
    minimum : array, shape (2,), optional
        Marked with a star.
    """
    check_axes(ax)
    check_callable(f, "f")
    paths = [as_values(path, "paths entries") for path in paths]
    if any(path.ndim != 2 or path.shape[1] != 2 for path in paths):
        raise ValueError(f"paths must be arrays of shape (T + 1, 2), got shapes "
                         f"{[path.shape for path in paths]}")
    colors = colors or COLORS[1:]
    gx, gy = np.meshgrid(np.linspace(*xlim, n), np.linspace(*ylim, n))
    F = f(np.stack([gx, gy], axis=-1))
    if np.isscalar(levels) or np.ndim(levels) == 0:
        lo, hi = float(F.min()), float(F.max())
        levels = lo + (hi - lo) * np.linspace(0, 1, int(levels) + 1)[1:] ** 2
    ax.contour(gx, gy, F, levels=levels, colors="0.6", linewidths=0.8)
    for k, path in enumerate(paths):
        path = as_values(path, "path")
        lab = labels[k] if labels else None
        c = colors[k % len(colors)]
        ax.plot(path[:, 0], path[:, 1], color=c, lw=1.3, label=lab,
                marker="o" if markers else None, ms=2.5)
        ax.plot(*path[0], marker="o", ms=7, mfc="none", mec="k")
    if minimum is not None:
        ax.plot(*np.asarray(minimum).reshape(2), marker="*", ms=13, color="k", ls="none",
                label="minimum")
    ax.set_xlim(xlim)
    ax.set_ylim(ylim)
    return ax


def excess_error_bars(ax, degrees, app, est, opt, *, total=None, width=0.8):
    r"""Stacked bars of :math:`\mathcal E_{app}`, :math:`\mathcal E_{est}` and
    :math:`\mathcal E_{opt}` per hypothesis class (chapter 4), with the total as markers.

    A negative :math:`\mathcal E_{opt}` is drawn downwards from the top of the other two.
    """
    check_axes(ax)
    degrees = np.asarray(degrees)
    app, est, opt = (as_values(a, n) for a, n in ((app, "app"), (est, "est"), (opt, "opt")))
    if not degrees.shape == app.shape == est.shape == opt.shape:
        raise ValueError(f"degrees, app, est and opt must have the same shape, got "
                         f"{degrees.shape}, {app.shape}, {est.shape} and {opt.shape}")
    ax.bar(degrees, app, width, color=COLORS[0], label=r"approximation $\mathcal{E}_{app}$")
    ax.bar(degrees, est, width, bottom=app, color=COLORS[4],
           label=r"estimation $\mathcal{E}_{est}$")
    ax.bar(degrees, opt, width, bottom=app + est, color=COLORS[3], alpha=0.85,
           label=r"optimization $\mathcal{E}_{opt}$")
    if total is not None:
        ax.plot(degrees, total, "k_", ms=16, mew=2, ls="none", label="total excess error")
    ax.set_xticks(degrees)
    ax.set_xlabel("polynomial degree $d$ (size of the class)")
    ax.set_ylabel("risk above the Bayes risk")
    return ax


# --- chapter 6: vanishing gradients and activation functions ---
def activation_curves(ax_value: Axes, ax_deriv: Axes, names: Sequence[str], *,
                      z: npt.ArrayLike | None = None,
                      alpha: Mapping[str, float] | None = None) -> tuple[Axes, Axes]:
    """Plot activations (left axis) and their derivatives (right axis) from lib.activations.

    Parameters
    ----------
    ax_value, ax_deriv : matplotlib Axes
    names : sequence of str
        Names of ``lib.activations.NAMES``.
    z : array, optional
        Grid of inputs (default 801 points in [-4, 4]).
    alpha : dict, optional
        ``name -> alpha`` for LeakyReLU/ELU (e.g. ``{"leaky_relu": 0.1}``).
    """
    check_axes(ax_value, "ax_value")
    check_axes(ax_deriv, "ax_deriv")
    from . import activations as _act

    z = np.linspace(-4, 4, 801) if z is None else as_values(z, "z")
    alpha = alpha or {}
    for k, name in enumerate(names):
        a = _act.get(name, alpha.get(name))
        style = {"color": COLORS[k % len(COLORS)], "lw": 2}
        ax_value.plot(z, a.f(z), label=name, **style)
        ax_deriv.plot(z, a.df(z), label=name, **style)
    ax_value.set_xlabel("$z$")
    ax_value.set_ylabel(r"$\sigma(z)$")
    ax_deriv.set_xlabel("$z$")
    ax_deriv.set_ylabel(r"$\sigma'(z)$")
    return ax_value, ax_deriv


def layer_histograms(ax: Axes, arrays: Sequence[npt.ArrayLike], *, bins: int = 80,
                     limit: float | None = None, labels: Sequence[str] | None = None,
                     cmap: str = "viridis") -> Axes:
    """Normalised histograms of the entries of several arrays, one step curve per layer.

    The Glorot and Bengio figure: ``arrays[j]`` holds the gradient entries of layer j+1;
    colours run from dark (first layer) to light (last layer). ``limit`` fixes the symmetric
    range ``[-limit, limit]`` (default: the largest absolute entry).
    """
    check_axes(ax)
    bins = check_positive_int(bins, "bins")
    arrays = [as_values(a, "arrays entries").ravel() for a in arrays]
    if limit is None:
        limit = max(float(np.max(np.abs(a))) for a in arrays) or 1.0
    edges = np.linspace(-limit, limit, bins + 1)
    colors = plt.get_cmap(cmap)(np.linspace(0.0, 0.9, len(arrays)))
    labels = labels or [f"layer {j + 1}" for j in range(len(arrays))]
    for a, c, lab in zip(arrays, colors, labels, strict=True):
        hist, _ = np.histogram(np.clip(a, -limit, limit), bins=edges)
        ax.stairs(hist / max(a.size, 1), edges, color=c, lw=1.6, label=lab)
    ax.set_xlim(-limit, limit)
    ax.set_xlabel("entry of $\\partial L/\\partial W_j$")
    ax.set_ylabel("fraction of entries")
    return ax


def per_layer(ax: Axes, values: npt.ArrayLike, *, start: int = 1, label: str | None = None,
              log: bool = True, xlabel: str = "layer $j$", ylabel: str | None = None,
              **kw: Any) -> Axes:
    r"""Plot one value per layer (norms such as :math:`\|\delta_j\|`, gains) against the layer
    index ``start, start + 1, ...``, with markers (chapters 5, 6 and 9).

    ``log`` puts the y axis on a log scale when every value is positive; the x ticks are
    the layer indices (every few of them beyond 16 layers); ``kw`` goes to ``ax.plot``
    (markers of size 3.5 unless ``ms`` is given).
    """
    check_axes(ax)
    values = as_values(values, "values")
    js = np.arange(start, start + values.size)
    kw.setdefault("ms", 3.5)
    ax.plot(js, values, marker="o", label=label, **kw)
    if log and np.all(values > 0):
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.set_xticks(js if js.size <= 16 else js[:: max(1, js.size // 8)])
    return ax




# --- chapter 10: generalization ---
def loss_contour(ax: Axes, t1: npt.ArrayLike, t2: npt.ArrayLike, F: npt.ArrayLike, *,
                 levels: int = 20, log: bool = True, cmap: str = "viridis") -> Axes:
    r"""Filled contours of a loss slice ``F[k, l]`` at :math:`(t_1[l], t_2[k])` (chapter 10).

    With ``log=True`` the colours show :math:`\log_{10} F`, so both the basin and the steep
    walls stay visible; the centre :math:`(0, 0)` is marked.
    """
    check_axes(ax)
    F = as_values(F, "F")
    if F.shape != (np.size(t2), np.size(t1)):
        raise ValueError(f"F must have shape (len(t2), len(t1)) = ({np.size(t2)}, "
                         f"{np.size(t1)}), got {F.shape}")
    Z = np.log10(np.maximum(F, 1e-300)) if log else F
    cs = ax.contourf(t1, t2, Z, levels=levels, cmap=cmap)
    ax.figure.colorbar(cs, ax=ax, label=r"$\log_{10}$ loss" if log else "loss")
    ax.plot([0], [0], marker="*", color="w", markersize=10, markeredgecolor="k")
    ax.set_xlabel("$t_1$")
    ax.set_ylabel("$t_2$")
    ax.grid(False)
    return ax


# --- chapter 3: the multi-layer perceptron and its losses ---
def piecewise_curve(ax: Axes, x: npt.ArrayLike, y: npt.ArrayLike, kinks: npt.ArrayLike = (), *,
                    label: str | None = None, color: str | None = None, kink_color: str = "0.45",
                    **kw: Any) -> Axes:
    """Plot a 1-D network output and mark its kinks with thin vertical lines (chapter 3).

    Parameters
    ----------
    x, y : array, shape (N,)
    kinks : array, shape (K,)
        Points to mark (e.g. from :func:`lib.piecewise.kinks_1d`).
    """
    check_axes(ax)
    if np.shape(as_values(x, "x")) != np.shape(as_values(y, "y")):
        raise ValueError(f"x and y must have the same shape, got {np.shape(x)} and {np.shape(y)}")
    color = color or COLORS[0]
    kinks = as_values(kinks, "kinks").reshape(-1)
    for i, k in enumerate(kinks):
        ax.axvline(k, color=kink_color, lw=0.8, ls=":", zorder=0,
                   label=f"kinks ({kinks.size})" if i == 0 else None)
    ax.plot(x, y, color=color, label=label, **kw)
    ax.set_xlabel("$x$")
    ax.set_ylabel(r"$m(x;\theta)$")
    return ax


# --- chapter 8: residual networks ---
def depth_comparison(depths: Sequence[int], X: npt.ArrayLike, y: npt.ArrayLike, xs: npt.ArrayLike,
                     curves: Mapping[str, Sequence[npt.ArrayLike]], *, kind: str = "fit",
                     labels: Sequence[str] = ("plain", "residual"),
                     title: str | None = None) -> tuple[Figure, Any]:
    r"""One panel per depth comparing network variants (chapter 8).

    Parameters
    ----------
    depths : sequence of int
        Number of width-5 hidden layers of each column (the "k" of "k x 5, 1, 1").
    X, y : arrays, shape (N, 1)
        Training data (drawn as points when ``kind="fit"``).
    xs : array, shape (M,)
        Evaluation grid for the fits (ignored when ``kind="loss"``).
    curves : dict
        ``curves[label][i]`` is the fit on ``xs`` (``kind="fit"``) or the training-loss
        history (``kind="loss"``) of variant ``label`` at ``depths[i]``.
    kind : {"fit", "loss"}

    Returns
    -------
    fig, axes
    """
    if kind not in ("fit", "loss"):
        raise ValueError(f"kind must be 'fit' or 'loss', got {kind!r}")
    n = len(depths)
    fig, axes = plt.subplots(1, n, figsize=(2.7 * n, 2.9), sharey=True, squeeze=False)
    axes = axes[0]
    styles = {labels[0]: dict(color=COLORS[1], ls="-"), labels[1]: dict(color=COLORS[0], ls="--")}
    for i, (ax, k) in enumerate(zip(axes, depths, strict=True)):
        if kind == "fit":
            ax.scatter(np.ravel(X), np.ravel(y), s=9, color="0.45", zorder=1, label="data")
        for lab in labels:
            vals = np.asarray(curves[lab][i], dtype=float)
            if kind == "fit":
                ax.plot(xs, vals, lw=1.8, label=lab, zorder=2, **styles[lab])
            else:
                ax.plot(np.arange(vals.size), vals, lw=1.5, label=lab, **styles[lab])
                ax.set_yscale("log")
        ax.set_title(f"{k}x5, 1, 1")
        ax.set_xlabel("$x$" if kind == "fit" else "epoch")
    axes[0].set_ylabel("$m(x;\\theta)$" if kind == "fit" else "training loss")
    axes[0].legend(loc="best", fontsize=8)
    if title:
        fig.suptitle(title)
    return fig, axes
