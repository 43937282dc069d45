"""Thread settings for the small matrix products of the experiments and explorers."""

import contextlib


def one_blas_thread():
    """A context in which BLAS runs on one thread.

    The book's networks are small: their matrix products gain nothing from
    threads, and on a busy machine idle BLAS threads spinning between
    products make them many times slower.  Uses threadpoolctl (installed
    with scikit-learn) when present, and does nothing otherwise.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")
