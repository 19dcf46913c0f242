"""Perturbation methods: feature ablation and permutation, occlusion, Shapley
value sampling, KernelSHAP and LIME.

They only evaluate the model on perturbed copies of the input, so they work
with any fitted estimator on 2-D data (not only torch models). Each entry of
:data:`METHODS` is collected by ``skchaos.attribution._registry``.
"""

from captum.attr import (
    FeatureAblation,
    FeaturePermutation,
    KernelShap,
    Lime,
    Occlusion,
    ShapleyValueSampling,
)
from sklearn.utils._param_validation import HasMethods

from skchaos.attribution._spec import (
    PERTURBATIONS,
    POSITIVE_INT,
    _MethodSpec,
    is_index,
)


def _per_eval(params, n_baselines):
    return params.get("perturbations_per_eval", 1)


def _one_row_at_a_time_defaults(params, *, X, batch_size, rows):
    # captum explains kernel_shap and lime one row at a time: evaluate all of
    # a row's perturbations in one pass (up to batch_size) instead of one by one.
    params = dict(params)
    n_samples = params.get("n_samples", 25)
    params.setdefault("perturbations_per_eval", max(1, min(n_samples, batch_size)))
    return params


def _occlusion_defaults(params, *, X, batch_size, rows):
    params = dict(params)
    sample_shape = tuple(X.shape[1:])
    window = tuple(params.get("sliding_window_shapes", (1,) * len(sample_shape)))
    if len(window) != len(sample_shape) or not all(
        is_index(w) and 1 <= w <= s for w, s in zip(window, sample_shape)
    ):
        raise ValueError(
            f"sliding_window_shapes={window!r} must be a tuple of "
            f"{len(sample_shape)} positive ints no larger than the sample "
            f"shape {sample_shape}."
        )
    params["sliding_window_shapes"] = window
    if isinstance(params.get("strides"), list):
        params["strides"] = tuple(params["strides"])
    return params


_SAMPLED = {"n_samples": [POSITIVE_INT], **PERTURBATIONS}

METHODS = (
    _MethodSpec(
        "feature_ablation",
        FeatureAblation,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        call_params=PERTURBATIONS,
        rows_per_input=_per_eval,
    ),
    _MethodSpec(
        "feature_permutation",
        FeaturePermutation,
        gradient_based=False,
        feature_mask=True,
        stochastic=True,
        call_params=PERTURBATIONS,
        rows_per_input=_per_eval,
        min_rows=2,
        min_rows_error=(
            "permutes features across rows, so X needs at least {min_rows} "
            "rows; got {n_samples}."
        ),
    ),
    _MethodSpec(
        "shapley_value_sampling",
        ShapleyValueSampling,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        stochastic=True,
        call_params=_SAMPLED,
        rows_per_input=_per_eval,
    ),
    _MethodSpec(
        "kernel_shap",
        KernelShap,
        gradient_based=False,
        baselines="single",
        feature_mask=True,
        stochastic=True,
        call_params=_SAMPLED,
        defaults=_one_row_at_a_time_defaults,
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
        call_params=_SAMPLED,
        defaults=_one_row_at_a_time_defaults,
    ),
    _MethodSpec(
        "occlusion",
        Occlusion,
        gradient_based=False,
        baselines="single",
        call_params={
            "sliding_window_shapes": [tuple, list],
            "strides": [POSITIVE_INT, tuple, list, None],
            **PERTURBATIONS,
        },
        rows_per_input=_per_eval,
        defaults=_occlusion_defaults,
    ),
)
