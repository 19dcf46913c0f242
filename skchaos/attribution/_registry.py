"""The registry of attribution methods that :func:`attribute` knows by name.

Each method is described once, by a ``_MethodSpec`` (``_spec.py``) in the
module of its family, grouped as in captum:

- ``_gradient_methods.py``: saliency, input x gradient, integrated gradients,
  gradient SHAP, SmoothGrad;
- ``_deeplift_methods.py``: DeepLift, DeepLift SHAP;
- ``_perturbation_methods.py``: feature ablation, feature permutation,
  occlusion, Shapley value sampling, KernelSHAP, LIME.

This module collects them and answers the questions about a method that the
rest of skchaos asks: :func:`available_methods`, :func:`method_info` and
:func:`check_method_params`, plus the names of :func:`attribute`'s own
keyword arguments (:data:`ATTRIBUTE_KWARGS`, :data:`RESERVED_PARAMS`).
:func:`attribute` has no per-method code: whatever differs between methods is
a field or a hook of the spec.

Adding a method
---------------
Edit one file, the family module (a new family is a new module, added to
``_FAMILIES`` below): append a ``_MethodSpec`` to its ``METHODS`` with

1. ``name`` and ``build`` (``build(forward_func, **init_params)`` returns the
   captum object) and ``gradient_based``;
2. its keyword arguments with their scikit-learn constraints, split into
   ``init_params`` (captum constructor) and ``call_params`` (captum
   ``attribute``), plus ``renames`` for public names that differ from
   captum's;
3. ``baselines`` (None, "single" or "distribution"), ``feature_mask``,
   ``stochastic`` and ``rescale_rules`` (DeepLift-based);
4. hooks where the defaults do not fit: ``defaults(call_params, *, X,
   batch_size, rows)`` for data-dependent defaults, ``rows_per_input(
   call_params, n_baselines)`` for how many rows one input becomes in a
   forward pass, ``min_rows``/``min_rows_error`` and
   ``min_baselines``/``min_baselines_error``.

:func:`attribute`, :func:`available_methods`, :func:`method_info`,
:func:`check_method_params`, feature selection and the benchmark pick it up
by name. Document it (its parameters under ``method`` in :func:`attribute`'s
docstring, its name in the Notes of :func:`available_methods` and in
``docs/user_guide/attribution.rst``), and test it in
``tests/test_attribution_methods.py`` (whose ``ALL_METHODS`` must list it).
"""

from typing import NamedTuple

from skchaos.attribution._deeplift_methods import METHODS as _DEEPLIFT
from skchaos.attribution._gradient_methods import METHODS as _GRADIENT
from skchaos.attribution._perturbation_methods import METHODS as _PERTURBATION

_FAMILIES = {
    "deeplift": _DEEPLIFT,
    "gradient": _GRADIENT,
    "perturbation": _PERTURBATION,
}
_REGISTRY = {spec.name: spec for specs in _FAMILIES.values() for spec in specs}
_FAMILY_OF = {
    spec.name: family for family, specs in _FAMILIES.items() for spec in specs
}

#: Keyword arguments of :func:`attribute` that a caller such as a feature
#: selector sets itself (they depend on the data or the round), so a user's
#: method parameters may not set them.
RESERVED_PARAMS = ("feature_mask", "random_state", "target")

#: Keyword arguments of :func:`attribute` that are not method parameters but
#: may travel with them (e.g. in a selector's ``attribution_params``).
ATTRIBUTE_KWARGS = ("baselines", "batch_size")


class MethodInfo(NamedTuple):
    """What an attribution method is (see :func:`method_info`)."""

    name: str
    family: str
    gradient_based: bool
    baselines: str | None
    feature_mask: bool
    stochastic: bool
    params: tuple


def available_methods():
    """List the attribution methods that :func:`attribute` accepts by name.

    Returns
    -------
    methods : list of str
        The method names, sorted alphabetically.

    See Also
    --------
    attribute : Compute attributions with one of these methods.
    method_info : What a method is (gradient-based, perturbation, ...).

    Notes
    -----
    Gradient-based methods (``deeplift``, ``deeplift_shap``,
    ``gradient_shap``, ``input_x_gradient``, ``integrated_gradients``,
    ``saliency``, ``smoothgrad``) need a differentiable torch model. The
    perturbation methods (``feature_ablation``, ``feature_permutation``,
    ``kernel_shap``, ``lime``, ``occlusion``, ``shapley_value_sampling``) only
    evaluate the model, so they also work with any fitted scikit-learn
    estimator on 2-D data.

    Examples
    --------
    >>> from skchaos.attribution import available_methods
    >>> available_methods()[:3]
    ['deeplift', 'deeplift_shap', 'feature_ablation']
    >>> "integrated_gradients" in available_methods()
    True
    """
    return sorted(_REGISTRY)


