"""Exact ground-truth attributions of a symbolic formula on given inputs.

The formula is differentiated symbolically (sympy) and compiled once per
expression; the saliency, integrated-gradients and feature-ablation truths are
then evaluated numerically, per sample. :func:`make_symbolic` draws the inputs
and calls the same code; :func:`symbolic_ground_truth` is the public entry
point for inputs that already exist (for example a second integrated-gradients
truth with the paper's ``ig_steps`` on the same data).
"""

import functools
import warnings
from numbers import Integral

import numpy as np
import sympy
from sklearn.utils import check_array
from sklearn.utils._param_validation import Interval, validate_params

from skchaos.datasets._formulas import nesting_error
from skchaos.datasets._paper_formulas import PaperFormula, resolve_formula

# Gauss-Legendre nodes for the exact integrated-gradients truth. On the clipped
# inputs ([-1, 1]) every paper formula is analytic in a neighbourhood of the
# integration path, so the quadrature converges geometrically. Measured worst
# completeness error |sum_i IG_i - (f(x) - f(0))| over the 15 formulas with
# inputs pushed to the corners (x_scale=3): 4e-11 with 16 nodes (formula 11),
# 3e-15 with 24 and 32 nodes. 32 keeps a margin for user formulas at the cost
# of 32 gradient evaluations per sample.
_IG_QUADRATURE_NODES = 32
# Completeness tolerance (relative to max(1, |f(x) - f(0)|)) above which the
# quadrature is reported as inaccurate for a user formula.
_COMPLETENESS_RTOL = 1e-8
# Upper bound on the number of values in one vectorized path evaluation.
_CHUNK_ELEMENTS = 1 << 18
_TRUTH_NAMES = {
    "saliency": "the saliency truth (df/dx)",
    "integrated_gradients": "the integrated-gradients truth",
    "feature_ablation": "the feature-ablation truth (f with the variable set to 0)",
}

_FORMULA_CONSTRAINT = [
    Interval(Integral, 1, 15, closed="both"),
    str,
    sympy.Expr,
    PaperFormula,
]


# --------------------------------------------------------------------------
# Compilation and numerical evaluation
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _compile(expr):
    """Lambdify f and its gradient once per expression (numpy backend)."""
    variables = tuple(sorted(expr.free_symbols, key=lambda symbol: symbol.name))
    f_func = sympy.lambdify(variables, expr, modules="numpy", cse=True)
    gradient = [sympy.diff(expr, variable) for variable in variables]
    grad_func = sympy.lambdify(variables, gradient, modules="numpy", cse=True)
    return variables, f_func, grad_func


@functools.lru_cache(maxsize=8)
def _gauss_legendre(n_nodes):
    """Gauss-Legendre nodes and weights mapped to the interval [0, 1]."""
    nodes, weights = np.polynomial.legendre.leggauss(n_nodes)
    return (nodes + 1) / 2, weights / 2


def _call(func, columns, shape, label):
    """Evaluate a lambdified function; return a list of float64 arrays."""
    try:
        outputs = func(*columns)
    except (ArithmeticError, AttributeError, NameError, TypeError) as exc:
        raise ValueError(
            f"formula {label} could not be evaluated numerically "
            f"({type(exc).__name__}: {exc})."
        ) from exc
    if not isinstance(outputs, list):
        outputs = [outputs]
    arrays = []
    for output in outputs:
        if np.iscomplexobj(output):
            raise ValueError(
                f"formula {label} has complex values on the sampled inputs; "
                "expected a real-valued formula."
            )
        try:
            array = np.asarray(output, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"formula {label} does not evaluate to real numbers "
                f"({type(exc).__name__}: {exc})."
            ) from exc
        arrays.append(np.broadcast_to(array, shape))
    return arrays


