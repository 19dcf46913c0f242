"""Feature selection by recursive elimination ranked by attributions.

:class:`AttributionRFE` trains a network, ranks the features by the
attributions of its predictions on a validation split, eliminates the weakest
and warm-starts the network on the survivors; :class:`AttributionRFECV`
chooses the number of features by cross-validation; :class:`AttributionBoruta`
keeps every feature whose attributions beat those of shadow columns (its
rows permuted), by Boruta's test.
"""

from skchaos.feature_selection._boruta import AttributionBoruta
from skchaos.feature_selection._rfe import AttributionRFE
from skchaos.feature_selection._rfecv import AttributionRFECV

__all__ = [
    "AttributionBoruta",
    "AttributionRFE",
    "AttributionRFECV",
]
