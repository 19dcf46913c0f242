"""Seeds for the clones and fits of a meta-estimator, each rule written once.

A meta-estimator (a selector, a benchmark cell) draws one int seed per clone
from the generator that ``check_random_state`` gave it, hands it to every
``random_state`` parameter the clone leaves at None, and seeds torch locally
during the fit of an estimator that has no ``random_state`` at all.
"""

from sklearn.base import clone

from skchaos.utils._interrupt import interrupt_guard
from skchaos.utils._torch import MAX_SEED, torch_random_context


def draw_seed(rng, seeded=True):
    """Draw an int seed from ``rng``, or return None when not ``seeded``.

    Parameters
    ----------
    rng : numpy.random.RandomState
        The generator of the caller (from ``check_random_state``).
    seeded : bool, default=True
        Whether the caller was given a ``random_state``; an unseeded caller
        draws nothing and returns None.

    Returns
    -------
    seed : int or None
        A seed in ``[0, MAX_SEED)``.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.utils import draw_seed
    >>> draw_seed(np.random.RandomState(0)) == draw_seed(np.random.RandomState(0))
    True
    >>> draw_seed(np.random.RandomState(0), seeded=False) is None
    True
    """
    return int(rng.randint(MAX_SEED)) if seeded else None


def _random_state_params(estimator):
    """Names of the ``random_state`` parameters of ``estimator``, nested ones too."""
    return [
        name
        for name in estimator.get_params(deep=True)
        if name == "random_state" or name.endswith("__random_state")
    ]


def seeds_itself(estimator):
    """Whether ``estimator`` (or any estimator nested in it) has a ``random_state``.

    Such an estimator is seeded through its parameters; one that has none is
    seeded by running its fit inside :func:`torch_random_context`.

    Parameters
    ----------
    estimator : estimator object
        Anything with ``get_params``.

    Returns
    -------
    bool

    Examples
    --------
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skchaos.utils import seeds_itself
    >>> seeds_itself(DecisionTreeRegressor()), seeds_itself(LinearRegression())
    (True, False)
    """
    return bool(_random_state_params(estimator))


def seeded_clone(estimator, seed):
    """Clone ``estimator`` and give its unset ``random_state`` parameters ``seed``.

    Parameters
    ----------
    estimator : estimator object
        The estimator to clone.
    seed : int or None
        None leaves the clone's parameters as they are.

    Returns
    -------
    clone : estimator object

    Examples
    --------
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skchaos.utils import seeded_clone
    >>> seeded_clone(DecisionTreeRegressor(), 7).random_state
    7
    >>> seeded_clone(DecisionTreeRegressor(random_state=1), 7).random_state
    1
    """
    estimator = clone(estimator)
    if seed is not None:
        params = estimator.get_params(deep=True)
        unset = {
            name: seed
            for name in _random_state_params(estimator)
            if params[name] is None
        }
        if unset:
            estimator.set_params(**unset)
    return estimator


def fit_seeded(estimator, X, y, seed, **fit_params):
    """Fit ``estimator``; torch is seeded locally unless it seeds itself.

    Parameters
    ----------
    estimator : estimator object
        The estimator to fit (e.g. from :func:`seeded_clone`).
    X, y : array-like
        Training data.
    seed : int or None
        Seeds torch during the fit of an estimator without ``random_state``.
    **fit_params : dict
        Passed to ``fit``.

    Returns
    -------
    estimator : estimator object
        The fitted estimator.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> from skchaos.utils import fit_seeded
    >>> X, y = np.arange(6.0).reshape(3, 2), np.arange(3.0)
    >>> fit_seeded(LinearRegression(), X, y, seed=0).coef_.shape
    (2,)
    """
    seed = None if seeds_itself(estimator) else seed
    with interrupt_guard() as interrupt, torch_random_context(seed):
        estimator.fit(X, y, **fit_params)
    interrupt.check()  # a training loop may have swallowed a Ctrl-C
    return estimator
