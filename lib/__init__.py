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

Chapters, modules and tests
---------------------------
Where each chapter's mathematics lives and which tests check it: ``tests/test_chNN_*.py``
checks the claims of chapter NN with independent oracles (the shared ones are in
``tests/oracles.py``, which imports nothing from ``lib``), ``tests/test_<module>.py`` tests one
module. ``from lib import <module>`` imports any of them.

==============================  ==============================  ======================================
chapter (``chapters/``)         modules (``lib/``)              tests (``tests/``)
==============================  ==============================  ======================================
``01_perceptron``               ``perceptron``, ``data``,       ``test_ch01_perceptron.py``,
                                ``activations``,                ``test_perceptron.py``, ``test_data.py``,
                                ``perceptron_margin``           ``test_activations.py``,
                                                                ``test_perceptron_margin.py``
``02_lda_logistic``             ``discriminant``, ``losses``,   ``test_ch02_lda_logistic.py``,
                                ``gradcheck``                   ``test_discriminant.py``,
                                                                ``test_losses.py``, ``test_gradcheck.py``
``03_mlp_losses``               ``mlp``, ``optim``,             ``test_ch03_mlp_losses.py``,
                                ``piecewise``                   ``test_mlp.py``, ``test_optim.py``,
                                                                ``test_piecewise.py``
``04_gradient_descent``         ``objectives``, ``risk``,       ``test_ch04_gradient_descent.py``,
                                ``stochastic``, ``optim``       ``test_objectives.py``, ``test_risk.py``,
                                                                ``test_stochastic.py``
``05_backpropagation``          ``backprop``, ``autodiff``,     ``test_ch05_backpropagation.py``,
                                ``flops``, ``mlp``,             ``test_backprop.py``
                                ``gradcheck``
``06_vanishing_gradients``      ``scalar_chain``,               ``test_ch06_vanishing.py``,
                                ``diagnostics``, ``reparam``    ``test_scalar_chain.py``,
                                                                ``test_diagnostics.py``,
                                                                ``test_reparam.py``
``07_universal_approximation``  ``approx``, ``stacked``         ``test_ch07_universal_approximation.py``,
                                                                ``test_approx.py``, ``test_stacked.py``
``08_residual_networks``        ``stacked``, ``mlp``,           ``test_ch08_residual_networks.py``,
                                ``optim``                       ``test_stacked.py``
``09_initialization``           ``init``, ``randmat``,          ``test_ch09_initialization.py``,
                                ``diagnostics``                 ``test_init.py``, ``test_randmat.py``
``10_generalization``           ``lipschitz``, ``landscape``,   ``test_ch10_generalization.py``,
                                ``overparam``                   ``test_lipschitz.py``,
                                                                ``test_landscape.py``,
                                                                ``test_overparam.py``
every chapter's exercises       ``exercises``                   ``test_exercises.py``
every chapter's figures         ``plotting``, ``widgets``       ``test_widgets.py``,
                                                                ``test_static_explorers.py``,
                                                                ``test_animation_frames.py``
below every chapter             ``_validate``, ``_workspace``   ``test_validation.py``,
                                                                ``test_bad_input_catalogue.py``,
                                                                ``test_bad_input_divergence.py``,
                                                                ``test_workspace.py``
==============================  ==============================  ======================================

``_validate`` holds the argument checks of the public boundary; ``_workspace`` is the fast path
of :func:`lib.optim.train`, tested step by step against the reference backward pass of ``mlp``.
The book as a whole is tested by ``test_notebooks.py`` (every chapter in ``_toc.yml``, cells
executed in order, no stored error), ``test_build.py`` (the book builds; a raising cell fails
the strict build), ``test_standalone.py`` (a notebook downloaded on its own says how to get
``lib``), ``test_project_files.py`` (license, citation, changelog, version, this table),
``test_book_pdf_links.py`` (the HTML links the PDF edition only when it was built),
``test_student_edition.py`` (the student edition's configuration; its build shows no
solution), ``test_figure_alt_text.py`` (every figure's alt text; the palette under simulated
colour-vision deficiencies), ``test_nbval_kernel.py`` (``pytest --nbval`` starts a kernel again
that dies before its first reply), and ``tests/rerun``, ``tests/pdf``, ``tests/browser`` and
``tests/jupyterlab`` (opt-in stages of ``.ci/run``).

One BLAS thread
---------------
Importing ``lib`` sets ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` and ``MKL_NUM_THREADS`` to
1 unless they are set already. This is the book's one place for that setting: every chapter
imports ``lib`` in its first cell, before numpy; ``tests/conftest.py`` and
``benchmarks/_common.py`` import ``lib`` for it, so pytest's workers and the notebooks' kernels
inherit it. It takes effect only in a process that has not loaded numpy yet.
"""

import os as _os

# The book's matrices are small: one BLAS thread is fastest, and several threads per process
# oversubscribe the cores when two pytest workers or a notebook beside JupyterLab run at once
# (measured: a deep forward/backward pass 0.4 s with one thread, 11.6 s with the default on a
# busy 2-core machine). This only takes effect if numpy is not imported yet, and a value the
# user has set is kept.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_var, "1")

from . import activations, data, gradcheck, init, losses, mlp, optim, perceptron  # noqa: E402
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
    "perceptron",
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
