"""Gaussian expectations by adaptive quadrature (scipy), independent of winit.meanfield,
for the tests of the mean-field experiments."""

import math

import numpy as np
from scipy import integrate


def gauss(f, q):
    """E[f(sqrt(q) z)], z ~ N(0, 1), by adaptive quadrature (independent of hermgauss)."""
    val, _ = integrate.quad(lambda z: f(math.sqrt(q) * z) * math.exp(-z * z / 2)
                            / math.sqrt(2 * math.pi), -np.inf, np.inf, epsabs=1e-13,
                            epsrel=1e-13, limit=200)
    return val


def tanh_chi_1(sw2, sb2):
    """chi_1 of tanh from quad and brentq: an implementation independent of winit.meanfield."""
    from scipy.optimize import brentq

    def g(q):
        return sw2 * gauss(lambda u: math.tanh(u) ** 2, q) + sb2 - q
    q = brentq(g, 1e-6, 50.0, xtol=1e-14) if g(1e-6) > 0 else 0.0
    return sw2 * gauss(lambda u: (1 - math.tanh(u) ** 2) ** 2, q), q


# ---- poole2016 ------------------------------------------------------------------
