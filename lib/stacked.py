r"""Train K networks of the same architecture at once (chapters 7 and 8).

Many experiments of the book train several networks that share one architecture and differ
only in their initial parameters (seeds) or in whether the square hidden layers carry skip
connections (plain vs residual, chapter 8). Training them one after the other with
:func:`lib.optim.train` spends most of its time in Python overhead on tiny matrices; here
the K parameter vectors are stacked into one array ``thetas`` of shape ``(K, p)`` and every
layer is one batched product over the stack:

.. math::

    V_j^{(k)} = Z_j^{(k)} W_j^{(k)\top} + b_j^{(k)},\qquad k = 1, \dots, K,

computed by ``np.matmul`` on arrays of shape ``(K, N, n_j)`` and ``(K, n_j, n_{j+1})``
(rows are examples, as everywhere in :mod:`lib`). The backward pass is the delta recursion of
chapter 5, applied to the whole stack at once,

.. math::

    g_j = \delta_{j+1}\odot\sigma_j'(v_j),\quad
    \frac{\partial L}{\partial W_j} = g_j z_j^\top,\quad
    \delta_j = W_j^\top g_j + s_j\,\delta_{j+1},

with :math:`s_j = 1` on a residual layer of a member and 0 otherwise.

This is one of the four homes of the delta recursion (see :mod:`lib.mlp`), for a measured
reason: chapter 8 trains 20 networks of up to 47 layers for 5000 epochs, and one stacked
product per layer instead of K small ones is what keeps it within seconds. The stack's
activation kernels are those of the fast single-network path (``lib._workspace.kernels``),
except for the positively homogeneous ones (identity, ReLU, leaky ReLU), where it computes
:math:`\sigma'(v)` first and :math:`\sigma(v) = v\,\sigma'(v)` from it (exact, one pass
fewer; the backward pass reuses :math:`\sigma'(v)`). ``tests/test_mlp.py`` checks its
gradients against :meth:`lib.mlp.MLP.backward` over activations, losses and batch sizes.

Member ``k`` follows the iterates :func:`lib.optim.train` produces from ``thetas[k]`` (full
batch), or from a generator in the same state as ``rng`` (minibatches: all members see the
same shuffled order), up to rounding: the batched products sum in another order. One step
agrees to about 1e-16; over many steps gradient descent can amplify that difference on an
ill-conditioned run (``benchmarks/stacked_training.py`` shows both). ``tests/test_stacked.py``
checks the agreement to :math:`10^{-10}` on well-conditioned runs.

Example
-------
>>> model = MLP((1,) + (5,) * 30 + (1, 1), "leaky_relu", residual=True)  # doctest: +SKIP
>>> thetas = np.stack([model.init(np.random.default_rng(s), "uniform") for s in range(4)])
>>> thetas, losses = train_many(model, thetas, X, y, lr=0.01, epochs=5000)  # doctest: +SKIP

The module is over 400 lines because the stacked forward and backward passes, their
buffers and the trainer with its divergence checks form one engine; its equivalence with the
reference is tested case by case in ``tests/test_mlp.py`` and ``tests/test_stacked.py``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from . import _workspace
from . import losses as _losses
from ._validate import (
    as_array,
    check_batch_size,
    check_model,
    check_positive,
    check_positive_int,
)
from .losses import LossLike
from .mlp import MLP
from .optim import DivergenceError, _loss_limit, shuffled_batches

__all__ = ["train_many", "predict_many", "loss_many", "residual_mask", "embed", "extract"]

_HOMOGENEOUS = ("relu", "leaky_relu", "identity")  # sigma(v) = v * sigma'(v) exactly


def _check_thetas(model, thetas):
    arr = as_array(thetas, "thetas", ndim=(1, 2))
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.shape[1] != model.num_params:
        raise ValueError(
            f"thetas must have shape (K, {model.num_params}) for {model!r}, got {arr.shape}"
        )
    return arr


def residual_mask(model, residual, K):
    r"""Which members use skip connections on which layers.

    Parameters
    ----------
    model : lib.mlp.MLP
    residual : None, bool, array-like of bool of shape (K,) or (K, n_layers)
        ``None`` follows ``model.residual``; ``True``/``False`` applies to every member; a
        vector gives one flag per member (e.g. ``[False, True]`` for a plain and a residual
        copy of the same widths), applied to all square hidden layers; a matrix gives one
        flag per member and layer (used by :func:`embed` for identity blocks).
    K : int
        Number of members.

    Returns
    -------
    mask : array of bool, shape (K, n_layers)
        ``mask[k, j]`` is true when layer j of member k computes
        :math:`z_{j+1} = z_j + \sigma(W_j z_j + b_j)`; only square hidden layers
        (:math:`n_{j+1} = n_j`, not the last layer) can be residual, as in :class:`lib.mlp.MLP`.
    """
    check_model(model)
    K = check_positive_int(K, "K")
    square = np.array(model.square_layers)
    if residual is None:
        return np.tile(np.asarray(model.residual_layers, dtype=bool), (K, 1))
    if isinstance(residual, (bool, np.bool_)):
        return np.tile(square & bool(residual), (K, 1))
    flags = np.asarray(residual)
    if flags.dtype != bool or flags.shape not in ((K,), (K, model.n_layers)):
        raise ValueError(
            f"residual must be None, a bool, or bools of shape ({K},) or ({K}, "
            f"{model.n_layers}), got {residual!r}"
        )
    if flags.ndim == 1:
        return flags[:, None] & square[None, :]
    if np.any(flags & ~square[None, :]):
        raise ValueError("residual marks a layer that is not a square hidden layer")
    return flags.copy()


def embed(
    small: MLP, thetas: npt.ArrayLike, big: MLP, *, residual: npt.ArrayLike | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_], npt.NDArray[np.bool_], list[int]]:
    r"""Place networks of a shallower architecture inside a deeper one, exactly.

    ``big`` must repeat one hidden width of ``small`` more often, e.g. ``small`` with widths
    :math:`(1, 5, 5, 5, 1, 1)` and ``big`` with :math:`(1, 5, \dots, 5, 1, 1)`. The extra
    square layers become **zero residual blocks**, :math:`z_{j+1} = z_j + \sigma(0 z_j + 0)
    = z_j` whenever :math:`\sigma(0) = 0` (chapter 8), and are frozen during training; the
    other layers carry the parameters of ``small``. So member k of the deep stack computes
    the same function as ``small`` with ``thetas[k]`` and trains along the same iterates.
    This lets :func:`train_many` train networks of *different depths* in one stack.

    Parameters
    ----------
    small, big : lib.mlp.MLP
        Same activations; ``big.widths`` is ``small.widths`` with one hidden width repeated.
    thetas : array, shape (K, p_small)
    residual : see :func:`residual_mask` (for ``small``)

    Returns
    -------
    thetas_big : array, shape (K, p_big)
    residual_big : array of bool, shape (K, big.n_layers)
    trainable : array of bool, shape (K, p_big)
        False on the parameters of the inserted identity blocks.
    layer_map : list of int
        ``layer_map[j]`` is the layer of ``big`` that holds layer j of ``small``.
    """
    check_model(small, "small")
    check_model(big, "big")
    thetas = _check_thetas(small, thetas)
    K = thetas.shape[0]
    sw, bw = small.widths, big.widths
    extra = len(bw) - len(sw)
    cut = None
    for i in range(len(sw) - 1, 1, -1):  # insert after the last possible hidden width
        w = sw[i - 1]
        if (extra >= 0 and sw[:i] == bw[:i] and sw[i:] == bw[i + extra:]
                and all(x == w for x in bw[i - 1:i + extra]) and i + extra < len(bw) - 1):
            cut = i
            break
    if cut is None:
        raise ValueError(f"big.widths {bw} must repeat one hidden width of small.widths {sw}")
    if not np.all(big.activations[cut - 1].f(np.zeros(1)) == 0):
        raise ValueError("embedding needs sigma(0) = 0 on the inserted layers")
    layer_map = [j if j < cut - 1 else j + extra for j in range(small.n_layers)]
    if any(small.activations[j].name != big.activations[jb].name for j, jb in enumerate(layer_map)):
        raise ValueError("small and big must use the same activations")
    rs = residual_mask(small, residual, K)
    rb = np.zeros((K, big.n_layers), dtype=bool)
    rb[:, cut - 1:cut - 1 + extra] = True  # the inserted zero blocks are identity maps
    out = np.zeros((K, big.num_params))
    trainable = np.zeros((K, big.num_params), dtype=bool)
    for j, jb in enumerate(layer_map):
        a, b, c = small.offsets[j]
        A, _, C = big.offsets[jb]
        out[:, A:C] = thetas[:, a:c]
        trainable[:, A:C] = True
        rb[:, jb] = rs[:, j]
    return out, rb, trainable, layer_map


def extract(small: MLP, big: MLP, thetas_big: npt.ArrayLike,
            layer_map: Sequence[int]) -> npt.NDArray[np.float64]:
    """Inverse of :func:`embed`: the ``small`` parameters, shape (K, p_small)."""
    check_model(small, "small")
    check_model(big, "big")
    thetas_big = _check_thetas(big, thetas_big)
    layer_map = list(layer_map)
    if (len(layer_map) != small.n_layers
            or any(isinstance(j, bool) or not isinstance(j, (int, np.integer)) for j in layer_map)
            or any(not 0 <= j < big.n_layers for j in layer_map)
            or any(small.shapes[j] != big.shapes[jb] for j, jb in enumerate(layer_map))):
        raise ValueError(f"layer_map must give, for each of the {small.n_layers} layers of "
                         f"small, the layer of big with the same shape (as embed returns it), "
                         f"got {layer_map}")
    out = np.empty((thetas_big.shape[0], small.num_params))
    for j, jb in enumerate(layer_map):
        a, _, c = small.offsets[j]
        A, _, C = big.offsets[jb]
        out[:, a:c] = thetas_big[:, A:C]
    return out


class _Buffers:
    r"""Every array one training step needs for a batch of ``nb`` examples, allocated once.

    Internally **columns are examples**: ``z[j]`` is the augmented input
    :math:`[z_j;\ 1]` of layer j, shape (K, n_j + 1, nb), and the layer writes
    :math:`z_{j+1}` straight into the first rows of ``z[j + 1]`` (a contiguous block per
    member, so the elementwise kernels run on long contiguous rows). Every per-layer array
    is cut to the members that layer computes (``stack.active``).
    """

    def __init__(self, stack, K, nb):
        shapes, act = stack.shapes, stack.active
        # layer 1 sees the same inputs for every member: one copy, broadcast by matmul
        self.z = [np.empty((1 if j == 0 else K, k + 1, nb)) for j, (m, k) in enumerate(shapes)]
        for z in self.z:
            z[:, -1, :] = 1.0
        self.zin = [z if j == 0 else z[:act[j]] for j, z in enumerate(self.z)]
        self.out = [None if j == stack.n - 1 else self.z[j + 1][:act[j], :m]
                    for j, (m, k) in enumerate(shapes)]  # where z_{j+1} is written
        self.v = [np.empty((a, m, nb)) for a, (m, k) in zip(act, shapes, strict=True)]  # v_j
        self.tmp = [np.empty((a, m, nb)) for a, (m, k) in zip(act, shapes, strict=True)]
        # sigma'(v_j)
        self.der = [np.empty((a, m, nb)) for a, (m, k) in zip(act, shapes, strict=True)]
        self.g = [np.empty((a, m, nb)) for a, (m, k) in zip(act, shapes, strict=True)]
        # delta_j = dL/dz_j for j = 1..n, and delta_{n+1} = dL/dv_n (the loss gradient)
        self.delta = [np.empty((K, k, nb)) for m, k in shapes]
        self.delta.append(np.empty((K, shapes[-1][0], nb)))


class _Stack:
    r"""The K members as per-layer stacks of augmented matrices :math:`A_j = [W_j\ b_j]`.

    Folding the bias into the weights (inputs carry a constant last row of ones) makes
    each layer one batched product forward and two backward. The cost of these tiny
    products is numpy's per-call overhead, not arithmetic, so every buffer is allocated
    once (:class:`_Buffers`) and every operation writes into it with ``out=``, as
    :mod:`lib._workspace` does for a single network.

    **Skipped identity blocks.** A layer j of member k that is a frozen zero residual block
    (what :func:`embed` inserts) computes :math:`z_{j+1} = z_j` and
    :math:`\delta_j = \delta_{j+1}` exactly, so it need not be computed at all. The
    members are reordered so that the members a layer really computes are a prefix
    ``[:active[j]]`` of the stack; every layer works on that prefix only, and a member
    re-entering the prefix gets its current :math:`z` (forward) or :math:`\delta`
    (backward) copied from the layer that last wrote it (the static ``fill`` schedules).
    A 3x5 network embedded in a 45x5 stack then costs its own 5 layers, not 47.
    """

    def __init__(self, model, mask, active=None):
        self.model = model
        self.n = model.n_layers
        self.shapes = model.shapes  # (n_{j+1}, n_j)
        K = mask.shape[0]
        self.active = [K] * self.n if active is None else list(active)
        self.alpha, self.kern = [], []
        for act in model.activations[:-1]:
            # (leaky) ReLU: sigma'(v) = 1 for v > 0, alpha otherwise; sigma(v) = max(v, alpha v)
            homog = act.name in _HOMOGENEOUS
            self.alpha.append(float(act.df(np.array(-1.0))) if homog else None)
            self.kern.append(None if homog else _workspace.kernels(act))
        self.alpha.append(None)
        # per layer: the runs r0:r1 of consecutive computed members that skip
        self.skip = [_runs(mask[:self.active[j], j], False) for j in range(self.n)]
        # fill schedules: (rows r0:r1, buffer to copy from) before layer j, forward/backward
        self.fill_fwd, self.fill_bwd = [[] for _ in range(self.n)], [[] for _ in range(self.n)]
        last = np.ones(K, dtype=int)  # z buffer holding each member's current z
        for j in range(1, self.n):
            self.fill_fwd[j] = _runs(last[:self.active[j]], j)
            last[:self.active[j]] = j + 1
        last = np.full(K, self.n)  # delta buffer holding each member's current delta
        for j in range(self.n - 1, -1, -1):
            self.fill_bwd[j] = _runs(last[:self.active[j]], j + 1)
            last[:self.active[j]] = j
        self.offs = _workspace.augmented_offsets(model)
        self._buffers = {}

    # layout conversion: lib.mlp order (W_1, b_1, ...) <-> augmented [W_j b_j] blocks
    def to_aug(self, thetas):
        return _workspace.to_augmented(self.model, thetas)

    def from_aug(self, flat):
        return _workspace.from_augmented(self.model, flat)

    def views(self, flat):
        """Per-layer views (K_j, n_{j+1}, n_j + 1) of the computed members' blocks."""
        return [flat[:a, s:e].reshape(a, m, k + 1)
                for a, (s, e), (m, k) in zip(self.active, self.offs, self.shapes, strict=True)]

    def buffers(self, K, nb):
        key = (K, nb)
        if key not in self._buffers:
            self._buffers[key] = _Buffers(self, K, nb)
        return self._buffers[key]

    def forward(self, A, Xt, buf):
        """Output v_n, shape (K, n_out, nb), given the inputs as columns Xt (n_1, nb)."""
        z = buf.z
        z[0][0, :-1, :] = Xt
        last = self.n - 1
        for j in range(self.n):
            for r0, r1, src in self.fill_fwd[j]:  # members re-entering the prefix
                z[j][r0:r1, :-1] = z[src][r0:r1, :-1]
            zj, v = buf.zin[j], buf.v[j]
            np.matmul(A[j], zj, out=v)  # v_j = [W_j b_j] [z_j; 1]
            if j == last:  # no final activation
                return v
            h = buf.out[j]
            alpha = self.alpha[j]
            if alpha is not None:
                d = buf.der[j]
                np.greater(v, 0.0, out=d)  # sigma'(v_j) = alpha + (1 - alpha) [v_j > 0]
                d *= 1.0 - alpha
                d += alpha
                np.multiply(v, d, out=h)  # sigma(v_j) = v_j sigma'(v_j)
            else:
                fwd, der = self.kern[j]
                fwd(v, h, buf.tmp[j])
                der(v, h, buf.tmp[j], buf.der[j])  # sigma'(v_j), before the skip below
            for r0, r1, _ in self.skip[j]:  # z_{j+1} = z_j + sigma(v_j) on residual members
                h[r0:r1] += zj[r0:r1, :h.shape[1]]
        raise AssertionError("unreachable")

    def backward(self, A, buf, G):
        """Gradients of the computed members into the views ``G``, from buf.delta[n]."""
        D = buf.delta
        for j in range(self.n - 1, -1, -1):
            for r0, r1, src in self.fill_bwd[j]:  # members re-entering the prefix
                D[j + 1][r0:r1] = D[src][r0:r1]
            a = self.active[j]
            delta = D[j + 1][:a]
            if j == self.n - 1:
                g = delta
            else:  # g_j = delta_{j+1} (.) sigma'(v_j)
                g = buf.g[j]
                np.multiply(delta, buf.der[j], out=g)
            np.matmul(g, buf.zin[j].transpose(0, 2, 1), out=G[j])  # [dW_j db_j] = g_j [z_j; 1]^T
            if j > 0:
                k = self.shapes[j][1]
                new = D[j][:a]
                np.matmul(A[j][:, :, :k].transpose(0, 2, 1), g, out=new)  # W_j^T g_j
                for r0, r1, _ in self.skip[j]:  # the skip connection passes delta_{j+1}
                    new[r0:r1] += delta[r0:r1]

    def loss(self, loss_fn, is_mse, out, yt, buf):
        """Mean loss of every member, shape (K,); writes delta_{n+1} into buf.delta[n]."""
        r = buf.delta[-1]
        nb = out.shape[2]
        if is_mse:
            np.subtract(out, yt, out=r)  # yt has shape (n_out, nb)
            value = 0.5 * np.einsum("kon,kon->k", r, r) / nb
            r /= nb
            return value
        vals = []
        for k, u in enumerate(out):
            v, g = loss_fn(u.T, yt)  # yt: the targets in the loss's own format
            vals.append(v)
            r[k] = np.reshape(g, (nb, -1)).T
        return np.array(vals)


