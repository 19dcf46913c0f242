"""Random symbolic regression formulas built from the ChaosMining blocks.

A fixed table of formulas invites tuning on the very formulas one reports.
:func:`make_random_symbolic` draws a fresh formula per seed from a grammar of
the paper's building blocks, so defaults can be tuned on one range of seeds
and reported on another. The formula is an ordinary formula string: the data
and the ground truth come from :func:`make_symbolic`.
"""

from numbers import Integral

import numpy as np
import sympy
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skchaos.datasets._docs import SYMBOLIC_FIELDS
from skchaos.datasets._formulas import MAX_FORMULA_LENGTH, parse_formula
from skchaos.datasets._symbolic import make_symbolic
from skchaos.datasets._symbolic_base import _COMMON_CONSTRAINTS
from skchaos.utils import Substitution

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Every term's standard deviation is drawn log-uniformly from this range.
_TERM_STD_RANGE = (0.05, 5.0)
# Size of the reference sample the term standard deviations are measured on.
_N_REFERENCE = 20_000
# A term whose reference std is below this (relative to max(1, |mean|)) is
# numerically constant on the inputs and is drawn again.
_DEGENERATE_RTOL = 1e-9
# How many times a degenerate term or a too long formula is drawn again.
_MAX_DRAWS = 100
# Inner scales k of sin(k*u), exp(k*u), log(1 + k**2*u**2), ...
_INNER_SCALES = (1, 2, 3)
# Probabilities of the group sizes 1, 2 and 3 that cover the variables.
_GROUP_SIZE_P = (0.4, 0.4, 0.2)

# Shapes of one argument u (a variable or a parenthesized sum/difference).
_SHAPES = ("linear", "square", "cube", "sin", "cos", "tanh", "exp", "log", "bump")
# Factors of a product term (one per variable).
_FACTORS = ("linear", "square", "sin", "cos", "tanh", "exp")
_INTERACTIONS = ("composition", "product", "ratio")


def _scaled(u, k):
    """``k*u`` as a function argument: ``2*(a - b)``, ``a`` or ``a - b``."""
    if k == 1:
        return u[1:-1] if u.startswith("(") else u
    return f"{k}*{u}"


def _shape(kind, u, k):
    """The body of a one-argument shape; ``k`` is the inner scale."""
    k2 = "" if k == 1 else f"{k * k}*"
    return {
        "linear": u,
        "square": f"{u}**2",
        "cube": f"{u}**3",
        "sin": f"sin({_scaled(u, k)})",
        "cos": f"cos({_scaled(u, k)})",
        "tanh": f"tanh({_scaled(u, k)})",
        "exp": f"exp({_scaled(u, k)})",
        "log": f"log(1 + {k2}{u}**2)",
        "bump": f"1/(1 + {k2}{u}**2)",
    }[kind]


def _combination(letters, rng):
    """``(a + b)`` or ``(a - b + c)``: a sum or difference of the variables."""
    text = letters[0]
    for letter in letters[1:]:
        text += f" {rng.choice(['+', '-'])} {letter}"
    return f"({text})"


def _draw_body(letters, rng):
    """One term without its coefficient, in the given variables."""
    k = int(rng.choice(_INNER_SCALES))
    if len(letters) == 1:
        return _shape(str(rng.choice(_SHAPES)), letters[0], k)
    kind = str(rng.choice(_INTERACTIONS))
    if kind == "composition":
        shape = str(rng.choice(_SHAPES[1:]))  # no linear: that would be separable
        return _shape(shape, _combination(letters, rng), k)
    if kind == "product":
        factors = [
            _shape(str(rng.choice(_FACTORS)), letter, int(rng.choice(_INNER_SCALES)))
            for letter in letters
        ]
        return "*".join(factors)
    # ratio: numerator in the first variables, a bump in the last one.
    head = letters[:-1]
    if len(head) == 1:
        numerator = _shape(str(rng.choice(_FACTORS)), head[0], k)
    elif rng.random() < 0.5:
        numerator = _combination(head, rng)
    else:
        numerator = "*".join(head)
    k2 = int(rng.choice(_INNER_SCALES)) ** 2
    denominator = f"(1 + {'' if k2 == 1 else f'{k2}*'}{letters[-1]}**2)"
    return f"{numerator}/{denominator}"


