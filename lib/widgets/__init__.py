"""Interactive explorers built on ipywidgets, and their static counterparts.

An explorer is a set of controls plus a ``draw(**values) -> Figure`` function (pure, from
:mod:`lib.plotting` and the math modules) and an optional ``summary(**values) -> str``. Moving
a control re-draws the figure into an ``ipywidgets.Image`` and updates the summary line, so a
test can set ``control.value`` and check that the image bytes and the text changed, with no
kernel or browser.

For the static HTML book, :meth:`Explorer.show` also displays a plain figure of the current
state, and :func:`jshtml_sweep` turns a parameter sweep into a matplotlib ``to_jshtml``
animation whose slider works without a kernel.

The package has one module per part of the book (``foundations``, ``training``,
``depth``, ``theory``) over the machinery in ``core``; every explorer is
importable from ``lib.widgets`` itself.
"""

from .core import (
    Explorer,
    explorer,
    figure_png,
    jshtml_sweep,
)
from .depth import (
    initialization_explorer,
    relu_interpolant_explorer,
    residual_depth_explorer,
)
from .foundations import (
    kinks_explorer,
    lda_explorer,
    logistic_gd_frames,
    perceptron_explorer,
)
from .theory import (
    landscape_explorer,
)
from .training import (
    backprop_explorer,
    chain_explorer,
    gd_explorer,
    gd_iterations_sweep,
    gradient_histogram_explorer,
    graph_backward_explorer,
)

__all__ = [
    "figure_png",
    "Explorer",
    "explorer",
    "jshtml_sweep",
    "perceptron_explorer",
    "lda_explorer",
    "logistic_gd_frames",
    "kinks_explorer",
    "gd_explorer",
    "gd_iterations_sweep",
    "backprop_explorer",
    "graph_backward_explorer",
    "chain_explorer",
    "gradient_histogram_explorer",
    "relu_interpolant_explorer",
    "residual_depth_explorer",
    "initialization_explorer",
    "landscape_explorer",
]
