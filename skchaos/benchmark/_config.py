"""Benchmark configurations: the schema and its validation.

A configuration is a plain mapping (from Python, a TOML or YAML file, or a
preset). :func:`load_config` validates every part of it up front and returns a
normalized copy, which :func:`~skchaos.benchmark.expand_grid` turns into
cells.
"""

import copy
import os
from numbers import Integral

from skchaos.benchmark._evaluation import DEFAULT_METHODS, DEFAULT_TRUTHS, TRUTHS
from skchaos.benchmark._models import validate_models
from skchaos.benchmark._presets import available_presets, read_source
from skchaos.benchmark._schema import (
    as_list,
    check_int,
    check_keys,
    check_real,
    check_unique,
    jsonable,
    merge,
    sorted_list,
)

# Bump when the meaning of a cached row changes: old cache files are ignored.
SCHEMA_VERSION = 1

_TOP_KEYS = (
    "datasets",
    "description",
    "methods",
    "models",
    "name",
    "quick",
    "seeds",
    "test_size",
)
_DATASET_KEYS = (
    "formulas",
    "ig_steps",
    "n_noise_features",
    "n_samples",
    "noise",
    "x_scale",
)
_DATASET_AXES = ("n_noise_features", "noise", "n_samples")
_DATASET_DEFAULTS = {
    "n_noise_features": [100],
    "noise": [0.01],
    "n_samples": [10000],
    "ig_steps": 20,
    "x_scale": 0.33,
}
_METHOD_KEYS = ("label", "name", "params", "truth")
# Arguments of attribute() the benchmark sets itself (with RESERVED_PARAMS).
_BENCHMARK_PARAMS = ("X", "estimator", "method")
_MIN_TEST_ROWS = 2


# --------------------------------------------------------------------------
# datasets
# --------------------------------------------------------------------------


def _resolve_formula(formula, where):
    """``{"formula_id", "formula"}`` for a paper id or a formula string.

    Strings are checked with the datasets module's own parser (through a
    two-row :func:`~skchaos.datasets.make_symbolic`), before any training.
    """
    from skchaos.datasets import PAPER_FORMULAS, make_symbolic

    if isinstance(formula, str) and formula.strip().isdigit():
        formula = int(formula.strip())
    if isinstance(formula, Integral) and not isinstance(formula, bool):
        if not 1 <= formula <= len(PAPER_FORMULAS):
            raise ValueError(
                f"{where}: formula={formula!r} is not a paper formula id; expected "
                f"an int from 1 to {len(PAPER_FORMULAS)}."
            )
        return {
            "formula_id": int(formula),
            "formula": PAPER_FORMULAS[int(formula) - 1].expression,
        }
    if not isinstance(formula, str):
        raise TypeError(
            f"{where}={formula!r:.100} has type {type(formula).__name__}; expected "
            f"a paper formula id (1 to {len(PAPER_FORMULAS)}) or a formula string."
        )
    try:
        make_symbolic(formula, n_samples=2, n_noise_features=0, random_state=0)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    except (RecursionError, MemoryError):
        raise ValueError(
            f"{where}: formula {formula[:60]!r}... is nested too deeply; expected a "
            "shallower expression."
        ) from None
    return {"formula_id": None, "formula": formula.strip()}


def _validate_datasets(datasets):
    check_keys(datasets, _DATASET_KEYS, "the 'datasets' section")
    if "formulas" not in datasets:
        raise ValueError(
            "The 'datasets' section needs 'formulas': a list of paper formula ids "
            "(1 to 15), formula strings such as 'sin(a)*b', or 'all'."
        )
    from skchaos.datasets import PAPER_FORMULAS

    formulas = datasets["formulas"]
    if isinstance(formulas, str) and formulas.strip().lower() == "all":
        formulas = [row.id for row in PAPER_FORMULAS]
    formulas = as_list(formulas, "datasets.formulas")
    resolved = [
        _resolve_formula(f, f"datasets.formulas[{i}]") for i, f in enumerate(formulas)
    ]
    check_unique(
        [(r["formula_id"], r["formula"]) for r in resolved], "datasets.formulas"
    )
    out = {"formulas": resolved}
    for axis, minimum in (("n_noise_features", 0), ("n_samples", 10)):
        values = as_list(
            datasets.get(axis, _DATASET_DEFAULTS[axis]), f"datasets.{axis}"
        )
        out[axis] = [check_int(v, f"datasets.{axis}", minimum) for v in values]
    noise = as_list(datasets.get("noise", _DATASET_DEFAULTS["noise"]), "datasets.noise")
    out["noise"] = [check_real(v, "datasets.noise", low=0.0) for v in noise]
    out = {key: out[key] for key in ("formulas", *_DATASET_AXES)}
    for axis in _DATASET_AXES:
        check_unique(out[axis], f"datasets.{axis}")
    out["ig_steps"] = check_int(
        datasets.get("ig_steps", _DATASET_DEFAULTS["ig_steps"]), "datasets.ig_steps", 1
    )
    out["x_scale"] = check_real(
        datasets.get("x_scale", _DATASET_DEFAULTS["x_scale"]),
        "datasets.x_scale",
        low=0.0,
        low_open=True,
    )
    return out


