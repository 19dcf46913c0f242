"""Tables, the comparison with the paper, and figures."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

from skchaos.benchmark import (
    compare_with_paper,
    make_report,
    plot_curves,
    plot_heatmap,
    published_results,
    run_benchmark,
    summarize_results,
)
from skchaos.benchmark._plots import write_figures

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def results():
    grid = {
        "datasets": {
            "formulas": [1, 4, "a * b"],
            "n_noise_features": [0, 50],
            "noise": [0.01, 0.1],
            "n_samples": [60],
        },
        "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
        "methods": ["saliency", "deeplift", "feature_ablation"],
    }
    return run_benchmark(grid, progress=False)


def test_published_results_are_the_papers_tables():
    published = published_results()
    assert "arXiv:2406.12150" in published.attrs["source"]
    us = published[published["metric"] == "us"].pivot(
        index="n_noise_features", columns="method", values="value"
    )
    assert list(us.index) == [0, 50, 100, 150, 200]
    assert us.loc[100].to_dict() == {
        "feature_ablation": 0.490,
        "integrated_gradients": 0.563,
        "prediction": 0.823,
        "saliency": 0.419,
    }
    fprec = published[published["metric"] == "fprec"]
    assert set(fprec["n_noise_features"]) == {100, 200}
    assert (
        fprec.set_index(["n_noise_features", "method"]).loc[(200, "deeplift"), "value"]
        == 0.462
    )
    assert (us.diff().dropna() < 0).all().all()  # every score drops with noise


def test_summarize_results_means_over_formulas_and_seeds(results):
    table = summarize_results(results, by="n_noise_features", metric="us")
    assert table.index.names == ["n_noise_features", "noise"]  # noise varies
    assert list(table.columns) == [
        "prediction",
        "saliency",
        "deeplift",
        "feature_ablation",
    ]
    rows = results[
        (results["evaluation"] == "corrected")
        & (results["method"] == "deeplift")
        & (results["n_noise_features"] == 50)
        & (results["noise"] == 0.1)
    ]
    assert len(rows) == 3  # the three formulas
    assert table.loc[(50, 0.1), "deeplift"] == pytest.approx(rows["us"].mean())
    paper = summarize_results(results, metric="us", evaluation="paper")
    assert not np.allclose(paper["saliency"], table["saliency"])
    np.testing.assert_allclose(paper["deeplift"], table["deeplift"], rtol=0.2)
    fprec = summarize_results(results, by="noise", metric="fprec")
    assert "prediction" not in fprec.columns
    assert fprec.index.names == ["noise", "n_noise_features"]
    with pytest.raises(
        ValueError,
        match="metric='auc' is invalid; expected one "
        r"of \['us', 'fprec'\]",
    ):
        summarize_results(results, metric="auc")
    with pytest.raises(TypeError, match="expected the pandas.DataFrame"):
        summarize_results(results.to_dict())
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['us'\]"):
        summarize_results(results.drop(columns="us"))


def test_failed_rows_are_left_out_of_the_means(results):
    broken = results.copy()
    first = broken["cell_id"] == broken["cell_id"].iloc[0]
    broken.loc[first, ["us", "fprec", "pred_us"]] = np.nan
    broken.loc[first, "error"] = "RuntimeError: boom"
    table = summarize_results(broken)
    assert np.isfinite(table.to_numpy()).all()
    assert "(1 with errors)" in make_report(broken)
    assert "RuntimeError: boom" in make_report(broken)


def test_compare_with_paper(results):
    comparison = compare_with_paper(results, tol=0.05)
    assert set(comparison["evaluation"]) == {"paper", "corrected"}
    # only sigma_y = 0.01 and published noise-feature counts are compared
    assert set(comparison["n_noise_features"]) == {0, 50}
    assert set(comparison["metric"]) == {"us"}  # FPrec is published at 100, 200
    assert set(comparison["method"]) == {"prediction", "saliency", "feature_ablation"}
    row = comparison.query(
        "evaluation == 'paper' and n_noise_features == 0 and method == 'saliency'"
    ).iloc[0]
    ours = results.query(
        "evaluation == 'paper' and n_noise_features == 0 and noise == 0.01 "
        "and method == 'saliency'"
    )["us"].mean()
    assert row["ours"] == pytest.approx(ours)
    assert row["published"] == 0.601 and row["n_formulas"] == 3
    assert row["diff"] == pytest.approx(ours - 0.601)
    assert row["within_tol"] == (abs(ours - 0.601) <= 0.05)
    assert compare_with_paper(results[results["noise"] == 0.1]).empty


def test_make_report_sections(results):
    report = make_report(results)
    for section in [
        "# skchaos benchmark report",
        "- cells: 12 (0 with errors), rows: 72",
        "## Evaluation 'paper'",
        "## Evaluation 'corrected'",
        "### US by n_noise_features",
        "### FPrec by noise",
        "| n_noise_features | noise | Pred | SA | DL | FA |",
        "## Next to the published figures",
        "(our means over 3 formulas; the paper's over 15)",
    ]:
        assert section in report


def test_figures(results, tmp_path):
    ax = plot_heatmap(results, evaluation="paper", n_noise_features=50)
    assert ax.get_title() == "US per formula, evaluation 'paper'"
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["1: a", "4: sin(a)", "a * b"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["SA", "DL", "FA"]
    assert len(ax.texts) == 9
    with pytest.raises(ValueError, match="n_noise_features=7 has no rows"):
        plot_heatmap(results, n_noise_features=7)
    ax = plot_curves(results, metric="fprec", evaluation="corrected")
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:3] == ["SA (corrected)", "DL (corrected)", "FA (corrected)"]
    assert labels[-1] == "published"
    x, _ = ax.get_lines()[0].get_data()
    assert list(x) == [0, 50]
    both = plot_curves(results, metric="us")
    labels = [line.get_label() for line in both.get_lines()]
    legend = [text.get_text() for text in both.get_legend().get_texts()]
    assert legend == ["Pred", "SA", "DL", "FA", "paper", "corrected", "published"]
    assert sum(not label.startswith("_") for label in labels) == len(legend)
    with pytest.raises(ValueError, match="x='formula' is invalid"):
        plot_curves(results, x="formula")
    written = write_figures(results, tmp_path / "figures")
    assert [p.rsplit("/", 1)[-1] for p in written] == [
        "us_heatmap_paper.png",
        "us_heatmap_corrected.png",
        "us_vs_n_noise_features.png",
        "fprec_vs_n_noise_features.png",
        "us_vs_noise.png",
    ]
    for path in written:
        with open(path, "rb") as stream:
            assert stream.read(4) == b"\x89PNG"


def test_report_reads_back_a_csv(results, tmp_path):
    path = tmp_path / "results.csv"
    results.to_csv(path, index=False)
    assert make_report(pd.read_csv(path)) == make_report(results)
