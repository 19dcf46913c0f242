"""How the networks of an elimination path train: one documented object.

:class:`RoundTraining` groups what used to be four parameters of
:class:`~skchaos.feature_selection.AttributionRFE` and
:class:`~skchaos.feature_selection.AttributionRFECV` (``warm_start``,
``fine_tune_epochs``, ``fine_tune_schedule``, ``max_round_epochs``): the
mechanics of each round's training, which a user rarely tunes.
:func:`resolve_round_training` folds the deprecated names into it.
"""

import warnings
from dataclasses import dataclass, replace
from numbers import Integral, Real

from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
    validate_parameter_constraints,
)

# Deprecated selector parameter -> field of RoundTraining (deprecated in
# 0.1.0.dev0, removed in 0.2).
DEPRECATED = {
    "warm_start": "warm_start",
    "fine_tune_epochs": "epochs",
    "fine_tune_schedule": "schedule",
    "max_round_epochs": "max_epochs",
}


@dataclass(frozen=True)
class RoundTraining:
    """How the networks of an elimination path train, round after round.

    Pass it as ``round_training`` to
    :class:`~skchaos.feature_selection.AttributionRFE` or
    :class:`~skchaos.feature_selection.AttributionRFECV`; the defaults are
    what ``round_training=None`` does. The user guide
    (:ref:`feature_selection`) explains each choice.

    Parameters
    ----------
    warm_start : bool, default=True
        Whether each round fine-tunes the previous round's network, with the
        columns of the eliminated features deleted from its first layer,
        instead of training a new clone from scratch (the paper's
        procedure). Estimators that cannot be sliced are retrained.

    epochs : "auto", int or float, default="auto"
        How long each network trains. ``"auto"``: every round, the first
        one included, trains until its loss on early-stopping rows (the
        net's ``validation_fraction`` of the training part) levels off,
        keeping its best epoch's weights; the first at least the net's
        ``max_epochs``, and on (up to the cap) while its early-stopping loss
        is no better than the best constant prediction's, every round at
        most ``max_epochs`` below. An int is
        a fixed number of fine-tuning epochs per warm round, a float in
        (0, 1] a fraction of the net's ``max_epochs``.

    schedule : {"cosine", "constant"}, default="cosine"
        Learning-rate schedule of a fixed-length fine-tuning (an int or
        float ``epochs``): ``"cosine"`` decays the rate along a half cosine
        from the net's ``lr`` to about 2% of it; ``"constant"`` keeps the
        net's ``lr``. Rounds under ``epochs="auto"`` keep the net's ``lr``.

    max_epochs : int or None, default=None
        Cap on the epochs of one round under ``epochs="auto"``; None is 10
        times the net's ``max_epochs``. A round that reaches it before its
        loss levels off raises a ``ConvergenceWarning``.

    batch_size : "auto", int or None, default="auto"
        Rows per optimizer step of the rounds' networks. ``"auto"``: a net
        that trains on full batches (its ``batch_size`` None or -1, the
        skchaos MLPs' default) takes mini-batches of 256 rows in the path,
        and a net with its own batch size keeps it; an int sets every
        round's; None keeps the net's. Full batches let a network memorize
        the training rows through the noise columns before it finds a
        product of variables; mini-batches (with the input penalty) let it
        find them. ``estimator_`` is trained as given.

    patience : "auto", int or None, default=None
        Under ``epochs="auto"``, when a *warm* round has converged. None:
        after the net's own ``n_iter_no_change`` epochs without improvement
        of its early-stopping loss, like the first network. ``"auto"``, a
        faster setting: after half of them (10 for the skchaos MLPs; 20 for
        a net without one), and no epoch at all when the restricted network
        is already no worse on the early-stopping rows than its predecessor
        had converged to. An int: that many epochs, with the same rule.
        ``benchmarks/README.md`` gives the cost and the selections of both
        on held-out draws. The first network and ``estimator_`` keep the
        net's own.

    until_learned : bool, default=True
        Under ``epochs="auto"``, whether the first network of a skchaos net
        trains on past its minimum and its patience, up to ``max_epochs``,
        while its best early-stopping loss is no better than the best
        constant prediction's (by 1% of it). A network on many more columns
        than rows fits its training rows first and learns only later; it
        would otherwise rank the columns on that plateau. False: the first
        network stops like the others.

    first_lr_factor : "auto" or float, default="auto"
        Under ``epochs="auto"``, the learning rate of the first network as
        a multiple of the net's ``lr``; the warm rounds that continue it
        (its optimizer state kept) and ``estimator_`` train at the net's
        own ``lr``. ``"auto"``: 3 when the rounds train on other batches
        than the net (``batch_size="auto"`` on a full-batch net, whose
        ``lr`` was set for full batches) and the first network's training
        rows make at least four of the rounds' mini-batches; 1 otherwise.
        The first network trains until its early-stopping loss levels off;
        at three times the rate it gets there in fewer epochs. With fewer
        mini-batches per epoch it stops at its minimum of epochs at either
        rate, so the faster rate would save nothing there. A number is that
        multiple whatever the rows; 1 trains the first network at the net's
        ``lr``. The user guide gives the measurements.

    See Also
    --------
    skchaos.feature_selection.AttributionRFE : The selector that uses it.

    Examples
    --------
    >>> from skchaos.feature_selection import RoundTraining
    >>> RoundTraining(epochs=5)
    RoundTraining(warm_start=True, epochs=5, schedule='cosine', max_epochs=None,
                  batch_size='auto', patience=None, until_learned=True,
                  first_lr_factor='auto')
    >>> RoundTraining(epochs=0)
    Traceback (most recent call last):
    ...
    sklearn.utils._param_validation.InvalidParameterError: The 'epochs' \
parameter of RoundTraining must be ...
    """

    warm_start: bool = True
    epochs: object = "auto"
    schedule: str = "cosine"
    max_epochs: object = None
    batch_size: object = "auto"
    patience: object = None
    until_learned: bool = True
    first_lr_factor: object = "auto"

    _constraints = {
        "warm_start": ["boolean"],
        "epochs": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            Interval(Real, 0, 1, closed="right"),
        ],
        "schedule": [StrOptions({"cosine", "constant"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left"), None],
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "patience": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        "until_learned": ["boolean"],
        "first_lr_factor": [
            StrOptions({"auto"}),
            Interval(Real, 0, None, closed="neither"),
        ],
    }

    def __post_init__(self):
        validate_parameter_constraints(
            self._constraints, dict(vars(self)), caller_name="RoundTraining"
        )


# The constraints of the deprecated selector parameters: those of their
# field, or the sentinel that says "not given".
DEPRECATED_CONSTRAINTS = {
    old: [*RoundTraining._constraints[field], StrOptions({"deprecated"})]
    for old, field in DEPRECATED.items()
}


def resolve_round_training(selector):
    """The :class:`RoundTraining` of ``selector``, deprecated names folded in.

    A deprecated parameter that was given (anything but ``"deprecated"``)
    warns with a ``FutureWarning`` and sets its field, over the field of
    ``round_training`` when both are given (scikit-learn's own checks set
    ``warm_start=False`` on any estimator that has the parameter).

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from skchaos.feature_selection._round_training import (
    ...     resolve_round_training,
    ... )
    >>> old = dict.fromkeys(["warm_start", "fine_tune_epochs",
    ...                      "fine_tune_schedule", "max_round_epochs"],
    ...                     "deprecated")
    >>> resolve_round_training(SimpleNamespace(round_training=None, **old))
    RoundTraining(warm_start=True, epochs='auto', schedule='cosine', max_epochs=None,
                  batch_size='auto', patience=None, until_learned=True,
                  first_lr_factor='auto')
    """
    given = {
        old: getattr(selector, old)
        for old in DEPRECATED
        if not _is_sentinel(getattr(selector, old, "deprecated"))
    }
    chosen = selector.round_training
    chosen = RoundTraining() if chosen is None else chosen
    if not given:
        return chosen
    names = ", ".join(f"{old}={value!r}" for old, value in given.items())
    fields = ", ".join(f"{DEPRECATED[old]}={value!r}" for old, value in given.items())
    warnings.warn(
        f"{type(selector).__name__}: {names} deprecated in 0.1 and removed "
        f"in 0.2; use round_training=RoundTraining({fields}) instead (the "
        "deprecated names override round_training's fields meanwhile).",
        FutureWarning,
        stacklevel=3,
    )
    return replace(chosen, **{DEPRECATED[old]: value for old, value in given.items()})


def _is_sentinel(value):
    return isinstance(value, str) and value == "deprecated"
