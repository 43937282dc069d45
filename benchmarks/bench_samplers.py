"""Does a winit sampler cost more than drawing the same distribution with raw numpy?

For every sampler, at 10^3, 10^5 and 10^7 weights, in float64 and float32, the
sampler and the raw numpy code for the same distribution are timed in pairs,
interleaved in one process (alternating which goes first), each from a fresh
``numpy.random.Generator`` with the same seed.  The figure reported is the
median over pairs of ``time(winit) / time(raw numpy)``, in CPU time of this
process (so other processes on a shared machine do not count): 1.00 means no
cost.
The first pair of each cell also checks that both produced the same numbers.

The raw numpy side is the fastest plain idiom: ``rng.uniform`` and
``rng.normal`` in float64; in float32, ``rng.random``/``rng.standard_normal``
with ``dtype=np.float32`` scaled in place; for the truncated normal, redrawing
the out-of-range entries (numpy has no truncated normal).

Run: ``python benchmarks/bench_samplers.py`` (``--quick`` for a rough run).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import time
from math import sqrt

import numpy as np

import winit

from _machine import cpu_model  # benchmarks/_machine.py, beside this script

SEED = 20260101
#: CPU time of this process (user + system, page faults included): on a shared machine,
#: time spent waiting for another process's turn on the CPU is not counted.
CLOCK = time.process_time
TRUNC = 0.87962566103423978  # std of a standard normal truncated to [-2, 2]


# ---- raw numpy, the baseline ------------------------------------------------


def raw_uniform(limit, size, rng, dtype):
    if dtype == np.float64:
        return rng.uniform(-limit, limit, size)
    lim = np.float32(limit)
    out = rng.random(size, dtype=np.float32)
    out *= 2 * lim
    out -= lim
    return out


def raw_normal(std, size, rng, dtype):
    if dtype == np.float64:
        return rng.normal(0.0, std, size)
    out = rng.standard_normal(size, dtype=np.float32)
    out *= np.float32(std)
    return out


def raw_truncated_normal(std, size, rng, dtype):
    out = rng.standard_normal(size, dtype=dtype)
    flat = out.reshape(-1)
    bad = np.flatnonzero(np.abs(flat) > 2.0)
    while bad.size:
        new = rng.standard_normal(bad.size, dtype=dtype)
        flat[bad] = new
        bad = bad[np.abs(new) > 2.0]
    out *= dtype(std / TRUNC)
    return out


# ---- the cases ----------------------------------------------------------------


def cases():
    """(label, winit call, raw call); each call takes (count, rng, dtype)."""
    n, m = 100, 50  # the tutorial-style schemes: n inputs, m outputs

    def shape(count):  # a dense (fan_in, 100) layer of `count` weights
        return (count // 100, 100)

    def fans(count):
        return count // 100, 100

    out = [
        (  # a control: raw numpy against itself shows the machine's noise floor
            "control: raw uniform vs itself",
            lambda c, g, d: raw_uniform(1.0 / sqrt(n), c, g, d),
            lambda c, g, d: raw_uniform(1.0 / sqrt(n), c, g, d),
        ),
        (
            "xavier(n=100)",
            lambda c, g, d: winit.xavier(n, c, rng=g, dtype=d),
            lambda c, g, d: raw_uniform(1.0 / sqrt(n), c, g, d),
        ),
        (
            "normalized_xavier(n=100, m=50)",
            lambda c, g, d: winit.normalized_xavier(n, m, c, rng=g, dtype=d),
            lambda c, g, d: raw_uniform(sqrt(6.0) / sqrt(n + m), c, g, d),
        ),
        (
            "he(n=100)",
            lambda c, g, d: winit.he(n, c, rng=g, dtype=d),
            lambda c, g, d: raw_normal(sqrt(2.0 / n), c, g, d),
        ),
    ]
    for dist, raw in [
        ("uniform", lambda f, c, g, d: raw_uniform(sqrt(3.0 * 2.0 / f[0]), shape(c), g, d)),
        ("normal", lambda f, c, g, d: raw_normal(sqrt(2.0 / f[0]), shape(c), g, d)),
        ("untruncated_normal", lambda f, c, g, d: raw_normal(sqrt(2.0 / f[0]), shape(c), g, d)),
        ("truncated_normal", lambda f, c, g, d: raw_truncated_normal(sqrt(2.0 / f[0]), shape(c), g, d)),
    ]:
        out.append(
            (
                f"variance_scaling(2, fan_in, {dist})",
                lambda c, g, d, dist=dist: winit.variance_scaling(
                    shape(c), 2.0, "fan_in", dist, rng=g, dtype=d
                ),
                lambda c, g, d, raw=raw: raw(fans(c), c, g, d),
            )
        )
    named = [
        ("glorot_uniform", lambda f: ("u", sqrt(6.0 / (f[0] + f[1])))),
        ("glorot_normal", lambda f: ("t", sqrt(2.0 / (f[0] + f[1])))),
        ("he_uniform", lambda f: ("u", sqrt(6.0 / f[0]))),
        ("he_normal", lambda f: ("t", sqrt(2.0 / f[0]))),
        ("lecun_uniform", lambda f: ("u", sqrt(3.0 / f[0]))),
        ("lecun_normal", lambda f: ("t", sqrt(1.0 / f[0]))),
    ]
    for name, spread in named:
        fn = getattr(winit, name)

        def raw(c, g, d, spread=spread):
            kind, s = spread(fans(c))
            if kind == "u":
                return raw_uniform(s, shape(c), g, d)
            return raw_truncated_normal(s, shape(c), g, d)

        out.append((f"{name}((N/100, 100))", lambda c, g, d, fn=fn: fn(shape(c), rng=g, dtype=d), raw))
    return out


# ---- timing -------------------------------------------------------------------


def time_batch(call, count, dtype, batch):
    """Seconds for `batch` calls from a fresh Generator seeded with SEED."""
    rng = np.random.default_rng(SEED)
    t0 = CLOCK()
    for _ in range(batch):
        call(count, rng, dtype)
    return CLOCK() - t0


def measure(w_call, r_call, count, dtype, pairs, batch):
    a = w_call(count, np.random.default_rng(SEED), dtype)
    b = r_call(count, np.random.default_rng(SEED), dtype)
    # the same numbers, up to the last bits of the limit or std (float32: 1e-6)
    atol = 1e-6 * float(np.abs(b).max()) if b.size else 0.0
    if a.shape != b.shape or a.dtype != b.dtype or not np.allclose(a, b, rtol=0, atol=atol):
        raise AssertionError("winit and raw numpy drew different numbers")
    del a, b
    ratios, raw_times = [], []
    gc.disable()
    try:
        for i in range(pairs):
            if i % 2 == 0:
                tw = time_batch(w_call, count, dtype, batch)
                tr = time_batch(r_call, count, dtype, batch)
            else:
                tr = time_batch(r_call, count, dtype, batch)
                tw = time_batch(w_call, count, dtype, batch)
            ratios.append(tw / tr)
            raw_times.append(tr / batch)
    finally:
        gc.enable()
    return statistics.median(ratios), statistics.median(raw_times)



def fmt_time(seconds):
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e3:.1f} ms"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs (rough figures)")
    args = parser.parse_args(argv)

    # (weights, pairs, calls per timing)
    plan = [(10**3, 61, 200), (10**5, 31, 4), (10**7, 21, 1)]
    if args.quick:
        plan = [(10**3, 11, 100), (10**5, 7, 2), (10**7, 3, 1)]

    print("# winit samplers vs raw numpy")
    print()
    print(f"- machine: {platform.platform()}, {cpu_model()}, {os.cpu_count()} CPUs")
    print(f"- Python {platform.python_version()}, numpy {np.__version__}, winit {winit.__version__}")
    print("- figure: median over interleaved pairs of time(winit) / time(raw numpy), CPU time")
    print("  of this process; in brackets, raw numpy's median time per call")
    print()
    header = "| sampler | dtype | " + " | ".join(f"10^{len(str(c)) - 1}" for c, _, _ in plan) + " |"
    print(header)
    print("|" + " --- |" * (2 + len(plan)))
    worst = {c: 0.0 for c, _, _ in plan}
    for label, w_call, r_call in cases():
        control = label.startswith("control")
        for dtype in (np.float64, np.float32):
            cells = []
            for count, pairs, batch in plan:
                ratio, raw = measure(w_call, r_call, count, dtype, pairs, batch)
                if not control:
                    worst[count] = max(worst[count], ratio)
                cells.append(f"{ratio:.2f} ({fmt_time(raw)})")
            print(f"| {label} | {np.dtype(dtype).name} | " + " | ".join(cells) + " |", flush=True)
    print()
    print("worst ratio of a winit sampler: " + ", ".join(f"10^{len(str(c)) - 1}: {r:.2f}" for c, r in worst.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
