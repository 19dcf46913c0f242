"""The command line for a newcomer: help, messages, speed, progress, legend."""

import subprocess
import sys
import time

import numpy as np
import pandas as pd

from skchaos._cli import main
from skchaos.benchmark import make_report, run_benchmark


def error_line(capsys, argv):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    (line,) = err.strip().splitlines()
    return line


def test_help_shows_defaults_and_presets(capsys):
    assert main(["benchmark", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "parallel cells (-1: all cores) (default: 1)" in text
    assert "root seed (default: 0)" in text
    assert "paper-symbolic: ChaosMining symbolic functional benchmark" in text
    assert "exit status: 0 success" in text
    assert main(["select", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "MLP epochs (default: 1000)" in text
    assert "(default: None)" not in text


def test_messages_name_the_flag_the_user_typed(capsys, tmp_path):
    line = error_line(capsys, ["benchmark", "--preset", "nope", "--dry-run"])
    assert line.startswith("skchaos benchmark: error: --preset 'nope' is not a preset")
    assert "'paper-symbolic'" in line and "config=" not in line
    line = error_line(capsys, ["benchmark", "--config", "none.toml"])
    assert "--config 'none.toml' does not exist" in line
    bad = tmp_path / "bad.toml"
    bad.write_text("[datasets]\nformulas = [1]\nsamples = [10]\n")
    line = error_line(capsys, ["benchmark", "--config", str(bad)])
    assert f"--config {bad}: Unknown key(s) 'samples'" in line
    line = error_line(
        capsys, ["benchmark", "--config", str(bad), "--cache-dir", str(bad)]
    )
    assert "--cache-dir" in line and "not a directory" in line


def test_no_numpy_reprs_in_messages(capsys, tmp_path):
    data = tmp_path / "d.csv"
    frame = pd.DataFrame({"a": np.arange(30.0), "b": np.arange(30.0) % 7})
    frame["target"] = [170.0] * 29 + [171.0]
    frame.to_csv(data, index=False)
    line = error_line(capsys, ["select", str(data), "--target", "target"])
    assert "class 171.0 of 'target' has a single row" in line
    assert "np." not in line


def test_argument_and_file_errors_come_before_importing_torch(tmp_path):
    code = (
        "import sys, time\n"
        "start = time.perf_counter()\n"
        "from skchaos._cli import main\n"
        "status = main(['select', 'missing.csv', '--target', 'y'])\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
        "print(time.perf_counter() - start)\n"
        "sys.exit(status)\n"
    )
    finished = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2, finished.stderr
    assert finished.stderr.startswith("skchaos select: error: data file 'missing.csv'")
    assert float(finished.stdout) < 5  # well under 1 s on an idle machine


def sleepy():
    from sklearn.dummy import DummyRegressor

    class Sleepy(DummyRegressor):
        def fit(self, X, y):
            time.sleep(0.6)
            return super().fit(X, y)

    return Sleepy()


def test_the_progress_bar_moves_during_a_long_cell(capsys, monkeypatch):
    monkeypatch.setattr("skchaos.benchmark._runner._REFRESH_INTERVAL", 0.05)
    grid = {
        "datasets": {"formulas": [1], "n_noise_features": [0], "n_samples": [40]},
        "models": [{"name": "sleepy", "factory": sleepy}],
        "methods": ["feature_ablation"],
    }
    run_benchmark(grid, progress=True)
    redraws = capsys.readouterr().err.count("\r")
    assert redraws >= 5  # the elapsed time keeps moving while the cell runs


def test_report_has_a_legend_and_says_what_a_partial_grid_can_show():
    grid = {
        "datasets": {"formulas": [1], "n_noise_features": [0], "n_samples": [60]},
        "models": [{"name": "tiny", "hidden_layer_sizes": [4], "max_epochs": 3}],
        "methods": ["saliency"],
    }
    report = make_report(run_benchmark(grid, progress=False))
    legend = report.split("## Legend", 1)[1].split("##", 1)[0]
    for term in ("US", "FPrec", "Pred, prediction US", "SA, IG, DL, FA"):
        assert f"**{term}**" in legend
    assert "'paper' evaluation" in legend and "'corrected' evaluation" in legend
    assert "1 of the 15 formulas and 3 instead of 1000 epochs" in report
    assert "28/28" in report
