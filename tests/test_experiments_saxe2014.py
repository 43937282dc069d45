"""winit.experiments.saxe2014: the deep linear regression task, its gradients (against
finite differences) and its gradient-descent loop."""

import numpy as np
import pytest

from winit.experiments import saxe2014 as saxe


def test_regression_task_is_whitened_with_the_stated_teacher():
    t = saxe.regression_task(16, 8, 64, rng=0)
    assert t.x.shape == (64, 16) and t.y.shape == (64, 8) and t.teacher.shape == (16, 8)
    assert np.allclose(t.x.T @ t.x / 64, np.eye(16), atol=1e-12)
    assert np.allclose(t.y, t.x @ t.teacher)
    assert np.allclose(np.linalg.svd(t.teacher, compute_uv=False)[::-1], np.linspace(0.5, 2.0, 8))


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(n_in=4, n_out=8), ValueError, "n_out"),
    (dict(n_samples=8), ValueError, "n_samples"),
    (dict(smallest=2.0, largest=1.0), ValueError, "largest"),
    (dict(smallest=0.0), ValueError, "smallest"),
    (dict(n_in=1.5), TypeError, "n_in"),
])
def test_regression_task_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        saxe.regression_task(**kwargs)


def test_init_shapes_and_variances():
    ws = saxe.deep_linear_init(4, "orthogonal", n_in=16, width=16, n_out=8, rng=0)
    assert [w.shape for w in ws] == [(16, 16), (16, 16), (16, 16), (16, 8)]
    m = np.linalg.multi_dot(ws)
    assert np.allclose(m.T @ m, np.eye(8), atol=1e-12)  # the end-to-end map is an isometry
    (single,) = saxe.deep_linear_init(1, "gaussian", n_in=200, n_out=300, rng=0)
    assert single.shape == (200, 300) and abs(single.var() * 200 - 1) < 0.05
    with pytest.raises(ValueError, match="init"):
        saxe.deep_linear_init(2, "he")


def test_gradients_match_finite_differences():
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(10, 4)), rng.normal(size=(10, 3))
    ws = [rng.normal(0, 0.6, s) for s in [(4, 5), (5, 5), (5, 3)]]
    loss, grads = saxe.deep_linear_loss_and_grads(ws, x, y)
    err = x @ ws[0] @ ws[1] @ ws[2] - y
    assert loss == pytest.approx(0.5 * np.sum(err ** 2) / 10, rel=1e-12)
    eps = 1e-6
    for l, w in enumerate(ws):
        for idx in [(0, 0), (1, 2), (w.shape[0] - 1, w.shape[1] - 1)]:
            plus = [v.copy() for v in ws]
            minus = [v.copy() for v in ws]
            plus[l][idx] += eps
            minus[l][idx] -= eps
            fd = (saxe.deep_linear_loss_and_grads(plus, x, y)[0]
                  - saxe.deep_linear_loss_and_grads(minus, x, y)[0]) / (2 * eps)
            assert grads[l][idx] == pytest.approx(fd, rel=1e-6, abs=1e-9)


def test_loss_and_grads_shape_errors():
    with pytest.raises(ValueError, match=r"weights\[1\] must be an array of shape \(5, any\)"):
        saxe.deep_linear_loss_and_grads([np.eye(4, 5), np.eye(4)], np.ones((2, 4)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="the last weight"):
        saxe.deep_linear_loss_and_grads([np.eye(4)], np.ones((2, 4)), np.ones((2, 3)))


def test_training_steps_are_gradient_steps():
    t = saxe.regression_task(6, 3, 12, rng=1)
    ws = saxe.deep_linear_init(3, "gaussian", n_in=6, width=6, n_out=3, rng=2)
    rec = saxe.train_deep_linear(ws, t.x, t.y, lr=0.05, max_steps=2, threshold=1e-9)
    # Two manual steps from the data gradients.
    manual = [w.copy() for w in ws]
    losses = []
    for _ in range(2):
        loss, grads = saxe.deep_linear_loss_and_grads(manual, t.x, t.y)
        losses.append(loss)
        manual = [w - 0.05 * g for w, g in zip(manual, grads)]
    losses.append(saxe.deep_linear_loss_and_grads(manual, t.x, t.y)[0])
    assert np.allclose(rec.losses, losses, rtol=1e-10)
    assert rec.learning_time is None
    # The caller's weights are untouched.
    assert np.array_equal(ws[0], saxe.deep_linear_init(3, "gaussian", n_in=6, width=6, n_out=3, rng=2)[0])


def test_training_reaches_the_threshold_and_stops():
    t = saxe.regression_task(rng=0)
    ws = saxe.deep_linear_init(2, "orthogonal", rng=1)
    rec = saxe.train_deep_linear(ws, t.x, t.y, lr=0.1, max_steps=2000)
    zero_loss = 0.5 * np.sum(t.y ** 2) / len(t.y)
    assert rec.learning_time is not None and len(rec.losses) == rec.learning_time + 1
    assert rec.losses[-1] <= 0.01 * zero_loss < rec.losses[-2]


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(lr=0.0), ValueError, "lr"), (dict(max_steps=0), ValueError, "max_steps"),
    (dict(threshold=1.0), ValueError, "threshold"), (dict(threshold=-0.1), ValueError, "threshold"),
])
def test_training_errors(kwargs, error, match):
    args = dict(lr=0.1, max_steps=10)
    args.update(kwargs)
    with pytest.raises(error, match=match):
        saxe.train_deep_linear([np.eye(2)], np.eye(2), np.eye(2), **args)


def test_learning_times_small_run():
    r = saxe.learning_times(depths=(2, 8), n_seeds=3, rng=0)
    assert r.depths == (2, 8)
    for init in ("orthogonal", "gaussian"):
        assert r.times[init].shape == (3, 2) and r.learned[init].all()
    # Deeper Gaussian networks learn more slowly than orthogonal ones of the same depth.
    assert np.all(r.times["gaussian"][:, 1] > r.times["orthogonal"][:, 1])
    assert r.settings["lr0"] == 0.2 and r.settings["threshold"] == 0.01


def test_learning_times_errors():
    with pytest.raises(TypeError, match="depths"):
        saxe.learning_times(depths=4)
    with pytest.raises(ValueError, match="inits"):
        saxe.learning_times(inits=("he",))
