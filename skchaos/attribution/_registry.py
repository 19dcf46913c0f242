"""The registry of attribution methods that :func:`attribute` knows by name.

Each entry records how to build the captum object, which keyword arguments go
to its constructor and which to its ``attribute`` call (with their allowed
values), and the properties :func:`attribute` needs to route the other
arguments: whether the method needs gradients, takes baselines or a feature
mask, draws random numbers, and how much it multiplies each batch.
"""

from dataclasses import dataclass, field
from numbers import Integral, Real

from captum.attr import (
    DeepLift,
    DeepLiftShap,
    FeatureAblation,
    FeaturePermutation,
    GradientShap,
    InputXGradient,
    IntegratedGradients,
    KernelShap,
    Lime,
    NoiseTunnel,
    Occlusion,
    Saliency,
    ShapleyValueSampling,
)
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    StrOptions,
    validate_parameter_constraints,
)

_POSITIVE_INT = Interval(Integral, 1, None, closed="left")
_NON_NEGATIVE = Interval(Real, 0, None, closed="left")
_PERTURBATIONS = {"perturbations_per_eval": [_POSITIVE_INT]}
_MULTIPLY = {"multiply_by_inputs": ["boolean"]}
_IG_METHODS = {
    "gausslegendre",
    "riemann_left",
    "riemann_middle",
    "riemann_right",
    "riemann_trapezoid",
}


def _one(params):
    return 1


def _per_eval(params):
    return params.get("perturbations_per_eval", 1)


def _noise_tunnel_saliency(forward_func):
    return NoiseTunnel(Saliency(forward_func))


@dataclass(frozen=True)
class _MethodSpec:
    """What :func:`attribute` needs to know about one method.

    Attributes
    ----------
    name : str
        The public name.
    build : callable
        ``build(forward_func, **init_params)`` returns the captum object.
    gradient_based : bool
        Whether the method back-propagates (needs a differentiable torch model).
    baselines : {None, "single", "distribution"}
        None: no baselines. "single": one reference per row (a scalar, one
        sample, or one row per sample; captum's default is zero). "distribution":
        a set of reference rows shared by all samples.
    feature_mask : bool
        Whether captum groups features with ``feature_mask``.
    stochastic : bool
        Whether the method (or its default baselines) draws random numbers.
    init_params, call_params : dict
        Accepted keyword arguments for the constructor and for ``attribute``,
        mapped to scikit-learn parameter constraints.
    expansion : callable
        ``expansion(call_params)`` gives how many network rows one input row
        becomes in a single forward pass (e.g. ``perturbations_per_eval``).
    rescale_rules : bool
        Whether the method is DeepLift-based (needs the rescale table).
    renames : dict
        Public keyword names that differ from captum's (``{public: captum}``),
        e.g. integrated gradients' ``method``, which would clash with
        :func:`attribute`'s own ``method``.
    """

    name: str
    build: object
    gradient_based: bool
    baselines: str | None = None
    feature_mask: bool = False
    stochastic: bool = False
    init_params: dict = field(default_factory=dict)
    call_params: dict = field(default_factory=dict)
    expansion: object = _one
    rescale_rules: bool = False
    renames: dict = field(default_factory=dict)

    @property
    def accepts_internal_batch_size(self):
        """Whether captum batches the method's expanded rows itself."""
        return "internal_batch_size" in self.call_params

    def split_params(self, method_params):
        """Check ``method_params`` and split them by destination.

        Returns ``(init_params, call_params)``. Unknown names raise TypeError
        listing the accepted ones; bad values raise ValueError (scikit-learn's
        ``InvalidParameterError``).
        """
        accepted = {**self.init_params, **self.call_params}
        unknown = sorted(set(method_params) - set(accepted))
        if unknown:
            names = ", ".join(repr(name) for name in unknown)
            allowed = ", ".join(sorted(accepted)) or "none"
            raise TypeError(
                f"attribute() got unexpected keyword argument(s) {names} for "
                f"method={self.name!r}; the keyword arguments it accepts are: "
                f"{allowed}."
            )
        validate_parameter_constraints(
            accepted, method_params, caller_name=f"attribute(method={self.name!r})"
        )
        init = {k: v for k, v in method_params.items() if k in self.init_params}
        call = {
            self.renames.get(k, k): v
            for k, v in method_params.items()
            if k in self.call_params
        }
        return init, call


