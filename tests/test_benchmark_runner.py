"""run_benchmark: rows, evaluation modes, seeding, caching, resuming, errors."""

import os
import subprocess
import sys
import textwrap
import time
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from skchaos.benchmark import expand_grid, run_benchmark
from skchaos.neural import MLPRegressor

TIMINGS = ["fit_time", "attr_time"]


def tiny_grid(**overrides):
    grid = {
        "datasets": {
            "formulas": [1, "a * b"],
            "n_noise_features": [0, 3],
            "n_samples": [80],
        },
        "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 10}],
        "methods": ["saliency", "feature_ablation"],
    }
    grid.update(overrides)
    return grid


def assert_same_results(left, right):
    columns = [c for c in left.columns if c not in TIMINGS]
    pd.testing.assert_frame_equal(left[columns], right[columns], check_exact=True)


def test_rows_columns_and_evaluation_table():
    grid = tiny_grid(
        datasets={"formulas": ["-2 * a"], "n_noise_features": [0], "n_samples": [200]},
        models=[
            {"name": "lin", "hidden_layer_sizes": [8], "lr": 0.01, "max_epochs": 60}
        ],
        methods=["saliency", "integrated_gradients", "deeplift", "feature_ablation"],
    )
    results = run_benchmark(grid, progress=False)
    assert len(results) == 4 * 2
    assert results["error"].isna().all()
    assert list(results["method"][::2]) == [
        "saliency",
        "integrated_gradients",
        "deeplift",
        "feature_ablation",
    ]
    assert list(results["evaluation"][:2]) == ["paper", "corrected"]
    truths = dict(zip(zip(results["method"], results["evaluation"]), results["truth"]))
    assert truths == {
        ("saliency", "paper"): "saliency",
        ("saliency", "corrected"): "saliency",
        ("integrated_gradients", "paper"): "integrated_gradients_riemann",
        ("integrated_gradients", "corrected"): "integrated_gradients_exact",
        ("deeplift", "paper"): "integrated_gradients_riemann",
        ("deeplift", "corrected"): "integrated_gradients_exact",
        ("feature_ablation", "paper"): "feature_ablation",
        ("feature_ablation", "corrected"): "feature_ablation",
    }
    assert results["attribution_abs"].tolist() == [True] + [False] * 7
    sa = results[results["method"] == "saliency"].set_index("evaluation")["us"]
    # f = -2a: one feature with a negative gradient. The signed saliency
    # matches the signed truth; captum's |saliency| has the opposite sign.
    assert sa["corrected"] == pytest.approx(1.0)
    assert sa["paper"] == pytest.approx(0.0, abs=1e-6)
    assert results["fprec"].eq(1.0).all()
    for column in ("pred_us", "mae", "r2", "fit_time", "n_epochs", "n_relevant"):
        assert results[column].nunique() == 1  # one model per cell
    assert results["n_epochs"].iloc[0] == 60 and results["n_relevant"].iloc[0] == 1
    assert results["r2"].iloc[0] > 0.9
    assert results["hidden_layer_sizes"].iloc[0] == "(8,)"
    assert results["lr"].iloc[0] == 0.01


def test_grid_parameters_are_columns_in_grid_order():
    grid = tiny_grid(seeds=[0, 1])
    results = run_benchmark(grid, progress=False)
    cells = expand_grid(grid)
    assert len(results) == len(cells) * 2 * 2
    assert list(dict.fromkeys(results["cell_id"])) == [c["cell_id"] for c in cells]
    first = results.iloc[0]
    assert (first["formula_id"], first["formula"], first["n_noise_features"]) == (
        1,
        "a",
        0,
    )
    assert first["noise"] == 0.01 and first["n_samples"] == 80
    assert first["model"] == "tiny" and first["max_epochs"] == 10
    assert pd.isna(results.loc[results["formula"] == "a * b", "formula_id"]).all()
    assert results["us"].between(0, 1).all() and results["fprec"].between(0, 1).all()
    # seeds give different data, the same seed the same data across models
    by_seed = results.groupby("seed")["pred_us"].first()
    assert by_seed[0] != by_seed[1]


