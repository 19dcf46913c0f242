"""Faults of the ``skchaos`` command line: interruption, kills, overwriting,
exit status and error reporting. The command runs as a real process."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from skchaos.benchmark import load_config, run_benchmark

TIMINGS = ["fit_time", "attr_time"]

SLOW_TOML = """
name = "slow"
methods = ["saliency"]

[datasets]
formulas = [1, 2, 3]
n_noise_features = [2]
n_samples = [80]

[[models]]
name = "slow"
hidden_layer_sizes = [8]
max_epochs = {epochs}
"""


def write_config(folder, epochs):
    path = Path(folder) / "slow.toml"
    path.write_text(SLOW_TOML.format(epochs=epochs))
    return path


def skchaos(*args, cwd, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "skchaos", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _default_sigint():
    # A test runner started in the background (``cmd &``) ignores SIGINT, and
    # children inherit that: give the command line the default disposition,
    # as in a terminal, so that Python turns SIGINT into KeyboardInterrupt.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args, cwd):
    return subprocess.Popen(
        [sys.executable, "-m", "skchaos", *map(str, args)],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )


def wait_for_files(process, folder, n, timeout=120):
    """Wait until ``folder`` holds ``n`` finished cell files."""
    deadline = time.monotonic() + timeout
    while len(list(Path(folder).glob("cell-*.csv"))) < n:
        if process.poll() is not None:
            out, err = process.communicate()
            pytest.fail(f"the run ended before {n} cell(s) were kept:\n{out}\n{err}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the run made no progress")
        time.sleep(0.05)


def read_cell(path):
    return pd.read_csv(path, skiprows=1)


def assert_same_table(left, right):
    columns = [c for c in left.columns if c not in TIMINGS]
    pd.testing.assert_frame_equal(left[columns], right[columns], check_exact=True)


def one_error_line(finished):
    assert "Traceback" not in finished.stderr, finished.stderr
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1, finished.stderr
    return lines[0]


@pytest.mark.slow
def test_ctrl_c_exits_130_and_never_keeps_an_interrupted_cell(tmp_path):
    # Cells of several seconds: the SIGINT must land while the second one
    # trains, even on a loaded machine.
    epochs = 6000
    config = write_config(tmp_path, epochs=epochs)
    process = start(
        "benchmark", "--config", config, "--cache-dir", "c", "--out", "o.csv",
        cwd=tmp_path,
    )  # fmt: skip
    try:
        wait_for_files(process, tmp_path / "c", 1)
        time.sleep(0.3)  # the second cell is training now
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert "rerun the same command to resume" in err
    assert not (tmp_path / "o.csv").exists()  # no partial table
    kept = sorted((tmp_path / "c").glob("cell-*.csv"))
    assert 1 <= len(kept) < 3
    for path in kept:  # only complete cells were kept
        assert (read_cell(path)["n_epochs"] == epochs).all()
    assert not list((tmp_path / "c").glob(".*.tmp"))


@pytest.mark.slow
def test_out_alone_is_durable_and_a_rerun_computes_only_the_missing_cells(
    tmp_path,
):
    config = write_config(tmp_path, epochs=600)
    argv = ["benchmark", "--config", config, "--out", "results.csv", "--no-progress"]
    process = start(*argv, cwd=tmp_path)
    store = tmp_path / "results.csv.cells"
    try:
        wait_for_files(process, store, 1)
    finally:
        process.kill()  # SIGKILL: no chance to clean up
        process.wait()
    survivors = {p: p.stat().st_mtime_ns for p in store.glob("cell-*.csv")}
    assert 1 <= len(survivors) < 3
    finished = skchaos(*argv, cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert {p: p.stat().st_mtime_ns for p in survivors} == survivors  # not redone
    assert len(list(store.glob("cell-*.csv"))) == 3
    resumed = run_benchmark(load_config(config), cache_dir=store, progress=False)
    written = pd.read_csv(tmp_path / "results.csv")
    assert len(written) == len(resumed) == 3 * 2
    uninterrupted = run_benchmark(load_config(config), progress=False)
    assert_same_table(resumed, uninterrupted)


def test_damaged_cell_files_are_recomputed_with_a_warning(tmp_path):
    grid = {
        "datasets": {"formulas": [1, 2], "n_noise_features": [2], "n_samples": [60]},
        "models": [{"name": "tiny", "hidden_layer_sizes": [4], "max_epochs": 3}],
        "methods": ["saliency", "feature_ablation"],
    }
    first = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    checked, legacy = sorted(tmp_path.glob("cell-*.csv"))
    # two rows deleted from a checksummed file
    lines = checked.read_text().splitlines(keepends=True)
    checked.write_text("".join(lines[:-2]))
    # and from a plain CSV file (older skchaos): the row count catches it
    legacy.write_text("".join(legacy.read_text().splitlines(keepends=True)[1:-2]))
    with pytest.warns(RuntimeWarning, match="damaged cache file") as record:
        again = run_benchmark(grid, cache_dir=tmp_path, progress=False)
    messages = " ".join(str(w.message) for w in record)
    assert "checksum mismatch" in messages and "2 rows instead of 4" in messages
    assert_same_table(first, again)
    assert not (again["fit_time"] == first["fit_time"]).any()  # both recomputed
    assert len(read_cell(checked)) == len(read_cell(legacy)) == 4


def child_pids(pid):
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_killing_the_parent_stops_the_workers(tmp_path):
    config = write_config(tmp_path, epochs=20000)  # minutes per cell
    process = start(
        "benchmark", "--config", config, "--n-jobs", "2", "--out", "o.csv",
        cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        workers = []
        while len(workers) < 2:
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "no workers started"
            workers = [p for p in child_pids(process.pid) if alive(p)]
            time.sleep(0.2)
        time.sleep(3)  # the workers are training their cells
    finally:
        process.kill()
        process.wait()
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.2)
    survivors = [p for p in workers if alive(p)]
    for pid in survivors:  # clean up before failing
        os.kill(pid, signal.SIGKILL)
    assert not survivors, "the workers outlived their parent"


@pytest.fixture
def results_csv(tmp_path):
    grid = {
        "datasets": {"formulas": [1], "n_noise_features": [0], "n_samples": [60]},
        "models": [{"name": "tiny", "hidden_layer_sizes": [4], "max_epochs": 3}],
        "methods": ["saliency"],
    }
    path = tmp_path / "r.csv"
    run_benchmark(grid, progress=False).to_csv(path, index=False)
    return path


def test_no_command_writes_over_its_input(results_csv, tmp_path):
    before = results_csv.read_bytes()
    finished = skchaos("report", results_csv, "--out", results_csv, cwd=tmp_path)
    assert finished.returncode == 2
    assert "--out" in one_error_line(finished) and "same file" in finished.stderr
    finished = skchaos(
        "report", results_csv, "--out", results_csv, "--force", cwd=tmp_path
    )
    assert finished.returncode == 2  # not even with --force
    assert results_csv.read_bytes() == before

    data = tmp_path / "d.csv"
    pd.DataFrame({"a": range(30), "b": range(30), "y": range(30)}).to_csv(
        data, index=False
    )
    before = data.read_bytes()
    for option in ("--out", "--report"):
        finished = skchaos(
            "select", data, "--target", "y", "--max-epochs", "2", option, data,
            cwd=tmp_path,
        )  # fmt: skip
        assert finished.returncode == 2
        assert option in one_error_line(finished)
    assert data.read_bytes() == before


def test_existing_outputs_are_replaced_only_with_force(results_csv, tmp_path):
    report = tmp_path / "report.md"
    report.write_text("my notes\n")
    finished = skchaos("report", results_csv, "--out", report, cwd=tmp_path)
    assert finished.returncode == 2
    assert "--force" in one_error_line(finished)
    assert report.read_text() == "my notes\n"
    finished = skchaos("report", results_csv, "--out", report, "--force", cwd=tmp_path)
    assert finished.returncode == 0, finished.stderr
    assert report.read_text().startswith("# skchaos benchmark report")

    config = write_config(tmp_path, epochs=2)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    finished = skchaos("benchmark", "--config", config, "--out", other, cwd=tmp_path)
    assert finished.returncode == 2
    assert "--force" in one_error_line(finished)
    assert other.read_text() == "a,b\n1,2\n"


def test_failed_cells_exit_nonzero_and_are_named(tmp_path, capsys, monkeypatch):
    from skchaos._cli import main
    from skchaos.benchmark import _cell

    make_estimator = _cell._make_estimator

    def failing(model, seed):
        if model["name"] == "bad":
            raise RuntimeError("no luck")
        return make_estimator(model, seed)

    monkeypatch.setattr(_cell, "_make_estimator", failing)
    config = tmp_path / "grid.toml"
    config.write_text(
        'methods = ["saliency"]\n[datasets]\nformulas = [1]\nn_noise_features = '
        "[2]\nn_samples = [60]\n[[models]]\nname = 'good'\nhidden_layer_sizes = "
        "[4]\nmax_epochs = 3\n[[models]]\nname = 'bad'\nhidden_layer_sizes = [4]"
        "\nmax_epochs = 3\n"
    )
    out = tmp_path / "o.csv"
    argv = ["benchmark", "--config", str(config), "--out", str(out), "--no-progress"]
    assert main(argv) == 3
    captured = capsys.readouterr()
    assert "2 cells (1 with errors)" in captured.out
    assert "1 cell(s) failed" in captured.err
    assert "formula 1, 2 noise features" in captured.err
    assert "model 'bad'" in captured.err and "RuntimeError: no luck" in captured.err
    assert "model 'good'" not in captured.err
    assert len(pd.read_csv(out)) == 4  # the table is still written
    help_text = subprocess.run(
        [sys.executable, "-m", "skchaos", "benchmark", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "3 some benchmark cells failed" in " ".join(help_text.split())


@pytest.mark.parametrize(
    "name, text, fragment",
    [
        ("deep.toml", "[datasets]\nformulas = " + "[" * 3000 + "1" + "]" * 3000, ""),
        ("deep.yaml", "datasets:\n  formulas: " + "[" * 3000 + "1" + "]" * 3000, ""),
        (
            "formula.toml",
            '[datasets]\nformulas = ["' + "exp(" * 150 + "a" + ")" * 150 + '"]',
            "datasets.formulas[0]",
        ),
        ("syntax.toml", '[datasets]\nformulas = ["a +* b"]', "not a valid"),
    ],
)
def test_config_errors_are_one_line_and_exit_2(tmp_path, name, text, fragment):
    (tmp_path / name).write_text(text + "\n")
    finished = skchaos("benchmark", "--config", name, "--dry-run", cwd=tmp_path)
    assert finished.returncode == 2
    line = one_error_line(finished)
    assert line.startswith(f"skchaos benchmark: error: --config {name}")
    assert fragment in line
