"""Preallocated, in-place training step for :func:`lib.optim.train` (the fast path).

:meth:`lib.mlp.MLP.forward` / :meth:`~lib.mlp.MLP.backward` are the readable reference
implementation of chapter 5. Training runs thousands of small steps, where numpy's per-call
overhead and fresh temporaries dominate, so :func:`~lib.optim.train` uses this module instead:
every buffer is allocated once per batch size and every operation writes into it (``out=``).
The arithmetic is the same delta recursion (one of its four homes, see :mod:`lib.mlp`); the test
suite checks that both paths give the same gradients and the same training trajectory to
rounding. The in-place activation kernels of this module also serve the stacked K-network
path of :mod:`lib.stacked`.

What makes a step fast (measured on Ryu's problem 1 in ``benchmarks/``):

* examples stored as columns and the bias folded into the weights (:class:`Workspace`), so a
  layer is one matrix product forward and two backward, and every elementwise pass runs over
  one contiguous block;
* ``np.dot`` for the products: with an inner dimension of 1 or 2 (the first layer of a
  scalar-input network) ``np.matmul`` was measured three to four times slower;
* binary ufuncs with two array operands (a cached constant array rather than a broadcast
  Python scalar), and no ``np.clip`` (a Python-level wrapper);
* the step size folded into the output gradient, so the update is one subtraction.

Training in float64 on a CPU without AVX-512 spends about a third of its time in ``np.exp``:
numpy evaluates the float64 exponential with the scalar C library there (float32 is
vectorised), which bounds how fast a sigmoid network trains in float64.

Quantities of the forward pass are reused in the backward pass instead of re-evaluating
transcendental functions: with :math:`t = e^{-v}` kept from the forward pass, the sigmoid's
derivative is :math:`\\sigma'(v) = t\\,\\sigma(v)^2` (accurate in both tails, unlike
:math:`\\sigma(1-\\sigma)`), and tanh's is :math:`1 - a^2` with :math:`a = \\tanh v` (exact up
to an absolute error below :math:`10^{-16}` where :math:`\\tanh'` itself is that small).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

_CLIP = 700.0  # -v is clipped to 700 before exp: e^700 is finite (no overflow)


# In-place activation kernels: forward(v, out, tmp) writes sigma(v) into out and may leave
# intermediate values in tmp; deriv(v, a, tmp, out) writes sigma'(v) into out, given
# a = sigma(v) and the tmp left by the forward kernel.
_constants = {}


def _filled(value, like):
    """A cached array of ``like``'s shape and dtype filled with ``value``: a binary ufunc with
    two contiguous operands runs about twice as fast as one with a broadcast scalar."""
    key = (value, like.shape, like.dtype.str)
    arr = _constants.get(key)
    if arr is None:
        if len(_constants) > 256:  # bounded: one entry per (layer shape, batch size, dtype)
            _constants.clear()
        arr = _constants[key] = np.full(like.shape, value, like.dtype)
    return arr


def _sigmoid_fwd(v, out, tmp):
    np.negative(v, out=tmp)
    np.minimum(tmp, _filled(_CLIP, tmp), out=tmp)  # no overflow; e^{-v} may underflow to 0,
    # which is exact
    np.exp(tmp, out=tmp)  # t = e^{-v}, kept for the derivative
    np.add(tmp, 1.0, out=out)
    np.divide(1.0, out, out=out)  # sigma = 1 / (1 + t)


def _sigmoid_der(v, a, tmp, out):
    np.multiply(tmp, a, out=out)
    out *= a  # sigma' = t / (1 + t)^2 = t sigma^2


def _tanh_fwd(v, out, tmp):
    np.tanh(v, out=out)


def _tanh_der(v, a, tmp, out):
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)  # tanh' = 1 - tanh^2


def _relu_fwd(v, out, tmp):
    np.maximum(v, 0.0, out=out)


def _relu_der(v, a, tmp, out):
    np.greater(v, 0.0, out=out)


def _identity_fwd(v, out, tmp):
    np.copyto(out, v)


def _identity_der(v, a, tmp, out):
    out.fill(1.0)


def _leaky_kernels(alpha):
    def fwd(v, out, tmp):
        np.multiply(v, alpha, out=tmp)
        np.maximum(v, tmp, out=out)  # max(v, alpha v) for 0 < alpha < 1

    def der(v, a, tmp, out):
        np.greater(v, 0.0, out=out)
        out *= 1.0 - alpha
        out += alpha

    return fwd, der


def _generic_kernels(act):
    def fwd(v, out, tmp):
        np.copyto(out, act.f(v))

    def der(v, a, tmp, out):
        np.copyto(out, act.df(v))

    return fwd, der


def kernels(act):
    """In-place (forward, derivative) kernels of an :class:`~lib.activations.Activation`."""
    table = {
        "sigmoid": (_sigmoid_fwd, _sigmoid_der),
        "tanh": (_tanh_fwd, _tanh_der),
        "relu": (_relu_fwd, _relu_der),
        "identity": (_identity_fwd, _identity_der),
    }
    if act.name in table:
        return table[act.name]
    if act.name == "leaky_relu":
        alpha = float(act.df(np.array(-1.0)))
        return _leaky_kernels(alpha)
    return _generic_kernels(act)


def augmented_offsets(model):
    r"""``[(start, end), ...]``: where each block :math:`A_j = [W_j\ b_j]` lies in the
    augmented layout. It has the length and the layer boundaries of the model's own layout
    (:attr:`lib.mlp.MLP.offsets`): only the order inside a layer differs."""
    return [(a, c) for a, _, c in model.offsets]


def to_augmented(model, theta):
    r"""Parameters in the augmented layout: per layer :math:`A_j = [W_j\ b_j]`, shape
    ``(n_{j+1}, n_j + 1)``, flattened row-major and concatenated. ``theta`` has shape
    ``(..., p)`` (one network or a stack of them); returns a new array of that shape."""
    lead = theta.shape[:-1]
    out = np.empty_like(theta)
    for (a, b, c), (m, k), (s, e) in zip(model.offsets, model.shapes,
                                          augmented_offsets(model), strict=True):
        blk = out[..., s:e].reshape(lead + (m, k + 1))
        blk[..., :k] = theta[..., a:b].reshape(lead + (m, k))
        blk[..., k] = theta[..., b:c]
    return out


def from_augmented(model, flat):
    """Inverse of :func:`to_augmented`: the model's own layout ``W_1, b_1, W_2, ...``."""
    lead = flat.shape[:-1]
    out = np.empty_like(flat)
    for (a, b, c), (m, k), (s, e) in zip(model.offsets, model.shapes,
                                          augmented_offsets(model), strict=True):
        blk = flat[..., s:e].reshape(lead + (m, k + 1))
        out[..., a:b] = blk[..., :k].reshape(lead + (m * k,))
        out[..., b:c] = blk[..., k]
    return out


