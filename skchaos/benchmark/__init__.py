"""The :mod:`skchaos.benchmark` module."""

__all__ = []
