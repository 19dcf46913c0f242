"""The :mod:`skchaos.benchmark` module: the grid runner and its reports.

:func:`run_benchmark` trains one model per cell of a grid (datasets x models x
seeds), scores every attribution method against the exact ground truth, and
returns a tidy table; :func:`make_report` turns it into paper-style tables and
figures. The same is available from the shell as ``skchaos benchmark`` and
``skchaos report``; ``skchaos select`` runs attribution-based feature
selection on a CSV file.
"""

from skchaos.benchmark._config import load_config
from skchaos.benchmark._grid import expand_grid
from skchaos.benchmark._plots import plot_curves, plot_heatmap
from skchaos.benchmark._presets import available_presets
from skchaos.benchmark._report import (
    compare_with_paper,
    make_report,
    published_results,
    summarize_results,
)
from skchaos.benchmark._runner import run_benchmark

__all__ = [
    "available_presets",
    "compare_with_paper",
    "expand_grid",
    "load_config",
    "make_report",
    "plot_curves",
    "plot_heatmap",
    "published_results",
    "run_benchmark",
    "summarize_results",
]
