"""Run one benchmark cell: generate data, train once, score every method.

A cell never raises, except on interruption: a failure while generating the
data or fitting the model is recorded in the ``error`` column of all its rows,
and a failure of one attribution method in the rows of that method only. An
interrupted cell (SIGINT, even one a training loop swallowed) raises
:class:`KeyboardInterrupt` and returns no rows, so it is never recorded.
"""

import json
import time

import numpy as np
import pandas as pd

from skchaos.benchmark._evaluation import ABS_SALIENCY, EVALUATIONS, TRUTH_ARRAYS
from skchaos.benchmark._process import interrupt_guard, watch_parent
from skchaos.utils import limited_threads

#: The columns of a :func:`run_benchmark` results table and their pandas
#: dtypes, in order, as a dict ``{column: dtype}``; a results CSV must have
#: them all to be read by ``skchaos report``.
RESULT_COLUMNS = {
    "formula_id": "Int64",
    "formula": "str",
    "n_relevant": "Int64",
    "n_noise_features": "int64",
    "noise": "float64",
    "n_samples": "int64",
    "x_scale": "float64",
    "ig_steps": "int64",
    "test_size": "float64",
    "model": "str",
    "hidden_layer_sizes": "str",
    "max_epochs": "Int64",
    "lr": "float64",
    "model_params": "str",
    "seed": "int64",
    "random_state": "int64",
    "method": "str",
    "evaluation": "str",
    "attribution_abs": "bool",
    "truth": "str",
    "us": "float64",
    "fprec": "float64",
    "pred_us": "float64",
    "mae": "float64",
    "r2": "float64",
    "n_epochs": "Int64",
    "fit_time": "float64",
    "attr_time": "float64",
    "device": "str",
    "cell_id": "str",
    "error": "str",
}
_MAX_ERROR_LENGTH = 500


def coerce_results(frame):
    """Give a results table its canonical columns, order and dtypes.

    Fresh rows and rows read back from CSV go through this same function, so
    a resumed run returns exactly the table an uninterrupted one would.
    """
    missing = [c for c in RESULT_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"The results table lacks the column(s) {missing}; expected the "
            "columns written by run_benchmark."
        )
    frame = frame.loc[:, list(RESULT_COLUMNS)].copy()
    for column, dtype in RESULT_COLUMNS.items():
        values = frame[column]
        if dtype == "str":
            values = values.astype(object).where(values.notna(), None)
            values = values.map(lambda v: v if v is None else str(v))
        elif dtype == "bool":
            values = values.map(lambda v: v in (True, "True", "true", 1))
        frame[column] = values.astype(dtype)
    return frame.reset_index(drop=True)


def format_error(exc):
    """One line ``Type: message``, shortened to a few hundred characters."""
    message = " ".join(f"{type(exc).__name__}: {exc}".split())
    if len(message) > _MAX_ERROR_LENGTH:
        message = message[: _MAX_ERROR_LENGTH - 3] + "..."
    return message


def _hidden_repr(sizes):
    return None if sizes is None else repr(tuple(int(s) for s in sizes))


def _base_columns(cell):
    """The grid parameters of a cell, repeated on each of its rows."""
    dataset, model = cell["dataset"], cell["model"]
    if "factory" in model:
        params = {"factory": model["factory_path"]}
    else:
        params = model["params"]
    return {
        "formula_id": dataset["formula_id"],
        "formula": dataset["formula"],
        "n_relevant": None,
        "n_noise_features": dataset["n_noise_features"],
        "noise": dataset["noise"],
        "n_samples": dataset["n_samples"],
        "x_scale": dataset["x_scale"],
        "ig_steps": dataset["ig_steps"],
        "test_size": cell["test_size"],
        "model": model["name"],
        "hidden_layer_sizes": _hidden_repr(params.get("hidden_layer_sizes")),
        "max_epochs": params.get("max_epochs"),
        "lr": params.get("lr", np.nan),
        "model_params": json.dumps(params, sort_keys=True),
        "seed": cell["seed"],
        "random_state": cell["random_state"],
        "cell_id": cell["cell_id"],
    }


def _rows(base, method, cell_metrics, method_metrics, error):
    rows = []
    for evaluation in EVALUATIONS:
        abs_attr = method["name"] == "saliency" and ABS_SALIENCY[evaluation]
        metrics = method_metrics.get(evaluation, {})
        rows.append(
            {
                **base,
                "method": method["label"],
                "evaluation": evaluation,
                "attribution_abs": abs_attr,
                "truth": TRUTH_ARRAYS[(evaluation, method["truth"])],
                "us": metrics.get("us", np.nan),
                "fprec": method_metrics.get("fprec", np.nan),
                "attr_time": method_metrics.get("attr_time", np.nan),
                **cell_metrics,
                "error": error,
            }
        )
    return rows


def _make_data(dataset, seed):
    """The dataset with both IG truths (exact and the paper's Riemann sum).

    Both truths are computed on the same inputs: the exact one by
    :func:`~skchaos.datasets.make_symbolic`, the paper's path sum by
    :func:`~skchaos.datasets.symbolic_ground_truth` on its ``X``.
    """
    from skchaos.datasets import make_symbolic, symbolic_ground_truth

    formula = dataset["formula_id"] or dataset["formula"]
    data = make_symbolic(
        formula,
        n_samples=dataset["n_samples"],
        n_noise_features=dataset["n_noise_features"],
        noise=dataset["noise"],
        x_scale=dataset["x_scale"],
        ig_steps=None,
        random_state=seed,
        return_X_y=False,
    )
    riemann = symbolic_ground_truth(formula, data.data, ig_steps=dataset["ig_steps"])
    truth = data.ground_truth
    truths = {
        "saliency": truth["saliency"],
        "integrated_gradients_exact": truth["integrated_gradients"],
        "integrated_gradients_riemann": riemann["integrated_gradients"],
        "feature_ablation": truth["feature_ablation"],
    }
    return data, truths


