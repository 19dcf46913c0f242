"""Parameters of the skchaos nets: scikit-learn's rules on a skorch ``NeuralNet``.

An estimator's ``__init__`` lists every parameter explicitly (scikit-learn
reads the signature) and hands them to :meth:`ParamsMixin._init_params`, which
sends skorch's to ``NeuralNet.__init__`` and stores the estimator's own ones.
"""

import functools
import inspect
from numbers import Integral, Real

import torch
from sklearn.utils._param_validation import (
    Interval,
    Options,
    validate_parameter_constraints,
)
from skorch import NeuralNet

from skchaos.neural._iterators import TensorBatchDataset, TensorBatchIterator


@functools.cache
def _own_param_names(cls):
    """Parameters of ``cls.__init__`` that skorch's ``NeuralNet`` does not know."""
    own = inspect.signature(cls.__init__).parameters
    skorch = inspect.signature(NeuralNet.__init__).parameters
    return frozenset(own) - frozenset(skorch) - {"self", "kwargs"}


class ParamsMixin:
    """``__init__``, ``get_params``, ``set_params`` and parameter validation."""

    _parameter_constraints = {
        "lr": [Interval(Real, 0, None, closed="neither")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [
            None,
            Interval(Integral, 1, None, closed="left"),
            Options(Integral, {-1}),
        ],
        "optimizer": [callable],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "device": [str, torch.device],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

    def _init_params(self, params, **defaults):
        """The body of every estimator's ``__init__``.

        Parameters
        ----------
        params : dict
            The ``__init__``'s ``locals()``: its parameters, ``self`` and the
            skorch ``kwargs``.
        **defaults : dict
            The estimator's skorch defaults (``module``, ``criterion``);
            whatever the caller passed in ``kwargs`` wins, so ``clone``
            round-trips. The fast tensor dataset and iterators and
            ``train_split=None`` are defaults too.
        """
        own = _own_param_names(type(self))
        skorch = {
            name: value
            for name, value in params.items()
            if name not in own and name not in ("self", "kwargs", "__class__")
        }
        super().__init__(
            **skorch,
            **{
                "dataset": TensorBatchDataset,
                "iterator_train": TensorBatchIterator,
                "iterator_valid": TensorBatchIterator,
                "train_split": None,
                **defaults,
                **params.get("kwargs", {}),
            },
        )
        for name in sorted(own):
            setattr(self, name, params[name])

    def __setattr__(self, name, value):
        # skorch registers any torch module assigned to the net as a component
        # of its own; the estimator's hyper-parameters (e.g. an activation
        # module) are plain values.
        if name in _own_param_names(type(self)):
            object.__setattr__(self, name, value)
        else:
            super().__setattr__(name, value)

    def _get_param_names(self):
        # skorch lists every attribute of ``__dict__`` not ending in "_",
        # including its private bookkeeping (``_params_to_validate``).
        return [name for name in super()._get_param_names() if name[0] != "_"]

    def _validate_params(self):
        # skorch's ``_validate_params`` (unknown ``prefix__`` arguments) shadows
        # scikit-learn's; run both, so that ``_fit_context`` checks both.
        self._validate_skorch_params()
        validate_parameter_constraints(
            self._parameter_constraints,
            self.get_params(deep=False),
            caller_name=type(self).__name__,
        )

    def _validate_skorch_params(self):
        # skorch adds "module", "criterion" and "optimizer" to ``prefixes_``
        # only when it initializes them, so before the first fit it would
        # reject ``optimizer__weight_decay`` and the like; accept them here.
        if getattr(self, "initialized_", False):
            return super()._validate_params()
        state = vars(self)
        had_prefixes = "prefixes_" in state
        previous = state.get("prefixes_")
        state["prefixes_"] = [*self.prefixes_, "module", "criterion", "optimizer"]
        try:
            return super()._validate_params()
        finally:
            if had_prefixes:
                state["prefixes_"] = previous
            else:
                del state["prefixes_"]

    def set_params(self, **params):
        """Set the parameters of this estimator.

        Parameters
        ----------
        **params : dict
            Estimator parameters, including skorch's ``prefix__name`` ones.

        Returns
        -------
        self : object
            The estimator.
        """
        if "device" in params:
            super().set_params(device=params.pop("device"))
        if "callbacks" in params:
            # A plain parameter, used by initialize(); skorch would rebuild the
            # callbacks from the previous value here, and fail if it was invalid.
            self.callbacks = params.pop("callbacks")
        if not params:
            return self
        if not getattr(self, "initialized_", False):
            return super().set_params(**params)
        architecture = self._architecture()
        # skorch may re-initialize the module here: keep it where it lives.
        with self._device_context():
            super().set_params(**params)
        if self._architecture() != architecture:
            # A new architecture (say, hidden_layer_sizes) needs a new module:
            # the next fit builds it even with warm_start=True; until then the
            # fitted module keeps predicting.
            self.initialized_ = False
        return self

    def _architecture(self):
        """The module's keyword arguments set by parameters, or None if invalid."""
        try:
            return self._module_param_kwargs()
        except (TypeError, ValueError):
            return None
