"""Docstring blocks shared by the skchaos.neural estimators.

Each estimator's docstring names the blocks it includes (``%(training)s``,
``%(fitted_attributes)s``) and is filled by
:class:`skchaos.utils._docstring.Substitution` with these blocks and the
estimator's own fields: its defaults (``lr``, ``max_epochs``,
``batch_size``, ``n_iter_no_change``), its ``module`` and ``criterion``, and
the family's wording (``CONV_FIELDS`` for the image and audio classifiers).
``NETWORK_IO`` opens the parameters of the convolutional networks (modules).
"""

TRAINING = """
    lr : float, default=%(lr)s
        Learning rate of ``optimizer``.

    max_epochs : int, default=%(max_epochs)s
        Number of passes over the training data, fewer when early stopping
        triggers. ``partial_fit`` runs this many more.

    batch_size : int or None, default=%(batch_size)s
        Samples per optimizer step (shuffled mini-batches are gathered from
        the device-resident data with an index tensor) and per prediction
        pass. ``None`` (or -1) uses one full batch.

    optimizer : torch.optim.Optimizer class, default=torch.optim.Adam
        The optimizer; its other arguments go in ``optimizer__name`` (e.g.
        ``optimizer__weight_decay``). ``Adam`` and ``AdamW`` run torch's
        fused implementation (``fused=True``: the same update, one kernel
        per step) on the CPU (torch 2.4 and later) and on CUDA, unless
        ``optimizer__fused`` or ``optimizer__foreach`` is given.

    early_stopping : bool, default=False
        Whether to stop when the loss on held-out samples has not improved
        for ``n_iter_no_change`` epochs, restoring the weights of the best
        epoch; ``validation_fraction`` of the training samples are held
        out%(stratified)s.
        If False, all samples are trained on and no validation is done.

    validation_fraction : float, default=0.1
        Share of the training samples held out when ``early_stopping=True``
        (rounded up; at least one sample, and at most all but one).

    n_iter_no_change : int, default=%(n_iter_no_change)s
        Patience of the early stopping, in epochs.

    device : str or torch.device, default="auto"
        Where to train: ``"auto"`` picks ``"cuda"`` when available, else
        ``"cpu"``. The parameter keeps its value; see ``device_``.

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, dropout, shuffling and validation
        split, locally (the global torch seed is never touched): equal values
        give equal predictions on CPU. ``None`` leaves torch unseeded.

    verbose : int, default=0
        0 prints nothing, 1 a table with one line per epoch.

    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights instead of
        re-initializing the module (the %(input_width)s must then be
        unchanged).

    **kwargs : dict
        Other skorch arguments, e.g. ``module`` (default :class:`%(module)s`),
        ``criterion`` (default ``%(criterion)s``), ``callbacks``,
        ``train_split``, ``iterator_train`` and ``iterator_valid`` (default
        :class:`TensorBatchIterator`), ``dataset`` (default
        :class:`TensorBatchDataset`)%(classes)s, and prefixed ones such as
        ``module__name``, ``optimizer__weight_decay`` or
        ``iterator_train__shuffle``. A custom ``module`` is called with
        %(module_args)s,
        and its ``module__`` arguments.
""".strip()

FITTED_ATTRIBUTES = """
    module_ : torch.nn.Module
        The trained network, by default a :class:`%(module)s`;
        %(module_note)s.

    criterion_ : torch.nn.Module
        The loss.

    optimizer_ : torch.optim.Optimizer
        The optimizer, with its state.

    history_ : skorch.History
        Per-epoch records (``train_loss``, ``valid_loss``, ``dur``, ...) of
        the finished epochs.

    n_iter_ : int
        Number of epochs run since the module was initialized.

    device_ : str
        The device the module lives on, e.g. ``"cpu"`` or ``"cuda"``.
""".strip()

_CONV_ATTRIBUTES = """
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.

    input_shape_ : tuple of int
        The shape of one sample as the network sees it, after singleton axes
        were added to lower-dimensional ``X``:
        %(input_shape)s.

    n_features_in_ : int
        The size of axis 1 of the ``X`` seen in fit: the number of channels
        (for lower-dimensional ``X``, its axis 1 as given).
""".strip()

#: The fields shared by the image and audio classifiers.
CONV_FIELDS = {
    "training": TRAINING,
    "fitted_attributes": FITTED_ATTRIBUTES + "\n\n    " + _CONV_ATTRIBUTES,
    "max_epochs": "20",
    "batch_size": "64",
    "n_iter_no_change": "5",
    "stratified": " (stratified by class when possible)",
    "input_width": "channel count",
    "criterion": "torch.nn.CrossEntropyLoss",
    "classes": ", ``classes``",
    "module_args": (
        "``n_channels`` (from ``X``), ``n_outputs`` (the number of\n"
        "        classes) and the network parameters above (those before ``lr``)"
    ),
    "module_note": "it outputs one logit per class, which is what attributions explain",
}

#: The first parameters of the convolutional networks (the torch modules).
NETWORK_IO = """
    n_channels : int
        The number of input channels.
    n_outputs : int, default=2
        The number of outputs (one logit per class).
""".strip()
