"""Per-sample attributions of a fitted model, with captum methods by name."""

import warnings
from contextlib import ExitStack, contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params
from sklearn_compat.utils.validation import check_array

from skchaos.attribution._deeplift import _check_deeplift_model, _deeplift_rules
from skchaos.attribution._extract import (
    _inference_state,
    _net_input,
    _resolve_model,
)
from skchaos.attribution._registry import _REGISTRY, _get_method_spec
from skchaos.utils import (
    numpy_random_context,
    torch_random_context,
    torch_seed_from_random_state,
)

_DEFAULT_BATCH_SIZE = 1024
# Rows of X drawn as the default baseline distribution of deeplift_shap and
# gradient_shap.
_N_BACKGROUND = 20
# SmoothGrad's default noise level, as a fraction of X's range (Smilkov et al.
# recommend 10-20%).
_SMOOTHGRAD_NOISE = 0.15
_ARGMAX = "argmax"


@validate_params(
    {
        "estimator": "no_validation",
        "X": "no_validation",
        "method": "no_validation",
        "target": "no_validation",
        "baselines": "no_validation",
        "batch_size": [Interval(Integral, 1, None, closed="left"), None],
        "feature_mask": "no_validation",
        "random_state": ["random_state"],
    },
    prefer_skip_nested_validation=True,
)
def attribute(
    estimator,
    X,
    *,
    method="saliency",
    target=None,
    baselines=None,
    batch_size=None,
    feature_mask=None,
    random_state=None,
    **method_params,
):
    """Compute per-sample attributions of a fitted model with a captum method.

    Attributions are taken with respect to the input of the network: for a
    :class:`~sklearn.pipeline.Pipeline` the earlier steps' ``transform`` is
    applied to ``X`` first, and the attributions are for the transformed
    features (with a :class:`~sklearn.preprocessing.StandardScaler` in front,
    a gradient is per standardized unit, not per raw unit).

    Parameters
    ----------
    estimator : object
        The model to explain, one of:

        - a fitted skorch net (anything with a fitted ``module_``, e.g.
          :class:`skchaos.neural.MLPRegressor`);
        - a fitted :class:`~sklearn.pipeline.Pipeline` whose last step is one;
        - a :class:`torch.nn.Module`, used as is on its parameters' device;
        - for the perturbation methods only (``feature_ablation``,
          ``feature_permutation``, ``kernel_shap``, ``lime``, ``occlusion``,
          ``shapley_value_sampling``), any fitted scikit-learn regressor, or
          classifier with ``predict_proba`` (or a pipeline ending in one), on
          2-D data.

        A torch module is switched to eval mode (dropout off, batch norm
        frozen) with its parameters' ``requires_grad`` off during the call;
        both are restored afterwards and no ``.grad`` is left behind.

    X : array-like or torch.Tensor of shape (n_samples, ...)
        The samples to explain: numpy, pandas or a torch tensor, 2-D
        (tabular) or more (e.g. images ``(n, C, H, W)``, audio ``(n, C, T)``).
        They are cast to the network's dtype (float32 usually) on its device,
        batch by batch. NaN and infinity are rejected.

    method : str, default="saliency"
        The attribution method, one of :func:`available_methods`:

        - ``"saliency"``: the gradient; ``abs=True`` (captum's default, the
          default here) returns its absolute value, ``abs=False`` the signed
          gradient ``df/dx``.
        - ``"input_x_gradient"``: ``x * df/dx``.
        - ``"integrated_gradients"``: ``n_steps=50``,
          ``integration_method="gausslegendre"`` (captum's ``method``,
          renamed; the ChaosMining paper used a 20-step Riemann sum, e.g.
          ``integration_method="riemann_right", n_steps=20``),
          ``internal_batch_size``, ``multiply_by_inputs=True``.
        - ``"deeplift"`` (``multiply_by_inputs``, ``eps``) and
          ``"deeplift_shap"`` (``multiply_by_inputs``): see Notes.
        - ``"gradient_shap"``: ``n_samples=5``, ``stdevs=0.0``,
          ``multiply_by_inputs``.
        - ``"feature_ablation"``, ``"feature_permutation"``:
          ``perturbations_per_eval=1``.
        - ``"shapley_value_sampling"``: ``n_samples=25``,
          ``perturbations_per_eval=1``.
        - ``"kernel_shap"`` and ``"lime"`` (plus ``interpretable_model``,
          ``similarity_func``, ``perturb_func``): ``n_samples=25``,
          ``perturbations_per_eval=min(n_samples, batch_size)``.
        - ``"occlusion"``: ``sliding_window_shapes`` (default: one feature,
          i.e. ``(1,) * (X.ndim - 1)``), ``strides``,
          ``perturbations_per_eval``.
        - ``"smoothgrad"``: captum's ``NoiseTunnel`` over ``Saliency`` with
          ``nt_type="smoothgrad"``; ``nt_samples=5``, ``stdevs`` (default
          ``0.15 * (X.max() - X.min())``, SmoothGrad's recommended noise
          level, instead of captum's fixed 1.0), ``abs=True``,
          ``nt_samples_batch_size``.

    target : int, label or array-like of shape (n_samples,), default=None
        Which output to explain. For a classifier (``is_classifier`` or a
        ``classes_`` attribute), None means the predicted class of each row
        (the argmax of the network output); a value found in ``classes_`` is
        a class label (labels take precedence), otherwise an int is an output
        index. An array gives one target per row. Models with a single
        output (regressors, single-logit binary classifiers) take None (an
        ``(n, 1)`` regressor also accepts 0); multi-output regressors require
        a target. Attributions
        explain the raw module output: logits for
        :class:`skchaos.neural.MLPClassifier` (never log-probabilities), and
        ``predict_proba`` for scikit-learn classifiers.

    baselines : float, array-like or torch.Tensor, default=None
        The reference input, in the network's input space (after the
        pipeline's transformers: with a scaler, 0 is the training mean).
        Only for the methods that use one (``integrated_gradients``,
        ``deeplift``, ``feature_ablation``, ``shapley_value_sampling``,
        ``kernel_shap``, ``lime``, ``occlusion``: None means zero; a scalar,
        one sample of shape ``X.shape[1:]``, or one row per sample of shape
        ``X.shape``) and the distribution methods (``deeplift_shap``,
        ``gradient_shap``: an array of shape ``(n_baselines, *X.shape[1:])``;
        None draws 20 random rows of X, or all rows if fewer, with
        ``random_state``). Other methods raise ValueError when given one.

    batch_size : int, default=None
        The number of rows per forward pass of the network (None: 1024),
        which bounds memory for large X. X is processed in consecutive
        batches of ``batch_size`` rows, or fewer when the method expands each
        row: ``batch_size // n_samples`` for ``gradient_shap``,
        ``batch_size // n_baselines`` for ``deeplift_shap`` and
        ``batch_size // perturbations_per_eval`` for ``feature_ablation``,
        ``feature_permutation``, ``shapley_value_sampling`` and
        ``occlusion``. ``integrated_gradients`` evaluates its path points in
        passes of ``internal_batch_size=batch_size`` rows, ``smoothgrad`` its
        noisy copies with a matching ``nt_samples_batch_size``, and
        ``kernel_shap`` and ``lime``, which explain one row at a time, use
        ``perturbations_per_eval=min(n_samples, batch_size)``. The result does
        not depend on ``batch_size``, except through the random draws of the
        stochastic methods and the batches ``feature_permutation`` shuffles
        within.

    feature_mask : array-like of int of shape X.shape[1:] or broadcastable, \
            default=None
        Group ids: features sharing an id are treated as one feature. The
        perturbation methods (``feature_ablation``, ``feature_permutation``,
        ``shapley_value_sampling``, ``kernel_shap``, ``lime``) perturb each
        group as a whole. For the gradient methods the per-feature
        attributions are summed within each group. Either way every feature
        of a group receives the group's attribution. ``occlusion`` groups by
        ``sliding_window_shapes`` and rejects a mask. Examples: for audio
        ``(n, C, T)``, ``np.arange(C)[:, None]`` (shape ``(C, 1)``, row ``c``
        is group ``c``) gives per-channel attributions; for images
        ``(n, C, H, W)``, an ``(H, W)`` array of patch ids, e.g.
        ``(rows // 8) * (W // 8) + cols // 8``, groups 8x8 patches across
        channels.

    random_state : int, RandomState instance or None, default=None
        Seeds the stochastic methods (``feature_permutation``,
        ``shapley_value_sampling``, ``kernel_shap``, ``lime``,
        ``gradient_shap``, ``smoothgrad``, and ``deeplift_shap``'s default
        baselines) locally: torch's and numpy's global RNG states (captum's
        gradient_shap draws from ``np.random``) are restored afterwards.
        Ignored by the deterministic methods.

    **method_params : dict
        Keyword arguments of the method, listed under ``method``; anything
        else raises TypeError naming the accepted ones.

    Returns
    -------
    attributions : ndarray of shape X_net.shape
        One attribution per sample and input feature of the network (the
        shape of X after the pipeline's transformers), in the network's
        floating dtype (float32 usually; float64 for scikit-learn
        estimators).

    Raises
    ------
    ValueError
        Unknown method, bad values (NaN in X, shapes, targets, baselines,
        masks), or a reused activation module with DeepLift.
    TypeError
        Unknown keyword argument for the method, or a gradient method on an
        estimator that is not a differentiable torch model.
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.

    See Also
    --------
    available_methods : The method names.
    model_agnostic_importance : Global permutation importance of any
        estimator.

    Notes
    -----
    DeepLift: captum applies the rescale rule only to the activation
    modules in its table (ReLU, ELU, LeakyReLU, Sigmoid, Tanh, Softplus,
    max pooling, Softmax); all other modules get their plain gradient. The
    rescale rule is valid for any elementwise nonlinearity, so during the
    call skchaos also registers the elementwise activations the network uses
    (GELU, SiLU, Mish, SELU, CELU, PReLU, Hardtanh/ReLU6, Hardswish, ...),
    which "switches" them to the rescale rule and keeps DeepLift complete
    (attributions sum to ``f(x) - f(baseline)``). captum's table is restored
    afterwards. Activations called as functions in ``forward`` (``F.gelu``)
    are invisible to hooks and fall back to gradients, and modules with no
    known rule (LayerNorm, attention, RNNs) trigger a warning. Each
    activation instance must be used once per forward pass: a reused one
    raises ValueError. In-place activations are fine.

    ``feature_permutation`` permutes features across the rows of a batch, so
    it needs at least 2 rows (a trailing batch of one row is merged into the
    previous one) and depends on which rows share a batch.

    Examples
    --------
    A linear model ``f(x) = x0 - 2 x1``: the signed saliency is the weight
    vector, and integrated gradients from zero are ``w * x``.

    >>> import numpy as np
    >>> import torch
    >>> from skchaos.attribution import attribute
    >>> model = torch.nn.Linear(3, 1)
    >>> with torch.no_grad():
    ...     _ = model.weight.copy_(torch.tensor([[1.0, -2.0, 0.0]]))
    ...     _ = model.bias.zero_()
    >>> X = np.array([[1.0, 1.0, 1.0], [2.0, 0.5, -1.0], [0.0, -1.0, 3.0]])
    >>> attribute(model, X, abs=False)
    array([[ 1., -2.,  0.],
           [ 1., -2.,  0.],
           [ 1., -2.,  0.]], dtype=float32)
    >>> attribute(model, X, method="integrated_gradients").round(3)
    array([[ 1., -2.,  0.],
           [ 2., -1.,  0.],
           [ 0.,  2.,  0.]], dtype=float32)

    Perturbation methods accept any fitted scikit-learn estimator, here with
    a pipeline: attributions are for the scaled features.

    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> y = X @ np.array([1.0, -2.0, 0.0])
    >>> pipe = make_pipeline(StandardScaler(), LinearRegression()).fit(X, y)
    >>> attribute(pipe, X, method="feature_ablation").shape
    (3, 3)

    Grouped features: per-channel attributions of audio-like input
    ``(n, channels, time)``, with a ``(channels, 1)`` mask.

    >>> audio = np.random.default_rng(0).normal(size=(4, 2, 5))
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(10, 1))
    >>> channels = np.arange(2)[:, None]
    >>> per_channel = attribute(
    ...     net, audio, method="feature_ablation", feature_mask=channels
    ... )
    >>> per_channel.shape, bool((per_channel[:, 0] == per_channel[:, 0, :1]).all())
    ((4, 2, 5), True)
    """
    spec = _get_method_spec(method)
    init_params, call_params = spec.split_params(method_params)
    model = _resolve_model(estimator, method=spec)
    X = _net_input(estimator, X)
    n_samples, sample_shape = X.shape[0], tuple(X.shape[1:])
    if not model.differentiable and len(sample_shape) != 1:
        raise ValueError(
            f"{model.name} takes 2-D input, but X has shape {tuple(X.shape)}; "
            "only torch models accept inputs with more dimensions."
        )
    mask = _check_feature_mask(feature_mask, spec, sample_shape)
    if spec.name == "feature_permutation" and n_samples < 2:
        raise ValueError(
            "method='feature_permutation' permutes features across rows, so X "
            f"needs at least 2 rows; got {n_samples}."
        )
    rng = check_random_state(random_state)
    batch_size = _DEFAULT_BATCH_SIZE if batch_size is None else batch_size

    with _inference_state(model.module):
        first = _to_model(X[:1], model)
        n_outputs = _probe_outputs(model, first, X.shape)
        target = _check_target(target, model, n_samples, n_outputs)
        get_baselines, n_baselines = _check_baselines(
            baselines, spec, X, sample_shape, model, rng
        )
        expansion = n_baselines if spec.name == "deeplift_shap" else 1
        rows = max(1, batch_size // (expansion * spec.expansion(call_params)))
        call_params = _with_defaults(
            spec, call_params, X=X, batch_size=batch_size, rows=min(rows, n_samples)
        )
        bounds = _chunk_bounds(
            n_samples, rows, min_rows=2 if spec.name == "feature_permutation" else 1
        )
        seed = (
            torch_seed_from_random_state(rng)
            if spec.stochastic and random_state is not None
            else None
        )
        if spec.rescale_rules:
            # attribute -> validate_params' wrapper -> the caller
            _check_deeplift_model(model.module, first, stacklevel=3)
        attributor = spec.build(model.forward, **init_params)
        dtype = torch.empty(0, dtype=model.dtype).numpy().dtype
        result = np.empty(X.shape, dtype=dtype)
        with ExitStack() as stack:
            if spec.rescale_rules:
                stack.enter_context(_deeplift_rules(model.module))
            stack.enter_context(torch_random_context(seed))
            stack.enter_context(numpy_random_context(seed))
            stack.enter_context(_quiet_captum())
            for start, stop in bounds:
                inputs = _to_model(X[start:stop], model)
                if spec.gradient_based:
                    inputs.requires_grad_()
                kwargs = dict(call_params)
                kwargs["target"] = _chunk_target(target, model, inputs, start, stop)
                if spec.baselines is not None:
                    kwargs["baselines"] = get_baselines(start, stop)
                if mask is not None and spec.feature_mask:
                    kwargs["feature_mask"] = mask[0].to(model.device).unsqueeze(0)
                attributions = attributor.attribute(inputs, **kwargs).detach()
                if mask is not None and not spec.feature_mask:
                    attributions = _sum_groups(attributions, *mask)
                result[start:stop] = attributions.cpu().numpy()
    return result


def _to_model(X_part, model):
    """A slice of X as a tensor in the model's dtype on its device."""
    if isinstance(X_part, torch.Tensor):
        return X_part.to(device=model.device, dtype=model.dtype)
    return torch.tensor(np.asarray(X_part), dtype=model.dtype, device=model.device)


def _probe_outputs(model, first, shape):
    """Run one row; return the number of outputs (None for a 1-D output)."""
    try:
        with torch.no_grad():
            output = model.forward(first)
    except (RuntimeError, ValueError) as exc:
        raise ValueError(
            f"{model.name} could not be evaluated on X of shape {tuple(shape)} "
            f"(the network's input, one sample per row): {exc}"
        ) from exc
    if not isinstance(output, torch.Tensor):
        raise TypeError(
            f"{model.name} must return a single tensor to be explained; it "
            f"returned {type(output).__name__}."
        )
    if output.ndim == 1:
        return None
    if output.ndim != 2:
        raise ValueError(
            f"{model.name} returns outputs of shape {tuple(output.shape)} for one "
            "row; attributions need one output vector per row (n_samples, "
            "n_outputs)."
        )
    return output.shape[1]


def _is_index(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _check_target(target, model, n_samples, n_outputs):
    """Turn ``target`` into None, an int, per-row int64 indices, or _ARGMAX."""
    if n_outputs is None or n_outputs == 1:
        # A single output: captum needs no target for a 1-D output and
        # column 0 for an (n, 1) output.
        single = None if n_outputs is None else 0
        if target is None:
            return single
        index_zero = _is_index(target) and target == 0
        if n_outputs == 1 and not model.is_classifier and index_zero:
            return 0
        raise ValueError(
            f"{model.name} has a single output, so target must be None; got "
            f"target={_short(target)}."
        )
    if target is None:
        if model.is_classifier:
            return _ARGMAX
        raise ValueError(
            f"{model.name} has {n_outputs} outputs; pass target=<output index in "
            f"[0, {n_outputs})> or an array of one index per row to choose the "
            "output to explain."
        )
    lookup = {}
    if model.classes is not None:
        lookup = {
            label: i for i, label in enumerate(np.asarray(model.classes).tolist())
        }

    def to_index(value):
        if value in lookup:
            return lookup[value]
        if _is_index(value) and 0 <= value < n_outputs:
            return int(value)
        labels = f"a class label in {list(lookup)} or " if lookup else ""
        raise ValueError(
            f"target={value!r} is not {labels}an output index in [0, {n_outputs})."
        )

    if isinstance(target, torch.Tensor):
        target = target.detach().cpu().numpy()
    # lists keep their elements' types (labels and indices may be mixed)
    values = np.asarray(target, dtype=object if isinstance(target, list) else None)
    if values.ndim == 0:
        return to_index(values.item())
    if values.shape != (n_samples,):
        raise ValueError(
            f"target must be a scalar or have one entry per row, shape "
            f"({n_samples},); got shape {values.shape}."
        )
    return np.array([to_index(value) for value in values.tolist()], dtype=np.int64)


def _chunk_target(target, model, inputs, start, stop):
    if isinstance(target, np.ndarray):
        return torch.as_tensor(target[start:stop], device=model.device)
    if isinstance(target, str):  # _ARGMAX
        with torch.no_grad():
            return model.forward(inputs).argmax(dim=1)
    return target


def _as_float_array(value, name, device, dtype):
    if isinstance(value, torch.Tensor):
        value = value.detach()
        if value.is_floating_point() and not bool(torch.isfinite(value).all()):
            raise ValueError(f"{name} contains NaN or infinity.")
        return value.to(device=device, dtype=dtype)
    array = check_array(
        value,
        dtype="numeric",
        ensure_2d=False,
        allow_nd=True,
        ensure_min_samples=0,
        input_name=name,
    )
    return torch.as_tensor(array, dtype=dtype, device=device)


def _check_baselines(baselines, spec, X, sample_shape, model, rng):
    """Validate ``baselines``; return ``(get(start, stop), n_baselines)``."""
    if spec.baselines is None:
        if baselines is not None:
            users = sorted(name for name, s in _REGISTRY.items() if s.baselines)
            raise ValueError(
                f"method={spec.name!r} does not use baselines, got baselines="
                f"{_short(baselines)}; the methods that do are: {', '.join(users)}."
            )
        return None, 1
    device, dtype = model.device, model.dtype
    n_samples = X.shape[0]
    if isinstance(baselines, Real) and not isinstance(baselines, bool):
        if not np.isfinite(baselines):
            raise ValueError(f"baselines must be finite; got {baselines!r}.")
        if spec.baselines == "single":
            value = float(baselines)
            return (lambda start, stop: value), 1
        reference = torch.full((1, *sample_shape), float(baselines), dtype=dtype)
        reference = reference.to(device)
    elif baselines is None:
        if spec.baselines == "single":
            return (lambda start, stop: None), 1
        rows = np.sort(rng.choice(n_samples, min(n_samples, _N_BACKGROUND), False))
        reference = _to_model(X[rows], model)
    else:
        reference = _as_float_array(baselines, "baselines", device, dtype)
        shape = tuple(reference.shape)
        if shape == sample_shape:
            reference = reference.unsqueeze(0)
        elif shape[1:] != sample_shape or (
            spec.baselines == "single" and shape[0] not in (1, n_samples)
        ):
            rows = "n_samples" if spec.baselines == "single" else "n_baselines"
            raise ValueError(
                f"baselines has shape {shape}; expected a scalar, one sample of "
                f"shape {sample_shape}, or an array of shape ({rows}, "
                f"{', '.join(map(str, sample_shape))})."
            )
    n_baselines = reference.shape[0]
    if spec.name == "deeplift_shap" and n_baselines < 2:
        raise ValueError(
            "method='deeplift_shap' averages DeepLift over a distribution of at "
            f"least 2 baseline rows; got {n_baselines}. Pass more rows, or use "
            "method='deeplift' for a single baseline."
        )
    if spec.baselines == "distribution":
        return (lambda start, stop: reference), n_baselines
    if n_baselines == 1:
        return (lambda start, stop: reference.expand(stop - start, *sample_shape)), 1
    return (lambda start, stop: reference[start:stop]), 1


def _short(value):
    text = repr(value)
    return text if len(text) <= 40 else f"<{type(value).__name__}>"


def _check_feature_mask(feature_mask, spec, sample_shape):
    """Return ``(group ids of shape sample_shape, n_groups)`` or None."""
    if feature_mask is None:
        return None
    if not spec.feature_mask and not spec.gradient_based:
        raise ValueError(
            f"method={spec.name!r} does not take a feature_mask; it groups "
            "features with sliding_window_shapes."
        )
    if isinstance(feature_mask, torch.Tensor):
        feature_mask = feature_mask.detach().cpu().numpy()
    mask = np.asarray(feature_mask)
    if mask.dtype.kind not in "iu":
        raise ValueError(
            f"feature_mask must hold integer group ids; got dtype {mask.dtype}."
        )
    try:
        mask = np.broadcast_to(mask, sample_shape)
    except ValueError:
        raise ValueError(
            f"feature_mask of shape {mask.shape} cannot be broadcast to the "
            f"shape of one sample of X, {sample_shape}."
        ) from None
    groups, ids = np.unique(mask.ravel(), return_inverse=True)
    return torch.as_tensor(ids.reshape(sample_shape), dtype=torch.long), len(groups)


def _sum_groups(attributions, ids, n_groups):
    """Sum attributions within each group and give every member the sum."""
    flat = attributions.reshape(attributions.shape[0], -1)
    ids = ids.reshape(-1).to(flat.device)
    sums = flat.new_zeros(flat.shape[0], n_groups).index_add_(1, ids, flat)
    return sums[:, ids].reshape(attributions.shape)


def _with_defaults(spec, call_params, *, X, batch_size, rows):
    """Add the method's data-dependent defaults to ``call_params``."""
    params = dict(call_params)
    sample_shape = tuple(X.shape[1:])
    if spec.name == "integrated_gradients":
        params.setdefault("internal_batch_size", batch_size)
    elif spec.name == "smoothgrad":
        params.setdefault("nt_type", "smoothgrad")
        nt_samples = params.get("nt_samples", 5)
        params.setdefault(
            "nt_samples_batch_size", max(1, min(nt_samples, batch_size // rows))
        )
        if "stdevs" not in params:
            span = float(X.max() - X.min())
            params["stdevs"] = _SMOOTHGRAD_NOISE * (span if span > 0 else 1.0)
    elif spec.name in ("kernel_shap", "lime"):
        # captum explains these one row at a time: evaluate all of a row's
        # perturbations in one pass (up to batch_size) instead of one by one.
        n_samples = params.get("n_samples", 25)
        params.setdefault("perturbations_per_eval", max(1, min(n_samples, batch_size)))
    elif spec.name == "occlusion":
        window = tuple(params.get("sliding_window_shapes", (1,) * len(sample_shape)))
        if len(window) != len(sample_shape) or not all(
            _is_index(w) and 1 <= w <= s for w, s in zip(window, sample_shape)
        ):
            raise ValueError(
                f"sliding_window_shapes={window!r} must be a tuple of "
                f"{len(sample_shape)} positive ints no larger than the sample "
                f"shape {sample_shape}."
            )
        params["sliding_window_shapes"] = window
        if isinstance(params.get("strides"), list):
            params["strides"] = tuple(params["strides"])
    return params


def _chunk_bounds(n_samples, rows, min_rows=1):
    """``(start, stop)`` of consecutive batches of ``rows`` rows.

    A trailing batch smaller than ``min_rows`` is merged into the previous one.
    """
    bounds = [
        (start, min(start + rows, n_samples)) for start in range(0, n_samples, rows)
    ]
    if len(bounds) > 1 and bounds[-1][1] - bounds[-1][0] < min_rows:
        bounds[-2:] = [(bounds[-2][0], n_samples)]
    return bounds


@contextmanager
def _quiet_captum():
    """Silence captum's advice that does not apply to batched calls."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message="You are providing multiple inputs for Lime",
            category=UserWarning,
        )
        yield
