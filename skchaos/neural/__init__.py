"""The :mod:`skchaos.neural` module."""

__all__ = []
