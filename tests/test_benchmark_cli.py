"""The ``skchaos`` command line: benchmark, report and select."""

import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from skchaos.benchmark._cli import _infer_task, main
from skchaos.datasets import make_symbolic

TINY_TOML = """
name = "tiny"
methods = ["saliency", "feature_ablation"]

[datasets]
formulas = [1, "a * b"]
n_noise_features = [0, 3]
n_samples = [80]

[[models]]
name = "tiny"
hidden_layer_sizes = [8]
max_epochs = 10

[quick.datasets]
formulas = [1]
n_noise_features = [0]
"""


@pytest.fixture
def tiny_toml(tmp_path):
    path = tmp_path / "tiny.toml"
    path.write_text(TINY_TOML)
    return path


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


def test_benchmark_command_writes_rows_and_prints_a_summary(
    tiny_toml, tmp_path, capsys
):
    out, cache = tmp_path / "results.csv", tmp_path / "cache"
    argv = [
        "benchmark",
        "--config",
        str(tiny_toml),
        "--out",
        str(out),
        "--cache-dir",
        str(cache),
        "--no-progress",
    ]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "tiny: 4 cells x 2 methods x 2 evaluations = 16 rows" in printed
    assert "us corrected" in printed and "feature_ablation" in printed
    assert "4 cells (0 with errors)" in printed
    results = pd.read_csv(out)
    assert len(results) == 16 and results["error"].isna().all()
    assert len(list(cache.glob("cell-*.csv"))) == 4
    # --quick applies the config's overrides; --seed changes the seeds
    assert main(argv[:-1] + ["--quick", "--seed", "3", "--no-progress"]) == 0
    quick = pd.read_csv(out)
    assert len(quick) == 4 and (quick["random_state"] == 3).all()


