"""Independent oracles for the tests: written from the documented definitions, importing
nothing from ``lib`` (a test of ``lib`` against these never compares ``lib`` with itself).

* :func:`fd_gradient`: centred finite differences, one entry at a time;
* :func:`fd_gradient_stacked`: the same with all 2p perturbed vectors in one call;
* :func:`network_losses`: the mean loss of a fully connected network for a stack of
  parameter vectors, by einsum;
* :func:`rel_err`: the symmetric relative error of two arrays.
"""

import numpy as np

__all__ = ["ACTIVATIONS", "fd_gradient", "fd_gradient_stacked", "network_losses", "rel_err"]


def fd_gradient(f, x, eps=1e-6):
    """Centred differences of the scalar ``f`` at every entry of ``x`` (any shape):
    ``(f(x + eps e_k) - f(x - eps e_k)) / (2 eps)``; error O(eps^2) plus rounding O(1/eps)."""
    x = np.array(x, dtype=float)
    g = np.empty_like(x)
    for idx in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[idx] += eps
        xm[idx] -= eps
        g[idx] = (f(xp) - f(xm)) / (2.0 * eps)
    return g


def fd_gradient_stacked(F, theta, eps=1e-6):
    """Centred differences with the 2p perturbed vectors evaluated in one call of ``F``
    (``F`` maps a stack (P, p) of parameter vectors to P losses)."""
    p = theta.size
    E = eps * np.eye(p)
    values = F(np.concatenate([theta + E, theta - E]))
    return (values[:p] - values[p:]) / (2.0 * eps)


def rel_err(a, b):
    """``|a - b| / (|a| + |b|)`` in the 2-norm (0 for two zero arrays)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


ACTIVATIONS = {
    "sigmoid": lambda v, a: 1.0 / (1.0 + np.exp(-v)),
    "tanh": lambda v, a: np.tanh(v),
    "relu": lambda v, a: np.maximum(v, 0.0),
    "leaky_relu": lambda v, a: np.where(v > 0, v, (0.01 if a is None else a) * v),
    "elu": lambda v, a: np.where(v >= 0, v,
                                 (1.0 if a is None else a) * np.expm1(np.minimum(v, 0))),
    "softplus": lambda v, a: np.logaddexp(0.0, v),
    "identity": lambda v, a: v,
}


def network_losses(thetas, X, y, widths, activation, residual, loss, alpha=None):
    """Mean loss of the network for a whole stack of parameter vectors ``thetas`` (P, p),
    from the documented definition: layers W_j (n_{j+1}, n_j) then b_j, z_{j+1} =
    sigma(W_j z_j + b_j), or z_j + sigma(...) on square hidden layers when ``residual``, no
    activation on the last layer; ``loss`` is "mse" (1/2 squared error, summed over outputs,
    averaged over examples) or "cross_entropy" (integer labels ``y``)."""
    P, n = thetas.shape[0], X.shape[0]
    z = np.broadcast_to(X, (P,) + X.shape)
    pos, last = 0, len(widths) - 2
    for j in range(len(widths) - 1):
        k, m = widths[j], widths[j + 1]
        W = thetas[:, pos:pos + m * k].reshape(P, m, k)
        b = thetas[:, pos + m * k:pos + m * k + m]
        pos += m * k + m
        v = np.einsum("pnk,pmk->pnm", z, W) + b[:, None, :]
        if j == last:
            z = v
        elif residual and k == m:
            z = z + ACTIVATIONS[activation](v, alpha)
        else:
            z = ACTIVATIONS[activation](v, alpha)
    assert pos == thetas.shape[1]
    if loss == "mse":
        return 0.5 * np.sum((z - y) ** 2, axis=(1, 2)) / n
    if loss == "cross_entropy":
        mx = z.max(axis=2, keepdims=True)
        lse = mx[..., 0] + np.log(np.exp(z - mx).sum(axis=2))
        return np.mean(lse - z[:, np.arange(n), y], axis=1)
    raise ValueError(f"unknown loss {loss!r}")
