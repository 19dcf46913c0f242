"""Tests for skchaos.datasets.make_symbolic and friends.

The reference values are computed independently of the module under test:
the paper strings are parsed here with sympy.sympify (trusted, test-only text)
and lambdified separately, and the gradients are checked against finite
differences and torch autograd.
"""

import builtins
import dataclasses
import string

import numpy as np
import pytest
import sympy
import torch

from skchaos.datasets import (
    PAPER_FORMULAS,
    make_symbolic,
    make_symbolic_classification,
    symbolic_ground_truth,
)
from skchaos.datasets._formulas import parse_formula

LETTERS = string.ascii_lowercase
REAL_SYMBOLS = {letter: sympy.Symbol(letter, real=True) for letter in LETTERS}
TRUTH_KEYS = ("saliency", "integrated_gradients", "feature_ablation")
FORMULA_IDS = [row.id for row in PAPER_FORMULAS]


def reference(row):
    """An independent numpy and torch implementation of a paper formula."""
    expr = sympy.sympify(row.expression, locals=REAL_SYMBOLS)
    symbols = [REAL_SYMBOLS[letter] for letter in row.variables]
    f_numpy = sympy.lambdify(symbols, expr, modules="numpy")
    f_torch = sympy.lambdify(symbols, expr, modules="torch")

    def f(X):
        out = f_numpy(*[X[..., j] for j in range(row.n_declared_variables)])
        return np.broadcast_to(np.asarray(out, dtype=float), X.shape[:-1])

    return f, f_torch


def small(formula, **kwargs):
    params = {"n_samples": 64, "n_noise_features": 3, "noise": 0.0, "random_state": 0}
    params.update(kwargs)
    return make_symbolic(formula, return_X_y=False, **params)


# ---------------------------------------------------------------------------
# The formula table
# ---------------------------------------------------------------------------


def test_paper_formula_table():
    assert len(PAPER_FORMULAS) == 15
    assert [row.id for row in PAPER_FORMULAS] == list(range(1, 16))
    assert [row.n_declared_variables for row in PAPER_FORMULAS] == (
        [1] * 6 + list(range(2, 11))
    )
    row = PAPER_FORMULAS[12]
    assert row.expression.startswith("a+(1/2)*b**2")
    assert row.variables == tuple("abcdefgh")
    assert row.relevant_variables == tuple("abcdefg")
    assert str(row).startswith("13: a+(1/2)*b**2")
    assert "8 declared variables" in str(row)
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.id = 3
    assert isinstance(PAPER_FORMULAS, tuple)


def test_paper_formula_record_is_accepted_as_formula():
    by_record = make_symbolic(PAPER_FORMULAS[12], n_samples=20, random_state=1)
    by_id = make_symbolic(13, n_samples=20, random_state=1)
    np.testing.assert_array_equal(by_record[1], by_id[1])


