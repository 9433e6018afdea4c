"""Training speed of lib vs PyTorch (CPU, eager) on chapter 8's deep residual network.

Network: the residual "45x5, 1, 1" LeakyReLU network of Giselsson's depth experiment,
``lib.MLP((1,) + (5,) * 45 + (1, 1), "leaky_relu", residual=True)``: 47 affine layers, 1338
parameters. The 44 square hidden layers (5 -> 5) are residual, z_{j+1} = z_j + s(W_j z_j + b_j)
with s(u) = max(u, 0.01 u); the first (1 -> 5) and the 5 -> 1 hidden layer are plain; the last
layer (1 -> 1) has no activation.

Settings of chapters/08_residual_networks.ipynb (checked 2026-11-23):

* data: N = 50 inputs x ~ U[-1, 1] (sorted), y = sin(4x) + 0.5x + 0.1 eps, eps ~ N(0, 1),
  both from ``numpy.random.default_rng(8)``;
* full-batch gradient descent (``batch_size=None``; ``--batch B`` for shuffled-cyclic SGD),
  5000 epochs, loss (1/2) MSE averaged over the batch;
* initialization: ``init(default_rng(1000 * 45 + 0), "he")`` (weights N(0, 2/n_j), zero
  biases) with the 44 residual blocks (W_j and b_j) scaled by 0.1, the chapter's
  ``initial_pair(45, 0)``;
* step size 0.03 (the chapter's ``LR``; ``--lr`` to change it).

Both sides use float64 and one thread, the same data, the same initial weights and the same
batches; lib records the loss of every step (``record="step"``), as torch does with
``loss.item()``. ``--record-epoch`` also times lib.train's default ``record="epoch"`` (used by
the chapter), which costs one extra full forward pass per epoch for the loss history.
Wall-clock and CPU (process) times are both reported; lib and torch runs alternate
(``_common.interleaved``) after one untimed warm-up run each, so load changes hit both alike.

Run: python benchmarks/deep_residual.py [--repeats 5] [--lr 0.03] [--batch B] [--record-epoch]
The last line printed is ``lib/torch time ratio: X.XX``.
"""

from __future__ import annotations

import argparse
import _common  # first: sets the BLAS thread counts before numpy is imported
import numpy as np

import lib

N, NOISE, SEED, EPOCHS, DEPTH, RES_SCALE, ALPHA = 50, 0.1, 8, 5000, 45, 0.1, 0.01
WIDTHS = (1,) + (5,) * DEPTH + (1, 1)
LR = 0.03


def problem():
    """Model, initial parameters and data exactly as chapter 8 draws them."""
    data_rng = np.random.default_rng(SEED)
    X = np.sort(data_rng.uniform(-1, 1, N))[:, None]
    y = np.sin(4 * X) + 0.5 * X + NOISE * data_rng.standard_normal((N, 1))
    model = lib.MLP(WIDTHS, "leaky_relu", residual=True)
    assert model.num_params == 1338 and sum(model.residual_layers) == DEPTH - 1
    theta0 = lib.init.scale_residual_blocks(
        model, model.init(np.random.default_rng(1000 * DEPTH + 0), "he"), RES_SCALE)
    return model, theta0, X, y


def run_lib(model, theta0, X, y, lr, batch, record="step"):
    return lib.train(model, theta0, X, y, loss="mse", lr=lr, epochs=EPOCHS, batch_size=batch,
                     rng=np.random.default_rng(SEED + 1), record=record)


def torch_network(torch, model, theta0):
    """An nn.Module with the same layers, skip connections and initial weights as ``model``."""
    nn = torch.nn

    class ResidualMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.linears = nn.ModuleList(
                nn.Linear(k, m).double() for m, k in model.shapes)
            self.residual = model.residual_layers

        def forward(self, z):
            last = len(self.linears) - 1
            for j, lin in enumerate(self.linears):
                v = lin(z)
                if j == last:
                    return v
                a = nn.functional.leaky_relu(v, ALPHA)
                z = z + a if self.residual[j] else a

    net = ResidualMLP()
    with torch.no_grad():
        for lin, (W, b) in zip(net.linears, model.layers(theta0), strict=True):
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b))
    return net


