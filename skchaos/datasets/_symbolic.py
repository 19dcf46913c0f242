"""Symbolic regression and classification datasets with exact attributions.

The generators follow the ChaosMining benchmark (arXiv:2406.12150): every
feature is ``clip(N(0, 1) * x_scale, -1, 1)``, the target is a closed-form
function of the first few columns, and the remaining columns are noise. Because
the function is known, the ideal attribution of every sample is known too; the
generators return it as ``ground_truth`` so that attribution methods can be
scored against it.
"""

from numbers import Integral

import numpy as np
from scipy.special import expit
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params

from skchaos.datasets._docs import SYMBOLIC_FIELDS
from skchaos.datasets._symbolic_base import (
    _COMMON_CONSTRAINTS,
    _bunch,
    _descr,
    _make_base,
    _shuffle,
)
from skchaos.utils import Substitution

# Logit slope of link="logistic": g = scale * (f - median(f)) / std(f).
_LOGISTIC_SCALE = 4.0


@validate_params(_COMMON_CONSTRAINTS, prefer_skip_nested_validation=True)
@Substitution(**SYMBOLIC_FIELDS, n_noise_default="100")
def make_symbolic(
    formula,
    *,
    n_samples=10000,
    n_noise_features=100,
    noise=0.01,
    x_scale=0.33,
    ig_steps=None,
    shuffle_features=False,
    random_state=None,
    return_X_y=True,
):
    """Generate a symbolic regression dataset with exact ground-truth attributions.

    Every feature, relevant or noise, is drawn as
    ``clip(N(0, 1) * x_scale, -1, 1)``. The variables ``a, b, c, ...`` of the
    formula are the first columns of ``X``, in order, followed by
    ``n_noise_features`` noise columns. The target is
    ``y = f(X) + N(0, 1) * noise``. This is the functional benchmark of
    ChaosMining [1]_.

    Parameters
    ----------
    formula : int, str or sympy.Expr
        An int from 1 to 15 selects a paper formula (see
        :data:`PAPER_FORMULAS`). A string is an expression in the variables
        ``a`` to ``z`` (single lowercase letters), the constants ``E`` and
        ``pi``, the operators ``+ - * / **``, and the functions ``abs``,
        ``acos``, ``asin``, ``atan``, ``cos``, ``cosh``, ``exp``, ``log``,
        ``sigmoid``, ``sin``, ``sinh``, ``sqrt``, ``tan`` and ``tanh``; it is
        parsed safely (never evaluated as Python) and may be at most 1,000
        characters long and 50 levels deep (each function call, power, unary
        sign or nested operation is a level; ``a + b - c`` is one). A sympy
        expression must have free symbols named ``a`` to ``z``; they are
        treated as real.

    n_samples : int, default=10000
        The number of samples.

    %(n_noise_features)s

    %(noise)s

    %(x_scale)s

    ig_steps : int, default=None
        How the integrated-gradients truth is computed. ``None`` (default)
        integrates exactly (32-node Gauss-Legendre quadrature of the
        gradient). An int ``m`` reproduces the paper's code instead: with
        ``p_k = x * k / m`` for ``k = 0, ..., m - 1``, the truth of variable
        ``i`` is ``sum_k f(p_k + e_i * x_i / m) - f(p_k)``, a forward-difference
        path sum that uses no gradient. The paper used ``ig_steps=20``.

    shuffle_features : bool, default=False
        Whether to permute the columns of ``X``. The relevant mask, the ground
        truths, ``variable_columns`` and ``feature_names`` are permuted with
        them.

    random_state : int, RandomState instance or None, default=None
        Determines the inputs, the noise and the column permutation. Pass an
        int for reproducible output across multiple function calls. ``X``
        depends only on ``random_state``, ``n_samples``, the number of
        features and ``x_scale``, not on ``noise`` or the formula's body.

    %(return_X_y)s

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Returned when ``return_X_y=False``, with the keys:

        data : ndarray of shape (n_samples, n_features)
            The inputs, float64; ``n_features = n_declared_variables +
            n_noise_features``.
        target : ndarray of shape (n_samples,)
            ``f(X)`` plus noise.
        target_clean : ndarray of shape (n_samples,)
            ``f(X)`` without noise.
        relevant_mask : ndarray of shape (n_features,), dtype=bool
            True on the columns of the variables that occur in the formula.
        n_declared_variables : int
            The number of variable columns: the paper's declared count, or the
            position of the highest letter used plus one (``"a + c"`` gives 3,
            with ``b`` irrelevant).
        variable_columns : dict of str to int
            The column of each variable letter.
        ground_truth : dict of str to ndarray of shape (n_samples, n_features)
            ``"saliency"`` (the signed gradient ``df/dx_i``),
            ``"integrated_gradients"`` (zero baseline) and
            ``"feature_ablation"`` (``f(x) - f(x with x_i = 0)``); zero on
            irrelevant columns.
        formula : sympy.Expr
            The parsed formula.
        formula_str : str
            The formula as given (the paper's text for an int).
        feature_names : list of str
            ``"x0", "x1", ...``; after shuffling, the original name of each
            column.
        DESCR : str
            A description of the dataset.

    (X, y) : tuple of ndarray
        Returned when ``return_X_y=True`` (the default): ``data`` and
        ``target`` above.

    Raises
    ------
    ValueError
        If the formula is not allowed, is nested too deeply (beyond 50 levels,
        or deep enough for sympy to reach Python's recursion limit), is
        constant, complex, or not finite on the sampled inputs, at the zero
        baseline or along the integration path (for example ``"log(a)"``,
        whose inputs include negative numbers).

    See Also
    --------
    make_symbolic_classification : The same data with binary labels.

    Notes
    -----
    DeepLift (and DeepLiftShap) with a zero baseline satisfies the same
    completeness property as integrated gradients and has no separate truth
    here: score it against ``"integrated_gradients"`` (or
    ``"feature_ablation"``), as the paper did.

    The saliency truth is signed; compare ``np.abs`` of it with attribution
    methods that return absolute gradients (captum's ``Saliency`` does so by
    default).

    With the exact quadrature the truths satisfy completeness,
    ``sum_i IG_i(x) = f(x) - f(0)``, to about 1e-15 on the paper formulas; a
    warning is raised if a user formula violates it by more than 1e-8 (a
    singularity close to the path).

    The compiled functions are cached per expression, so repeated calls skip
    the symbolic differentiation.

    References
    ----------
    %(reference)s

    Examples
    --------
    >>> from skchaos.datasets import make_symbolic
    >>> X, y = make_symbolic(7, n_samples=100, n_noise_features=3, random_state=0)
    >>> X.shape, y.shape
    ((100, 5), (100,))
    >>> data = make_symbolic(
    ...     "sin(a) * c", n_samples=5, n_noise_features=2, random_state=0,
    ...     return_X_y=False,
    ... )
    >>> data.relevant_mask
    array([ True, False,  True, False, False])
    >>> data.ground_truth["integrated_gradients"].shape
    (5, 5)
    """
    generator = check_random_state(random_state)
    base = _make_base(
        formula, n_samples, n_noise_features, x_scale, ig_steps, generator
    )
    y = base.f + base.eps * noise
    if shuffle_features:
        _shuffle(base, generator)
    if return_X_y:
        return base.X, y
    descr = _descr(
        base,
        task="regression",
        target=f"``f(X) + N(0, 1) * {noise}``",
        truth_of="``f``",
        x_scale=x_scale,
        ig_steps=ig_steps,
        shuffled=shuffle_features,
    )
    return _bunch(base, descr, target=y, target_clean=base.f)