def _runs(src, j):
    """Runs (r0, r1, value) of equal consecutive entries of ``src`` whose value is not j.

    With ``src`` the buffer holding each member's current value: the copies a layer that
    reads buffer j needs; with ``src`` a boolean column of the residual mask and j False:
    the runs of residual members.
    """
    runs, r = [], 0
    while r < len(src):
        r1 = r
        while r1 < len(src) and src[r1] == src[r]:
            r1 += 1
        if src[r] != j:
            runs.append((r, r1, int(src[r])))
        r = r1
    return runs


def _prepare(model, thetas, X, y, loss):
    thetas = _check_thetas(model, thetas)
    X = model.check_X(X)
    loss_fn = _losses.get(loss)
    y_arr = np.asarray(y, dtype=float)
    if y_arr.ndim == 0 or y_arr.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one row per row of X ({X.shape[0]}), "
                         f"got shape {y_arr.shape}")
    loss_fn(model.predict(thetas[0], X[:1]), y_arr[:1])  # validates y for this loss
    is_mse = loss_fn is _losses.mse
    if is_mse and y_arr.ndim == 1:
        y_arr = y_arr[:, None]
    if is_mse and y_arr.shape[1] != model.widths[-1]:
        raise ValueError(f"y must have shape (N, {model.widths[-1]}) for the mse loss, "
                         f"got {y_arr.shape}")
    return thetas, X, y_arr, loss_fn, is_mse


