"""winit._engine: Adam's update against Adam written out by hand, entry by entry (Kingma and Ba,
2015, Algorithm 1, as PyTorch's torch.optim.Adam computes it); exact_matmul and
train_sgd_stack(exact_products=True) give the same bits on every machine.

The exact_matmul reference rounds each operand with Python's own arithmetic (math.frexp, round)
and sums the integer products with Python integers, so it shares nothing with the code under
test but the rule it implements.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest

from winit import networks
from winit._engine import adam_update, exact_matmul
from winit.networks import init_weights, train_sgd_stack


# Adam

def _adam_by_hand(theta0, grads, lr, beta1, beta2, eps):
    # Plain Python floats, one entry at a time, the bias corrections written out.
    out = []
    for j, th in enumerate(theta0):
        m = v = 0.0
        for t, g in enumerate(grads, start=1):
            gj = float(g[j])
            m = beta1 * m + (1 - beta1) * gj
            v = beta2 * v + (1 - beta2) * gj * gj
            m_hat = m / (1 - beta1 ** t)
            v_hat = v / (1 - beta2 ** t)
            th = th - lr * m_hat / (math.sqrt(v_hat) + eps)
        out.append(th)
    return np.array(out)


@pytest.mark.parametrize("beta1,beta2,eps", [(0.9, 0.999, 1e-8), (0.5, 0.9, 1e-3)])
def test_five_steps_match_the_algorithm_by_hand(beta1, beta2, eps):
    rng = np.random.default_rng(0)
    theta0 = rng.normal(size=7)
    grads = [rng.normal(scale=10.0 ** k, size=7) for k in (-3, 0, 1, -1, 0)]
    theta, m, v = theta0.copy(), np.zeros(7), np.zeros(7)
    for t, g in enumerate(grads, start=1):
        adam_update(theta, g, m, v, t, 0.01, beta1=beta1, beta2=beta2, eps=eps)
    np.testing.assert_allclose(theta, _adam_by_hand(theta0, grads, 0.01, beta1, beta2, eps),
                               rtol=1e-13, atol=1e-15)


def test_first_step_is_lr_times_the_sign_of_the_gradient():
    # m_hat / sqrt(v_hat) = g / |g| at t = 1: the step does not depend on the gradient's size.
    theta, m, v = np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 2))
    g = np.array([[1e-4, -2.0], [3e3, -5e-2], [7.0, 1.0]])
    adam_update(theta, g, m, v, 1, 0.25, eps=0.0)
    np.testing.assert_allclose(theta, -0.25 * np.sign(g), rtol=1e-14)


def test_moments_are_kept_and_grad_is_not_written():
    theta, m, v = np.ones(3), np.zeros(3), np.zeros(3)
    g = np.array([2.0, -1.0, 0.0])
    g_copy = g.copy()
    adam_update(theta, g, m, v, 1, 0.1)
    np.testing.assert_array_equal(g, g_copy)
    np.testing.assert_allclose(m, 0.1 * g_copy, rtol=1e-15)
    np.testing.assert_allclose(v, 0.001 * g_copy ** 2, rtol=1e-12)
    assert theta[2] == 1.0  # a zero gradient does not move its entry


# exact_matmul

def reference(a, b):
    """The exact product of a and b rounded as exact_matmul's docstring says, as Fractions."""
    k = a.shape[1]
    bits = (52 - math.ceil(math.log2(k))) // 2 if k > 1 else 26

    def on_grid(m):
        top = max(abs(float(v)) for v in m.ravel())
        exponent = math.frexp(top)[1]
        unit = Fraction(2) ** (exponent - bits)
        return [[round(Fraction(float(v)) / unit) for v in row] for row in m], unit

    ia, ua = on_grid(a)
    ib, ub = on_grid(b)
    return [[sum(ia[i][t] * ib[t][j] for t in range(k)) * ua * ub for j in range(b.shape[1])]
            for i in range(a.shape[0])]


@pytest.mark.parametrize("k", [2, 7, 33, 65, 200])
def test_equals_the_exact_product_of_the_rounded_operands(k):
    rng = np.random.default_rng(k)
    a = rng.normal(size=(5, k)) * np.exp(rng.normal(size=(5, k)))  # entries of many sizes
    b = rng.normal(size=(k, 4))
    got = exact_matmul(a, b)
    want = reference(a, b)
    assert got.dtype == np.float64
    for i in range(5):
        for j in range(4):
            assert Fraction(float(got[i, j])) == want[i][j]


def test_the_order_of_the_sum_does_not_matter():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(3, 32, 65)), rng.normal(size=(3, 65, 32))
    p = exact_matmul(a, b)
    perm = rng.permutation(65)
    assert np.array_equal(p, exact_matmul(a[..., perm], b[:, perm]))
    # a stack is each matrix on its own (one scale per matrix)
    for r in range(3):
        assert np.array_equal(p[r], exact_matmul(a[r], b[r]))
    # written into out=
    out = np.empty((3, 32, 32))
    assert exact_matmul(a, b, out=out) is out and np.array_equal(out, p)


