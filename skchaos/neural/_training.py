"""The training loop of the skchaos nets, on top of skorch's ``fit_loop``.

skorch's ``partial_fit`` swallows every ``KeyboardInterrupt``, because its
``EarlyStopping`` stops training by raising one; a Ctrl-C then returns a
half-trained net as if nothing happened. :meth:`TrainingMixin._train` runs the
loop instead: an early stop (a skorch ``EarlyStopping`` whose patience ran out)
ends training normally, and any other ``KeyboardInterrupt`` propagates, after
the callbacks' ``on_train_end`` (early stopping restores its best weights) and
with the unfinished epoch removed from the history. Each training pass also
checks its losses, already copied to the host once per pass, and stops with
:class:`TrainingDivergedError` when one is not finite.
"""

import math
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.model_selection import train_test_split
from skorch.callbacks import EarlyStopping, EpochTimer, PassthroughScoring, PrintLog
from skorch.dataset import get_len
from torch.utils.data import Subset

from skchaos.neural._iterators import TensorBatchIterator


class TrainingDivergedError(ValueError):
    """Raised by ``fit`` when the training loss is no longer finite.

    The weights are then not finite either; refit with a smaller learning
    rate, or with standardized ``X`` and ``y``. The ``history_`` keeps the
    diverged epoch.

    Examples
    --------
    >>> import numpy as np
    >>> from skchaos.neural import MLPRegressor, TrainingDivergedError
    >>> X, y = np.ones((8, 2)), np.ones(8)
    >>> try:
    ...     MLPRegressor(max_epochs=3, random_state=0).fit(X * 1e30, y)
    ... except TrainingDivergedError as exc:
    ...     print(exc)
    training diverged at epoch 1 (non-finite training loss); lower lr or scale X/y.
    """


class _StopTraining(Exception):
    """Ends the training loop normally (an early stop)."""


def _stopped_early(callback):
    """Whether ``callback`` is a skorch ``EarlyStopping`` out of patience."""
    return isinstance(callback, EarlyStopping) and callback.misses_ >= callback.patience


class _PrintLog(PrintLog):
    """skorch's ``PrintLog``, without formatting a table nobody will see.

    skorch's version tabulates every epoch and only then checks ``verbose``;
    that costs about as much as a small network's training step.
    """

    def on_epoch_end(self, net, **kwargs):
        if net.verbose or self.sink is not print:
            super().on_epoch_end(net, **kwargs)


def early_stopping_split(n_samples, validation_fraction, random_state, stratify=None):
    """Indices of the training and the validation rows of an early stop.

    ``validation_fraction`` of the rows, rounded up, are held out: at least
    one and at most all but one. They are stratified by ``stratify`` when
    every class can be in both parts (each class has two rows, and each part
    has a row per class); otherwise the split is plainly random, as on tiny
    data with many classes.

    Parameters
    ----------
    n_samples : int
        The number of rows.
    validation_fraction : float
        Share of the rows to hold out, in (0, 1).
    random_state : int, RandomState instance or None
        Seeds the split.
    stratify : array-like of shape (n_samples,) or None, default=None
        Class labels to stratify on, if possible.

    Returns
    -------
    train_index, valid_index : ndarray of int
        The rows of each part.

    Examples
    --------
    >>> from skchaos.neural._training import early_stopping_split
    >>> train, valid = early_stopping_split(5, 0.1, 0, stratify=[0, 1, 2, 3, 4])
    >>> len(train), len(valid)
    (4, 1)
    """
    if n_samples < 2:
        raise ValueError(
            "early_stopping=True holds out validation rows, so it needs at least "
            f"2 samples; got {n_samples} sample. Use early_stopping=False."
        )
    n_valid = min(max(1, math.ceil(validation_fraction * n_samples)), n_samples - 1)
    if stratify is not None:
        _, counts = np.unique(stratify, return_counts=True)
        n_classes = len(counts)
        if counts.min() < 2 or min(n_valid, n_samples - n_valid) < n_classes:
            stratify = None
    return train_test_split(
        np.arange(n_samples),
        test_size=n_valid,
        random_state=random_state,
        stratify=stratify,
    )


def _unpack(batch):
    """``(X, y, sample_weight)`` of a batch; the weight is None if unweighted."""
    if isinstance(batch, tuple | list) and len(batch) == 3:
        return tuple(batch)
    X, y = batch
    return X, y, None


