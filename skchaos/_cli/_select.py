"""``skchaos select``: attribution-based feature elimination on a CSV file."""

import time

from skchaos._cli._common import (
    EXIT_OK,
    MAX_LISTED,
    UsageError,
    check_out,
    listing,
    read_csv,
    refuse_existing,
    same_file,
    write_csv,
)
from skchaos.utils import limited_threads

# Fewest rows `select` accepts: AttributionRFE holds out a validation split.
MIN_SELECT_ROWS = 20
# A numeric target with integral values and at most this many distinct ones
# is treated as class labels by `select --task auto`.
MAX_CLASSES = 10


def plain(value):
    """A value as a user reads it: numpy scalars as Python ones."""
    item = getattr(value, "item", None)
    return item() if callable(item) and getattr(value, "ndim", 1) == 0 else value


def _infer_task(y):
    """``"classification"`` for labels, ``"regression"`` for quantities.

    Labels: a non-numeric (or boolean) column, or a numeric one whose values
    are all integers with at most ``MAX_CLASSES`` distinct values.
    """
    import numpy as np
    import pandas as pd

    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        return "classification"
    values = y.to_numpy(dtype=np.float64)
    if np.all(values == np.round(values)) and y.nunique() <= MAX_CLASSES:
        return "classification"
    return "regression"


def _check_select_data(frame, target, path, preprocess=True):
    """The feature columns, after every check of the table (``UsageError``).

    With ``preprocess``, categorical columns and missing cells are left to
    the preprocessor; without, they are refused as before.
    """
    import numpy as np
    import pandas as pd

    if target not in frame.columns:
        raise UsageError(
            f"--target {target!r} is not a column of {path!r}; its columns are "
            f"{listing(frame.columns)}."
        )
    features = [c for c in frame.columns if c != target]
    if len(features) < 2:
        raise UsageError(
            f"{path!r} has {len(features)} feature column(s) besides the target "
            f"{target!r}; feature selection needs at least 2."
        )
    n_target_missing = int(frame[target].isna().sum())
    if n_target_missing:
        raise UsageError(
            f"the target column {target!r} of {path!r} has {n_target_missing} "
            "missing value(s); drop those rows first."
        )
    numeric = [c for c in features if pd.api.types.is_numeric_dtype(frame[c])]
    if not preprocess:
        non_numeric = [
            f"{c!r} ({frame[c].dtype})" for c in features if c not in numeric
        ]
        if non_numeric:
            raise UsageError(
                f"non-numeric feature column(s) in {path!r}: "
                f"{', '.join(non_numeric)}; encode them as numbers (e.g. one-hot) "
                "or drop them, or leave out --no-preprocess to have them encoded."
            )
        n_missing = frame[features].isna().sum()
        n_missing = n_missing[n_missing > 0]
        if len(n_missing):
            counts = ", ".join(f"{c!r} ({int(n)})" for c, n in n_missing.items())
            raise UsageError(
                f"missing values in {path!r}: {counts} (column (count)); impute "
                "them or drop those rows first, or leave out --no-preprocess to "
                "have them imputed."
            )
    values = frame[numeric].to_numpy(dtype=np.float64)
    infinite = [c for c, bad in zip(numeric, np.isinf(values).any(axis=0)) if bad]
    if infinite:
        raise UsageError(
            f"infinite values in the feature column(s) {listing(infinite)} of "
            f"{path!r}; expected finite numbers."
        )
    if len(frame) < MIN_SELECT_ROWS:
        raise UsageError(
            f"{path!r} has {len(frame)} rows; select needs at least "
            f"{MIN_SELECT_ROWS} (it holds out a validation split)."
        )
    if frame[target].nunique() < 2:
        raise UsageError(
            f"the target column {target!r} of {path!r} is constant; expected at "
            "least two distinct values."
        )
    return features


def _encoded(frame, features, path):
    """The preprocessor of the features and the number of encoded columns.

    None when every feature is numeric and complete (they are used as they
    are, as before); else :func:`skchaos.preprocessing.make_tabular_preprocessor`
    of the table (unfitted; fitted once here to report its errors and its
    width before any training).
    """
    import pandas as pd
    from sklearn.base import clone

    table = frame[features]
    numeric = all(pd.api.types.is_numeric_dtype(table[c]) for c in features)
    if numeric and not table.isna().to_numpy().any():
        return None
    from skchaos.preprocessing import make_tabular_preprocessor

    try:
        preprocessor = make_tabular_preprocessor(table)
        width = len(clone(preprocessor).fit(table).get_feature_names_out())
    except (TypeError, ValueError) as error:
        raise UsageError(
            f"{path!r}: {error} (or pass --no-preprocess and encode the table yourself)"
        ) from None
    return preprocessor, width


