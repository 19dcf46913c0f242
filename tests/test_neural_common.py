"""scikit-learn's common estimator checks on the skchaos.neural estimators."""

import re

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skchaos.neural import MLPClassifier, MLPRegressor

# Small and fast, yet able to pass the checks that need a decent fit
# (check_regressors_train: R^2 > 0.5; check_classifiers_train: accuracy > 0.83).
_SETTINGS = {"hidden_layer_sizes": (8,), "lr": 0.1, "max_epochs": 10, "random_state": 0}
ESTIMATORS = [
    MLPRegressor(**_SETTINGS),
    MLPClassifier(**_SETTINGS),
    # The checks' tiny data sets (down to 20 rows of 3 classes) hold out
    # validation rows too.
    MLPRegressor(early_stopping=True, **_SETTINGS),
    MLPClassifier(early_stopping=True, **_SETTINGS),
]

SKORCH_INIT_ATTRIBUTES = (
    "skorch's NeuralNet.__init__ sets its bookkeeping attributes history_, "
    "initialized_ and virtual_params_; skorch relies on them (and on their "
    "absence before __init__ to accept module instances)."
)

# The largest difference float32 rounding explains; larger ones still fail.
_FLOAT32_ROUNDING = 1e-5


# The checks whose float32 rounding is an expected failure: the message of
# their assertion, and why the outputs differ.
_ROUNDING_CHECKS = {
    "check_methods_subset_invariance": (
        "not invariant when applied to a subset",
        "one row and a batch of rows go through different kernels",
    ),
    "check_sample_weight_equivalence_on_dense_data": (
        "Max absolute difference",
        "a weighted mean loss and the mean over repeated rows sum in another order",
    ),
}


def run_check(estimator, check):
    """Run a common check; xfail only float32 rounding in two of them.

    ``check_methods_subset_invariance`` compares predictions on a batch and
    on its rows one by one with ``atol=1e-7``. A float32 network computes
    one row and a batch of rows with different BLAS, convolution and matmul
    kernels, so its outputs differ by rounding (observed up to about 6e-6).
    ``check_sample_weight_equivalence_on_dense_data`` compares a fit with
    integer weights and a fit on repeated rows with ``rtol=1e-7``; the
    weighted loss is the same mean, summed in another order (observed about
    1e-7). Only those assertions, with differences up to 1e-5, are expected
    failures. Any other failure of a check fails the test.
    """
    name = getattr(check, "func", check).__name__
    if name not in _ROUNDING_CHECKS:
        check(estimator)
        return
    expected, why = _ROUNDING_CHECKS[name]
    try:
        check(estimator)
    except AssertionError as exc:
        message = str(exc)
        worst = re.search(r"Max absolute difference among violations: (\S+)", message)
        if expected not in message or worst is None:
            raise
        worst = float(worst.group(1))
        assert worst <= _FLOAT32_ROUNDING, message
        pytest.xfail(
            f"float32 network: {why}, so the outputs differ by float32 rounding "
            f"(here {worst:.1e}), above the check's tolerance."
        )


EARLY_STOPPING_SPLIT = (
    "early_stopping=True holds out a random fraction of the rows: a row "
    "repeated k times can land on both sides of that split, a row of weight k "
    "on one side only, so the two fits train on different rows (the weighted "
    "losses themselves agree: the same check passes without early stopping)."
)


def expected_failures(estimator):
    """The common checks each neural estimator is known to fail, with why."""
    failures = {"check_no_attributes_set_in_init": SKORCH_INIT_ATTRIBUTES}
    if getattr(estimator, "early_stopping", False):
        failures["check_sample_weight_equivalence_on_dense_data"] = EARLY_STOPPING_SPLIT
    return failures


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failures)
def test_sklearn_compatible_estimator(estimator, check):
    run_check(estimator, check)
