"""Faults of the selectors: rare classes, Ctrl-C, divergence, threads."""

import _thread
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNetRegressor
from skorch.callbacks import Callback
from torch import nn

from skchaos.feature_selection import AttributionRFE, AttributionRFECV, RoundTraining
from skchaos.neural import MLPClassifier, MLPRegressor, TrainingDivergedError


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(80, 5))
    return X, X[:, 0] - X[:, 1]


def _fitted_attributes(selector):
    return sorted(
        name
        for name in vars(selector)
        if name.endswith("_") and not name.startswith("__")
    )


def _assert_unfitted(selector):
    assert _fitted_attributes(selector) == []
    with pytest.raises(NotFittedError):
        check_is_fitted(selector)


# ------------------------------------------------------------ rare classes
def _ten_classes():
    return make_classification(
        40,
        6,
        n_informative=4,
        n_redundant=0,
        n_classes=10,
        n_clusters_per_class=1,
        random_state=0,
    )


def test_many_classes_on_few_rows():
    """Splits of 40 rows miss some of the 10 classes; every round still scores.

    It failed with "y_true and y_prob contain different number of classes"
    from log_loss on a validation split that missed a class.
    """
    X, y = _ten_classes()
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    selector = AttributionRFE(clf, n_features_to_select=3, random_state=0).fit(X, y)
    assert selector.n_features_ == 3
    assert np.isfinite(selector.history_["score"]).all()
    assert selector.classes_.tolist() == list(range(10))
    assert selector.predict_proba(X).shape == (40, 10)


def test_many_classes_with_the_default_loss_named_explicitly():
    # An explicit scoring went through sklearn's scorer, which failed again.
    X, y = _ten_classes()
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    selector = AttributionRFE(
        clf, n_features_to_select=3, scoring="neg_log_loss", random_state=0
    ).fit(X, y)
    assert np.isfinite(selector.history_["score"]).all()


def test_cross_validation_with_a_rare_class():
    """A class of 5% of the rows: some folds and splits miss it."""
    X, y = make_classification(
        60,
        5,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=1,
        weights=[0.6, 0.35, 0.05],
        random_state=0,
    )
    assert np.bincount(y).min() <= 3
    clf = MLPClassifier(hidden_layer_sizes=(8,), max_epochs=5, random_state=0)
    selector = AttributionRFECV(clf, cv=3, random_state=0).fit(X, y)
    assert np.isfinite(selector.cv_results_["mean_test_score"]).all()
    assert 1 <= selector.n_features_ <= 5
    assert selector.classes_.tolist() == [0, 1, 2]


# ------------------------------------------------------------------ Ctrl-C
@pytest.fixture
def _python_sigint_handler():
    # The interrupt must reach Python's default handler, as a Ctrl-C does.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def _interrupt_in_round(n):
    calls = []

    def attribution(estimator, X_val, y_val):
        calls.append(X_val.shape[1])
        if len(calls) == n:
            raise KeyboardInterrupt
        return np.arange(X_val.shape[1], dtype=float)

    return attribution, calls


def test_keyboard_interrupt_in_a_round_propagates_and_leaves_no_fit(data):
    X, y = data
    attribution, calls = _interrupt_in_round(2)
    net = MLPRegressor((4,), max_epochs=2, random_state=0)
    selector = AttributionRFE(
        net,
        attribution=attribution,
        round_training=RoundTraining(epochs=1),
        step=1,
        random_state=0,
    )
    with pytest.raises(KeyboardInterrupt):
        selector.fit(X, y)
    assert calls == [5, 4]
    _assert_unfitted(selector)


def test_keyboard_interrupt_keeps_a_previous_fit(data):
    X, y = data
    net = MLPRegressor((4,), max_epochs=2, random_state=0)
    selector = AttributionRFE(
        net,
        round_training=RoundTraining(epochs=1),
        n_features_to_select=2,
        random_state=0,
    ).fit(X, y)
    fitted = {name: vars(selector)[name] for name in _fitted_attributes(selector)}
    attribution, _ = _interrupt_in_round(3)
    selector.set_params(attribution=attribution)
    with pytest.raises(KeyboardInterrupt):
        selector.fit(X[:, :4], y)
    assert _fitted_attributes(selector) == sorted(fitted)
    assert all(vars(selector)[name] is value for name, value in fitted.items())


