r"""Train K networks of the same architecture at once (chapters 8 and 10).

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

Member ``k`` follows exactly the iterates :func:`lib.optim.train` produces from
``thetas[k]`` (full batch), or from a generator in the same state as ``rng`` (minibatches:
all members see the same shuffled order). ``tests/test_ensemble.py`` checks both to
:math:`10^{-10}`.

Example
-------
>>> model = MLP((1,) + (5,) * 30 + (1, 1), "leaky_relu", residual=True)  # doctest: +SKIP
>>> thetas = np.stack([model.init(np.random.default_rng(s), "uniform") for s in range(4)])
>>> thetas, losses = train_many(model, thetas, X, y, lr=0.01, epochs=5000)  # doctest: +SKIP
"""

from __future__ import annotations

import numpy as np

from . import losses as _losses
from ._validate import as_array, check_finite, check_positive, check_positive_int, check_rng

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
    n_hidden = model.n_layers - 1
    square = np.array([j < n_hidden and model.widths[j] == model.widths[j + 1]
                       for j in range(model.n_layers)])
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


def embed(small, thetas, big, *, residual=None):
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
        a, b, c = small._offsets[j]
        A, _, C = big._offsets[jb]
        out[:, A:C] = thetas[:, a:c]
        trainable[:, A:C] = True
        rb[:, jb] = rs[:, j]
    return out, rb, trainable, layer_map


def extract(small, big, thetas_big, layer_map):
    """Inverse of :func:`embed`: the ``small`` parameters, shape (K, p_small)."""
    thetas_big = _check_thetas(big, thetas_big)
    out = np.empty((thetas_big.shape[0], small.num_params))
    for j, jb in enumerate(layer_map):
        a, _, c = small._offsets[j]
        A, _, C = big._offsets[jb]
        out[:, a:c] = thetas_big[:, A:C]
    return out


