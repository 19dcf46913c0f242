"""Fault tests for the datasets package: deep formulas must raise ValueError.

Before the fix, ``parse_formula("sigmoid(" * 99 + "a" + ")" * 99)`` raised
RecursionError: the syntax-tree walk allowed 100 levels, but sympy recursed
several frames per level. Every malformed or too-deep formula must raise a
ValueError naming the formula and the limit, whatever its depth.
"""

import numpy as np
import pytest

from skchaos.datasets import make_symbolic
from skchaos.datasets._formulas import (
    MAX_FORMULA_DEPTH,
    MAX_FORMULA_LENGTH,
    parse_formula,
)

LIMIT = f"at most {MAX_FORMULA_DEPTH} nested levels"


def nested(function, depth, inner="a"):
    return f"{function}(" * depth + inner + ")" * depth


def test_the_limit_is_fifty_levels():
    assert MAX_FORMULA_DEPTH == 50


@pytest.mark.parametrize("function", ["sigmoid", "sin", "exp", "abs", "tanh"])
@pytest.mark.parametrize("depth", [51, 99, "longest"])
def test_deep_calls_raise_value_error(function, depth):
    if depth == "longest":  # as deep as MAX_FORMULA_LENGTH allows
        depth = (MAX_FORMULA_LENGTH - 1) // (len(function) + 2)
    text = nested(function, depth)
    assert len(text) <= MAX_FORMULA_LENGTH
    with pytest.raises(ValueError, match=f"{depth} levels.*{LIMIT}") as info:
        parse_formula(text)
    assert repr(text[:20])[:-1] in str(info.value)  # the formula, quoted


def test_issue_reproducer_via_parse_formula_and_make_symbolic():
    text = nested("sigmoid", 99)
    with pytest.raises(ValueError, match=f"nested too deeply.*{LIMIT}"):
        parse_formula(text)
    with pytest.raises(ValueError, match=f"'sigmoid\\(sigmoid.*{LIMIT}"):
        make_symbolic(text, n_samples=5)


@pytest.mark.parametrize(
    "text",
    [
        "-" * 499 + "a",
        "+-" * 100 + "a",
        "a" + "**a" * 60,
        "(a*" * 99 + "a" + ")" * 99,
        "1/(1+" * 60 + "a" + ")" * 60,
        "sin(a)" + "+cos(" * 60 + "a" + ")" * 60,
    ],
)
def test_deep_operators_raise_value_error(text):
    with pytest.raises(ValueError, match=LIMIT):
        parse_formula(text)
    with pytest.raises(ValueError, match=LIMIT):
        make_symbolic(text, n_samples=5)


def test_every_depth_gives_a_formula_or_a_value_error():
    # Up to the limit the parser accepts the text; sympy may still recurse
    # too deeply on expensive nestings (sigmoid), which is a ValueError too.
    for depth in range(1, 2 * MAX_FORMULA_DEPTH + 1, 7):
        for function in ("sigmoid", "sqrt", "cos"):
            text = nested(function, depth, inner="1 + a**2")
            if depth + 2 > MAX_FORMULA_DEPTH:
                with pytest.raises(ValueError, match=LIMIT):
                    parse_formula(text)
            else:
                assert parse_formula(text).free_symbols


@pytest.mark.parametrize("depth", [25, 40, MAX_FORMULA_DEPTH])
def test_make_symbolic_on_deep_sigmoids_never_raises_recursion_error(depth):
    # 40 and 50 nested sigmoids parse, but differentiating them exceeds
    # Python's recursion limit: the fallback turns that into a ValueError.
    text = nested("sigmoid", depth)
    try:
        X, y = make_symbolic(text, n_samples=4, n_noise_features=0, random_state=0)
    except ValueError as exc:
        assert "nested too deeply" in str(exc) and LIMIT in str(exc)
    else:
        assert X.shape == (4, 1) and np.isfinite(y).all()


def test_fallback_for_sympy_recursion_names_the_formula(monkeypatch):
    # Force the fallback path deterministically: sympy recursing too deeply
    # while the truths are compiled.
    from skchaos.datasets import _symbolic_truth

    def recursing(expr):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(_symbolic_truth, "_compile", recursing)
    with pytest.raises(ValueError, match=f"'sin\\(a\\) \\+ b'.*recursion.*{LIMIT}"):
        make_symbolic("sin(a) + b", n_samples=5)


def test_long_flat_chains_are_one_level():
    # A long sum or product written without parentheses is not deep.
    terms = [f"{letter}" for letter in "abcdefghijklmnopqrstuvwxyz"] * 12
    text = " + ".join(terms)[:990].rstrip(" +")
    assert len(text) <= 1000
    assert len(parse_formula(text).free_symbols) == 26
    product = "*".join(["a", "b"] * 100)
    assert parse_formula(product) == parse_formula("a**100 * b**100")


def test_exactly_the_limit_parses_and_one_more_does_not():
    assert parse_formula(nested("sin", MAX_FORMULA_DEPTH)).free_symbols
    with pytest.raises(ValueError, match=f"{MAX_FORMULA_DEPTH + 1} levels"):
        parse_formula(nested("sin", MAX_FORMULA_DEPTH + 1))
