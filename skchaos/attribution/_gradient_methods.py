"""Gradient methods: saliency, input x gradient, integrated gradients,
gradient SHAP and SmoothGrad.

They back-propagate the output to the input, so they need a differentiable
torch model. Each entry of :data:`METHODS` is collected by
``skchaos.attribution._registry``.
"""

from captum.attr import (
    GradientShap,
    InputXGradient,
    IntegratedGradients,
    NoiseTunnel,
    Saliency,
)
from sklearn.utils._param_validation import StrOptions

from skchaos.attribution._spec import (
    MULTIPLY,
    NON_NEGATIVE,
    POSITIVE_INT,
    _MethodSpec,
)

_IG_METHODS = {
    "gausslegendre",
    "riemann_left",
    "riemann_middle",
    "riemann_right",
    "riemann_trapezoid",
}
# SmoothGrad's default noise level, as a fraction of X's range (Smilkov et al.
# recommend 10-20%).
_SMOOTHGRAD_NOISE = 0.15


def _integrated_gradients_defaults(params, *, X, batch_size, rows):
    # captum evaluates the path points in passes of internal_batch_size rows
    params = dict(params)
    params.setdefault("internal_batch_size", batch_size)
    return params


def _noise_tunnel_saliency(forward_func):
    return NoiseTunnel(Saliency(forward_func))


def _smoothgrad_defaults(params, *, X, batch_size, rows):
    params = dict(params)
    params.setdefault("nt_type", "smoothgrad")
    nt_samples = params.get("nt_samples", 5)
    params.setdefault(
        "nt_samples_batch_size", max(1, min(nt_samples, batch_size // rows))
    )
    if "stdevs" not in params:
        span = float(X.max() - X.min())
        params["stdevs"] = _SMOOTHGRAD_NOISE * (span if span > 0 else 1.0)
    return params


METHODS = (
    _MethodSpec(
        "saliency", Saliency, gradient_based=True, call_params={"abs": ["boolean"]}
    ),
    _MethodSpec("input_x_gradient", InputXGradient, gradient_based=True),
    _MethodSpec(
        "integrated_gradients",
        IntegratedGradients,
        gradient_based=True,
        baselines="single",
        init_params=MULTIPLY,
        call_params={
            "n_steps": [POSITIVE_INT],
            "integration_method": [StrOptions(_IG_METHODS)],
            "internal_batch_size": [POSITIVE_INT, None],
        },
        renames={"integration_method": "method"},
        defaults=_integrated_gradients_defaults,
    ),
    _MethodSpec(
        "gradient_shap",
        GradientShap,
        gradient_based=True,
        baselines="distribution",
        stochastic=True,
        init_params=MULTIPLY,
        call_params={"n_samples": [POSITIVE_INT], "stdevs": [NON_NEGATIVE]},
        rows_per_input=lambda params, n_baselines: params.get("n_samples", 5),
    ),
    _MethodSpec(
        "smoothgrad",
        _noise_tunnel_saliency,
        gradient_based=True,
        stochastic=True,
        call_params={
            "nt_samples": [POSITIVE_INT],
            "nt_samples_batch_size": [POSITIVE_INT, None],
            "stdevs": [NON_NEGATIVE],
            "abs": ["boolean"],
        },
        defaults=_smoothgrad_defaults,
    ),
)
