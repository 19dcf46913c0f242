"""The nets' own warm start, second half: train until converged.

With :class:`~skchaos.neural._restrict.RestrictInputsMixin` (which restricts
a fitted net to some of its inputs), :class:`FineTuneMixin` gives every
skchaos net the operations that a recursive feature elimination needs from
it, so that the selector never edits the net's private state:

- :meth:`FineTuneMixin._fine_tune` trains more epochs on tensors converted
  once, for a fixed count (optionally along a cosine learning-rate decay) or
  until the loss on held-out rows levels off, with the best weights restored;
- :meth:`FineTuneMixin._fit_converged` is a fresh fit that trains until the
  held-out loss levels off, and at least ``max_epochs`` epochs (or a
  floor the caller sets).
"""

from dataclasses import dataclass

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from skchaos.neural._training import TrainingDivergedError
from skchaos.utils import (
    MIN_GAIN,
    check_sample_weight,
    torch_random_context,
    torch_seed_from_random_state,
)

# Steps of the cosine learning-rate decay of a fixed-length fine-tuning.
_N_LR_STEPS = 5
# A held-out loss improves when it drops by more than this fraction of the best.
_IMPROVEMENT_RTOL = 1e-4


@dataclass(frozen=True)
class FineTuneResult:
    """What one training run of :meth:`FineTuneMixin._fine_tune` did.

    Attributes
    ----------
    n_epochs : int
        Epochs trained.
    converged : bool
        Whether the held-out loss levelled off before the epoch cap (always
        True for a fixed-length run).
    best_epoch : int
        The epoch whose weights were kept (0: the starting weights).
    best_loss : float
        The held-out loss of the kept weights (NaN without held-out rows).
    """

    n_epochs: int
    converged: bool
    best_epoch: int
    best_loss: float


def lr_factors(epochs, schedule):
    """Epoch chunks and their learning-rate factors for a fixed-length run.

    ``"cosine"`` decays the rate in (up to) 5 steps along a half cosine, from
    about 1 to about 0.02 times the net's ``lr``, so that the run ends near a
    minimum; ``"constant"`` keeps the net's ``lr``.

    Examples
    --------
    >>> from skchaos.neural._fine_tune import lr_factors
    >>> [(n, round(f, 2)) for n, f in lr_factors(10, "cosine")]
    [(2, 0.98), (2, 0.79), (2, 0.5), (2, 0.21), (2, 0.02)]
    """
    if schedule == "constant":
        return [(int(epochs), 1.0)]
    n_chunks = min(epochs, _N_LR_STEPS)
    sizes = np.diff(np.linspace(0, epochs, n_chunks + 1).round().astype(int))
    phases = (np.arange(n_chunks) + 0.5) / n_chunks
    factors = 0.5 * (1 + np.cos(np.pi * phases))
    return list(zip(sizes.tolist(), factors.tolist()))


