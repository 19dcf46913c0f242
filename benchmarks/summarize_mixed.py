"""Tables of ``bench_mixed.py``'s result files, as in benchmarks/README.md.

Usage::

    python benchmarks/summarize_mixed.py benchmarks/results/mixed-*.csv
"""

import sys

import pandas as pd


def summarize(path):
    frame = pd.read_csv(path)
    if (frame["part"] == "penguins").all():
        own = frame[frame["selector"] == "real_only"].set_index("fold")["accuracy"]
        rows = frame[frame["selector"] != "real_only"].copy()
        rows["vs_real_only"] = rows["accuracy"] - rows["fold"].map(own)
        table = rows.groupby("selector").agg(
            folds=("fold", "size"),
            real_kept=("real_kept", "mean"),
            noise_kept=("noise_kept", "mean"),
            max_noise_kept=("noise_kept", "max"),
            accuracy=("accuracy", "mean"),
            vs_real_only=("vs_real_only", "mean"),
            worst_fold_vs_real_only=("vs_real_only", "min"),
            cpu_s_median=("cpu_s", "median"),
        )
        note = f"real columns alone: accuracy {own.mean():.4f}"
    else:
        table = frame.groupby(["selector", "mode"]).agg(
            seeds=("seed", "size"),
            f1=("f1", "mean"),
            min_f1=("f1", "min"),
            precision=("precision", "mean"),
            recall=("recall", "mean"),
            noise_kept=("noise_kept", "mean"),
            cpu_s_median=("cpu_s", "median"),
            wall_s_median=("wall_s", "median"),
        )
        note = ""
        if frame["mode"].nunique() > 1:
            pivot = frame.pivot_table(
                index=["seed", "selector"], columns="mode", values=["cpu_s", "wall_s"]
            )
            ratio = (
                pd.DataFrame(
                    {
                        "cpu": pivot["cpu_s"]["table"] / pivot["cpu_s"]["encoded"],
                        "wall": pivot["wall_s"]["table"] / pivot["wall_s"]["encoded"],
                    }
                )
                .groupby("selector")
                .median()
            )
            note = "table / encoded, median over seeds:\n"
            note += ratio.round(3).to_markdown()
    return table.round(3).to_markdown(), note


def main(argv=None):
    for path in argv if argv is not None else sys.argv[1:]:
        table, note = summarize(path)
        print(f"{path}\n\n{table}\n\n{note}\n")


if __name__ == "__main__":
    main()
