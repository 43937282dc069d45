"""Hypothesis settings and strategies shared by the property tests.

The property tests (test_schemes, test_fans, test_validation, test_data,
test_experiments_common, test_experiments_glorot2010, test_networks) check that any
valid input gives finite values of the right shape and dtype, inside the scheme's bounds;
that any invalid input raises ValueError or TypeError with a message that names the
argument; and that a huge size is refused before anything is drawn. The strategies that
more than one of those files draws from are here.
"""

import copy
import pickle
import warnings

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

import winit

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DATA_SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NAMED = [
    winit.glorot_uniform,
    winit.glorot_normal,
    winit.he_uniform,
    winit.he_normal,
    winit.lecun_uniform,
    winit.lecun_normal,
]

# ---- strategies -------------------------------------------------------------------------

small_counts = st.integers(1, 10_000)
shapes = st.lists(st.integers(0, 6), min_size=0, max_size=4).map(tuple)
dtypes = st.sampled_from([np.float64, np.float32])
seeds = st.one_of(st.none(), st.integers(0, 2**64 - 1))
# every seed SPEC 7 allows, as a function making a fresh one (a BitGenerator has state)
spec7_seeds = st.one_of(
    st.integers(0, 2**64 - 1).map(lambda v: lambda: v),
    st.lists(st.integers(0, 2**70), min_size=1, max_size=4).map(lambda v: lambda: list(v)),
    st.lists(st.integers(0, 2**63 - 1), min_size=1, max_size=4).map(lambda v: lambda: np.array(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.SeedSequence(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.PCG64(v)),
    st.integers(0, 2**64 - 1).map(lambda v: lambda: np.random.Philox(v)),
)
rngs = st.one_of(seeds, seeds.map(np.random.default_rng), spec7_seeds.map(lambda make: make()))
equal_dtypes = st.sampled_from(["float64", "float32"]).flatmap(
    lambda name: st.sampled_from([
        np.dtype(name),
        pickle.loads(pickle.dumps(np.dtype(name))),
        copy.deepcopy(np.dtype(name)),
        np.dtype(name, metadata={"k": 1}),
        np.dtype(name).newbyteorder("="),
    ])
)


def _no_warnings(call):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return call()
