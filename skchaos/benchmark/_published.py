"""The paper's published figures, and the checks every results view shares.

Both :mod:`~skchaos.benchmark._report` (tables) and
:mod:`~skchaos.benchmark._plots` (figures) read a results table of
:func:`~skchaos.benchmark.run_benchmark`; what they share lives here, so that
neither imports the other at import time.
"""

import pandas as pd

from skchaos.benchmark._cell import coerce_results

#: Where the published figures come from.
PUBLISHED_SOURCE = (
    "ChaosMining (Shi, Kan, Smucny and Davidson, 2024, arXiv:2406.12150), the "
    "authors' published result files: symbolic functional data, the paper's "
    "MLP, sigma_y = 0.01, averaged over the 15 formulas"
)

# (metric, n_noise_features) -> {method: value}; "prediction" is the
# prediction uniform score ("Pred").
_PUBLISHED = {
    ("us", 0): {
        "prediction": 0.972,
        "saliency": 0.601,
        "integrated_gradients": 0.829,
        "feature_ablation": 0.841,
    },
    ("us", 50): {
        "prediction": 0.894,
        "saliency": 0.517,
        "integrated_gradients": 0.690,
        "feature_ablation": 0.649,
    },
    ("us", 100): {
        "prediction": 0.823,
        "saliency": 0.419,
        "integrated_gradients": 0.563,
        "feature_ablation": 0.490,
    },
    ("us", 150): {
        "prediction": 0.736,
        "saliency": 0.297,
        "integrated_gradients": 0.403,
        "feature_ablation": 0.326,
    },
    ("us", 200): {
        "prediction": 0.679,
        "saliency": 0.219,
        "integrated_gradients": 0.290,
        "feature_ablation": 0.230,
    },
    ("fprec", 100): {
        "saliency": 0.822,
        "deeplift": 0.690,
        "integrated_gradients": 0.719,
        "feature_ablation": 0.665,
    },
    ("fprec", 200): {
        "saliency": 0.627,
        "deeplift": 0.462,
        "integrated_gradients": 0.505,
        "feature_ablation": 0.416,
    },
}
_PUBLISHED_NOISE = 0.01
_PAPER_EPOCHS = 1000
_PAPER_N_FORMULAS = 15  # the published figures average all 15 formulas
_METRICS = {"us": "US", "fprec": "FPrec"}
_AXES = ("model", "n_samples", "noise", "n_noise_features")
_AXIS_LABELS = {
    "n_noise_features": "number of noise features",
    "noise": "label noise sigma_y",
    "n_samples": "number of samples",
}


def published_results():
    """The ChaosMining paper's published symbolic-benchmark figures.

    Returns
    -------
    published : pandas.DataFrame
        Columns ``metric`` (``"us"`` or ``"fprec"``), ``n_noise_features``,
        ``noise`` (0.01), ``method`` (``"prediction"`` is the prediction
        uniform score, the paper's "Pred") and ``value``. The source is in
        ``published.attrs["source"]``.

    See Also
    --------
    compare_with_paper : Our figures next to these.

    Notes
    -----
    The figures come from the authors' published result files (arXiv
    2406.12150): the paper's MLP on the symbolic data with sigma_y = 0.01,
    averaged over the 15 formulas. The uniform scores are published for 0,
    50, 100, 150 and 200 noise features; functional precision for 100 and
    200.

    Examples
    --------
    >>> from skchaos.benchmark import published_results
    >>> published = published_results()
    >>> published.query("metric == 'us' and n_noise_features == 100")
        metric  n_noise_features  noise                method  value
    8       us               100   0.01            prediction  0.823
    9       us               100   0.01              saliency  0.419
    10      us               100   0.01  integrated_gradients  0.563
    11      us               100   0.01      feature_ablation  0.490
    """
    rows = [
        {
            "metric": metric,
            "n_noise_features": n_noise,
            "noise": _PUBLISHED_NOISE,
            "method": method,
            "value": value,
        }
        for (metric, n_noise), values in _PUBLISHED.items()
        for method, value in values.items()
    ]
    published = pd.DataFrame(rows)
    published.attrs["source"] = PUBLISHED_SOURCE
    return published


def _check_results(results):
    if not isinstance(results, pd.DataFrame):
        raise TypeError(
            f"results has type {type(results).__name__}; expected the "
            "pandas.DataFrame returned by run_benchmark (or read from its CSV)."
        )
    return coerce_results(results)


def _check_choice(value, name, choices):
    if value not in choices:
        raise ValueError(
            f"{name}={value!r} is invalid; expected one of {list(choices)}."
        )


def _ok(results):
    return results[results["error"].isna()]


def _method_order(results):
    return list(dict.fromkeys(results["method"]))