def _parse_n_features(text):
    if text == "auto":
        return "auto"
    try:
        value = int(text)
    except ValueError:
        raise UsageError(
            f"--n-features={text!r} is invalid; expected 'auto' or an int."
        ) from None
    if value < 1:
        raise UsageError(f"--n-features={value} is invalid; expected 'auto' or >= 1.")
    return value


def _parse_penalty(text):
    if text == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 <= value < float("inf"):
        raise UsageError(
            f"--input-penalty={text!r} is invalid; expected 'auto' or a finite "
            "float >= 0."
        )
    return value


def _parse_hidden(text):
    try:
        sizes = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        sizes = (0,)
    if any(size < 1 for size in sizes):
        raise UsageError(
            f"--hidden-layer-sizes={text!r} is invalid; expected comma-separated "
            "positive ints such as '100,100,100'."
        )
    return sizes


def _select_target(frame, args, task):
    import numpy as np
    import pandas as pd

    y = frame[args.target]
    if task == "regression" and not pd.api.types.is_numeric_dtype(y):
        raise UsageError(
            f"--task regression needs a numeric target; {args.target!r} has "
            f"dtype {y.dtype}."
        )
    if task == "regression":
        y = y.to_numpy(dtype=np.float64)
        return (y - y.mean()) / y.std() if not args.no_standardize else y
    counts = y.value_counts()
    if counts.min() < 2:
        raise UsageError(
            f"class {plain(counts.idxmin())!r} of {args.target!r} has a single "
            "row; classification needs at least 2 rows per class (or use "
            "--task regression)."
        )
    return y.to_numpy()


def _elimination_table(selector, features):
    """Rank, elimination round, features left then and that round's importance."""
    import numpy as np
    import pandas as pd

    support = np.asarray(selector.support_, dtype=bool)
    history = selector.history_
    selected = np.flatnonzero(support)
    rounds = [np.sort(np.asarray(kept)) for kept in history["features"]]
    # the round with exactly the selected features (the last one otherwise)
    chosen = next(
        (r for r, kept in enumerate(rounds) if np.array_equal(kept, selected)),
        len(rounds) - 1,
    )
    n_features = len(features)
    round_of = np.zeros(n_features, dtype=int)
    n_left = np.zeros(n_features, dtype=int)
    importance = np.full(n_features, np.nan)
    for r in range(chosen + 1):  # each feature ends at its last round
        kept = np.asarray(history["features"][r])
        round_of[kept] = r + 1
        n_left[kept] = history["n_features"][r]
        importance[kept] = np.asarray(history["importances"][r], dtype=np.float64)
    table = pd.DataFrame(
        {
            "rank": np.asarray(selector.ranking_, dtype=int),
            "feature": features,
            "selected": support,
            "eliminated_in_round": pd.array(
                np.where(support, -1, round_of), dtype="Int64"
            ),
            "n_features_left": n_left,
            "importance_within_round": importance,
        }
    )
    table.loc[support, "eliminated_in_round"] = pd.NA
    return table.sort_values(
        ["rank", "importance_within_round"], ascending=[True, False], kind="stable"
    )


def _decision_table(selector, features):
    """Each feature's Boruta decision, the iteration it came, its importance."""
    import numpy as np
    import pandas as pd

    decision = np.where(
        selector.ranking_ == 1,
        "confirmed",
        np.where(selector.support_weak_, "tentative", "rejected"),
    )
    iteration = np.asarray(selector.decision_iteration_)
    table = pd.DataFrame(
        {
            "rank": np.asarray(selector.ranking_, dtype=int),
            "feature": features,
            "selected": np.asarray(selector.support_, dtype=bool),
            "decision": decision,
            "decided_in_iteration": pd.array(
                np.where(iteration >= 0, iteration, 0), dtype="Int64"
            ),
            "mean_importance": np.asarray(selector.importances_, dtype=np.float64),
        }
    )
    # -1: tentative; 0: confirmed with the minimal-optimal set, before the
    # iterations (confirm_minimal).
    table.loc[iteration < 0, "decided_in_iteration"] = pd.NA
    return table.sort_values(
        ["rank", "mean_importance"], ascending=[True, False], kind="stable"
    )


def _selector(args, task, hidden, n_features_to_select, input_penalty, preprocessor):
    """The selector of ``--method``, with an MLP of the task.

    With a ``preprocessor`` the estimator is the pipeline (preprocessor, MLP),
    and the selector selects the table's own columns through it.
    """
    from sklearn.pipeline import make_pipeline

    from skchaos.feature_selection import AttributionBoruta, AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    estimator = (MLPRegressor if task == "regression" else MLPClassifier)(
        hidden_layer_sizes=hidden,
        max_epochs=args.max_epochs,
        random_state=args.random_state,
    )
    if preprocessor is not None:
        estimator = make_pipeline(preprocessor, estimator)
    common = {"random_state": args.random_state, "verbose": args.verbose}
    if args.attribution is not None:
        common["attribution"] = args.attribution
    if args.method == "boruta":
        return AttributionBoruta(estimator, input_penalty=input_penalty, **common)
    return AttributionRFE(
        estimator,
        n_features_to_select=n_features_to_select,
        input_penalty=input_penalty,
        **common,
    )