def augmented_views(model, flat):
    """Views ``A_j`` of shape ``(n_{j+1}, n_j + 1)`` into an augmented flat vector."""
    return [flat[s:e].reshape(m, k + 1)
            for (s, e), (m, k) in zip(augmented_offsets(model), model.shapes, strict=True)]


class ForwardStep(NamedTuple):
    """One layer of the forward plan of :class:`Workspace` (all arrays are bound buffers)."""

    A: np.ndarray  # [W_j b_j], shape (n_{j+1}, n_j + 1), a view into the parameters
    zin: np.ndarray  # [z_j; 1], shape (n_j + 1, batch)
    v: np.ndarray  # v_j, shape (n_{j+1}, batch)
    fwd: object  # in-place activation kernel, None on the last (linear) layer
    a: np.ndarray  # where sigma(v_j) is written (the next zin on a plain layer)
    tmp: np.ndarray  # scratch the kernel leaves for the derivative
    skip: tuple  # (z_j, z_{j+1}) of a residual layer, else None


class BackwardStep(NamedTuple):
    """One layer of the backward plan of :class:`Workspace` (in backward order)."""

    der: object  # in-place derivative kernel, None on the last (linear) layer
    v: np.ndarray  # v_j
    a: np.ndarray  # sigma(v_j)
    tmp: np.ndarray  # the forward kernel's scratch
    g: np.ndarray  # g_j = delta_{j+1} (.) sigma'(v_j), shape (n_{j+1}, batch)
    zinT: np.ndarray  # [z_j; 1]^T, shape (batch, n_j + 1)
    G: np.ndarray  # [dL/dW_j dL/db_j], a view into the gradient buffer
    WT: np.ndarray  # W_j^T, a strided view into the parameters
    d: np.ndarray  # delta_j, shape (n_j, batch); None for j = 1 (nobody needs dL/dx)
    residual: bool  # layer j has a skip connection


