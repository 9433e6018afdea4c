"""Training speed of lib vs PyTorch (CPU, eager) on Ryu's problem 1, exactly as specified.

Sigmoid MLP (1, 64, 64, 1), f*(x) = (x - 2) cos(4x), X ~ N(0, 1), N = 512, batch 128,
step 0.1, 1000 epochs (4000 SGD steps, shuffled cyclic), weights N(0, 1), biases 0.03,
loss (1/2) MSE, one thread each, same data, same initial weights, same batches, and the same
precision on both sides: float64 (the book's precision) and float32 (PyTorch's default dtype).
Runs of lib and torch alternate (see ``_common.interleaved``) and each side gets one untimed
warm-up run.

Run: python benchmarks/ryu_problem1.py [--repeats 5] [--dtype both|float64|float32]
The last line printed is ``lib/torch time ratio: X.XX`` for float32 (for the single dtype
given with ``--dtype``); the float64 ratio is printed on the line before it.
"""

from __future__ import annotations

import argparse

# _common must come first: it sets the BLAS thread counts before numpy is imported.
from _common import interleaved, load_line, load_torch, machine_line, matmul_rate  # noqa: I001
import numpy as np

import lib

N, BATCH, LR, EPOCHS, WIDTHS, SEED = 512, 128, 0.1, 1000, (1, 64, 64, 1), 0


def problem():
    rng = np.random.default_rng(SEED)
    X, y = lib.data.ryu_regression(N, rng)
    model = lib.MLP(WIDTHS, "sigmoid")
    theta0 = model.init(rng, "normal", bias=0.03)
    return model, theta0, X, y


def run_lib(model, theta0, X, y, dtype=np.float64):
    return lib.train(model, theta0, X, y, loss="mse", lr=LR, epochs=EPOCHS,
                     batch_size=BATCH, rng=np.random.default_rng(SEED + 1), record="step",
                     dtype=dtype)


def run_torch(torch, model, theta0, X, y, dtype="float64"):
    torch_dtype = getattr(torch, dtype)
    layers = []
    for j, (W, b) in enumerate(model.layers(theta0)):
        lin = torch.nn.Linear(W.shape[1], W.shape[0]).to(torch_dtype)
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(W.astype(dtype)))
            lin.bias.copy_(torch.from_numpy(b.astype(dtype)))
        layers.append(lin)
        if j < model.n_layers - 1:
            layers.append(torch.nn.Sigmoid())
    net = torch.nn.Sequential(*layers)
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    mse = torch.nn.MSELoss()
    Xt, yt = torch.from_numpy(X.astype(dtype)), torch.from_numpy(y.astype(dtype))
    perm_rng = np.random.default_rng(SEED + 1)  # the same shuffles as lib.train
    losses = []
    for _ in range(EPOCHS):
        order = torch.from_numpy(perm_rng.permutation(N))
        for start in range(0, N, BATCH):
            idx = order[start:start + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = 0.5 * mse(net(Xt[idx]), yt[idx])  # (1/2)-MSE of Ryu's homework
            loss.backward()
            opt.step()
            losses.append(loss.item())
    theta = np.concatenate([p.detach().numpy().ravel().astype(np.float64)
                            for p in net.parameters()])
    return theta, np.array(losses)


def flops_per_run(model):
    """Multiply-add FLOPs of forward + backward matmuls over all steps (elementwise work
    excluded)."""
    fwd = sum(2 * BATCH * m * k for m, k in model.shapes)
    bwd = sum(2 * BATCH * m * k for m, k in model.shapes)  # dL/dW_j
    bwd += sum(2 * BATCH * m * k for m, k in model.shapes[1:])  # delta_j (not needed for layer 1)
    return (fwd + bwd) * EPOCHS * (N // BATCH)


def compare(model, theta0, X, y, dtype_name, repeats, torch):
    """Time lib (and torch) in one precision; return the lib/torch ratio of median wall times."""
    steps = EPOCHS * N // BATCH
    dtype = np.dtype(dtype_name)
    print(f"--- {dtype_name}: {load_line()}")
    fns = {"lib": lambda: run_lib(model, theta0, X, y, dtype)}
    if torch is not None:
        fns["torch"] = lambda: run_torch(torch, model, theta0, X, y, dtype_name)
    for fn in fns.values():  # warm-up: first-call costs (allocation, imports, dispatch caches)
        fn()
    times = interleaved(fns, repeats)
    lib_t = times["lib"]
    res = lib_t.result
    print(f"lib:   {lib_t.summary()} = {1e6 * lib_t.median / steps:.0f} us/step; final "
          f"minibatch loss {res.loss[-1]:.6f}")
    rate = matmul_rate(BATCH, 64, 64, dtype=dtype)
    flops = flops_per_run(model)
    print(f"matmul FLOPs of the run: {flops / 1e9:.2f} GFLOP; measured {dtype_name} "
          f"(128x64)@(64x64) rate {rate / 1e9:.2f} GFLOP/s -> matmul-bound limit "
          f"{flops / rate:.3f} s; lib takes {lib_t.median / (flops / rate):.1f}x that limit")
    if torch is None:
        return None
    tt = times["torch"]
    theta_t, loss_t = tt.result
    print(f"torch {torch.__version__}: {tt.summary()} = {1e6 * tt.median / steps:.0f} us/step; "
          f"final minibatch loss {loss_t[-1]:.6f}")
    gap = np.max(np.abs(res.theta.astype(np.float64) - theta_t))
    print(f"same trajectory: max |theta_lib - theta_torch| = {gap:.2e}, "
          f"max |loss_lib - loss_torch| = {np.max(np.abs(res.loss - loss_t)):.2e}")
    rounds = sorted(a / b for a, b in zip(lib_t.wall, tt.wall, strict=True))
    print(f"per-round ratios: {', '.join(f'{r:.2f}' for r in rounds)}; CPU time ratio "
          f"{lib_t.median_cpu / tt.median_cpu:.2f}; {load_line()}")
    return lib_t.median / tt.median


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--dtype", choices=["both", "float64", "float32"], default="both",
                        help="precision used by both lib and torch (default: both, float64 first)")
    args = parser.parse_args()
    print(machine_line())
    model, theta0, X, y = problem()
    print(f"model: {model}, {EPOCHS} epochs x {N // BATCH} steps = {EPOCHS * N // BATCH} SGD "
          f"steps")
    torch = load_torch()
    if torch is None:
        print("PyTorch is not installed (pip install torch==2.13.0): only lib's time is reported")
    names = ["float64", "float32"] if args.dtype == "both" else [args.dtype]
    ratios = {name: compare(model, theta0, X, y, name, args.repeats, torch) for name in names}
    if torch is None:
        print("lib/torch time ratio: n/a")
        return
    if len(names) == 2:
        print(f"float64 lib/torch time ratio: {ratios['float64']:.2f}; float32 on the last line")
    print(f"lib/torch time ratio: {ratios[names[-1]]:.2f}")


if __name__ == "__main__":
    main()
