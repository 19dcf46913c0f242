"""The benchmark runner: every cell of a grid, in parallel, resumable."""

import os
import threading
from contextlib import contextmanager

import joblib
import pandas as pd
from tqdm.auto import tqdm

from skchaos.benchmark._cache import RowCache
from skchaos.benchmark._cell import RESULT_COLUMNS, coerce_results, run_cell
from skchaos.benchmark._config import load_config
from skchaos.benchmark._evaluation import EVALUATIONS
from skchaos.benchmark._grid import expand_grid

# Results as cells finish (joblib >= 1.4), else in submission order.
_JOBLIB_VERSION = tuple(int(p) for p in joblib.__version__.split(".")[:2])
_RETURN_AS = "generator_unordered" if _JOBLIB_VERSION >= (1, 4) else "generator"
# Seconds between redraws of the progress bar while a cell runs, so that the
# elapsed time keeps moving during long cells.
_REFRESH_INTERVAL = 2.0


@contextmanager
def _ticking(bar):
    """Redraw ``bar`` every few seconds until the block ends."""
    if bar.disable:
        yield
        return
    done = threading.Event()

    def tick():
        while not done.wait(_REFRESH_INTERVAL):
            bar.refresh()

    thread = threading.Thread(target=tick, name="skchaos-progress", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def run_benchmark(
    config_or_grid, *, n_jobs=None, cache_dir=None, random_state=0, progress=True
):
    """Run a ChaosMining-style attribution benchmark over a grid.

    Each cell of the grid (dataset x model x seed, see :func:`expand_grid`)
    generates its data with :func:`~skchaos.datasets.make_symbolic`, splits
    it (80/20 by default), trains the model once on the training split,
    and then attributes the test split with every method and scores the
    attributions against the exact ground truth. The whole configuration is
    validated before anything runs.

    Parameters
    ----------
    config_or_grid : dict, str or path-like
        A configuration mapping, the path of a TOML or YAML file, or a preset
        name such as ``"paper-symbolic"``; see :func:`load_config` for the
        keys. Use ``load_config(preset, quick=True)`` for a preset's quick
        variant.

    n_jobs : int, default=None
        Cells run in parallel with :class:`joblib.Parallel`, so the active
        joblib backend is used (e.g. inside ``joblib.parallel_config(
        backend="dask")``). None means 1 unless a backend context says
        otherwise; -1 uses all cores. Each cell runs torch (and BLAS) on one
        thread, so ``n_jobs`` workers use ``n_jobs`` cores without
        oversubscription and the results do not depend on ``n_jobs``.

    cache_dir : str or path-like, default=None
        A folder for per-cell row files (CSV, one per finished cell, with a
        row count and a SHA-256 checksum, written atomically). A rerun with
        the same folder loads the finished cells and runs only the others; a
        killed or interrupted run loses at most the cells in flight. Cells
        that recorded an error, and damaged files (with a warning), are run
        again. None disables caching.

    random_state : int, default=0
        The root seed; every cell's seeds derive from it and from the cell's
        content (see :func:`expand_grid`), so results do not depend on the
        grid around a cell, on its position or on ``n_jobs``.

    progress : bool, default=True
        Show a tqdm progress bar (cells done / total, elapsed time, ETA).

    Returns
    -------
    results : pandas.DataFrame
        A tidy table with one row per cell, method and evaluation mode, in
        grid order. Columns: the grid parameters (``formula_id``,
        ``formula``, ``n_relevant``, ``n_noise_features``, ``noise``,
        ``n_samples``, ``x_scale``, ``ig_steps``, ``test_size``, ``model``,
        ``hidden_layer_sizes``, ``max_epochs``, ``lr``, ``model_params``,
        ``seed``, ``random_state``), ``method``, ``evaluation``,
        ``attribution_abs`` and ``truth`` (what was compared), the metrics
        ``us`` (uniform score) and ``fprec`` (functional precision) of the
        method, the model's test metrics ``pred_us`` (uniform score of the
        predictions against the noise-free target), ``mae`` and ``r2``
        (against the observed test target), ``n_epochs``, the timings
        ``fit_time`` and ``attr_time`` (seconds), ``device``, ``cell_id``
        and ``error`` (missing when the row is fine, else ``"Type:
        message"``; its metrics are then NaN).

    Raises
    ------
    KeyboardInterrupt
        On interruption (Ctrl-C). The cells finished before it are in
        ``cache_dir``; interrupted cells are never recorded, and worker
        processes stop with the run.

    See Also
    --------
    load_config : The configuration keys and validation.
    expand_grid : The cells and how they are seeded.
    make_report : Paper-style tables and figures from the results.

    Notes
    -----
    Every attribution is computed once and scored in two evaluation modes:

    ==================== ============================== =========================
    method               ``"paper"``                    ``"corrected"``
    ==================== ============================== =========================
    saliency             ``abs(gradient)`` vs the       signed gradient vs the
                         signed gradient truth          signed gradient truth
    integrated_gradients the paper's path-sum IG truth  the exact IG truth
                         (``ig_steps``, default 20)     (Gauss-Legendre)
    deeplift             as integrated_gradients        as integrated_gradients
    feature_ablation     the ablation truth             the ablation truth
    ==================== ============================== =========================

    ``"paper"`` reproduces the published evaluation, which compared captum's
    default ``Saliency`` (absolute gradients) with a signed truth and used a
    20-step path sum as the IG truth; ``"corrected"`` fixes both. The
    functional precision ranks features by ``abs(attribution)`` and is the
    same in both modes. Other methods need a ``truth`` in their spec and are
    scored like the method whose truth they share.

    A cell that raises (while generating data or fitting) is recorded with
    its error in every row and NaN metrics, and the run goes on; a method
    that raises fails only its own rows. The model is seeded with the cell's
    model seed (``random_state`` of the estimator, for factories that have
    one). A factory's cache key is its name and import path
    (``module.qualname``): rename it when its estimator changes.

    Any joblib backend runs the cells, for example a Dask cluster (``pip
    install "dask[distributed]"``); this one listens on the loopback
    interface only and leaves ``n_jobs`` to the backend::

        import joblib
        from dask.distributed import Client, LocalCluster

        with (
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None) as cluster,
            Client(cluster),
            joblib.parallel_config(backend="dask"),
        ):
            results = run_benchmark(grid, cache_dir="cache")

    Results are collected (and cached) in the calling process, so
    ``cache_dir`` need not be visible to the workers.

    Examples
    --------
    >>> from skchaos.benchmark import run_benchmark
    >>> grid = {
    ...     "datasets": {"formulas": [1], "n_noise_features": [2], "n_samples": [100]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ...     "methods": ["saliency", "feature_ablation"],
    ... }
    >>> results = run_benchmark(grid, progress=False)
    >>> results[["method", "evaluation", "attribution_abs"]]
                 method evaluation  attribution_abs
    0          saliency      paper             True
    1          saliency  corrected            False
    2  feature_ablation      paper            False
    3  feature_ablation  corrected            False
    >>> bool(results["us"].between(0, 1).all())
    True
    """
    config = load_config(config_or_grid)
    cells = expand_grid(config, random_state=random_state)
    cache = None if cache_dir is None else RowCache(cache_dir)
    n_rows = {c["cell_id"]: len(c["methods"]) * len(EVALUATIONS) for c in cells}
    finished = {} if cache is None else cache.load(n_rows)
    todo = [cell for cell in cells if cell["cell_id"] not in finished]

    n_failed = 0
    with tqdm(
        total=len(cells),
        initial=len(finished),
        disable=not progress,
        desc=f"benchmark {config['name']}",
        unit="cell",
        dynamic_ncols=True,
    ) as bar:
        if finished:
            bar.set_postfix(cached=len(finished))
        if todo:
            parallel = joblib.Parallel(
                n_jobs=n_jobs, return_as=_RETURN_AS, batch_size=1
            )
            pid = os.getpid()
            outputs = parallel(joblib.delayed(run_cell)(cell, pid) for cell in todo)
            try:
                with _ticking(bar):
                    for frame in outputs:
                        cell_id = frame["cell_id"].iloc[0]
                        if cache is not None:
                            cache.write(cell_id, frame)
                        finished[cell_id] = frame
                        if frame["error"].notna().any():
                            n_failed += 1
                            bar.set_postfix(failed=n_failed)
                        bar.update(1)
            finally:
                outputs.close()  # on interruption: cancel the cells left
    frames = [finished[cell["cell_id"]] for cell in cells]
    if not frames:  # pragma: no cover - load_config rejects empty grids
        return coerce_results(pd.DataFrame(columns=list(RESULT_COLUMNS)))
    return coerce_results(pd.concat(frames, ignore_index=True))
