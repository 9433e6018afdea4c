r"""The multi-layer perceptron :math:`m(x;\theta)` in the notation of the lectures (ch. 3, 5, 8).

.. math::

    z_1 = x,\qquad v_j = W_j z_j + b_j,\qquad
    z_{j+1} = \sigma_j(v_j)\ \ (\text{plain})\quad\text{or}\quad
    z_{j+1} = z_j + \sigma_j(v_j)\ \ (\text{residual}),

for :math:`j = 1, \dots, n`, with :math:`W_j \in \mathbb{R}^{n_{j+1}\times n_j}`, and no
activation on the last layer (:math:`\sigma_n = \mathrm{Id}`): the loss absorbs it.

Conventions of the code:

* A batch is stored as rows: ``X`` has shape ``(N, n_1)`` and row ``i`` is :math:`x_i^\top`,
  so the code computes ``V = Z @ W.T + b``.
* All parameters live in one flat vector ``theta`` of shape ``(p,)`` ordered
  :math:`W_1, b_1, W_2, b_2, \dots` (each :math:`W_j` row-major); :meth:`MLP.layers` returns
  views ``(W_j, b_j)`` into it. Gradients have the same layout, so gradient descent is
  ``theta - lr * grad`` and finite differences perturb one entry of ``theta``.
* Backward runs the delta recursion of chapter 5 with :math:`\delta_j = \partial L/\partial z_j`:

  .. math::

      g_j = \delta_{j+1}\odot\sigma_j'(v_j),\quad
      \frac{\partial L}{\partial W_j} = g_j z_j^\top,\quad
      \frac{\partial L}{\partial b_j} = g_j,\quad
      \delta_j = W_j^\top g_j\ \ (+\,\delta_{j+1}\ \text{if layer } j \text{ is residual}).

  The same recursion gives the per-example gradients (:meth:`MLP.per_example_gradients`,
  the outer products kept per example) and the output Jacobian (:meth:`MLP.output_jacobian`,
  started from :math:`\delta_{n+1} = 1`).

This is the reference implementation of the delta recursion. It is written out elsewhere
only where a measured or a teaching reason asks for it, and each copy is tested against this
one (``tests/test_mlp.py::test_every_engine_matches_the_reference``):

* ``lib._workspace``: one network, examples as columns, every buffer preallocated, for
  :func:`lib.optim.train` (per-call overhead dominates small steps; see its docstring);
* :mod:`lib.stacked` (``_Stack``): K networks stacked along a leading axis, for
  :func:`lib.stacked.train_many` and the batched losses of :mod:`lib.landscape`;
* :func:`lib.backprop.backprop_recursion` and :func:`lib.backprop.backprop_jacobians`: the
  one-example forms chapter 5 teaches (vectors and explicit Jacobian matrices).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from . import activations as _act
from . import losses as _losses
from ._validate import as_array, check_bool, check_finite, check_int
from .activations import ActivationLike
from .losses import LossLike

__all__ = ["MLP", "ForwardPass"]


@dataclass
class ForwardPass:
    """Everything the forward pass stores for the backward pass.

    Attributes
    ----------
    z : list of arrays
        ``z[0] = X`` (shape (N, n_1)) up to ``z[n] = output`` (shape (N, n_{n+1})); the
        lecture's :math:`z_1, \\dots, z_{n+1}` (0-based here).
    v : list of arrays
        Pre-activations ``v[j] = z[j] @ W_j.T + b_j``, shape (N, n_{j+1}).
    """

    z: list
    v: list

    @property
    def output(self) -> np.ndarray:
        """The network output :math:`m(x;\\theta)`, shape (N, n_{n+1})."""
        return self.z[-1]


class MLP:
    r"""A fully connected network :math:`m(x;\theta)` (chapter 3), optionally residual (ch. 8).

    Parameters
    ----------
    widths : sequence of int
        :math:`(n_1, n_2, \dots, n_{n+1})`: input dimension, hidden widths, output dimension.
        Giselsson's "5,5,5,1,1" network on scalar inputs is ``MLP((1, 5, 5, 5, 1, 1), ...)``;
        Ryu's network is ``MLP((1, 64, 64, 1), "sigmoid")``.
    activation : str, Activation or sequence of them
        Activation of the hidden layers (all layers but the last); a sequence gives one per
        hidden layer. The last layer is always the identity.
    residual : bool, default False
        If true, every hidden layer whose weight is square (:math:`n_{j+1} = n_j`) becomes
        :math:`z_{j+1} = z_j + \sigma(W_j z_j + b_j)`.
    alpha : float, optional
        Parameter of ``leaky_relu`` (default 0.01) or ``elu`` (default 1).

    Attributes
    ----------
    widths : tuple of int
    n_layers : int
        Number of affine maps :math:`n` (= ``len(widths) - 1``).
    activations : list of Activation
        One per layer; the last is the identity.
    square_layers : tuple of bool
        Which layers are square hidden layers (:math:`n_{j+1} = n_j`, not the last layer):
        the layers that can carry a skip connection.
    residual_layers : tuple of bool
        Which layers carry a skip connection (the square layers if ``residual``).
    shapes : list of (int, int)
        ``shapes[j] = (n_{j+1}, n_j)``, the shape of :math:`W_j`.
    offsets : tuple of (int, int, int)
        The parameter layout: ``offsets[j] = (a, b, c)`` with ``W_j = theta[a:b]`` (row-major)
        and ``b_j = theta[b:c]``; consecutive layers are adjacent (``c`` of layer j is ``a``
        of layer j + 1), so ``theta[a:c]`` is the whole layer. Every other layout of
        :mod:`lib` (the augmented ``[W_j b_j]`` blocks of the fast paths) is derived from it.
    num_params : int
        :math:`p = \sum_j n_{j+1}(n_j + 1)`.
    """

    def __init__(self, widths: Sequence[int], activation: ActivationLike = "relu", *,
                 residual: bool = False, alpha: float | None = None) -> None:
        if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__"):
            raise TypeError(f"widths must be a sequence of positive ints, got {widths!r}")
        if len(widths) < 2:
            raise ValueError(f"widths must list at least input and output sizes, got {widths!r}")
        for w in widths:
            if isinstance(w, bool) or not isinstance(w, numbers.Integral):
                raise TypeError(f"widths must be positive integers, got {tuple(widths)!r}")
            if w < 1:
                raise ValueError(f"widths must be positive integers, got {tuple(widths)!r}")
        self.widths = tuple(int(w) for w in widths)
        self.n_layers = len(self.widths) - 1
        n_hidden = self.n_layers - 1
        if isinstance(activation, (str, _act.Activation)):
            hidden = [_act.get(activation, alpha)] * n_hidden
        else:
            try:
                acts = list(activation)
            except TypeError:
                raise TypeError(
                    f"activation must be a name, an Activation or a sequence of them, "
                    f"got {type(activation).__name__}"
                ) from None
            if len(acts) != n_hidden:
                raise ValueError(
                    f"activation must be one name or {n_hidden} names (one per hidden layer), "
                    f"got {len(acts)}"
                )
            hidden = [_act.get(a, alpha) for a in acts]
        self.activations = hidden + [_act.get("identity")]
        self.residual = check_bool(residual, "residual")
        self.square_layers = tuple(
            j < n_hidden and self.widths[j] == self.widths[j + 1] for j in range(self.n_layers)
        )
        self.residual_layers = tuple(self.residual and sq for sq in self.square_layers)
        self.shapes = [(self.widths[j + 1], self.widths[j]) for j in range(self.n_layers)]
        # the one derivation of the parameter layout: W_j = theta[a:b], b_j = theta[b:c]
        offsets, pos = [], 0
        for m, k in self.shapes:
            offsets.append((pos, pos + m * k, pos + m * k + m))
            pos += m * k + m
        self.offsets = tuple(offsets)
        self.num_params = pos

    # ------------------------------------------------------------------ parameters
    def __repr__(self):
        acts = ",".join(sorted({a.name for a in self.activations[:-1]})) or "none"
        kind = "residual " if self.residual else ""
        return f"MLP({kind}widths={self.widths}, activation={acts}, p={self.num_params})"

    def check_theta(self, theta, name="theta") -> np.ndarray:
        """Validate a flat parameter vector of shape ``(p,)``."""
        arr = as_array(theta, name, ndim=1)
        if arr.shape != (self.num_params,):
            raise ValueError(
                f"{name} must have shape ({self.num_params},) for {self!r}, got {arr.shape}"
            )
        return arr

    def layers(
        self, theta: npt.NDArray[np.float64],
    ) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
        """Views ``[(W_1, b_1), ..., (W_n, b_n)]`` into ``theta``; ``W_j`` has shape
        ``(n_{j+1}, n_j)``. Writing into a view writes into ``theta``."""
        if not isinstance(theta, np.ndarray) or theta.shape != (self.num_params,):
            theta = self.check_theta(theta)
        return [
            (theta[a:b].reshape(shape), theta[b:c])
            for (a, b, c), shape in zip(self.offsets, self.shapes, strict=True)
        ]

    def flatten(self,
                layers: Sequence[tuple[npt.ArrayLike, npt.ArrayLike]]) -> npt.NDArray[np.float64]:
        """Inverse of :meth:`layers`: concatenate ``[(W_j, b_j)]`` into a new ``theta``."""
        if len(layers) != self.n_layers:
            raise ValueError(f"layers must hold {self.n_layers} (W, b) pairs, got {len(layers)}")
        parts = []
        for j, ((W, b), shape) in enumerate(zip(layers, self.shapes, strict=True)):
            W = as_array(W, f"W_{j + 1}", ndim=2)
            b = as_array(b, f"b_{j + 1}", ndim=1)
            if W.shape != shape or b.shape != (shape[0],):
                raise ValueError(
                    f"layer {j + 1} must have W of shape {shape} and b of shape ({shape[0]},), "
                    f"got {W.shape} and {b.shape}"
                )
            parts += [W.ravel(), b]
        return np.concatenate(parts)

    def unflatten(
        self, theta: npt.ArrayLike,
    ) -> list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]]:
        """Copies ``[(W_j, b_j)]`` of a flat vector (use :meth:`layers` for views)."""
        return [(W.copy(), b.copy()) for W, b in self.layers(self.check_theta(theta))]

    def param_name(self, index: int) -> str:
        """Human-readable name of entry ``index`` of ``theta``, e.g. ``'W_2[3, 0]'``."""
        index = check_int(index, "index", low=0, high=self.num_params)
        for j, ((a, b, c), (_m, k)) in enumerate(zip(self.offsets, self.shapes, strict=True)):
            if a <= index < b:
                r, s = divmod(index - a, k)
                return f"W_{j + 1}[{r}, {s}]"
            if b <= index < c:
                return f"b_{j + 1}[{index - b}]"
        raise AssertionError("unreachable: index was checked against num_params")

    def param_names(self) -> list[str]:
        """Names of all p entries of ``theta`` (see :meth:`param_name`)."""
        return [self.param_name(i) for i in range(self.num_params)]

    def init(self, rng: np.random.Generator, scheme: str = "normal",
             **kwargs: float) -> npt.NDArray[np.float64]:
        """Draw an initial ``theta`` with :func:`lib.init.initialize` (scheme name, rng)."""
        from .init import initialize

        return initialize(self, scheme, rng, **kwargs)

    # ------------------------------------------------------------------ passes
    def check_X(self, X, name="X") -> np.ndarray:
        """Validate a batch of inputs: an array of shape ``(N, n_1)`` of finite floats.

        A 1-D array is read as N scalar inputs (shape ``(N, 1)``) when :math:`n_1 = 1`.
        Raises ``ValueError``/``TypeError`` naming ``name`` otherwise. Returns the batch as a
        float array of shape ``(N, n_1)`` (not a copy when ``X`` already is one).
        """
        X = as_array(X, name, ndim=(1, 2))
        if X.ndim == 1:
            if self.widths[0] != 1:
                raise ValueError(f"{name} must have shape (N, {self.widths[0]}), got {X.shape}")
            X = X[:, None]
        if X.shape[1] != self.widths[0]:
            raise ValueError(f"{name} must have shape (N, {self.widths[0]}), got {X.shape}")
        return X


    def _forward(self, layers, X) -> ForwardPass:
        z, v = [X], []
        last = self.n_layers - 1
        for j, (W, b) in enumerate(layers):
            vj = z[-1] @ W.T + b  # v_j = W_j z_j + b_j, rows are examples
            v.append(vj)
            if j == last:
                z.append(vj)  # no final activation
            elif self.residual_layers[j]:
                z.append(z[-1] + self.activations[j].f(vj))  # z_{j+1} = z_j + sigma(v_j)
            else:
                z.append(self.activations[j].f(vj))  # z_{j+1} = sigma(v_j)
        return ForwardPass(z=z, v=v)

    def forward(self, theta: npt.ArrayLike, X: npt.ArrayLike) -> ForwardPass:
        """Forward pass keeping every :math:`z_j` and :math:`v_j` (see :class:`ForwardPass`).

        Parameters
        ----------
        theta : array, shape (p,)
        X : array, shape (N, n_1)  (a 1-D array is read as N scalars when n_1 = 1)
        """
        return self._forward(self.layers(self.check_theta(theta)), self.check_X(X))

    def predict(self, theta: npt.ArrayLike, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """:math:`m(x;\\theta)` for every row of ``X``: shape (N, n_{n+1})."""
        return self.forward(theta, X).output

    def _backward(self, layers, fp, delta, grad, deltas=None):
        """The delta recursion (the reference implementation; see the module docstring).

        ``grad`` of shape (p,) receives the gradient summed over the batch; of shape (N, p),
        one row per example (the per-example gradients: the outer products are kept
        instead of summed). ``deltas``, if a list, receives delta_n, ..., delta_1.
        """
        last = self.n_layers - 1
        per_example = grad.ndim == 2
        grad_layers = None if per_example else self.layers(grad)
        for j in range(last, -1, -1):
            W, _ = layers[j]
            # g_j = delta_{j+1} (.) sigma_j'(v_j); the last layer is linear
            g = delta if j == last else delta * self.activations[j].df(fp.v[j])
            if per_example:
                a, b, c = self.offsets[j]
                n = g.shape[0]
                grad[:, a:b] = (g[:, :, None] * fp.z[j][:, None, :]).reshape(n, -1)  # g_j z_j^T
                grad[:, b:c] = g  # per example i
            else:
                gW, gb = grad_layers[j]
                np.matmul(g.T, fp.z[j], out=gW)  # dL/dW_j = g_j z_j^T summed over the batch
                np.sum(g, axis=0, out=gb)  # dL/db_j = g_j summed over the batch
            if j > 0 or deltas is not None:
                new = g @ W  # delta_j = W_j^T g_j
                if self.residual_layers[j]:
                    new += delta  # skip connection passes delta_{j+1} through
                delta = new
                if deltas is not None:
                    deltas.append(delta)
        return grad

    def backward(
        self, theta: npt.ArrayLike, fp: ForwardPass, delta_out: npt.ArrayLike,
        return_deltas: bool = False,
    ) -> npt.NDArray[np.float64] | tuple[npt.NDArray[np.float64], list[npt.NDArray[np.float64]]]:
        """Backward pass: the gradient of :math:`L` with respect to ``theta``.

        Parameters
        ----------
        theta : array, shape (p,)
        fp : ForwardPass
            Result of :meth:`forward` at the same ``theta``.
        delta_out : array, shape (N, n_{n+1})
            :math:`\\delta_{n+1} = \\partial L/\\partial z_{n+1}` for each example (the
            ``grad`` returned by a loss in :mod:`lib.losses`).
        return_deltas : bool
            Also return ``[delta_1, ..., delta_{n+1}]`` (each of shape (N, n_j)).

        Returns
        -------
        grad : array, shape (p,)
            Summed over the rows of the batch (a mean loss has already divided by N).
        deltas : list of arrays, only if ``return_deltas``
        """
        theta = self.check_theta(theta)
        if not isinstance(fp, ForwardPass):
            raise TypeError(f"fp must be the ForwardPass returned by forward, got "
                            f"{type(fp).__name__}")
        out = fp.output
        delta_out = as_array(delta_out, "delta_out", ndim=2)
        if delta_out.shape != out.shape:
            raise ValueError(f"delta_out must have the output's shape {out.shape}, "
                             f"got {delta_out.shape}")
        grad = np.empty(self.num_params)
        deltas = [delta_out] if return_deltas else None
        self._backward(self.layers(theta), fp, delta_out, grad, deltas)
        if return_deltas:
            return grad, deltas[::-1]
        return grad

    def loss(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
             loss: LossLike = "mse") -> float:
        """Mean training loss :math:`\\frac1N\\sum_i L(m(x_i;\\theta), y_i)`."""
        return _losses.get(loss)(self.predict(theta, X), y)[0]

    def loss_and_grad(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                      loss: LossLike = "mse") -> tuple[float, npt.NDArray[np.float64]]:
        """``(value, grad)`` of the mean loss: forward, loss, backward in one call."""
        theta = self.check_theta(theta)
        fp = self._forward(self.layers(theta), self.check_X(X))
        value, delta = _losses.get(loss)(fp.output, y)
        grad = np.empty(self.num_params)
        self._backward(self.layers(theta), fp, delta, grad)
        check_finite(grad, "gradient (the loss or the weights are too large)")
        return value, grad

    def per_example_gradients(self, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                              loss: LossLike = "mse") -> npt.NDArray[np.float64]:
        r"""All per-example gradients :math:`\nabla f_i(\theta)` in one backward pass (ch. 4, 10).

        The delta recursion runs on the whole batch, but the last step keeps one outer
        product per example instead of summing them:

        .. math::

            \frac{\partial f_i}{\partial W_j} = g_{j,i}\, z_{j,i}^\top,\qquad
            \frac{\partial f_i}{\partial b_j} = g_{j,i},\qquad
            g_{j,i} = \delta_{j+1,i}\odot\sigma_j'(v_{j,i}),

        with :math:`f_i(\theta) = L(m(x_i;\theta), y_i)` the loss of example i alone.

        Parameters
        ----------
        theta : array, shape (p,)
        X : array, shape (N, n_1)
        y : targets for ``loss`` (N rows)
        loss : str or callable, a loss of :mod:`lib.losses`

        Returns
        -------
        G : array, shape (N, p)
            Row i is :math:`\nabla f_i(\theta)` in the layout of ``theta``; the mean of the
            rows is the gradient of the mean loss (:meth:`loss_and_grad`).
        """
        theta = self.check_theta(theta)
        fp = self._forward(self.layers(theta), self.check_X(X))
        _, delta = _losses.get(loss)(fp.output, y, reduction="none")
        return self._backward(self.layers(theta), fp, delta,
                              np.empty((delta.shape[0], self.num_params)))

    def output_jacobian(self, theta: npt.ArrayLike, X: npt.ArrayLike) -> npt.NDArray[np.float64]:
        r"""Jacobian of a scalar-output network: row i is :math:`\nabla_\theta m(x_i;\theta)`.

        The backward pass of :meth:`per_example_gradients` started from
        :math:`\delta_{n+1} = 1`. For the half squared error,
        :math:`\nabla f_i = (m(x_i;\theta) - y_i)\,\nabla_\theta m(x_i;\theta)`.

        Returns
        -------
        J : array, shape (N, p)
        """
        theta = self.check_theta(theta)
        if self.widths[-1] != 1:
            raise ValueError(f"output_jacobian needs a scalar output, the model has "
                             f"{self.widths[-1]}")
        fp = self._forward(self.layers(theta), self.check_X(X))
        return self._backward(self.layers(theta), fp, np.ones_like(fp.output),
                              np.empty((fp.output.shape[0], self.num_params)))
