"""Explorers of Part I, Foundations (chapters 1-3)."""

from __future__ import annotations

from collections.abc import Sequence

import ipywidgets as ipw
import numpy as np
import numpy.typing as npt

from .._validate import (
    as_array,
    check_int,
    check_labels,
    check_positive,
    check_spd,
)
from ..mlp import MLP
from ..perceptron import PerceptronResult
from .core import Explorer, explorer, jshtml_sweep


# --------------------------------------------------------------------------- chapter 1
def perceptron_explorer(X: npt.ArrayLike, y: npt.ArrayLike, result: PerceptronResult) -> Explorer:
    """Chapter 1: move w, b by hand, or step through the perceptron's updates.

    Parameters
    ----------
    X, y : the 2-D data set (labels 0/1)
    result : lib.perceptron.PerceptronResult
        Its ``path`` feeds the "update" slider (0 = initial parameters).
    """
    if as_array(X, "X", ndim=2).shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {np.shape(X)}")
    check_labels(y, "y", (0, 1))
    from ..perceptron import perceptron_predict
    from ..plotting import decision_line, new_figure, scatter_classes

    X = np.asarray(X, dtype=float)
    pad = 0.5
    xlim = (X[:, 0].min() - pad, X[:, 0].max() + pad)
    ylim = (X[:, 1].min() - pad, X[:, 1].max() + pad)
    last = len(result.path) - 1
    controls = {
        "mode": ipw.ToggleButtons(options=["by hand", "perceptron updates"],
                                value="perceptron updates",
                                description="mode"),
        "update": ipw.IntSlider(value=last, min=0, max=last, description="update"),
        "w1": ipw.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="w1"),
        "w2": ipw.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="w2"),
        "b": ipw.FloatSlider(value=0.0, min=-5, max=5, step=0.1, description="b"),
    }

    def params(mode, update, w1, w2, b):
        if mode == "by hand":
            return np.array([w1, w2]), b
        p = result.path[update]
        return p[:2], p[2]

    def summary(**v):
        w, b = params(**v)
        errors = int(np.sum(perceptron_predict(X, w, b) != y))
        return (f"w = ({w[0]:.2f}, {w[1]:.2f}), b = {b:.2f}: <b>{errors}</b> misclassified "
                f"of {len(y)}")

    def draw(**v):
        w, b = params(**v)
        fig, ax = new_figure(width=5.2, height=4.2)
        scatter_classes(ax, X, y)
        decision_line(ax, w, b, xlim=xlim, ylim=ylim, label=r"$w^\top x + b = 0$")
        ax.legend(loc="upper left")
        step = f", update {v['update']}/{last}" if v["mode"] != "by hand" else ""
        ax.set_title(f"{v['mode']}{step}")
        return fig

    return explorer(draw, controls, summary, title="Perceptron explorer")


# --- chapter 2: LDA and logistic regression ---
def lda_explorer(mu0: npt.ArrayLike = (-1.0, 0.0), cov: npt.ArrayLike = ((1.0, 0.3), (0.3, 0.6)), *,
                 lim: float = 4.0) -> Explorer:
    r"""Chapter 2: move the class-1 mean and the prior; watch the LDA posterior and boundary.

    The posterior :math:`\sigma(w^\top x + b + a)` comes from
    :func:`lib.discriminant.lda_closed_form`; the boundary is :math:`w^\top x + b + a = 0`.
    """
    check_positive(lim, "lim")
    if as_array(mu0, "mu0", ndim=1).shape != (2,):
        raise ValueError(f"mu0 must have shape (2,), got {np.shape(mu0)}")
    check_spd(cov, "cov", d=2)
    from ..discriminant import lda_closed_form
    from ..plotting import decision_line, gaussian_ellipse, new_figure, probability_map

    mu0 = np.asarray(mu0, dtype=float)
    cov = np.asarray(cov, dtype=float)
    xlim = ylim = (-lim, lim)
    controls = {
        "mu1_x": ipw.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="mu1 x"),
        "mu1_y": ipw.FloatSlider(value=0.5, min=-3, max=3, step=0.1, description="mu1 y"),
        "prior1": ipw.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="p(y=1)"),
    }

    def model(mu1_x, mu1_y, prior1):
        return lda_closed_form(mu0, np.array([mu1_x, mu1_y]), cov, prior1)

    def summary(**v):
        m = model(**v)
        return (f"w = ({m.w[0]:.2f}, {m.w[1]:.2f}), b = {m.b:.2f}, "
                f"a = log(p1/p0) = <b>{m.a:.2f}</b>")

    def draw(**v):
        m = model(**v)
        fig, ax = new_figure(width=6.0, height=4.6)
        probability_map(ax, m.posterior, xlim=xlim, ylim=ylim, n=120)
        gaussian_ellipse(ax, m.mu0, cov, color="#0072B2", lw=1.5, label=r"class 0 ($2\sigma$)")
        gaussian_ellipse(ax, m.mu1, cov, color="#D55E00", lw=1.5, label=r"class 1 ($2\sigma$)")
        if np.linalg.norm(m.w) > 1e-12:
            decision_line(ax, m.w, m.intercept, shade=False, xlim=xlim, ylim=ylim, lw=2,
                          label="boundary $p = 1/2$")
        ax.set_aspect("equal")
        ax.set_xlabel("$x_1$")
        ax.set_ylabel("$x_2$")
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title(f"LDA posterior, prior p(y=1) = {v['prior1']:.2f}")
        return fig

    return explorer(draw, controls, summary, title="LDA explorer")


