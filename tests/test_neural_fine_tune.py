"""FineTuneMixin: training a fitted net on until its held-out loss levels off."""

import copy

import numpy as np
import pytest
import torch
from sklearn.metrics import mean_squared_error

from skchaos.neural import MLPClassifier, MLPRegressor, TrainingDivergedError

KEEP = np.array([0, 1, 3])


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(120, 4))
    y = X[:, 0] - 0.5 * X[:, 1] + 0.3 * X[:, 3] ** 2
    return X[:90], y[:90], X[90:], y[90:]


@pytest.fixture(scope="module")
def fitted(data):
    X, y, _, _ = data
    net = MLPRegressor((16,), lr=0.02, batch_size=32, max_epochs=10, random_state=0)
    return net.fit(X, y)


@pytest.fixture
def net(fitted):
    return copy.deepcopy(fitted)


def _weights(net):
    return [p.detach().clone() for p in net.module_.parameters()]


def _same_weights(a, b):
    return all(torch.equal(x, y) for x, y in zip(a, b))


def test_stops_once_the_loss_levels_off_and_keeps_the_best_weights(net, data):
    X, y, X_valid, y_valid = data
    start = len(net.history_)
    result = net._fine_tune(
        X, y, epochs=500, X_valid=X_valid, y_valid=y_valid, n_iter_no_change=3
    )
    assert result.converged and result.n_epochs < 500
    # Stopped n_iter_no_change epochs after the best one ...
    assert result.n_epochs - result.best_epoch == 3
    assert len(net.history_) == start + result.n_epochs == net.n_iter_
    recorded = net.history_[start:, "valid_loss"]
    assert len(recorded) == result.n_epochs
    # ... whose loss is the best recorded one, and whose weights are kept.
    assert result.best_loss == pytest.approx(min(recorded), rel=1e-6)
    assert result.best_loss == pytest.approx(recorded[result.best_epoch - 1])
    assert recorded[-1] > result.best_loss
    kept = mean_squared_error(y_valid, net.predict(X_valid))
    assert kept == pytest.approx(result.best_loss, rel=1e-4)


def test_the_starting_weights_are_kept_when_no_epoch_improves(net, data):
    X, y, X_valid, y_valid = data
    before = _weights(net)
    prediction = net.predict(X_valid)
    # Noise targets: every epoch moves away from the held-out function.
    noise = np.random.RandomState(1).normal(scale=3.0, size=len(y))
    result = net._fine_tune(
        X, noise, epochs=50, X_valid=X_valid, y_valid=y_valid, n_iter_no_change=2
    )
    assert result.best_epoch == 0 and result.n_epochs == 2 and result.converged
    assert _same_weights(_weights(net), before)
    np.testing.assert_array_equal(net.predict(X_valid), prediction)
    start_loss = mean_squared_error(y_valid, prediction)
    assert result.best_loss == pytest.approx(start_loss, rel=1e-4)


def test_a_net_as_good_as_a_reached_loss_trains_no_epoch(net, data):
    X, y, X_valid, y_valid = data
    start = mean_squared_error(y_valid, net.predict(X_valid))
    before, n_history = _weights(net), len(net.history_)
    # The loss a converged network reached on these rows, within the
    # improvement rule (1e-4 of it): nothing to train.
    result = net._fine_tune(
        X, y, epochs=50, X_valid=X_valid, y_valid=y_valid, reached_loss=start * 0.99995
    )
    assert (result.n_epochs, result.best_epoch, result.converged) == (0, 0, True)
    assert result.best_loss == pytest.approx(start, rel=1e-4)
    assert _same_weights(_weights(net), before) and len(net.history_) == n_history
    # A start clearly worse than the reached loss trains.
    result = net._fine_tune(
        X, y, epochs=3, X_valid=X_valid, y_valid=y_valid, reached_loss=start * 0.5
    )
    assert result.n_epochs == 3


def test_not_converged_when_the_cap_is_hit(net, data):
    X, y, X_valid, y_valid = data
    result = net._fine_tune(
        X, y, epochs=3, X_valid=X_valid, y_valid=y_valid, n_iter_no_change=100
    )
    assert result.n_epochs == 3 and not result.converged


