"""Faults of the neural estimators: interrupts, divergence, tiny early stopping."""

import _thread
import signal

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.model_selection import train_test_split
from skorch.callbacks import Callback, EarlyStopping

from skchaos.neural import MLPClassifier, MLPRegressor, TrainingDivergedError
from skchaos.neural._training import early_stopping_split

FAST = {"hidden_layer_sizes": (4,), "lr": 0.01, "device": "cpu", "random_state": 0}


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    return X, X[:, 0] - X[:, 1]


class _Interrupt(Callback):
    """Delivers one real SIGINT to the main thread during a chosen epoch.

    The signal goes through Python's own handler (``default_int_handler``),
    which raises ``KeyboardInterrupt`` wherever the training loop then is,
    exactly as a Ctrl-C does.
    """

    def __init__(self, epoch, event="on_epoch_begin", how="interrupt_main"):
        self.epoch, self.event, self.how = epoch, event, how
        self.fired = False

    def _maybe_fire(self, net):
        if not self.fired and len(net.history) == self.epoch:
            self.fired = True
            if self.how == "interrupt_main":
                _thread.interrupt_main()
            else:
                signal.raise_signal(signal.SIGINT)

    def on_epoch_begin(self, net, **kwargs):
        if self.event == "on_epoch_begin":
            self._maybe_fire(net)

    def on_epoch_end(self, net, **kwargs):
        if self.event == "on_epoch_end":
            self._maybe_fire(net)

    def on_batch_end(self, net, **kwargs):
        if self.event == "on_batch_end":
            self._maybe_fire(net)


@pytest.fixture(autouse=True)
def _python_sigint_handler():
    # The interrupt must reach Python's default handler, as a Ctrl-C does.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


# ------------------------------------------------------------ Ctrl-C
@pytest.mark.parametrize("how", ["interrupt_main", "raise_signal"])
def test_keyboard_interrupt_propagates_from_fit(data, how):
    # skorch's partial_fit swallows KeyboardInterrupt: fit used to return.
    X, y = data
    net = MLPRegressor(
        max_epochs=100_000, callbacks=[("stop", _Interrupt(4, how=how))], **FAST
    )
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y)
    # Cleaned up: the parameter, the history and the net are consistent.
    assert net.get_params()["device"] == "cpu"
    assert "_shuffle_generator_" not in vars(net)
    assert net.n_iter_ == len(net.history_) == 3
    assert np.isfinite(net.predict(X)).all()


def test_keyboard_interrupt_mid_epoch_drops_the_unfinished_epoch(data):
    X, y = data
    net = MLPRegressor(
        max_epochs=100_000,
        batch_size=8,
        callbacks=[("stop", _Interrupt(4, event="on_batch_end"))],
        **FAST,
    )
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y)
    assert net.n_iter_ == len(net.history_) == 3
    assert all("train_loss" in row for row in net.history_)
    # The net is usable: it predicts and trains on.
    net.set_params(max_epochs=2)
    net.partial_fit(X, y)
    assert net.n_iter_ == len(net.history_) == 5
    assert np.isfinite(net.predict(X)).all()


def test_keyboard_interrupt_propagates_with_early_stopping(data):
    X, y = data
    net = MLPRegressor(
        max_epochs=100_000,
        early_stopping=True,
        n_iter_no_change=10_000,
        callbacks=[("stop", _Interrupt(6))],
        **FAST,
    )
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y)
    assert net.n_iter_ == 5


def test_early_stopping_still_stops_quietly(data):
    X, y = data
    rng = np.random.RandomState(1)
    noise = rng.normal(size=len(y))  # nothing to learn: the loss stalls
    net = MLPRegressor(
        max_epochs=2000, early_stopping=True, n_iter_no_change=3, **FAST
    ).fit(X, noise)
    assert 3 < net.n_iter_ < 2000


def test_a_skorch_early_stopping_callback_still_stops_quietly(data):
    X, y = data
    # Asks for halving the loss every epoch: runs out of patience at once.
    stop = EarlyStopping(monitor="train_loss", patience=2, threshold=0.5)
    net = MLPRegressor(max_epochs=2000, callbacks=[("es", stop)], **FAST).fit(X, y)
    assert net.n_iter_ == 3


# ------------------------------------------------------------ divergence
def test_divergence_raises_a_clear_error(data):
    X, y = data
    net = MLPRegressor(max_epochs=5, **FAST)
    message = (
        r"training diverged at epoch 1 \(non-finite training loss\); "
        r"lower lr or scale X/y"
    )
    with pytest.raises(TrainingDivergedError, match=message):
        net.fit(X * 1e30, y)
    assert issubclass(TrainingDivergedError, ValueError)
    # The diverged epoch stays in the history, for inspection.
    assert not np.isfinite(net.history_[-1, "batches", -1, "train_loss"])


def test_divergence_during_partial_fit_names_the_epoch(data):
    X, y = data
    net = MLPRegressor(max_epochs=2, **FAST).fit(X, y)
    net.set_params(lr=1e30)
    with pytest.raises(TrainingDivergedError, match="at epoch [34] "):
        net.partial_fit(X, y)


# ------------------------------------------------- early stopping, tiny data
def test_classifier_early_stopping_on_tiny_data():
    # scikit-learn's MLPClassifier(early_stopping=True) fits this.
    X, y = make_blobs(20, centers=3, random_state=0)
    clf = MLPClassifier(early_stopping=True, max_epochs=5, **FAST).fit(X, y)
    assert clf.n_iter_ == 5
    assert clf.history_[-1, "batches", -1, "valid_batch_size"] == 2
    assert np.isfinite(clf.history_[:, "valid_loss"]).all()


@pytest.mark.parametrize("Estimator", [MLPRegressor, MLPClassifier])
def test_early_stopping_with_two_samples_holds_out_one(Estimator):
    X, y = np.array([[0.0], [1.0]]), np.array([0, 1])
    net = Estimator(early_stopping=True, max_epochs=2, **FAST).fit(X, y)
    assert net.n_iter_ == 2


def test_early_stopping_with_one_sample_is_a_clear_error():
    net = MLPRegressor(early_stopping=True, max_epochs=2, **FAST)
    with pytest.raises(ValueError, match="at least 2 samples; got 1 sample"):
        net.fit(np.zeros((1, 2)), np.zeros(1))


def test_early_stopping_split_stratifies_when_possible():
    y = np.repeat([0, 1, 2], [10, 10, 10])
    train, valid = early_stopping_split(30, 0.1, 0, stratify=y)
    assert sorted(y[valid]) == [0, 1, 2]
    # Unchanged from a plain stratified train_test_split.
    expected = train_test_split(
        np.arange(30), test_size=0.1, random_state=0, stratify=y
    )
    np.testing.assert_array_equal(train, expected[0])
    np.testing.assert_array_equal(valid, expected[1])


@pytest.mark.parametrize(
    "n_samples, fraction, y, n_valid",
    [
        (20, 0.1, np.repeat([0, 1, 2], [7, 7, 6]), 2),  # fewer rows than classes
        (6, 0.5, np.array([0, 0, 1, 1, 2, 3]), 3),  # a class with one row
        (10, 0.01, None, 1),  # at least one validation row
        (10, 0.99, None, 9),  # at least one training row
        (2, 0.5, np.array([0, 1]), 1),
    ],
)
def test_early_stopping_split_falls_back_to_a_random_split(
    n_samples, fraction, y, n_valid
):
    train, valid = early_stopping_split(n_samples, fraction, 0, stratify=y)
    assert len(valid) == n_valid
    assert sorted(np.concatenate([train, valid])) == list(range(n_samples))
