"""The minimal-optimal set that ``AttributionBoruta(confirm_minimal=True)`` confirms.

A smallest sufficient set is part of the all-relevant set: before its
iterations, :class:`~skchaos.feature_selection.AttributionBoruta` runs
:class:`~skchaos.feature_selection.AttributionRFE`'s elimination path on the
same rows and confirms the units of the set it selects that the selecting
network uses on held-out rows
(:func:`~skchaos.feature_selection._usefulness.usefulness`).
"""

from skchaos.feature_selection._rfe import AttributionRFE
from skchaos.feature_selection._round_training import RoundTraining

# The held-out usefulness z (one-sided) a unit of the minimal-optimal set
# needs to be confirmed before the iterations (``confirm_minimal``). Chosen
# on development data (benchmarks/results/dev/boruta-dev.md, twelfth round):
# 2.5 confirms a weak variable that 3 left out, 2 a noise column.
CONFIRM_Z = 2.5

# The warm rounds' patience of that path (``RoundTraining(patience=...)``):
# the net's own, as on the draws AttributionBoruta's defaults were chosen and
# reported on (a development knob: dev_boruta.py's min_patience_auto).
MINIMAL_PATIENCE = None

# Whether that path's first network trains on while no better than a
# constant (``RoundTraining(until_learned=...)``): not, as on the draws
# AttributionBoruta's defaults were chosen and reported on. On the
# low-signal development formulas it changed no selection and took 1.8
# times the CPU (results/dev/until-learned-L-dev.jsonl).
MINIMAL_UNTIL_LEARNED = False

# The learning rate of that path's first network, as a multiple of the
# net's (``RoundTraining(first_lr_factor=...)``): the net's own, as on the
# draws AttributionBoruta's defaults were chosen and reported on (the faster
# first network of AttributionRFE was chosen on its draws, not on these).
MINIMAL_FIRST_LR_FACTOR = 1.0


def minimal_useful_units(selector, X, y, rng, sample_weight=None, groups=None):
    """The useful units of ``AttributionRFE``'s minimal-optimal set.

    Parameters
    ----------
    selector : AttributionBoruta
        Lends its estimator, attribution, attribution parameters,
        aggregation, groups, random state and verbosity to the path.
    X, y : ndarray
        The selector's validated training data.
    rng : numpy.random.RandomState
        The selector's one random state (the path draws from it).
    sample_weight, groups : ndarray or None
        As in the selector's ``fit``.

    Returns
    -------
    units : ndarray of int
        The units of the selected round whose held-out usefulness z is at
        least :data:`CONFIRM_Z`; none when the usefulness was not measured
        (a custom scoring, or a set of more than
        :data:`~skchaos.feature_selection._path.USEFUL_MAX_UNITS` units).
    """
    rfe = AttributionRFE(
        selector.estimator,
        attribution=selector.attribution,
        attribution_params=selector.attribution_params,
        importance_aggregation=selector.importance_aggregation,
        feature_groups=selector.feature_groups,
        refit=True,  # nothing is refitted; the path keeps no network
        round_training=RoundTraining(
            patience=MINIMAL_PATIENCE,
            until_learned=MINIMAL_UNTIL_LEARNED,
            first_lr_factor=MINIMAL_FIRST_LR_FACTOR,
        ),
        random_state=selector.random_state,
        verbose=selector.verbose,
    )
    X, y, setup = rfe._setup(X, y)
    path, chosen = rfe._eliminate(
        X, y, setup, rng, sample_weight, groups, usefulness=True
    )
    useful = path.usefulness[chosen]
    if useful is None:  # a custom scoring, or a large set: left to the test
        return path.units[chosen][:0]
    return path.units[chosen][useful >= CONFIRM_Z]