def cmd_select(args):
    import numpy as np

    inputs = [("the data file", args.data)]
    outputs = []
    for option, value in (("--out", args.out), ("--report", args.report)):
        if value is not None:
            path, exists = check_out(value, option, inputs=inputs, force=args.force)
            if exists:
                refuse_existing(path, option)
            outputs.append(path)
    if len(outputs) == 2 and same_file(*outputs):
        raise UsageError("--out and --report name the same file; expected two files.")
    n_features_to_select = _parse_n_features(args.n_features)
    if args.method == "boruta" and n_features_to_select != "auto":
        raise UsageError(
            f"--n-features={args.n_features} is for --method rfe; --method "
            "boruta keeps every column that beats its shadows."
        )
    input_penalty = _parse_penalty(args.input_penalty)
    hidden = _parse_hidden(args.hidden_layer_sizes)
    if args.max_epochs < 1:
        raise UsageError(f"--max-epochs={args.max_epochs} is invalid; expected >= 1.")
    frame = read_csv(args.data, "data file")
    features = _check_select_data(
        frame, args.target, args.data, preprocess=not args.no_preprocess
    )
    if n_features_to_select != "auto" and n_features_to_select >= len(features):
        raise UsageError(
            f"--n-features={n_features_to_select} is invalid; expected 'auto' or an "
            f"int in [1, {len(features) - 1}] (the data has {len(features)} "
            "features)."
        )
    task = _infer_task(frame[args.target]) if args.task == "auto" else args.task
    y = _select_target(frame, args, task)
    encoded = None if args.no_preprocess else _encoded(frame, features, args.data)
    preprocessor = None
    if encoded is not None:  # categorical columns or missing cells
        preprocessor, width = encoded
        X = frame[features]
    else:
        X = frame[features].to_numpy(dtype=np.float64)
        if not args.no_standardize:
            scale = X.std(axis=0)
            X = (X - X.mean(axis=0)) / np.where(scale > 0, scale, 1.0)

    # Arguments and data are fine: now the heavy imports (torch).
    from skchaos.attribution import available_methods

    if args.attribution is not None and args.attribution not in available_methods():
        raise UsageError(
            f"--attribution={args.attribution!r} is not a known attribution method; "
            f"expected one of {listing(available_methods())}."
        )
    selector = _selector(
        args, task, hidden, n_features_to_select, input_penalty, preprocessor
    )
    kind = "AttributionBoruta" if args.method == "boruta" else "AttributionRFE"
    name = f"{kind}({selector.attribution})"
    if args.verbose:
        what = (
            "one line per iteration (real and shadow columns)"
            if args.method == "boruta"
            else "the first round trains the full network, then one line per round"
        )
        encoded_note = "" if encoded is None else f" (encoded as {width} columns)"
        print(
            f"{task}: {name} on {len(features)} features{encoded_note} with an "
            f"MLP {hidden} "
            f"(max_epochs={args.max_epochs}); {what}:",
            flush=True,
        )
    start = time.perf_counter()
    with limited_threads(args.threads):
        selector.fit(X, y)
    elapsed = time.perf_counter() - start

    selected = [f for f, keep in zip(features, selector.support_) if keep]
    print(
        f"{task}: selected {len(selected)} of {len(features)} features with "
        f"{name} in {elapsed:.1f} s"
    )
    if args.method == "boruta":
        table = _decision_table(selector, features)
        print(
            "rank 1 = confirmed, 2 = tentative (undecided after max_iter), "
            "larger = rejected (earlier); decided_in_iteration: when the "
            "binomial test decided; mean_importance: over the iterations the "
            "feature took part in."
        )
    else:
        table = _elimination_table(selector, features)
        print(
            "rank 1 = selected; eliminated_in_round: the round after which a "
            "feature was dropped, n_features_left: features in that round; "
            "importances compare only within a round (each round trains its own "
            "network)."
        )
    print(table.head(max(len(selected), MAX_LISTED)).to_string(index=False))
    if args.out is not None:
        columns = [c for c in frame.columns if c in selected or c == args.target]
        write_csv(frame[columns], args.out, "selected columns")
    if args.report is not None:
        write_csv(table, args.report, "ranking")
    return EXIT_OK
