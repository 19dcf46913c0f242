"""Where the model of an estimator or pipeline is."""

from copy import deepcopy

from sklearn.pipeline import Pipeline


def split_estimator(estimator):
    """Return ``(prefix, final)``: a pipeline's transformers and its last step.

    Parameters
    ----------
    estimator : estimator object
        A :class:`~sklearn.pipeline.Pipeline` or any other estimator.

    Returns
    -------
    prefix : Pipeline or None
        The steps before the last one, or None when there are none (or when
        ``estimator`` is not a pipeline).
    final : estimator object
        The last step of a pipeline, else ``estimator`` itself.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skchaos.utils import split_estimator
    >>> prefix, final = split_estimator(make_pipeline(StandardScaler(), Ridge()))
    >>> len(prefix), type(final).__name__
    (1, 'Ridge')
    >>> split_estimator(Ridge())[0] is None
    True
    """
    if isinstance(estimator, Pipeline):
        final = estimator.steps[-1][1]
        if final is None or final == "passthrough":
            raise TypeError(
                "The pipeline's last step is 'passthrough'; a model is needed as "
                "the last step."
            )
        prefix = estimator[:-1] if len(estimator.steps) > 1 else None
        return prefix, final
    return None, estimator


def final_net(estimator):
    """The skorch net of an estimator or of a pipeline's last step, else None.

    Parameters
    ----------
    estimator : estimator object
        A skorch net, a pipeline ending in one, or anything else.

    Returns
    -------
    net : skorch.NeuralNet or None

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skchaos.utils import final_net
    >>> final_net(Ridge()) is None
    True
    """
    from skorch import NeuralNet

    _, final = split_estimator(estimator)
    return final if isinstance(final, NeuralNet) else None


_ATOMIC = (bool, int, float, str, type(None))


def _copy_records(value):
    """A deep copy of history records: dicts, lists and scalars rebuilt directly."""
    kind = type(value)
    if kind in _ATOMIC:
        return value
    if kind is dict:
        return {key: _copy_records(item) for key, item in value.items()}
    if kind is list:
        return [_copy_records(item) for item in value]
    return deepcopy(value)


def copy_estimator(estimator):
    """``deepcopy(estimator)``, its skorch net's history copied record by record.

    The same copy, several times faster for a net that has trained many
    epochs on mini-batches: its ``History`` holds a dict per batch, which
    ``deepcopy``'s generic machinery copies slowly.

    Parameters
    ----------
    estimator : estimator object
        A skorch net, a pipeline ending in one, or anything else (then a
        plain ``deepcopy``).

    Returns
    -------
    copy : estimator object
        An independent deep copy.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skchaos.utils import copy_estimator
    >>> model = Ridge(alpha=2.0)
    >>> copy = copy_estimator(model)
    >>> copy is not model and copy.alpha == 2.0
    True
    """
    from skorch.history import History

    history = getattr(final_net(estimator), "history_", None)
    memo = {}
    if type(history) is History:
        memo[id(history)] = History(_copy_records(list(history)))
    return deepcopy(estimator, memo)
