"""Benchmark configurations: validation, presets, config files, grid expansion.

A configuration is a plain mapping (from Python, a TOML or YAML file, or a
preset). :func:`load_config` validates it up front and returns a normalized
copy; :func:`expand_grid` turns that into a deterministic list of cells
(dataset x model x seed), each with its own stable id and seeds.
"""

import copy
import hashlib
import importlib.resources
import inspect
import json
import math
import os
import sys
from numbers import Integral, Real
from pathlib import Path

import numpy as np

# Bump when the meaning of a cached row changes: old cache files are ignored.
SCHEMA_VERSION = 1

#: The attribution methods of the ChaosMining paper, in its order.
DEFAULT_METHODS = ("saliency", "integrated_gradients", "deeplift", "feature_ablation")

#: The ground truth each method is compared with, unless a method spec names
#: one with ``truth=``. DeepLift has no truth of its own: with a zero baseline
#: it shares the Integrated Gradients truth.
DEFAULT_TRUTHS = {
    "saliency": "saliency",
    "integrated_gradients": "integrated_gradients",
    "deeplift": "integrated_gradients",
    "feature_ablation": "feature_ablation",
}
_TRUTHS = ("feature_ablation", "integrated_gradients", "saliency")

#: The two evaluation modes and what each changes, as a small explicit table:
#: ``(evaluation, truth) -> name of the ground-truth array`` and whether the
#: ``saliency`` attributions are compared in absolute value.
EVALUATIONS = ("paper", "corrected")
TRUTH_ARRAYS = {
    ("paper", "saliency"): "saliency",  # signed gradient (against |saliency|)
    ("paper", "integrated_gradients"): "integrated_gradients_riemann",
    ("paper", "feature_ablation"): "feature_ablation",
    ("corrected", "saliency"): "saliency",  # signed gradient
    ("corrected", "integrated_gradients"): "integrated_gradients_exact",
    ("corrected", "feature_ablation"): "feature_ablation",
}
ABS_SALIENCY = {"paper": True, "corrected": False}

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
_MLP_EXTRA_KEYS = ("estimator", "n_layers", "name", "width")
_MLP_FORBIDDEN = ("random_state",)
_MIN_TEST_ROWS = 2
_PRESET_SUFFIX = ".toml"


def _sorted_list(values):
    return ", ".join(repr(v) for v in sorted(values))


def _check_keys(mapping, valid, where):
    if not isinstance(mapping, dict):
        raise TypeError(
            f"{where} must be a mapping (a dict or a TOML/YAML table); got "
            f"{type(mapping).__name__}."
        )
    unknown = sorted(set(mapping) - set(valid), key=str)
    if unknown:
        raise ValueError(
            f"Unknown key(s) {_sorted_list(unknown)} in {where}; valid keys are "
            f"{_sorted_list(valid)}."
        )


def _as_list(value, where):
    if isinstance(value, (list, tuple)):
        values = list(value)
    else:
        values = [value]
    if not values:
        raise ValueError(f"{where} is empty; expected at least one value.")
    return values


def _check_unique(values, where):
    seen = []
    for value in values:
        if value in seen:
            raise ValueError(
                f"{where} lists {value!r} more than once; each value of a grid "
                "axis must be unique."
            )
        seen.append(value)


def _check_int(value, where, minimum):
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise TypeError(
            f"{where}={value!r} has type {type(value).__name__}; expected an int "
            f">= {minimum}."
        )
    if value < minimum:
        raise ValueError(f"{where}={value!r} is invalid; expected an int >= {minimum}.")
    return int(value)


def _check_real(value, where, *, low, high=math.inf, low_open=False):
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(
            f"{where}={value!r} has type {type(value).__name__}; expected a number."
        )
    value = float(value)
    too_low = value <= low if low_open else value < low
    if not math.isfinite(value) or too_low or value > high:
        left = "(" if low_open else "["
        raise ValueError(
            f"{where}={value!r} is invalid; expected a finite number in "
            f"{left}{low}, {high}]."
        )
    return value


# --------------------------------------------------------------------------
# Sources: presets and files
# --------------------------------------------------------------------------


def available_presets():
    """List the names of the built-in benchmark presets.

    Returns
    -------
    names : list of str
        Sorted preset names, for :func:`load_config`, :func:`run_benchmark`
        and ``skchaos benchmark --preset``.

    See Also
    --------
    load_config : Load and validate a preset, a file or a mapping.

    Examples
    --------
    >>> from skchaos.benchmark import available_presets
    >>> "paper-symbolic" in available_presets()
    True
    """
    folder = importlib.resources.files("skchaos.benchmark") / "presets"
    return sorted(
        entry.name[: -len(_PRESET_SUFFIX)]
        for entry in folder.iterdir()
        if entry.name.endswith(_PRESET_SUFFIX)
    )