def test_results_do_not_depend_on_n_jobs():
    grid = tiny_grid()
    sequential = run_benchmark(grid, n_jobs=1, progress=False)
    parallel = run_benchmark(grid, n_jobs=2, progress=False)
    assert_same_results(sequential, parallel)


def test_cache_skips_finished_cells_and_recomputes_bad_files(tmp_path):
    grid = tiny_grid()
    first = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    files = sorted(tmp_path.glob("cell-*.csv"))
    assert len(files) == 4 and not list(tmp_path.glob(".*tmp"))
    mtimes = {f: f.stat().st_mtime_ns for f in files}
    # Timings are only equal if the rows were read back, not recomputed.
    again = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    pd.testing.assert_frame_equal(first, again, check_exact=True)
    assert {f: f.stat().st_mtime_ns for f in files} == mtimes
    # a deleted cell runs again; a damaged file is reported and rerun
    files[0].unlink()
    files[1].write_text("not,a\nresults,file\n")
    with pytest.warns(RuntimeWarning, match="damaged cache file"):
        third = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    assert_same_results(first, third)
    rerun = third["cell_id"].isin([f.stem[5:] for f in files[:2]])
    assert rerun.sum() == 8
    assert not np.array_equal(
        third.loc[rerun, "fit_time"], first.loc[rerun, "fit_time"]
    )
    pd.testing.assert_frame_equal(third[~rerun], first[~rerun])
    # a different random_state is a different cell
    other = run_benchmark(grid, cache_dir=tmp_path, progress=False, random_state=1)
    assert set(other["cell_id"]).isdisjoint(first["cell_id"])
    assert len(list(tmp_path.glob("cell-*.csv"))) == 8


N_BOOM_FITS = 0


class Boom(MLPRegressor):
    def fit(self, X, y, **fit_params):
        global N_BOOM_FITS
        N_BOOM_FITS += 1
        raise RuntimeError("boom\nsecond line")


def boom():
    return Boom(hidden_layer_sizes=(4,), max_epochs=2)


def ridge():
    return Ridge(alpha=1.0)


