"""Self-checks for the book's exercises: right or not, with a hint, never the answer.

Every exercise of the book has a label (``predict-he-too-big``, ``ex-he-uniform``), shown under
its title. Give :func:`check` that label and your answer, as keywords::

    >>> from winit.book.checks import check
    >>> check("predict-he-too-big")                              # doctest: +SKIP
    To check predict-he-too-big, give: factor= (...), after_20= (...).
    >>> check("predict-he-too-big", factor=3, after_20=1e9)       # doctest: +SKIP
    Not yet: ...a hint...

A prediction is checked against the value the chapter derives, within a tolerance the check
states; an implementation (a function you wrote) is called on test inputs and its results are
measured. A wrong answer gets a hint that points to the idea, not to the value.

The same checks grade the book's nbgrader course (``python site_assets/editions.py nbgrader
OUT``): each exercise's hidden test asserts ``check(label, ...)``. A check is a study aid, not
an exam lock: its expected values are in this package's source for anyone who reads it.

Each chapter's checks are in the module of the same name (``winit/book/checks/he.py``); a check
is registered with :func:`exercise`.
"""

from __future__ import annotations

import importlib
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["Hint", "Verdict", "check", "choice", "close", "describe", "exercise", "labels", "number",
           "run", "within_factor"]

#: The chapters (the modules of this package), in the book's order.
CHAPTERS = (
    "why_initialisation", "xavier", "normalized_xavier", "he", "signals_through_depth",
    "depth_explorer", "training_deep_relu", "frameworks", "order_and_chaos",
    "orthogonal_weights", "residual_and_normalisation", "width_and_learning_rate",
    "transformers_and_lsuv", "initialisation_in_practice",
)


class Hint(Exception):
    """Raised by a check when the answer is not right; its message is the hint shown."""


@dataclass(frozen=True)
class Verdict:
    """What :func:`check` found: true if the answer is right; shown as its message.

    ``bool(verdict)`` is the result (an nbgrader test asserts it); ``repr`` is the message, so a
    notebook shows the message when ``check(...)`` is a cell's last line.
    """

    label: str
    right: bool
    message: str

    def __bool__(self) -> bool:
        return self.right

    def __repr__(self) -> str:
        return self.message

    __str__ = __repr__


@dataclass(frozen=True)
class _Exercise:
    label: str
    chapter: str
    answers: dict[str, str]
    judge: Callable[..., str | None] = field(repr=False)


_REGISTRY: dict[str, _Exercise] = {}
_LOADED = False


def exercise(label: str, **answers: str) -> Callable:
    """Register the decorated function as the check of exercise ``label``.

    ``answers`` names each keyword the reader gives and says what it is
    (``factor="the factor per layer"``). The function takes those keywords and returns None
    when the answer is right; otherwise it raises :class:`Hint` (or returns a hint string).
    """
    if not isinstance(label, str) or not label:
        raise TypeError(f"label must be a str (the exercise's label); got {label!r}")
    if not answers:
        raise ValueError(f"answers must name at least one answer of exercise {label!r}; got none")

    def register(judge: Callable) -> Callable:
        if label in _REGISTRY:
            raise ValueError(f"label must be new (one check per exercise); {label!r} is registered twice")
        chapter = judge.__module__.rsplit(".", 1)[-1]
        _REGISTRY[label] = _Exercise(label, chapter, dict(answers), judge)
        return judge

    return register


def _load() -> None:
    global _LOADED
    if not _LOADED:
        for chapter in CHAPTERS:
            importlib.import_module(f"{__name__}.{chapter}")
        _LOADED = True


def _get(label) -> _Exercise:
    _load()
    if not isinstance(label, str):
        raise TypeError(f"label must be a str (the exercise's label, e.g. 'predict-he-too-big'); "
                        f"got {type(label).__name__}")
    if label not in _REGISTRY:
        near = [known for known in _REGISTRY if label.split("-")[-1] in known][:5]
        also = f" (did you mean {', '.join(near)}?)" if near else ""
        raise ValueError(f"label must be the label of one of the book's exercises{also}; got {label!r}")
    return _REGISTRY[label]