def _load_toml(text, origin):
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"Could not parse the TOML config {origin}: {exc}") from None


def _load_yaml(text, origin):
    try:
        import yaml
    except ImportError:
        raise ImportError(
            f"Reading the YAML config {origin} needs PyYAML; install it with "
            "`pip install pyyaml` (or `pip install skchaos[yaml]`), or use TOML."
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        message = " ".join(str(exc).split())
        raise ValueError(
            f"Could not parse the YAML config {origin}: {message}"
        ) from None


def _read_source(source):
    """Return the raw mapping named by a path or a preset name."""
    path = Path(source)
    suffix = path.suffix.lower()
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if suffix == ".toml":
            return _load_toml(text, repr(str(path)))
        if suffix in (".yaml", ".yml"):
            return _load_yaml(text, repr(str(path)))
        raise ValueError(
            f"config file {str(path)!r} has the suffix {suffix!r}; expected "
            "'.toml', '.yaml' or '.yml'."
        )
    if suffix in (".toml", ".yaml", ".yml") or os.sep in str(source):
        raise ValueError(f"config file {str(source)!r} does not exist.")
    presets = available_presets()
    if str(source) not in presets:
        raise ValueError(
            f"config={str(source)!r} is neither an existing file nor a preset; "
            f"expected a .toml/.yaml path or one of the presets {presets}."
        )
    folder = importlib.resources.files("skchaos.benchmark") / "presets"
    text = (folder / f"{source}{_PRESET_SUFFIX}").read_text(encoding="utf-8")
    return _load_toml(text, f"preset {str(source)!r}")


def _merge(base, override):
    """Deep-merge two mappings; lists and scalars in ``override`` replace."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# --------------------------------------------------------------------------
# Validation of the three sections
# --------------------------------------------------------------------------


def _resolve_formula(formula, where):
    # The datasets module's own parser: ids and strings fail here, before any
    # training, with its message.
    from skchaos.datasets._formulas import resolve_formula

    if isinstance(formula, str) and formula.strip().isdigit():
        formula = int(formula.strip())
    try:
        resolved = resolve_formula(formula)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None
    formula_id = formula if isinstance(formula, Integral) else None
    return {"formula_id": formula_id, "formula": resolved.text}


def _validate_datasets(datasets):
    _check_keys(datasets, _DATASET_KEYS, "the 'datasets' section")
    if "formulas" not in datasets:
        raise ValueError(
            "The 'datasets' section needs 'formulas': a list of paper formula ids "
            "(1 to 15), formula strings such as 'sin(a)*b', or 'all'."
        )
    from skchaos.datasets._formulas import PAPER_FORMULAS

    formulas = datasets["formulas"]
    if isinstance(formulas, str) and formulas.strip().lower() == "all":
        formulas = [row.id for row in PAPER_FORMULAS]
    formulas = _as_list(formulas, "datasets.formulas")
    resolved = [
        _resolve_formula(f, f"datasets.formulas[{i}]") for i, f in enumerate(formulas)
    ]
    _check_unique(
        [(r["formula_id"], r["formula"]) for r in resolved], "datasets.formulas"
    )
    out = {"formulas": resolved}
    n_noise = _as_list(
        datasets.get("n_noise_features", _DATASET_DEFAULTS["n_noise_features"]),
        "datasets.n_noise_features",
    )
    out["n_noise_features"] = [
        _check_int(v, "datasets.n_noise_features", 0) for v in n_noise
    ]
    noise = _as_list(
        datasets.get("noise", _DATASET_DEFAULTS["noise"]), "datasets.noise"
    )
    out["noise"] = [_check_real(v, "datasets.noise", low=0.0) for v in noise]
    n_samples = _as_list(
        datasets.get("n_samples", _DATASET_DEFAULTS["n_samples"]), "datasets.n_samples"
    )
    out["n_samples"] = [_check_int(v, "datasets.n_samples", 10) for v in n_samples]
    for axis in _DATASET_AXES:
        _check_unique(out[axis], f"datasets.{axis}")
    out["ig_steps"] = _check_int(
        datasets.get("ig_steps", _DATASET_DEFAULTS["ig_steps"]), "datasets.ig_steps", 1
    )
    out["x_scale"] = _check_real(
        datasets.get("x_scale", _DATASET_DEFAULTS["x_scale"]),
        "datasets.x_scale",
        low=0.0,
        low_open=True,
    )
    return out


def _mlp_param_names():
    from skchaos.neural import MLPRegressor

    signature = inspect.signature(MLPRegressor.__init__)
    return {
        name: p.default
        for name, p in signature.parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def _jsonable(value, where):
    """Check that a parameter value survives a JSON round trip (cache keys)."""
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        raise TypeError(
            f"{where}={value!r} cannot be written to a cache key; expected plain "
            "numbers, strings, booleans, None, lists or mappings of them (use a "
            "model factory for anything else)."
        ) from None


def _validate_mlp(spec, where):
    defaults = _mlp_param_names()
    valid = sorted((set(defaults) | set(_MLP_EXTRA_KEYS)) - set(_MLP_FORBIDDEN))
    if "random_state" in spec:
        raise ValueError(
            f"{where} sets 'random_state'; the benchmark seeds every model from "
            "the cell (see run_benchmark), so leave it out."
        )
    _check_keys(spec, valid, where)
    estimator = spec.get("estimator", "mlp")
    if estimator != "mlp":
        raise ValueError(
            f"{where}.estimator={estimator!r} is not supported; expected 'mlp' "
            "(skchaos.neural.MLPRegressor), or pass a model factory (a callable "
            "returning an unfitted estimator) from Python."
        )
    name = spec.get("name", "mlp")
    if not isinstance(name, str) or not name:
        raise TypeError(f"{where}.name={name!r} must be a non-empty str.")
    params = {k: v for k, v in spec.items() if k not in _MLP_EXTRA_KEYS}
    if "n_layers" in spec or "width" in spec:
        if "hidden_layer_sizes" in spec:
            raise ValueError(
                f"{where} sets both hidden_layer_sizes and n_layers/width; "
                "expected one or the other."
            )
        n_layers = _check_int(spec.get("n_layers", 3), f"{where}.n_layers", 0)
        width = _check_int(spec.get("width", 100), f"{where}.width", 1)
        params["hidden_layer_sizes"] = [width] * n_layers
    for key in ("hidden_layer_sizes", "max_epochs", "lr"):
        params.setdefault(key, defaults[key])
    sizes = params["hidden_layer_sizes"]
    if isinstance(sizes, Integral) and not isinstance(sizes, bool):
        sizes = [sizes]
    if not isinstance(sizes, (list, tuple)):
        raise TypeError(
            f"{where}.hidden_layer_sizes={sizes!r} must be a list of ints (one "
            "width per hidden layer)."
        )
    params["hidden_layer_sizes"] = [
        _check_int(s, f"{where}.hidden_layer_sizes", 1) for s in sizes
    ]
    for key, value in params.items():
        if isinstance(value, tuple):
            params[key] = list(value)
        _jsonable(params[key], f"{where}.{key}")
    # Let the estimator check the values now rather than in every cell.
    from skchaos.neural import MLPRegressor

    estimator = MLPRegressor(**_estimator_params(params))
    if hasattr(estimator, "_validate_params"):
        try:
            estimator._validate_params()
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"{where}: {exc}") from None
    return {"name": name, "estimator": "mlp", "params": dict(sorted(params.items()))}


def _estimator_params(params):
    """MLP params with lists turned back into the tuples estimators expect."""
    out = dict(params)
    out["hidden_layer_sizes"] = tuple(out["hidden_layer_sizes"])
    return out


def _validate_factory(factory, name, where):
    if name is None:
        name = getattr(factory, "name", None) or getattr(factory, "__name__", None)
    if not isinstance(name, str) or not name or name == "<lambda>":
        raise ValueError(
            f"{where} is a factory without a usable name ({name!r}); pass "
            "{'name': 'my-model', 'factory': callable} or give the callable a "
            "`name` attribute."
        )
    try:
        estimator = factory()
    except Exception as exc:
        raise ValueError(
            f"{where} (model {name!r}): calling the factory raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not (hasattr(estimator, "fit") and hasattr(estimator, "predict")):
        raise TypeError(
            f"{where} (model {name!r}): the factory returned "
            f"{type(estimator).__name__}; expected an unfitted estimator with "
            "fit and predict."
        )
    module = getattr(factory, "__module__", None) or type(factory).__module__
    qualname = getattr(factory, "__qualname__", None) or type(factory).__qualname__
    return {"name": name, "factory": factory, "factory_path": f"{module}.{qualname}"}


def _validate_models(models):
    if models is None:
        models = ["mlp"]
    models = _as_list(models, "models")
    out = []
    for i, spec in enumerate(models):
        where = f"models[{i}]"
        if spec == "mlp":
            spec = {}
        if callable(spec) and not isinstance(spec, dict):
            out.append(_validate_factory(spec, None, where))
        elif isinstance(spec, dict) and "factory" in spec:
            _check_keys(spec, ("factory", "name"), where)
            if not callable(spec["factory"]):
                raise TypeError(
                    f"{where}.factory must be a callable returning an unfitted "
                    f"estimator; got {type(spec['factory']).__name__}."
                )
            out.append(_validate_factory(spec["factory"], spec.get("name"), where))
        elif isinstance(spec, dict):
            out.append(_validate_mlp(spec, where))
        else:
            raise TypeError(
                f"{where}={spec!r} is not a model; expected 'mlp', a mapping of "
                "MLPRegressor parameters (with an optional 'name'), or a factory "
                "(a callable, or {'name': ..., 'factory': callable})."
            )
    _check_unique([m["name"] for m in out], "models (by name)")
    return out


def _check_method_params(name, params, where):
    """Let the attribution registry check a method's keyword arguments now."""
    from skchaos.attribution._registry import _get_method_spec

    try:
        _get_method_spec(name).split_params(params)
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}.params: {exc}") from None


