"""Tabulate the result files of ``bench_all_relevant.py`` (markdown).

Real tables: per (table, selector), the mean over the 5 folds of the real
and noise columns kept, the downstream CV score (and its gap to the real
columns alone), and the median CPU seconds per fold. Random formulas: per
selector, the mean precision, recall and F1, and the median CPU seconds.

Usage::

    python benchmarks/summarize_all_relevant.py FILE.csv [FILE.csv ...]
"""

import os
import sys

import pandas as pd

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def fill_empty_scores(frame):
    """Score the folds where a selector kept nothing (left empty before 2026-12-07).

    Their score is that of a model without inputs on the same fold
    (``bench_all_relevant.empty_score``), so that such a fold counts in the
    mean instead of dropping out of it.
    """
    empty = frame["score"].isna() & (frame["real_kept"] + frame["noise_kept"] == 0)
    if empty.any():
        from bench_all_relevant import empty_score

        frame = frame.copy()
        frame.loc[empty, "score"] = [
            empty_score(table, int(fold))
            for table, fold in frame.loc[empty, ["dataset", "fold"]].itertuples(
                index=False
            )
        ]
    return frame


def real_table(frame):
    frame = fill_empty_scores(frame)
    real_only = frame[frame["selector"] == "real_only"].groupby("dataset")["score"]
    reference = real_only.mean()
    rows = []
    for (table, selector), part in frame.groupby(["dataset", "selector"]):
        if selector == "real_only":
            continue
        score = part["score"].mean()
        n_real = int(part["n_real"].iloc[0])
        rows.append(
            {
                "table": table,
                "selector": selector,
                "folds": len(part),
                "real kept": f"{part['real_kept'].mean():.1f} of {n_real}",
                "noise kept": round(part["noise_kept"].mean(), 1),
                "CV score": round(score, 3),
                "vs real only": round(score - reference[table], 3),
                "CPU s / fold (median)": round(part["cpu_s"].median(), 1),
            }
        )
    return pd.DataFrame(rows)


def random_table(frame):
    return (
        frame.groupby("selector")
        .agg(
            seeds=("f1", "size"),
            precision=("precision", "mean"),
            recall=("recall", "mean"),
            f1=("f1", "mean"),
            cpu_s_median=("cpu_s", "median"),
        )
        .round(3)
        .reset_index()
    )


def main(paths):
    frame = pd.concat([pd.read_csv(path) for path in paths], ignore_index=True)
    for part, rows in frame.groupby("part"):
        table = real_table(rows) if part == "real" else random_table(rows)
        print(f"\n{part}:\n")
        print(table.to_markdown(index=False))


if __name__ == "__main__":
    main(sys.argv[1:])
