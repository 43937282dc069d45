"""Checks of the exercises of the chapter width_and_learning_rate (chapters/width_and_learning_rate.ipynb)."""

import math

from . import Hint, choice as _choice, close, exercise, run


def _word(value, options, name):
    """The word the reader gave, lower case, from ``options``; a :class:`Hint` if it is none of them."""
    got = value.strip().strip("'\"().").strip().lower() if isinstance(value, str) else None
    if got not in options:
        raise Hint(f"{name} must be one of {', '.join(repr(o) for o in options)}; got {value!r}")
    return got


@exercise("predict-toy-max-lr", sp="your choice for SP: 'a', 'b', 'c' or 'd'",
          mup="your choice for muP: 'a', 'b', 'c' or 'd'")
def _toy_max_lr(sp, mup):
    if _choice(sp, "abcd", "sp") != "c":
        raise Hint("sp: the step moves f by about eta e (U.U + V.V). How large is U.U at width n? "
                   "The step overshoots once that move is more than 2|e|.")
    if _choice(mup, "abcd", "mup") != "a":
        raise Hint("mup: muP gives V the rate eta/n and U the rate eta n. Work out the size of "
                   "each of the two terms of f's move with those rates: does n survive?")


@exercise("predict-toy-adam", choice="how the change of f grows with n in SP: 'a', 'b', 'c' or 'd'",
          layer="the layer whose rate muP divides by n: 'U' (input) or 'V' (output)")
def _toy_adam(choice, layer):
    if _choice(choice, "abcd") != "c":
        raise Hint("choice: a sign step moves every weight by eta. The move of V changes f by "
                   "eta times the sum of the |U_i|: how many terms, of what size?")
    picked = _word(layer, ("u", "v", "input", "output"), "layer")
    if picked not in ("v", "output"):
        raise Hint("layer: of the two moves of f, the one that grows faster with n is the one "
                   "to slow down. Which layer's move sums the |U_i|, and which the |V_i|?")


@exercise("predict-mup-step-vs-start",
          at_64="the first step's change against the initial logits at width 64: 'smaller' or 'larger'",
          at_2048="the same at width 2,048: 'smaller' or 'larger'")
def _step_vs_start(at_64, at_2048):
    if _word(at_64, ("smaller", "larger"), "at_64") != "smaller":
        raise Hint("at_64: at the base width muP is SP. Are SP's random initial logits larger "
                   "or smaller than what one step of SGD at eta = 0.1 adds?")
    if _word(at_2048, ("smaller", "larger"), "at_2048") != "larger":
        raise Hint("at_2048: the initial logits shrink like 1/sqrt(n/64) while the step's change "
                   "stays about the same. Compare the two after a width ratio of 32.")


# (kind, fan_in, fan_out, base_width) the reader's rule is called on
_LAYERS = (("input", 64, 1024, 64), ("input", 32, 512, 128), ("hidden", 1024, 1024, 64),
           ("hidden", 512, 256, 128), ("output", 1024, 10, 64), ("output", 512, 7, 128))


def _mup_sgd(kind, fan_in, fan_out, base_width):
    """muP for SGD with He's gain (Yang et al. 2022, Table 3), from the chapter's table."""
    std = math.sqrt(2 / fan_in)
    if kind == "input":
        return std, fan_out / base_width
    if kind == "hidden":
        return std, 1.0
    return std * math.sqrt(base_width / fan_in), base_width / fan_in


@exercise("ex-mup-rule", mup_sgd_rule="your function mup_sgd_rule(kind, fan_in, fan_out, base_width)")
def _mup_rule(mup_sgd_rule):
    for kind, fan_in, fan_out, base in _LAYERS:
        call = f"mup_sgd_rule({kind!r}, {fan_in}, {fan_out}, base_width={base})"
        got = run(mup_sgd_rule, kind, fan_in, fan_out, base_width=base, name="mup_sgd_rule")
        try:
            std, mult = got
        except (TypeError, ValueError):
            raise Hint(f"{call} must return two numbers, (std, lr_mult); got {got!r}") from None
        want_std, want_mult = _mup_sgd(kind, fan_in, fan_out, base)
        if not close(std, want_std, "the std", rel=1e-6):
            if close(std, want_mult, "the std", rel=1e-6) and not math.isclose(want_std, want_mult):
                raise Hint(f"{call}: return (std, lr_mult) in that order")
            if close(std, want_std / math.sqrt(2), "the std", rel=1e-6):
                raise Hint(f"{call}: the std has He's gain, sigma_w^2 = 2")
            if kind == "output":
                raise Hint(f"{call}: the output layer starts smaller than He's std as the width "
                           "grows: read the output row of the table, with the width ratio n/n_0")
            raise Hint(f"{call}: the std of a layer before the output is He's, from its fan-in")
        if not close(mult, want_mult, "lr_mult", rel=1e-6):
            raise Hint(f"{call}: the learning-rate multiplier is not muP's for SGD. Read the SGD "
                       f"column of the table for the {kind} layer (Adam's column differs), with "
                       "the fans and the base width it names")