def test_fixed_length_run_trains_exactly_epochs(net, data):
    X, y, _, _ = data
    start = len(net.history_)
    result = net._fine_tune(X, y, epochs=4, schedule="cosine")
    assert (result.n_epochs, result.converged, result.best_epoch) == (4, True, 4)
    assert np.isnan(result.best_loss)
    assert net.n_iter_ == len(net.history_) == start + 4
    assert all(np.isfinite(net.history_[start:, "train_loss"]))


def test_patience_defaults_to_the_nets_n_iter_no_change(net, data):
    X, y, X_valid, y_valid = data
    net.set_params(n_iter_no_change=2)
    noise = np.random.RandomState(1).normal(scale=3.0, size=len(y))
    result = net._fine_tune(X, noise, epochs=50, X_valid=X_valid, y_valid=y_valid)
    assert result.n_epochs == 2


def test_min_epochs_is_respected(net, data):
    X, y, X_valid, y_valid = data
    noise = np.random.RandomState(1).normal(scale=3.0, size=len(y))
    kwargs = {"X_valid": X_valid, "y_valid": y_valid, "n_iter_no_change": 1}
    quick = copy.deepcopy(net)._fine_tune(X, noise, epochs=50, **kwargs)
    assert quick.n_epochs < 6
    before = _weights(net)
    result = net._fine_tune(X, noise, epochs=50, min_epochs=6, **kwargs)
    assert result.n_epochs == 6 and result.converged
    # The best weights are still restored: here, the starting ones.
    assert result.best_epoch == 0 and _same_weights(_weights(net), before)


def test_fit_converged_trains_at_least_max_epochs(data):
    X, y, X_valid, y_valid = data
    net = MLPRegressor((8,), lr=0.02, max_epochs=8, random_state=0)
    result = net._fit_converged(
        X, y, X_valid, y_valid, max_epochs=200, n_iter_no_change=1
    )
    assert 8 <= result.n_epochs <= 200
    assert result.n_epochs == len(net.history_) == net.n_iter_
    assert net.max_epochs == 8  # restored
    assert result.converged
    assert 1 <= result.best_epoch <= result.n_epochs


def test_fit_converged_min_epochs_replaces_the_max_epochs_floor(data):
    X, y, X_valid, y_valid = data
    noise = np.random.RandomState(1).normal(scale=3.0, size=len(y))
    kwargs = {"max_epochs": 200, "n_iter_no_change": 1}
    net = MLPRegressor((8,), lr=0.02, max_epochs=40, random_state=0)
    floor = net._fit_converged(X, noise, X_valid, y_valid, **kwargs)
    assert floor.n_epochs >= 40  # the net's own max_epochs, by default
    net = MLPRegressor((8,), lr=0.02, max_epochs=40, random_state=0)
    short = net._fit_converged(X, noise, X_valid, y_valid, min_epochs=4, **kwargs)
    assert 4 <= short.n_epochs < 40 and short.converged
    assert net.max_epochs == 40  # restored


def test_fit_converged_stops_at_the_cap(data):
    X, y, X_valid, y_valid = data
    net = MLPRegressor((8,), lr=0.02, max_epochs=2, random_state=0)
    result = net._fit_converged(
        X, y, X_valid, y_valid, max_epochs=5, n_iter_no_change=100
    )
    assert result.n_epochs == len(net.history_) == 5 and not result.converged


def test_fit_converged_refits_from_scratch(fitted, data):
    X, y, X_valid, y_valid = data
    net = copy.deepcopy(fitted)
    fresh = MLPRegressor(**fitted.get_params())
    kwargs = {"max_epochs": 12, "n_iter_no_change": 2}
    net._fit_converged(X, y, X_valid, y_valid, **kwargs)
    fresh._fit_converged(X, y, X_valid, y_valid, **kwargs)
    assert len(net.history_) == len(fresh.history_)
    np.testing.assert_array_equal(net.predict(X_valid), fresh.predict(X_valid))


