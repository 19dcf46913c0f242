"""The ``models`` part of a benchmark configuration: the paper's MLP or a factory.

:func:`validate_models` checks each model spec of
:func:`~skchaos.benchmark.load_config` (an ``MLPRegressor`` by its
parameters, or a factory callable) and returns the normalized list;
:func:`estimator_params` gives the estimator's own parameters of a spec.
"""

import inspect
from numbers import Integral

from skchaos.benchmark._schema import (
    as_list,
    check_int,
    check_keys,
    check_unique,
    jsonable,
)

_MLP_EXTRA_KEYS = ("estimator", "n_layers", "name", "width")
_MLP_FORBIDDEN = ("random_state",)


def _mlp_param_names():
    from skchaos.neural import MLPRegressor

    signature = inspect.signature(MLPRegressor.__init__)
    return {
        name: p.default
        for name, p in signature.parameters.items()
        if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    }


def estimator_params(params):
    """MLP params with lists turned back into the tuples estimators expect."""
    out = dict(params)
    out["hidden_layer_sizes"] = tuple(out["hidden_layer_sizes"])
    return out


def _check_mlp_values(params, where):
    """Let scikit-learn check the values against the estimator's constraints.

    The estimator's declared ``_parameter_constraints`` are checked with
    scikit-learn's ``validate_parameter_constraints`` on the public
    ``get_params()`` of a freshly built estimator, now rather than in every
    cell.
    """
    from sklearn.base import clone
    from sklearn.utils._param_validation import validate_parameter_constraints

    from skchaos.neural import MLPRegressor

    estimator = clone(MLPRegressor()).set_params(**estimator_params(params))
    try:
        validate_parameter_constraints(
            MLPRegressor._parameter_constraints,
            estimator.get_params(deep=False),
            caller_name="MLPRegressor",
        )
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"{where}: {exc}") from None


def _validate_mlp(spec, where):
    defaults = _mlp_param_names()
    valid = sorted((set(defaults) | set(_MLP_EXTRA_KEYS)) - set(_MLP_FORBIDDEN))
    if "random_state" in spec:
        raise ValueError(
            f"{where} sets 'random_state'; the benchmark seeds every model from "
            "the cell (see run_benchmark), so leave it out."
        )
    check_keys(spec, valid, where)
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
        n_layers = check_int(spec.get("n_layers", 3), f"{where}.n_layers", 0)
        width = check_int(spec.get("width", 100), f"{where}.width", 1)
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
        check_int(s, f"{where}.hidden_layer_sizes", 1) for s in sizes
    ]
    for key, value in params.items():
        if isinstance(value, tuple):
            params[key] = list(value)
        jsonable(params[key], f"{where}.{key}")
    _check_mlp_values(params, where)
    return {"name": name, "estimator": "mlp", "params": dict(sorted(params.items()))}


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


def validate_models(models):
    models = as_list(["mlp"] if models is None else models, "models")
    out = []
    for i, spec in enumerate(models):
        where = f"models[{i}]"
        if spec == "mlp":
            spec = {}
        if callable(spec) and not isinstance(spec, dict):
            out.append(_validate_factory(spec, None, where))
        elif isinstance(spec, dict) and "factory" in spec:
            check_keys(spec, ("factory", "name"), where)
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
                f"{where}={spec!r:.100} is not a model; expected 'mlp', a mapping "
                "of MLPRegressor parameters (with an optional 'name'), or a "
                "factory (a callable, or {'name': ..., 'factory': callable})."
            )
    check_unique([m["name"] for m in out], "models (by name)")
    return out
