"""Docstring blocks shared by the skchaos.datasets generators.

Each generator's docstring names the blocks it includes (``%(reference)s``)
and is filled by :class:`skchaos.utils.Substitution`.
"""

#: The benchmark paper, the generators' reference [1].
DATASETS_FIELDS = {
    "reference": """
    .. [1] Shi, Kan, Smucny and Davidson, "ChaosMining: A Benchmark to Evaluate
       Post-Hoc Local Attribution Methods in Low SNR Environments",
       arXiv:2406.12150, 2024.
""".strip(),
}

#: The parameters the symbolic generators share (``n_noise_default`` fills in
#: the default of ``n_noise_features``), and the reference.
SYMBOLIC_FIELDS = {
    **DATASETS_FIELDS,
    "n_noise_features": """
    n_noise_features : int, default=%(n_noise_default)s
        The number of noise columns appended after the variable columns.
""".strip(),
    "noise": """
    noise : float, default=0.01
        The standard deviation of the Gaussian noise added to ``f``.
""".strip(),
    "x_scale": """
    x_scale : float, default=0.33
        The standard deviation of every feature before clipping to [-1, 1].
""".strip(),
    "ig_steps": """
    ig_steps : int, default=None
        ``None`` for the exact integrated-gradients truth, or the number of
        steps of the paper's path sum; see :func:`make_symbolic`.
""".strip(),
    "shuffle_features": """
    shuffle_features : bool, default=False
        Whether to permute the columns of ``X``, with the mask, truths,
        ``variable_columns`` and ``feature_names``.
""".strip(),
    "return_X_y": """
    return_X_y : bool, default=True
        If True, return ``(X, y)``; otherwise return a
        :class:`~sklearn.utils.Bunch` with the ground truth.
""".strip(),
}
