"""Selectors whose estimator encodes the table: they select the table's columns."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, make_column_transformer
from sklearn.decomposition import PCA
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skchaos.datasets import make_mixed
from skchaos.feature_selection import (
    AttributionBoruta,
    AttributionRFE,
    AttributionRFECV,
)
from skchaos.neural import MLPClassifier, MLPRegressor
from skchaos.preprocessing import input_columns, make_tabular_preprocessor


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _table(n_samples=600, task="regression", random_state=0):
    return make_mixed(
        n_samples=n_samples,
        n_numeric_noise=4,
        n_categorical_noise=2,
        n_levels=4,
        noise=0.3,
        task=task,
        random_state=random_state,
        return_X_y=False,
    )


def _net(kind=MLPRegressor, **params):
    return kind(**{"hidden_layer_sizes": (32,), "lr": 0.01, "max_epochs": 80,
                   "random_state": 0, **params})  # fmt: skip


@pytest.fixture(scope="module")
def fitted_rfe():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = _table()
        pipe = make_pipeline(make_tabular_preprocessor(data.data), _net())
        return data, AttributionRFE(pipe, random_state=0).fit(data.data, data.target)


def test_rfe_selects_the_tables_own_columns(fitted_rfe):
    data, selector = fitted_rfe
    X = data.data
    assert selector.n_features_in_ == X.shape[1]
    np.testing.assert_array_equal(selector.feature_names_in_, X.columns)
    for name in ("support_", "ranking_", "importances_"):
        assert getattr(selector, name).shape == (X.shape[1],)
    kept = selector.get_feature_names_out()
    relevant = np.asarray(data.feature_names)[data.relevant_mask]
    assert set(kept) == set(relevant)  # numeric and categorical, no noise
    assert selector.n_features_ == len(kept)
    # A DataFrame in, the kept columns out, as they are (categories, holes).
    out = selector.transform(X)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == list(kept)
    pd.testing.assert_frame_equal(out, X[list(kept)])
    # The refit pipeline takes the kept columns; a level never seen is ignored.
    new = X.head(5).copy()
    cat = next(c for c in kept if c.startswith("cat"))
    new[cat] = new[cat].cat.add_categories(["zzz"])
    new.loc[new.index[0], cat] = "zzz"
    assert selector.predict(new).shape == (5,)
    assert selector.score(X, data.target) > 0.5


def test_rfe_history_is_per_input_column_and_rounds_warm_start(fitted_rfe):
    data, selector = fitted_rfe
    history = selector.history_
    n = data.data.shape[1]
    assert history["n_features"][0] == n
    assert history["n_encoded"][0] > n  # the one-hot levels
    for kept, values in zip(history["features"], history["importances"]):
        assert kept.max() < n and len(values) == len(kept)
    assert "warm" in history["training"]
    # The encoded width of a round is that of its input columns, whole.
    widths = np.bincount(input_columns(selector.encoder_), minlength=n)
    for kept, n_encoded in zip(history["features"], history["n_encoded"]):
        assert widths[kept].sum() == n_encoded


def test_the_issues_column_transformer_selects_city_as_a_whole():
    # The recipe that failed on main c60dcca with "could not convert string
    # to float": a user's ColumnTransformer with a passthrough-like remainder.
    rng = np.random.RandomState(0)
    n = 400
    city = rng.choice(list("abc"), n)
    X = pd.DataFrame(
        {"x": rng.randn(n), "city": city, "noise": rng.randn(n), "z": rng.randn(n)}
    )
    y = 2 * X["x"] + 3 * (city == "b") - 2 * (city == "c") + 0.1 * rng.randn(n)
    encoder = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), ["city"]), remainder=StandardScaler()
    )
    selector = AttributionRFE(make_pipeline(encoder, _net()), random_state=0)
    selector.fit(X, y)
    assert list(selector.get_feature_names_out()) == ["x", "city"]
    assert selector.ranking_[X.columns.get_loc("city")] == 1


def test_boruta_and_rfecv_select_input_columns():
    data = _table(n_samples=500)
    X, y = data.data, data.target
    relevant = set(np.asarray(data.feature_names)[data.relevant_mask])
    pre = make_tabular_preprocessor(X)
    boruta = AttributionBoruta(
        make_pipeline(pre, _net()), max_iter=12, random_state=0
    ).fit(X, y)
    assert boruta.support_.shape == boruta.support_weak_.shape == (X.shape[1],)
    assert set(boruta.get_feature_names_out()) <= relevant
    assert boruta.decision_iteration_.shape == (X.shape[1],)
    # The minimal-optimal set, per input column, is confirmed and selected.
    assert boruta.support_minimal_.shape == (X.shape[1],)
    assert not (boruta.support_minimal_ & ~boruta.support_).any()
    np.testing.assert_array_equal(
        boruta.support_minimal_, boruta.decision_iteration_ == 0
    )
    for iteration in boruta.history_["confirmed"]:
        assert np.all(iteration < X.shape[1])
    rfecv = AttributionRFECV(make_pipeline(pre, _net()), cv=2, random_state=0)
    rfecv.fit(X, y)
    assert rfecv.cv_results_["n_features"][-1] == X.shape[1]
    assert set(rfecv.get_feature_names_out()) <= relevant


def test_classifier_and_cross_validation_of_the_selector():
    data = _table(n_samples=400, task="classification")
    pipe = make_pipeline(make_tabular_preprocessor(data.data), _net(MLPClassifier))
    selector = AttributionRFE(pipe, n_features_to_select=4, random_state=0)
    scores = cross_val_score(selector, data.data, data.target, cv=2)
    assert scores.shape == (2,) and np.all(scores > 0.5)


def test_feature_groups_are_over_the_tables_columns():
    data = _table(n_samples=300)
    X = data.data
    groups = np.arange(X.shape[1]) // 2  # pairs of input columns
    pipe = make_pipeline(make_tabular_preprocessor(X), _net(max_epochs=30))
    selector = AttributionRFE(
        pipe, feature_groups=groups, n_features_to_select=2, random_state=0
    ).fit(X, data.target)
    kept = selector.support_
    for g in np.unique(groups):
        assert len(set(kept[groups == g])) == 1  # a group stays or goes whole
    assert kept.sum() == 4
    with pytest.raises(ValueError, match="one group id per column of X"):
        clone(selector).set_params(feature_groups=[0, 1]).fit(X, data.target)


def test_untraceable_transformer_raises_before_training(monkeypatch):
    data = _table(n_samples=100)
    X = data.data
    numeric = [c for c in X.columns if c.startswith("num")]
    encoder = ColumnTransformer([("pca", PCA(2), numeric)])
    trained = []
    monkeypatch.setattr(MLPRegressor, "fit", lambda *a, **k: trained.append(1) or a[0])
    selector = AttributionRFE(make_pipeline(encoder, _net()))
    with pytest.raises(ValueError, match="'pca' takes"):
        selector.fit(X[numeric].fillna(0.0), data.target)
    assert not trained
    assert not hasattr(selector, "support_")


def test_missing_target_raises_naming_y():
    data = _table(n_samples=100)
    y = data.target.copy()
    y[3] = np.nan
    pipe = make_pipeline(make_tabular_preprocessor(data.data), _net())
    with pytest.raises(ValueError, match="NaN"):
        AttributionRFE(pipe).fit(data.data, y)


def test_a_plain_estimator_fit_after_an_encoded_one_forgets_the_encoder():
    data = _table(n_samples=300)
    pipe = make_pipeline(make_tabular_preprocessor(data.data), _net(max_epochs=20))
    selector = AttributionRFE(pipe, n_features_to_select=3, random_state=0)
    selector.fit(data.data, data.target)
    assert hasattr(selector, "encoder_")
    Z = np.random.RandomState(0).randn(50, 5)
    selector.set_params(estimator=_net(max_epochs=20)).fit(Z, Z[:, 0])
    assert not hasattr(selector, "encoder_")
    assert selector.transform(Z).shape == (50, 3)
