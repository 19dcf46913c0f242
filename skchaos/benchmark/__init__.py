"""The :mod:`skchaos.benchmark` module: the grid runner and its reports.

:func:`run_benchmark` trains one model per cell of a grid (datasets x models x
seeds), scores every attribution method against the exact ground truth, and
returns a tidy table; :func:`make_report` turns it into paper-style tables and
figures. The same is available from the shell as ``skchaos benchmark`` and
``skchaos report``; ``skchaos select`` runs attribution-based feature
selection on a CSV file.

:data:`RESULT_COLUMNS` names the columns (and dtypes) of a results table, and
:data:`ABBREVIATIONS` the short method names of the reports.

Examples
--------
>>> from skchaos.benchmark import ABBREVIATIONS, RESULT_COLUMNS
>>> ABBREVIATIONS["integrated_gradients"]
'IG'
>>> list(RESULT_COLUMNS)[:3]
['formula_id', 'formula', 'n_relevant']
>>> RESULT_COLUMNS["us"]
'float64'
"""

from skchaos.benchmark._cell import RESULT_COLUMNS
from skchaos.benchmark._config import load_config
from skchaos.benchmark._evaluation import ABBREVIATIONS
from skchaos.benchmark._grid import expand_grid
from skchaos.benchmark._plots import plot_curves, plot_heatmap
from skchaos.benchmark._presets import available_presets, preset_description
from skchaos.benchmark._published import published_results
from skchaos.benchmark._report import (
    compare_with_paper,
    make_report,
    summarize_results,
)
from skchaos.benchmark._runner import run_benchmark

__all__ = [
    "ABBREVIATIONS",
    "RESULT_COLUMNS",
    "available_presets",
    "compare_with_paper",
    "expand_grid",
    "load_config",
    "make_report",
    "plot_curves",
    "plot_heatmap",
    "preset_description",
    "published_results",
    "run_benchmark",
    "summarize_results",
]
