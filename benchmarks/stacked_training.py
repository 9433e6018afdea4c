"""Why ``lib.stacked.train_many`` exists: K networks trained at once against K ``lib.train`` calls.

Chapters 7 and 8 train many same-shaped networks (restarts, depths, seeds) with the same data
and step size. ``stacked.train_many`` runs them as one stack: every layer of the K networks is
one batched matrix product, so numpy's per-call overhead is paid once per layer and step
instead of K times. This script measures that gain on a case with chapter 8's width (5) and
number of runs (20), shallower and shorter than chapter 8's, and prints how far apart the two
ways' parameters are after one epoch and after the last (``tests/test_stacked.py`` is the
equivalence test).

Case: ``lib.MLP((1,) + (5,) * 10 + (1,), "tanh")`` (11 affine layers), K = 20 starts from
``init(default_rng(k), "xavier")``, N = 50 inputs x ~ U[-1, 1] with y = sin(4x) from
``default_rng(8)``, full-batch gradient descent, step 0.01, 500 epochs, float64, one BLAS
thread. The two ways alternate (``_common.interleaved``) after one untimed warm-up each.

The two ways sum in different orders, so one epoch agrees to rounding, and gradient descent
on this deep tanh network can amplify rounding over many epochs. The last lines say how many
members end within 1e-10 and how far apart the others are (with the defaults, measured in
benchmarks/README.md: 19 of 20, and one about 1e-2).

Run: python benchmarks/stacked_training.py [--repeats 5] [--k 20] [--epochs 500] [--lr 0.01]
The last line printed is ``K lib.train calls / one train_many: X.X``.
"""

from __future__ import annotations

import argparse

import _common  # first: sets the BLAS thread counts before numpy is imported
import numpy as np

import lib
from lib import stacked

WIDTHS = (1,) + (5,) * 10 + (1,)
N = 50


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
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()
    LR = args.lr  # noqa: N806
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
          f"{args.epochs} full-batch epochs, step {LR}, {args.repeats} interleaved rounds")
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
          f"1e-10, largest difference {gaps.max():.1e}")
    if one < 1e-12 and gaps.max() >= 1e-10:
        print("(one epoch agrees to rounding, so the later gap is rounding the descent "
              "amplified)")
    ratios = [a / b for a, b in zip(times["K lib.train calls"].wall,
                                    times["one train_many"].wall, strict=True)]
    print(f"per-round ratios: {' '.join(f'{r:.1f}' for r in ratios)}")
    print(f"K lib.train calls / one train_many: "
          f"{times['K lib.train calls'].median / times['one train_many'].median:.1f}")


if __name__ == "__main__":
    main()
