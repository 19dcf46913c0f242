"""The :mod:`skchaos.datasets` module."""

__all__ = []
