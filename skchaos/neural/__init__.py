"""Neural-network estimators: PyTorch models trained with skorch.

:class:`MLPRegressor` and :class:`MLPClassifier` are scikit-learn estimators
(and skorch nets) around :class:`MLP`, the ChaosMining network. They train on
device-resident tensors through :class:`TensorBatchDataset` and
:class:`TensorBatchIterator`, without per-sample collation.
"""

from skchaos.neural._audio import (
    AudioCNN,
    AudioCNNClassifier,
    AudioRNN,
    AudioRNNClassifier,
    AudioTransformer,
    AudioTransformerClassifier,
    ConvStem1d,
)
from skchaos.neural._iterators import TensorBatchDataset, TensorBatchIterator
from skchaos.neural._mlp import MLPClassifier, MLPRegressor
from skchaos.neural._modules import MLP
from skchaos.neural._vision import CNNClassifier, ResidualBlock, ResidualCNN

__all__ = [
    "AudioCNN",
    "AudioCNNClassifier",
    "AudioRNN",
    "AudioRNNClassifier",
    "AudioTransformer",
    "AudioTransformerClassifier",
    "CNNClassifier",
    "ConvStem1d",
    "MLP",
    "MLPClassifier",
    "MLPRegressor",
    "ResidualBlock",
    "ResidualCNN",
    "TensorBatchDataset",
    "TensorBatchIterator",
]
