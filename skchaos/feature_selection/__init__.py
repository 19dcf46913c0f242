"""The :mod:`skchaos.feature_selection` module."""

__all__ = []
