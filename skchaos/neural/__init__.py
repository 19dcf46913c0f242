"""Neural-network estimators: PyTorch models trained with skorch.

:class:`MLPRegressor` and :class:`MLPClassifier` are scikit-learn estimators
(and skorch nets) around :class:`MLP`, the ChaosMining network. They train on
device-resident tensors through :class:`TensorBatchDataset` and
:class:`TensorBatchIterator`, without per-sample collation. A fit whose
training loss stops being finite raises :class:`TrainingDivergedError`.
"""

from skchaos.neural._audio import (
    AudioCNNClassifier,
    AudioRNNClassifier,
    AudioTransformerClassifier,
)
from skchaos.neural._audio_modules import AudioCNN, AudioRNN, AudioTransformer
from skchaos.neural._iterators import TensorBatchDataset, TensorBatchIterator
from skchaos.neural._layers import ConvStem1d
from skchaos.neural._mlp import MLPClassifier, MLPRegressor
from skchaos.neural._modules import MLP
from skchaos.neural._subset import InputSubset
from skchaos.neural._training import TrainingDivergedError
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
    "InputSubset",
    "MLP",
    "MLPClassifier",
    "MLPRegressor",
    "ResidualBlock",
    "ResidualCNN",
    "TensorBatchDataset",
    "TensorBatchIterator",
    "TrainingDivergedError",
]