@pytest.mark.usefixtures("_python_sigint_handler")
def test_a_real_sigint_during_training_propagates_and_leaves_no_fit(data):
    # skorch's partial_fit swallows KeyboardInterrupt: the first network came
    # back half-trained and the elimination went on as if nothing happened.
    X, y = data
    net = MLPRegressor((4,), max_epochs=1_000_000, random_state=0)
    selector = AttributionRFE(
        net,
        round_training=RoundTraining(epochs=1),
        refit=False,
        n_features_to_select=2,
        random_state=0,
    )
    # A short fit first, so that the interrupt lands in training, not in the
    # lazy imports of a first fit.
    clone(selector).set_params(estimator__max_epochs=1).fit(X, y)
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            selector.fit(X, y)
    finally:
        timer.cancel()
    _assert_unfitted(selector)
    assert not net.initialized_  # the user's net was never trained


class _InterruptAtEpoch(Callback):
    """Interrupts the main thread (as a Ctrl-C does) when an epoch begins."""

    def __init__(self, epoch=3):
        self.epoch = epoch

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == self.epoch:
            _thread.interrupt_main()


@pytest.mark.usefixtures("_python_sigint_handler")
def test_a_real_sigint_during_a_plain_skorch_net_propagates(data):
    # skorch's partial_fit (behind fit) swallows KeyboardInterrupt, and plain
    # skorch nets are trained through it.
    X, y = data
    X, y = X.astype(np.float32), y.astype(np.float32).reshape(-1, 1)
    net = NeuralNetRegressor(
        nn.Sequential(nn.Linear(5, 4), nn.Tanh(), nn.Linear(4, 1)),
        max_epochs=20,
        train_split=None,
        callbacks=[("interrupt", _InterruptAtEpoch(3))],
        verbose=0,
    )
    selector = AttributionRFE(
        net,
        round_training=RoundTraining(epochs=1),
        refit=False,
        n_features_to_select=2,
        random_state=0,
    )
    with pytest.raises(KeyboardInterrupt):
        selector.fit(X, y)


# -------------------------------------------------------------- divergence
@pytest.mark.parametrize("fine_tune_epochs", ["auto", 2])
def test_divergence_raises_training_diverged_error(data, fine_tune_epochs):
    # It used to surface as "Input contains NaN" from the scorer.
    X, y = data
    # The rounds train on standardized columns; the cold refit on the raw
    # ones diverges.
    net = MLPRegressor((4,), max_epochs=3, random_state=0)
    selector = AttributionRFE(
        net,
        round_training=RoundTraining(epochs=fine_tune_epochs),
        n_features_to_select=2,
        refit=True,
        random_state=0,
    )
    with pytest.raises(TrainingDivergedError, match="training diverged"):
        selector.fit(X * 1e30, y)
    _assert_unfitted(selector)


def test_the_warm_refit_trains_where_the_cold_refit_diverges(data):
    # refit="auto" continues the selected round's network, its
    # standardization folded in, on the raw columns (scale 1e30), where a
    # network trained from scratch diverges.
    X, y = data
    net = MLPRegressor((8,), lr=0.05, max_epochs=50, random_state=0)
    kwargs = {"n_features_to_select": 2, "random_state": 0}
    warm = AttributionRFE(net, **kwargs).fit(X * 1e30, y)
    cold = AttributionRFE(net, refit=True, **kwargs).fit(X, y)
    np.testing.assert_array_equal(warm.support_, cold.support_)
    assert np.all(np.isfinite(warm.predict(X * 1e30)))
    assert warm.score(X * 1e30, y) > 0.5


def test_divergence_in_cross_validation_raises_training_diverged_error(data):
    X, y = data
    net = MLPRegressor((4,), max_epochs=3, random_state=0)
    selector = AttributionRFECV(net, cv=2, refit=True, random_state=0)
    with pytest.raises(TrainingDivergedError, match="training diverged"):
        selector.fit(X * 1e30, y)
    _assert_unfitted(selector)


# ----------------------------------------------------------------- threads
def test_threads_sharing_one_net_give_the_serial_result(data):
    X, y = data
    net = MLPRegressor((8,), lr=0.05, batch_size=16, max_epochs=5, dropout=0.1)
    params = net.get_params(deep=False)
    state = sorted(vars(net))

    def fit(_):
        selector = AttributionRFE(net, n_features_to_select=2, random_state=0)
        return selector.fit(X, y)

    serial = fit(None)
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fit, range(4)))
    for selector in threaded:
        np.testing.assert_array_equal(selector.support_, serial.support_)
        assert selector.history_["score"] == serial.history_["score"]
        assert selector.history_["epochs"] == serial.history_["epochs"]
        np.testing.assert_array_equal(selector.predict(X), serial.predict(X))
    # The shared net was never fitted nor changed.
    assert not net.initialized_ and not hasattr(net, "module_")
    after = net.get_params(deep=False)
    assert after.keys() == params.keys()
    assert all(after[name] is value for name, value in params.items())
    assert sorted(vars(net)) == state and net.random_state is None
