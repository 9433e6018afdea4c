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

from . import activations, data, gradcheck, init, linear, losses, mlp, optim
from .gradcheck import check_gradient, check_model_gradient, numerical_gradient, relative_error
from .init import initialize
from .mlp import MLP, ForwardPass
from .optim import TrainResult, gradient_descent, train

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
    "TrainResult",
    "check_gradient",
    "check_model_gradient",
    "gradient_descent",
    "initialize",
    "numerical_gradient",
    "relative_error",
    "train",
]
