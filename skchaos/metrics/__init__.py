"""The :mod:`skchaos.metrics` module."""

__all__ = []
