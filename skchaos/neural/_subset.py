"""A module that takes some of another module's inputs, the rest held at zero.

:class:`InputSubset` lets any torch module, whatever fixes its input width
(a width written into its first layer, a width parameter, several layers that
read the input), be trained and used on a subset of its input columns: the
kept columns go to their places in a zero tensor of the module's own width.
For a first ``nn.Linear`` layer that is exactly the network with the weights
of the other columns deleted. The selectors of
:mod:`skchaos.feature_selection` use it to hand a subset of the columns to a
plain skorch net.
"""

import numpy as np
import torch
from torch import nn


class InputSubset(nn.Module):
    """Feed some columns (axis 1) to a module, the others held at zero.

    Parameters
    ----------
    inner : type or torch.nn.Module
        The module, or a module class built with ``**kwargs``.
    columns : array-like of int
        Sorted positions, along axis 1 of ``inner``'s input, of the columns
        this module receives, in order.
    n_inputs : int
        The width of ``inner``'s input along axis 1.
    **kwargs : dict
        Arguments of ``inner`` when it is a class (e.g. skorch's ``module__``
        parameters); a module instance with arguments is rebuilt from its
        class, as skorch does.

    Attributes
    ----------
    inner : torch.nn.Module
        The wrapped module.
    columns : torch.Tensor of int64
        A buffer: the positions of the received columns.
    n_inputs : int
        The width of ``inner``'s input.

    Examples
    --------
    >>> import torch
    >>> from skchaos.neural import InputSubset
    >>> layer = torch.nn.Linear(3, 1)
    >>> model = InputSubset(layer, columns=[0, 2], n_inputs=3)
    >>> x = torch.tensor([[1.0, 2.0]])
    >>> bool(torch.allclose(model(x), layer(torch.tensor([[1.0, 0.0, 2.0]]))))
    True
    >>> model.restrict([1]).columns.tolist()
    [2]
    """

    def __init__(self, inner, columns, n_inputs, **kwargs):
        super().__init__()
        if isinstance(inner, nn.Module):
            inner = type(inner)(**kwargs) if kwargs else inner
        else:
            inner = inner(**kwargs)
        columns = torch.as_tensor(np.asarray(columns), dtype=torch.long)
        if columns.ndim != 1 or (
            len(columns) and (columns.min() < 0 or columns.max() >= n_inputs)
        ):
            raise ValueError(
                f"columns must be positions in [0, n_inputs={n_inputs}); got "
                f"{columns.tolist()}."
            )
        self.inner = inner
        self.n_inputs = int(n_inputs)
        self.register_buffer("columns", columns)

    def restrict(self, keep):
        """Keep only the received columns at positions ``keep``, in place.

        The function of the kept columns does not change: the dropped ones
        were fed as zeros before (when they were zero) and are now.

        Parameters
        ----------
        keep : array-like of int
            Positions among the columns this module now receives.

        Returns
        -------
        self : InputSubset
        """
        index = torch.as_tensor(np.asarray(keep), dtype=torch.long)
        self.columns = self.columns[index.to(self.columns.device)]
        return self

    def forward(self, X, *args, **kwargs):
        """Scatter ``X``'s columns into a zero input of the inner module's width.

        Parameters
        ----------
        X : torch.Tensor of shape (n_samples, n_columns, ...)
            The received columns, in the order of ``columns``.
        *args, **kwargs
            Passed to the inner module.

        Returns
        -------
        output
            The inner module's output.
        """
        if X.shape[1] != len(self.columns):
            raise ValueError(
                f"InputSubset expects {len(self.columns)} columns along axis 1; "
                f"got an input of shape {tuple(X.shape)}."
            )
        full = X.new_zeros((X.shape[0], self.n_inputs, *X.shape[2:]))
        full = full.index_copy(1, self.columns, X)
        return self.inner(full, *args, **kwargs)
