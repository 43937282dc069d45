"""Central finite differences, the tests' independent check of every backward pass."""

import numpy as np

H = 1e-6


def numeric_grad(f, a, h=H):
    """Central differences (step h) of the scalar f() with respect to every entry of a (in place)."""
    g = np.zeros_like(a)
    flat, gflat = a.reshape(-1), g.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return g