# ---------------------------------------------------------------------------
# Ground truth on all 15 paper formulas
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("formula_id", FORMULA_IDS)
def test_ground_truth_matches_independent_computation(formula_id):
    row = PAPER_FORMULAS[formula_id - 1]
    f, f_torch = reference(row)
    data = small(formula_id)
    X, n_var = data.data, row.n_declared_variables
    relevant = np.array([letter in row.relevant_variables for letter in LETTERS])
    assert data.n_declared_variables == n_var
    np.testing.assert_array_equal(
        data.relevant_mask, np.r_[relevant[:n_var], np.zeros(3, dtype=bool)]
    )
    np.testing.assert_allclose(data.target_clean, f(X), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(data.target, data.target_clean)  # noise=0

    truth = data.ground_truth
    for key in TRUTH_KEYS:
        assert truth[key].shape == X.shape
        assert truth[key].dtype == np.float64
        assert np.all(truth[key][:, ~data.relevant_mask] == 0)

    # Saliency: central finite differences, vectorized over samples.
    h = 1e-6
    eye = np.eye(X.shape[1])
    fd = np.stack(
        [(f(X + h * eye[j]) - f(X - h * eye[j])) / (2 * h) for j in range(n_var)],
        axis=1,
    )
    np.testing.assert_allclose(truth["saliency"][:, :n_var], fd, atol=1e-6)

    # Saliency: torch autograd.
    columns = [
        torch.tensor(X[:, j], dtype=torch.float64, requires_grad=True)
        for j in range(n_var)
    ]
    out = f_torch(*columns)
    out.sum().backward()
    autograd = np.stack(
        [np.zeros(len(X)) if col.grad is None else col.grad.numpy() for col in columns],
        axis=1,
    )
    np.testing.assert_allclose(truth["saliency"][:, :n_var], autograd, atol=1e-12)

    # Integrated gradients: completeness.
    f_zero = f(np.zeros((1, X.shape[1])))
    np.testing.assert_allclose(
        truth["integrated_gradients"].sum(axis=1), f(X) - f_zero, atol=1e-10
    )

    # Feature ablation: direct recomputation.
    for j in range(n_var):
        ablated = X.copy()
        ablated[:, j] = 0
        np.testing.assert_allclose(
            truth["feature_ablation"][:, j], f(X) - f(ablated), atol=1e-12
        )


def test_formula_13_has_seven_relevant_of_eight_declared():
    data = small(13, n_noise_features=5)
    assert data.n_declared_variables == 8
    assert data.relevant_mask.sum() == 7
    assert list(data.variable_columns) == list("abcdefgh")
    h = data.variable_columns["h"]
    assert not data.relevant_mask[h]
    for key in TRUTH_KEYS:
        assert np.all(data.ground_truth[key][:, h] == 0)
        assert np.all(np.any(data.ground_truth[key][:, :7] != 0, axis=0))


@pytest.mark.parametrize("formula_id", FORMULA_IDS)
def test_paper_ig_steps_matches_a_plain_loop(formula_id):
    row = PAPER_FORMULAS[formula_id - 1]
    f, _ = reference(row)
    m = 20
    data = small(formula_id, n_samples=3, ig_steps=m)
    X = data.data
    expected = np.zeros_like(X)
    for s in range(len(X)):
        x = X[s]
        for i in range(row.n_declared_variables):
            total = 0.0
            for k in range(m):
                p = x * k / m
                q = p.copy()
                q[i] += x[i] / m
                total += f(q[None])[0] - f(p[None])[0]
            expected[s, i] = total
    expected[:, ~data.relevant_mask] = 0
    np.testing.assert_allclose(
        data.ground_truth["integrated_gradients"], expected, rtol=1e-10, atol=1e-13
    )


@pytest.mark.parametrize("formula_id", [8, 10, 12, 15])
def test_paper_ig_differs_from_exact_but_is_close(formula_id):
    # (With one variable the forward differences telescope to the exact value,
    # so only multivariable formulas show the difference.)
    exact = small(formula_id).ground_truth["integrated_gradients"]
    paper = small(formula_id, ig_steps=20).ground_truth["integrated_gradients"]
    diff = np.abs(exact - paper).max()
    assert 1e-6 < diff < 0.05 * np.abs(exact).max()
    finer = small(formula_id, ig_steps=200).ground_truth["integrated_gradients"]
    assert np.abs(exact - finer).max() < diff / 5  # converges to the exact truth


def test_other_truths_do_not_depend_on_ig_steps():
    exact = small(9)
    paper = small(9, ig_steps=20)
    np.testing.assert_array_equal(exact.data, paper.data)
    for key in ("saliency", "feature_ablation"):
        np.testing.assert_array_equal(exact.ground_truth[key], paper.ground_truth[key])


def test_user_formula_truths_and_columns():
    data = small("a * c + sin(c)", n_noise_features=2)
    assert data.n_declared_variables == 3
    assert data.variable_columns == {"a": 0, "b": 1, "c": 2}
    np.testing.assert_array_equal(data.relevant_mask, [1, 0, 1, 0, 0])
    a, c = data.data[:, 0], data.data[:, 2]
    np.testing.assert_allclose(data.target_clean, a * c + np.sin(c))
    sal = data.ground_truth["saliency"]
    np.testing.assert_allclose(sal[:, 0], c)
    np.testing.assert_allclose(sal[:, 2], a + np.cos(c))
    ablation = data.ground_truth["feature_ablation"]
    np.testing.assert_allclose(ablation[:, 0], a * c)
    np.testing.assert_allclose(ablation[:, 2], a * c + np.sin(c))
    # IG of a*c splits evenly; sin(c) goes to c.
    ig = data.ground_truth["integrated_gradients"]
    np.testing.assert_allclose(ig[:, 0], a * c / 2, atol=1e-14)
    np.testing.assert_allclose(ig[:, 2], a * c / 2 + np.sin(c), atol=1e-14)


def test_sympy_input_matches_string_input():
    a, b = sympy.symbols("a b")  # plain (complex) symbols are made real
    from_sympy = small(sympy.Abs(a) * b + sympy.exp(a))
    from_string = small("abs(a) * b + exp(a)")
    np.testing.assert_array_equal(from_sympy.target, from_string.target)
    for key in TRUTH_KEYS:
        np.testing.assert_allclose(
            from_sympy.ground_truth[key], from_string.ground_truth[key], atol=1e-15
        )
    np.testing.assert_allclose(
        from_sympy.ground_truth["saliency"][:, 0],
        np.sign(from_sympy.data[:, 0]) * from_sympy.data[:, 1]
        + np.exp(from_sympy.data[:, 0]),
    )
    assert from_sympy.formula_str == "b*Abs(a) + exp(a)"


# ---------------------------------------------------------------------------
# Randomness, shapes and the Bunch
# ---------------------------------------------------------------------------


def test_random_state_reproduces_bit_for_bit():
    X1, y1 = make_symbolic(11, n_samples=50, random_state=3)
    X2, y2 = make_symbolic(11, n_samples=50, random_state=np.random.RandomState(3))
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    X3, y3 = make_symbolic(11, n_samples=50, random_state=4)
    assert not np.array_equal(X1, X3)
    assert not np.array_equal(y1, y3)
    # X does not depend on the noise level or on the formula body.
    X4, y4 = make_symbolic("sin(f)", n_samples=50, noise=0.5, random_state=3)
    np.testing.assert_array_equal(X1, X4)


def test_inputs_follow_the_paper_distribution():
    X, y = make_symbolic(1, n_samples=4000, n_noise_features=4, random_state=0)
    assert X.dtype == np.float64
    assert X.min() >= -1 and X.max() <= 1
    np.testing.assert_allclose(X.std(axis=0), 0.33, rtol=0.05)
    np.testing.assert_allclose(np.std(y - X[:, 0]), 0.01, rtol=0.1)
    X, _ = make_symbolic(1, n_samples=4000, n_noise_features=0, x_scale=2.0)
    assert np.isclose(np.mean(np.abs(X) == 1), 0.617, atol=0.03)  # P(|Z| > 0.5)


def test_shuffle_features_moves_mask_truths_and_names_consistently():
    plain = small(9, n_samples=30, n_noise_features=6)
    shuffled = small(9, n_samples=30, n_noise_features=6, shuffle_features=True)
    np.testing.assert_array_equal(plain.target, shuffled.target)
    assert not np.array_equal(plain.relevant_mask, shuffled.relevant_mask)
    source = [int(name[1:]) for name in shuffled.feature_names]
    assert sorted(source) == list(range(10))
    np.testing.assert_array_equal(shuffled.data, plain.data[:, source])
    np.testing.assert_array_equal(shuffled.relevant_mask, plain.relevant_mask[source])
    for key in TRUTH_KEYS:
        np.testing.assert_array_equal(
            shuffled.ground_truth[key], plain.ground_truth[key][:, source]
        )
    for letter, column in shuffled.variable_columns.items():
        assert shuffled.feature_names[column] == f"x{plain.variable_columns[letter]}"
    # The target is the formula of the permuted columns.
    f, _ = reference(PAPER_FORMULAS[8])
    cols = [shuffled.variable_columns[letter] for letter in "abcd"]
    np.testing.assert_allclose(shuffled.target_clean, f(shuffled.data[:, cols]))


def test_return_shapes_keys_and_descr():
    X, y = make_symbolic(14, n_samples=12, n_noise_features=7, random_state=0)
    assert X.shape == (12, 16) and y.shape == (12,)
    data = make_symbolic(14, n_samples=12, n_noise_features=7, return_X_y=False)
    assert set(data) == {
        "data",
        "target",
        "target_clean",
        "relevant_mask",
        "n_declared_variables",
        "variable_columns",
        "ground_truth",
        "formula",
        "formula_str",
        "feature_names",
        "DESCR",
    }
    assert set(data.ground_truth) == set(TRUTH_KEYS)
    assert data.feature_names == [f"x{j}" for j in range(16)]
    assert data.relevant_mask.dtype == bool
    assert isinstance(data.formula, sympy.Expr)
    assert data.formula_str == PAPER_FORMULAS[13].expression
    assert PAPER_FORMULAS[13].expression in data.DESCR
    assert "Gauss-Legendre" in data.DESCR
    paper = make_symbolic(14, n_samples=3, ig_steps=20, return_X_y=False)
    assert "20-step" in paper.DESCR


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------


def test_classification_threshold_link():
    regression = small(10, n_samples=200, noise=0.01)
    data = make_symbolic_classification(
        10, n_samples=200, n_noise_features=3, random_state=0, return_X_y=False
    )
    np.testing.assert_array_equal(data.data, regression.data)
    assert data.target.dtype == np.int64
    assert np.bincount(data.target).tolist() == [100, 100]
    assert "target_clean" not in data and "logit" in data
    # logit = f - t with t the median of the noisy latent value.
    shift = regression.target_clean - data.logit
    np.testing.assert_allclose(shift, shift[0])
    np.testing.assert_array_equal(
        data.target, (regression.target > np.median(regression.target)).astype(int)
    )
    for key in TRUTH_KEYS:
        np.testing.assert_array_equal(
            data.ground_truth[key], regression.ground_truth[key]
        )


def test_classification_logistic_link():
    regression = small(8, n_samples=2000, n_noise_features=1)
    data = make_symbolic_classification(
        8,
        n_samples=2000,
        n_noise_features=1,
        link="logistic",
        random_state=0,
        return_X_y=False,
    )
    f = regression.target_clean
    scale = 4 / np.std(f)
    np.testing.assert_allclose(data.logit, (f - np.median(f)) * scale)
    for key in TRUTH_KEYS:
        np.testing.assert_allclose(
            data.ground_truth[key], regression.ground_truth[key] * scale
        )
    assert set(np.unique(data.target)) == {0, 1}
    assert 0.4 < data.target.mean() < 0.6
    # Labels follow the logit: class-1 rate grows with g.
    assert data.target[data.logit > 2].mean() > 0.8
    assert data.target[data.logit < -2].mean() < 0.2
    X, y = make_symbolic_classification(
        8, n_samples=2000, n_noise_features=1, link="logistic", random_state=0
    )
    np.testing.assert_array_equal(y, data.target)


def test_classification_logistic_rejects_constant_f():
    a = sympy.Symbol("a")
    with pytest.raises(ValueError, match="constant on the 5 sampled inputs"):
        make_symbolic_classification(sympy.Max(a, 2), n_samples=5, link="logistic")


def test_classification_parameter_errors():
    with pytest.raises(ValueError, match="'link' parameter"):
        make_symbolic_classification(1, link="probit")
    with pytest.raises(ValueError, match="'n_samples' parameter"):
        make_symbolic_classification(1, n_samples=1)


# ---------------------------------------------------------------------------
# Parser and security
# ---------------------------------------------------------------------------


def test_parser_never_evaluates_text(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("eval/exec called while parsing a formula")

    # sympify evaluates text, so the references are built before patching.
    expected = [
        sympy.sympify(row.expression, locals=REAL_SYMBOLS) for row in PAPER_FORMULAS
    ]
    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    parsed = [parse_formula(row.expression) for row in PAPER_FORMULAS]
    monkeypatch.undo()
    for got, want in zip(parsed, expected):
        assert sympy.simplify(got - want) == 0


@pytest.mark.parametrize(
    "payload",
    [
        "__import__('os').system('touch {path}')",
        "open('{path}', 'w').write('x')",
        "eval(\"open('{path}', 'w')\")",
        "exec(\"open('{path}', 'w')\")",
        "().__class__.__bases__[0].__subclasses__()[0]('{path}')",
        "a; open('{path}', 'w')",
        "(lambda: open('{path}', 'w'))()",
        "[open('{path}', 'w') for a in b]",
        "sin(a).__globals__['{path}']",
        'f\'{{open("{path}", "w")}}\'',
    ],
)
def test_malicious_formula_is_rejected_without_side_effects(payload, tmp_path):
    path = tmp_path / "pwned"
    with pytest.raises(ValueError, match="formula"):
        make_symbolic(payload.format(path=path), n_samples=2)
    assert not path.exists()


def test_import_payload_names_the_offending_call(tmp_path):
    path = tmp_path / "pwned"
    with pytest.raises(
        ValueError, match=r"Unsupported call of .__import__\('os'\)\.system"
    ):
        make_symbolic(f"__import__('os').system('touch {path}')")
    assert not path.exists()


@pytest.mark.parametrize(
    "text, match",
    [
        ("a.real", "Unsupported attribute access 'a.real'"),
        ("a[0]", "Unsupported subscript"),
        ("ab + c", "Unknown name 'ab'"),
        ("x + A", "Unknown name 'A'"),
        ("foo(a)", "Unsupported call of 'foo'"),
        ("sin", "used without a call"),
        ("sin(a, b)", "exactly one positional argument"),
        ("log(a, base=2)", "exactly one positional argument"),
        ("sin(*a)", "exactly one positional argument|starred"),
        ("'a'", "of type str"),
        ("True * a", "of type bool"),
        ("2j * a", "of type complex"),
        ("a // b", "Unsupported operator FloorDiv"),
        ("a % b", "Unsupported operator Mod"),
        ("a < b", "Unsupported comparison"),
        ("a if b else c", "Unsupported conditional expression"),
        ("not a", "Unsupported unary operator Not"),
        ("lambda: a", "Unsupported lambda"),
        ("a +", "not a valid expression"),
        ("", "empty string"),
    ],
)
def test_parser_whitelist_errors(text, match):
    with pytest.raises(ValueError, match=match) as info:
        make_symbolic(text, n_samples=2)
    if "Unsupported" in match or "Unknown" in match:
        assert "Allowed: numbers, the variables a..z" in str(info.value)


def test_parser_accepts_the_whitelist():
    data = small(
        "abs(a) + acos(b) + asin(c) + atan(d) + cos(e) + cosh(f) + exp(g) "
        "+ log(h + 2) + sigmoid(i) + sin(j) + sinh(k) + sqrt(l + 2) + tan(m) "
        "+ tanh(n) + E**o - pi * +p / 2",
        n_samples=8,
    )
    assert data.relevant_mask[:16].all()
    sal = data.ground_truth["saliency"]
    x = data.data
    s = 1 / (1 + np.exp(-x[:, 8]))
    np.testing.assert_allclose(sal[:, 8], s * (1 - s))
    np.testing.assert_allclose(sal[:, 15], -np.pi / 2)


def test_parser_limits_input_size():
    with pytest.raises(ValueError, match="at most 1000"):
        make_symbolic("a" + "+a" * 600)
    with pytest.raises(ValueError, match="exponent"):
        make_symbolic("9**9**9 * a")
    with pytest.raises(ValueError, match="exponent"):
        make_symbolic("a**1000")
    with pytest.raises(ValueError, match="overflows or underflows"):
        make_symbolic("(10.0**100)**10 * a")
    with pytest.raises(ValueError, match="overflows or underflows"):
        make_symbolic("(0.5**99)**99 * a")
    with pytest.raises(ValueError, match="too large"):
        make_symbolic("a * " + "*".join(["9" * 99] * 8))  # an exact 792-digit int
    with pytest.raises(ValueError, match="not a finite number"):
        make_symbolic("1e999 * a")
    with pytest.raises(ValueError, match="nested too deeply|not a valid"):
        make_symbolic("-" * 500 + "a")
    with pytest.raises(ValueError, match="nested too deeply|not a valid"):
        make_symbolic("(" * 300 + "a" + ")" * 300)


@pytest.mark.parametrize(
    "text, match",
    [
        ("log(a)", r"not finite on the sampled inputs \(f is inf/NaN for \d+ of 50"),
        ("sqrt(a) + b", r"f is inf/NaN"),
        ("exp(5000 * a)", r"f is inf/NaN"),
        ("1/a + b", r"not finite at the zero baseline"),
        ("a / b", r"not finite at the zero baseline"),
        ("1/(a - a)", r"infinity or NaN"),
        ("a / 0", r"infinity or NaN"),
        ("sqrt(-1) * a", r"complex"),
        ("(-8)**(1/3) + a", r"complex"),
        ("3 + 4", r"constant"),
        ("a - a", r"constant"),
    ],
)
def test_non_finite_complex_and_constant_formulas_raise(text, match):
    with pytest.raises(ValueError, match=match) as info:
        make_symbolic(text, n_samples=50, random_state=0)
    assert "formula" in str(info.value).lower()


def test_non_finite_truth_names_the_truth_and_variable():
    # acos is finite on [-1, 1] but its derivative is infinite at the clip edge.
    with pytest.raises(ValueError, match=r"saliency truth.*variable 'b'"):
        make_symbolic("a + acos(b)", n_samples=200, x_scale=3.0, random_state=0)


def test_nearly_singular_formula_warns_about_quadrature():
    with pytest.warns(UserWarning, match="may be inaccurate"):
        make_symbolic("1/(a**2 + 1e-6)", n_samples=200, random_state=0)


def test_sympy_input_validation():
    alpha, upper = sympy.Symbol("alpha"), sympy.Symbol("A")
    with pytest.raises(ValueError, match="free symbol 'alpha'"):
        make_symbolic(alpha + 1)
    with pytest.raises(ValueError, match="free symbol 'A'"):
        make_symbolic(upper * sympy.Symbol("a"))
    with pytest.raises(ValueError, match="free symbol"):
        make_symbolic(sympy.Dummy("a") + 1)
    with pytest.raises(ValueError, match="undefined functions"):
        make_symbolic(sympy.Function("g")(sympy.Symbol("a")))
    with pytest.raises(ValueError, match="complex"):
        make_symbolic(sympy.I * sympy.Symbol("a"))
    with pytest.raises(ValueError, match="constant"):
        make_symbolic(sympy.Integer(3))  # a sympy number is not a formula id


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"formula": 0}, ValueError, "'formula' parameter"),
        ({"formula": 16}, ValueError, "'formula' parameter"),
        ({"formula": 1.5}, ValueError, "'formula' parameter"),
        ({"formula": None}, ValueError, "'formula' parameter"),
        ({"formula": ["a"]}, ValueError, "'formula' parameter"),
        ({"formula": True}, TypeError, "formula=True is a bool"),
        ({"formula": 1, "n_samples": 0}, ValueError, "'n_samples' parameter"),
        ({"formula": 1, "n_noise_features": -1}, ValueError, "'n_noise_features'"),
        ({"formula": 1, "noise": -0.1}, ValueError, "'noise' parameter"),
        ({"formula": 1, "noise": np.inf}, ValueError, "'noise' parameter"),
        ({"formula": 1, "x_scale": 0}, ValueError, "'x_scale' parameter"),
        ({"formula": 1, "ig_steps": 0}, ValueError, "'ig_steps' parameter"),
        ({"formula": 1, "ig_steps": 2.5}, ValueError, "'ig_steps' parameter"),
        ({"formula": 1, "random_state": "x"}, ValueError, "'random_state'"),
        ({"formula": 1, "shuffle_features": "yes"}, ValueError, "'shuffle"),
    ],
)
def test_parameter_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_symbolic(**kwargs)


