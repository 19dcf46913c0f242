"""Tests for skchaos.datasets.make_random_symbolic.

The reference functions are built independently of the module under test: the
drawn formula strings are parsed here with sympy.sympify (the text comes from
the generator, not from a user) and lambdified separately.
"""

import string

import numpy as np
import pytest
import sympy

from skchaos.datasets import (
    make_random_symbolic,
    make_symbolic,
    symbolic_ground_truth,
)
from skchaos.datasets._formulas import parse_formula

LETTERS = string.ascii_lowercase
REAL_SYMBOLS = {letter: sympy.Symbol(letter, real=True) for letter in LETTERS}
TRUTH_KEYS = ("saliency", "integrated_gradients", "feature_ablation")
LOW, HIGH = 0.05, 5.0


def small(n_relevant=5, **kwargs):
    params = {"n_samples": 40, "n_noise_features": 3, "noise": 0.0, "random_state": 0}
    params.update(kwargs)
    return make_random_symbolic(n_relevant, return_X_y=False, **params)


def reference(text):
    """f(X) from the formula text, with sympy.sympify (trusted test text)."""
    expr = sympy.sympify(text, locals=REAL_SYMBOLS)
    symbols = sorted(expr.free_symbols, key=lambda symbol: symbol.name)
    func = sympy.lambdify(symbols, expr, modules="numpy")

    def f(X):
        columns = [X[:, LETTERS.index(symbol.name)] for symbol in symbols]
        return np.broadcast_to(np.asarray(func(*columns), dtype=float), len(X))

    return f


def inputs(n_samples, n_features, x_scale=0.33, seed=12345):
    rng = np.random.default_rng(seed)
    return np.clip(rng.standard_normal((n_samples, n_features)) * x_scale, -1, 1)


def test_same_seed_same_formula_and_data():
    first, second = small(random_state=7), small(random_state=7)
    assert first.formula_str == second.formula_str
    assert first.terms == second.terms and first.offset == second.offset
    np.testing.assert_array_equal(first.data, second.data)
    np.testing.assert_array_equal(first.target, second.target)
    for key in TRUTH_KEYS:
        np.testing.assert_array_equal(first.ground_truth[key], second.ground_truth[key])
    by_instance = small(random_state=np.random.RandomState(7))
    assert by_instance.formula_str == first.formula_str
    np.testing.assert_array_equal(by_instance.data, first.data)


def test_different_seeds_give_different_formulas():
    formulas = {small(random_state=seed).formula_str for seed in range(20)}
    assert len(formulas) == 20


def test_return_X_y_matches_the_bunch():
    X, y = make_random_symbolic(3, n_samples=30, n_noise_features=2, random_state=4)
    data = make_random_symbolic(
        3, n_samples=30, n_noise_features=2, random_state=4, return_X_y=False
    )
    np.testing.assert_array_equal(X, data.data)
    np.testing.assert_array_equal(y, data.target)
    assert X.shape == (30, 5)


@pytest.mark.parametrize("seed", range(50))
def test_every_variable_is_relevant(seed):
    n_relevant = 1 + seed % 26
    data = make_random_symbolic(
        n_relevant,
        n_samples=8,
        n_noise_features=2,
        random_state=seed,
        return_X_y=False,
    )
    expected_mask = np.r_[np.ones(n_relevant, bool), np.zeros(2, bool)]
    np.testing.assert_array_equal(data.relevant_mask, expected_mask)
    assert data.n_declared_variables == n_relevant
    assert len(data.formula_str) <= 1000
    # The formula is a plain string that the safe parser reads back.
    assert parse_formula(data.formula_str) == data.formula
    names = sorted(symbol.name for symbol in data.formula.free_symbols)
    assert names == list(LETTERS[:n_relevant])


def test_twenty_six_variables_fit_in_one_formula():
    for seed in range(3):
        data = small(26, n_samples=5, random_state=seed)
        assert data.relevant_mask[:26].all() and len(data.formula_str) <= 1000


def term_stds(seeds, x_scale):
    """The std of every drawn term, on a large fresh sample."""
    X = inputs(100_000, 26, x_scale)
    stds = []
    for seed in seeds:
        n_relevant = 1 + (7 * seed) % 26
        data = small(n_relevant, n_samples=5, x_scale=x_scale, random_state=seed)
        stds += [(term, reference(term)(X).std()) for term in data.terms]
    return stds


@pytest.mark.parametrize("x_scale", [0.05, 1.0])
def test_term_stds_stay_in_range_for_any_x_scale(x_scale):
    for term, std in term_stds(range(6), x_scale):
        assert LOW / 1.1 < std < HIGH * 1.1, (term, std)


def test_term_stds_are_log_uniform_on_two_decades():
    stds = term_stds(range(25), 0.33)
    for term, std in stds:
        assert LOW / 1.1 < std < HIGH * 1.1, (term, std)
    log_stds = np.log10([std for _, std in stds])
    assert len(log_stds) > 150
    # Uniform on [log10(0.05), log10(5)]: mean -0.30 (standard error 0.05 here),
    # and both ends reached: strong and weak terms are mixed.
    assert abs(log_stds.mean() - np.log10(0.5)) < 0.15
    assert log_stds.min() < np.log10(0.1) and log_stds.max() > np.log10(2.5)


