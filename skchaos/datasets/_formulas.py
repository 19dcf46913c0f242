"""A safe parser for formula strings.

Formula strings may come from users or configuration files, so they are never
passed to :func:`eval`, :func:`sympy.sympify` or
:func:`sympy.parsing.sympy_parser.parse_expr` (all of which evaluate Python
code). Instead the text is parsed with ``ast.parse(text, mode="eval")`` and the
syntax tree is walked against a whitelist; the sympy expression is built node by
node.
"""

import ast
import math

import sympy
from sympy.core.function import AppliedUndef

_VARIABLE_LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Variables are real symbols: derivatives of abs() and friends stay real.
_SYMBOLS = {letter: sympy.Symbol(letter, real=True) for letter in _VARIABLE_LETTERS}
_CONSTANTS = {"E": sympy.E, "pi": sympy.pi}


def _sigmoid(x):
    return 1 / (1 + sympy.exp(-x))


_FUNCTIONS = {
    "abs": sympy.Abs,
    "acos": sympy.acos,
    "asin": sympy.asin,
    "atan": sympy.atan,
    "cos": sympy.cos,
    "cosh": sympy.cosh,
    "exp": sympy.exp,
    "log": sympy.log,
    "sigmoid": _sigmoid,
    "sin": sympy.sin,
    "sinh": sympy.sinh,
    "sqrt": sympy.sqrt,
    "tan": sympy.tan,
    "tanh": sympy.tanh,
}
_BINARY_OPERATORS = {
    ast.Add: lambda left, right: left + right,
    ast.Sub: lambda left, right: left - right,
    ast.Mult: lambda left, right: left * right,
    ast.Div: lambda left, right: left / right,
    ast.Pow: lambda left, right: left**right,
}
_UNARY_OPERATORS = {
    ast.UAdd: lambda operand: operand,
    ast.USub: lambda operand: -operand,
}

#: Longest formula string accepted (characters).
MAX_FORMULA_LENGTH = 1000
#: Most nested levels of operations accepted in a formula string (see
#: ``_formula_depth``); checked before anything recurses over the formula.
MAX_FORMULA_DEPTH = 50
# The detail of a nesting error caught as a RecursionError (a fallback: sympy
# may recurse several times per level, e.g. for sigmoid).
_RECURSION = "sympy reached Python's recursion limit"
# Largest |exponent| accepted when the exponent is a number (guards 9**9**9).
_MAX_EXPONENT = 100
# Largest numerator or denominator (in bits) of an exact rational constant.
_MAX_RATIONAL_BITS = 1100

_ALLOWED = (
    "numbers, the variables a..z (single lowercase letters), the constants E "
    "and pi, the operators + - * / ** with parentheses, unary + and -, and "
    "calls with one positional argument of " + ", ".join(sorted(_FUNCTIONS))
)

_NODE_DESCRIPTIONS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.JoinedStr: "f-string",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred argument",
    ast.Await: "await",
    ast.Yield: "yield",
}