def test_numpy_integer_formula_id_and_single_sample():
    X, y = make_symbolic(np.int64(3), n_samples=1, n_noise_features=0)
    assert X.shape == (1, 1) and y.shape == (1,)


# ---------------------------------------------------------------------------
# symbolic_ground_truth: the truths on given inputs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("formula", [3, 10, 13, "a * c + sin(c)"])
@pytest.mark.parametrize("ig_steps", [None, 20])
def test_symbolic_ground_truth_equals_make_symbolic_truth(formula, ig_steps):
    data = small(formula, ig_steps=ig_steps)
    truth = symbolic_ground_truth(formula, data.data, ig_steps=ig_steps)
    assert set(truth) == set(TRUTH_KEYS)
    for key in TRUTH_KEYS:
        np.testing.assert_array_equal(truth[key], data.ground_truth[key])


def test_symbolic_ground_truth_gives_both_ig_truths_on_the_same_data():
    exact = small(12)
    paper = symbolic_ground_truth(12, exact.data, ig_steps=20)
    np.testing.assert_array_equal(
        paper["integrated_gradients"],
        small(12, ig_steps=20).ground_truth["integrated_gradients"],
    )
    assert not np.allclose(
        paper["integrated_gradients"], exact.ground_truth["integrated_gradients"]
    )