def test_error_is_that_of_rounding_each_operand_to_23_bits():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(16, 64)), rng.normal(size=(64, 16))
    err = np.abs(exact_matmul(a, b) - a @ b).max()
    bound = 64 * 2 * 2.0 ** -23 * np.abs(a).max() * np.abs(b).max()
    assert 0 < err < bound


def test_zero_and_non_finite_operands():
    z = exact_matmul(np.zeros((2, 3)), np.ones((3, 2)))
    assert np.array_equal(z, np.zeros((2, 2)))
    a = np.ones((2, 3))
    a[0, 0] = np.inf
    with np.errstate(invalid="ignore"):
        assert not np.isfinite(exact_matmul(a, np.ones((3, 2)))).all()


def test_refuses_what_it_cannot_make_exact():
    with pytest.raises(TypeError, match="a must be a float64 array"):
        exact_matmul(np.ones((2, 2), np.float32), np.ones((2, 2)))
    with pytest.raises(TypeError, match="b must be a float64 array"):
        exact_matmul(np.ones((2, 2)), [[1.0, 2.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="inner dimension K.*2\\*\\*20"):
        exact_matmul(np.ones((1, 2 ** 20 + 1)), np.ones((2 ** 20 + 1, 1)))


def _data():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(120, 6))
    y = (x[:, 0] + x[:, 1] > 0).astype(int)
    return x, y


def test_training_with_exact_products_ignores_the_order_of_the_inputs():
    x, y = _data()
    nets = [init_weights([6, 16, 16, 2], rng=s) for s in range(2)]
    perm = np.array([5, 3, 0, 4, 1, 2])
    permuted = [[(p[0][0][perm], p[0][1])] + p[1:] for p in nets]
    kw = dict(steps=40, lr=0.1, batch_size=20, activation="tanh", record_every=10,
              exact_products=True)
    one = train_sgd_stack(nets, x, y, rng=[7, 8], **kw)
    two = train_sgd_stack(permuted, x[:, perm], y, rng=[7, 8], **kw)
    assert np.array_equal(one.losses, two.losses)
    assert all(np.array_equal(W1, W2) for (W1, _), (W2, _) in zip(one.params[0][1:], two.params[0][1:]))


@pytest.mark.parametrize("sizes,batch,shared,lr", [
    ([64, 32, 32, 10], 32, True, 0.05),  # the chapter's shapes: some operands rounded once for two
    ([6, 31, 40, 3], 20, False, 0.1),  # bits that differ between the two products of a layer
    ([6, 16, 16, 2], 16, True, [[0.1, 0.05, 0.2], [0.02, 0.1, 0.1]]),  # a rate per layer and run
])
def test_exact_training_is_exact_matmul_product_by_product(monkeypatch, sizes, batch, shared, lr):
    # The trainer rounds an operand once where two products share it; the reference sets it to
    # call exact_matmul for every product (exact_matmul is checked against Fractions above).
    rng = np.random.default_rng(5)
    x = rng.normal(size=(96, sizes[0]))
    y = rng.integers(0, sizes[-1], size=96)
    nets = [init_weights(sizes, rng=s) for s in range(2)]
    order = {"orders": rng.integers(0, 96, size=(30, batch))} if shared else {"rng": [7, 8]}
    kw = dict(steps=30, lr=lr, batch_size=batch, activation="tanh", record_every=10,
              exact_products=True, **order)  # orders: one minibatch shared by both runs
    fast = train_sgd_stack(nets, x, y, **kw)
    init = networks._StackTrainer.__init__

    def product_by_product(self, *args):
        init(self, *args)
        assert self.matmul is exact_matmul
        self.exact = False

    monkeypatch.setattr(networks._StackTrainer, "__init__", product_by_product)
    slow = train_sgd_stack(nets, x, y, **kw)
    assert np.array_equal(fast.losses, slow.losses)
    for one, two in zip(fast.params, slow.params):
        assert all(np.array_equal(W1, W2) and np.array_equal(b1, b2)
                   for (W1, b1), (W2, b2) in zip(one, two))
    monkeypatch.undo()
    plain = train_sgd_stack(nets, x, y, **{**kw, "exact_products": False})
    assert not np.array_equal(fast.losses, plain.losses)  # the rounding happened


def test_training_with_exact_products_is_close_to_plain_float64():
    x, y = _data()
    nets = [init_weights([6, 16, 2], rng=0)]
    kw = dict(steps=20, lr=0.1, batch_size=20, activation="tanh", rng=[1], record_every=5)
    exact = train_sgd_stack(nets, x, y, exact_products=True, **kw).losses
    plain = train_sgd_stack(nets, x, y, **kw).losses
    assert not np.array_equal(exact, plain)
    np.testing.assert_allclose(exact, plain, rtol=1e-5)


def test_exact_products_argument_is_checked():
    x, y = _data()
    kw = dict(steps=2, lr=0.1, batch_size=20, activation="tanh", rng=[1])
    with pytest.raises(TypeError, match="exact_products"):
        train_sgd_stack([init_weights([6, 4, 2], rng=0)], x, y, exact_products=1, **kw)
    with pytest.raises(ValueError, match="exact_products needs float64"):
        train_sgd_stack([init_weights([6, 4, 2], rng=0, dtype=np.float32)], x, y,
                        exact_products=True, **kw)