def labels(chapter: str | None = None) -> list[str]:
    """The labels of the exercises that have a check, in the chapter's order (all if None)."""
    _load()
    if chapter is not None and chapter not in CHAPTERS:
        raise ValueError(f"chapter must be one of {', '.join(CHAPTERS)}; got {chapter!r}")
    return [ex.label for ex in _REGISTRY.values() if chapter in (None, ex.chapter)]


def describe(label: str) -> dict[str, str]:
    """The answers exercise ``label`` takes: keyword -> what it is."""
    return dict(_get(label).answers)


def check(label: str, /, **answers) -> Verdict:
    """Check an answer to exercise ``label`` without showing the expected one.

    Parameters
    ----------
    label : str
        The exercise's label, as the chapter shows it (``"predict-he-too-big"``).
    **answers
        The answers, by the names the exercise asks for. Call ``check(label)`` alone to see
        the names.

    Returns
    -------
    Verdict
        True when every answer is right. Shown in a notebook as "Right." or as "Not yet: "
        and a hint.

    Raises
    ------
    TypeError
        If ``label`` is not a str, or an answer's name is not one the exercise takes.
    ValueError
        If ``label`` is not the label of an exercise of the book.
    """
    ex = _get(label)
    unknown = [name for name in answers if name not in ex.answers]
    if unknown:
        raise TypeError(f"answers of {label} must be named {', '.join(ex.answers)}; "
                        f"got {', '.join(unknown)}")
    wanted = ", ".join(f"{name}= ({meaning})" for name, meaning in ex.answers.items())
    missing = [name for name in ex.answers if name not in answers]
    if missing:
        return Verdict(label, False, f"To check {label}, give: {wanted}.")
    try:
        hint = ex.judge(**answers)
    except Hint as wrong:
        hint = str(wrong)
    if hint is None:
        return Verdict(label, True, f"Right ({label}).")
    return Verdict(label, False, f"Not yet ({label}): {hint}")


def number(value, name: str) -> float:
    """``value`` as a finite float, or a :class:`Hint` that says ``name`` must be a number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:
            import numpy as np

            if isinstance(value, np.ndarray) and value.size == 1 and value.dtype.kind in "iuf":
                value = value.item()
            else:
                raise Hint(f"{name} must be a number; got {type(value).__name__}")
        except ImportError:  # pragma: no cover - numpy is winit's dependency
            raise Hint(f"{name} must be a number; got {type(value).__name__}") from None
    value = float(value)
    if not math.isfinite(value):
        raise Hint(f"{name} must be a finite number; got {value}")
    return value


def close(value, target: float, name: str, *, rel: float = 0.0, abs: float = 0.0) -> bool:
    """True if ``value`` (checked with :func:`number`) is within ``rel``/``abs`` of ``target``."""
    got = number(value, name)
    return math.isclose(got, target, rel_tol=rel, abs_tol=abs)


def within_factor(value, target: float, name: str, factor: float) -> bool:
    """True if ``value`` is positive and within a factor ``factor`` of ``target`` (> 0) either way:
    the check of an order-of-magnitude answer ("about 10^6")."""
    got = number(value, name)
    if got <= 0:
        raise Hint(f"{name} must be positive; got {got}")
    return abs(math.log(got / target)) <= math.log(factor)


def choice(value, options: str, name: str = "choice") -> str:
    """The letter the reader chose, lower case, from ``options`` (``"abcd"``); "(b)", "B" and
    "b" all read as "b". A :class:`Hint` if it is not one of them."""
    letter = value.strip().strip("()").strip().lower() if isinstance(value, str) else None
    if letter is None or len(letter) != 1 or letter not in options:
        allowed = ", ".join(repr(o) for o in options)
        raise Hint(f"{name} must be one of {allowed}; got {value!r}")
    return letter


def run(function, *args, name: str = "your function", **kwargs):
    """Call the reader's ``function``; a :class:`Hint` that names the error if it raises."""
    if not callable(function):
        raise Hint(f"{name} must be a function; got {type(function).__name__}")
    try:
        return function(*args, **kwargs)
    except Hint:
        raise
    except Exception as error:  # the reader's code: report, don't crash the check
        raise Hint(f"{name} raised {type(error).__name__}: {error}") from None