def run_torch(torch, model, theta0, X, y, lr, batch):
    net = torch_network(torch, model, theta0)
    opt = torch.optim.SGD(net.parameters(), lr=lr)
    mse = torch.nn.MSELoss()
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    n = X.shape[0]
    batch = batch or n
    perm_rng = np.random.default_rng(SEED + 1)  # the same shuffles as lib.train
    losses = []
    for _ in range(EPOCHS):
        if batch < n:
            order = torch.from_numpy(perm_rng.permutation(n))
            batches = [(Xt[idx], yt[idx])
                       for idx in (order[s:s + batch] for s in range(0, n, batch))]
        else:
            batches = [(Xt, yt)]
        for xb, yb in batches:
            opt.zero_grad(set_to_none=True)
            loss = 0.5 * mse(net(xb), yb)  # lib's "mse": (1/2)|u - y|^2 averaged over the batch
            loss.backward()
            opt.step()
            losses.append(loss.item())
    theta = np.concatenate([p.detach().numpy().ravel() for p in net.parameters()])
    return theta, np.array(losses)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--lr", type=float, default=LR, help=f"step size (default {LR})")
    parser.add_argument("--batch", type=int, default=None,
                        help="minibatch size (default: full batch, as in chapter 8)")
    parser.add_argument("--record-epoch", action="store_true",
                        help="also time lib.train with record='epoch' (its default)")
    args = parser.parse_args()
    print(_common.machine_line())
    model, theta0, X, y = problem()
    steps = EPOCHS * (-(-N // args.batch) if args.batch else 1)
    print(f"model: residual {WIDTHS[1:-2].count(5)}x5, 1, 1 LeakyReLU MLP, {model.n_layers} "
          f"layers, {model.num_params} parameters, {sum(model.residual_layers)} residual; "
          f"N = {N}, batch {args.batch or 'full'}, lr {args.lr}, {EPOCHS} epochs = {steps} steps")

    fns = {"lib": lambda: run_lib(model, theta0, X, y, args.lr, args.batch)}
    if args.record_epoch:
        fns["lib_epoch"] = lambda: run_lib(model, theta0, X, y, args.lr, args.batch,
                                           record="epoch")
    torch = _common.load_torch()
    if torch is not None:
        fns["torch"] = lambda: run_torch(torch, model, theta0, X, y, args.lr, args.batch)
    print(f"{_common.load_line()} at the start")
    for fn in fns.values():  # one untimed warm-up run each
        fn()
    times = _common.interleaved(fns, args.repeats)
    lib_t = times["lib"]
    res = lib_t.result
    print(f"lib:   {lib_t.summary()} = {1e6 * lib_t.median_cpu / steps:.0f} us CPU/step; "
          f"final loss {res.loss[-1]:.6f} (initial {res.loss[0]:.6f})")
    if args.record_epoch:
        ep = times["lib_epoch"]
        print(f"lib, record='epoch' (+1 forward pass per epoch): {ep.summary()} = "
              f"{ep.median_cpu / lib_t.median_cpu:.2f}x record='step'")
    print(f"{_common.load_line()} at the end")
    if torch is None:
        print("PyTorch is not installed (pip install torch==2.13.0): only lib's time is reported")
        print("lib/torch time ratio: n/a")
        return
    tt = times["torch"]
    theta_t, loss_t = tt.result
    print(f"torch {torch.__version__}: {tt.summary()} = {1e6 * tt.median_cpu / steps:.0f} us "
          f"CPU/step; final loss {loss_t[-1]:.6f}")
    print(f"same trajectory: max |theta_lib - theta_torch| = "
          f"{np.max(np.abs(res.theta - theta_t)):.2e} (max |theta| "
          f"{np.max(np.abs(res.theta)):.2f}), max |loss_lib - loss_torch| = "
          f"{np.max(np.abs(res.loss - loss_t)):.2e}")
    rounds = sorted(a / b for a, b in zip(lib_t.wall, tt.wall, strict=True))
    print(f"per-round ratios: {', '.join(f'{r:.2f}' for r in rounds)}")
    print(f"lib/torch CPU time ratio: {lib_t.median_cpu / tt.median_cpu:.2f}")
    print(f"lib/torch time ratio: {lib_t.median / tt.median:.2f}")


if __name__ == "__main__":
    main()
