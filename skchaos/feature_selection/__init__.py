"""Feature selection by recursive elimination ranked by attributions.

:class:`AttributionRFE` trains a network, ranks the features by the
attributions of its predictions on a validation split, eliminates the weakest
and warm-starts the network on the survivors; :class:`AttributionRFECV`
chooses the number of features by cross-validation; :class:`AttributionBoruta`
keeps every feature whose attributions beat those of shadow columns (its
rows permuted), by Boruta's test.

Where each piece lives (for contributors; all private modules):

- the selectors: ``_rfe.py``, ``_rfecv.py``, ``_boruta.py`` (their
  parameters, ``fit`` and fitted attributes only);
- what they share before training: ``_setup.py`` (validation of the data,
  the net and the metadata; the refit), ``_units.py`` (features, groups,
  channels), ``_encoded.py`` (a ``ColumnTransformer`` pipeline: selection
  by the table's own columns), ``_rows.py`` (the row splits and the
  standardization), ``_nets.py`` (nets a user already has);
- the elimination loop: ``_path.py``, its size rules ``_size_rule.py``;
- the shadow test: ``_shadow.py``; AttributionBoruta's iterations
  ``_boruta_steps.py`` and its per-fit penalty ``_penalty_choice.py``;
- the warm start and round training: ``_warm_start.py``, the user's
  choices of it ``_round_training.py`` (:class:`RoundTraining`), the net
  parameters of the rounds alone ``_round_params.py``; the refit that
  continues the selected round's network ``_warm_refit.py``;
- the attribution dispatch and aggregation: ``_importance.py``; the scores
  ``_scoring.py``; progress bars ``_progress.py``; the mixin that predicts
  with the selected features ``_selected.py``; plots ``_plotting.py``.
"""

from skchaos.feature_selection._boruta import AttributionBoruta
from skchaos.feature_selection._rfe import AttributionRFE
from skchaos.feature_selection._rfecv import AttributionRFECV
from skchaos.feature_selection._round_training import RoundTraining

__all__ = [
    "AttributionBoruta",
    "AttributionRFE",
    "AttributionRFECV",
    "RoundTraining",
]
