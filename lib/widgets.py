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

import base64
import io
import uuid

import ipywidgets as W
import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML, display

from . import losses as _losses
from ._validate import (
    as_array,
    check_callable,
    check_int,
    check_labels,
    check_positive,
    check_positive_int,
    check_real,
    check_spd,
)
from .mlp import MLP


def figure_png(fig, dpi=90) -> bytes:
    """Render a figure to PNG bytes and close it."""
    if not hasattr(fig, "savefig"):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    check_positive(dpi, "dpi")
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
        check_callable(draw, "draw")
        if not isinstance(controls, dict):
            raise TypeError("controls must be a dict of name -> widget, "
                            f"got {type(controls).__name__}")
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
    check_callable(draw, "draw")
    return Explorer(draw, controls, summary, title)


# Fixed margins of animation frames: room for two-line titles and the x label.
_SWEEP_MARGINS = {"left": 0.08, "right": 0.98, "bottom": 0.16, "top": 0.82, "wspace": 0.3}


def jshtml_sweep(draw_frame, values, *, figsize=(6.4, 4.0), interval=400, dpi=72, clear=True):
    """A kernel-free animation over ``values``: ``draw_frame(fig, value)`` draws one frame.

    With ``clear=False`` the figure is not cleared between frames: ``draw_frame`` builds the
    axes on its first call and then only updates what changes (new axes cost most of a
    frame's drawing time, in tick creation).

    The result is the HTML player of matplotlib's ``FuncAnimation.to_jshtml`` (slider, play
    buttons, the frames embedded as PNG), built by drawing each frame exactly once:
    ``to_jshtml`` itself draws every frame three times (the animation step, a canvas refresh,
    the frame grab), which made the book's animations twice as slow to execute. Frames are
    rendered at ``dpi`` (72 by default: every frame is embedded in the page, so resolution
    costs execution time and page weight) with a fixed layout, since re-solving a constrained
    layout for every frame costs more than drawing it.

    Returns an ``IPython.display.HTML`` object.
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
    return HTML(_jshtml_player(frames, interval))


def _jshtml_player(frames, interval):
    """matplotlib's ``to_jshtml`` page around base64 PNG ``frames`` (``HTMLWriter.finish``)."""
    from matplotlib import _animation_data as tpl  # the templates HTMLWriter fills

    fill = "\n" + "".join(f'  frames[{i}] = "data:image/png;base64,{data}"\n'
                          for i, data in enumerate(frames))
    return tpl.JS_INCLUDE + tpl.STYLE_INCLUDE + tpl.DISPLAY_TEMPLATE.format(
        id=uuid.uuid4().hex, Nframes=len(frames), fill_frames=fill,
        interval=1000 // (1000 / interval), once_checked="checked", loop_checked="",
        reflect_checked="")