# --------------------------------------------------------------------------
# methods
# --------------------------------------------------------------------------


def _check_method_params(name, params, where):
    """Let the attribution registry check a method's keyword arguments now.

    The keyword arguments of :func:`~skchaos.attribution.attribute` itself
    (``ATTRIBUTE_KWARGS``, e.g. ``batch_size``) pass through unchecked here.
    """
    from skchaos.attribution import ATTRIBUTE_KWARGS, check_method_params

    own = {k: v for k, v in params.items() if k not in ATTRIBUTE_KWARGS}
    try:
        check_method_params(name, own)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}.params: {exc}") from None


def _validate_method(spec, registry, where):
    if isinstance(spec, str):
        spec = {"name": spec}
    check_keys(spec, _METHOD_KEYS, where)
    name = spec.get("name")
    if name not in registry:
        raise ValueError(
            f"{where}: unknown attribution method {name!r}; expected one of {registry}."
        )
    if not isinstance(spec.get("params", {}), dict):
        raise TypeError(f"{where}.params must be a mapping of keyword arguments.")
    params = dict(spec.get("params") or {})
    from skchaos.attribution import RESERVED_PARAMS

    for reserved in (*_BENCHMARK_PARAMS, *RESERVED_PARAMS):
        if reserved in params:
            raise ValueError(
                f"{where}.params sets {reserved!r}, which the benchmark controls; "
                "remove it."
            )
    if name == "saliency" and "abs" in params:
        raise ValueError(
            f"{where}.params sets 'abs'; the benchmark computes the signed "
            "saliency once and scores |saliency| in the 'paper' evaluation "
            "and the signed one in 'corrected'."
        )
    jsonable(params, f"{where}.params")
    _check_method_params(name, params, where)
    truth = spec.get("truth", DEFAULT_TRUTHS.get(name))
    if truth is None:
        raise ValueError(
            f"{where}: method {name!r} has no default ground truth; give one, "
            f"e.g. {{name = {name!r}, truth = 'integrated_gradients'}}, with "
            f"truth one of {list(TRUTHS)}."
        )
    if truth not in TRUTHS:
        raise ValueError(
            f"{where}.truth={truth!r} is unknown; expected one of {list(TRUTHS)}."
        )
    label = spec.get("label", name)
    if not isinstance(label, str) or not label:
        raise TypeError(f"{where}.label={label!r} must be a non-empty str.")
    return {"label": label, "name": name, "params": params, "truth": truth}


def _validate_methods(methods):
    from skchaos.attribution import available_methods

    registry = sorted(available_methods())
    methods = as_list(list(DEFAULT_METHODS) if methods is None else methods, "methods")
    out = [
        _validate_method(spec, registry, f"methods[{i}]")
        for i, spec in enumerate(methods)
    ]
    check_unique([m["label"] for m in out], "methods (by label)")
    return out


