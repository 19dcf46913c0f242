"""DeepLift methods: DeepLift and DeepLift SHAP.

They back-propagate multipliers with captum's rescale rule, which
``skchaos.attribution._deeplift`` extends to the elementwise activations
captum lacks (``rescale_rules=True``). Each entry of :data:`METHODS` is
collected by ``skchaos.attribution._registry``.
"""

from numbers import Real

from captum.attr import DeepLift, DeepLiftShap
from sklearn.utils._param_validation import Interval

from skchaos.attribution._spec import MULTIPLY, _MethodSpec

METHODS = (
    _MethodSpec(
        "deeplift",
        DeepLift,
        gradient_based=True,
        baselines="single",
        init_params={
            **MULTIPLY,
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
        init_params=MULTIPLY,
        rescale_rules=True,
        # captum runs DeepLift once per baseline row on a copy of each input
        rows_per_input=lambda params, n_baselines: n_baselines,
        min_baselines=2,
        min_baselines_error=(
            "averages DeepLift over a distribution of at least {min_baselines} "
            "baseline rows; got {n_baselines}. Pass more rows, or use "
            "method='deeplift' for a single baseline."
        ),
    ),
)
