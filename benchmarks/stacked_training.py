"""Why ``lib.stacked.train_many`` exists: K networks trained at once against K ``lib.train`` calls.

Chapters 7 and 8 train many same-shaped networks (restarts, depths, seeds) with the same data
and step size. ``stacked.train_many`` runs them as one stack: every layer of the K networks is
one batched matrix product, so numpy's per-call overhead is paid once per layer and step
instead of K times. This script measures that gain on a chapter-8-sized case, and checks that
both ways end at the same parameters (``tests/test_stacked.py`` is the equivalence test).

Case: ``lib.MLP((1,) + (5,) * 10 + (1,), "tanh")`` (11 affine layers), K = 20 starts from
``init(default_rng(k), "xavier")``, N = 50 inputs x ~ U[-1, 1] with y = sin(4x) from
``default_rng(8)``, full-batch gradient descent, step 0.01, 500 epochs, float64, one BLAS
thread. The two ways alternate (``_common.interleaved``) after one untimed warm-up each.

The two ways sum in different orders, so one epoch agrees to rounding (the script prints
the gap after one epoch), and gradient descent on this deep tanh network can amplify rounding
over many epochs: with step 0.05 one start's two runs are 3e-8 apart after 10 epochs and 0.2
after 100; with step 0.01, 19 of the 20 members stay within 1e-10 over the 500 epochs and one drifts
to about 1e-2 (the script prints the count). ``tests/test_stacked.py`` checks the equivalence
on well-conditioned runs.

Run: python benchmarks/stacked_training.py [--repeats 5] [--k 20] [--epochs 500]
The last line printed is ``K lib.train calls / one train_many: X.X``.
"""

from __future__ import annotations

import argparse

import _common  # first: sets the BLAS thread counts before numpy is imported
import numpy as np

import lib
from lib import stacked

WIDTHS = (1,) + (5,) * 10 + (1,)
N, LR = 50, 0.01


def problem(k_nets):
    rng = np.random.default_rng(8)
    X = np.sort(rng.uniform(-1, 1, size=(N, 1)), axis=0)
    y = np.sin(4 * X)
    model = lib.MLP(WIDTHS, "tanh")
    thetas = np.stack([model.init(np.random.default_rng(k), "xavier") for k in range(k_nets)])
    return model, thetas, X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--k", type=int, default=20)
    parser.add_argument("--epochs", type=int, default=500)
    args = parser.parse_args()
    model, thetas, X, y = problem(args.k)

    def one_by_one():
        return np.stack([lib.train(model, t, X, y, lr=LR, epochs=args.epochs).theta
                         for t in thetas])

    def at_once():
        return stacked.train_many(model, thetas, X, y, lr=LR, epochs=args.epochs)[0]

    fns = {"K lib.train calls": one_by_one, "one train_many": at_once}
    for fn in fns.values():  # warm-up
        fn()
    print(_common.machine_line())
    print(_common.load_line())
    print(f"{args.k} networks {WIDTHS}, {model.num_params} parameters each, N = {N}, "
          f"{args.epochs} full-batch epochs, {args.repeats} interleaved rounds")
    times = _common.interleaved(fns, args.repeats)
    for name, t in times.items():
        print(f"{name}: {t.summary()}")
    one = np.max(np.abs(np.stack([lib.train(model, t, X, y, lr=LR, epochs=1).theta
                                   for t in thetas])
                         - stacked.train_many(model, thetas, X, y, lr=LR, epochs=1)[0]))
    print(f"largest parameter difference after one epoch: {one:.1e}")
    gaps = np.max(np.abs(times["K lib.train calls"].result - times["one train_many"].result),
                  axis=1)
    print(f"after {args.epochs} epochs: {np.sum(gaps < 1e-10)} of {args.k} members within "
          f"1e-10, largest difference {gaps.max():.1e} (rounding amplified by the descent)")
    ratios = [a / b for a, b in zip(times["K lib.train calls"].wall,
                                    times["one train_many"].wall, strict=True)]
    print(f"per-round ratios: {' '.join(f'{r:.1f}' for r in ratios)}")
    print(f"K lib.train calls / one train_many: "
          f"{times['K lib.train calls'].median / times['one train_many'].median:.1f}")


if __name__ == "__main__":
    main()
