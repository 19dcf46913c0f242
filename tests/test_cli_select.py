"""``skchaos select``: plumbing, a real run, the ranking report, bad data."""

import numpy as np
import pandas as pd
import pytest

from skchaos._cli import main
from skchaos._cli._select import _infer_task
from skchaos.datasets import make_symbolic


def assert_usage_error(capsys, argv, *fragments):
    """Exit status 2 with one line on stderr naming the problem."""
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


@pytest.fixture
def regression_csv(tmp_path):
    data = make_symbolic(
        "a * b + c", n_samples=150, n_noise_features=5, random_state=0, return_X_y=False
    )
    frame = pd.DataFrame(data.data, columns=[f"f{i}" for i in range(8)])
    frame["y"] = data.target
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path, frame


class FakeRFE:
    """Stands in for AttributionRFE: drops the least |correlated| feature per round.

    The importance of a feature in a round is its |correlation| times the
    number of features in that round, so each round's values are distinct.
    """

    def __init__(self, estimator, *, attribution, n_features_to_select, **params):
        self.estimator = estimator
        self.attribution = attribution
        self.n_features_to_select = n_features_to_select
        self.params = params

    def fit(self, X, y):
        self.X_, self.y_ = X, y
        y = np.unique(y, return_inverse=True)[1] if y.dtype.kind not in "fi" else y
        scores = np.abs([np.corrcoef(column, y)[0, 1] for column in X.T])
        k = self.n_features_to_select
        k = 3 if k == "auto" else k
        alive = list(range(X.shape[1]))
        history = {"n_features": [], "features": [], "importances": []}
        history["eliminated"] = []
        while True:
            history["n_features"].append(len(alive))
            history["features"].append(np.array(alive))
            history["importances"].append(scores[alive] * len(alive))
            if len(alive) <= k:
                history["eliminated"].append(np.array([], dtype=int))
                break
            worst = alive[int(np.argmin(scores[alive]))]
            history["eliminated"].append(np.array([worst]))
            alive.remove(worst)
        chosen = len(history["features"]) - 1
        self.ranking_ = np.ones(X.shape[1], dtype=int)
        for r in range(chosen):
            self.ranking_[history["eliminated"][r]] = chosen - r + 1
        self.support_ = self.ranking_ == 1
        self.history_ = history
        self.scores_ = scores
        return self


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_select_command_plumbing(regression_csv, tmp_path, capsys, monkeypatch, task):
    fitted = []

    class Recorder(FakeRFE):
        def fit(self, X, y):
            fitted.append(self)
            return super().fit(X, y)

    monkeypatch.setattr("skchaos.feature_selection.AttributionRFE", Recorder)
    path, frame = regression_csv
    if task == "classification":
        frame = frame.assign(y=np.where(frame["y"] > frame["y"].median(), "hi", "lo"))
        frame.to_csv(path, index=False)
    out, ranking = tmp_path / "sub" / "selected.csv", tmp_path / "ranking.csv"
    argv = [
        "select",
        str(path),
        "--target",
        "y",
        "--attribution",
        "deeplift",
        "--n-features",
        "2",
        "--hidden-layer-sizes",
        "16,8",
        "--max-epochs",
        "7",
        "--random-state",
        "5",
        "--input-penalty",
        "0.5",
        "--out",
        str(out),
        "--report",
        str(ranking),
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert f"{task}: selected 2 of 8 features with AttributionRFE(deeplift)" in printed
    (selector,) = fitted
    estimator = selector.estimator
    assert type(estimator).__name__ == (
        "MLPRegressor" if task == "regression" else "MLPClassifier"
    )
    assert estimator.hidden_layer_sizes == (16, 8) and estimator.max_epochs == 7
    assert estimator.random_state == 5 and selector.params["random_state"] == 5
    assert selector.n_features_to_select == 2
    assert selector.params["input_penalty"] == 0.5
    # features (and a regression target) are standardized
    np.testing.assert_allclose(selector.X_.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(selector.X_.std(axis=0), 1)
    if task == "regression":
        assert selector.y_.std() == pytest.approx(1.0)
    else:
        assert set(selector.y_) == {"hi", "lo"}
    report = pd.read_csv(ranking)
    assert list(report.columns) == [
        "rank",
        "feature",
        "selected",
        "eliminated_in_round",
        "n_features_left",
        "importance_within_round",
    ]
    assert report["rank"].is_monotonic_increasing and len(report) == 8
    # one round per rank: features eliminated in different rounds never tie
    rounds = report.groupby("rank")["eliminated_in_round"].nunique(dropna=False)
    assert (rounds == 1).all()
    # each feature holds the round it was dropped in, the features left then
    # and its importance in that round (not the final one)
    scores = dict(zip([f"f{i}" for i in range(8)], selector.scores_))
    dropped = report[~report["selected"]]
    assert dropped["eliminated_in_round"].tolist() == [6, 5, 4, 3, 2, 1]
    assert (dropped["n_features_left"] == 9 - dropped["eliminated_in_round"]).all()
    np.testing.assert_allclose(
        dropped["importance_within_round"],
        dropped["feature"].map(scores) * dropped["n_features_left"],
    )
    kept = report[report["selected"]]
    assert kept["eliminated_in_round"].isna().all()
    assert (kept["n_features_left"] == 2).all() and (kept["rank"] == 1).all()
    top = kept["feature"].tolist()
    assert set(top) == set(pd.Series(scores).nlargest(2).index)
    assert "f2" in top  # y = a * b + c: c is the one correlated feature
    assert "compare only within a round" in printed
    selected = pd.read_csv(out)
    assert list(selected.columns) == sorted(top) + ["y"]  # original order
    assert (selected["y"] == frame["y"]).all()  # written unscaled


@pytest.mark.parametrize("threads", [None, 3])
def test_select_fits_on_the_threads_asked_for(regression_csv, monkeypatch, threads):
    torch = pytest.importorskip("torch")
    seen = []

    class Recorder(FakeRFE):
        def fit(self, X, y):
            seen.append(torch.get_num_threads())
            return super().fit(X, y)

    monkeypatch.setattr("skchaos.feature_selection.AttributionRFE", Recorder)
    path, _ = regression_csv
    before = torch.get_num_threads()
    argv = ["select", str(path), "--target", "y", "--attribution", "saliency"]
    argv += ["--verbose", "0"]
    if threads is not None:
        argv += ["--threads", str(threads)]
    assert main(argv) == 0
    assert seen == [1 if threads is None else threads]  # one thread by default
    assert torch.get_num_threads() == before  # restored after the fit


def test_select_command(regression_csv, tmp_path, capsys):
    pytest.importorskip("skchaos.feature_selection", reason="AttributionRFE")
    from skchaos import feature_selection

    if not hasattr(feature_selection, "AttributionRFE"):
        pytest.skip("AttributionRFE is not available yet")
    path, frame = regression_csv
    out, ranking = tmp_path / "selected.csv", tmp_path / "ranking.csv"
    from skchaos.utils import limited_threads

    with limited_threads(1):  # fast on a busy 2-core machine
        status = main(
            [
                "select",
                str(path),
                "--target",
                "y",
                "--n-features",
                "3",
                "--max-epochs",
                "60",
                "--hidden-layer-sizes",
                "16",
                "--out",
                str(out),
                "--report",
                str(ranking),
            ]
        )
    assert status == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "regression: selected 3 of 8 features" in printed
    assert "[AttributionRFE] 8 features left" in printed  # a line per round
    selected = pd.read_csv(out)
    assert selected.columns[-1] == "y" and selected.shape == (150, 4)
    assert "f2" in selected.columns  # c, the strongest feature of a * b + c
    np.testing.assert_allclose(selected["y"], frame["y"])
    report = pd.read_csv(ranking)
    assert "importance_within_round" in report.columns
    assert sorted(report["feature"]) == [f"f{i}" for i in range(8)]
    assert report["selected"].sum() == 3
    assert set(report.loc[report["selected"], "feature"]) == set(selected.columns[:-1])
    assert (report.loc[report["selected"], "rank"] == 1).all()


def test_select_rejects_bad_data(regression_csv, tmp_path, capsys):
    path, frame = regression_csv
    line = assert_usage_error(
        capsys, ["select", str(path), "--target", "z"], "--target 'z' is not a column"
    )
    assert "'f0', 'f1'" in line and "'y'" in line

    def write(name, table):
        target = tmp_path / name
        table.to_csv(target, index=False)
        return str(target)

    # --no-preprocess keeps the strict refusal of text and missing cells.
    text = frame.assign(city="paris", day="mon")
    assert_usage_error(
        capsys,
        ["select", write("text.csv", text), "--target", "y", "--no-preprocess"],
        "non-numeric feature column(s)",
        "'city' (str)",
        "'day'",
        "leave out --no-preprocess",
    )
    holes = frame.copy()
    holes.loc[:2, "f3"] = np.nan
    assert_usage_error(
        capsys,
        ["select", write("nan.csv", holes), "--target", "y", "--no-preprocess"],
        "missing values",
        "'f3' (3)",
    )
    # A missing target is refused either way; so are columns the encoder
    # cannot take.
    holes.loc[5, "y"] = np.nan
    assert_usage_error(
        capsys,
        ["select", write("nan_y.csv", holes), "--target", "y"],
        "target column 'y'",
        "1 missing value(s)",
    )
    empty = frame.assign(gone=np.nan)
    assert_usage_error(
        capsys,
        ["select", write("empty.csv", empty), "--target", "y"],
        "column 'gone' is entirely missing",
    )
    ids = frame.assign(user=[f"u{i}" for i in range(len(frame))])
    assert_usage_error(
        capsys,
        ["select", write("ids.csv", ids), "--target", "y"],
        "column 'user' has 150 distinct levels",
        "--no-preprocess",
    )
    assert_usage_error(
        capsys,
        ["select", write("few.csv", frame.head(8)), "--target", "y"],
        "has 8 rows",
        "at least 20",
    )
    assert_usage_error(
        capsys,
        ["select", write("const.csv", frame.assign(y=1.0)), "--target", "y"],
        "is constant",
    )
    assert_usage_error(
        capsys,
        ["select", write("one.csv", frame[["f0", "y"]]), "--target", "y"],
        "1 feature column(s)",
    )
    assert_usage_error(
        capsys,
        ["select", str(path), "--target", "y", "--n-features", "many"],
        "--n-features='many'",
    )
    assert_usage_error(
        capsys, ["select", str(path), "--target", "y", "--n-features", "8"], "[1, 7]"
    )
    assert_usage_error(
        capsys,
        ["select", str(path), "--target", "y", "--hidden-layer-sizes", "10,x"],
        "--hidden-layer-sizes='10,x'",
    )
    for bad in ("-1", "lots", "inf"):
        assert_usage_error(
            capsys,
            ["select", str(path), "--target", "y", "--input-penalty", bad],
            f"--input-penalty='{bad}' is invalid; expected 'auto' or a finite float",
        )
    assert_usage_error(
        capsys,
        ["select", str(path), "--target", "y", "--attribution", "magic"],
        "--attribution='magic' is not a known attribution method",
        "'saliency'",
    )
    labels = frame.assign(y=["a"] * 149 + ["b"])
    assert_usage_error(
        capsys,
        ["select", write("labels.csv", labels), "--target", "y"],
        "class 'b'",
        "single row",
    )
    assert_usage_error(
        capsys,
        [
            "select",
            write("labels.csv", labels),
            "--target",
            "y",
            "--task",
            "regression",
        ],
        "needs a numeric target",
    )
    assert_usage_error(
        capsys,
        ["select", str(tmp_path / "none.csv"), "--target", "y"],
        "does not exist",
    )


@pytest.mark.parametrize(
    "values, task",
    [
        ([0.1, 0.25, 3.5, 0.7], "regression"),
        ([0, 1, 1, 0], "classification"),
        ([0.0, 1.0, 1.0, 0.0], "classification"),
        (["yes", "no", "no", "yes"], "classification"),
        ([True, False, True, True], "classification"),
        (list(range(40)), "regression"),
    ],
)
def test_task_inference(values, task):
    assert _infer_task(pd.Series(values)) == task


class FakeBoruta:
    """Stands in for AttributionBoruta: confirms the two most |correlated|."""

    def __init__(self, estimator, *, input_penalty, random_state, verbose, **params):
        self.estimator = estimator
        self.attribution = params.get("attribution", "input_x_gradient")
        self.params = {"input_penalty": input_penalty, **params}

    def fit(self, X, y):
        scores = np.abs([np.corrcoef(column, y)[0, 1] for column in X.T])
        order = np.argsort(-scores)
        self.ranking_ = np.full(X.shape[1], 4)
        self.ranking_[order[:2]] = 1
        self.ranking_[order[2]] = 2
        self.support_ = self.ranking_ == 1
        self.support_weak_ = self.ranking_ == 2
        self.decision_iteration_ = np.where(self.ranking_ == 2, -1, 9)
        self.importances_ = scores
        return self


def test_select_method_boruta(regression_csv, tmp_path, capsys, monkeypatch):
    fitted = []

    class Recorder(FakeBoruta):
        def fit(self, X, y):
            fitted.append(self)
            return super().fit(X, y)

    monkeypatch.setattr("skchaos.feature_selection.AttributionBoruta", Recorder)
    path, frame = regression_csv
    report = tmp_path / "decisions.csv"
    argv = ["select", str(path), "--target", "y", "--method", "boruta"]
    assert main([*argv, "--report", str(report), "--input-penalty", "0.5"]) == 0
    printed = capsys.readouterr().out
    assert "selected 2 of 8 features with AttributionBoruta(input_x_gradient)" in (
        printed
    )
    assert fitted[0].params == {"input_penalty": 0.5}  # the selector's default
    table = pd.read_csv(report)
    assert list(table.columns) == [
        "rank",
        "feature",
        "selected",
        "decision",
        "decided_in_iteration",
        "mean_importance",
    ]
    assert table["decision"].value_counts().to_dict() == {
        "confirmed": 2,
        "rejected": 5,
        "tentative": 1,
    }
    assert (
        table.loc[table["decision"] == "tentative", "decided_in_iteration"].isna().all()
    )
    assert (
        table.loc[table["decision"] == "confirmed", "decided_in_iteration"] == 9
    ).all()
    assert_usage_error(
        capsys, [*argv, "--n-features", "3"], "--n-features=3 is for --method rfe"
    )


def test_select_a_mixed_table_by_its_own_columns(tmp_path, capsys):
    from skchaos.datasets import make_mixed

    data = make_mixed(
        n_samples=600,
        n_numeric_noise=6,
        n_categorical_noise=3,
        n_levels=4,
        noise=0.3,
        random_state=0,
        return_X_y=False,
    )
    frame = data.data.assign(target=data.target)
    path, out, ranking = (tmp_path / n for n in ("mixed.csv", "out.csv", "rank.csv"))
    frame.to_csv(path, index=False)
    argv = ["select", str(path), "--target", "target", "--max-epochs", "100"]
    argv += ["--hidden-layer-sizes", "32", "--out", str(out), "--report", str(ranking)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "on 13 features (encoded as 41 columns)" in printed
    report = pd.read_csv(ranking)
    # One row per column of the CSV, by its own name.
    assert sorted(report["feature"]) == sorted(data.feature_names)
    relevant = {n for n, r in zip(data.feature_names, data.relevant_mask) if r}
    kept = set(report.loc[report["selected"], "feature"])
    assert kept == relevant  # 2 numeric and 2 categorical, no noise
    selected = pd.read_csv(out)
    assert set(selected.columns) == kept | {"target"}
    # The user's values, not their encoding (categories, missing cells).
    cat = next(c for c in kept if c.startswith("cat"))
    assert set(selected[cat].dropna()) <= set("abcd")
    assert selected[cat].isna().any()
