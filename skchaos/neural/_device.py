"""Device handling of the skchaos nets: ``device="auto"`` stays the parameter.

skorch reads ``self.device`` wherever it places tensors (module and criterion,
``infer``, ``get_loss``, loading and unpickling); :class:`DeviceMixin` swaps
the resolved device (the fitted attribute ``device_``) into ``self.device``
for exactly those calls, so ``get_params()["device"]`` keeps the user's value.
"""

from contextlib import contextmanager

import torch

from skchaos.utils import resolve_device


def checked_device(device):
    """:func:`~skchaos.utils.resolve_device`, failing early without CUDA.

    Takes and returns what ``resolve_device`` does, but raises ValueError
    when the resolved device is a CUDA device and CUDA is not available.

    Examples
    --------
    >>> from skchaos.neural._device import checked_device
    >>> checked_device("cpu")
    'cpu'
    """
    resolved = resolve_device(device)
    if torch.device(resolved).type == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} needs CUDA, which is not available; use "
            "device='auto' or device='cpu'."
        )
    return resolved


def fused_adam_supported(device):
    """Whether torch's fused Adam runs on ``device`` (a resolved device).

    Examples
    --------
    >>> from skchaos.neural._device import fused_adam_supported
    >>> fused_adam_supported("meta")
    False
    """
    kind = torch.device(device).type
    return kind == "cuda" or (kind == "cpu" and torch.__version__ >= "2.4")


class DeviceMixin:
    """Run skorch's device-dependent methods on the resolved device ``device_``."""

    @contextmanager
    def _device_context(self):
        """Swap the resolved device into ``self.device`` while skorch runs.

        skorch reads ``self.device`` (module and criterion placement, ``infer``,
        ``get_loss``, callbacks); ``"auto"`` must stay the parameter's value.
        """
        state = vars(self)  # a plain string: no need for skorch's __setattr__
        requested = state["device"]
        state["device"] = self._resolved_device()
        try:
            yield
        finally:
            state["device"] = requested

    def _resolved_device(self):
        """The fitted device ``device_``, else ``device`` resolved and checked."""
        resolved = vars(self).get("device_")
        return resolved if resolved is not None else checked_device(self.device)

    def get_params_for_optimizer(self, prefix, named_parameters):
        """skorch's optimizer arguments, with torch's fused Adam by default.

        ``torch.optim.Adam`` and ``AdamW`` take ``fused=True`` on the CPU
        (torch 2.4 and later) and on CUDA unless ``optimizer__fused`` or
        ``optimizer__foreach`` is given: the same update in one kernel per
        step instead of a handful per parameter, which matters for the small
        networks and mini-batches of the selectors.

        Parameters
        ----------
        prefix : str
            The optimizer's name, ``"optimizer"``.
        named_parameters : iterator of (str, torch.nn.Parameter)
            The parameters to optimize.

        Returns
        -------
        args : tuple
            The parameters or parameter groups.
        kwargs : dict
            The optimizer's keyword arguments.
        """
        args, kwargs = super().get_params_for_optimizer(prefix, named_parameters)
        if (
            prefix == "optimizer"
            and self.optimizer in (torch.optim.Adam, torch.optim.AdamW)
            and not {"fused", "foreach", "differentiable"} & kwargs.keys()
            and fused_adam_supported(self._resolved_device())
        ):
            kwargs = {**kwargs, "fused": True}
        return args, kwargs

    def initialize(self):
        """Initialize the module, criterion, optimizer, callbacks and history.

        ``fit`` calls it; the module's shape comes from the training data, so
        calling it before any fit needs the shape as ``module__`` arguments.

        Returns
        -------
        self : object
            The initialized estimator.
        """
        self.device_ = checked_device(self.device)
        with self._device_context():
            return super().initialize()

    def infer(self, x, **fit_params):
        """Run the module on one batch, on the fitted device."""
        with self._device_context():
            return super().infer(x, **fit_params)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        """Return the criterion's loss for one batch."""
        with self._device_context():
            return super().get_loss(y_pred, y_true, X=X, training=training)

    def load_params(self, *args, **kwargs):
        """Load module, optimizer, criterion or history states (see skorch).

        Parameters
        ----------
        *args, **kwargs
            Passed to :meth:`skorch.NeuralNet.load_params`.

        Returns
        -------
        self : object
            The estimator.
        """
        with self._device_context():
            super().load_params(*args, **kwargs)
            self.device_ = self.device
        return self

    def __setstate__(self, state):
        # skorch maps the pickled tensors to ``state["device"]``, which must be
        # a real device: use the fitted one (falling back to CPU without CUDA).
        requested = state["device"]
        fitted = "device_" in state
        state["device"] = state["device_"] if fitted else "cpu"
        super().__setstate__(state)
        if fitted:
            self.device_ = self.device
        self.device = requested