class Workspace:
    r"""Buffers and a fixed plan of in-place operations for one batch size.

    Two layout choices make every step a short sequence of BLAS calls and contiguous
    elementwise passes:

    * The batch is stored as *columns*: the input of layer :math:`j` is a
      ``(n_j + 1, batch)`` array whose first :math:`n_j` rows hold :math:`z_j` for every example,
      so an activation writes its output into one contiguous block.
    * The bias is folded into the weights: the last row of every layer input is ones,
      :math:`\tilde z_j = [z_j; 1]`, so :math:`v_j = A_j \tilde z_j` with
      :math:`A_j = [W_j\ b_j]` is one matrix product, and
      :math:`\partial L/\partial A_j = g_j \tilde z_j^\top` gives the weight and the bias
      gradients together (no broadcast addition, no separate batch sum).

    Parameters
    ----------
    model : lib.mlp.MLP
    batch : int
        Number of examples processed at once.
    params, grads : list of arrays
        :func:`augmented_views` of the parameters and of the gradient buffer; the plan is bound
        to them, so updating ``params`` in place is all a training step needs.
    dtype : numpy float type
    XT : array, shape (n_1, batch), optional
        Bind this input once (full-batch training, loss on the whole data set) instead of
        loading a minibatch into the input buffer at every step.

    Attributes
    ----------
    forward_plan : list of ForwardStep
        The bound buffers of every layer, in forward order.
    backward_plan : list of BackwardStep
        The same for the backward pass, last layer first.
    """

    def __init__(self, model, batch, params, grads, dtype=np.float64, XT=None):
        n = model.n_layers
        self.batch = batch
        self.zin = []  # [z_j; 1], shape (n_j + 1, batch)
        for k in model.widths[:-1]:
            z = np.empty((k + 1, batch), dtype)
            z[-1] = 1.0
            self.zin.append(z)
        self.x = self.zin[0][:-1]  # minibatch columns are copied here
        if XT is not None:
            self.x[...] = XT
        self.v = [np.empty((m, batch), dtype) for m, _ in model.shapes]
        self.out = self.v[-1]  # (n_out, batch)
        self.delta_out = np.empty_like(self.out)
        self.y = np.empty_like(self.out)
        fplan, bplan = [], []
        for j, (m, k) in enumerate(model.shapes):
            A, G = params[j], grads[j]
            zin = self.zin[j]
            if j == n - 1:
                fplan.append(ForwardStep(A, zin, self.v[j], None, None, None, None))
                der = a = tmp = None
            else:
                fwd, der = kernels(model.activations[j])
                tmp = np.empty((m, batch), dtype)
                znext = self.zin[j + 1][:-1]
                if model.residual_layers[j]:
                    a = np.empty((m, batch), dtype)  # sigma(v_j); z_{j+1} = z_j + a_j
                    fplan.append(ForwardStep(A, zin, self.v[j], fwd, a, tmp, (zin[:-1], znext)))
                else:
                    a = znext  # sigma(v_j) is written straight into the next input
                    fplan.append(ForwardStep(A, zin, self.v[j], fwd, a, tmp, None))
            g = None if der is None else np.empty((m, batch), dtype)
            d = np.empty((k, batch), dtype) if j > 0 else None
            bplan.append(BackwardStep(der, self.v[j], a, tmp, g, zin.T, G, A[:, :-1].T, d,
                                      bool(model.residual_layers[j])))
        self.forward_plan, self.backward_plan = fplan, bplan[::-1]
        # the loops below unpack exact tuples: unpacking a NamedTuple takes the generic
        # iterator path, measured at about 5 us per 47-layer sweep (4 % of a deep_residual step)
        self._fplan = [tuple(step) for step in self.forward_plan]
        self._bplan = [tuple(step) for step in self.backward_plan]

    def load(self, XT, yT, idx):
        """Copy columns ``idx`` of ``XT`` (and of float targets ``yT``, if given)."""
        XT.take(idx, axis=1, out=self.x, mode="clip")  # valid indices: no checking copy
        if yT is not None:
            yT.take(idx, axis=1, out=self.y, mode="clip")

    def forward(self):
        """Network output for the loaded examples, shape (n_out, batch) (a buffer)."""
        for A, zin, v, fwd, a, tmp, skip in self._fplan:
            np.dot(A, zin, out=v)  # v_j = [W_j b_j] [z_j; 1] = W_j z_j + b_j
            if fwd is not None:
                fwd(v, a, tmp)  # a_j = sigma(v_j)
                if skip is not None:
                    np.add(skip[0], a, out=skip[1])  # z_{j+1} = z_j + a_j
        return self.out

    def mse_delta(self, scale):
        """(1/2)-MSE of the output against the loaded targets; leaves ``scale`` times its
        gradient in ``delta_out`` and returns the loss value."""
        r = self.delta_out
        np.subtract(self.out, self.y, out=r)
        value = 0.5 * float(np.vdot(r, r)) / self.batch
        np.multiply(r, scale / self.batch, out=r)
        return value

    def backward(self, delta):
        """Gradient of the loss whose output gradient is ``delta`` into the bound ``grads``."""
        for der, v, a, tmp, g, zinT, G, WT, d, residual in self._bplan:
            if der is None:
                g = delta  # output layer: no activation
            else:
                der(v, a, tmp, g)  # sigma'(v_j)
                np.multiply(g, delta, out=g)  # g_j = delta_{j+1} (.) sigma'(v_j)
            np.dot(g, zinT, out=G)  # [dL/dW_j  dL/db_j] = g_j [z_j; 1]^T
            if d is not None:
                np.matmul(WT, g, out=d)  # delta_j = W_j^T g_j (a strided view: matmul beats dot)
                if residual:
                    np.add(d, delta, out=d)  # + delta_{j+1} through the skip connection
                delta = d
