"""Batching of device-resident tensors, without per-sample collation.

A torch ``DataLoader`` fetches samples one by one and collates them into a
batch on every step; for small fully connected networks this costs far more
than the forward and backward passes (see ``benchmarks/README.md``).
:class:`TensorBatchDataset` holds ``X`` and ``y`` (and optional per-row
weights) as tensors, already on the training device;
:class:`TensorBatchIterator` slices them: a full batch is the tensors
themselves (no copy), and mini-batches gather rows through a shuffled index
tensor. A weighted dataset gives batches ``(X, y, sample_weight)``.
"""

import math

import torch
from torch.utils.data import Subset, default_collate


class TensorBatchDataset(torch.utils.data.Dataset):
    """Dataset of an ``X`` tensor and an optional ``y`` tensor.

    Parameters
    ----------
    X : torch.Tensor of shape (n_samples, ...)
        Inputs, already of the dtype and on the device to train on.
    y : torch.Tensor of shape (n_samples, ...) or None, default=None
        Targets, or None (prediction).
    sample_weight : torch.Tensor of shape (n_samples,) or None, default=None
        Per-row weights of the loss; :class:`TensorBatchIterator` then yields
        ``(X, y, sample_weight)`` batches.

    Attributes
    ----------
    X : torch.Tensor
        The inputs.
    y : torch.Tensor or None
        The targets.
    sample_weight : torch.Tensor or None
        The per-row weights.

    See Also
    --------
    TensorBatchIterator : Batches such a dataset without collating samples.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import TensorBatchDataset
    >>> dataset = TensorBatchDataset(torch.zeros(5, 3), torch.arange(5))
    >>> len(dataset), dataset[2][1].item()
    (5, 2)
    """

    def __init__(self, X, y=None, sample_weight=None):
        if not isinstance(X, torch.Tensor) or (
            y is not None and not isinstance(y, torch.Tensor)
        ):
            raise TypeError(
                "TensorBatchDataset expects torch tensors; got "
                f"X of type {type(X).__name__} and y of type {type(y).__name__}."
            )
        if y is not None and len(y) != len(X):
            raise ValueError(f"X and y have different lengths: {len(X)} and {len(y)}.")
        if sample_weight is not None and (
            not isinstance(sample_weight, torch.Tensor)
            or sample_weight.shape != (len(X),)
        ):
            raise ValueError(
                f"sample_weight must be a tensor of shape ({len(X)},), one weight "
                f"per row of X; got {type(sample_weight).__name__} of shape "
                f"{tuple(getattr(sample_weight, 'shape', ()))}."
            )
        self.X = X
        self.y = y
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        # Per-sample access, for torch's DataLoader and skorch's ValidSplit.
        # TensorBatchIterator never calls it.
        if self.y is None:
            return self.X[index], torch.zeros(())
        return self.X[index], self.y[index]


def _dataset_tensors(dataset):
    """Return ``(X, y, w)`` tensors for a dataset, gathering rows only once."""
    if isinstance(dataset, TensorBatchDataset):
        return dataset.X, dataset.y, dataset.sample_weight
    if isinstance(dataset, Subset):
        X, y, w = _dataset_tensors(dataset.dataset)
        index = torch.as_tensor(dataset.indices, dtype=torch.long, device=X.device)
        return X[index], *(None if t is None else t[index] for t in (y, w))
    # Any other dataset: collate all its samples once (not once per epoch).
    X, y = default_collate([dataset[i] for i in range(len(dataset))])
    return X, y, None


class TensorBatchIterator:
    """Iterate over a dataset in batches by slicing its tensors.

    Parameters
    ----------
    dataset : TensorBatchDataset, torch Subset of one, or torch Dataset
        The data. Other datasets are collated once, when the iterator is made.
    batch_size : int or None, default=None
        Rows per batch; ``None``, ``-1`` or any value ``>= len(dataset)`` give a
        single full batch, which is the dataset's tensors themselves (no copy).
    shuffle : bool, default=False
        Whether to draw a new random order of the rows at each pass. A full
        batch is never shuffled: its loss does not depend on the row order.
    generator : torch.Generator or None, default=None
        CPU generator for the shuffling (``None``: torch's global generator).
    drop_last : bool, default=False
        Whether to drop the last, smaller, batch.

    See Also
    --------
    TensorBatchDataset : The dataset this iterator is made for.

    Notes
    -----
    A shuffled pass draws one ``torch.randperm`` index tensor on the CPU (with
    ``generator``), moves it to the data's device and gathers each batch with
    it; nothing is copied back to the CPU.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import TensorBatchDataset, TensorBatchIterator
    >>> dataset = TensorBatchDataset(torch.arange(10.0)[:, None], torch.arange(10))
    >>> [len(Xb) for Xb, yb in TensorBatchIterator(dataset, batch_size=4)]
    [4, 4, 2]
    >>> Xb, yb = next(iter(TensorBatchIterator(dataset)))
    >>> Xb is dataset.X
    True
    """

    def __init__(
        self, dataset, batch_size=None, shuffle=False, generator=None, drop_last=False
    ):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator
        self.drop_last = drop_last
        self.X, self.y, self.sample_weight = _dataset_tensors(dataset)
        n_samples = len(self.X)
        if batch_size is None or batch_size == -1:
            self._batch_size = n_samples
        elif batch_size < 1:
            raise ValueError(
                f"batch_size={batch_size!r} is not valid; expected None, -1 or an "
                "int >= 1."
            )
        else:
            self._batch_size = min(int(batch_size), n_samples)

    def __len__(self):
        n_samples = len(self.X)
        if n_samples == 0:
            return 0
        if self.drop_last:
            return n_samples // self._batch_size
        return math.ceil(n_samples / self._batch_size)

    def __iter__(self):
        tensors = (self.X, self.y, self.sample_weight)
        if self.sample_weight is None:
            tensors = tensors[:2]
        n_samples, batch_size = len(self.X), self._batch_size
        if n_samples == 0:
            return
        if batch_size == n_samples:
            yield tensors
            return
        if self.shuffle:
            order = torch.randperm(n_samples, generator=self.generator)
            order = order.to(self.X.device, non_blocking=True)
        stop = n_samples - n_samples % batch_size if self.drop_last else n_samples
        for start in range(0, stop, batch_size):
            end = min(start + batch_size, n_samples)
            rows = order[start:end] if self.shuffle else slice(start, end)
            yield tuple(None if t is None else t[rows] for t in tensors)
