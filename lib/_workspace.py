"""Preallocated, in-place training step for :func:`lib.optim.train` (the fast path).

:meth:`lib.mlp.MLP.forward` / :meth:`~lib.mlp.MLP.backward` are the readable reference
implementation of chapter 5. Training runs thousands of small steps, where numpy's per-call
overhead and fresh temporaries dominate, so :func:`~lib.optim.train` uses this module instead:
every buffer is allocated once per batch size and every operation writes into it (``out=``).
The arithmetic is the same delta recursion; the test suite checks that both paths give the same
gradients and the same training trajectory to rounding.

Quantities of the forward pass are reused in the backward pass instead of re-evaluating
transcendental functions: with :math:`t = e^{-v}` kept from the forward pass, the sigmoid's
derivative is :math:`\\sigma'(v) = t\\,\\sigma(v)^2` (accurate in both tails, unlike
:math:`\\sigma(1-\\sigma)`), and tanh's is :math:`1 - a^2` with :math:`a = \\tanh v` (exact up
to an absolute error below :math:`10^{-16}` where :math:`\\tanh'` itself is that small).
"""

from __future__ import annotations

import numpy as np

_CLIP = 700.0  # exp(+-700) is a normal float: no overflow or underflow


# In-place activation kernels: forward(v, out, tmp) writes sigma(v) into out and may leave
# intermediate values in tmp; deriv(v, a, tmp, out) writes sigma'(v) into out, given
# a = sigma(v) and the tmp left by the forward kernel.
def _sigmoid_fwd(v, out, tmp):
    np.clip(v, -_CLIP, _CLIP, out=tmp)
    np.negative(tmp, out=tmp)
    np.exp(tmp, out=tmp)  # t = e^{-v}, kept for the derivative
    np.add(tmp, 1.0, out=out)
    np.reciprocal(out, out=out)  # sigma = 1 / (1 + t)


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


class Workspace:
    """Buffers for one batch size; :meth:`step` does forward, loss, backward, update."""

    def __init__(self, model, batch, dtype=np.float64):
        self.model = model
        self.batch = batch
        n = model.n_layers
        self.kern = [kernels(a) for a in model.activations[:-1]]
        self.xb = np.empty((batch, model.widths[0]), dtype)
        self.v = [np.empty((batch, m), dtype) for m, _ in model.shapes]
        self.a = [np.empty((batch, m), dtype) for m, _ in model.shapes[:-1]]  # sigma(v_j)
        # z_{j+1}: the activation itself for a plain layer, z_j + sigma(v_j) for a residual one
        self.z = [self.xb]
        for j in range(n - 1):
            self.z.append(np.empty_like(self.a[j]) if model.residual_layers[j] else self.a[j])
        self.g = [np.empty((batch, m), dtype) for m, _ in model.shapes]
        self.d = [None] + [np.empty((batch, model.widths[j]), dtype) for j in range(1, n)]
        self.tmp = [np.empty((batch, m), dtype) for m, _ in model.shapes]
        self.yb = None

    def forward(self, layers):
        m = self.model
        last = m.n_layers - 1
        for j, (W, b) in enumerate(layers):
            v = self.v[j]
            np.matmul(self.z[j], W.T, out=v)  # v_j = W_j z_j + b_j (rows are examples)
            v += b
            if j < last:
                self.kern[j][0](v, self.a[j], self.tmp[j])  # a_j = sigma(v_j)
                if m.residual_layers[j]:
                    np.add(self.z[j], self.a[j], out=self.z[j + 1])  # z_{j+1} = z_j + a_j
        return self.v[last]

    def backward(self, layers, delta, grad_layers):
        """``delta``: dL/d(output), shape (batch, n_out); gradients written into grad_layers."""
        m = self.model
        last = m.n_layers - 1
        for j in range(last, -1, -1):
            W = layers[j][0]
            gW, gb = grad_layers[j]
            if j == last:
                g = delta
            else:
                g = self.g[j]
                self.kern[j][1](self.v[j], self.a[j], self.tmp[j], g)  # sigma'(v_j)
                g *= delta  # g_j = delta_{j+1} (.) sigma'(v_j)
            np.matmul(g.T, self.z[j], out=gW)  # dL/dW_j = g_j z_j^T
            np.add.reduce(g, axis=0, out=gb)  # dL/db_j = g_j summed over the batch
            if j > 0:
                dj = self.d[j]
                np.matmul(g, W, out=dj)  # delta_j = W_j^T g_j
                if m.residual_layers[j]:
                    dj += delta  # + delta_{j+1} through the skip connection
                delta = dj

    def _forward_data(self, layers, X):
        """Forward pass of the whole data set ``X`` (this workspace's batch size is N)."""
        self.z[0] = X
        return self.forward(layers)
