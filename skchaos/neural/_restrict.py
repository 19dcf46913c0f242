"""The nets' own warm start, first half: restrict a fitted net to some inputs.

:meth:`RestrictInputsMixin._restrict_inputs` restricts a fitted net to some
of its inputs (features, or channels along axis 1): it slices the first
layer, which leaves the function computed with the other inputs set to zero
unchanged, or rebuilds a channel-agnostic module with every weight, and
updates the net's own bookkeeping (input shape, module arguments, the
optimizer's state of the sliced weight). The selectors call it; they never
edit the net's private attributes. :mod:`skchaos.neural._fine_tune` trains
the restricted net on.
"""

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from skchaos.utils import (
    first_input_layer,
    slice_if_same,
    slice_input_layer,
    torch_random_context,
)


class RestrictInputsMixin:
    """Input restriction of a fitted skchaos net, in place."""

    def _restrict_inputs(self, keep, X_check=None):
        """Restrict the fitted net to the inputs ``keep``, in place.

        Parameters
        ----------
        keep : array-like of int
            Sorted positions, along axis 1 of the net's input, of the inputs
            that survive.
        X_check : ndarray, default=None
            A few inputs (all current columns or channels) on which the
            sliced net must reproduce the original one with the other inputs
            set to zero; None skips the check.

        Returns
        -------
        restricted : bool
            False when the net can be neither sliced (no input layer, or the
            check fails) nor rebuilt with all its weights (see
            :meth:`_rebuilt_module`); the net is then unchanged.
        """
        check_is_fitted(self, "module_")
        keep = np.asarray(keep, dtype=np.intp)
        shape = (1, *self._input_shape())
        width, tabular = shape[1], len(shape) == 2
        layer = first_input_layer(self.module_, width, tabular=tabular)
        new_shape = (1, len(keep), *shape[2:])
        if layer is not None:
            old_weight = layer.weight
            if not self._slice_checked(layer, keep, X_check):
                return False
            self._set_input_shape(new_shape)
            self._carry_optimizer_state(old_weight, layer.weight, keep)
            return True
        module = self._rebuilt_module(np.zeros(new_shape, np.float32))
        if module is None:
            return False
        self.module_ = module
        self._set_input_shape(new_shape)
        self.initialize_optimizer()
        return True

    def _carry_optimizer_state(self, old, new, keep):
        """Keep the optimizer, with the sliced weight in place of the old one.

        A fresh optimizer would restart Adam's moment estimates, and its
        first steps (about ``lr`` in every weight at once) would throw a
        converged network off its minimum; the fine-tuning of the round
        would then spend its patience recovering. The moments of the
        surviving inputs are kept instead (sliced like the weight), and
        every other parameter keeps its state unchanged.
        """
        optimizer = getattr(self, "optimizer_", None)
        if optimizer is None:
            self.initialize_optimizer()
            return
        index = torch.as_tensor(keep, dtype=torch.long, device=new.device)
        state = optimizer.state.pop(old, None)
        for group in optimizer.param_groups:
            group["params"] = [new if p is old else p for p in group["params"]]
        if state:
            optimizer.state[new] = {
                key: (
                    value.index_select(1, index).clone()
                    if torch.is_tensor(value) and value.shape == old.shape
                    else value
                )
                for key, value in state.items()
            }

    def _input_shape(self):
        """The shape of one input, ``(n_features,)`` or ``(C, ...)``."""
        shape = getattr(self, "input_shape_", None)
        return tuple(shape) if shape is not None else (self.n_features_in_,)

    def _set_input_shape(self, shape):
        """Record that one input now has the shape ``shape[1:]``."""
        self.n_features_in_ = shape[1]
        if len(shape) >= 3 and hasattr(self, "input_shape_"):
            self.input_shape_ = tuple(shape[1:])
        vars(self).pop("feature_names_in_", None)
        self._module_data_kwargs_ = {
            **self._module_data_kwargs_,
            **self._module_kwargs_from_X(np.empty(shape, np.float32)),
        }

    def _slice_checked(self, layer, keep, X_check):
        """Slice ``layer`` to ``keep`` if the net then computes the same thing."""
        if X_check is None:
            slice_input_layer(layer, keep)
            return True
        return slice_if_same(self, layer, keep, X_check)

    def _rebuilt_module(self, X):
        """The module rebuilt for inputs shaped like ``X``, with the fitted weights.

        Only inputs with channels are rebuilt, and only when the new module
        has exactly the parameter and buffer names and shapes of the fitted
        one (no weight depends on the channel count, e.g. a shared encoder
        pooled over the channels). Returns None otherwise.
        """
        if X.ndim < 3:
            return None
        old_module, old_kwargs = self.module_, self._module_data_kwargs_
        try:
            # The throwaway initialization must not draw from torch's global RNG.
            with torch_random_context(0):
                self._module_data_kwargs_ = {
                    **old_kwargs,
                    **self._module_kwargs_from_X(X),
                }
                module = self.initialize_module().module_
            old_state, new_state = old_module.state_dict(), module.state_dict()
            same = list(old_state) == list(new_state) and all(
                old_state[key].shape == new_state[key].shape for key in old_state
            )
            if not same:
                return None
            module.load_state_dict(old_state)
        except (RuntimeError, ValueError, TypeError):
            return None
        finally:
            self.module_, self._module_data_kwargs_ = old_module, old_kwargs
        device = next(old_module.parameters(), torch.empty(0)).device
        return module.to(device).train(old_module.training)
