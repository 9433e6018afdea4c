r"""Reference implementations for *Mathematics of Deep Learning: an executable companion*.

``lib`` is the single source of truth for the book's mathematics: every chapter calls it,
and ``tests/`` checks it against independent oracles (finite differences, closed forms,
direct evaluation of Bayes' rule).

Conventions (also in the book's notation table)
-----------------------------------------------
* **Lecture notation.** A network has layers :math:`j = 1, \dots, n` with
  :math:`W_j \in \mathbb{R}^{n_{j+1}\times n_j}`, :math:`v_j = W_j z_j + b_j`,
  :math:`z_{j+1} = \sigma_j(v_j)` (or :math:`z_j + \sigma_j(v_j)` for a residual layer),
  :math:`z_1 = x`, and no activation on the last layer. :math:`\delta_j = \partial L/\partial z_j`.
* **Rows are examples.** A batch ``X`` has shape ``(N, n_1)``; the code computes
  ``Z @ W.T + b``.
* **Flat parameters.** ``theta`` is one vector of shape ``(p,)`` ordered
  :math:`W_1, b_1, W_2, b_2, \dots`; :meth:`lib.mlp.MLP.layers` gives views into it.
* **Explicit randomness.** Functions that draw take ``rng: numpy.random.Generator``; nothing
  in ``lib`` seeds a global generator.
* **No mutation of inputs.** Optimisers return new parameters.
* **Validation.** Bad input raises ``TypeError``/``ValueError`` naming the argument.
* **Numerical stability.** Sigmoid, softplus, softmax and the cross-entropies are evaluated
  without overflow or underflow for inputs up to :math:`|z| = 10^4`.

Modules
-------
activations, losses, mlp, init, optim, gradcheck, data, linear, plotting, widgets, and the
chapter modules added alongside them. ``from lib import <module>`` imports any of them.
"""

import os as _os

# The book's matrices are small: one BLAS thread is fastest, and several threads per process
# oversubscribe the cores when two pytest workers or a notebook beside JupyterLab run at once
# (measured: a deep forward/backward pass 0.4 s with one thread, 11.6 s with the default on a
# busy 2-core machine). This only takes effect if numpy is not imported yet, and a value the
# user has set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

from . import activations, data, gradcheck, init, linear, losses, mlp, optim  # noqa: E402
from .gradcheck import check_gradient, check_model_gradient, numerical_gradient, relative_error  # noqa: E402
from .init import initialize  # noqa: E402
from .mlp import MLP, ForwardPass  # noqa: E402
from .optim import DivergenceError, TrainResult, gradient_descent, train  # noqa: E402

__version__ = "0.1.0"

__all__ = [
    "activations",
    "data",
    "gradcheck",
    "init",
    "linear",
    "losses",
    "mlp",
    "optim",
    "MLP",
    "ForwardPass",
    "DivergenceError",
    "TrainResult",
    "check_gradient",
    "check_model_gradient",
    "gradient_descent",
    "initialize",
    "numerical_gradient",
    "relative_error",
    "train",
]
