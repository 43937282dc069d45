"""winit.experiments.pennington2017 and saxe2014: Jacobians, condition numbers,
Fuss-Catalan moments, the deep linear regression task, its gradients (against
finite differences) and its gradient-descent loop."""

import math

import numpy as np
import pytest

from winit import orthogonal
from winit.experiments import pennington2017 as pen
from winit.experiments import saxe2014 as saxe

# ---------------------------------------------------------------------------
# pennington2017
# ---------------------------------------------------------------------------


def forward(weights, x, activation):
    f = {"linear": lambda z: z, "relu": lambda z: np.maximum(z, 0), "tanh": np.tanh}[activation]
    h = x
    for w in weights:
        h = f(h @ w)
    return h


@pytest.mark.parametrize("activation", ["linear", "tanh", "relu"])
def test_jacobian_matches_finite_differences(activation):
    rng = np.random.default_rng(0)
    ws = [rng.normal(0, 1 / math.sqrt(6), (6, 6)) for _ in range(4)]
    x = rng.normal(0, 1, 6)
    jac = pen.input_output_jacobian(ws, x, activation)
    eps = 1e-6
    for i in range(6):
        dx = np.zeros(6)
        dx[i] = eps
        fd = (forward(ws, x + dx, activation) - forward(ws, x - dx, activation)) / (2 * eps)
        assert np.allclose(jac[i], fd, atol=1e-7)


def test_linear_jacobian_is_the_product():
    rng = np.random.default_rng(1)
    ws = [rng.normal(size=(5, 5)) for _ in range(3)]
    assert np.allclose(pen.input_output_jacobian(ws, np.ones(5), "linear"), ws[0] @ ws[1] @ ws[2])


def test_jacobian_errors():
    with pytest.raises(ValueError, match="activation"):
        pen.input_output_jacobian([np.eye(2)], np.ones(2), "sigmoid")
    with pytest.raises(ValueError, match=r"x must be an array of shape \(2,\)"):
        pen.input_output_jacobian([np.eye(2)], np.ones(3), "linear")
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        pen.input_output_jacobian([np.eye(2), np.eye(3)], np.ones(2), "linear")
    with pytest.raises(ValueError, match="weights must be a non-empty sequence"):
        pen.input_output_jacobian([], np.ones(2), "linear")


def test_condition_number_of_diagonal_products():
    ws = [np.diag([1.0, 2.0, 0.5]), np.diag([3.0, 1.0, 0.25])]
    # product diag(3, 2, 0.125): 3 / 0.125 = 24
    assert pen.product_condition_number(ws) == pytest.approx(24.0, rel=1e-14)


def test_condition_number_matches_numpy_when_numpy_can_resolve_it():
    rng = np.random.default_rng(2)
    ws = [rng.normal(0, 0.3, (8, 8)) for _ in range(3)]
    m = ws[0] @ ws[1] @ ws[2]
    assert pen.product_condition_number(ws) == pytest.approx(np.linalg.cond(m), rel=1e-8)


def test_condition_number_resolves_what_a_direct_svd_cannot():
    # diag(10^-k) products: exact condition number 10^60, far beyond float64's 10^16.
    ws = [np.diag([1.0, 1e-6])] * 10
    assert pen.product_condition_number(ws) == pytest.approx(1e60, rel=1e-12)


def test_condition_number_of_singular_or_orthogonal():
    assert pen.product_condition_number([np.diag([1.0, 0.0])]) == math.inf
    ws = [orthogonal((10, 10), rng=i) for i in range(50)]
    assert pen.product_condition_number(ws) == pytest.approx(1.0, abs=1e-10)


def test_fuss_catalan_moments():
    assert [pen.fuss_catalan_moment(1, k) for k in (1, 2, 3, 4)] == [1, 2, 5, 14]  # Catalan
    assert [pen.fuss_catalan_moment(2, k) for k in (1, 2, 3, 4)] == [1, 3, 12, 55]
    assert all(pen.fuss_catalan_moment(d, 2) == d + 1 for d in range(1, 20))
    with pytest.raises(ValueError, match="depth"):
        pen.fuss_catalan_moment(0, 1)
    with pytest.raises(TypeError, match="k must be"):
        pen.fuss_catalan_moment(1, 1.5)


def test_fuss_catalan_predicts_gaussian_products():
    rng = np.random.default_rng(3)
    n = 400
    m = np.eye(n)
    for _ in range(3):
        m = m @ rng.normal(0, 1 / math.sqrt(n), (n, n))
    sv2 = np.linalg.svd(m, compute_uv=False) ** 2
    assert abs(sv2.mean() - 1) < 0.1
    assert abs(np.mean(sv2 ** 2) - pen.fuss_catalan_moment(3, 2)) < 0.6


def test_spectra_of_orthogonal_and_gaussian_linear_networks():
    s = pen.jacobian_spectra(depths=(1, 4, 16), width=32, activations=("linear",), rng=0)
    orth = s["linear", "orthogonal"]
    assert orth.depths == (1, 4, 16) and len(orth.singular_values) == 3
    for sv in orth.singular_values:
        assert sv.shape == (32,) and np.allclose(sv, 1.0, atol=1e-12)
    assert np.allclose(orth.condition, 1.0, atol=1e-10)
    gauss = s["linear", "gaussian"].condition
    assert gauss[0] < gauss[1] < gauss[2] and gauss[2] > 1e10


def test_relu_orthogonal_first_layer_has_singular_values_sqrt2_or_0():
    s = pen.jacobian_spectra(depths=(1,), width=64, activations=("relu",), inits=("orthogonal",), rng=1)
    sv = s["relu", "orthogonal"].singular_values[0]
    nonzero = sv > 1e-8
    assert np.allclose(sv[nonzero], math.sqrt(2)) and np.all(sv[~nonzero] < 1e-12)
    assert 16 < nonzero.sum() < 48
    assert s["relu", "orthogonal"].condition is None


def test_spectra_are_reproducible_and_seeded():
    a = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=5)
    b = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=5)
    c = pen.jacobian_spectra(depths=(2,), width=16, activations=("tanh",), rng=6)
    key = ("tanh", "gaussian")
    assert np.array_equal(a[key].singular_values[0], b[key].singular_values[0])
    assert not np.allclose(a[key].singular_values[0], c[key].singular_values[0])


@pytest.mark.parametrize("kwargs,error,match", [
    (dict(depths=(4, 2)), ValueError, "increasing"),
    (dict(depths=3), TypeError, "depths"),
    (dict(depths=(0,)), ValueError, "depths"),
    (dict(width=0), ValueError, "width"),
    (dict(activations=("selu",)), ValueError, "activations"),
    (dict(inits=("uniform",)), ValueError, "inits"),
    (dict(input_variance=-1.0), ValueError, "input_variance"),
    (dict(rng=-1), ValueError, "rng"),
])
def test_spectra_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        pen.jacobian_spectra(**kwargs)


# ---------------------------------------------------------------------------
# saxe2014
# ---------------------------------------------------------------------------


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