def _get_method_spec(method):
    """Return the ``_MethodSpec`` registered under ``method``."""
    if not isinstance(method, str) or method not in _REGISTRY:
        raise ValueError(
            f"method={method!r} is not a known attribution method; expected one "
            f"of: {', '.join(available_methods())}."
        )
    return _REGISTRY[method]


def method_info(method):
    """Describe an attribution method: its family and what it needs.

    Parameters
    ----------
    method : str
        A name from :func:`available_methods`.

    Returns
    -------
    info : MethodInfo
        A named tuple with the fields:

        - ``name`` : str, the method name;
        - ``family`` : {"gradient", "deeplift", "perturbation"}, its family
          as in captum (DeepLift methods back-propagate too);
        - ``gradient_based`` : bool, whether it back-propagates, so it needs
          a differentiable torch model (a skorch net, a pipeline ending in
          one, or a ``torch.nn.Module``). The other methods are perturbation
          methods: they only evaluate the model and accept any fitted
          scikit-learn estimator on 2-D data;
        - ``baselines`` : {None, "single", "distribution"}, whether it takes
          ``baselines``: none, one reference per row, or a set of reference
          rows;
        - ``feature_mask`` : bool, whether it perturbs each group of a
          ``feature_mask`` as a whole (gradient methods instead sum the
          attributions within each group, and ``occlusion`` rejects a mask);
        - ``stochastic`` : bool, whether it draws random numbers (seeded by
          ``random_state``);
        - ``params`` : tuple of str, the method parameters it accepts, sorted.

    Raises
    ------
    ValueError
        If ``method`` is not a known method.

    See Also
    --------
    available_methods : The method names.
    check_method_params : Validate a method's parameters.

    Examples
    --------
    >>> from skchaos.attribution import method_info
    >>> info = method_info("integrated_gradients")
    >>> info.family, info.gradient_based, info.baselines
    ('gradient', True, 'single')
    >>> info.params
    ('integration_method', 'internal_batch_size', 'multiply_by_inputs', 'n_steps')
    >>> method_info("feature_ablation").gradient_based
    False
    """
    spec = _get_method_spec(method)
    return MethodInfo(
        name=spec.name,
        family=_FAMILY_OF[spec.name],
        gradient_based=spec.gradient_based,
        baselines=spec.baselines,
        feature_mask=spec.feature_mask,
        stochastic=spec.stochastic,
        params=spec.params,
    )


def check_method_params(method, params):
    """Validate a method name and its parameters, before any computation.

    The check :func:`attribute` makes first, for callers that store a method
    and its parameters to use later (a feature selector, a benchmark grid)
    and want the same errors at construction time.

    Parameters
    ----------
    method : str
        A name from :func:`available_methods`.
    params : dict or None
        The method's own keyword arguments (``**method_params`` of
        :func:`attribute`). The keyword arguments of :func:`attribute` itself
        (:data:`ATTRIBUTE_KWARGS`, :data:`RESERVED_PARAMS`) are not method
        parameters: remove them first.

    Returns
    -------
    params : dict
        A copy of ``params``, valid for ``method``.

    Raises
    ------
    ValueError
        If ``method`` is unknown, or a parameter has a bad value
        (scikit-learn's ``InvalidParameterError``, a ValueError).
    TypeError
        If a parameter name is not accepted by ``method``; the message lists
        the accepted ones.

    See Also
    --------
    method_info : The accepted parameters of a method, among others.

    Examples
    --------
    >>> from skchaos.attribution import ATTRIBUTE_KWARGS, check_method_params
    >>> check_method_params("integrated_gradients", {"n_steps": 20})
    {'n_steps': 20}
    >>> check_method_params("saliency", {"n_steps": 20})
    Traceback (most recent call last):
        ...
    TypeError: attribute() got unexpected keyword argument(s) 'n_steps' for \
method='saliency'; the keyword arguments it accepts are: abs.
    >>> params = {"batch_size": 64, "n_samples": 10}
    >>> check_method_params(
    ...     "kernel_shap",
    ...     {k: v for k, v in params.items() if k not in ATTRIBUTE_KWARGS},
    ... )
    {'n_samples': 10}
    """
    params = {} if params is None else dict(params)
    _get_method_spec(method).split_params(params)
    return params
