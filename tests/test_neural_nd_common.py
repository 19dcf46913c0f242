"""scikit-learn's common estimator checks on the image and audio classifiers.

The checks feed 2-D ``(n_samples, n_features)`` data, which these estimators
take as a one-row image ``(n, 1, 1, n_features)`` or a one-channel signal
``(n, 1, n_features)``; tiny networks keep them fast.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks
from test_neural_common import SKORCH_INIT_ATTRIBUTES, run_check

from skchaos.neural import (
    AudioCNNClassifier,
    AudioRNNClassifier,
    AudioTransformerClassifier,
    CNNClassifier,
)

# Small and fast (full batch), yet able to pass check_classifiers_train
# (accuracy > 0.83 on three blobs in 2-D).
_TRAINING = {"lr": 0.05, "max_epochs": 20, "batch_size": None, "random_state": 0}
ESTIMATORS = [
    CNNClassifier(channels=(4, 8), **_TRAINING),
    AudioCNNClassifier(channels=(4, 8), kernel_size=3, stride=1, **_TRAINING),
    AudioRNNClassifier(
        hidden_size=8, stem_channels=4, kernel_size=3, stride=1, **_TRAINING
    ),
    AudioTransformerClassifier(
        d_model=8,
        nhead=2,
        num_layers=1,
        dim_feedforward=16,
        stem_channels=4,
        kernel_size=3,
        stride=1,
        **_TRAINING,
    ),
]


BATCH_NORM_WEIGHTS = (
    "batch normalization averages over the rows of a batch, unweighted: a row "
    "repeated k times weighs k times in the batch statistics, a row of weight "
    "k once, so the normalized activations (and the fits) differ; the weighted "
    "loss alone is exact (the MLPs pass this check)."
)


@parametrize_with_checks(
    ESTIMATORS,
    expected_failed_checks=lambda estimator: {
        "check_no_attributes_set_in_init": SKORCH_INIT_ATTRIBUTES,
        "check_sample_weight_equivalence_on_dense_data": BATCH_NORM_WEIGHTS,
    },
)
def test_sklearn_compatible_estimator(estimator, check):
    run_check(estimator, check)
