"""Explorers of Part IV, Theory (chapter 10)."""

from __future__ import annotations

from collections.abc import Mapping

import ipywidgets as ipw
import numpy as np
import numpy.typing as npt

from ..mlp import MLP
from .core import Explorer, explorer


# --- chapter 10: generalization ---
def landscape_explorer(nets: Mapping[str, MLP], thetas: Mapping[str, npt.ArrayLike],
                       X: npt.ArrayLike, y: npt.ArrayLike) -> Explorer:
    """Chapter 10: a loss slice around a trained network, by activation, directions, radius.

    Parameters
    ----------
    nets : dict of str -> lib.mlp.MLP   (e.g. ``{"leaky_relu": ..., "tanh": ...}``)
    thetas : dict of str -> array (p,)   trained parameters, same keys
    X, y : the training data of the slices
    """
    from ..landscape import loss_slice, random_directions
    from ..plotting import loss_contour, new_figure

    names = list(nets)
    controls = {
        "activation": ipw.ToggleButtons(options=names, value=names[0], description="activation"),
        "directions": ipw.IntSlider(value=0, min=0, max=9, description="direction seed"),
        "radius": ipw.FloatSlider(value=3.0, min=0.5, max=5.0, step=0.5, description="radius"),
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
