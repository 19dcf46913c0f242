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


class DeviceMixin:
    """Run skorch's device-dependent methods on the resolved device ``device_``."""

    @contextmanager
    def _device_context(self):
        """Swap the resolved device into ``self.device`` while skorch runs.

        skorch reads ``self.device`` (module and criterion placement, ``infer``,
        ``get_loss``, callbacks); ``"auto"`` must stay the parameter's value.
        """
        requested = self.device
        resolved = getattr(self, "device_", None)
        self.device = resolved if resolved is not None else checked_device(requested)
        try:
            yield
        finally:
            self.device = requested

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
