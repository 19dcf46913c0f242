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


def run_check(estimator, check):
    """Run a common check; xfail only the float32 rounding of subset invariance.

    ``check_methods_subset_invariance`` compares predictions on a batch and
    on its rows one by one with ``atol=1e-7``. A float32 network computes
    one row and a batch of rows with different BLAS, convolution and matmul
    kernels, so its outputs differ by rounding (observed up to about 6e-6); only
    that assertion, with differences up to 1e-5, is an expected failure.
    Any other failure of the check fails the test.
    """
    if getattr(check, "func", check).__name__ != "check_methods_subset_invariance":
        check(estimator)
        return
    try:
        check(estimator)
    except AssertionError as exc:
        message = str(exc)
        worst = re.search(r"Max absolute difference among violations: (\S+)", message)
        if "not invariant when applied to a subset" not in message or worst is None:
            raise
        worst = float(worst.group(1))
        assert worst <= _FLOAT32_ROUNDING, message
        pytest.xfail(
            "float32 network: one row and a batch of rows go through different "
            "kernels, so the outputs differ by float32 rounding (observed up to "
            f"about 6e-6, here {worst:.1e}), above the check's absolute tolerance "
            "of 1e-7."
        )


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda estimator: {
        "check_no_attributes_set_in_init": SKORCH_INIT_ATTRIBUTES
    },
)
def test_sklearn_compatible_estimator(estimator, check):
    run_check(estimator, check)
