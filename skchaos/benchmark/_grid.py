"""Grid expansion: the deterministic, content-seeded cells of a configuration.

:func:`expand_grid` turns a configuration (see :func:`load_config`) into a
list of cells (dataset x model x seed), each with its own stable id and seeds.
"""

import hashlib
import json
from numbers import Integral

import numpy as np

from skchaos.benchmark._config import SCHEMA_VERSION, load_config


def stable_hash(obj):
    """SHA-256 of the canonical JSON of ``obj`` (sorted keys, no spaces)."""
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _model_key(model):
    if "factory" in model:
        return {"name": model["name"], "factory": model["factory_path"]}
    return {"name": model["name"], "estimator": "mlp", "params": model["params"]}


def _method_key(method):
    return {k: method[k] for k in ("label", "name", "params", "truth")}


def _check_random_state(random_state):
    if isinstance(random_state, bool) or not isinstance(random_state, Integral):
        raise TypeError(
            f"random_state={random_state!r} must be an int >= 0: the benchmark is "
            "reproducible by design (None, RandomState and Generator objects "
            "are not accepted)."
        )
    if random_state < 0:
        raise ValueError(f"random_state={random_state!r} must be an int >= 0.")
    return int(random_state)


def _seeds(random_state, seed, dataset_key, model_key):
    """Derive the cell's seeds with :class:`numpy.random.SeedSequence`."""
    data_hash = int(stable_hash(dataset_key)[:16], 16)
    model_hash = int(stable_hash(model_key)[:16], 16)
    data_sequence = np.random.SeedSequence(random_state, spawn_key=(seed, data_hash))
    cell_sequence = np.random.SeedSequence(
        random_state, spawn_key=(seed, data_hash, model_hash)
    )
    data_seed, split_seed = (int(s) for s in data_sequence.generate_state(2))
    model_seed, attribution_seed = (int(s) for s in cell_sequence.generate_state(2))
    return {
        "data": data_seed,
        "split": split_seed,
        "model": model_seed,
        "attribution": attribution_seed,
    }


def expand_grid(config, *, random_state=0):
    """Expand a benchmark configuration into its ordered list of cells.

    A cell is one dataset x model x seed combination: it trains one model and
    evaluates every attribution method on its test split. Cells come in a
    fixed order: formulas, then ``n_noise_features``, ``noise`` and
    ``n_samples`` (dataset axes, outermost first), then models, then seeds.

    Parameters
    ----------
    config : dict, str or path-like
        Anything :func:`load_config` accepts.

    random_state : int, default=0
        The root of every seed of the run (see Notes).

    Returns
    -------
    cells : list of dict
        One mapping per cell with ``cell_id`` (16 hex digits), ``dataset``
        (formula id and text, ``n_noise_features``, ``noise``,
        ``n_samples``, ``x_scale``, ``ig_steps``), ``model``, ``seed``,
        ``methods``, ``test_size``, ``random_state`` and ``seeds`` (the
        derived ``data``, ``split``, ``model`` and ``attribution`` seeds).

    See Also
    --------
    load_config : Validate a configuration.
    run_benchmark : Run every cell.

    Notes
    -----
    Seeds come from :class:`numpy.random.SeedSequence` with an explicit
    ``spawn_key``, the mechanism :meth:`~numpy.random.SeedSequence.spawn`
    uses for its children, keyed by content instead of position:

    - data and train/test split: ``SeedSequence(random_state,
      spawn_key=(seed, h(dataset)))``, where ``h`` is a 64-bit SHA-256 hash
      of the canonical JSON of the data-generating parameters (formula,
      ``n_noise_features``, ``noise``, ``n_samples``, ``x_scale``). Every
      model of a grid therefore sees exactly the same data and test rows;
    - model and attribution: ``SeedSequence(random_state, spawn_key=(seed,
      h(dataset), h(model)))``.

    So a cell's result does not depend on the grid around it, on the order
    of the cells or on ``n_jobs``. The ``cell_id`` hashes the whole cell
    (dataset, model, methods, seed, test size, ``random_state`` and the
    cache schema version) and names its cache file.

    Examples
    --------
    >>> from skchaos.benchmark import expand_grid
    >>> cells = expand_grid({
    ...     "datasets": {"formulas": [1, 2], "n_noise_features": [0, 10]},
    ...     "seeds": [0, 1],
    ... })
    >>> len(cells)
    8
    >>> [(c["dataset"]["formula_id"], c["dataset"]["n_noise_features"], c["seed"])
    ...  for c in cells[:3]]
    [(1, 0, 0), (1, 0, 1), (1, 10, 0)]
    """
    config = load_config(config)
    random_state = _check_random_state(random_state)
    datasets = config["datasets"]
    method_keys = [_method_key(m) for m in config["methods"]]
    cells = []
    for formula in datasets["formulas"]:
        for n_noise_features in datasets["n_noise_features"]:
            for noise in datasets["noise"]:
                for n_samples in datasets["n_samples"]:
                    dataset = {
                        **formula,
                        "n_noise_features": n_noise_features,
                        "noise": noise,
                        "n_samples": n_samples,
                        "x_scale": datasets["x_scale"],
                        "ig_steps": datasets["ig_steps"],
                    }
                    data_key = {
                        k: dataset[k]
                        for k in ("formula", "n_noise_features", "noise")
                        + ("n_samples", "x_scale")
                    }
                    for model in config["models"]:
                        model_key = _model_key(model)
                        for seed in config["seeds"]:
                            key = {
                                "schema": SCHEMA_VERSION,
                                "random_state": random_state,
                                "dataset": dataset,
                                "model": model_key,
                                "methods": method_keys,
                                "seed": seed,
                                "test_size": config["test_size"],
                            }
                            cells.append(
                                {
                                    "cell_id": stable_hash(key)[:16],
                                    "dataset": dataset,
                                    "model": model,
                                    "seed": seed,
                                    "methods": config["methods"],
                                    "test_size": config["test_size"],
                                    "random_state": random_state,
                                    "seeds": _seeds(
                                        random_state, seed, data_key, model_key
                                    ),
                                }
                            )
    return cells
