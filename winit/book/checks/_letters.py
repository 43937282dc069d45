"""The checks of a chapter's predictions whose answer is one letter.

A chapter's module lists its one-letter predictions as ``{label: (right letter, letters
offered, hint)}`` and calls :func:`register` where those exercises come in the chapter's order;
a check with more answers than the letter calls :func:`expect` for it.
"""

from . import Hint, choice as _choice, exercise


def offered(options: str) -> str:
    """What the answer ``choice`` is, for :func:`exercise`: "your prediction: 'a', 'b' or 'c'"."""
    return "your prediction: " + ", ".join(map(repr, options[:-1])) + f" or {options[-1]!r}"


def expect(choice, options: str, right: str, hint: str) -> None:
    """A :class:`Hint` (``hint``) unless ``choice`` is the letter ``right`` of ``options``."""
    if _choice(choice, options) != right:
        raise Hint(hint)


def register(chapter: str, table: dict[str, tuple[str, str, str]]) -> None:
    """Register one check per entry of ``table``, in its order, as exercises of the module
    named ``chapter`` (the caller's ``__name__``: :func:`exercise` reads the chapter from it)."""
    for label, (right, options, hint) in table.items():
        def judge(choice, options=options, right=right, hint=hint):
            expect(choice, options, right, hint)
        judge.__module__ = chapter
        exercise(label, choice=offered(options))(judge)