@validate_params(
    {
        **_COMMON_CONSTRAINTS,
        "n_samples": [Interval(Integral, 2, None, closed="left")],
        "link": [StrOptions({"threshold", "logistic"})],
    },
    prefer_skip_nested_validation=True,
)
@Substitution(**SYMBOLIC_FIELDS, n_noise_default="100")
def make_symbolic_classification(
    formula,
    *,
    n_samples=10000,
    n_noise_features=100,
    noise=0.01,
    x_scale=0.33,
    link="threshold",
    ig_steps=None,
    shuffle_features=False,
    random_state=None,
    return_X_y=True,
):
    """Generate a symbolic binary classification dataset with exact attributions.

    The inputs and the formula ``f`` are those of :func:`make_symbolic`; the
    binary label is derived from ``f`` through a logit ``g`` whose exact
    attributions are returned as the ground truth.

    Parameters
    ----------
    formula : int, str or sympy.Expr
        A paper formula id (1 to 15), a formula string or a sympy expression;
        see :func:`make_symbolic`.

    n_samples : int, default=10000
        The number of samples (at least 2).

    %(n_noise_features)s

    noise : float, default=0.01
        The standard deviation of the Gaussian noise added to ``f`` before the
        link is applied (in the units of ``f``).

    %(x_scale)s

    link : {"threshold", "logistic"}, default="threshold"
        How labels are made from ``f``.

        - ``"threshold"``: ``y = 1[f + noise * N(0, 1) > t]`` with ``t`` the
          median of ``f + noise * N(0, 1)``, so the classes are balanced. The
          logit is ``g = f - t``, whose truths equal those of ``f``.
        - ``"logistic"``: ``g = 4 * (f - median(f)) / std(f)`` and
          ``y ~ Bernoulli(sigmoid(4 * (f + noise * N(0, 1) - median(f)) /
          std(f)))``, drawn with ``random_state``; classes are roughly
          balanced. The truths of ``f`` are scaled by ``4 / std(f)``.

    %(ig_steps)s

    %(shuffle_features)s

    random_state : int, RandomState instance or None, default=None
        Determines the inputs, the noise, the labels and the permutation.
        Pass an int for reproducible output across multiple function calls.
        The same seed gives the same ``X`` as :func:`make_symbolic`.

    %(return_X_y)s

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Returned when ``return_X_y=False``. It has the keys of
        :func:`make_symbolic`'s Bunch except ``target_clean``, with:

        target : ndarray of shape (n_samples,), dtype=int64
            The labels, 0 or 1.
        logit : ndarray of shape (n_samples,)
            The noise-free logit ``g``.
        ground_truth : dict of str to ndarray of shape (n_samples, n_features)
            The saliency, integrated-gradients and feature-ablation truths of
            ``g`` (zero baseline of the inputs; zero on irrelevant columns).

    (X, y) : tuple of ndarray
        Returned when ``return_X_y=True`` (the default).

    Raises
    ------
    ValueError
        For the formulas :func:`make_symbolic` rejects, and with
        ``link="logistic"`` when ``f`` is constant on the sample.

    See Also
    --------
    make_symbolic : The regression version.

    Notes
    -----
    Attributions of a classifier are usually taken on its logit (or the
    log-odds of class 1), so the truths describe ``g`` rather than the
    probability. The logit differs from ``f`` by a shift (and, for the
    logistic link, a positive scale), so the feature ranking and the
    normalized truths are those of ``f``. As in :func:`make_symbolic`,
    DeepLift shares the integrated-gradients truth.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.datasets import make_symbolic_classification
    >>> X, y = make_symbolic_classification(
    ...     8, n_samples=100, n_noise_features=5, random_state=0
    ... )
    >>> X.shape, np.bincount(y)
    ((100, 8), array([50, 50]))
    """
    generator = check_random_state(random_state)
    base = _make_base(
        formula, n_samples, n_noise_features, x_scale, ig_steps, generator
    )
    f = base.f
    latent = f + base.eps * noise
    if link == "threshold":
        threshold = np.median(latent)
        y = (latent > threshold).astype(np.int64)
        logit = f - threshold
        target = (
            f"``1[f(X) + N(0, 1) * {noise} > t]`` with ``t`` the median of the "
            "noisy value (balanced classes); logit ``g = f - t``"
        )
    else:
        center, spread = np.median(f), np.std(f)
        if not spread > 0:
            raise ValueError(
                f"formula {base.resolved.label} is constant on the "
                f"{n_samples} sampled inputs; link='logistic' standardizes f "
                "by its standard deviation and needs a varying f (use more "
                "samples or link='threshold')."
            )
        scale = _LOGISTIC_SCALE / spread
        logit = (f - center) * scale
        y = generator.uniform(size=n_samples) < expit((latent - center) * scale)
        y = y.astype(np.int64)
        base.ground_truth = {
            key: values * scale for key, values in base.ground_truth.items()
        }
        target = (
            f"``y ~ Bernoulli(sigmoid(g'))``, ``g' = {_LOGISTIC_SCALE:g} * "
            f"(f(X) + N(0, 1) * {noise} - median(f)) / std(f)``; logit "
            f"``g = {_LOGISTIC_SCALE:g} * (f - median(f)) / std(f)``"
        )
    if shuffle_features:
        _shuffle(base, generator)
    if return_X_y:
        return base.X, y
    descr = _descr(
        base,
        task="classification",
        target=target,
        truth_of="the logit ``g``",
        x_scale=x_scale,
        ig_steps=ig_steps,
        shuffled=shuffle_features,
    )
    return _bunch(base, descr, target=y, logit=logit)
