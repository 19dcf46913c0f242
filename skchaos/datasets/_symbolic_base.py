"""What the symbolic generators share: inputs, truths, shuffling, Bunch, DESCR.

:func:`~skchaos.datasets.make_symbolic` and
:func:`~skchaos.datasets.make_symbolic_classification` (and, through the
former, :func:`~skchaos.datasets.make_random_symbolic`) draw the inputs and
compute ``f`` and its ground truth with :func:`_make_base`, permute the columns
with :func:`_shuffle` and describe the result with :func:`_descr` and
:func:`_bunch`.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval

from skchaos.datasets._paper_formulas import resolve_formula
from skchaos.datasets._symbolic_truth import (
    _FORMULA_CONSTRAINT,
    _IG_QUADRATURE_NODES,
    compute_truths,
)

_COMMON_CONSTRAINTS = {
    "formula": _FORMULA_CONSTRAINT,
    "n_samples": [Interval(Integral, 1, None, closed="left")],
    "n_noise_features": [Interval(Integral, 0, None, closed="left")],
    "noise": [Interval(Real, 0, None, closed="left")],
    "x_scale": [Interval(Real, 0, None, closed="neither")],
    "ig_steps": [Interval(Integral, 1, None, closed="left"), None],
    "shuffle_features": ["boolean"],
    "random_state": ["random_state"],
    "return_X_y": ["boolean"],
}

_DESCR_TEMPLATE = """\
.. _symbolic_dataset:

Symbolic {task} dataset (ChaosMining)
{underline}

A synthetic dataset whose target is a known closed-form function, so the ideal
attribution of every sample is known exactly (Shi et al., 2024,
arXiv:2406.12150).

**Data Set Characteristics:**

:Number of Instances: {n_samples}
:Number of Attributes: {n_features} ({n_declared} variable columns and \
{n_noise} noise features)
:Formula: ``f = {formula}``
:Variable columns: {columns}
:Relevant features: {n_relevant} ({relevant})
:Inputs: every feature is ``clip(N(0, 1) * {x_scale}, -1, 1)``, float64
:Target: {target}
:Ground truth: attributions of {truth_of} per sample and feature, zero on the
    irrelevant columns (DeepLift shares the integrated-gradients truth)
:Saliency truth: the signed gradient ``d{g}/dx_i``
:Integrated gradients truth: zero baseline, {ig}
:Feature ablation truth: ``{g}(x) - {g}(x with x_i = 0)``
:Feature order: {order}
"""


def _make_base(formula, n_samples, n_noise_features, x_scale, ig_steps, generator):
    """Draw X and the label noise and compute f and its ground truth."""
    resolved = resolve_formula(formula)
    n_declared = resolved.n_declared_variables
    n_features = n_declared + n_noise_features
    X = np.clip(generator.standard_normal((n_samples, n_features)) * x_scale, -1, 1)
    eps = generator.standard_normal(n_samples)

    # Warnings point at the caller of make_symbolic (through validate_params).
    f, ground_truth, relevant = compute_truths(resolved, X, ig_steps, stacklevel=5)
    relevant_mask = np.zeros(n_features, dtype=bool)
    relevant_mask[relevant] = True
    return Bunch(
        resolved=resolved,
        X=X,
        eps=eps,
        f=f,
        ground_truth=ground_truth,
        relevant_mask=relevant_mask,
        variable_columns={chr(ord("a") + j): j for j in range(n_declared)},
        feature_names=[f"x{j}" for j in range(n_features)],
        n_noise_features=n_noise_features,
    )


def _shuffle(base, generator):
    """Permute the feature columns; mask, truths and names follow."""
    permutation = generator.permutation(base.X.shape[1])
    position = np.argsort(permutation)  # new column of each original column
    base.X = base.X[:, permutation]
    base.ground_truth = {
        key: values[:, permutation] for key, values in base.ground_truth.items()
    }
    base.relevant_mask = base.relevant_mask[permutation]
    base.feature_names = [base.feature_names[j] for j in permutation]
    base.variable_columns = {
        letter: int(position[j]) for letter, j in base.variable_columns.items()
    }


def _descr(base, *, task, target, truth_of, x_scale, ig_steps, shuffled):
    resolved = base.resolved
    relevant = sorted(
        letter for letter, j in base.variable_columns.items() if base.relevant_mask[j]
    )
    title = f"Symbolic {task} dataset (ChaosMining)"
    if ig_steps is None:
        ig = f"exact, {_IG_QUADRATURE_NODES}-node Gauss-Legendre quadrature"
    else:
        ig = f"the paper's {ig_steps}-step forward-difference path sum"
    return _DESCR_TEMPLATE.format(
        task=task,
        underline="-" * len(title),
        n_samples=base.X.shape[0],
        n_features=base.X.shape[1],
        n_declared=resolved.n_declared_variables,
        n_noise=base.n_noise_features,
        formula=resolved.text,
        columns=", ".join(
            f"{letter} -> {j}" for letter, j in base.variable_columns.items()
        ),
        n_relevant=len(relevant),
        relevant=", ".join(relevant),
        x_scale=x_scale,
        target=target,
        truth_of=truth_of,
        g="g" if task == "classification" else "f",
        ig=ig,
        order="shuffled (feature_names keep the original names)"
        if shuffled
        else "variables first, then noise",
    )


def _bunch(base, descr, **targets):
    return Bunch(
        data=base.X,
        **targets,
        relevant_mask=base.relevant_mask,
        n_declared_variables=base.resolved.n_declared_variables,
        variable_columns=base.variable_columns,
        ground_truth=base.ground_truth,
        formula=base.resolved.expr,
        formula_str=base.resolved.text,
        feature_names=base.feature_names,
        DESCR=descr,
    )