def test_benchmark_command_usage_errors(tiny_toml, tmp_path, capsys):
    assert_usage_error(
        capsys,
        ["benchmark", "--preset", "nope"],
        "skchaos benchmark: error:",
        "'paper-symbolic'",
    )
    assert_usage_error(
        capsys,
        ["benchmark", "--config", str(tmp_path / "missing.toml")],
        "does not exist",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text("[datasets]\nformulas = [1]\nsamples = [10]\n")
    assert_usage_error(
        capsys, ["benchmark", "--config", str(bad)], "'samples'", "'n_samples'"
    )
    assert_usage_error(
        capsys,
        ["benchmark", "--config", str(tiny_toml), "--out", str(tmp_path)],
        "is a directory; expected a file",
    )
    # argparse's own errors: usage text and status 2
    assert main(["benchmark", "--preset", "paper-symbolic", "--config", "x"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert main(["benchmark"]) == 2
    assert main(["benchmark", "--preset", "paper-symbolic", "--n-jobs", "0"]) == 2
    assert main([]) == 2
    capsys.readouterr()
    assert main(["--version"]) == 0
    assert "skchaos" in capsys.readouterr().out


def test_command_line_runs_as_a_real_process(tiny_toml, tmp_path):
    out = tmp_path / "results.csv"
    script = shutil.which("skchaos")
    command = [script] if script else [sys.executable, "-m", "skchaos"]
    finished = subprocess.run(
        [
            *command,
            "benchmark",
            "--config",
            str(tiny_toml),
            "--quick",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert finished.returncode == 0, finished.stderr
    assert "1 cells (0 with errors)" in finished.stdout
    assert "cell" in finished.stderr  # the tqdm progress bar
    assert len(pd.read_csv(out)) == 4
    failed = subprocess.run(
        [sys.executable, "-m", "skchaos", "report", str(tmp_path / "nope.csv")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("skchaos report: error: results file")
    assert "Traceback" not in failed.stderr


def test_report_command(tiny_toml, tmp_path, capsys):
    results = tmp_path / "results.csv"
    assert (
        main(
            [
                "benchmark",
                "--config",
                str(tiny_toml),
                "--out",
                str(results),
                "--no-progress",
            ]
        )
        == 0
    )
    capsys.readouterr()
    report, plots = tmp_path / "report.md", tmp_path / "plots"
    assert (
        main(["report", str(results), "--out", str(report), "--plots", str(plots)]) == 0
    )
    printed = capsys.readouterr().out
    assert "### US by n_noise_features" in printed
    assert "### FPrec by n_noise_features" in printed
    assert "| n_noise_features | Pred | SA | FA |" in printed
    # 0 noise features and sigma_y = 0.01 overlap the published figures
    assert "## Next to the published figures" in printed
    assert "SA paper" in printed and "0.601" in printed
    assert report.read_text() in printed
    pngs = sorted(p.name for p in plots.glob("*.png"))
    assert pngs == [
        "fprec_vs_n_noise_features.png",
        "us_heatmap_corrected.png",
        "us_heatmap_paper.png",
        "us_vs_n_noise_features.png",
    ]
    assert all((plots / p).read_bytes()[:4] == b"\x89PNG" for p in pngs)

    table = tmp_path / "table.csv"
    pd.DataFrame({"a": [1, 2]}).to_csv(table, index=False)
    assert_usage_error(
        capsys, ["report", str(table)], "lacks the column(s)", "'formula_id'"
    )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert_usage_error(capsys, ["report", str(empty)], "is empty")


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
    """Stands in for AttributionRFE: ranks features by |correlation|."""

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
        order = np.argsort(-scores)
        self.ranking_ = np.empty(X.shape[1], dtype=int)
        self.ranking_[order] = np.maximum(1, np.arange(X.shape[1]) - k + 2)
        self.support_ = self.ranking_ == 1
        self.importances_ = scores
        return self


@pytest.mark.parametrize("task", ["regression", "classification"])
def test_select_command_plumbing(regression_csv, tmp_path, capsys, monkeypatch, task):
    fitted = []

    class Recorder(FakeRFE):
        def fit(self, X, y):
            fitted.append(self)
            return super().fit(X, y)

    monkeypatch.setattr("skchaos.benchmark._cli._import_rfe", lambda: Recorder)
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
    # features (and a regression target) are standardized
    np.testing.assert_allclose(selector.X_.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(selector.X_.std(axis=0), 1)
    if task == "regression":
        assert selector.y_.std() == pytest.approx(1.0)
    else:
        assert set(selector.y_) == {"hi", "lo"}
    report = pd.read_csv(ranking)
    assert list(report.columns) == ["feature", "rank", "importance", "selected"]
    assert report["rank"].is_monotonic_increasing and len(report) == 8
    top = report.loc[report["selected"], "feature"].tolist()
    assert set(top) == set(report.nlargest(2, "importance")["feature"])
    assert "f2" in top  # y = a * b + c: c is the one correlated feature
    selected = pd.read_csv(out)
    assert list(selected.columns) == sorted(top) + ["y"]  # original order
    assert (selected["y"] == frame["y"]).all()  # written unscaled


def test_select_command(regression_csv, tmp_path, capsys):
    pytest.importorskip("skchaos.feature_selection", reason="AttributionRFE")
    from skchaos import feature_selection

    if not hasattr(feature_selection, "AttributionRFE"):
        pytest.skip("AttributionRFE is not available yet")
    path, frame = regression_csv
    out, ranking = tmp_path / "selected.csv", tmp_path / "ranking.csv"
    from skchaos.benchmark._cell import _single_threaded

    with _single_threaded():  # fast on a busy 2-core machine
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
    selected = pd.read_csv(out)
    assert selected.columns[-1] == "y" and selected.shape == (150, 4)
    assert "f2" in selected.columns  # c, the strongest feature of a * b + c
    np.testing.assert_allclose(selected["y"], frame["y"])
    report = pd.read_csv(ranking)
    assert list(report.columns) == ["feature", "rank", "importance", "selected"]
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

    text = frame.assign(city="paris", day="mon")
    assert_usage_error(
        capsys,
        ["select", write("text.csv", text), "--target", "y"],
        "non-numeric feature column(s)",
        "'city' (str)",
        "'day'",
    )
    holes = frame.copy()
    holes.loc[:2, "f3"] = np.nan
    holes.loc[5, "y"] = np.nan
    assert_usage_error(
        capsys,
        ["select", write("nan.csv", holes), "--target", "y"],
        "missing values",
        "'f3' (3)",
        "'y' (1)",
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