class _Stack:
    r"""The K members as per-layer stacks of augmented matrices :math:`A_j = [W_j\ b_j]`.

    Folding the bias into the weights (inputs carry a constant last column of ones) makes
    each layer one batched product forward and two backward, which matters because the
    cost of these tiny products is Python and numpy call overhead, not arithmetic.
    """

    def __init__(self, model, mask):
        self.model = model
        self.n = model.n_layers
        self.shapes = model.shapes  # (n_{j+1}, n_j)
        self.acts = model.activations
        self.alpha = []
        for j in range(self.n - 1):
            act = self.acts[j]
            # sigma(v) = v sigma'(v) for (leaky) ReLU: keep the slope for negative inputs
            self.alpha.append(float(act.df(np.array(-1.0))) if act.name in _HOMOGENEOUS else None)
        # per layer: None (no member skips), "all" (all skip) or a (K, 1, 1) 0/1 factor
        self.skip = []
        for j in range(self.n):
            col = mask[:, j]
            if not col.any():
                self.skip.append(None)
            elif col.all():
                self.skip.append("all")
            else:
                self.skip.append(col.astype(float)[:, None, None])
        offs, pos = [], 0
        for m, k in self.shapes:
            offs.append((pos, pos + m * (k + 1)))
            pos += m * (k + 1)
        self.offs = offs
        self._buffers = {}

    # layout conversion: lib.mlp order (W_1, b_1, ...) <-> augmented [W_j b_j] blocks
    def to_aug(self, thetas):
        K = thetas.shape[0]
        out = np.empty_like(thetas)
        for (a, b, c), (m, k), (s, e) in zip(self.model._offsets, self.shapes, self.offs, strict=True):
            blk = out[:, s:e].reshape(K, m, k + 1)
            blk[:, :, :k] = thetas[:, a:b].reshape(K, m, k)
            blk[:, :, k] = thetas[:, b:c]
        return out

    def from_aug(self, flat):
        K = flat.shape[0]
        out = np.empty_like(flat)
        for (a, b, c), (m, k), (s, e) in zip(self.model._offsets, self.shapes, self.offs, strict=True):
            blk = flat[:, s:e].reshape(K, m, k + 1)
            out[:, a:b] = blk[:, :, :k].reshape(K, m * k)
            out[:, b:c] = blk[:, :, k]
        return out

    def views(self, flat):
        K = flat.shape[0]
        return [flat[:, s:e].reshape(K, m, k + 1) for (s, e), (m, k) in zip(self.offs, self.shapes, strict=True)]

    def buffers(self, K, nb):
        """Augmented layer inputs [z_j 1] for j = 2..n, shape (K, nb, n_j + 1)."""
        key = (K, nb)
        if key not in self._buffers:
            bufs = []
            for j in range(1, self.n):
                buf = np.empty((K, nb, self.shapes[j][1] + 1))
                buf[:, :, -1] = 1.0
                bufs.append(buf)
            self._buffers[key] = bufs
        return self._buffers[key]

    def forward(self, A, xaug):
        """Output (K, nb, n_out), the augmented inputs of every layer and sigma'(v_j)."""
        K, nb = A[0].shape[0], xaug.shape[0]
        bufs = self.buffers(K, nb)
        zs, dfs = [xaug], []
        z = xaug
        for j in range(self.n):
            v = np.matmul(z, A[j].transpose(0, 2, 1))  # v_j = [W_j b_j] [z_j; 1]
            if j == self.n - 1:  # no final activation
                return v, zs, dfs
            nxt = bufs[j]
            m = self.shapes[j][0]
            h = nxt[:, :, :m]  # z_{j+1} is written into the next augmented input
            a = self.alpha[j]
            if a is not None:
                d = np.where(v > 0, 1.0, a)  # sigma'(v_j)
                np.multiply(v, d, out=h)  # sigma(v_j) = v_j sigma'(v_j)
            else:
                d = self.acts[j].df(v)
                h[...] = self.acts[j].f(v)
            s = self.skip[j]
            if isinstance(s, str):
                h += z[..., :m]  # z_{j+1} = z_j + sigma(v_j)
            elif s is not None:
                h += s * z[..., :m]
            dfs.append(d)
            zs.append(nxt)
            z = nxt
        raise AssertionError("unreachable")

    def backward(self, A, zs, dfs, delta, G):
        for j in range(self.n - 1, -1, -1):
            k = self.shapes[j][1]
            g = delta if j == self.n - 1 else delta * dfs[j]  # g_j = delta_{j+1} (.) sigma'(v_j)
            np.matmul(g.transpose(0, 2, 1), zs[j], out=G[j])  # [dL/dW_j dL/db_j] = g_j [z_j 1]^T
            if j > 0:
                new = np.matmul(g, A[j][:, :, :k])  # delta_j = W_j^T g_j
                s = self.skip[j]
                if isinstance(s, str):
                    new += delta  # the skip connection passes delta_{j+1} through
                elif s is not None:
                    new += s * delta
                delta = new


