"""Checks and conversions of :func:`attribute`'s inputs, batch by batch.

Targets, baselines and feature masks are validated once against the network
(its number of outputs, the sample shape) and then served per batch of rows.
"""

from numbers import Real

import numpy as np
import torch
from sklearn_compat.utils.validation import check_array

from skchaos.attribution._registry import _REGISTRY
from skchaos.attribution._spec import is_index

_ARGMAX = "argmax"
# Rows of X drawn as the default baseline distribution of deeplift_shap and
# gradient_shap.
_N_BACKGROUND = 20


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


def _check_target(target, model, n_samples, n_outputs):
    """Turn ``target`` into None, an int, per-row int64 indices, or _ARGMAX."""
    if n_outputs is None or n_outputs == 1:
        # A single output: captum needs no target for a 1-D output and
        # column 0 for an (n, 1) output.
        single = None if n_outputs is None else 0
        if target is None:
            return single
        index_zero = is_index(target) and target == 0
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
        if is_index(value) and 0 <= value < n_outputs:
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
    spec.check_n_baselines(n_baselines)
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
