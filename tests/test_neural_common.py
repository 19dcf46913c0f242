"""scikit-learn's common estimator checks on the skchaos.neural estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from skchaos.neural import MLPClassifier, MLPRegressor

# Small and fast, yet able to pass the checks that need a decent fit
# (check_regressors_train: R^2 > 0.5; check_classifiers_train: accuracy > 0.83).
_SETTINGS = {"hidden_layer_sizes": (8,), "lr": 0.1, "max_epochs": 10, "random_state": 0}
ESTIMATORS = [MLPRegressor(**_SETTINGS), MLPClassifier(**_SETTINGS)]


def _expected_failed_checks(estimator):
    failed = {
        "check_no_attributes_set_in_init": (
            "skorch's NeuralNet.__init__ sets its bookkeeping attributes "
            "history_, initialized_ and virtual_params_; skorch relies on them "
            "(and on their absence before __init__ to accept module instances)."
        ),
    }
    if isinstance(estimator, MLPClassifier):
        # Deterministic, not flaky: the regressor's outputs happen to agree.
        failed["check_methods_subset_invariance"] = (
            "float32 network: one row and a batch of rows go through different "
            "BLAS kernels, so the logits differ by float32 rounding (~2e-7), "
            "above the check's absolute tolerance of 1e-7."
        )
    return failed


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
