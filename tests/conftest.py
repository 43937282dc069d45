"""Settings for the whole test run.

The test command runs two pytest workers on a two-core machine, and every chapter's kernel
does its matrix products with OpenBLAS. With OpenBLAS's default of one thread per core, the
workers' threads outnumber the cores and mid-sized products slow down many times over. One
BLAS thread per process avoids it. The kernels nbval starts inherit this environment.
A value set by the caller wins: CI runs the chapters again under other thread counts and
kernels (see .ci/run), and every stored number must come out the same.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