@pytest.mark.parametrize("held_out", [False, True])
def test_a_second_fine_tune_works_after_restricting_the_inputs(net, data, held_out):
    X, y, X_valid, y_valid = data
    kwargs = {"X_valid": X_valid, "y_valid": y_valid} if held_out else {}
    net._fine_tune(X, y, epochs=2, **kwargs)
    assert net._restrict_inputs(KEEP, X_check=X_valid)
    if held_out:
        kwargs = {"X_valid": X_valid[:, KEEP], "y_valid": y_valid}
    result = net._fine_tune(X[:, KEEP], y, epochs=2, **kwargs)
    assert result.n_epochs >= 1
    assert net.module_.input_layer.in_features == 3
    assert np.isfinite(net.predict(X_valid[:, KEEP])).all()
    # The tensors are converted for the current width only.
    with pytest.raises(ValueError, match="features"):
        net._fine_tune(X, y, epochs=1)


def test_classifier_fine_tunes_on_held_out_rows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(90, 3))
    y = np.where(X[:, 0] > 0, "b", "a")
    clf = MLPClassifier((8,), lr=0.05, max_epochs=3, random_state=0).fit(X, y)
    result = clf._fine_tune(
        X[:60], y[:60], epochs=100, X_valid=X[60:], y_valid=y[60:], n_iter_no_change=3
    )
    assert result.n_epochs >= 1 and np.isfinite(result.best_loss)
    assert clf.classes_.tolist() == ["a", "b"]


@pytest.mark.parametrize("held_out", [False, True])
def test_reproducible_with_random_state(fitted, data, held_out):
    X, y, X_valid, y_valid = data
    kwargs = {"X_valid": X_valid, "y_valid": y_valid} if held_out else {}
    runs = []
    for _ in range(2):
        net = copy.deepcopy(fitted)
        net._fine_tune(X, y, epochs=4, **kwargs)
        runs.append(net.predict(X_valid))
    np.testing.assert_array_equal(runs[0], runs[1])


def test_the_seed_seeds_a_net_without_random_state(data):
    X, y, X_valid, _ = data
    net = MLPRegressor((16,), lr=0.02, batch_size=16, max_epochs=2, dropout=0.2)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        net.fit(X, y)
    torch_state = torch.random.get_rng_state()

    def tuned(seed):
        other = copy.deepcopy(net)
        other._fine_tune(X, y, epochs=3, seed=seed)
        return other.predict(X_valid)

    np.testing.assert_array_equal(tuned(5), tuned(5))
    assert not np.array_equal(tuned(5), tuned(6))
    # Seeded locally: torch's global generator did not move.
    assert torch.equal(torch.random.get_rng_state(), torch_state)


def test_divergence_raises_training_diverged_error(net, data):
    X, y, X_valid, y_valid = data
    with pytest.raises(TrainingDivergedError, match="training diverged"):
        net._fine_tune(X * 1e30, y, epochs=3)


def test_a_diverging_run_restores_the_best_weights_before_it_raises(net, data):
    X, y, X_valid, y_valid = data
    before = _weights(net)
    with pytest.raises(TrainingDivergedError, match="training diverged"):
        net._fine_tune(X * 1e30, y, epochs=3, X_valid=X_valid, y_valid=y_valid)
    assert _same_weights(_weights(net), before)
    assert np.all(np.isfinite(net.predict(X_valid)))


def test_divergence_of_the_held_out_loss_raises(net, data):
    X, y, X_valid, y_valid = data
    with pytest.raises(TrainingDivergedError, match="early-stopping loss"):
        net._fine_tune(X, y, epochs=3, X_valid=X_valid * 1e30, y_valid=y_valid)
    assert "_shuffle_generator_" not in vars(net)
    assert [g["lr"] for g in net.optimizer_.param_groups] == [net.lr]


def test_on_epoch_reports_every_held_out_epoch(net, data):
    X, y, X_valid, y_valid = data
    seen = []
    start = len(net.history_)
    result = net._fine_tune(
        X,
        y,
        epochs=6,
        X_valid=X_valid,
        y_valid=y_valid,
        n_iter_no_change=100,
        on_epoch=lambda epoch, loss: seen.append((epoch, loss)),
    )
    assert [epoch for epoch, _ in seen] == list(range(1, result.n_epochs + 1))
    np.testing.assert_allclose(
        [loss for _, loss in seen], net.history_[start:, "valid_loss"]
    )


