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
