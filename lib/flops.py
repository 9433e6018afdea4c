r"""The cost of derivatives, counted (chapter 5).

:func:`chain_product` and :func:`chain_flops` multiply a chain of Jacobians from the left or
the right and count the operations: for a scalar loss, reverse mode (from the left, a row
vector times matrices) is far cheaper than forward mode. :func:`forward_flops` and
:func:`backward_flops` count the multiply-adds of a network's forward and backward passes (a
backward pass costs about twice a forward pass); :func:`time_passes` measures both, for the
benchmarks and the chapter's timing cell (timings are printed, never asserted).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from . import losses as _losses
from ._validate import (
    as_array,
    check_bool,
    check_model,
    check_positive_int,
)
from .losses import LossLike
from .mlp import MLP

__all__ = [
    "chain_product",
    "chain_flops",
    "forward_flops",
    "backward_flops",
    "time_passes",
]


def _check_shapes(shapes, name="shapes"):
    if isinstance(shapes, (str, bytes)) or not hasattr(shapes, "__iter__"):
        raise TypeError(f"{name} must be a list of (rows, cols) pairs, got "
                        f"{type(shapes).__name__}")
    shapes = [tuple(int(check_positive_int(d, f"{name} entries")) for d in s) for s in shapes]
    if not shapes or any(len(s) != 2 for s in shapes):
        raise ValueError(f"{name} must be a non-empty list of (rows, cols) pairs")
    for (_, c), (r, _) in zip(shapes[:-1], shapes[1:], strict=True):
        if c != r:
            raise ValueError(f"{name} do not chain: a factor with {c} columns is followed by "
                             f"one with {r} rows")
    return shapes


def chain_product(matrices: Sequence[npt.ArrayLike],
                  order: str = "left") -> npt.NDArray[np.float64]:
    """The product :math:`A_1 A_2 \\cdots A_K`, accumulated from the left or from the right."""
    if isinstance(matrices, (str, bytes)) or not hasattr(matrices, "__iter__"):
        raise TypeError(f"matrices must be a list of 2-D arrays, got {type(matrices).__name__}")
    mats = [as_array(m, "matrices entries", ndim=2) for m in matrices]
    _check_shapes([m.shape for m in mats], "matrices")
    if order == "left":
        out = mats[0]
        for m in mats[1:]:
            out = out @ m
    elif order == "right":
        out = mats[-1]
        for m in mats[-2::-1]:
            out = m @ out
    else:
        raise ValueError(f"order must be 'left' or 'right', got {order!r}")
    return out


def chain_flops(shapes: Sequence[tuple[int, int]], order: str = "left") -> int:
    r"""Flops of the chain product :math:`A_1\cdots A_K` with ``shapes[k] = A_k.shape``.

    A product of an :math:`a\times b` and a :math:`b\times c` matrix costs :math:`2abc` flops
    (a multiply and an add per term). ``"left"`` accumulates :math:`((A_1A_2)A_3)\cdots`
    (reverse mode: with :math:`A_1` a row vector every step is a vector-matrix product);
    ``"right"`` accumulates :math:`A_1(\cdots(A_{K-1}A_K))` (full Jacobians, forward mode).
    """
    shapes = _check_shapes(shapes)
    total = 0
    if order == "left":
        rows = shapes[0][0]
        for (b, c) in shapes[1:]:
            total += 2 * rows * b * c
    elif order == "right":
        cols = shapes[-1][1]
        for (a, b) in shapes[-2::-1]:
            total += 2 * a * b * cols
    else:
        raise ValueError(f"order must be 'left' or 'right', got {order!r}")
    return total


def _check_widths(widths):
    if isinstance(widths, (str, bytes)) or not hasattr(widths, "__len__") or len(widths) < 2:
        raise ValueError(f"widths must list at least two layer sizes, got {widths!r}")
    return [check_positive_int(w, "widths entries") for w in widths]


def _check_residual_layers(residual_layers, n_layers):
    """One bool per layer (default all False)."""
    if residual_layers is None:
        return [False] * n_layers
    flags = [check_bool(r, "residual_layers entries") for r in residual_layers]
    if len(flags) != n_layers:
        raise ValueError(f"residual_layers must have one flag per layer ({n_layers}), got "
                         f"{len(flags)}")
    return flags


def forward_flops(widths: Sequence[int], batch: int = 1,
                  residual_layers: Sequence[bool] | None = None) -> int:
    r"""Flops of one forward pass of an MLP on ``batch`` examples.

    Per layer: :math:`2Nn_{j+1}n_j` for :math:`Z_jW_j^\top`, :math:`Nn_{j+1}` for the bias,
    :math:`Nn_{j+1}` for the activation (one flop per element, by convention; none on the
    last layer) and :math:`Nn_{j+1}` for a residual addition.
    """
    w = _check_widths(widths)
    N = check_positive_int(batch, "batch")
    res = _check_residual_layers(residual_layers, len(w) - 1)
    total = 0
    for j in range(len(w) - 1):
        total += 2 * N * w[j + 1] * w[j] + N * w[j + 1]
        if j < len(w) - 2:
            total += N * w[j + 1] * (2 if res[j] else 1)
    return total


def backward_flops(widths: Sequence[int], batch: int = 1,
                   residual_layers: Sequence[bool] | None = None, input_delta: bool = False) -> int:
    r"""Flops of one backward pass (delta recursion) of an MLP on ``batch`` examples.

    Per hidden layer: :math:`Nn_{j+1}` for :math:`\sigma'(V_j)` and :math:`Nn_{j+1}` for the
    Hadamard product; every layer: :math:`2Nn_{j+1}n_j` for :math:`G_j^\top Z_j`,
    :math:`Nn_{j+1}` for the bias sum and :math:`2Nn_{j+1}n_j` for :math:`\Delta_j = G_jW_j`
    (skipped for :math:`j = 1` unless ``input_delta``: nobody needs
    :math:`\partial L/\partial x`), plus :math:`Nn_j` for a residual addition.
    """
    w = _check_widths(widths)
    N = check_positive_int(batch, "batch")
    res = _check_residual_layers(residual_layers, len(w) - 1)
    input_delta = check_bool(input_delta, "input_delta")
    total = 0
    for j in range(len(w) - 1):
        if j < len(w) - 2:
            total += 2 * N * w[j + 1]
        total += 2 * N * w[j + 1] * w[j] + N * w[j + 1]
        if j > 0 or input_delta:
            total += 2 * N * w[j + 1] * w[j] + (N * w[j] if res[j] else 0)
    return total


def time_passes(model: MLP, theta: npt.ArrayLike, X: npt.ArrayLike, y: npt.ArrayLike,
                loss: LossLike = "mse", *, repeats: int = 7) -> dict[str, float]:
    """Median wall-clock seconds of ``model.forward`` and of ``model.backward`` (one batch).

    Each repeat times one forward and one backward pass back to back, so their ratio is
    measured under the same machine load; the median of the per-repeat ratios is more
    robust to load bursts than the ratio of the medians.

    Returns
    -------
    dict with keys ``"forward"``, ``"backward"`` (seconds, medians over ``repeats``) and
    ``"ratio"`` (median of backward/forward over the repeats).
    """
    check_model(model)
    repeats = check_positive_int(repeats, "repeats")
    theta = model.check_theta(theta)
    fp = model.forward(theta, X)
    _, delta = _losses.get(loss)(fp.output, y)
    tf, tb = [], []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fp = model.forward(theta, X)
        t1 = time.perf_counter()
        model.backward(theta, fp, delta)
        t2 = time.perf_counter()
        tf.append(t1 - t0)
        tb.append(t2 - t1)
    ratios = np.array(tb) / np.maximum(np.array(tf), 1e-12)
    return {"forward": float(np.median(tf)), "backward": float(np.median(tb)),
            "ratio": float(np.median(ratios))}