# --------------------------------------------------------------------------- chapter 1
def perceptron_explorer(X, y, result):
    """Chapter 1: move w, b by hand, or step through the perceptron's updates.

    Parameters
    ----------
    X, y : the 2-D data set (labels 0/1)
    result : lib.linear.PerceptronResult
        Its ``path`` feeds the "update" slider (0 = initial parameters).
    """
    if as_array(X, "X", ndim=2).shape[1] != 2:
        raise ValueError(f"X must have shape (N, 2), got {np.shape(X)}")
    check_labels(y, "y", (0, 1))
    from .linear import perceptron_predict
    from .plotting import decision_line, new_figure, scatter_classes

    X = np.asarray(X, dtype=float)
    pad = 0.5
    xlim = (X[:, 0].min() - pad, X[:, 0].max() + pad)
    ylim = (X[:, 1].min() - pad, X[:, 1].max() + pad)
    last = len(result.path) - 1
    controls = {
        "mode": W.ToggleButtons(options=["by hand", "perceptron updates"],
                                value="perceptron updates",
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
def lda_explorer(mu0=(-1.0, 0.0), cov=((1.0, 0.3), (0.3, 0.6)), *, lim=4.0):
    r"""Chapter 2: move the class-1 mean and the prior; watch the LDA posterior and boundary.

    The posterior :math:`\sigma(w^\top x + b + a)` comes from
    :func:`lib.discriminant.lda_closed_form`; the boundary is :math:`w^\top x + b + a = 0`.
    """
    check_positive(lim, "lim")
    if as_array(mu0, "mu0", ndim=1).shape != (2,):
        raise ValueError(f"mu0 must have shape (2,), got {np.shape(mu0)}")
    check_spd(cov, "cov", d=2)
    from .discriminant import lda_closed_form
    from .plotting import decision_line, gaussian_ellipse, new_figure, probability_map

    mu0 = np.asarray(mu0, dtype=float)
    cov = np.asarray(cov, dtype=float)
    xlim = ylim = (-lim, lim)
    controls = {
        "mu1_x": W.FloatSlider(value=1.0, min=-3, max=3, step=0.1, description="mu1 x"),
        "mu1_y": W.FloatSlider(value=0.5, min=-3, max=3, step=0.1, description="mu1 y"),
        "prior1": W.FloatSlider(value=0.5, min=0.05, max=0.95, step=0.05, description="p(y=1)"),
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
    from .plotting import decision_line, loss_curve, scatter_classes

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


# --- chapter 5: backpropagation ---
def backprop_explorer(X, y, *, seed=0, width=8, loss="mse"):
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
    from .backprop import backprop_batch, delta_norms
    from .gradcheck import check_gradient
    from .plotting import layer_norms, new_figure

    X = np.asarray(X, dtype=float)
    controls = {
        "depth": W.IntSlider(value=4, min=1, max=12, description="hidden layers"),
        "activation": W.Dropdown(options=["sigmoid", "tanh", "relu", "leaky_relu"],
                                 value="sigmoid", description="activation"),
        "init": W.Dropdown(options=["normal", "xavier", "he"], value="xavier",
                           description="init"),
        "residual": W.Checkbox(value=False, description="residual"),
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
        layer_norms(a1, d, ylabel=r"RMS of $\|\delta_j\|_2$", color="#0072B2")
        a1.set_title(r"Backpropagated $\delta_j$ ($j = n+1$ is the output)")
        layer_norms(a2, gW, ylabel=r"$\|\partial L/\partial W_j\|_F$", color="#D55E00")
        a2.set_title("Weight gradients per layer")
        kind = "residual " if v["residual"] else ""
        fig.suptitle(f"{kind}{v['activation']} network, {v['depth']} hidden layers, "
                     f"{v['init']} init")
        return fig

    return explorer(draw, controls, summary, title="Backpropagation explorer")


def graph_backward_explorer(graph, inputs):
    """Chapter 5: step through the reverse sweep of a :class:`lib.backprop.ScalarGraph`.

    Step 0 shows the forward pass (stored values) and seeds the output's adjoint with 1; each
    further step visits one node (orange ring) and pushes its adjoint to its parents.
    """
    if not hasattr(graph, "backward_steps"):
        raise TypeError(f"graph must be a lib.backprop.ScalarGraph, got {type(graph).__name__}")
    graph.forward(**inputs)  # validates the inputs
    from .plotting import annotated_graph, new_figure

    values = graph.forward(**inputs)
    steps = graph.backward_steps(values)
    controls = {"step": W.IntSlider(value=len(steps) - 1, min=0, max=len(steps) - 1,
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


# --- chapter 4: gradient descent and SGD ---
def _gd_state(obj, gamma, start, steps):
    """Run GD on an Objective and classify the outcome (shared by the chapter 4 widgets)."""
    from .optim import DivergenceError, gradient_descent

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


def gd_explorer(objectives, *, steps=30, gamma=0.5, start=(6.0, 2.5)):
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
    from .plotting import gd_path_1d, gd_paths_2d, new_figure

    names = list(objectives)
    controls = {
        "function": W.Dropdown(options=names, value=names[0], description="function"),
        "gamma": W.FloatLogSlider(value=gamma, base=10, min=-2, max=1.3, step=0.01,
                                  description="step γ", readout_format=".3f"),
        "x0": W.FloatSlider(value=start[0], min=-7.0, max=8.0, step=0.1, description="start x₁"),
        "y0": W.FloatSlider(value=start[1], min=-3.0, max=3.0, step=0.1, description="start x₂"),
        "steps": W.IntSlider(value=steps, min=1, max=100, description="iterations"),
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


def gd_iterations_sweep(runs, steps, *, figsize=(11.0, 3.6), interval=500):
    """Chapter 4: a kernel-free animation of several 1-D gradient-descent runs, one frame per
    iteration t = 0..steps (built on :func:`jshtml_sweep`).

    Parameters
    ----------
    runs : list of (objective, path, xlim, ylim, title)
        ``path`` of shape (T + 1, 1); a path shorter than the frame index stays at its end.
    steps : int
    """
    check_positive_int(steps, "steps")
    from .plotting import gd_path_1d

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


# --- chapter 6: vanishing gradients and activation functions ---
_CH6_ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"]


def chain_explorer(max_depth=30, x=1.0):
    r"""Chapter 6: :math:`|\partial f/\partial w_1|` of the scalar chain against its depth.

    Controls: the activation, the common weight :math:`w` of every layer and the depth.
    The figure shows the derivative by Hirn's product formula (23) for every depth up to the
    chosen one, with the bound :math:`|w|^{L-1}\,\max|\sigma'|^L |x|`.
    """
    check_positive_int(max_depth, "max_depth")
    check_real(x, "x")
    from . import activations as _act
    from .plotting import new_figure
    from .scalar_chain import scalar_chain

    controls = {
        "activation": W.Dropdown(options=_CH6_ACTIVATIONS, value="sigmoid",
                                 description="activation"),
        "w": W.FloatSlider(value=1.0, min=-4.0, max=4.0, step=0.1, description="weight w"),
        "depth": W.IntSlider(value=max_depth, min=2, max=max_depth, description="depth L"),
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


def gradient_histogram_explorer(X, y, *, width=100, loss="cross_entropy", seed=0):
    """Chapter 6: per-layer histograms of dL/dW_j and their norms for a deep MLP.

    Controls: activation, number of hidden layers, initialization scheme and gain. The
    network has ``width`` units per hidden layer, input dimension ``X.shape[1]`` and as many
    outputs as ``y`` has classes (``loss="cross_entropy"``) or columns (``loss="mse"``).
    """
    check_positive_int(width, "width")
    check_int(seed, "seed", low=0)
    _losses.get(loss)
    from . import init as _init
    from .diagnostics import layer_statistics
    from .plotting import layer_histograms, new_figure, per_layer

    X = np.asarray(X, dtype=float)
    if loss == "cross_entropy":
        n_out = int(np.max(y)) + 1
    else:
        n_out = np.asarray(y).reshape(len(X), -1).shape[1]
    controls = {
        "activation": W.Dropdown(options=_CH6_ACTIVATIONS, value="sigmoid",
                                 description="activation"),
        "hidden": W.IntSlider(value=8, min=1, max=12, description="hidden layers"),
        "scheme": W.Dropdown(options=list(_init.SCHEMES), value="he", description="init"),
        "gain": W.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
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


# --- chapter 10: generalization ---
def landscape_explorer(nets, thetas, X, y):
    """Chapter 10: a loss slice around a trained network, by activation, directions, radius.

    Parameters
    ----------
    nets : dict of str -> lib.mlp.MLP   (e.g. ``{"leaky_relu": ..., "tanh": ...}``)
    thetas : dict of str -> array (p,)   trained parameters, same keys
    X, y : the training data of the slices
    """
    from .landscape import loss_slice, random_directions
    from .plotting import loss_contour, new_figure

    names = list(nets)
    controls = {
        "activation": W.ToggleButtons(options=names, value=names[0], description="activation"),
        "directions": W.IntSlider(value=0, min=0, max=9, description="direction seed"),
        "radius": W.FloatSlider(value=3.0, min=0.5, max=5.0, step=0.5, description="radius"),
    }

    def grid(activation, directions, radius):
        net, theta = nets[activation], thetas[activation]
        d1, d2 = random_directions(net, theta, np.random.default_rng(directions),
                                   normalization="none")
        t = np.linspace(-radius, radius, 31)
        return t, loss_slice(net, theta, X, y, d1, d2, t, t)

    def summary(**v):
        t, F = grid(**v)
        edge = np.median(np.r_[F[0], F[-1], F[:, 0], F[:, -1]])
        return (f"{v['activation']}: loss at theta* = {F[15, 15]:.4f}, "
                f"median on the edge = <b>{edge:.3g}</b>")

    def draw(**v):
        t, F = grid(**v)
        fig, ax = new_figure(width=5.6, height=4.4)
        loss_contour(ax, t, t, F)
        ax.set_title(f"{v['activation']}, directions {v['directions']}, radius {v['radius']:.1f}")
        return fig

    return explorer(draw, controls, summary, title="Loss-landscape explorer")


# --- chapter 3: the multi-layer perceptron and its losses ---
def kinks_explorer(widths=(1, 5, 5, 5, 1, 1), *, lim=3.0):
    r"""Chapter 3: a random network of the given widths for several activations; the kinks of
    (Leaky)ReLU networks are marked (:func:`lib.piecewise.kinks_1d`), tanh has none and the
    identity network is a straight line.

    Controls: activation, LeakyReLU slope alpha, and the seed of the random parameters
    (PyTorch's default uniform initialization).
    """
    check_positive(lim, "lim")
    MLP(widths, "relu")  # validates widths
    from .piecewise import PIECEWISE_AFFINE, kinks_1d
    from .plotting import new_figure, piecewise_curve

    x = np.linspace(-lim, lim, 1201)
    controls = {
        "activation": W.Dropdown(options=["leaky_relu", "relu", "tanh", "identity"],
                                 value="leaky_relu", description="activation"),
        "alpha": W.FloatSlider(value=0.1, min=0.01, max=0.9, step=0.01, description="alpha"),
        "seed": W.IntSlider(value=0, min=0, max=50, description="seed"),
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


# --- chapter 8: residual networks ---
def residual_depth_explorer(depths, X, y, xs, fits, losses):
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
    from .plotting import COLORS, new_figure

    depths = list(depths)
    controls = {
        "depth": W.SelectionSlider(options=depths, value=depths[-1], description="k (x5)"),
        "variant": W.ToggleButtons(options=["plain", "residual", "both"], value="both",
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
def initialization_explorer(X, *, width=100, max_depth=40, seed=0):
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
    from . import init as _init
    from .diagnostics import layer_statistics
    from .plotting import new_figure, per_layer

    X = np.asarray(X, dtype=float)
    n_out = width
    delta = np.random.default_rng(seed + 1).standard_normal((len(X), n_out)) / len(X)
    controls = {
        "scheme": W.Dropdown(options=list(_init.SCHEMES), value="he", description="init"),
        "activation": W.Dropdown(options=["relu", "tanh", "sigmoid", "leaky_relu", "elu"],
                                 value="relu", description="activation"),
        "depth": W.IntSlider(value=30, min=2, max=max_depth, description="hidden layers"),
        "gain": W.FloatLogSlider(value=1.0, base=10, min=-1, max=1, step=0.05,
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
        per_layer(ax2, s.delta_norms, ylabel=r"mean $\|\delta_j\|_2$", color="C1")
        ax2.set_title("backward")
        return fig

    return explorer(draw, controls, summary, title="Initialization explorer")


# --- chapter 7: universal approximation ---
UA_TARGETS = {
    "sin(3x) + 0.3x^2": (lambda x: np.sin(3 * x) + 0.3 * x**2, 9.6),
    "exp(-4x^2)": (lambda x: np.exp(-4 * x**2), 8.0),
    "|x - 0.2| (not C^2)": (lambda x: np.abs(x - 0.2), None),
}


def relu_interpolant_explorer(low=-1.0, high=1.0):
    """Chapter 7: number of units and target -> the ReLU interpolant and its sup error.

    The bound :math:`\\frac{h^2}{8}\\max|f''|` is shown for the smooth targets (their
    :math:`\\max|f''|` on [-1, 1] is listed in ``UA_TARGETS``).
    """
    if not check_real(high, "high") > check_real(low, "low"):
        raise ValueError(f"high must exceed low, got low={low}, high={high}")
    from .approx import interpolation_bound, relu_interpolant, relu_sum, sup_error
    from .plotting import COLORS, new_figure

    controls = {
        "target": W.Dropdown(options=list(UA_TARGETS), value=list(UA_TARGETS)[0],
                             description="target"),
        "units": W.IntSlider(value=8, min=2, max=64, step=1, description="units n"),
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