_SPECS = (
    _MethodSpec(
        "saliency", Saliency, gradient_based=True, call_params={"abs": ["boolean"]}
    ),
    _MethodSpec("input_x_gradient", InputXGradient, gradient_based=True),
    _MethodSpec(
        "integrated_gradients",
        IntegratedGradients,
        gradient_based=True,
        baselines="single",
        init_params=_MULTIPLY,
        call_params={
            "n_steps": [_POSITIVE_INT],
            "integration_method": [StrOptions(_IG_METHODS)],
            "internal_batch_size": [_POSITIVE_INT, None],
        },
        renames={"integration_method": "method"},
    ),
    _MethodSpec(
        "deeplift",
        DeepLift,
        gradient_based=True,
        baselines="single",
        init_params={
            **_MULTIPLY,
            "eps": [Interval(Real, 0, None, closed="neither")],
        },
        rescale_rules=True,
    ),
    _MethodSpec(
        "deeplift_shap",
        DeepLiftShap,
        gradient_based=True,
        baselines="distribution",
        stochastic=True,
        init_params=_MULTIPLY,
        rescale_rules=True,
    ),
    _MethodSpec(
        "gradient_shap",
        GradientShap,
        gradient_based=True,
        baselines="distribution",
        stochastic=True,
        init_params=_MULTIPLY,
        call_params={"n_samples": [_POSITIVE_INT], "stdevs": [_NON_NEGATIVE]},
        expansion=lambda params: params.get("n_samples", 5),
    ),
    _MethodSpec(
        "feature_ablation",
        FeatureAblation,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        call_params=_PERTURBATIONS,
        expansion=_per_eval,
    ),
    _MethodSpec(
        "feature_permutation",
        FeaturePermutation,
        gradient_based=False,
        feature_mask=True,
        stochastic=True,
        call_params=_PERTURBATIONS,
        expansion=_per_eval,
    ),
    _MethodSpec(
        "shapley_value_sampling",
        ShapleyValueSampling,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        stochastic=True,
        call_params={"n_samples": [_POSITIVE_INT], **_PERTURBATIONS},
        expansion=_per_eval,
    ),
    _MethodSpec(
        "kernel_shap",
        KernelShap,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        stochastic=True,
        call_params={"n_samples": [_POSITIVE_INT], **_PERTURBATIONS},
    ),
    _MethodSpec(
        "lime",
        Lime,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        stochastic=True,
        init_params={
            "interpretable_model": [HasMethods(["fit", "representation"]), None],
            "similarity_func": [callable, None],
            "perturb_func": [callable, None],
        },
        call_params={"n_samples": [_POSITIVE_INT], **_PERTURBATIONS},
    ),
    _MethodSpec(
        "occlusion",
        Occlusion,
        gradient_based=False,
        baselines="single",
        call_params={
            "sliding_window_shapes": [tuple, list],
            "strides": [_POSITIVE_INT, tuple, list, None],
            **_PERTURBATIONS,
        },
        expansion=_per_eval,
    ),
    _MethodSpec(
        "smoothgrad",
        _noise_tunnel_saliency,
        gradient_based=True,
        stochastic=True,
        call_params={
            "nt_samples": [_POSITIVE_INT],
            "nt_samples_batch_size": [_POSITIVE_INT, None],
            "stdevs": [_NON_NEGATIVE],
            "abs": ["boolean"],
        },
    ),
)

_REGISTRY = {spec.name: spec for spec in _SPECS}


def available_methods():
    """List the attribution methods that :func:`attribute` accepts by name.

    Returns
    -------
    methods : list of str
        The method names, sorted alphabetically.

    See Also
    --------
    attribute : Compute attributions with one of these methods.

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
    """Return the :class:`_MethodSpec` registered under ``method``."""
    if not isinstance(method, str) or method not in _REGISTRY:
        raise ValueError(
            f"method={method!r} is not a known attribution method; expected one "
            f"of: {', '.join(available_methods())}."
        )
    return _REGISTRY[method]
