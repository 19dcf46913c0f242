"""The ChaosMining formula table, and the resolution of a ``formula`` argument.

:data:`PAPER_FORMULAS` holds the 15 formulas of the paper; :func:`resolve_formula`
turns a paper id, a formula string, a table record or a sympy expression into
the parsed formula the generators use (strings are parsed by
:func:`~skchaos.datasets._formulas.parse_formula`).
"""

from dataclasses import dataclass
from numbers import Integral

import sympy

from skchaos.datasets._formulas import (
    _VARIABLE_LETTERS,
    _check_sympy_formula,
    _short,
    parse_formula,
)


@dataclass(frozen=True)
class PaperFormula:
    """One row of the ChaosMining formula table (a read-only record).

    Parameters
    ----------
    id : int
        The formula number, 1 to 15, in the paper's order.

    n_declared_variables : int
        How many variables the paper declares; they are ``a, b, c, ...`` and
        occupy the first columns of ``X``.

    expression : str
        The formula as the paper writes it (``E`` is Euler's number).

    See Also
    --------
    skchaos.datasets.make_symbolic : Generate a dataset from a formula.

    Notes
    -----
    The declared count may exceed the number of variables the expression uses:
    formula 13 declares 8 variables but ``h`` never appears, so only 7 are
    relevant (see :attr:`relevant_variables`).

    Examples
    --------
    >>> from skchaos.datasets import PAPER_FORMULAS
    >>> len(PAPER_FORMULAS)
    15
    >>> print(PAPER_FORMULAS[6])
    7: 0.25*a**3+0.75*b**2  (2 declared variables)
    >>> PAPER_FORMULAS[12].variables
    ('a', 'b', 'c', 'd', 'e', 'f', 'g', 'h')
    >>> PAPER_FORMULAS[12].relevant_variables
    ('a', 'b', 'c', 'd', 'e', 'f', 'g')
    """

    id: int
    n_declared_variables: int
    expression: str

    @property
    def variables(self):
        """The declared variable letters, in column order."""
        return tuple(_VARIABLE_LETTERS[: self.n_declared_variables])

    @property
    def relevant_variables(self):
        """The letters that actually appear in :attr:`expression`."""
        return tuple(
            sorted(s.name for s in parse_formula(self.expression).free_symbols)
        )

    def __str__(self):
        return (
            f"{self.id}: {self.expression}  "
            f"({self.n_declared_variables} declared variables)"
        )


_PAPER_ROWS = (
    (1, "a"),
    (1, "a**2"),
    (1, "2/(a**2+1)-1"),
    (1, "sin(a)"),
    (1, "E**a-1.5"),
    (1, "2*log(a**2+1)-1"),
    (2, "0.25*a**3+0.75*b**2"),
    (3, "0.5*a**3+0.75*b**2+a*c"),
    (4, "0.5*E**a*sin(b)-0.25*cos(d)**5/(c**2+1)"),
    (5, "0.5*(a-b)**2+0.2*(c+d*e)**3-0.5"),
    (6, "0.5*cos(a)*tan(b)-log((c-d)**2+1)/((e+f+1)**2+1)"),
    (7, "0.5*(b-c)**2/(a**2+1)+tan(d)*log(e**2+1)+0.5*cos(f)*sin(g)"),
    (
        8,
        "a+(1/2)*b**2+(1/3)*c**3+(1/4)*d**4+(1/5)*e**5+(1/6)*f**6+(1/7)*f**7"
        "+(1/8)*g**8",
    ),
    (
        9,
        "0.5*(a-1)/(b**2+1)-0.5*c**3/(d**2+1)+0.5*e**5/(f**2+1)"
        "-0.5*g**7/(h**2+1)+0.5*tan(i)+0.5",
    ),
    (
        10,
        "0.5*sin(a)-0.5*b**3-log(c**2+1)+0.5*((d+e)**2+1)**(1/2)-0.5*cos(f)*g"
        "+h*i**2/((1-j)**2+1)-0.5",
    ),
)

#: The 15 ChaosMining formulas (arXiv:2406.12150), as a tuple of
#: :class:`PaperFormula` records; ``PAPER_FORMULAS[k - 1].id == k``.
PAPER_FORMULAS = tuple(
    PaperFormula(id=index, n_declared_variables=n_declared, expression=expression)
    for index, (n_declared, expression) in enumerate(_PAPER_ROWS, start=1)
)


@dataclass(frozen=True)
class _ResolvedFormula:
    expr: sympy.Expr
    text: str
    n_declared_variables: int
    label: str


def resolve_formula(formula):
    """Turn a paper id, a string, a record or a sympy expression into a formula.

    Returns a private record with the sympy expression, its text, the number of
    variable columns and a label for error messages.
    """
    if isinstance(formula, PaperFormula):
        formula = formula.id
    if isinstance(formula, bool):
        raise TypeError(
            f"formula={formula!r} is a bool; expected an int from 1 to "
            f"{len(PAPER_FORMULAS)}, a formula string or a sympy expression."
        )
    if isinstance(formula, str):
        expr = parse_formula(formula)
        text = formula.strip()
    elif isinstance(formula, sympy.Expr):
        expr = _check_sympy_formula(formula)
        text = sympy.sstr(formula)
    elif isinstance(formula, Integral):
        if not 1 <= formula <= len(PAPER_FORMULAS):
            raise ValueError(
                f"formula={formula!r} is not a paper formula id; expected an int "
                f"from 1 to {len(PAPER_FORMULAS)}."
            )
        row = PAPER_FORMULAS[int(formula) - 1]
        return _ResolvedFormula(
            expr=parse_formula(row.expression),
            text=row.expression,
            n_declared_variables=row.n_declared_variables,
            label=f"{row.id} ({row.expression!r})",
        )
    else:
        raise TypeError(
            f"formula has type {type(formula).__name__}; expected an int from 1 "
            f"to {len(PAPER_FORMULAS)}, a formula string or a sympy expression."
        )
    highest = max(_VARIABLE_LETTERS.index(s.name) for s in expr.free_symbols)
    return _ResolvedFormula(
        expr=expr, text=text, n_declared_variables=highest + 1, label=_short(text)
    )