class FineTuneMixin:
    """Convergent training for the skchaos nets."""

    def _fine_tune(
        self,
        X,
        y,
        *,
        epochs,
        schedule="constant",
        X_valid=None,
        y_valid=None,
        n_iter_no_change=None,
        min_epochs=0,
        min_delta=0.0,
        seed=None,
        on_epoch=None,
        sample_weight=None,
        valid_sample_weight=None,
        reached_loss=None,
        until_learned=False,
    ):
        """Train the fitted net for more epochs, on tensors converted once.

        Parameters
        ----------
        X, y : array-like
            Training rows, with the net's current inputs.
        epochs : int
            The number of epochs, or the cap when held-out rows are given.
        schedule : {"constant", "cosine"}, default="constant"
            Learning-rate schedule of a fixed-length run (see
            :func:`lr_factors`); a run with held-out rows keeps the net's
            ``lr``.
        X_valid, y_valid : array-like, default=None
            Held-out rows: training stops once their loss has not improved
            for ``n_iter_no_change`` epochs, and the weights of the best
            epoch (the starting ones included) are restored.
        n_iter_no_change : int, default=None
            Patience of that stop; None uses the net's ``n_iter_no_change``.
        min_epochs : int, default=0
            No stop before this many epochs (the best weights are still
            restored).
        min_delta : float, default=0.0
            An epoch improves on the best held-out loss when it lowers it by
            more than ``max(min_delta, 1e-4 * best)``.
        seed : int, default=None
            Seeds torch locally when the net has no ``random_state``.
        on_epoch : callable, default=None
            ``on_epoch(epoch, loss)`` after every epoch of a run with
            held-out rows (for progress bars).
        sample_weight, valid_sample_weight : array-like, default=None
            Per-row weights of the training rows and of the held-out rows
            (see ``fit``).
        reached_loss : float, default=None
            A held-out loss a converged network already reached on these
            held-out rows (e.g. before its inputs were restricted): when the
            starting weights are no worse (an epoch would have to beat them
            by the improvement rule above), nothing is trained and the
            result has 0 epochs. None always trains.
        until_learned : bool, default=False
            With held-out rows: while the best held-out loss is not lower
            than the best constant prediction's (fitted on the training rows)
            by 1% of it, training goes on past ``min_epochs`` and the
            patience, up to ``epochs``. A network on many more columns than
            rows can spend hundreds of epochs fitting its training rows
            before its held-out loss falls; without this, it stops on that
            plateau. Only for the default criteria (``MSELoss``,
            ``CrossEntropyLoss``); ignored otherwise.

        Returns
        -------
        result : FineTuneResult
        """
        check_is_fitted(self, "module_")
        X, y = self._validate_data(X, y, reset=False, **self._validate_y_kwargs)
        y, _ = self._validate_y(y, reset=False)
        valid = None
        if X_valid is not None:
            X_valid, y_valid = self._validate_data(
                X_valid, y_valid, reset=False, **self._validate_y_kwargs
            )
            valid = (X_valid, self._validate_y(y_valid, reset=False)[0])
            if valid_sample_weight is not None:
                valid_sample_weight = check_sample_weight(valid_sample_weight, X_valid)
            if n_iter_no_change is None:
                n_iter_no_change = getattr(self, "n_iter_no_change", 20)
        if self.random_state is not None:
            seed = torch_seed_from_random_state(self._rng_)
        optimizer = self.optimizer_
        base_lrs = [group["lr"] for group in optimizer.param_groups]
        try:
            with torch_random_context(seed) as generator, self._device_context():
                self._shuffle_generator_ = generator
                X_t, y_t = self._X_to_tensor(X), self._y_to_tensor(y)
                w_t = self._check_sample_weight(sample_weight, X)
                if valid is None:
                    n = 0
                    for n_epochs, factor in lr_factors(int(epochs), schedule):
                        for group, lr in zip(optimizer.param_groups, base_lrs):
                            group["lr"] = lr * factor
                        with self._weighted(w_t):
                            self._train_epochs(X_t, y_t, n_epochs)
                        n += n_epochs
                    result = FineTuneResult(n, True, n, float("nan"))
                else:
                    valid_t = (self._X_to_tensor(valid[0]), self._y_to_tensor(valid[1]))
                    if valid_sample_weight is not None:
                        valid_t = (
                            *valid_t,
                            self._check_sample_weight(valid_sample_weight, valid[0]),
                        )
                    plateau = (
                        self._plateau_loss(y_t, w_t, valid_t) if until_learned else None
                    )
                    with self._weighted(w_t):
                        result = self._train_until_converged(
                            X_t,
                            y_t,
                            valid_t,
                            int(epochs),
                            n_iter_no_change,
                            min_epochs,
                            min_delta,
                            on_epoch,
                            reached_loss,
                            plateau,
                        )
        finally:
            vars(self).pop("_shuffle_generator_", None)
            for group, lr in zip(optimizer.param_groups, base_lrs):
                group["lr"] = lr
        self.n_iter_ = len(self.history_)
        return result

    def _fit_converged(
        self,
        X,
        y,
        X_valid,
        y_valid,
        *,
        max_epochs,
        n_iter_no_change=None,
        min_delta=0.0,
        seed=None,
        on_epoch=None,
        sample_weight=None,
        valid_sample_weight=None,
        min_epochs=None,
        until_learned=False,
    ):
        """Fit from scratch until the loss on ``(X_valid, y_valid)`` levels off.

        The net trains at least ``min_epochs`` epochs (None: its own
        ``max_epochs``) and at most ``max_epochs`` (the cap) in all; the
        weights of the best epoch are kept. See :meth:`_fine_tune` for the
        other parameters.

        Returns
        -------
        result : FineTuneResult
            With ``n_epochs`` counting the first epoch too.
        """
        own = self.max_epochs
        at_least = own if min_epochs is None else min_epochs
        self.max_epochs = 1
        try:
            self.fit(X, y, sample_weight=sample_weight)
        finally:
            self.max_epochs = own
        result = self._fine_tune(
            X,
            y,
            epochs=max(1, max_epochs - 1),
            X_valid=X_valid,
            y_valid=y_valid,
            n_iter_no_change=n_iter_no_change,
            min_epochs=max(0, at_least - 1),
            min_delta=min_delta,
            seed=seed,
            on_epoch=on_epoch,
            sample_weight=sample_weight,
            valid_sample_weight=valid_sample_weight,
            until_learned=until_learned,
        )
        return FineTuneResult(
            result.n_epochs + 1,
            result.converged,
            result.best_epoch + 1,
            result.best_loss,
        )

    def _train_epochs(self, X_t, y_t, n_epochs, iterator=None):
        """Run ``n_epochs`` training epochs, recorded in ``history_``.

        ``iterator`` (the training iterator over ``X_t, y_t``) may be made
        once by the caller for many calls; it draws a new order per pass.
        """
        if iterator is None:
            iterator = self._training_iterator(X_t, y_t)
        for _ in range(n_epochs):
            history = self.history
            history.new_epoch()
            history.record("epoch", len(history))
            self.run_single_epoch(
                iterator, training=True, prefix="train", step_fn=self.train_step
            )
            batches = [b for b in history[-1]["batches"] if "train_loss" in b]
            if batches:
                total = sum(b["train_batch_size"] for b in batches)
                loss = sum(b["train_loss"] * b["train_batch_size"] for b in batches)
                history.record("train_loss", loss / total)

    def _training_iterator(self, X_t, y_t):
        """The training iterator over ``X_t, y_t`` (a new order per pass)."""
        return self.get_iterator(self.get_dataset(X_t, y_t), training=True)

    def _plateau_loss(self, y_t, w_t, valid_t):
        """The held-out loss ``until_learned`` must get below, or None.

        The loss on ``valid_t`` of the best constant output for the training
        targets ``y_t`` (their weighted mean; the log of their weighted class
        frequencies), less :data:`skchaos.utils.MIN_GAIN` of it; None for a
        criterion other than ``MSELoss`` or ``CrossEntropyLoss``, or a net
        without targets of the skchaos target mixins.
        """
        if not hasattr(self, "_constant_output") or not isinstance(
            self.criterion_, torch.nn.MSELoss | torch.nn.CrossEntropyLoss
        ):
            return None
        X_valid, y_valid = valid_t[:2]
        weight = valid_t[2] if len(valid_t) > 2 else None
        with torch.no_grad():
            constant = self._constant_output(y_t, w_t)
            y_pred = constant.expand(len(y_valid), *constant.shape[1:])
            loss = self._batch_loss(y_pred, y_valid, X_valid, False, weight)
        return (1 - MIN_GAIN) * float(loss)

    def _valid_loss(self, valid_t):
        step = self.validation_step(valid_t)
        return float(step["loss"].detach().cpu())

    def _train_until_converged(
        self,
        X_t,
        y_t,
        valid_t,
        cap,
        patience,
        min_epochs,
        min_delta,
        on_epoch,
        reached_loss=None,
        plateau=None,
    ):
        """Train until the held-out loss levels off; keep the best weights.

        While the best held-out loss is not below ``plateau`` (a float, or
        None), training goes on up to ``cap``. A diverging run restores the
        best weights before it raises :class:`TrainingDivergedError`.
        """
        best_loss = self._valid_loss(valid_t)
        if reached_loss is not None and not _improves(
            reached_loss, best_loss, min_delta
        ):
            return FineTuneResult(0, True, 0, best_loss)
        best_epoch, best_state = 0, _state_copy(self.module_)
        epoch, converged = 0, False
        iterator = self._training_iterator(X_t, y_t)
        try:
            while epoch < cap:
                self._train_epochs(X_t, y_t, 1, iterator)
                epoch += 1
                loss = self._valid_loss(valid_t)
                self.history.record("valid_loss", loss)
                if on_epoch is not None:
                    on_epoch(epoch, loss)
                if not np.isfinite(loss):
                    raise TrainingDivergedError(
                        f"training diverged at epoch {len(self.history)} "
                        "(non-finite early-stopping loss); lower lr or scale "
                        f"X/y. The weights of the best epoch ({best_epoch}) "
                        "are restored."
                    )
                if _improves(loss, best_loss, min_delta):
                    best_loss, best_epoch = loss, epoch
                    best_state = _state_copy(self.module_)
                elif (
                    epoch - best_epoch >= patience
                    and epoch >= min_epochs
                    and (plateau is None or best_loss < plateau)
                ):
                    converged = True
                    break
        except TrainingDivergedError:
            self.module_.load_state_dict(best_state)
            raise
        if best_epoch != epoch:
            self.module_.load_state_dict(best_state)
        return FineTuneResult(epoch, converged, best_epoch, best_loss)


def _improves(loss, best, min_delta):
    """Whether ``loss`` improves on ``best`` by the rule of :meth:`_fine_tune`."""
    return loss < best - max(min_delta, _IMPROVEMENT_RTOL * abs(best))


def _state_copy(module):
    return {key: value.detach().clone() for key, value in module.state_dict().items()}