class TrainingMixin:
    """Callbacks, data split, batching, epochs and the training loop."""

    # Whether a training pass drops a last mini-batch of a single sample.
    _drop_single_sample_batch = False

    # ------------------------------------------------------------ weights
    @contextmanager
    def _weighted(self, sample_weight):
        """Train on ``sample_weight`` (a tensor, or None) during the block.

        :meth:`get_dataset` attaches the weights to the dataset of the rows
        they belong to, so that every batch (and the early-stopping split)
        carries its rows' weights.
        """
        previous = vars(self).get("_sample_weight_t")
        self._sample_weight_t = sample_weight
        try:
            yield
        finally:
            if previous is None:
                vars(self).pop("_sample_weight_t", None)
            else:
                self._sample_weight_t = previous

    def _batch_loss(self, y_pred, y_true, X, training, weight):
        """The criterion's loss of a batch; weighted mean over rows if weighted.

        With weights, the criterion is evaluated per row (its ``reduction``
        set to ``"none"`` for the call) and the batch loss is
        ``sum(w * loss) / sum(w)``: a row of weight 0 has no influence, and
        integer weights act as repeated rows.
        """
        if weight is None:
            return self.get_loss(y_pred, y_true, X=X, training=training)
        criterion = self.criterion_
        reduction = criterion.reduction
        criterion.reduction = "none"
        try:
            losses = self.get_loss(y_pred, y_true, X=X, training=training)
        finally:
            criterion.reduction = reduction
        losses = losses.reshape(len(weight), -1).mean(dim=1)
        weight = weight.to(losses.dtype)
        return (losses * weight).sum() / weight.sum().clamp_min(1e-12)

    def _set_training(self, training=True):
        """skorch's ``_set_training``, skipped when every module is in that mode.

        skorch sets the mode on every batch; setting it walks the module tree
        through ``nn.Module.__setattr__``, which costs more than reading it.
        """
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_", None)
            if isinstance(module, torch.nn.Module) and any(
                m.training != training for m in module.modules()
            ):
                return super()._set_training(training)
        return None

    def train_step_single(self, batch, **fit_params):
        """Forward and backward pass of one batch, with its rows' weights.

        Parameters
        ----------
        batch : tuple
            ``(X, y)``, or ``(X, y, sample_weight)`` for weighted training.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        step : dict
            ``"loss"`` and ``"y_pred"``, as in skorch.
        """
        self._set_training(True)
        Xi, yi, wi = _unpack(batch)
        y_pred = self.infer(Xi, **fit_params)
        loss = self._batch_loss(y_pred, yi, Xi, True, wi)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def validation_step(self, batch, **fit_params):
        """Loss of one validation batch, with its rows' weights.

        Parameters
        ----------
        batch : tuple
            ``(X, y)``, or ``(X, y, sample_weight)``.
        **fit_params : dict
            Passed to the module's ``forward``.

        Returns
        -------
        step : dict
            ``"loss"`` and ``"y_pred"``, as in skorch.
        """
        self._set_training(False)
        Xi, yi, wi = _unpack(batch)
        with torch.no_grad():
            y_pred = self.infer(Xi, **fit_params)
            loss = self._batch_loss(y_pred, yi, Xi, False, wi)
        return {"loss": loss, "y_pred": y_pred}

    @property
    def _default_callbacks(self):
        return [
            ("epoch_timer", EpochTimer()),
            ("train_loss", PassthroughScoring(name="train_loss", on_train=True)),
            ("valid_loss", PassthroughScoring(name="valid_loss")),
            ("print_log", _PrintLog()),
        ]

    def get_default_callbacks(self):
        """Return skorch's default callbacks, plus early stopping if asked for.

        Returns
        -------
        callbacks : list of (name, callback)
            The callbacks.
        """
        callbacks = list(self._default_callbacks)
        if self.early_stopping:
            # Read at initialize time only: get_params must not depend on it.
            early_stopping = EarlyStopping(
                monitor="valid_loss", patience=self.n_iter_no_change, load_best=True
            )
            callbacks.insert(-1, ("early_stopping", early_stopping))
        return callbacks

    def get_split_datasets(self, X, y=None, **fit_params):
        """Split the data into training and validation datasets.

        With ``early_stopping=True`` and no ``train_split``, a random
        ``validation_fraction`` of the rows (stratified for classifiers when
        every class can be in both parts) is held out, at least one row;
        otherwise skorch's ``train_split`` decides (``None``: no validation
        set).

        Parameters
        ----------
        X : torch.Tensor or torch Dataset
            Inputs.
        y : torch.Tensor or None, default=None
            Targets.
        **fit_params : dict
            Passed to ``train_split``.

        Returns
        -------
        dataset_train : torch Dataset
            The training rows.
        dataset_valid : torch Dataset or None
            The validation rows, or None.
        """
        if self.train_split is not None or not self.early_stopping:
            return super().get_split_datasets(X, y, **fit_params)
        dataset = self.get_dataset(X, y)
        train_index, valid_index = early_stopping_split(
            len(dataset), self.validation_fraction, self._rng_, self._stratify(y)
        )
        return Subset(dataset, train_index), Subset(dataset, valid_index)

    def get_iterator(self, dataset, training=False):
        """Return the batch iterator over ``dataset``.

        ``batch_size=None`` (or -1) is one full batch. The training
        :class:`~skchaos.neural.TensorBatchIterator` shuffles with the
        generator seeded from ``random_state``; for nets with
        ``_drop_single_sample_batch`` (the convolutional ones: batch norm
        cannot train on one sample of a 1x1 feature map), it drops a last
        mini-batch that would hold a single sample (a different one at each
        shuffled pass).

        Parameters
        ----------
        dataset : torch Dataset
            The data.
        training : bool, default=False
            Whether to use ``iterator_train`` (else ``iterator_valid``).

        Returns
        -------
        iterator : iterable of (X, y) batches
            The iterator.
        """
        prefix = "iterator_train" if training else "iterator_valid"
        iterator = getattr(self, prefix)
        kwargs = self.get_params_for(prefix)
        batch_size = kwargs.pop("batch_size", self.batch_size)
        if isinstance(iterator, type) and issubclass(iterator, TensorBatchIterator):
            kwargs["batch_size"] = batch_size
            if training:
                kwargs.setdefault("shuffle", True)
                kwargs.setdefault(
                    "generator", getattr(self, "_shuffle_generator_", None)
                )
        else:  # e.g. torch's DataLoader, where None means "no batching"
            full = batch_size is None or batch_size == -1
            kwargs["batch_size"] = len(dataset) if full else batch_size
        iterator = iterator(dataset, **kwargs)
        if (
            training
            and self._drop_single_sample_batch
            and isinstance(iterator, TensorBatchIterator)
        ):
            n_samples, batch_size = len(iterator.X), iterator._batch_size
            if n_samples > batch_size and n_samples % batch_size == 1:
                iterator.drop_last = True
        return iterator

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """Run one training or validation pass over ``iterator``.

        Unlike skorch's version, batch losses are copied to the host once per
        pass rather than once per batch (no device synchronisation per step);
        callbacks see each batch's loss tensor in ``on_batch_end``. A training
        pass with a non-finite loss raises :class:`TrainingDivergedError`.
        """
        if iterator is None:
            return
        losses, sizes = [], []
        for batch in iterator:
            self.notify("on_batch_begin", batch=batch, training=training)
            step = step_fn(batch, **fit_params)
            losses.append(step["loss"].detach())
            sizes.append(get_len(batch[0]))
            self.notify("on_batch_end", batch=batch, training=training, **step)
        if losses:
            values = torch.stack(losses).float().cpu().tolist()
            batches = self.history[-1]["batches"][-len(losses) :]
            for record, value, size in zip(batches, values, sizes):
                record[prefix + "_loss"] = value
                record[prefix + "_batch_size"] = size
            if training and not all(map(math.isfinite, values)):
                raise TrainingDivergedError(
                    f"training diverged at epoch {self.history[-1, 'epoch']} "
                    "(non-finite training loss); lower lr or scale X/y."
                )
        self.history.record(prefix + "_batch_count", len(losses))

    def notify(self, method_name, **cb_kwargs):
        """Call ``method_name`` on the net, then on each callback (see skorch).

        At the end of an epoch, a skorch ``EarlyStopping`` out of patience
        ends training (it raises ``KeyboardInterrupt`` to do so); any other
        ``KeyboardInterrupt`` is a real interrupt.

        Parameters
        ----------
        method_name : str
            ``"on_train_begin"``, ``"on_epoch_end"``, ``"on_batch_begin"``...
        **cb_kwargs : dict
            Passed to each call.
        """
        if method_name != "on_epoch_end":
            return super().notify(method_name, **cb_kwargs)
        self.on_epoch_end(self, **cb_kwargs)
        for _, callback in self.callbacks_:
            try:
                callback.on_epoch_end(self, **cb_kwargs)
            except KeyboardInterrupt:
                if _stopped_early(callback):
                    raise _StopTraining from None
                raise
        if "_epochs_ended_" in vars(self):  # inside _train
            self._epochs_ended_ = len(self.history)

    def _train(self, X, y, *, epochs=None, routing_method="partial_fit", **fit_params):
        """Train the initialized net on tensors for ``epochs`` (``max_epochs``).

        skorch's ``partial_fit`` body, where only an early stop ends training
        quietly: a real ``KeyboardInterrupt`` propagates, after the callbacks'
        ``on_train_end``, with the unfinished epoch removed from ``history_``.
        """
        self._epochs_ended_ = len(self.history)
        try:
            self.notify("on_train_begin", X=X, y=y)
            try:
                self.fit_loop(
                    X, y, epochs=epochs, _routing_method=routing_method, **fit_params
                )
            except _StopTraining:
                pass
            except KeyboardInterrupt:
                try:
                    self.notify("on_train_end", X=X, y=y)
                finally:
                    del self.history[self._epochs_ended_ :]
                raise
            self.notify("on_train_end", X=X, y=y)
        finally:
            vars(self).pop("_epochs_ended_")
        return self
