"""skchaos: ground-truth benchmarks for neural-network attributions.

skchaos brings the ChaosMining benchmark (Shi, Kan, Smucny and Davidson, 2024,
arXiv:2406.12150) into ordinary scikit-learn work:

- :mod:`skchaos.datasets`: ``make_*`` generators that also return the truth;
- :mod:`skchaos.preprocessing`: mixed-type tables encoded column by column;
- :mod:`skchaos.neural`: PyTorch models as skorch/scikit-learn estimators;
- :mod:`skchaos.attribution`: captum attribution methods by name;
- :mod:`skchaos.feature_selection`: attribution-based recursive elimination;
- :mod:`skchaos.metrics`: uniformity, functional precision, localization;
- :mod:`skchaos.benchmark`: the grid runner and the ``skchaos`` command line.
"""

__version__ = "0.1.0.dev0"

__all__ = [
    "__version__",
    "attribution",
    "benchmark",
    "datasets",
    "feature_selection",
    "metrics",
    "neural",
    "preprocessing",
]


def __getattr__(name):
    # Subpackages are imported lazily so that ``import skchaos`` stays cheap.
    if name in __all__ and name != "__version__":
        import importlib

        return importlib.import_module(f"skchaos.{name}")
    raise AttributeError(f"module 'skchaos' has no attribute {name!r}")
