"""The :mod:`skchaos.attribution` module."""

__all__ = []
