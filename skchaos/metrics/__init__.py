"""The :mod:`skchaos.metrics` module."""

from skchaos.metrics._attribution import (
    functional_precision_score,
    uniformity_score,
)
from skchaos.metrics._localization import (
    channel_localization_score,
    localization_iou_score,
    pointing_game_score,
)
from skchaos.metrics._selection import (
    selection_f1_score,
    selection_precision_score,
    selection_recall_score,
)

__all__ = [
    "channel_localization_score",
    "functional_precision_score",
    "localization_iou_score",
    "pointing_game_score",
    "selection_f1_score",
    "selection_precision_score",
    "selection_recall_score",
    "uniformity_score",
]