def logistic_gd_frames(X, y, result, steps, *, lda=None):
    r"""Chapter 2: a kernel-free animation of the gradient-descent iterates of logistic
    regression (boundary on the left, cross-entropy on the right), one frame per entry of
    ``steps`` (indices into ``result.path``). Returns the :func:`jshtml_sweep` HTML."""
    for t in steps:
        check_int(t, "steps entries", low=0, high=len(result.path))
    from ..plotting import decision_line, loss_curve, scatter_classes

    X = np.asarray(X, dtype=float)
    pad = 0.5
    xlim = (X[:, 0].min() - pad, X[:, 0].max() + pad)
    ylim = (X[:, 1].min() - pad, X[:, 1].max() + pad)

    def frame(fig, t):
        ax1, ax2 = fig.subplots(1, 2)
        scatter_classes(ax1, X, y, s=12)
        p = result.path[t]
        if lda is not None:
            decision_line(ax1, lda.w, lda.intercept, shade=False, xlim=xlim, ylim=ylim,
                          color="0.5", ls="--", label="LDA")
        decision_line(ax1, p[:-1], p[-1], xlim=xlim, ylim=ylim, lw=2, label=f"GD step {t}")
        ax1.legend(loc="lower right", fontsize=8)
        ax1.set_title("Logistic regression boundary")
        # steps on a log axis (as t + 1): the loss falls within the first tens of steps
        loss_curve(ax2, result.loss[: t + 1], x=np.arange(1, t + 2), xlabel="GD step $t$ + 1",
                   ylabel="mean cross-entropy", log=False, color="#0072B2")
        ax2.plot([t + 1], [result.loss[t]], "o", color="#D55E00", label="current step")
        ax2.set_xscale("log")
        ax2.legend(loc="upper right", fontsize=8)
        ax2.set_xlim(1, len(result.loss))
        ax2.set_ylim(0.9 * result.loss.min(), result.loss[0] * 1.02)
        ax2.set_title(f"loss {result.loss[t]:.4f}")

    return jshtml_sweep(frame, steps, figsize=(10.0, 4.0))


# --- chapter 3: the multi-layer perceptron and its losses ---
def kinks_explorer(widths: Sequence[int] = (1, 5, 5, 5, 1, 1), *, lim: float = 3.0) -> Explorer:
    r"""Chapter 3: a random network of the given widths for several activations; the kinks of
    (Leaky)ReLU networks are marked (:func:`lib.piecewise.kinks_1d`), tanh has none and the
    identity network is a straight line.

    Controls: activation, LeakyReLU slope alpha, and the seed of the random parameters
    (PyTorch's default uniform initialization).
    """
    check_positive(lim, "lim")
    MLP(widths, "relu")  # validates widths
    from ..piecewise import PIECEWISE_AFFINE, kinks_1d
    from ..plotting import new_figure, piecewise_curve

    x = np.linspace(-lim, lim, 1201)
    controls = {
        "activation": ipw.Dropdown(options=["leaky_relu", "relu", "tanh", "identity"],
                                 value="leaky_relu", description="activation"),
        "alpha": ipw.FloatSlider(value=0.1, min=0.01, max=0.9, step=0.01, description="alpha"),
        "seed": ipw.IntSlider(value=0, min=0, max=50, description="seed"),
    }

    def build(activation, alpha, seed):
        model = MLP(widths, activation, alpha=alpha if activation == "leaky_relu" else None)
        theta = model.init(np.random.default_rng(seed), "uniform")
        y = model.predict(theta, x[:, None])[:, 0]
        kinks = (kinks_1d(model, theta, -lim, lim) if activation in PIECEWISE_AFFINE
                 else np.empty(0))
        return model, y, kinks

    def summary(**v):
        model, _, kinks = build(**v)
        return (f"{v['activation']} network {model.widths}: p = {model.num_params} "
                f"parameters, <b>{kinks.size}</b> kinks on [{-lim:.0f}, {lim:.0f}]")

    def draw(**v):
        _, y, kinks = build(**v)
        fig, ax = new_figure(width=6.4, height=3.8)
        piecewise_curve(ax, x, y, kinks, label=v["activation"], lw=2)
        ax.legend(loc="best", fontsize=9)
        ax.set_title(f"Random {v['activation']} network, seed {v['seed']}")
        return fig

    return explorer(draw, controls, summary, title="Kinks explorer")
