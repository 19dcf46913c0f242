"""Markdown tables of the ``bench_generalization.py`` result files.

Usage::

    python benchmarks/summarize_generalization.py \
        benchmarks/results/generalization-*.csv
    python benchmarks/summarize_generalization.py --pool \
        benchmarks/results/generalization-paper*.csv

``--pool`` prints one table over the rows of all the files given (runs of
one protocol split over several invocations on the same code), instead of a
table per file. A table of paper formulas ends with the mean F1 over the
formulas, with and without formula 14.

Every figure of the "Generalization" section of ``benchmarks/README.md`` is
printed by this script from the committed CSV files.
"""

import sys

import numpy as np
import pandas as pd


def _load(path):
    frame = pd.read_csv(path, comment="#")
    frame["file"] = path.rsplit("/", 1)[-1]
    return frame


def _noise(group):
    """Noise columns kept: selected minus relevant ones found."""
    return group.n_selected - (group.recall * group.n_relevant).round()


def _selection_table(frame):
    rows = []
    for (dataset, selector), group in frame.groupby(["dataset", "selector"]):
        row = {
            "data": dataset,
            "selector": selector,
            "runs": len(group),
            "precision": f"{group.precision.mean():.3f}",
            "recall": f"{group.recall.mean():.3f}",
            "F1": f"{group.f1.mean():.3f}",
            "F1 = 1": f"{(group.f1 == 1).mean():.0%}",
            "noise kept (mean)": f"{_noise(group).mean():.2f}",
            "CPU s (median)": f"{group.cpu_s.median():.0f}",
            "wall s (median)": f"{group.wall_s.median():.0f}",
        }
        if "converged_s" in group and group.converged_s.notna().any():
            ratio = group.wall_s / group.converged_s
            row["fit / converged training (median)"] = f"{ratio.median():.1f}"
        if "user_fit_cpu_s" in group and group.user_fit_cpu_s.notna().any():
            # Issue 21's cost unit: one fit of the net as configured, CPU.
            ratio = group.cpu_s / group.user_fit_cpu_s
            row["CPU / one fit of the net (median)"] = f"{ratio.median():.1f}"
            ratio = group.cpu_s / group.converged_cpu_s
            row["CPU / converged training (median)"] = f"{ratio.median():.1f}"
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def _real_table(frame):
    rows = []
    for (dataset, selector), group in frame.groupby(["dataset", "selector"]):
        noise = _noise(group)
        rows.append(
            {
                "table": dataset,
                "selector": selector,
                "folds": len(group),
                "real kept": f"{(group.recall * group.n_relevant).mean():.1f}",
                "noise kept (mean)": f"{noise.mean():.1f}",
                "CV score": f"{group.cv_score.mean():.4f}",
                "CPU s (median)": (
                    f"{group.cpu_s.median():.0f}" if group.cpu_s.notna().any() else ""
                ),
            }
        )
    return pd.DataFrame(rows)


def _markdown(table):
    header = "| " + " | ".join(table.columns) + " |"
    rule = "|" + "---|" * len(table.columns)
    body = ["| " + " | ".join(str(v) for v in row) + " |" for row in table.values]
    return "\n".join([header, rule, *body])


def _dev_table(paths):
    """The development-draw records (JSON lines of dev_selection_variants.py)."""
    import json

    rows = []
    for path in paths:
        with open(path) as handle:
            fits = [json.loads(line) for line in handle if line.startswith("{")]
        row = {
            "file": path.rsplit("/", 1)[-1],
            "fits": len(fits),
            "F1 paired 1-SE": f"{np.mean([f['paired'][2] for f in fits]):.3f}",
            "F1 unpaired 1-SE": f"{np.mean([f['best'][2] for f in fits]):.3f}",
            "F1 tol=0.02": f"{np.mean([f['tol0.02'][2] for f in fits]):.3f}",
        }
        for floor in ("0.0001", "0.001"):  # records since the tie floor
            key = f"floor{floor}"
            if all(key in f for f in fits):
                f1, precision = (
                    np.mean([f[key][2] for f in fits]),
                    np.mean([f[key][0] for f in fits]),
                )
                row[f"F1 (precision) floor {floor}"] = f"{f1:.3f} ({precision:.3f})"
        row["ranking ceiling"] = f"{np.mean([f['oracle'] for f in fits]):.3f}"
        row["CPU s per fit"] = f"{np.mean([f['cpu'] for f in fits]):.0f}"
        rows.append(row)
    return pd.DataFrame(rows).fillna("")


def _paper_footer(frame):
    f1 = frame.groupby("dataset").f1.mean()
    without = f1.drop(14, errors="ignore")
    return (
        f"\nMean F1 over formulas {', '.join(map(str, f1.index))}: {f1.mean():.3f}; "
        f"without formula 14: {without.mean():.3f} ({len(frame)} fits)."
    )


def main(argv):
    pool = "--pool" in argv
    paths = [p for p in argv if p != "--pool"]
    dev = [p for p in paths if p.endswith(".jsonl")]
    if dev:
        print(_markdown(_dev_table(dev)))
    frames = [_load(p) for p in paths if not p.endswith(".jsonl")]
    if pool and frames:
        frames = [pd.concat(frames, ignore_index=True)]
        frames[0]["file"] = " + ".join(p.rsplit("/", 1)[-1] for p in paths)
    for frame in frames:
        print(f"\n### {frame.file.iloc[0]}\n")
        if (frame.part == "real").all():
            table = _real_table(frame)
        else:
            table = _selection_table(frame)
        print(_markdown(table))
        if (frame.part == "paper").all():
            print(_paper_footer(frame))
    return 0


if __name__ == "__main__":
    np.set_printoptions(precision=3)
    sys.exit(main(sys.argv[1:]))