def _validate_methods(methods):
    from skchaos.attribution import available_methods

    registry = sorted(available_methods())
    if methods is None:
        methods = list(DEFAULT_METHODS)
    methods = _as_list(methods, "methods")
    out = []
    for i, spec in enumerate(methods):
        where = f"methods[{i}]"
        if isinstance(spec, str):
            spec = {"name": spec}
        _check_keys(spec, _METHOD_KEYS, where)
        name = spec.get("name")
        if name not in registry:
            raise ValueError(
                f"{where}: unknown attribution method {name!r}; expected one of "
                f"{registry}."
            )
        params = dict(spec.get("params") or {})
        if not isinstance(spec.get("params", {}), dict):
            raise TypeError(f"{where}.params must be a mapping of keyword arguments.")
        for reserved in ("method", "target", "random_state", "estimator", "X"):
            if reserved in params:
                raise ValueError(
                    f"{where}.params sets {reserved!r}, which the benchmark "
                    "controls; remove it."
                )
        if name == "saliency" and "abs" in params:
            raise ValueError(
                f"{where}.params sets 'abs'; the benchmark computes the signed "
                "saliency once and scores |saliency| in the 'paper' evaluation "
                "and the signed one in 'corrected'."
            )
        _jsonable(params, f"{where}.params")
        _check_method_params(name, params, where)
        truth = spec.get("truth", DEFAULT_TRUTHS.get(name))
        if truth is None:
            raise ValueError(
                f"{where}: method {name!r} has no default ground truth; give one, "
                f"e.g. {{name = {name!r}, truth = 'integrated_gradients'}}, with "
                f"truth one of {list(_TRUTHS)}."
            )
        if truth not in _TRUTHS:
            raise ValueError(
                f"{where}.truth={truth!r} is unknown; expected one of {list(_TRUTHS)}."
            )
        label = spec.get("label", name)
        if not isinstance(label, str) or not label:
            raise TypeError(f"{where}.label={label!r} must be a non-empty str.")
        out.append({"label": label, "name": name, "params": params, "truth": truth})
    _check_unique([m["label"] for m in out], "methods (by label)")
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
        raw = _read_source(config)
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
    _check_keys(raw, _TOP_KEYS, "the benchmark config")
    raw = copy.copy(raw)
    overrides = raw.pop("quick", None)
    if quick:
        if overrides is None:
            raise ValueError(
                "quick=True, but this config has no 'quick' section of overrides."
            )
        _check_keys(
            overrides, [k for k in _TOP_KEYS if k != "quick"], "the 'quick' section"
        )
        raw = _merge(raw, overrides)
    if "datasets" not in raw:
        raise ValueError(
            "The benchmark config needs a 'datasets' section (at least "
            "'formulas'); valid top-level keys are "
            f"{_sorted_list(k for k in _TOP_KEYS)}."
        )
    seeds = _as_list(raw.get("seeds", [0]), "seeds")
    seeds = [_check_int(s, "seeds", 0) for s in seeds]
    _check_unique(seeds, "seeds")
    test_size = _check_real(
        raw.get("test_size", 0.2), "test_size", low=0.0, high=0.9, low_open=True
    )
    out = {
        "_normalized": SCHEMA_VERSION,
        "name": str(raw.get("name", "custom")),
        "description": str(raw.get("description", "")),
        "datasets": _validate_datasets(raw["datasets"]),
        "models": _validate_models(raw.get("models")),
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


# --------------------------------------------------------------------------
# Grid expansion and seeding
# --------------------------------------------------------------------------


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
