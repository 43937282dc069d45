"""The checks of a chapter's predictions whose answer is one letter.

A chapter's module registers each with :func:`letter` (or several at once with
:func:`register`) where it comes in the chapter's order; a check with more answers than the
letter calls :func:`expect` for it.
"""

from . import Hint, choice as _choice, exercise


def offered(options: str) -> str:
    """What the answer ``choice`` is, for :func:`exercise`: "your prediction: 'a', 'b' or 'c'"."""
    return "your prediction: " + ", ".join(map(repr, options[:-1])) + f" or {options[-1]!r}"


def expect(choice, options: str, right: str, hint: str) -> None:
    """A :class:`Hint` (``hint``) unless ``choice`` is the letter ``right`` of ``options``."""
    if _choice(choice, options) != right:
        raise Hint(hint)


def letter(chapter: str, label: str, right: str, options: str, hint: str) -> None:
    """Register the check of the one-letter prediction ``label``: right if the reader's
    ``choice`` is ``right`` of the letters ``options``, else ``hint``. ``chapter`` is the
    caller's ``__name__`` (:func:`exercise` reads the chapter from it)."""
    def judge(choice):
        expect(choice, options, right, hint)
    judge.__module__ = chapter
    exercise(label, choice=offered(options))(judge)


def register(chapter: str, table: dict[str, tuple[str, str, str]]) -> None:
    """Register one check per entry of ``table`` (``{label: (right letter, letters offered,
    hint)}``), in its order, with :func:`letter`."""
    for label, (right, options, hint) in table.items():
        letter(chapter, label, right, options, hint)
