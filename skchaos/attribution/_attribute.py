"""Per-sample attributions of a fitted model, with captum methods by name."""

from contextlib import ExitStack
from numbers import Integral

import numpy as np
import torch
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, validate_params

from skchaos.attribution._deeplift import _check_deeplift_model, _deeplift_rules
from skchaos.attribution._extract import _net_input, _resolve_model
from skchaos.attribution._inputs import (
    _check_baselines,
    _check_feature_mask,
    _check_target,
    _chunk_target,
    _probe_outputs,
    _sum_groups,
    _to_model,
)
from skchaos.attribution._isolation import _isolated, _quiet_captum
from skchaos.attribution._registry import _get_method_spec
from skchaos.utils import (
    numpy_random_context,
    torch_random_context,
    torch_seed_from_random_state,
)

_DEFAULT_BATCH_SIZE = 1024


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

        A torch module is explained in eval mode (dropout off, batch norm
        frozen) without gradients for its parameters, on a per-call copy that
        shares their storage: the module itself (its mode, its parameters'
        ``requires_grad``, its hooks) is never modified and no ``.grad`` is
        left behind.

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
    method_info : What a method is (gradient-based, perturbation, ...).
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

    Thread safety: ``attribute`` may be called on one fitted model from
    several threads at once. Each call works on its own copy of the module
    tree, with its own eval mode, frozen views of the parameters (sharing
    their storage) and DeepLift hooks, so the caller's net is left exactly as
    it was and can be trained again afterwards; training it while a call is
    running is not supported (the weights would change under the call). The process-wide
    state a call needs is shared safely: captum's DeepLift rescale table and
    the warning filters are reference-counted under a lock, and the seeded
    blocks of the stochastic methods (which seed torch's and numpy's global
    RNGs) run one at a time. A module that cannot be deep-copied (e.g. one
    holding a lock) is used in place instead, in eval mode with frozen
    parameters for the duration of the call, and concurrent calls on it are
    serialized.

    ``feature_permutation`` permutes features across the rows of a batch, so
    it needs at least 2 rows per batch (even with ``batch_size=1``; a
    trailing batch of one row is merged into the previous one) and depends
    on which rows share a batch.

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
    spec.check_n_samples(n_samples)
    rng = check_random_state(random_state)
    batch_size = _DEFAULT_BATCH_SIZE if batch_size is None else batch_size

    # A per-call copy of a torch module, in eval mode with frozen parameters:
    # the caller's net is never modified (thread safety).
    with _isolated(model) as model:
        first = _to_model(X[:1], model)
        n_outputs = _probe_outputs(model, first, X.shape)
        target = _check_target(target, model, n_samples, n_outputs)
        get_baselines, n_baselines = _check_baselines(
            baselines, spec, X, sample_shape, model, rng
        )
        rows = max(
            spec.min_rows, batch_size // spec.rows_per_input(call_params, n_baselines)
        )
        call_params = spec.defaults(
            call_params, X=X, batch_size=batch_size, rows=min(rows, n_samples)
        )
        bounds = _chunk_bounds(n_samples, rows, min_rows=spec.min_rows)
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