def test_errors_are_recorded_and_failed_cells_retried(tmp_path):
    global N_BOOM_FITS
    grid = tiny_grid(
        datasets={"formulas": ["a + b"], "n_noise_features": [2], "n_samples": [80]},
        models=[
            {"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 10},
            boom,
            {"name": "ridge", "factory": ridge},
        ],
    )
    N_BOOM_FITS = 0
    results = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    assert N_BOOM_FITS == 1
    by_model = dict(list(results.groupby("model", sort=False)))
    assert list(by_model) == ["tiny", "boom", "ridge"]
    assert by_model["tiny"]["error"].isna().all()
    # a cell that raises: every row carries the one-line error, metrics NaN
    assert (by_model["boom"]["error"] == "RuntimeError: boom second line").all()
    assert by_model["boom"][["us", "fprec", "pred_us", "mae"]].isna().all().all()
    assert len(by_model["boom"]) == 4
    # a method that raises (saliency needs a torch model): only its rows fail
    ridge_rows = by_model["ridge"].set_index("method")
    assert ridge_rows.loc["saliency", "error"].str.contains("saliency").all()
    assert ridge_rows.loc["saliency", "us"].isna().all()
    assert ridge_rows.loc["feature_ablation", "error"].isna().all()
    assert ridge_rows.loc["feature_ablation", "us"].gt(0.9).all()
    assert ridge_rows["r2"].gt(0.9).all()
    # rerun: failed cells are retried, finished ones are read back
    again = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    assert N_BOOM_FITS == 2
    tiny = again["model"] == "tiny"
    pd.testing.assert_frame_equal(again[tiny], results[tiny])


CRASH_SCRIPT = textwrap.dedent(
    """
    import os
    import time

    from skchaos.benchmark import run_benchmark
    from skchaos.neural import MLPRegressor

    N_FITS = 0


    class HangingMLP(MLPRegressor):
        def fit(self, X, y, **fit_params):
            global N_FITS
            N_FITS += 1
            if N_FITS > int(os.environ.get("HANG_AFTER_FITS", "1000000")):
                time.sleep(600)  # "crashes" here: the test kills the process
            return super().fit(X, y, **fit_params)


    def hanging_mlp():
        return HangingMLP(hidden_layer_sizes=(8,), max_epochs=5)


    GRID = {
        "datasets": {"formulas": [1, 2, 3], "n_noise_features": [0, 2],
                     "n_samples": [60]},
        "models": [{"name": "hanging", "factory": hanging_mlp}],
        "methods": ["saliency", "feature_ablation"],
    }


    def main(cache_dir):
        run_benchmark(GRID, cache_dir=cache_dir, progress=False)
    """
)


def test_killed_run_resumes_without_losing_or_repeating_cells(tmp_path, monkeypatch):
    (tmp_path / "crash_grid.py").write_text(CRASH_SCRIPT)
    cache = tmp_path / "cache"
    env = {**os.environ, "HANG_AFTER_FITS": "2", "PYTHONPATH": str(tmp_path)}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, crash_grid; crash_grid.main(sys.argv[1])",
            str(cache),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while len(list(cache.glob("cell-*.csv"))) < 2:
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the run made no progress"
            time.sleep(0.05)
        time.sleep(0.3)  # the third cell is now hanging in fit
    finally:
        process.kill()
        process.wait()
    survivors = sorted(cache.glob("cell-*.csv"))
    assert len(survivors) == 2
    mtimes = {f: f.stat().st_mtime_ns for f in survivors}
    cached = pd.concat([pd.read_csv(f, skiprows=1) for f in survivors])

    monkeypatch.syspath_prepend(str(tmp_path))
    import crash_grid

    resumed = run_benchmark(crash_grid.GRID, cache_dir=cache, progress=False)
    assert crash_grid.N_FITS == 6 - 2  # only the unfinished cells trained
    assert {f: f.stat().st_mtime_ns for f in survivors} == mtimes
    cells = [c["cell_id"] for c in expand_grid(crash_grid.GRID)]
    assert list(dict.fromkeys(resumed["cell_id"])) == cells
    assert not resumed.duplicated(["cell_id", "method", "evaluation"]).any()
    assert len(resumed) == 6 * 2 * 2 and resumed["error"].isna().all()
    kept = resumed[resumed["cell_id"].isin(cached["cell_id"])]
    np.testing.assert_array_equal(
        np.sort(kept["fit_time"].to_numpy()), np.sort(cached["fit_time"].to_numpy())
    )
    assert_same_results(resumed, run_benchmark(crash_grid.GRID, progress=False))


def test_dask_local_cluster_backend():
    distributed = pytest.importorskip("distributed")
    grid = tiny_grid(
        datasets={"formulas": [1, 2], "n_noise_features": [2], "n_samples": [60]}
    )
    expected = run_benchmark(grid, n_jobs=1, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # dask's own deprecation chatter
        with (
            distributed.LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=False,
                protocol="tcp://",  # real sockets, on loopback only
                host="127.0.0.1",
                dashboard_address=None,
            ) as cluster,
            distributed.Client(cluster) as client,
            joblib.parallel_config(backend="dask"),
        ):
            results = run_benchmark(grid, progress=False)
            executed = [w.state.executed_count for w in cluster.workers.values()]
            assert client.status == "running"
    assert sum(executed) >= 2  # the two cells ran on the cluster's workers
    assert_same_results(expected, results)