def _augment(X):
    """[X 1]: the inputs with a constant last column (the bias as a weight), (N, n_1 + 1)."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _loss_values(loss_fn, is_mse, out, y):
    """Mean loss of every member, shape (K,), and delta_{n+1}, shape (K, N, n_out)."""
    if is_mse:
        r = out - y  # y has shape (N, n_out)
        n = out.shape[1]
        return 0.5 * np.sum(r * r, axis=(1, 2)) / n, r / n
    vals, grads = [], []
    for u in out:
        v, g = loss_fn(u, y)
        vals.append(v)
        grads.append(g)
    return np.array(vals), np.stack(grads)


def _prepare(model, thetas, X, y, loss):
    thetas = _check_thetas(model, thetas)
    X = model._check_X(X)
    loss_fn = _losses.get(loss)
    y_arr = np.asarray(y, dtype=float)
    if y_arr.ndim == 0 or y_arr.shape[0] != X.shape[0]:
        raise ValueError(f"y must have one row per row of X ({X.shape[0]}), got shape {y_arr.shape}")
    loss_fn(model.predict(thetas[0], X[:1]), y_arr[:1])  # validates y for this loss
    is_mse = loss_fn is _losses.mse
    if is_mse and y_arr.ndim == 1:
        y_arr = y_arr[:, None]
    if is_mse and y_arr.shape[1] != model.widths[-1]:
        raise ValueError(f"y must have shape (N, {model.widths[-1]}) for the mse loss, got {y_arr.shape}")
    return thetas, X, y_arr, loss_fn, is_mse


def predict_many(model, thetas, X, *, residual=None):
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
    thetas = _check_thetas(model, thetas)
    X = model._check_X(X)
    stack = _Stack(model, residual_mask(model, residual, thetas.shape[0]))
    return stack.forward(stack.views(stack.to_aug(thetas)), _augment(X))[0]


def loss_many(model, thetas, X, y, loss="mse", *, residual=None):
    """Mean training loss of every member, shape (K,) (see :func:`predict_many`)."""
    thetas, X, y_arr, loss_fn, is_mse = _prepare(model, thetas, X, y, loss)
    out = predict_many(model, thetas, X, residual=residual)
    return _loss_values(loss_fn, is_mse, out, y_arr)[0]


def train_many(model, thetas, X, y, loss="mse", *, lr, epochs, batch_size=None, rng=None,
               residual=None, trainable=None, weight_decay=0.0):
    r"""Train K same-shaped networks at once by full-batch GD or shuffled-cyclic SGD.

    Each member follows :math:`\theta^{(k)}_{t+1} = \theta^{(k)}_t - \gamma\big(\nabla
    \hat L(\theta^{(k)}_t) + \lambda\theta^{(k)}_t\big)`, exactly as :func:`lib.optim.train`
    would on its own.

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
    thetas, X, y_arr, loss_fn, is_mse = _prepare(model, thetas, X, y, loss)
    lr = check_positive(lr, "lr")
    epochs = check_positive_int(epochs, "epochs")
    weight_decay = check_positive(weight_decay, "weight_decay", allow_zero=True)
    n = X.shape[0]
    if batch_size is None:
        batch_size = n
    batch_size = check_positive_int(batch_size, "batch_size")
    if batch_size > n:
        raise ValueError(f"batch_size must be at most N = {n}, got {batch_size}")
    if batch_size < n:
        check_rng(rng)
    K = thetas.shape[0]
    stack = _Stack(model, residual_mask(model, residual, K))
    if trainable is not None:
        trainable = np.asarray(trainable)
        if trainable.dtype != bool or trainable.shape != thetas.shape:
            raise ValueError(f"trainable must be bools of shape {thetas.shape}, got {trainable!r}")
        keep = stack.to_aug(trainable.astype(float))  # 1 where a parameter may move
        trainable = None if keep.all() else keep
    theta = stack.to_aug(thetas)  # internal layout [W_j b_j]; same entries, same updates
    grad = np.empty_like(theta)
    A, G = stack.views(theta), stack.views(grad)
    Xa = _augment(X)
    history = np.empty((K, epochs + 1))

    def step(xa, yb):
        out, zs, dfs = stack.forward(A, xa)
        value, delta = _loss_values(loss_fn, is_mse, out, yb)
        stack.backward(A, zs, dfs, delta, G)
        if weight_decay:
            grad[...] += weight_decay * theta
        if trainable is not None:
            grad[...] *= trainable  # frozen parameters do not move
        theta[...] -= lr * grad  # in place: the layer views follow
        return value

    def full_loss():
        return _loss_values(loss_fn, is_mse, stack.forward(A, Xa)[0], y_arr)[0]

    if batch_size == n:
        # full batch: the loss of the forward pass of epoch e is the loss after epoch e - 1,
        # so the history costs one extra forward pass, at the end
        for e in range(epochs):
            history[:, e] = step(Xa, y_arr)
    else:
        history[:, 0] = full_loss()
        for e in range(epochs):
            order = rng.permutation(n)
            for start in range(0, n, batch_size):
                idx = order[start:start + batch_size]
                step(Xa[idx], y_arr[idx])
            history[:, e + 1] = full_loss()
    history[:, epochs] = full_loss()
    check_finite(theta, "thetas after training (diverged: try a smaller lr)")
    return stack.from_aug(theta), history
