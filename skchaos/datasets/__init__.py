"""The :mod:`skchaos.datasets` module."""

from skchaos.datasets._audio import make_audio_localization
from skchaos.datasets._image import make_image_localization
from skchaos.datasets._mixed import make_mixed
from skchaos.datasets._paper_formulas import PAPER_FORMULAS
from skchaos.datasets._random_symbolic import make_random_symbolic
from skchaos.datasets._symbolic import make_symbolic, make_symbolic_classification
from skchaos.datasets._symbolic_truth import symbolic_ground_truth

__all__ = [
    "PAPER_FORMULAS",
    "make_audio_localization",
    "make_image_localization",
    "make_mixed",
    "make_random_symbolic",
    "make_symbolic",
    "make_symbolic_classification",
    "symbolic_ground_truth",
]
