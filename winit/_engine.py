"""The training loop every SGD trainer of winit shares (private, engine layer).

:func:`winit.networks.train_sgd`, :func:`winit.networks.train_sgd_stack` and
:func:`winit.blocks.train_sgd` differ in their networks and in how a step's
gradient is computed; everything around the step is here, once:

* the minibatch schedule (:class:`Minibatches`): shuffled passes over the
  data, reshuffled every epoch with one ``rng.permutation(n)`` at the start
  of each epoch, the remainder smaller than a batch skipped; or minibatch
  orders given by the caller (:func:`minibatch_orders` draws them ahead);
* the loss history (:class:`LossWindows`): the mean minibatch loss of every
  window of ``record_every`` steps, a run stopping at its first non-finite
  loss, and a last check of the parameters the final update left (an update
  can overflow them while every loss measured before it was finite);
* the loop itself (:func:`run`), with measurements at initialisation and at
  the end of every window;
* the learning rates' checks (:func:`check_rates`): one rate, one per layer,
  or one per run and layer;
* :func:`adam_update`, one Adam step; :func:`exact_matmul`, a matrix product
  that gives the same bits with any BLAS kernel (for chaotic runs);
* :class:`TrainHistory`, the record of one run, the base of
  :class:`winit.networks.TrainResult` and :class:`winit.blocks.BlockTrainResult`
  (and published as ``winit.networks.TrainHistory``).

The softmax cross-entropy and its gradient are :mod:`winit._softmax`'s.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import check_count, check_real, check_size_fits


@dataclass
class TrainHistory:
    """The loss history of one training run, as every trainer of winit returns it.

    :func:`winit.networks.train_sgd` returns it with the trained parameters
    (:class:`winit.networks.TrainResult`), :func:`winit.blocks.train_sgd`
    with the trained layers (:class:`winit.blocks.BlockTrainResult`), and
    ``StackTrainResult.run(r)`` gives run ``r`` of
    :func:`winit.networks.train_sgd_stack` as a ``TrainResult``.

    Attributes
    ----------
    losses : numpy.ndarray of float, shape (W,)
        ``losses[k]`` is the mean minibatch cross-entropy over steps
        ``k * record_every`` to ``(k + 1) * record_every - 1`` (each loss
        measured before that step's update).  If a loss was not finite,
        training stopped there: the last entry is that loss and the array is
        shorter.
    steps : numpy.ndarray of int, shape (W,)
        The step that ends each window of ``losses`` (1-based count of steps
        run), for plotting ``losses`` against steps.
    diverged : bool
        ``True`` if a loss became ``inf`` or ``nan`` (training stopped), or if
        the update of the last step left a parameter ``inf`` or ``nan``.
    diverged_at : int or None
        The 0-based step at which training diverged: the step whose loss was
        not finite, or the last step if only its update overflowed (then
        every entry of ``losses`` is finite).  ``None`` if it did not.
    """

    losses: np.ndarray
    steps: np.ndarray
    diverged: bool = False
    diverged_at: int | None = None


def run_history(losses, ends, diverged_at):
    """One run's ``(losses, steps, diverged, diverged_at)`` from its row of windows.

    ``losses`` and ``ends`` cover every window of the whole run (``nan``
    after a divergence); ``diverged_at`` is ``-1`` if the run did not
    diverge.  A diverged run keeps the windows up to its divergence, the
    last one ending at that step.
    """
    if diverged_at < 0:
        return losses.copy(), ends.copy(), False, None
    # ends[0] is record_every, or the whole run if that is shorter.
    k = int(diverged_at) // int(ends[0])
    out_ends = ends[:k + 1].copy()
    out_ends[-1] = int(diverged_at) + 1
    return losses[:k + 1].copy(), out_ends, True, int(diverged_at)


# --------------------------------------------------------------------------
# Minibatches
# --------------------------------------------------------------------------


def shuffled_batches(n, batch_size, rng):
    """Endless minibatches of ``batch_size`` of ``n`` examples, in shuffled passes.

    Each pass (epoch) draws ``rng.permutation(n)`` when its first batch is
    asked for and hands out ``n // batch_size`` consecutive slices of it;
    the remainder is skipped.
    """
    per_epoch = n // batch_size
    while True:
        order = rng.permutation(n)
        for k in range(per_epoch):
            yield order[k * batch_size:(k + 1) * batch_size]


def minibatch_orders(n, batch_size, steps, rng):
    """The first ``steps`` minibatches of :func:`shuffled_batches`, shape (steps, batch_size).

    The same draws from ``rng`` a trainer shuffling with ``rng`` makes, made
    now: one ``rng.permutation(n)`` per epoch begun.

    Examples
    --------
    >>> import numpy as np
    >>> from winit._engine import minibatch_orders
    >>> orders = minibatch_orders(5, 2, 3, np.random.default_rng(0))
    >>> orders.shape, len(set(orders[:2].ravel()))  # two batches per pass, no repeat
    ((3, 2), 4)
    """
    batches = shuffled_batches(n, batch_size, rng)
    return np.stack([next(batches) for _ in range(steps)])


def check_orders(orders, n_runs, steps, batch_size, n):
    """``orders`` as an integer array of shape (steps, batch_size) or (n_runs, steps, batch_size)."""
    arr = np.asarray(orders)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"orders must be an array of integer example indices (the minibatches); "
                        f"got dtype {arr.dtype}")
    shared, per_run = (steps, batch_size), (n_runs, steps, batch_size)
    if arr.shape not in (shared, per_run):
        raise ValueError(
            f"orders must have shape {shared} (one minibatch per step, shared by every run) or "
            f"{per_run} (one per run); got shape {arr.shape}")
    if arr.size and (arr.min() < 0 or arr.max() >= n):
        raise ValueError(f"orders must hold example indices in 0..{n - 1}; got indices from "
                         f"{arr.min()} to {arr.max()}")
    return arr


class Minibatches:
    """Each step's minibatch of the runs still training.

    With ``rngs`` (one Generator per run) every run shuffles with its own, a
    run that has stopped no longer drawing; with ``orders`` the given
    minibatches are used as they are.  A call returns an index array of
    shape ``(B,)`` if every run takes the same minibatch (``orders`` of
    shape (steps, B)), else ``(len(alive), B)``.
    """

    def __init__(self, n, batch_size, rngs=None, orders=None):
        self.orders = orders
        if orders is None:
            self.batches = [shuffled_batches(n, batch_size, g) for g in rngs]

    def __call__(self, step, alive):
        if self.orders is None:
            if len(alive) == 1:
                return next(self.batches[alive[0]])[None]
            return np.stack([next(self.batches[r]) for r in alive])
        if self.orders.ndim == 2:
            return self.orders[step]
        return self.orders[alive, step]


# --------------------------------------------------------------------------
# Loss windows and divergence
# --------------------------------------------------------------------------


class LossWindows:
    """The loss history of ``n_runs`` runs, in windows of ``record_every`` steps.

    ``losses[r, k]`` is run ``r``'s mean loss over window ``k`` (the last
    window may be shorter); a run whose loss is not finite stops: that loss
    is its entry for the window, the later entries stay ``nan``, and
    ``diverged_at[r]`` is the step (``-1`` while it trains).  ``alive`` holds
    the runs still training, in order.
    """

    def __init__(self, n_runs, steps, record_every):
        self.steps, self.every = steps, record_every
        n_windows = -(-steps // record_every)
        self.ends = np.minimum(np.arange(1, n_windows + 1) * record_every, steps)
        self.losses = np.full((n_runs, n_windows), np.nan)
        self.diverged_at = np.full(n_runs, -1)
        self.alive = np.arange(n_runs)
        self._sum = np.zeros(n_runs)

    def add(self, step, loss):
        """Record the losses of the alive runs at ``step``.

        Returns ``(stopped, closed)``: a mask over the alive runs of those
        whose loss was not finite (they are no longer alive), and whether
        the step ends a window.
        """
        alive = self.alive
        self._sum[alive] += loss
        stopped = ~np.isfinite(loss)
        w = step // self.every
        if stopped.any():
            dead = alive[stopped]
            self.losses[dead, w] = loss[stopped]
            self.diverged_at[dead] = step
            self.alive = alive = alive[~stopped]
        closed = (step + 1) % self.every == 0 or step + 1 == self.steps
        if closed:
            self.losses[alive, w] = self._sum[alive] / (step - w * self.every + 1)
            self._sum[:] = 0.0
        return stopped, closed

    def last_update(self, finite):
        """After the last step: the alive runs whose parameters are not ``finite``
        (a mask over the alive runs) diverged at that step.  Returns the mask of
        those runs."""
        stopped = ~np.asarray(finite, dtype=bool)
        self.diverged_at[self.alive[stopped]] = self.steps - 1
        self.alive = self.alive[~stopped]
        return stopped

    def history(self, r):
        """Run ``r`` as :func:`run_history` gives it."""
        return run_history(self.losses[r], self.ends, self.diverged_at[r])


def run(windows, batches, step, *, finite, drop=None, measure=None):
    """The SGD loop: ``windows.steps`` steps of the runs in ``windows.alive``.

    Parameters
    ----------
    windows : LossWindows
        Records the losses; decides which runs go on.
    batches : callable ``batches(step, alive) -> indices``
        The minibatch of each step (a :class:`Minibatches`).
    step : callable ``step(indices) -> losses``
        One SGD step of the alive runs on their minibatch: their losses
        before it, shape (len(alive),), float64; a run whose loss is not
        finite must be left as it was.
    finite : callable ``finite() -> mask``
        Whether each alive run's parameters are all finite (asked once,
        after the last step).
    drop : callable ``drop(mask)``, optional
        Called with the mask over the alive runs of those that stop, so
        that the step's arrays keep only the others.
    measure : callable ``measure(k)``, optional
        Called at initialisation (``k = 0``) and at the end of window
        ``k - 1`` while some run is alive.
    """
    if measure is not None:
        measure(0)
    steps = windows.steps
    for s in range(steps):
        stopped, closed = windows.add(s, step(batches(s, windows.alive)))
        if stopped.any() and drop is not None:
            drop(~stopped)
        if s + 1 == steps and len(windows.alive):
            stopped = windows.last_update(finite())
            if stopped.any() and drop is not None:
                drop(~stopped)
        if len(windows.alive) == 0:
            break
        if closed and measure is not None:
            measure(s // windows.every + 1)


# --------------------------------------------------------------------------
# Learning rates
# --------------------------------------------------------------------------


def check_rates(value, name, n_runs, n_layers):
    """A learning rate as an ``(n_runs, n_layers)`` float array.

    ``value`` is one positive number, a sequence of ``n_layers`` of them
    (one per layer, the same for every run), or ``n_runs`` such sequences
    (one per run and layer).
    """
    meaning = "a learning rate"
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)):
        rate = check_real(value, name, "the learning rate", positive=True)
        return np.full((n_runs, n_layers), rate)
    if isinstance(value, (str, bytes)) or not hasattr(value, "__len__"):
        raise TypeError(
            f"{name} must be a positive number, one per layer ({n_layers}) or one per run and "
            f"layer ({n_runs}, {n_layers}); got {value!r:.80} of type {type(value).__name__}")
    arr = np.asarray(value, dtype=object)
    if arr.shape not in ((n_layers,), (n_runs, n_layers)):
        raise ValueError(
            f"{name} must be a positive number, one per layer (shape ({n_layers},)) or one per "
            f"run and layer (shape ({n_runs}, {n_layers})); got shape {arr.shape}")
    out = np.empty(arr.shape)
    for i in np.ndindex(arr.shape):
        where = "".join(f"[{k}]" for k in i)
        out[i] = check_real(arr[i], f"{name}{where}", meaning, positive=True)
    return np.broadcast_to(out, (n_runs, n_layers)).copy()


def check_steps(steps, batch_size, record_every, n_runs=1):
    """The loop's three counts, checked; the loss history must fit in memory."""
    steps = check_count(steps, "steps", "the number of SGD steps")
    batch_size = check_count(batch_size, "batch_size", "the examples per minibatch")
    record_every = check_count(record_every, "record_every",
                               "the number of steps per recorded loss")
    check_size_fits((n_runs * -(-steps // record_every),), np.dtype(np.float64), "steps",
                    what="recorded losses")
    return steps, batch_size, record_every


# --------------------------------------------------------------------------
# Adam
# --------------------------------------------------------------------------


def adam_update(param, grad, m, v, step, lr, *, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam step of one parameter array, in place (Kingma and Ba, 2015, Algorithm 1).

    .. math::

        m \\leftarrow \\beta_1 m + (1 - \\beta_1) g, \\quad
        v \\leftarrow \\beta_2 v + (1 - \\beta_2) g^2, \\quad
        \\theta \\leftarrow \\theta - \\eta\\,
        \\frac{m / (1 - \\beta_1^t)}{\\sqrt{v / (1 - \\beta_2^t)} + \\epsilon},

    entry by entry, with ``step`` :math:`= t \\ge 1` counting the steps made
    so far including this one (the bias corrections), as PyTorch's
    ``torch.optim.Adam`` does without weight decay or amsgrad.  ``param``,
    ``m`` and ``v`` are updated in place (``m`` and ``v`` start at zero);
    ``grad`` is read only.  Private: the callers check their arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from winit._engine import adam_update
    >>> theta, m, v = np.array([1.0, -2.0]), np.zeros(2), np.zeros(2)
    >>> adam_update(theta, np.array([0.5, -3.0]), m, v, 1, 0.1)
    >>> theta.round(6)  # the first step moves each entry by lr against its gradient's sign
    array([ 0.9, -1.9])
    """
    tmp = np.multiply(grad, 1.0 - beta1)  # one scratch array, reused for every term
    m *= beta1
    m += tmp
    np.square(grad, out=tmp)
    tmp *= 1.0 - beta2
    v *= beta2
    v += tmp
    np.divide(v, 1.0 - beta2 ** step, out=tmp)
    np.sqrt(tmp, out=tmp)
    tmp += eps
    np.divide(m, tmp, out=tmp)
    tmp *= lr / (1.0 - beta1 ** step)
    param -= tmp


# --------------------------------------------------------------------------
# Exact matrix products
# --------------------------------------------------------------------------


def exact_matmul(a, b, out=None):
    """``a @ b`` computed exactly on rounded operands: the same bits on every machine.

    A BLAS library sums a matrix product in an order that depends on its CPU
    kernel and thread count, so the last bits of ``a @ b`` differ between
    machines, and a chaotic computation (a deep network in its chaotic phase,
    trained for hundreds of steps) amplifies them into visible differences.
    Here each operand is first rounded to ``bits`` significant bits on a
    power-of-two scale shared by its last two axes (one scale per matrix of a
    stack), ``bits = (52 - ceil(log2 K)) // 2`` for an inner dimension ``K``
    (24 bits for ``K <= 16``, 23 up to 64, 22 up to 256, 21 up to 1024): the
    rounded operands are integers times powers of two, every product and every partial sum of
    their product is an integer below :math:`2^{52}`, so the BLAS computes it
    exactly, in any order, and the result is scaled back exactly.  The
    rounding is the only error: a relative :math:`2^{-bits}` of each
    operand's largest entry, like single precision's.

    Parameters
    ----------
    a : numpy.ndarray of float64, shape (..., M, K)
    b : numpy.ndarray of float64, shape (..., K, N)
        Broadcast over their leading axes as :func:`numpy.matmul` does.
    out : numpy.ndarray of float64, optional
        Where to write the result (as ``numpy.matmul``'s ``out``).

    Returns
    -------
    numpy.ndarray of float64, shape (..., M, N)
        The exact product of the rounded operands; non-finite where an
        operand is.

    Raises
    ------
    TypeError
        If an operand is not a float64 array.
    ValueError
        If the inner dimension ``K`` exceeds :math:`2^{20}` (fewer than 16
        bits would be left per operand).

    Examples
    --------
    >>> import numpy as np
    >>> from winit._engine import exact_matmul
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.normal(size=(4, 64)), rng.normal(size=(64, 3))
    >>> p = exact_matmul(a, b)
    >>> bool(np.array_equal(p, exact_matmul(a[:, ::-1], b[::-1])))  # any order: the same bits
    True
    >>> bool(np.allclose(p, a @ b, rtol=1e-5))
    True
    """
    for name, arr in (("a", a), ("b", b)):
        if not isinstance(arr, np.ndarray) or arr.dtype != np.float64 or arr.ndim < 2:
            raise TypeError(f"{name} must be a float64 array of at least 2 axes (a matrix or "
                            f"a stack of them); got {type(arr).__name__} "
                            f"{getattr(arr, 'dtype', '')} {getattr(arr, 'shape', '')}")
    bits = grid_bits(a.shape[-1])
    return grid_product(on_grid(a, bits), on_grid(b, bits), out)


def grid_bits(k):
    """The significant bits :func:`exact_matmul` keeps of each operand for an inner
    dimension ``k``: ``(52 - ceil(log2 k)) // 2``; a ValueError above :math:`2^{20}`."""
    if k > 2 ** 20:
        raise ValueError(f"a's last axis (the inner dimension K) must be at most 2**20 for "
                         f"an exact product; got {k}")
    return (52 - max(k - 1, 1).bit_length()) // 2


def on_grid(a, bits):
    """``a`` as integers times one power of two per matrix (the last two axes):
    ``(integers, unit)`` with ``|integers| <= 2**bits`` and ``a ~ integers * unit``.

    The rounding is elementwise on a scale read from the matrix's largest ``|a|``, so the
    grid of ``a.mT`` is the grid of ``a`` transposed (the trainer reuses it so)."""
    top = np.abs(a).max(axis=(-2, -1), keepdims=True)
    _, exponent = np.frexp(top)  # top < 2**exponent; inf and nan give 0 (and stay non-finite)
    grid = np.multiply(a, np.ldexp(1.0, bits - exponent))  # a power of two: exact
    return np.rint(grid, out=grid), np.ldexp(1.0, exponent - bits)


def grid_product(a_grid, b_grid, out=None):
    """The exact product of two operands already on their grids (:func:`on_grid`, with the
    bits :func:`grid_bits` gives for their inner dimension), scaled back."""
    (a_int, a_unit), (b_int, b_unit) = a_grid, b_grid
    out = np.matmul(a_int, b_int, out=out)
    out *= a_unit * b_unit
    return out
