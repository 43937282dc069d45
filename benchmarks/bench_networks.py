"""Is a training step of ``winit.networks.train_sgd`` mostly matrix products?

For each of the book's network sizes, this times one SGD step of the real
trainer and, separately, the matrix products that step has to do: per layer
the forward product ``[h, 1] @ [W; b]`` (the bias rides in the product), the
back-propagation product ``g @ W.T`` (not for the first layer) and the
weight-gradient product ``[h, 1].T @ g``, with the same shapes, written into
preallocated arrays, in a Python loop over layers as the trainer does.  The
figure of merit is

    ratio = matmul_time / step_time,

the share of a step spent in products it cannot avoid; the target is >= 0.7.
What the rest of the step does: activations and their derivatives, the
softmax cross-entropy, the in-place update ``[W; b] -= lr * grad`` and the
minibatch gather.

The step time is that of a whole ``train_sgd`` run divided by its number of
steps, so it also carries the run's setup (copying the parameters, allocating
the work arrays), a few percent at most with the step counts used: the ratio
is, if anything, understated.  The two timings alternate, and each figure is
the minimum over repeats (the machine may be shared; the minimum is the least
disturbed run).  Run with ``OPENBLAS_NUM_THREADS=1`` as well as without:
small products do not gain from a second thread, and on a busy machine a
second BLAS thread can make them several times slower.

Sizes: Glorot and Bengio (2010)'s network (1024 inputs, five tanh layers of
1,000 units, 9 outputs) at their minibatch of 10 and at 128; the He et al.
(2015) experiment of :func:`winit.experiments.he_depth_training` (64 inputs,
22 and 30 weight layers of ReLU units, 10 outputs) at its width, batch and
float type, and in float64 for comparison.  (The experiment itself trains
all its seeds at once with :func:`winit.networks.train_sgd_stack`; this
script times the one-network step that trainer stacks.)

Run: ``python benchmarks/bench_networks.py`` (``--quick`` for a rough run).
"""

from __future__ import annotations

import argparse
import inspect
import os
import platform
import time

import numpy as np

from winit.experiments import he_depth_training
from winit.networks import init_weights, train_sgd

SEED = 20260101


def _he_defaults():
    p = inspect.signature(he_depth_training).parameters
    # The experiment trains on the 8x8 digits: 64 inputs, 10 classes.
    return (p["width"].default, p["batch_size"].default, 64, 10, np.dtype(p["dtype"].default))


def configs():
    """(name, sizes, activation, batch, dtype) for every benchmarked network."""
    width, batch, dim, k, dt = _he_defaults()
    glorot = [1024] + [1000] * 5 + [9]
    he = [(f"He {d} layers x{width} ReLU, B={batch}, {dt}", [dim] + [width] * (d - 1) + [k],
           "relu", batch, t) for d in (22, 30) for t in sorted({dt, np.dtype(np.float64)})]
    return [
        ("Glorot 5x1000 tanh, B=10, float64", glorot, "tanh", 10, np.dtype(np.float64)),
        ("Glorot 5x1000 tanh, B=128, float64", glorot, "tanh", 128, np.dtype(np.float64)),
    ] + [(n.replace(str(dt), str(t)), s, a, b, t) for n, s, a, b, t in he]


def time_step(sizes, activation, batch, dtype, steps, rng):
    """Seconds per step of a train_sgd run (setup included)."""
    params = init_weights(sizes, rng=rng, dtype=dtype)
    x = rng.normal(size=(4 * batch, sizes[0])).astype(dtype)
    y = rng.integers(0, sizes[-1], size=4 * batch)
    t0 = time.perf_counter()
    train_sgd(params, x, y, steps=steps, lr=1e-6, batch_size=batch, activation=activation,
              rng=0, record_every=steps)
    return (time.perf_counter() - t0) / steps


def make_matmuls(sizes, batch, dtype, rng):
    """The products of one step, with the trainer's shapes, as a closure."""
    Wb = [rng.normal(size=(m + 1, n)).astype(dtype) for m, n in zip(sizes[:-1], sizes[1:])]
    # Real numbers everywhere: uninitialised memory may hold subnormals,
    # which slow the products down and would flatter the ratio.
    h = [rng.normal(size=(batch, m + 1)).astype(dtype) for m in sizes[:-1]]
    z = [rng.normal(size=(batch, n)).astype(dtype) for n in sizes[1:]]
    gh = [np.empty((batch, m), dtype) for m in sizes[:-1]]
    gW = [np.empty_like(w) for w in Wb]

    def run():
        for l in range(len(Wb)):
            np.matmul(h[l], Wb[l], out=z[l])
        for l in range(len(Wb) - 1, -1, -1):
            if l > 0:
                np.matmul(z[l], Wb[l][:-1].T, out=gh[l])
            np.matmul(h[l].T, z[l], out=gW[l])

    return run


def time_matmuls(run, reps):
    run()
    t = time.perf_counter()
    for _ in range(reps):
        run()
    return (time.perf_counter() - t) / reps


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer repeats")
    args = ap.parse_args(argv)
    repeats = 3 if args.quick else 7
    rng = np.random.default_rng(SEED)

    print(f"numpy {np.__version__}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', '-')}")
    print(f"{'network':44s} {'step ms':>9s} {'matmul ms':>10s} {'ratio':>6s}")
    for name, sizes, activation, batch, dtype in configs():
        flops = 2 * batch * sum((m + 1) * n for m, n in zip(sizes[:-1], sizes[1:])) * 3
        # Aim at ~0.5 s per measurement.
        run = make_matmuls(sizes, batch, dtype, rng)
        est = time_matmuls(run, 3)
        reps = max(20, int(0.5 / max(est, 1e-6)))
        steps, mm = [], []
        for _ in range(repeats):
            mm.append(time_matmuls(run, reps))
            steps.append(time_step(sizes, activation, batch, dtype, reps, rng))
        s, m = min(steps), min(mm)
        print(f"{name:44s} {s * 1e3:9.3f} {m * 1e3:10.3f} {m / s:6.2f}"
              f"   ({flops / m / 1e9:.0f} GFLOP/s in the products)")


if __name__ == "__main__":
    main()