def test_min_delta_is_the_smallest_improvement(net, data):
    X, y, X_valid, y_valid = data
    kwargs = {"X_valid": X_valid, "y_valid": y_valid, "n_iter_no_change": 3}
    learning = copy.deepcopy(net)._fine_tune(X, y, epochs=100, **kwargs)
    assert learning.best_epoch > 0
    before = _weights(net)
    result = net._fine_tune(X, y, epochs=100, min_delta=1e9, **kwargs)
    # No epoch improves by 1e9: the starting weights are kept.
    assert (result.n_epochs, result.best_epoch, result.converged) == (3, 0, True)
    assert _same_weights(_weights(net), before)


# ------------------------------------------------------------- until_learned
@pytest.mark.parametrize("weighted", [False, True])
def test_plateau_loss_is_just_below_the_best_constants_loss(data, weighted):
    X, y, X_valid, y_valid = data
    rng = np.random.RandomState(1)
    w = rng.uniform(0.5, 2, len(y)) if weighted else None
    w_valid = rng.uniform(0.5, 2, len(y_valid)) if weighted else None
    net = MLPRegressor((4,), max_epochs=1, random_state=0).fit(X, y)
    y_t = net._y_to_tensor(net._validate_y(y, reset=False)[0])
    valid = (
        net._X_to_tensor(X_valid.astype(np.float32)),
        net._y_to_tensor(net._validate_y(y_valid, reset=False)[0]),
    )
    if weighted:
        valid = (*valid, torch.as_tensor(w_valid, dtype=torch.float32))
    w_t = None if w is None else torch.as_tensor(w, dtype=torch.float32)
    constant = np.average(y, weights=w)
    expected = np.average((y_valid - constant) ** 2, weights=w_valid)
    assert net._plateau_loss(y_t, w_t, valid) == pytest.approx(
        0.99 * expected, rel=1e-5
    )


def test_plateau_loss_of_a_classifier_is_the_log_loss_of_the_class_frequencies():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3).astype(np.float32)
    y = np.array([0] * 50 + [1] * 20 + [2] * 10)
    net = MLPClassifier((4,), max_epochs=1, random_state=0).fit(X, y)
    y_t = net._y_to_tensor(y)
    valid = (net._X_to_tensor(X[:8]), net._y_to_tensor(y[[0, 0, 0, 0, 50, 50, 70, 70]]))
    frequencies = np.array([50, 20, 10]) / 80
    expected = -np.mean(np.log(frequencies[[0, 0, 0, 0, 1, 1, 2, 2]]))
    assert net._plateau_loss(y_t, None, valid) == pytest.approx(
        0.99 * expected, rel=1e-5
    )


def test_plateau_loss_is_none_for_another_criterion(data):
    X, y, X_valid, y_valid = data
    net = MLPRegressor((4,), max_epochs=1, criterion=torch.nn.L1Loss, random_state=0)
    net.fit(X, y)
    y_t = net._y_to_tensor(net._validate_y(y, reset=False)[0])
    assert net._plateau_loss(y_t, None, (None, y_t)) is None


def test_until_learned_trains_on_while_no_better_than_a_constant():
    # A target that is noise: no epoch beats the constant on the held-out
    # rows, so until_learned trains to the cap; without it, the patience
    # ends the run after the minimum.
    rng = np.random.RandomState(2)
    X, X_valid = rng.randn(300, 4), rng.randn(300, 4)
    y, y_valid = rng.randn(300), rng.randn(300)

    def run(until_learned):
        net = MLPRegressor((16,), lr=0.02, max_epochs=5, n_iter_no_change=3)
        net.set_params(random_state=0)
        return net._fit_converged(
            X, y, X_valid, y_valid, max_epochs=60, until_learned=until_learned
        )

    plain, patient = run(False), run(True)
    assert plain.n_epochs < 30
    assert patient.n_epochs == 60 and not patient.converged


def test_until_learned_changes_nothing_once_the_network_has_learned(data):
    X, y, X_valid, y_valid = data

    def run(until_learned):
        net = MLPRegressor((16,), lr=0.02, max_epochs=5, n_iter_no_change=3)
        net.set_params(random_state=0)
        result = net._fit_converged(
            X, y, X_valid, y_valid, max_epochs=500, until_learned=until_learned
        )
        return result, net.predict(X_valid)

    (plain, y_plain), (patient, y_patient) = run(False), run(True)
    assert plain.converged and plain.best_loss < 0.1 * np.var(y_valid)
    assert patient == plain
    np.testing.assert_array_equal(y_patient, y_plain)
