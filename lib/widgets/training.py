"""Explorers of Part II, Training (chapters 4-6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as ipw
import numpy as np
import numpy.typing as npt
from IPython.display import HTML

from .. import losses as _losses
from .._validate import (
    check_int,
    check_positive,
    check_positive_int,
    check_real,
)
from ..mlp import MLP
from ..objectives import Objective
from .core import Explorer, explorer, jshtml_sweep


# --- chapter 4: gradient descent and SGD ---
def _gd_state(obj, gamma, start, steps):
    """Run GD on an Objective and classify the outcome (shared by the chapter 4 widgets)."""
    from ..optim import DivergenceError, gradient_descent

    try:
        path = gradient_descent(obj.grad, start, gamma, steps)
    except DivergenceError as err:
        path = err.history  # the finite iterates: shorter than steps + 1, drawn as "diverged"
    x = path[-1]
    lo = np.array([b[0] for b in obj.bounds])
    hi = np.array([b[1] for b in obj.bounds])
    escaped = len(path) < steps + 1 or np.any(x < lo - 10 * (hi - lo)) or np.any(
        x > hi + 10 * (hi - lo))
    dist = None if escaped else np.linalg.norm(obj.minima - x, axis=1)  # no overflow
    if escaped:
        outcome = "diverged"
    elif dist.min() < 1e-3:
        outcome = "global minimum" if np.argmin(dist) == 0 else "local minimum"
    else:
        outcome = "not converged yet"
    return path, outcome


def gd_explorer(objectives: Mapping[str, Objective], *, steps: int = 30, gamma: float = 0.5,
                start: tuple[float, float] = (6.0, 2.5)) -> Explorer:
    """Chapter 4: gradient descent on a 1-D or 2-D test function; move the step and the start.

    Parameters
    ----------
    objectives : dict of str -> lib.objectives.Objective
        Offered in a drop-down; a 1-D objective uses only the first start coordinate.
    steps : int
        Initial number of iterations (slider up to 100).
    gamma : float
        Initial step size (log slider from 0.01 to 20).
    start : (float, float)
        Initial start point.
    """
    check_positive_int(steps, "steps")
    check_positive(gamma, "gamma")
    if len(objectives) == 0:
        raise ValueError("objectives must hold at least one Objective")
    from ..plotting import gd_path_1d, gd_paths_2d, new_figure

    names = list(objectives)
    controls = {
        "function": ipw.Dropdown(options=names, value=names[0], description="function"),
        "gamma": ipw.FloatLogSlider(value=gamma, base=10, min=-2, max=1.3, step=0.01,
                                  description="step γ", readout_format=".3f"),
        "x0": ipw.FloatSlider(value=start[0], min=-7.0, max=8.0, step=0.1, description="start x₁"),
        "y0": ipw.FloatSlider(value=start[1], min=-3.0, max=3.0, step=0.1, description="start x₂"),
        "steps": ipw.IntSlider(value=steps, min=1, max=100, description="iterations"),
    }

    def run(function, gamma, x0, y0, steps):
        obj = objectives[function]
        s = np.array([x0]) if obj.dim == 1 else np.array([x0, y0])
        return obj, *_gd_state(obj, gamma, s, steps)

    def summary(**v):
        obj, path, outcome = run(**v)
        x = path[-1]
        g = np.linalg.norm(obj.grad(x))
        where = ", ".join(f"{c:.4f}" for c in x)
        grad = "below 1e-6" if g < 1e-6 else f"= {g:.2e}"  # a converged gradient is noise
        return (f"γ = {v['gamma']:.3f}, 2/L = {2 / obj.smoothness:.3f}; after {len(path) - 1} "
                f"steps x = ({where}), f = {float(obj.f(x)):.4f}, |∇f| {grad}: "
                f"<b>{outcome}</b>")

    def draw(**v):
        obj, path, outcome = run(**v)
        fig, ax = new_figure(width=6.4, height=4.2)
        if obj.dim == 1:
            gd_path_1d(ax, obj.f, path[:, 0], xlim=obj.bounds[0], label="iterates $x_t$")
            ax.set_ylim(-1.5, 9.0)
        else:
            gd_paths_2d(ax, obj.f, [path], xlim=obj.bounds[0], ylim=obj.bounds[1],
                        labels=["iterates"], minimum=obj.minima[0])
            ax.set_xlabel("$x_1$")
            ax.set_ylabel("$x_2$")
        ax.legend(loc="upper center", fontsize=9)
        ax.set_title(f"{obj.name}, γ = {v['gamma']:.3f}: {outcome}")
        return fig

    return explorer(draw, controls, summary, title="Gradient-descent explorer")


def gd_iterations_sweep(
    runs: Sequence[tuple[Objective, npt.ArrayLike, tuple[float, float], tuple[float, float], str]],
    steps: int, *, figsize: tuple[float, float] = (11.0, 3.6), interval: int = 500,
) -> HTML:
    """Chapter 4: a kernel-free animation of several 1-D gradient-descent runs, one frame per
    iteration t = 0..steps (built on :func:`jshtml_sweep`).

    Parameters
    ----------
    runs : list of (objective, path, xlim, ylim, title)
        ``path`` of shape (T + 1, 1); a path shorter than the frame index stays at its end.
    steps : int
    """
    check_positive_int(steps, "steps")
    from ..plotting import gd_path_1d

    axes, moving = [], []  # built on the first frame; the artists of the current frame

    def draw_frame(fig, t):
        if not axes:  # the graphs of f once; frames only redraw the iterates
            axes.extend(fig.subplots(1, len(runs), squeeze=False)[0])
            for ax, (obj, path, xlim, ylim, _) in zip(axes, runs, strict=True):
                gd_path_1d(ax, obj.f, path[:0, 0], xlim=xlim, annotate=False)
                ax.set_ylim(ylim)
        while moving:
            moving.pop().remove()
        for ax, (obj, path, xlim, _, title) in zip(axes, runs, strict=True):
            before = set(ax.get_children())
            gd_path_1d(ax, obj.f, path[: t + 1, 0], xlim=xlim, annotate=False, curve=False)
            moving.extend(a for a in ax.get_children() if a not in before)
            ax.set_title(f"{title}\niteration t = {min(t, len(path) - 1)}", fontsize=10)

    return jshtml_sweep(draw_frame, range(steps + 1), figsize=figsize, interval=interval,
                        clear=False)


# --- chapter 5: backpropagation ---
def backprop_explorer(X: npt.ArrayLike, y: npt.ArrayLike, *, seed: int = 0, width: int = 8,
                      loss: str = "mse") -> Explorer:
    r"""Chapter 5: choose depth, activation, initialization and skip connections; see the
    norms :math:`\|\delta_j\|_2` and :math:`\|\partial L/\partial W_j\|_F` per layer and the
    result of the finite-difference gradient check.

    Parameters
    ----------
    X : array, shape (N, n_1); y : array, shape (N, 1) (regression targets for ``loss``)
    seed : int
        Seed of the generator that draws the weights (the same for every setting).
    width : int
        Width of every hidden layer.
    """
    check_positive_int(width, "width")
    check_int(seed, "seed", low=0)
    _losses.get(loss)
    from ..backprop import backprop_batch, delta_norms
    from ..gradcheck import check_gradient
    from ..plotting import new_figure, per_layer

    X = np.asarray(X, dtype=float)
    controls = {
        "depth": ipw.IntSlider(value=4, min=1, max=12, description="hidden layers"),
        "activation": ipw.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                 value="sigmoid", description="activation"),
        "init": ipw.Dropdown(options=["normal", "xavier", "he"], value="xavier",
                           description="init"),
        "residual": ipw.Checkbox(value=False, description="residual"),
    }

    def setup(depth, activation, init, residual):
        model = MLP((X.shape[1],) + (width,) * depth + (1,), activation, residual=residual)
        theta = model.init(np.random.default_rng(seed), init)
        return model, theta

    def summary(**v):
        model, theta = setup(**v)
        value, grad, _ = backprop_batch(model, theta, X, y, loss)
        rep = check_gradient(lambda t: model.loss(t, X, y, loss), grad, theta,
                             names=model.param_names(), tol=np.inf)
        d = delta_norms(model, theta, X, y, loss)
        # the relative error of a passing check is rounding noise: shown as a bound
        err = rep.max_relative_error
        check = ("relative error below 1e-6" if err < 1e-6 else
                 f"relative error {err:.1e}, above 1e-6 (a ReLU kink between the "
                 f"finite-difference points?)")
        return (f"p = {model.num_params}, loss {value:.4f}, |delta_1|/|delta_out| = "
                f"{d[0] / d[-1]:.2e}, gradient check <b>{check}</b>")

    def draw(**v):
        model, theta = setup(**v)
        _, grad, _ = backprop_batch(model, theta, X, y, loss)
        d = delta_norms(model, theta, X, y, loss)
        gW = [np.linalg.norm(Wg) for Wg, _ in model.layers(grad)]
        fig, (a1, a2) = new_figure(2, width=10.5, height=3.8)
        per_layer(a1, d, ylabel=r"RMS of $\|\delta_j\|_2$", color="#0072B2")
        a1.set_title(r"Backpropagated $\delta_j$ ($j = n+1$ is the output)")
        per_layer(a2, gW, ylabel=r"$\|\partial L/\partial W_j\|_F$", color="#D55E00")
        a2.set_title("Weight gradients per layer")
        kind = "residual " if v["residual"] else ""
        fig.suptitle(f"{kind}{v['activation']} network, {v['depth']} hidden layers, "
                     f"{v['init']} init")
        return fig

    return explorer(draw, controls, summary, title="Backpropagation explorer")


def graph_backward_explorer(graph, inputs):
    """Chapter 5: step through the reverse sweep of a :class:`lib.autodiff.ScalarGraph`.

    Step 0 shows the forward pass (stored values) and seeds the output's adjoint with 1; each
    further step visits one node (orange ring) and pushes its adjoint to its parents.
    """
    if not hasattr(graph, "backward_steps"):
        raise TypeError(f"graph must be a lib.autodiff.ScalarGraph, got {type(graph).__name__}")
    graph.forward(**inputs)  # validates the inputs
    from ..plotting import annotated_graph, new_figure

    values = graph.forward(**inputs)
    steps = graph.backward_steps(values)
    controls = {"step": ipw.IntSlider(value=len(steps) - 1, min=0, max=len(steps) - 1,
                                    description="backward step")}

    def summary(step):
        name, adj = steps[step]
        known = ", ".join(f"{k}: {adj[k]:.4f}" for k in graph.inputs if k in adj)
        return f"visiting <b>{name}</b>; input adjoints so far: {known or 'none yet'}"

    def draw(step):
        name, adj = steps[step]
        fig, ax = new_figure(width=8.5, height=4.4)
        annotated_graph(ax, graph, values, adj, current=name,
                        title=f"Backward step {step}/{len(steps) - 1}: visiting {name}")
        return fig

    return explorer(draw, controls, summary, title="Reverse sweep explorer")


# --- chapter 6: vanishing gradients and activation functions ---
_CH6_ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"]


def chain_explorer(max_depth: int = 30, x: float = 1.0) -> Explorer:
    r"""Chapter 6: :math:`|\partial f/\partial w_1|` of the scalar chain against its depth.

    Controls: the activation, the common weight :math:`w` of every layer and the depth.
    The figure shows the derivative by Hirn's product formula (23) for every depth up to the
    chosen one, with the bound :math:`|w|^{L-1}\,\max|\sigma'|^L |x|`.
    """
    check_positive_int(max_depth, "max_depth")
    check_real(x, "x")
    from .. import activations as _act
    from ..plotting import new_figure
    from ..scalar_chain import scalar_chain

    controls = {
        "activation": ipw.Dropdown(options=_CH6_ACTIVATIONS, value="sigmoid",
                                 description="activation"),
        "w": ipw.FloatSlider(value=1.0, min=-4.0, max=4.0, step=0.1, description="weight w"),
        "depth": ipw.IntSlider(value=max_depth, min=2, max=max_depth, description="depth L"),
    }

    def curve(activation, w, depth):
        depths = np.arange(1, depth + 1)
        g = np.array([abs(float(scalar_chain(np.full(L, w), x, activation).grad_w1))
                      for L in depths])
        return depths, g

    def bound(activation, w, depths):
        a = _act.get(activation)
        top = float(np.max(a.df(np.linspace(-20, 20, 4001))))
        return abs(w) ** (depths - 1.0) * top ** depths * abs(x)

    def summary(activation, w, depth):
        _, g = curve(activation, w, depth)
        return (f"{activation}, w = {w:.1f}: |df/dw1| = <b>{g[-1]:.2e}</b> at depth "
                f"{depth} (depth 1: {g[0]:.2e})")

    def draw(activation, w, depth):
        depths, g = curve(activation, w, depth)
        fig, ax = new_figure(width=6.4, height=4.0)
        pos = g > 0
        ax.semilogy(depths[pos], g[pos], "o-", ms=4, label=r"$|\partial f/\partial w_1|$, eq. (23)")
        b = bound(activation, w, depths)
        if np.all(b > 0):
            ax.semilogy(depths, b, "--", color="0.4", label=r"bound $|w|^{L-1}\max|\sigma'|^L|x|$")
        ax.set_xlabel("depth $L$")
        ax.set_ylabel(r"$|\partial f/\partial w_1|$")
        ax.set_title(f"Scalar chain, {activation}, $w = {w:.1f}$")
        ax.legend(loc="best")
        return fig

    return explorer(draw, controls, summary, title="Scalar chain explorer")


def gradient_histogram_explorer(X: npt.ArrayLike, y: npt.ArrayLike, *, width: int = 100,
                                loss: str = "cross_entropy", seed: int = 0) -> Explorer:
    """Chapter 6: per-layer histograms of dL/dW_j and their norms for a deep MLP.

    Controls: activation, number of hidden layers, initialization scheme and gain. The
    network has ``width`` units per hidden layer, input dimension ``X.shape[1]`` and as many
    outputs as ``y`` has classes (``loss="cross_entropy"``) or columns (``loss="mse"``).
    """
    check_positive_int(width, "width")
    check_int(seed, "seed", low=0)
    _losses.get(loss)
    from .. import init as _init
    from ..diagnostics import layer_statistics
    from ..plotting import layer_histograms, new_figure, per_layer

    X = np.asarray(X, dtype=float)
    if loss == "cross_entropy":
        n_out = int(np.max(y)) + 1
    else:
        n_out = np.asarray(y).reshape(len(X), -1).shape[1]
    controls = {
        "activation": ipw.Dropdown(options=_CH6_ACTIVATIONS, value="sigmoid",
                                 description="activation"),
        "hidden": ipw.IntSlider(value=8, min=1, max=12, description="hidden layers"),
        "scheme": ipw.Dropdown(options=list(_init.SCHEMES), value="he", description="init"),
        "gain": ipw.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
                                 description="gain"),
    }

    cache = {}

    def stats(activation, hidden, scheme, gain):
        key = (activation, hidden, scheme, gain)
        if key in cache:
            return cache[key]
        if len(cache) > 32:
            cache.clear()
        model = MLP((X.shape[1],) + (width,) * hidden + (n_out,), activation, alpha=0.1)
        theta = model.init(np.random.default_rng(seed), scheme, gain=gain)
        cache[key] = layer_statistics(model, theta, X, y=y, loss=loss)
        return cache[key]

    def summary(**v):
        s = stats(**v)
        r = s.weight_grad_norms[0] / s.weight_grad_norms[-2] if s.n_layers > 1 else 1.0
        last = s.weight_grad_norms[-2] if s.n_layers > 1 else s.weight_grad_norms[0]
        return (f"||dL/dW_1|| = <b>{s.weight_grad_norms[0]:.2e}</b>, last hidden "
                f"{last:.2e}, ratio {r:.2e}")

    def draw(**v):
        s = stats(**v)
        grads = s.weight_grads[:-1] if s.n_layers > 1 else s.weight_grads
        fig, (ax1, ax2) = new_figure(2, width=11.0, height=4.0)
        limit = float(np.quantile(np.abs(np.concatenate([g.ravel() for g in grads])), 0.99))
        layer_histograms(ax1, grads, limit=limit or 1.0)
        ax1.legend(fontsize=8, ncol=2)
        ax1.set_title(f"{v['activation']}, {v['scheme']} init, gain {v['gain']:.2f}")
        per_layer(ax2, s.weight_grad_norms, ylabel=r"$\|\partial L/\partial W_j\|_F$")
        ax2.set_title("gradient norm per layer")
        return fig

    return explorer(draw, controls, summary, title="Gradients per layer")
