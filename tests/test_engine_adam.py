"""winit._engine.adam_update against Adam written out by hand, entry by entry (Kingma and Ba,
2015, Algorithm 1, as PyTorch's torch.optim.Adam computes it)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from winit._engine import adam_update


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
