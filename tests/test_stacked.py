"""lib.stacked: K same-shaped networks trained at once equal K separate lib.train runs."""

from __future__ import annotations

import numpy as np
import pytest

import lib
from lib import stacked


def _data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = np.sort(rng.uniform(-1, 1, n))[:, None]
    y = np.sin(3 * X) + 0.1 * rng.standard_normal((n, 1))
    return X, y


@pytest.mark.parametrize("residual", [False, True])
def test_single_member_equals_train(residual):
    X, y = _data()
    model = lib.MLP((1, 5, 5, 5, 1, 1), "leaky_relu", residual=residual)
    theta = model.init(np.random.default_rng(1), "he")
    ref = lib.train(model, theta, X, y, lr=0.05, epochs=300)
    thetas, losses = stacked.train_many(model, theta, X, y, lr=0.05, epochs=300)
    assert thetas.shape == (1, model.num_params) and losses.shape == (1, 301)
    assert np.max(np.abs(thetas[0] - ref.theta)) < 1e-10
    assert np.max(np.abs(losses[0] - ref.loss)) < 1e-10


def test_members_equal_separate_runs_plain_and_residual():
    X, y = _data()
    model = lib.MLP((1, 4, 4, 4, 1), "tanh")
    th = np.stack([model.init(np.random.default_rng(s), "xavier") for s in range(4)])
    flags = np.array([False, True, False, True])
    thetas, losses = stacked.train_many(model, th, X, y, lr=0.05, epochs=200, residual=flags)
    for k in range(4):
        m = lib.MLP(model.widths, "tanh", residual=bool(flags[k]))
        ref = lib.train(m, th[k], X, y, lr=0.05, epochs=200)
        assert np.max(np.abs(thetas[k] - ref.theta)) < 1e-10
        assert np.max(np.abs(losses[k] - ref.loss)) < 1e-10


def test_minibatch_and_weight_decay_match_train():
    X, y = _data(23)
    model = lib.MLP((1, 6, 6, 1), "relu", residual=True)
    th = np.stack([model.init(np.random.default_rng(s), "uniform") for s in range(3)])
    thetas, losses = stacked.train_many(model, th, X, y, lr=0.05, epochs=20, batch_size=5,
                                         rng=np.random.default_rng(7), weight_decay=1e-3)
    for k in range(3):
        ref = lib.train(model, th[k], X, y, lr=0.05, epochs=20, batch_size=5,
                        rng=np.random.default_rng(7), weight_decay=1e-3)
        assert np.max(np.abs(thetas[k] - ref.theta)) < 1e-10
        assert np.max(np.abs(losses[k] - ref.loss)) < 1e-10


def test_other_loss_per_member():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((20, 2))
    y = (X[:, 0] > 0).astype(float)
    model = lib.MLP((2, 3, 1), "sigmoid")
    th = np.stack([model.init(np.random.default_rng(s), "xavier") for s in range(2)])
    thetas, losses = stacked.train_many(model, th, X, y, "logistic", lr=0.5, epochs=50)
    for k in range(2):
        ref = lib.train(model, th[k], X, y, loss="logistic", lr=0.5, epochs=50)
        assert np.max(np.abs(thetas[k] - ref.theta)) < 1e-10
        assert np.max(np.abs(losses[k] - ref.loss)) < 1e-10


def test_predict_and_loss_many():
    X, y = _data()
    model = lib.MLP((1, 5, 5, 1), "leaky_relu", residual=True)
    th = np.stack([model.init(np.random.default_rng(s), "he") for s in range(3)])
    out = stacked.predict_many(model, th, X)
    vals = stacked.loss_many(model, th, X, y)
    for k in range(3):
        assert np.allclose(out[k], model.predict(th[k], X), atol=1e-13)
        assert np.isclose(vals[k], model.loss(th[k], X, y), rtol=1e-12)


