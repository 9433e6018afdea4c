"""Explorers of Part III, Depth (chapters 7-9)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as ipw
import numpy as np
import numpy.typing as npt

from .._validate import (
    as_array,
    check_int,
    check_positive_int,
    check_real,
)
from ..mlp import MLP
from .core import Explorer, explorer

# --- chapter 7: universal approximation ---
UA_TARGETS = {
    "sin(3x) + 0.3x^2": (lambda x: np.sin(3 * x) + 0.3 * x**2, 9.6),
    "exp(-4x^2)": (lambda x: np.exp(-4 * x**2), 8.0),
    "|x - 0.2| (not C^2)": (lambda x: np.abs(x - 0.2), None),
}


def relu_interpolant_explorer(low: float = -1.0, high: float = 1.0) -> Explorer:
    """Chapter 7: number of units and target -> the ReLU interpolant and its sup error.

    The bound :math:`\\frac{h^2}{8}\\max|f''|` is shown for the smooth targets (their
    :math:`\\max|f''|` on [-1, 1] is listed in ``UA_TARGETS``).
    """
    if not check_real(high, "high") > check_real(low, "low"):
        raise ValueError(f"high must exceed low, got low={low}, high={high}")
    from ..approx import interpolation_bound, relu_interpolant, relu_sum, sup_error
    from ..plotting import COLORS, new_figure

    controls = {
        "target": ipw.Dropdown(options=list(UA_TARGETS), value=list(UA_TARGETS)[0],
                             description="target"),
        "units": ipw.IntSlider(value=8, min=2, max=64, step=1, description="units n"),
    }

    def build(target, units):
        f, f2 = UA_TARGETS[target]
        knots = np.linspace(low, high, units + 1)
        w, b, c = relu_interpolant(f, knots)
        err = sup_error(f, lambda x: relu_sum(x, w, b, c), low, high)
        bound = None if f2 is None else interpolation_bound((high - low) / units, f2)
        return f, knots, w, b, c, err, bound

    def summary(target, units):
        *_, err, bound = build(target, units)
        tail = "no C^2 bound" if bound is None else f"bound h^2/8 max|f''| = {bound:.2e}"
        return f"n = {units} units: sup error <b>{err:.2e}</b>; {tail}"

    def draw(target, units):
        f, knots, w, b, c, err, _ = build(target, units)
        xs = np.linspace(low, high, 801)
        fig, (ax1, ax2) = new_figure(2, width=10.5, height=3.8)
        ax1.plot(xs, f(xs), color="0.55", lw=3, label="target")
        ax1.plot(xs, relu_sum(xs, w, b, c), color=COLORS[1], lw=1.5, label="ReLU sum")
        ax1.plot(knots[:-1], relu_sum(knots[:-1], w, b, c), "|", color="k", ms=10,
                 label="kinks")
        ax1.set_xlabel("$x$")
        ax1.set_title(f"{target}, n = {units}")
        ax1.legend(loc="best", fontsize=9)
        ax2.plot(xs, f(xs) - relu_sum(xs, w, b, c), color=COLORS[0])
        ax2.set_xlabel("$x$")
        ax2.set_ylabel("$f - g$")
        ax2.set_title(f"error, sup = {err:.2e}")
        return fig

    return explorer(draw, controls, summary, title="ReLU interpolant explorer")


# --- chapter 8: residual networks ---
def residual_depth_explorer(depths: Sequence[int], X: npt.ArrayLike, y: npt.ArrayLike,
                            xs: npt.ArrayLike, fits: Mapping[str, Sequence[npt.ArrayLike]],
                            losses: Mapping[str, Sequence[npt.ArrayLike]]) -> Explorer:
    """Chapter 8: pick a depth and a variant; see the trained fit and its training curve.

    Parameters
    ----------
    depths : sequence of int
        The k of the "k x 5, 1, 1" networks.
    X, y : arrays, shape (N, 1)
        Training data.
    xs : array, shape (M,)
        Grid on which the fits were evaluated.
    fits, losses : dict
        ``fits["plain"][i]`` (shape (M,)) and ``losses["plain"][i]`` (shape (epochs + 1,)) for
        ``depths[i]``, likewise for ``"residual"`` (precomputed: training is not re-run).
    """
    from ..plotting import COLORS, new_figure

    depths = list(depths)
    controls = {
        "depth": ipw.SelectionSlider(options=depths, value=depths[-1], description="k (x5)"),
        "variant": ipw.ToggleButtons(options=["plain", "residual", "both"], value="both",
                                   description="network"),
    }
    colors = {"plain": COLORS[1], "residual": COLORS[0]}

    def shown(variant):
        return ["plain", "residual"] if variant == "both" else [variant]

    def summary(depth, variant):
        i = depths.index(depth)
        parts = [f"{v}: final loss <b>{losses[v][i][-1]:.4f}</b>" for v in shown(variant)]
        return f"{depth}x5, 1, 1 network: " + "; ".join(parts)

    def draw(depth, variant):
        i = depths.index(depth)
        fig, (ax1, ax2) = new_figure(2, width=10.0, height=3.8)
        ax1.scatter(np.ravel(X), np.ravel(y), s=10, color="0.45", label="data")
        for v in shown(variant):
            ax1.plot(xs, fits[v][i], color=colors[v], lw=2, label=v)
            ax2.plot(np.arange(len(losses[v][i])), losses[v][i], color=colors[v], label=v)
        ax1.set_xlabel("$x$")
        ax1.set_ylabel(r"$m(x;\theta)$")
        ax1.set_title(f"Fit after training, {depth}x5, 1, 1")
        ax1.legend(loc="best")
        ax2.set_yscale("log")
        ax2.set_xlabel("epoch")
        ax2.set_ylabel("training loss")
        ax2.set_title("Training curve")
        ax2.legend(loc="best")
        return fig

    return explorer(draw, controls, summary, title="Depth explorer: plain vs residual")


# --- chapter 9: initialization ---
def initialization_explorer(X: npt.ArrayLike, *, width: int = 100, max_depth: int = 40,
                            seed: int = 0) -> Explorer:
    r"""Chapter 9: per-layer norms :math:`\|z_j\|` and :math:`\|\delta_j\|` at initialization.

    Controls: initialization scheme (``lib.init.SCHEMES``), activation, depth (number of
    hidden layers of ``width`` units) and a gain multiplying the weights' standard
    deviation. The backward pass starts from a fixed random :math:`\delta_{n+1}` (scaled by
    1/N), so only the network changes when a control moves.
    """
    check_positive_int(width, "width")
    check_positive_int(max_depth, "max_depth")
    check_int(seed, "seed", low=0)
    as_array(X, "X", ndim=2)
    from .. import init as _init
    from ..diagnostics import layer_statistics
    from ..plotting import new_figure, per_layer

    X = np.asarray(X, dtype=float)
    n_out = width
    delta = np.random.default_rng(seed + 1).standard_normal((len(X), n_out)) / len(X)
    controls = {
        "scheme": ipw.Dropdown(options=list(_init.SCHEMES), value="he", description="init"),
        "activation": ipw.Dropdown(options=["relu", "tanh", "sigmoid", "leaky_relu", "elu"],
                                 value="relu", description="activation"),
        "depth": ipw.IntSlider(value=30, min=2, max=max_depth, description="hidden layers"),
        "gain": ipw.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
                                 description="gain"),
    }
    cache = {}

    def stats(scheme, activation, depth, gain):
        key = (scheme, activation, depth, gain)
        if key not in cache:
            if len(cache) > 32:
                cache.clear()
            model = MLP((X.shape[1],) + (width,) * depth + (n_out,), activation)
            theta = model.init(np.random.default_rng(seed), scheme, gain=gain)
            with np.errstate(over="ignore", invalid="ignore"):
                cache[key] = layer_statistics(model, theta, X, delta_out=delta)
        return cache[key]

    def summary(**v):
        s = stats(**v)
        a, d = s.activation_norms, s.delta_norms
        return (f"||z_n|| / ||z_2|| = <b>{a[-2] / a[1]:.2e}</b>, "
                f"||delta_1|| / ||delta_n|| = <b>{d[0] / d[-2]:.2e}</b>")

    def draw(**v):
        s = stats(**v)
        fig, (ax1, ax2) = new_figure(2, width=11.0, height=4.0)
        per_layer(ax1, s.activation_norms, ylabel=r"mean $\|z_j\|_2$", color="C0")
        ax1.set_title(f"forward: {v['activation']}, {v['scheme']}, gain {v['gain']:.2f}")
        per_layer(ax2, s.delta_norms, ylabel=r"RMS of $\|\delta_j\|_2$", color="C1")
        ax2.set_title("backward")
        return fig

    return explorer(draw, controls, summary, title="Initialization explorer")