def predict_many(model: MLP, thetas: npt.ArrayLike, X: npt.ArrayLike, *,
                 residual: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
    r"""Outputs :math:`m(x;\theta_k)` of all K members.

    Parameters
    ----------
    model : lib.mlp.MLP
    thetas : array, shape (K, p)
    X : array, shape (N, n_1)
    residual : see :func:`residual_mask`

    Returns
    -------
    array, shape (K, N, n_{n+1})
    """
    check_model(model)
    thetas = _check_thetas(model, thetas)
    X = model.check_X(X)
    stack = _Stack(model, residual_mask(model, residual, thetas.shape[0]))
    K = thetas.shape[0]
    out = stack.forward(stack.views(stack.to_aug(thetas)), X.T, stack.buffers(K, X.shape[0]))
    return out.transpose(0, 2, 1).copy()


def loss_many(model: MLP, thetas: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
              loss: LossLike = "mse", *,
              residual: npt.ArrayLike | None = None) -> npt.NDArray[np.float64]:
    """Mean training loss of every member, shape (K,) (see :func:`predict_many`)."""
    check_model(model)
    thetas, X, y_arr, loss_fn, is_mse = _prepare(model, thetas, X, y, loss)
    K = thetas.shape[0]
    stack = _Stack(model, residual_mask(model, residual, K))
    buf = stack.buffers(K, X.shape[0])
    out = stack.forward(stack.views(stack.to_aug(thetas)), X.T, buf)
    return stack.loss(loss_fn, is_mse, out, y_arr.T if is_mse else y_arr, buf)


def train_many(
    model: MLP, thetas: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike, loss: LossLike = "mse",
    *, lr: float, epochs: int, batch_size: int | None = None,
    rng: np.random.Generator | None = None, residual: npt.ArrayLike | None = None,
    trainable: npt.ArrayLike | None = None, weight_decay: float = 0.0,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    r"""Train K same-shaped networks at once by full-batch GD or shuffled-cyclic SGD.

    Each member follows :math:`\theta^{(k)}_{t+1} = \theta^{(k)}_t - \gamma\big(\nabla
    \hat L(\theta^{(k)}_t) + \lambda\theta^{(k)}_t\big)`, as :func:`lib.optim.train` would
    on its own (up to rounding, see the module docstring).

    Parameters
    ----------
    model : lib.mlp.MLP
        The shared architecture (widths and activations).
    thetas : array, shape (K, p)
        Initial parameters, one row per member (not modified). A 1-D ``(p,)`` array is one
        member.
    X : array, shape (N, n_1)
    y : array
        Targets in the format ``loss`` expects (shape (N, n_out) or (N,) for ``"mse"``).
    loss : str or callable
        A name from :data:`lib.losses.NAMES` or a loss with the same signature. ``"mse"`` is
        evaluated for all members in one vectorised step; other losses once per member.
    lr : float
        Step size :math:`\gamma > 0`, shared by all members.
    epochs : int
        Number of passes over the data.
    batch_size : int, optional
        Minibatch size B; ``None`` means full-batch gradient descent.
    rng : numpy.random.Generator
        Needed for minibatches: one permutation per epoch, shared by all members.
    residual : None, bool or array-like of bool, shape (K,)
        Which members use skip connections on the square hidden layers; ``None`` follows
        ``model.residual`` (see :func:`residual_mask`).
    trainable : array of bool, shape (K, p), optional
        Parameters allowed to move (default all); the others keep their initial values
        (:func:`embed` freezes the inserted identity blocks this way).
    weight_decay : float
        :math:`\lambda \ge 0` (adds :math:`\tfrac{\lambda}{2}\|\theta\|^2`), default 0.

    Returns
    -------
    thetas : array, shape (K, p)
        Final parameters.
    losses : array, shape (K, epochs + 1)
        Full training loss of every member before training and after every epoch (the
        ``record="epoch"`` history of :func:`lib.optim.train`).
    """
    check_model(model)
    thetas, X, y_arr, loss_fn, is_mse = _prepare(model, thetas, X, y, loss)
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    n = X.shape[0]
    batch_size = check_batch_size(batch_size, n, rng)
    K = thetas.shape[0]
    mask = residual_mask(model, residual, K)
    if trainable is not None:
        trainable = np.asarray(trainable)
        if trainable.dtype != bool or trainable.shape != thetas.shape:
            raise ValueError(f"trainable must be bools of shape {thetas.shape}, got {trainable!r}")
    # members reordered so that the layers each computes are prefixes (see _Stack)
    order, active = _schedule(model, thetas, mask, trainable)
    thetas, mask = thetas[order], mask[order]
    stack = _Stack(model, mask, active)
    theta = stack.to_aug(thetas)  # internal layout [W_j b_j]: same entries, same updates
    keep = None
    if trainable is not None and not trainable.all():
        keep = stack.to_aug(trainable[order].astype(float))  # 1 where a parameter may move
    grad = np.zeros_like(theta)  # rows of skipped blocks are never written: they stay 0
    A, G = stack.views(theta), stack.views(grad)
    history = np.empty((K, epochs + 1))
    Xt, yt = X.T, (y_arr.T if is_mse else y_arr)  # columns are examples
    full = stack.buffers(K, n)

    def update(buf):  # the gradient of the loss just evaluated in buf, and the step
        stack.backward(A, buf, G)
        if weight_decay:
            grad[...] += weight_decay * theta
        if keep is not None:
            np.multiply(grad, keep, out=grad)  # frozen parameters do not move
        np.multiply(grad, lr, out=grad)
        np.subtract(theta, grad, out=theta)  # in place: the layer views follow

    def loss_of(xt, yb, buf):
        return stack.loss(loss_fn, is_mse, stack.forward(A, xt, buf), yb, buf)

    back = np.argsort(order)  # undo the reordering
    limit = None  # per member, from its first loss (see lib.optim.DIVERGENCE_FACTOR)

    def check(value, t, filled, recorded):
        """Raise DivergenceError if a member's loss before update t is non-finite or above
        its limit; ``filled`` history columns are complete, ``recorded``: value is one."""
        nonlocal limit
        if limit is None and np.all(np.isfinite(value)):
            limit = np.array([_loss_limit(v) for v in value])
        bad = ~(value <= limit) if limit is not None else ~np.isfinite(value)
        if np.any(bad):
            done = history[:, :filled]
            if recorded and np.all(np.isfinite(value)):
                done = np.column_stack([done, value])
            members = np.sort(order[np.flatnonzero(bad)]).tolist()
            raise DivergenceError(f"training of member(s) {members}", lr=lr, step=t,
                                  history=done[back], value=float(np.max(value[bad])))

    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        if batch_size == n:
            # full batch: the loss of the forward pass of epoch e is the loss after epoch
            # e - 1, so the history costs one extra forward pass, at the end
            for e in range(epochs):
                value = loss_of(Xt, yt, full)
                check(value, e, e, True)
                history[:, e] = value
                update(full)
            t = epochs
        else:
            t = 0
            value = loss_of(Xt, yt, full)
            check(value, 0, 0, True)
            history[:, 0] = value
            for e in range(epochs):
                for idx in shuffled_batches(n, batch_size, rng):
                    yb = y_arr[idx].T if is_mse else y_arr[idx]
                    buf = stack.buffers(K, idx.size)
                    check(loss_of(X[idx].T, yb, buf), t, e + 1, False)
                    update(buf)
                    t += 1
                if e + 1 < epochs:
                    value = loss_of(Xt, yt, full)
                    check(value, t, e + 1, True)
                    history[:, e + 1] = value
        value = loss_of(Xt, yt, full)
        check(value, t, epochs, True)
        history[:, epochs] = value
    if not np.all(np.isfinite(theta)):  # the last update overflowed
        raise DivergenceError("training", lr=lr, step=t, history=history[back])
    return stack.from_aug(theta)[back], history[back]


def _schedule(model, thetas, mask, trainable):
    r"""Member order and per-layer prefix lengths that skip frozen zero residual blocks.

    Layer j of member k is skipped when it is residual, frozen (``trainable`` false on all
    its parameters), all its parameters are zero and :math:`\sigma_j(0) = 0`: then it is
    exactly the identity. Members with more skipped layers go last (stable order); a layer
    whose skipped members do not form a suffix in that order is computed for all members
    (still exact: the zero block adds zero).
    """
    K = thetas.shape[0]
    skip = np.zeros((K, model.n_layers), dtype=bool)
    if trainable is not None:
        for j, (a, _, c) in enumerate(model.offsets):
            act = model.activations[j] if j < model.n_layers - 1 else None
            if act is None or not np.all(act.f(np.zeros(1)) == 0):
                continue
            skip[:, j] = (mask[:, j] & ~trainable[:, a:c].any(axis=1)
                          & ~thetas[:, a:c].any(axis=1))
    # fewest skipped layers first; among equals, plain members before residual ones, so
    # that the residual members of a layer form few runs of rows
    order = np.lexsort((mask.sum(axis=1), skip.sum(axis=1)))
    skip = skip[order]
    active = []
    for j in range(model.n_layers):
        a = K - int(skip[:, j].sum())
        active.append(a if not skip[:a, j].any() else K)  # skipped members form a suffix
    return order, active
