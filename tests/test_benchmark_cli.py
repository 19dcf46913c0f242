"""The ``skchaos`` command line: benchmark and report."""

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from skchaos._cli import main

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
    argv = argv[:-1] + ["--quick", "--seed", "3", "--no-progress"]
    assert main(argv) == 2  # --out holds another run's results
    assert "pass --force" in capsys.readouterr().err
    assert main([*argv, "--force"]) == 0
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


def _command():
    """The installed ``skchaos`` script, else ``python -m skchaos``."""
    script = shutil.which("skchaos")
    return [script] if script else [sys.executable, "-m", "skchaos"]


def _run(*args):
    return subprocess.run(
        [*_command(), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_the_command_runs_as_a_real_process(tmp_path):
    version = _run("--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.startswith("skchaos ")
    failed = _run("report", tmp_path / "nope.csv")
    assert failed.returncode == 2
    assert failed.stderr.startswith("skchaos report: error: results file")
    assert "Traceback" not in failed.stderr


@pytest.mark.slow
def test_a_benchmark_runs_as_a_real_process(tiny_toml, tmp_path):
    # The in-process run is test_benchmark_command_writes_rows_and_prints_a_summary;
    # this one adds a real process, its exit status and tqdm on a real stderr.
    out = tmp_path / "results.csv"
    finished = _run("benchmark", "--config", tiny_toml, "--quick", "--out", out)
    assert finished.returncode == 0, finished.stderr
    assert "1 cells (0 with errors)" in finished.stdout
    assert "cell" in finished.stderr  # the tqdm progress bar
    assert len(pd.read_csv(out)) == 4


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