def _make_estimator(model, seed):
    if "factory" in model:
        estimator = model["factory"]()
        if "random_state" in estimator.get_params(deep=False):
            estimator.set_params(random_state=seed)
        return estimator
    from skchaos.benchmark._models import estimator_params
    from skchaos.neural import MLPRegressor

    return MLPRegressor(**estimator_params(model["params"]), random_state=seed)


def _describe_estimator(base, estimator):
    """Fill the model columns of a factory model from the estimator itself."""
    params = estimator.get_params(deep=False)
    if base["hidden_layer_sizes"] is None and "hidden_layer_sizes" in params:
        base["hidden_layer_sizes"] = _hidden_repr(params["hidden_layer_sizes"])
    if base["max_epochs"] is None and "max_epochs" in params:
        base["max_epochs"] = params["max_epochs"]
    if np.isnan(base["lr"]) and isinstance(params.get("lr"), (int, float)):
        base["lr"] = params["lr"]


def _n_epochs(estimator):
    """Epochs actually run (``n_iter_``, as sklearn's MLPs), if known."""
    n_iter = getattr(estimator, "n_iter_", None)
    return int(n_iter) if isinstance(n_iter, (int, np.integer)) else None


def _device(estimator):
    """The device a torch estimator trained on; "cpu" for anything else."""
    device = getattr(estimator, "device_", None)
    return "cpu" if device is None else str(device)


def run_cell(cell, parent_pid=None):
    """Run one cell of :func:`expand_grid` and return its rows.

    Parameters
    ----------
    cell : dict
        One cell from :func:`~skchaos.benchmark.expand_grid`.

    parent_pid : int, default=None
        The process id of the run; a worker process exits when that process
        dies (see :func:`~skchaos.benchmark._process.watch_parent`).

    Returns
    -------
    rows : pandas.DataFrame
        One row per method and evaluation mode, with the columns of
        :data:`RESULT_COLUMNS`.

    Raises
    ------
    KeyboardInterrupt
        When the cell was interrupted: it has no rows to record.
    """
    watch_parent(parent_pid)
    base = _base_columns(cell)
    with interrupt_guard() as interrupt:
        try:
            with limited_threads(1):
                rows = _run(cell, base, interrupt)
        except Exception as exc:  # recorded, the run goes on
            interrupt.check()  # unless it was an interruption in disguise
            error = format_error(exc)
            rows = [r for m in cell["methods"] for r in _rows(base, m, {}, {}, error)]
        interrupt.check()
    return coerce_results(pd.DataFrame(rows, columns=list(RESULT_COLUMNS)))


def _run(cell, base, interrupt):
    from sklearn.metrics import mean_absolute_error, r2_score
    from sklearn.model_selection import train_test_split

    from skchaos.attribution import attribute
    from skchaos.metrics import functional_precision_score, uniformity_score

    seeds = cell["seeds"]
    data, truths = _make_data(cell["dataset"], seeds["data"])
    mask = data.relevant_mask
    base["n_relevant"] = int(mask.sum())
    train, test = train_test_split(
        np.arange(data.data.shape[0]),
        test_size=cell["test_size"],
        random_state=seeds["split"],
    )
    X_train, X_test = data.data[train], data.data[test]
    estimator = _make_estimator(cell["model"], seeds["model"])
    _describe_estimator(base, estimator)

    start = time.perf_counter()
    estimator.fit(X_train, data.target[train])
    fit_time = time.perf_counter() - start
    interrupt.check()  # a training loop may have swallowed the interruption
    prediction = np.asarray(estimator.predict(X_test), dtype=np.float64).reshape(-1)
    y_test = data.target[test]
    cell_metrics = {
        "pred_us": uniformity_score(
            prediction, data.target_clean[test], normalize=None
        ),
        "mae": mean_absolute_error(y_test, prediction),
        "r2": r2_score(y_test, prediction),
        "n_epochs": _n_epochs(estimator),
        "fit_time": fit_time,
        "device": _device(estimator),
        "n_relevant": base["n_relevant"],
    }

    rows = []
    for method in cell["methods"]:
        params = dict(method["params"])
        if method["name"] == "saliency":
            params["abs"] = False  # signed once; |.| derived for "paper"
        try:
            start = time.perf_counter()
            attributions = attribute(
                estimator,
                X_test,
                method=method["name"],
                random_state=seeds["attribution"],
                **params,
            )
            attributions = np.asarray(attributions, dtype=np.float64)
            method_metrics = {
                "attr_time": time.perf_counter() - start,
                "fprec": functional_precision_score(attributions, mask),
            }
            for evaluation in EVALUATIONS:
                scored = attributions
                if method["name"] == "saliency" and ABS_SALIENCY[evaluation]:
                    scored = np.abs(attributions)
                truth = truths[TRUTH_ARRAYS[(evaluation, method["truth"])]][test]
                method_metrics[evaluation] = {
                    "us": uniformity_score(scored, truth, relevant_mask=mask)
                }
            error = None
        except Exception as exc:  # this method fails, the others go on
            interrupt.check()
            method_metrics, error = {}, format_error(exc)
        rows.extend(_rows(base, method, cell_metrics, method_metrics, error))
    return rows