def test_embed_shallow_in_deep_is_exact_and_trains_identically():
    X, y = _data()
    small = lib.MLP((1, 5, 5, 5, 1, 1), "leaky_relu")
    big = lib.MLP((1,) + (5,) * 9 + (1, 1), "leaky_relu")
    th = np.stack([small.init(np.random.default_rng(s), "he") for s in range(2)])
    flags = np.array([False, True])
    tb, rb, trainable, layer_map = stacked.embed(small, th, big, residual=flags)
    assert tb.shape == (2, big.num_params) and rb.shape == (2, big.n_layers)
    assert np.array_equal(stacked.extract(small, big, tb, layer_map), th)
    out = stacked.predict_many(big, tb, X, residual=rb)
    for k in range(2):
        m = lib.MLP(small.widths, "leaky_relu", residual=bool(flags[k]))
        assert np.max(np.abs(out[k] - m.predict(th[k], X))) < 1e-14
    final, losses = stacked.train_many(big, tb, X, y, lr=0.05, epochs=200, residual=rb,
                                        trainable=trainable)
    back = stacked.extract(small, big, final, layer_map)
    assert np.all(final[~trainable] == 0)  # the inserted identity blocks stayed zero
    for k in range(2):
        m = lib.MLP(small.widths, "leaky_relu", residual=bool(flags[k]))
        ref = lib.train(m, th[k], X, y, lr=0.05, epochs=200)
        assert np.max(np.abs(back[k] - ref.theta)) < 1e-10
        assert np.max(np.abs(losses[k] - ref.loss)) < 1e-10


def test_validation():
    X, y = _data()
    model = lib.MLP((1, 3, 1))
    th = model.init(np.random.default_rng(0), "he")
    with pytest.raises(ValueError, match="thetas"):
        stacked.train_many(model, np.zeros((2, 5)), X, y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="lr"):
        stacked.train_many(model, th, X, y, lr=-1.0, epochs=1)
    with pytest.raises(ValueError, match="residual"):
        stacked.train_many(model, th, X, y, lr=0.1, epochs=1, residual=np.array([True, False]))
    with pytest.raises(ValueError, match="batch_size"):
        stacked.train_many(model, th, X, y, lr=0.1, epochs=1, batch_size=100)
    with pytest.raises(ValueError, match="y"):
        stacked.train_many(model, th, X, y[:5], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="trainable"):
        stacked.train_many(model, th, X, y, lr=0.1, epochs=1, trainable=np.ones(3, bool))
    with pytest.raises(ValueError, match="repeat"):
        stacked.embed(lib.MLP((1, 5, 1)), np.zeros((1, 16)), lib.MLP((1, 4, 4, 1)))


def test_mixed_depths_skip_identity_blocks_and_reorder():
    """Several depths in one stack: skipped zero blocks, members reordered and restored."""
    X, y = _data()
    big = lib.MLP((1,) + (5,) * 7 + (1, 1), "leaky_relu")
    flags = np.array([False, True])
    stack, res, train, refs = [], [], [], []
    for k in (2, 7, 4):  # shallow first: train_many must reorder internally
        small = lib.MLP((1,) + (5,) * k + (1, 1), "leaky_relu")
        th = np.stack([small.init(np.random.default_rng(10 * k + s), "he") for s in range(2)])
        tb, rb, tr, layer_map = stacked.embed(small, th, big, residual=flags)
        stack.append(tb)
        res.append(rb)
        train.append(tr)
        refs += [(small, th[i], bool(flags[i]), layer_map) for i in range(2)]
    stack, res, train = map(np.concatenate, (stack, res, train))
    order, active = stacked._schedule(big, stack, res, train)
    assert list(order[:2]) == [2, 3]  # the 7x5 members first
    assert active[1:7] == [6, 4, 4, 2, 2, 2] and active[0] == active[-1] == 6
    final, losses = stacked.train_many(big, stack, X, y, lr=0.05, epochs=150, residual=res,
                                        trainable=train)
    for i, (small, th, r, layer_map) in enumerate(refs):
        m = lib.MLP(small.widths, "leaky_relu", residual=r)
        ref = lib.train(m, th, X, y, lr=0.05, epochs=150)
        back = stacked.extract(small, big, final[i:i + 1], layer_map)[0]
        assert np.max(np.abs(back - ref.theta)) < 1e-10
        assert np.max(np.abs(losses[i] - ref.loss)) < 1e-10
    assert np.all(final[~train] == 0)
    # minibatches take the same skipping path
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    fin_mb, _ = stacked.train_many(big, stack, X, y, lr=0.05, epochs=5, batch_size=7,
                                    rng=rng_a, residual=res, trainable=train)
    small, th, r, layer_map = refs[0]
    ref = lib.train(lib.MLP(small.widths, "leaky_relu", residual=r), th, X, y, lr=0.05,
                    epochs=5, batch_size=7, rng=rng_b)
    back = stacked.extract(small, big, fin_mb[:1], layer_map)[0]
    assert np.max(np.abs(back - ref.theta)) < 1e-10