def test_terms_and_offset_add_up_to_the_formula():
    data = small(8, random_state=3)
    total = sum(reference(term)(data.data) for term in data.terms) + data.offset
    np.testing.assert_allclose(data.target_clean, total, rtol=1e-12, atol=1e-12)
    # The offset centers f (it is the rounded mean on the reference sample).
    big = reference(data.formula_str)(inputs(50_000, 8))
    assert abs(big.mean()) < 0.1 * big.std()


def test_grammar_uses_all_building_blocks():
    texts = " ".join(
        small(8, n_samples=4, random_state=seed).formula_str for seed in range(25)
    )
    for block in ("sin(", "cos(", "tanh(", "exp(", "log(1 + ", "/(1 + ", "**2", "**3"):
        assert block in texts, block
    # Interactions: functions of a sum or difference, and products of variables.
    assert "((" not in texts  # no doubled parentheses: sin(a - b), sin(2*(a - b))
    assert any(f"({x} - " in texts or f"({x} + " in texts for x in LETTERS[:6])
    data = small(6, random_state=0)
    n_variables = [len(parse_formula(term).free_symbols) for term in data.terms]
    assert max(n_variables) >= 2


def test_ground_truth_is_that_of_the_formula():
    data = small(6, n_samples=30, random_state=11)
    f, X = reference(data.formula_str), data.data
    np.testing.assert_allclose(data.target_clean, f(X), rtol=1e-12, atol=1e-12)
    truth = data.ground_truth
    for j in range(6):
        ablated = X.copy()
        ablated[:, j] = 0
        np.testing.assert_allclose(
            truth["feature_ablation"][:, j], f(X) - f(ablated), atol=1e-12
        )
    np.testing.assert_allclose(
        truth["integrated_gradients"].sum(axis=1),
        f(X) - f(np.zeros((1, X.shape[1]))),
        atol=1e-10,
    )
    h, eye = 1e-6, np.eye(X.shape[1])
    for j in range(6):
        fd = (f(X + h * eye[j]) - f(X - h * eye[j])) / (2 * h)
        np.testing.assert_allclose(truth["saliency"][:, j], fd, rtol=1e-5, atol=1e-6)
    for key in TRUTH_KEYS:
        assert np.all(truth[key][:, 6:] == 0)


def test_same_bunch_and_truth_as_make_symbolic():
    data = small(4, random_state=5)
    paper = small(4, ig_steps=20, random_state=5)
    np.testing.assert_array_equal(data.data, paper.data)
    for ig_steps, expected in ((None, data), (20, paper)):
        truth = symbolic_ground_truth(data.formula_str, data.data, ig_steps=ig_steps)
        for key in TRUTH_KEYS:
            np.testing.assert_array_equal(truth[key], expected.ground_truth[key])
    keys = set(make_symbolic(data.formula_str, n_samples=2, return_X_y=False))
    assert set(data) == keys | {"terms", "offset"}


def test_shuffle_features_moves_the_columns_with_the_mask():
    data = small(3, shuffle_features=True, random_state=2)
    plain = small(3, random_state=2)
    assert data.formula_str == plain.formula_str
    for j, letter in enumerate("abc"):
        column = data.variable_columns[letter]
        assert data.relevant_mask[column]
        assert data.feature_names[column] == f"x{j}"
        np.testing.assert_array_equal(data.data[:, column], plain.data[:, j])
        np.testing.assert_array_equal(
            data.ground_truth["saliency"][:, column],
            plain.ground_truth["saliency"][:, j],
        )


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_relevant": 0}, "'n_relevant' parameter"),
        ({"n_relevant": 27}, "'n_relevant' parameter"),
        ({"n_relevant": 2.5}, "'n_relevant' parameter"),
        ({"n_relevant": "5"}, "'n_relevant' parameter"),
        ({"n_samples": 0}, "'n_samples' parameter"),
        ({"n_noise_features": -1}, "'n_noise_features' parameter"),
        ({"noise": -0.5}, "'noise' parameter"),
        ({"x_scale": 0}, "'x_scale' parameter"),
        ({"ig_steps": 0}, "'ig_steps' parameter"),
        ({"random_state": "seed"}, "'random_state' parameter"),
        ({"return_X_y": "no"}, "'return_X_y' parameter"),
    ],
)
def test_invalid_parameters_name_the_parameter(kwargs, match):
    with pytest.raises(ValueError, match=match):
        make_random_symbolic(**kwargs)


def test_nearly_constant_inputs_raise_a_clear_error():
    # With x_scale=1e-12 every shape is numerically constant (or linear with a
    # std far below the degeneracy threshold): no term can be drawn.
    with pytest.raises(ValueError, match="non-constant term.*larger x_scale"):
        make_random_symbolic(2, n_samples=5, x_scale=1e-12, random_state=0)