def _groups(n_relevant, rng):
    """Variable groups: a random partition into groups of 1 to 3, then extras.

    The partition makes every variable appear; the extra terms reuse
    variables, so some variables appear in several terms.
    """
    order = rng.permutation(n_relevant)
    groups, start = [], 0
    while start < n_relevant:
        size = min(int(rng.choice([1, 2, 3], p=_GROUP_SIZE_P)), n_relevant - start)
        groups.append([_LETTERS[j] for j in order[start : start + size]])
        start += size
    n_core = len(groups)
    for _ in range(rng.randint(0, n_relevant // 2 + 1)):
        size = min(int(rng.choice([1, 2, 3], p=_GROUP_SIZE_P)), n_relevant)
        groups.append([_LETTERS[j] for j in rng.choice(n_relevant, size, False)])
    return groups, n_core


def _round3(value):
    """A readable literal with 3 significant digits (positional if possible)."""
    value = float(f"{value:.3g}")
    if value == 0 or 1e-4 <= abs(value) < 1e6:
        return np.format_float_positional(value, trim="-")
    return f"{value:.3g}"


def _term_values(body, reference):
    expr = parse_formula(body)
    variables = sorted(expr.free_symbols, key=lambda symbol: symbol.name)
    func = sympy.lambdify(variables, expr, modules="numpy")
    columns = [reference[:, _LETTERS.index(symbol.name)] for symbol in variables]
    with np.errstate(all="ignore"):
        values = np.asarray(func(*columns), dtype=np.float64)
    return np.broadcast_to(values, reference.shape[:1])


def _draw_term(letters, reference, rng):
    """A term with its coefficient scaled to a log-uniform std; its values."""
    low, high = np.log(_TERM_STD_RANGE[0]), np.log(_TERM_STD_RANGE[1])
    for _ in range(_MAX_DRAWS):
        body = _draw_body(letters, rng)
        values = _term_values(body, reference)
        std = values.std()
        target = np.exp(rng.uniform(low, high))
        if np.isfinite(std) and std > _DEGENERATE_RTOL * max(1, abs(values.mean())):
            break
    else:
        raise ValueError(
            f"Could not draw a non-constant term in {', '.join(letters)} in "
            f"{_MAX_DRAWS} tries: the inputs are nearly constant; use a larger "
            "x_scale."
        )
    coefficient = _round3(target / std * rng.choice([-1.0, 1.0]))
    if body.startswith("1/"):  # c*1/(1 + u**2) reads better as c/(1 + u**2)
        return f"{coefficient}{body[1:]}", float(coefficient) * values
    return f"{coefficient}*{body}", float(coefficient) * values


def _join(terms, offset):
    text = terms[0]
    for term in terms[1:] + ([offset] if float(offset) != 0 else []):
        text += f" - {term[1:]}" if term.startswith("-") else f" + {term}"
    return text


def _draw_formula(n_relevant, x_scale, rng):
    """Draw the formula text, its terms and its centering constant."""
    reference = np.clip(
        rng.standard_normal((_N_REFERENCE, n_relevant)) * x_scale, -1, 1
    )
    for _ in range(_MAX_DRAWS):
        groups, n_core = _groups(n_relevant, rng)
        drawn = [_draw_term(letters, reference, rng) for letters in groups]
        terms = [term for term, _ in drawn]
        # The constant is rounded to 3 decimals: an absolute error of at most
        # 5e-4, small next to the weakest term, even when f has a large mean.
        mean = sum(values for _, values in drawn).mean()
        offset = np.format_float_positional(round(-mean, 3), trim="-")
        # Extra terms are dropped (last first) if the text is too long.
        while len(terms) > n_core and len(_join(terms, offset)) > MAX_FORMULA_LENGTH:
            terms.pop()
        text = _join(terms, offset)
        # Exact cancellations could drop a variable; draw again then.
        if (
            len(text) <= MAX_FORMULA_LENGTH
            and len(parse_formula(text).free_symbols) == n_relevant
        ):
            return text, terms, float(offset)
    raise ValueError(
        f"Could not draw a formula in {n_relevant} variables of at most "
        f"{MAX_FORMULA_LENGTH} characters in {_MAX_DRAWS} tries; use a smaller "
        "n_relevant or an x_scale closer to 1."
    )


@validate_params(
    {
        **{key: rule for key, rule in _COMMON_CONSTRAINTS.items() if key != "formula"},
        "n_relevant": [Interval(Integral, 1, len(_LETTERS), closed="both")],
    },
    prefer_skip_nested_validation=True,
)
@Substitution(**SYMBOLIC_FIELDS, n_noise_default="60")
def make_random_symbolic(
    n_relevant=5,
    *,
    n_samples=3000,
    n_noise_features=60,
    noise=0.01,
    x_scale=0.33,
    ig_steps=None,
    shuffle_features=False,
    random_state=None,
    return_X_y=True,
):
    """Generate a regression dataset from a random formula with exact attributions.

    A formula in ``n_relevant`` variables is drawn from a grammar of the
    ChaosMining [1]_ building blocks, then the data and the ground truth are
    generated from it exactly as :func:`make_symbolic` does. Each seed gives a
    different formula, which supports a generalization protocol: tune on one
    range of seeds (say 0-49) and report on another (say 1000-1049).

    Parameters
    ----------
    n_relevant : int, default=5
        The number of relevant variables, 1 to 26: ``a, b, c, ...``, the first
        columns of ``X``. Every one of them occurs in the formula.

    n_samples : int, default=3000
        The number of samples.

    %(n_noise_features)s

    %(noise)s

    %(x_scale)s

    %(ig_steps)s

    %(shuffle_features)s

    random_state : int, RandomState instance or None, default=None
        Determines the formula, then the inputs, the noise and the column
        permutation. Pass an int for reproducible output across multiple
        function calls: the same int gives the same formula and data.

    return_X_y : bool, default=True
        If True, return ``(X, y)``; otherwise return a
        :class:`~sklearn.utils.Bunch` with the formula and the ground truth.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Returned when ``return_X_y=False``: the Bunch of :func:`make_symbolic`
        for the drawn formula (``data``, ``target``, ``target_clean``,
        ``relevant_mask``, ``ground_truth``, ``formula``, ``formula_str`` (the
        drawn formula string), ...), with two more keys:

        terms : list of str
            The terms of the formula, each with its signed coefficient, in the
            order of ``formula_str``.
        offset : float
            The constant at the end of ``formula_str`` (0.0 if there is none).

    (X, y) : tuple of ndarray
        Returned when ``return_X_y=True`` (the default).

    Raises
    ------
    ValueError
        If a parameter is invalid (naming it), or, for an extreme ``x_scale``,
        if no non-constant formula of at most 1,000 characters is found.

    See Also
    --------
    make_symbolic : The same data for a given formula.
    symbolic_ground_truth : The ground truth of a formula on given inputs.

    Notes
    -----
    **Grammar.** The variables are shuffled and split into groups of 1, 2 or 3
    (probabilities 0.4, 0.4, 0.2), so every variable occurs; then up to
    ``n_relevant // 2`` extra terms reuse random groups. Each group gives one
    term, and the formula is their sum plus a constant. With ``u`` a variable
    or a sum or difference of variables in parentheses and ``k`` an inner
    scale drawn from {1, 2, 3}, the shapes are ``u``, ``u**2``, ``u**3``,
    ``sin(k*u)``, ``cos(k*u)``, ``tanh(k*u)``, ``exp(k*u)``,
    ``log(1 + k**2*u**2)`` and ``1/(1 + k**2*u**2)``.

    - A group of one variable is one shape of it.
    - A group of 2 or 3 variables is an interaction, one of: a shape (not the
      linear one) of their sum or difference, such as ``sin(2*(a - b))``; a
      product of one factor per variable (``v``, ``v**2``, ``sin(k*v)``,
      ``cos(k*v)``, ``tanh(k*v)`` or ``exp(k*v)``), such as
      ``a*cos(3*b)``; or a ratio such as ``sin(a)/(1 + 4*b**2)`` or
      ``(a - b)/(1 + c**2)``.

    All shapes are smooth and finite on the clipped inputs, at 0 and on the
    integration path, so the ground truth is always defined.

    **Scaling.** Strong and weak terms are mixed: each term is multiplied by a
    coefficient such that its standard deviation on the input distribution,
    ``clip(N(0, 1) * x_scale, -1, 1)``, is log-uniform on [0.05, 5] (two
    orders of magnitude). The standard deviation is measured on a reference
    sample of 20,000 rows drawn from ``random_state`` before the formula, and
    the coefficient (with a random sign) is rounded to 3 significant digits so
    that the formula reads well. A term that is numerically constant on the
    reference sample is drawn again. The final constant, rounded to 3
    decimals, centers ``f`` on the reference sample. The formula is a plain string of
    at most 1,000 characters that :func:`make_symbolic` parses (extra terms
    are dropped if it would be longer).

    References
    ----------
    %(reference)s

    Examples
    --------
    >>> from skchaos.datasets import make_random_symbolic
    >>> data = make_random_symbolic(
    ...     4, n_samples=50, n_noise_features=6, random_state=0, return_X_y=False
    ... )
    >>> data.data.shape, int(data.relevant_mask.sum())
    ((50, 10), 4)
    >>> sorted(symbol.name for symbol in data.formula.free_symbols)
    ['a', 'b', 'c', 'd']
    """
    generator = check_random_state(random_state)
    text, terms, offset = _draw_formula(n_relevant, x_scale, generator)
    result = make_symbolic(
        text,
        n_samples=n_samples,
        n_noise_features=n_noise_features,
        noise=noise,
        x_scale=x_scale,
        ig_steps=ig_steps,
        shuffle_features=shuffle_features,
        random_state=generator,
        return_X_y=return_X_y,
    )
    if not return_X_y:
        result.terms = terms
        result.offset = offset
    return result
