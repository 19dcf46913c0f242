"""The nets' own change of units: from standardized data to the data as given.

A network trained on standardized columns ``(x - x_mean) / x_scale`` (and,
for a regressor, on a standardized target ``(y - y_mean) / y_scale``)
computes the same function of the raw columns, in the target's own units,
once the standardization is folded into its first linear layer (weights
divided by the scales, bias less the weights times mean over scale) and its
last one (weights and bias times ``y_scale``, plus ``y_mean``).
:meth:`RescaleMixin._absorb_standardization` does that in place, so that a
selector can hand the user a network of its elimination path that takes the
columns as they are, without editing the net's private state itself.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted
from torch import nn

from skchaos.neural._fine_tune import _state_copy
from skchaos.utils import first_input_layer, net_output, outputs_match

# Tolerance of the check that the folded network computes what the original
# one computed on standardized rows, relative to the outputs' scale.
_RTOL = 1e-4


class RescaleMixin:
    """Fold a standardization of the inputs and outputs into the weights."""

    def _absorb_standardization(
        self, x_mean, x_scale, y_mean=None, y_scale=None, X_check=None
    ):
        """Make the fitted net take raw inputs (and predict raw targets), in place.

        After the call the net computes, on a raw row ``x``, what it computed
        before on ``(x - x_mean) / x_scale``, times ``y_scale`` plus
        ``y_mean`` when they are given. The optimizer is reset (its moment
        estimates belong to the old parametrization).

        Parameters
        ----------
        x_mean, x_scale : array-like of shape (n_features_in_,)
            The standardization of the inputs; the scales must be positive.
        y_mean, y_scale : array-like of shape (n_outputs,), default=None
            The standardization of a regressor's target; None leaves the
            output as it is (classifiers: logits have no units).
        X_check : ndarray of shape (n_rows, n_features_in_), default=None
            A few raw rows on which the folded net must reproduce the original
            one (relative tolerance 1e-4 of the outputs' scale); None skips the
            check.

        Returns
        -------
        folded : bool
            False when the module has no ``nn.Linear`` first layer over the
            features, no ``nn.Linear`` last layer with one output per target,
            or fails the check; the net is then unchanged.
        """
        check_is_fitted(self, "module_")
        if len(self._input_shape()) != 1:
            return False
        first = first_input_layer(self.module_, self.n_features_in_, tabular=True)
        last = _output_layer(self.module_)
        if first is None or (y_mean is not None and last is None):
            return False
        state = _state_copy(self.module_)
        expected = None
        try:
            if X_check is not None:
                rows = np.asarray(X_check, dtype=np.float64)
                Z = ((rows - np.ravel(x_mean)) / np.ravel(x_scale)).astype(np.float32)
                expected = net_output(self, Z)
                if y_mean is not None:
                    expected = expected * np.ravel(y_scale) + np.ravel(y_mean)
            _fold_inputs(first, x_mean, x_scale)
            if y_mean is not None:
                _fold_outputs(last, y_mean, y_scale)
            same = expected is None or outputs_match(
                net_output(self, np.asarray(X_check, dtype=np.float32)), expected, _RTOL
            )
        except (RuntimeError, ValueError, TypeError):
            same = False
        if not same:
            self.module_.load_state_dict(state)
            return False
        self.initialize_optimizer()
        return True


def _output_layer(module):
    """The module's last ``nn.Linear`` in registration order, or None."""
    layers = [m for m in module.modules() if isinstance(m, nn.Linear)]
    return layers[-1] if layers else None


def _as_tensor(values, like):
    return torch.as_tensor(np.ravel(values), dtype=like.dtype, device=like.device)


def _fold_inputs(layer, mean, scale):
    """``layer(x)`` becomes the old ``layer((x - mean) / scale)``."""
    mean, scale = _as_tensor(mean, layer.weight), _as_tensor(scale, layer.weight)
    if mean.shape != (layer.in_features,) or scale.shape != mean.shape:
        raise ValueError("the standardization does not match the input layer")
    with torch.no_grad():
        if layer.bias is not None:
            layer.bias -= layer.weight @ (mean / scale)
        elif bool((mean != 0).any()):
            raise ValueError("an input layer without a bias cannot absorb a mean")
        layer.weight /= scale


def _fold_outputs(layer, mean, scale):
    """``layer(h)`` becomes the old ``layer(h) * scale + mean``."""
    mean, scale = _as_tensor(mean, layer.weight), _as_tensor(scale, layer.weight)
    if layer.bias is None or mean.shape != (layer.out_features,):
        raise ValueError("the target's standardization does not match the output")
    with torch.no_grad():
        layer.weight *= scale[:, None]
        layer.bias.mul_(scale).add_(mean)