def test_symbolic_ground_truth_on_hand_made_inputs():
    X = [[0.5, 2.0, 7.0], [-1.0, 0.25, -7.0]]  # a list; the last column is noise
    truth = symbolic_ground_truth("a**2 * b", X)
    a, b = np.array(X)[:, 0], np.array(X)[:, 1]
    np.testing.assert_allclose(
        truth["saliency"], np.c_[2 * a * b, a**2, np.zeros(2)], atol=1e-15
    )
    # IG of a monomial a^2 b: shares proportional to the exponents (2:1).
    np.testing.assert_allclose(
        truth["integrated_gradients"], np.c_[2 * a**2 * b / 3, a**2 * b / 3, [0, 0]]
    )
    np.testing.assert_allclose(
        truth["feature_ablation"], np.c_[a**2 * b, a**2 * b, [0, 0]]
    )


def test_symbolic_ground_truth_errors():
    with pytest.raises(ValueError, match="X has 2 columns.*3 variable columns"):
        symbolic_ground_truth("a + c", np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        symbolic_ground_truth("a", [[np.nan]])
    with pytest.raises(ValueError, match="'X' parameter"):
        symbolic_ground_truth("a", "not an array")
    with pytest.raises(ValueError, match="'ig_steps' parameter"):
        symbolic_ground_truth("a", np.zeros((2, 1)), ig_steps=0)
    with pytest.raises(ValueError, match="'formula' parameter"):
        symbolic_ground_truth(99, np.zeros((2, 1)))
    with pytest.raises(ValueError, match="not finite at the zero baseline"):
        symbolic_ground_truth("1/a", np.ones((2, 1)))