def _short(text, limit=80):
    """Quote a formula for an error message, shortened if it is long."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def _describe(node, text):
    segment = ast.get_source_segment(text, node)
    return _short(segment) if segment else type(node).__name__


def _reject(message, text):
    return ValueError(f"{message} in formula {_short(text)}. Allowed: {_ALLOWED}.")


def _check_number(value, node, text):
    """Reject numeric constants that do not fit in a finite float64."""
    if value.is_Number:
        try:
            finite = math.isfinite(float(value))
        except (OverflowError, TypeError, ValueError):
            finite = False
        if value.is_Rational and finite:
            finite = max(abs(value.p), value.q).bit_length() <= _MAX_RATIONAL_BITS
        if not finite:
            raise ValueError(
                f"The constant {_describe(node, text)} in formula {_short(text)} "
                "is not a finite number or is too large (division by zero or "
                "overflow); expected constants that fit in a float64."
            )
    return value


def _check_power(base, exponent, node, text):
    """Cap numeric exponents and reject constant powers a float64 cannot hold."""
    if not exponent.is_Number:
        return
    if abs(float(exponent)) > _MAX_EXPONENT:
        raise ValueError(
            f"The exponent in {_describe(node, text)} of formula {_short(text)} "
            f"is {exponent}; expected a numeric exponent of at most "
            f"{_MAX_EXPONENT} in absolute value."
        )
    if base.is_Number and base != 0:
        try:
            result = abs(float(base)) ** float(exponent)
        except OverflowError:
            result = math.inf
        if not 0 < result < math.inf:
            raise ValueError(
                f"The power {_describe(node, text)} in formula {_short(text)} "
                "overflows or underflows a float64; expected constants that fit "
                "in a float64."
            )


def _family(node):
    """The chain family of a binary operation: additive, multiplicative or None."""
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, (ast.Add, ast.Sub)):
            return "additive"
        if isinstance(node.op, (ast.Mult, ast.Div)):
            return "multiplicative"
    return None


# Syntax-tree nodes that are not a level: names, numbers and operator tokens.
_LEAVES = (
    ast.Name,
    ast.Constant,
    ast.expr_context,
    ast.operator,
    ast.unaryop,
    ast.cmpop,
    ast.boolop,
)


def _formula_depth(tree):
    """Count the nested levels of operations of a parsed formula, iteratively.

    Every function call, power, unary sign and nested operation is one level;
    a chain of the same family written without parentheses (``a + b - c`` or
    ``2 * a / b``) is one level, however long. Names and numbers add nothing.
    The walk uses an explicit stack, so it never recurses.
    """
    deepest = 0
    stack = [(tree, 0)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, _LEAVES):
            continue
        deepest = max(deepest, level + 1)
        family = _family(node)
        for child in ast.iter_child_nodes(node):
            chained = (
                family is not None
                and isinstance(node, ast.BinOp)
                and child is node.left
                and _family(child) == family
            )
            stack.append((child, level if chained else level + 1))
    return deepest


def nesting_error(label, detail):
    """The ValueError for a formula (quoted as ``label``) that is too deep."""
    return ValueError(
        f"Formula {label} is nested too deeply ({detail}); expected at "
        f"most {MAX_FORMULA_DEPTH} nested levels of operations (each function "
        "call, power, unary sign or nested operation is a level; a chain such "
        "as a + b - c or 2 * a / b written without parentheses is one level)."
    )


def _build_chain(node, text):
    """Build a left-leaning chain of + - or * / without recursing along it."""
    family = _family(node)
    rights = []
    while _family(node) == family:
        rights.append(node)
        node = node.left
    result = _build(node, text)
    for link in reversed(rights):
        right = _build(link.right, text)
        result = _check_number(
            _BINARY_OPERATORS[type(link.op)](result, right), link, text
        )
    return result


def _build(node, text):
    """Turn one whitelisted syntax-tree node into a sympy expression."""
    if isinstance(node, ast.Constant):
        value = node.value
        if type(value) is int:
            return _check_number(sympy.Integer(value), node, text)
        if type(value) is float:
            return _check_number(sympy.Float(value), node, text)
        raise _reject(
            f"Unsupported constant {_describe(node, text)} of type "
            f"{type(value).__name__} (expected an int or float)",
            text,
        )
    if isinstance(node, ast.Name):
        if node.id in _SYMBOLS:
            return _SYMBOLS[node.id]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        if node.id in _FUNCTIONS:
            raise _reject(
                f"The function name {node.id!r} is used without a call "
                f"(write {node.id}(...))",
                text,
            )
        raise _reject(f"Unknown name {node.id!r}", text)
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY_OPERATORS:
            raise _reject(
                f"Unsupported operator {type(node.op).__name__} in "
                f"{_describe(node, text)}",
                text,
            )
        if _family(node) is not None:
            return _build_chain(node, text)
        apply = _BINARY_OPERATORS[type(node.op)]
        left = _build(node.left, text)
        right = _build(node.right, text)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right, node, text)
        return _check_number(apply(left, right), node, text)
    if isinstance(node, ast.UnaryOp):
        if type(node.op) not in _UNARY_OPERATORS:
            raise _reject(
                f"Unsupported unary operator {type(node.op).__name__} in "
                f"{_describe(node, text)}",
                text,
            )
        return _UNARY_OPERATORS[type(node.op)](_build(node.operand, text))
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name) or node.func.id not in _FUNCTIONS:
            raise _reject(
                f"Unsupported call of {_describe(node.func, text)} (only the "
                "whitelisted functions may be called)",
                text,
            )
        name = node.func.id
        if node.keywords or len(node.args) != 1:
            raise _reject(
                f"The call {_describe(node, text)} must have exactly one "
                "positional argument and no keywords",
                text,
            )
        (argument,) = node.args
        if isinstance(argument, ast.Starred):
            raise _reject(f"Unsupported starred argument in {name}()", text)
        return _check_number(_FUNCTIONS[name](_build(argument, text)), node, text)
    description = _NODE_DESCRIPTIONS.get(type(node), type(node).__name__)
    raise _reject(f"Unsupported {description} {_describe(node, text)}", text)


def _check_expression(expr, text):
    """Reject infinite, undefined, complex or constant expressions."""
    if expr.has(sympy.zoo, sympy.oo, -sympy.oo, sympy.nan):
        raise ValueError(
            f"Formula {_short(text)} is not finite: it simplifies to an expression "
            f"containing an infinity or NaN ({sympy.sstr(expr)})."
        )
    complex_parts = [
        sub
        for sub in sympy.preorder_traversal(expr)
        if isinstance(sub, sympy.Expr)
        and not sub.free_symbols
        and sub.is_extended_real is False
    ]
    if expr.has(sympy.I) or complex_parts:
        raise ValueError(
            f"Formula {_short(text)} has complex values "
            f"({sympy.sstr(complex_parts[0] if complex_parts else expr)}); "
            "expected a real-valued formula."
        )
    if not expr.free_symbols:
        raise ValueError(
            f"Formula {_short(text)} is the constant {sympy.sstr(expr)}: no variable "
            "is relevant. Expected a formula in the variables a..z."
        )
    return expr


def parse_formula(text):
    """Parse a formula string into a sympy expression without evaluating code.

    Parameters
    ----------
    text : str
        A formula in the variables ``a`` to ``z`` such as ``"sin(a) * b**2"``.

    Returns
    -------
    expr : sympy.Expr
        The expression, built from real symbols named ``a`` to ``z``.

    Raises
    ------
    ValueError
        If the text is too long, is nested too deeply (more than
        ``MAX_FORMULA_DEPTH = 50`` levels, or deep enough for sympy to reach
        Python's recursion limit), is not valid syntax, uses anything outside
        the whitelist, or is constant, complex or infinite.

    Examples
    --------
    >>> from skchaos.datasets._formulas import parse_formula
    >>> parse_formula("sin(a) * b**2")
    b**2*sin(a)
    """
    if not isinstance(text, str):
        raise TypeError(f"formula must be a str here; got {type(text).__name__}.")
    if len(text) > MAX_FORMULA_LENGTH:
        raise ValueError(
            f"formula is {len(text)} characters long; expected at most "
            f"{MAX_FORMULA_LENGTH}."
        )
    stripped = text.strip()
    if not stripped:
        raise ValueError("formula is an empty string; expected an expression.")
    try:
        tree = ast.parse(stripped, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        raise ValueError(
            f"formula {_short(text)} is not a valid expression "
            f"({type(exc).__name__}: {getattr(exc, 'msg', exc)}). "
            f"Allowed: {_ALLOWED}."
        ) from None
    depth = _formula_depth(tree.body)
    if depth > MAX_FORMULA_DEPTH:
        raise nesting_error(_short(stripped), f"{depth} levels")
    try:
        return _check_expression(_build(tree.body, stripped), stripped)
    except RecursionError:
        raise nesting_error(_short(stripped), _RECURSION) from None


def _check_sympy_formula(expr):
    """Validate a user-supplied sympy expression and make its symbols real."""
    text = sympy.sstr(expr)
    replacements = {}
    for symbol in expr.free_symbols:
        if type(symbol) is not sympy.Symbol or symbol.name not in _SYMBOLS:
            raise ValueError(
                f"The sympy formula {_short(text)} has the free symbol "
                f"{sympy.sstr(symbol)!r}; expected only symbols named by a "
                "single lowercase letter a..z."
            )
        replacements[symbol] = _SYMBOLS[symbol.name]
    unsupported = expr.atoms(AppliedUndef) | expr.atoms(
        sympy.Derivative, sympy.Integral
    )
    if unsupported:
        raise ValueError(
            f"The sympy formula {_short(text)} contains "
            f"{sympy.sstr(next(iter(unsupported)))!r}; expected an explicit "
            "expression without undefined functions, derivatives or integrals."
        )
    try:
        return _check_expression(expr.xreplace(replacements), text)
    except RecursionError:
        raise nesting_error(_short(text), _RECURSION) from None
