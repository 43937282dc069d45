"""The explorers' front-end code: JavaScript files in ``js/``, assembled into one ES module.

An anywidget module is imported from a Blob URL, so it cannot import files beside it: every
explorer's ``_esm`` is one string holding all the code it runs. The files in ``js/`` are
fragments of that one module. Each declares its functions and constants at top level (no
``import``, no ``export``) and names what it offers in a first-line comment::

    // @exports makeRng fillNormal histogram

:func:`esm` joins the shared fragments (``random.js``, ``net.js``, ``plot.js``, ``ui.js``) and one kind's
fragment (``scheme.js``, ``depth.js``, ``training.js``, which defines ``render``), then
exports every name listed, and ``{render}`` as the default export that anywidget calls.
The tests import the very string a widget carries, so what they check is what the reader runs.
"""

from __future__ import annotations

import base64
import functools
import numbers
import re
from importlib import resources

import anywidget
import numpy as np
import traitlets

SHARED = ("random.js", "net.js", "plot.js", "ui.js")
_EXPORTS = re.compile(r"\A// @exports((?: [A-Za-z_$][\w$]*)*)\n")


def js_source(name):
    """The text of one fragment in ``winit/book/browser/js/``.

    Parameters
    ----------
    name : str
        The file's name, for example ``"random.js"``.

    Returns
    -------
    str
        Its text.

    Raises
    ------
    ValueError
        If there is no such file, or its first line is not ``// @exports name ...``.
    """
    path = resources.files(__package__).joinpath("js", name)
    if not name.endswith((".js", ".css")) or "/" in name or not path.is_file():
        raise ValueError(f"name must be a file in winit/book/browser/js; got {name!r}")
    text = path.read_text(encoding="utf-8")
    if name.endswith(".js") and not _EXPORTS.match(text):
        raise ValueError(f"{name} must start with a line '// @exports name ...'")
    return text


def _exports(text):
    return _EXPORTS.match(text).group(1).split()


@functools.cache
def esm(kind=None):
    """One ES module: the shared fragments, then ``js/<kind>.js``, with their exports.

    Parameters
    ----------
    kind : str or None
        ``"scheme"``, ``"depth"`` or ``"training"``: that explorer's module, whose default
        export ``{render}`` anywidget calls. ``None``: the shared fragments only, for tests.

    Returns
    -------
    str
        The module's source.

    Raises
    ------
    ValueError
        If ``js/<kind>.js`` does not exist or does not export ``render``.
    """
    names = list(SHARED) + ([] if kind is None else [f"{kind}.js"])
    texts = [js_source(name) for name in names]
    exported = [name for text in texts for name in _exports(text)]
    if len(set(exported)) != len(exported):
        raise ValueError(f"two fragments export the same name: {sorted(exported)}")
    parts = [f"// ---- {name}\n{text}" for name, text in zip(names, texts)]
    parts.append(f"export {{ {', '.join(exported)} }};\n")
    if kind is not None:
        if "render" not in exported:
            raise ValueError(f"{kind}.js must export render")
        parts.append("export default { render };\n")
    return "\n".join(parts)


#: How the explorers name the activations (menus, sentences), in the depth explorer's menu
#: order. net.js's ACTIVATIONS carry the same labels (tests/test_browser_net.py checks it).
ACTIVATION_LABELS = {"tanh": "tanh", "relu": "ReLU", "leaky_relu": "leaky ReLU",
                     "sigmoid": "sigmoid", "gelu": "GELU", "linear": "linear"}

#: The rule of each scheme the explorers offer, as their menus write it (n inputs, m outputs;
#: U[±a] uniform on [-a, a], N(0, v) normal of variance v): winit.schemes' rules.
SCHEME_RULES = {"xavier": "U[±1/√n]", "normalized_xavier": "U[±√6/√(n+m)]", "he": "N(0, 2/n)",
                "lecun": "N(0, 1/n)", "he_uniform": "U[±√6/√n]", "lecun_uniform": "U[±√3/√n]"}

#: The largest seed of the page's generator (random.js's makeRng: 0 <= seed < 2**32).
SEED_HIGH = 2**32 - 1


def check_seed(seed, meaning="the seed of the page's generator"):
    """A seed of the page's generator, checked: an integer from 0 to :data:`SEED_HIGH`.

    Parameters
    ----------
    seed : int
        The seed (numpy integers are accepted, ``bool`` is not).
    meaning : str
        What the seed seeds, for the message.

    Returns
    -------
    int

    Raises
    ------
    TypeError
        If ``seed`` is not an integer.
    ValueError
        If it is outside [0, 2**32).

    Examples
    --------
    >>> check_seed(7)
    7
    """
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise TypeError(f"seed must be an integer ({meaning}); got {seed!r} of type "
                        f"{type(seed).__name__}")
    if not 0 <= seed <= SEED_HIGH:
        raise ValueError(f"seed must be an integer from 0 to 2**32 - 1 ({meaning}); got {seed!r}")
    return int(seed)


def setting(trait, check=None):
    """A reader's setting of an explorer: ``trait`` synced with the page, tagged ``setting``,
    and, with ``check``, validated on every change by ``check(value)`` (which returns the
    value to keep or raises TypeError/ValueError naming the setting).

    Examples
    --------
    >>> import traitlets
    >>> setting(traitlets.Int(3)).metadata["setting"]
    True
    """
    trait.tag(sync=True, setting=True)
    return trait if check is None else trait.tag(check=check)


class BrowserExplorer(anywidget.AnyWidget):
    """Base of the explorers: the module of ``kind``, the shared style sheet, a first picture.

    A subclass sets ``kind`` and its traits, and may define ``first_state_png()`` returning
    the PNG of its first state (drawn with matplotlib). The widget's output then carries that
    picture beside the widget, for front ends that show outputs before the code runs.
    Traits tagged ``setting=True`` (with ``sync=True``; :func:`setting` tags them) are the
    reader's settings: they make the widget's text form, ``SchemeExplorer(n=10,
    scheme='xavier')``, the same on every run (nbval compares it; the default repr holds a
    memory address). A setting made with ``setting(trait, check)`` is validated by ``check``
    whenever it is set.
    """

    kind = None

    def __init_subclass__(cls, **kwargs):
        if cls.__dict__.get("kind") is not None:
            cls._esm = esm(cls.kind)
            cls._css = js_source("explorer.css")
        checked = [name for name, trait in cls.__dict__.items()
                   if isinstance(trait, traitlets.TraitType) and "check" in trait.metadata]
        if checked:  # one validator for them all, registered before traitlets sets the class up
            cls._validate_checked_settings = traitlets.validate(*checked)(
                BrowserExplorer._check_setting)
        super().__init_subclass__(**kwargs)

    def _check_setting(self, proposal):
        return proposal["trait"].metadata["check"](proposal["value"])

    def __repr__(self):
        names = sorted(self.traits(setting=True))
        return f"{type(self).__name__}({', '.join(f'{k}={getattr(self, k)!r}' for k in names)})"

    def first_state_png(self):
        """The PNG of the explorer's first state, or None (no picture)."""
        return None

    def _repr_mimebundle_(self, **kwargs):
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        data = {**data, "text/plain": repr(self)}
        png = self.first_state_png()
        if png is not None:
            data = {**data, "image/png": base64.b64encode(png).decode("ascii")}
            metadata = {**metadata, "image/png": {"alt": self.first_state_alt()}}
        return data, metadata

    def first_state_alt(self):
        """The picture's alt text: what it is, for whom the explorer does not run."""
        return (f"A picture of the explorer's first state, {self!r}: run the cell to use the "
                "explorer itself.")