def _chunks(n_samples, values_per_sample):
    """Row slices that keep one path evaluation below _CHUNK_ELEMENTS values."""
    step = max(1, _CHUNK_ELEMENTS // max(1, values_per_sample))
    for start in range(0, n_samples, step):
        yield slice(start, min(n_samples, start + step))


def _check_finite(values, what, label, letters=None):
    bad = ~np.isfinite(values)
    if not bad.any():
        return
    if values.ndim == 2:
        where = f" (variable {letters[int(np.flatnonzero(bad.any(axis=0))[0])]!r})"
        bad = bad.any(axis=1)
    else:
        where = ""
    raise ValueError(
        f"formula {label} is not finite on the sampled inputs ({what}{where} "
        f"is inf/NaN for {int(bad.sum())} of {bad.size} samples); expected a "
        "formula that is finite for every variable in [-1, 1] (the inputs are "
        "clipped there), at the zero baseline and on the straight path from it "
        "(no division by zero, log of a non-positive number or overflow)."
    )


def _integrated_gradients_exact(grad_func, columns, label):
    """Gauss-Legendre quadrature of x_i * df/dx_i(t x) over t in [0, 1]."""
    nodes, weights = _gauss_legendre(_IG_QUADRATURE_NODES)
    n_samples = columns[0].shape[0]
    result = np.empty((n_samples, len(columns)))
    for rows in _chunks(n_samples, nodes.size):
        path = [nodes[:, None] * column[None, rows] for column in columns]
        shape = (nodes.size, path[0].shape[1])
        for i, gradient in enumerate(_call(grad_func, path, shape, label)):
            result[rows, i] = columns[i][rows] * (weights @ gradient)
    return result


def _integrated_gradients_paper(f_func, columns, n_steps, label):
    """The paper's forward-difference path sum with ``n_steps`` steps.

    With p_k = x * k / m (k = 0, ..., m - 1), the attribution of variable i is
    sum_k f(p_k + e_i * x_i / m) - f(p_k); no gradient is involved.
    """
    alphas = np.arange(n_steps) / n_steps
    n_samples = columns[0].shape[0]
    result = np.empty((n_samples, len(columns)))
    for rows in _chunks(n_samples, n_steps):
        block = [column[rows] for column in columns]
        path = [alphas[:, None] * column[None, :] for column in block]
        shape = path[0].shape
        (f_path,) = _call(f_func, path, shape, label)
        for i, column in enumerate(block):
            stepped = list(path)
            stepped[i] = path[i] + column[None, :] / n_steps
            (f_stepped,) = _call(f_func, stepped, shape, label)
            result[rows, i] = (f_stepped - f_path).sum(axis=0)
    return result


def _evaluate(expr, label, columns, ig_steps, stacklevel):
    """Evaluate f and the three truths on the relevant columns.

    Returns ``f`` of shape (n_samples,) and a dict of (n_samples, n_relevant)
    arrays, in the order of ``_compile(expr)[0]``.
    """
    variables, f_func, grad_func = _compile(expr)
    letters = [variable.name for variable in variables]
    n_samples = columns[0].shape[0]
    shape = (n_samples,)
    with np.errstate(all="ignore"):
        (f,) = _call(f_func, columns, shape, label)
        _check_finite(f, "f", label)
        zeros = np.zeros(1)
        (f_zero,) = _call(f_func, [zeros] * len(columns), (1,), label)
        if not np.isfinite(f_zero[0]):
            raise ValueError(
                f"formula {label} is not finite at the zero baseline (f(0) = "
                f"{f_zero[0]}); the integrated-gradients and feature-ablation "
                "truths are defined relative to f(0), so it must be finite."
            )
        saliency = np.stack(_call(grad_func, columns, shape, label), axis=1)
        _check_finite(saliency, _TRUTH_NAMES["saliency"], label, letters)
        if ig_steps is None:
            ig = _integrated_gradients_exact(grad_func, columns, label)
        else:
            ig = _integrated_gradients_paper(f_func, columns, ig_steps, label)
        _check_finite(ig, _TRUTH_NAMES["integrated_gradients"], label, letters)
        ablation = np.empty_like(saliency)
        zeros = np.zeros(n_samples)
        for i in range(len(columns)):
            ablated = list(columns)
            ablated[i] = zeros
            ablation[:, i] = f - _call(f_func, ablated, shape, label)[0]
        _check_finite(ablation, _TRUTH_NAMES["feature_ablation"], label, letters)
    if ig_steps is None:
        residual = np.abs(ig.sum(axis=1) - (f - f_zero[0]))
        tolerance = _COMPLETENESS_RTOL * np.maximum(1.0, np.abs(f - f_zero[0]))
        if np.any(residual > tolerance):
            warnings.warn(
                f"The integrated-gradients truth of formula {label} may be "
                f"inaccurate: its completeness error reaches {residual.max():.3g} "
                f"with {_IG_QUADRATURE_NODES} Gauss-Legendre nodes (the formula "
                "is nearly singular close to the integration path).",
                UserWarning,
                stacklevel=stacklevel,
            )
    truths = {
        "saliency": saliency,
        "integrated_gradients": ig,
        "feature_ablation": ablation,
    }
    return np.array(f), truths


def compute_truths(resolved, X, ig_steps, stacklevel):
    """f and the full-width truths of a resolved formula on float64 inputs ``X``.

    The columns of the variables ``a, b, c, ...`` are the first columns of
    ``X``. Returns ``f`` of shape (n_samples,), the dict of truths of shape
    (n_samples, n_features), zero on the other columns, and the column indices
    of the relevant variables. ``stacklevel`` points the quadrature warning at
    the public caller.
    """
    n_samples, n_features = X.shape
    try:
        variables = _compile(resolved.expr)[0]
        relevant = [ord(variable.name) - ord("a") for variable in variables]
        columns = [np.ascontiguousarray(X[:, j]) for j in relevant]
        f, relevant_truths = _evaluate(
            resolved.expr, resolved.label, columns, ig_steps, stacklevel + 1
        )
    except RecursionError:
        raise nesting_error(
            resolved.label, "sympy reached Python's recursion limit"
        ) from None
    ground_truth = {}
    for key, values in relevant_truths.items():
        full = np.zeros((n_samples, n_features))
        full[:, relevant] = values
        ground_truth[key] = full
    return f, ground_truth, relevant


@validate_params(
    {
        "formula": _FORMULA_CONSTRAINT,
        "X": ["array-like"],
        "ig_steps": [Interval(Integral, 1, None, closed="left"), None],
    },
    prefer_skip_nested_validation=True,
)
def symbolic_ground_truth(formula, X, *, ig_steps=None):
    """Compute the exact ground-truth attributions of a formula on given inputs.

    This is the computation :func:`make_symbolic` runs on the inputs it draws,
    available on any ``X``: for example to get both integrated-gradients
    truths (exact and the paper's ``ig_steps=20``) of the same data without
    generating it twice. The variables ``a, b, c, ...`` of the formula are the
    first columns of ``X``, in order; the remaining columns are irrelevant.

    Parameters
    ----------
    formula : int, str or sympy.Expr
        A paper formula id (1 to 15), a formula string or a sympy expression;
        see :func:`make_symbolic`.

    X : array-like of shape (n_samples, n_features)
        The inputs, with the variable columns first (unshuffled: with data
        from ``make_symbolic(..., shuffle_features=True)``, pass
        ``X[:, order]`` where ``order`` lists ``variable_columns`` by letter,
        followed by the other columns). Converted to float64; must be finite
        and have at least as many columns as the formula declares variables.

    ig_steps : int, default=None
        ``None`` for the exact integrated-gradients truth (32-node
        Gauss-Legendre quadrature), or the number of steps of the paper's
        forward-difference path sum; see :func:`make_symbolic`.

    Returns
    -------
    ground_truth : dict of str to ndarray of shape (n_samples, n_features)
        ``"saliency"`` (the signed gradient ``df/dx_i``),
        ``"integrated_gradients"`` (zero baseline) and ``"feature_ablation"``
        (``f(x) - f(x with x_i = 0)``); zero on the columns of variables that
        do not occur in the formula and on the columns after the variables.
        This is the ``ground_truth`` of :func:`make_symbolic` on the same
        inputs.

    Raises
    ------
    ValueError
        If ``X`` has fewer columns than the formula's variables, is not
        finite, or if the formula is rejected or is not finite on ``X`` (see
        :func:`make_symbolic`).

    See Also
    --------
    make_symbolic : Draw inputs and return them with this ground truth.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.datasets import symbolic_ground_truth
    >>> X = np.array([[0.5, 2.0, 1.0], [-1.0, 1.0, 3.0]])
    >>> truth = symbolic_ground_truth("a * b", X)
    >>> truth["saliency"]
    array([[ 2. ,  0.5,  0. ],
           [ 1. , -1. ,  0. ]])
    >>> truth["integrated_gradients"].sum(axis=1)  # f(x) - f(0)
    array([ 1., -1.])
    """
    resolved = resolve_formula(formula)
    X = check_array(X, dtype=np.float64, ensure_all_finite=True, input_name="X")
    if X.shape[1] < resolved.n_declared_variables:
        letter = chr(ord("a") + resolved.n_declared_variables - 1)
        raise ValueError(
            f"X has {X.shape[1]} columns but formula {resolved.label} has "
            f"{resolved.n_declared_variables} variable columns (a to {letter!r}); "
            "expected X with the variable columns first."
        )
    return compute_truths(resolved, X, ig_steps, stacklevel=4)[1]