def load_config(config, *, quick=False):
    """Validate a benchmark configuration and return it normalized.

    Everything is checked here, before any training: unknown keys (the
    message lists the valid ones), formula ids and strings (with the datasets
    module's parser), attribution method names, MLP parameters, seeds and the
    test fraction.

    Parameters
    ----------
    config : dict, str or path-like
        A mapping with the keys below, the path of a ``.toml`` or ``.yaml``
        file holding one, or the name of a preset (see
        :func:`available_presets`). Keys:

        - ``datasets`` (required): ``formulas`` (paper ids 1 to 15, formula
          strings such as ``"sin(a)*b"``, or ``"all"``), and the grid axes
          ``n_noise_features`` (default ``[100]``), ``noise`` (the label
          noise sigma_y, default ``[0.01]``) and ``n_samples`` (default
          ``[10000]``); the scalars ``ig_steps`` (steps of the Riemann sum
          used as the Integrated Gradients truth in the ``"paper"``
          evaluation, default 20) and ``x_scale`` (default 0.33).
        - ``models``: a list of models, default ``["mlp"]``. Each is
          ``"mlp"``, a mapping of :class:`~skchaos.neural.MLPRegressor`
          parameters with an optional ``name`` (``n_layers`` and ``width``
          may replace ``hidden_layer_sizes``), or, from Python only, a
          factory: a callable returning an unfitted estimator, with a
          ``name`` attribute or given as ``{"name": ..., "factory": f}``.
        - ``methods``: attribution methods (names of
          :func:`skchaos.attribution.available_methods`), default
          ``["saliency", "integrated_gradients", "deeplift",
          "feature_ablation"]``. A method may be a mapping with ``name``,
          ``params`` (keyword arguments for
          :func:`skchaos.attribution.attribute`), ``truth`` (the ground truth
          it is scored against, needed for methods outside that list) and
          ``label`` (its name in the results).
        - ``seeds``: a list of ints, default ``[0]``.
        - ``test_size``: the held-out fraction, default 0.2.
        - ``name``, ``description``: free text.
        - ``quick``: a mapping merged over the others when ``quick=True``
          (mappings merge key by key; lists and scalars replace).

    quick : bool, default=False
        Apply the config's ``quick`` overrides (a smaller, faster grid).

    Returns
    -------
    config : dict
        The normalized configuration: every default filled in, formulas
        resolved to ``{"formula_id", "formula"}`` records and models and
        methods to mappings. Pass it to :func:`expand_grid` or
        :func:`run_benchmark`.

    See Also
    --------
    expand_grid : The cells of a configuration.
    run_benchmark : Run a configuration.
    available_presets : The built-in configurations.

    Examples
    --------
    >>> from skchaos.benchmark import load_config
    >>> config = load_config({
    ...     "datasets": {"formulas": [1, "sin(a) * b"], "n_noise_features": [0, 5]},
    ...     "models": [{"name": "tiny", "hidden_layer_sizes": [8], "max_epochs": 5}],
    ... })
    >>> [f["formula"] for f in config["datasets"]["formulas"]]
    ['a', 'sin(a) * b']
    >>> [m["label"] for m in config["methods"]]
    ['saliency', 'integrated_gradients', 'deeplift', 'feature_ablation']
    >>> load_config("paper-symbolic", quick=True)["name"]
    'paper-symbolic (quick)'
    """
    if isinstance(config, (str, os.PathLike)):
        raw = read_source(config)
        if not isinstance(raw, dict):
            raise TypeError(
                f"config {str(config)!r} holds a {type(raw).__name__}; expected a "
                "mapping at the top level."
            )
    elif isinstance(config, dict):
        if "_normalized" in config:
            return config
        raw = config
    else:
        raise TypeError(
            f"config has type {type(config).__name__}; expected a dict, a path "
            f"to a .toml/.yaml file, or a preset name ({available_presets()})."
        )
    check_keys(raw, _TOP_KEYS, "the benchmark config")
    raw = copy.copy(raw)
    overrides = raw.pop("quick", None)
    if quick:
        if overrides is None:
            raise ValueError(
                "quick=True, but this config has no 'quick' section of overrides."
            )
        check_keys(
            overrides, [k for k in _TOP_KEYS if k != "quick"], "the 'quick' section"
        )
        raw = merge(raw, overrides)
    if "datasets" not in raw:
        raise ValueError(
            "The benchmark config needs a 'datasets' section (at least "
            "'formulas'); valid top-level keys are "
            f"{sorted_list(k for k in _TOP_KEYS)}."
        )
    seeds = as_list(raw.get("seeds", [0]), "seeds")
    seeds = [check_int(s, "seeds", 0) for s in seeds]
    check_unique(seeds, "seeds")
    test_size = check_real(
        raw.get("test_size", 0.2), "test_size", low=0.0, high=0.9, low_open=True
    )
    out = {
        "_normalized": SCHEMA_VERSION,
        "name": str(raw.get("name", "custom")),
        "description": str(raw.get("description", "")),
        "datasets": _validate_datasets(raw["datasets"]),
        "models": validate_models(raw.get("models")),
        "methods": _validate_methods(raw.get("methods")),
        "seeds": seeds,
        "test_size": test_size,
    }
    smallest = min(out["datasets"]["n_samples"])
    if round(smallest * test_size) < _MIN_TEST_ROWS:
        raise ValueError(
            f"test_size={test_size} leaves fewer than {_MIN_TEST_ROWS} test rows "
            f"for n_samples={smallest}; expected a larger test_size or n_samples."
        )
    if quick:
        out["name"] = f"{out['name']} (quick)"
    return out
