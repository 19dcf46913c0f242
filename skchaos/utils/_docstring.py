"""Docstring templating: shared parameter blocks written once."""


class Substitution:
    """Decorator filling the ``%(name)s`` fields of a docstring.

    Like pandas' and imbalanced-learn's ``Substitution``: estimators that
    share parameters keep one text for them, and each docstring names the
    blocks it includes. A block may itself use the other fields (one level
    deep), so one shared block serves estimators with different defaults.
    Printf-style fields leave braces (``{"batch", "group"}``) alone; a
    literal percent sign is written ``%%``.

    Parameters
    ----------
    **blocks : dict of str to str
        The text of each field.

    Examples
    --------
    >>> from skchaos.utils import Substitution
    >>> @Substitution(alpha="alpha : float, default=%(default)s", default="2.0")
    ... def f(alpha=2.0):
    ...     "Parameters: %(alpha)s"
    >>> f.__doc__
    'Parameters: alpha : float, default=2.0'
    """

    def __init__(self, **blocks):
        self.blocks = blocks

    def __call__(self, obj):
        """Fill ``obj.__doc__`` (unless docstrings are stripped); return ``obj``."""
        if obj.__doc__:
            blocks = {name: text % self.blocks for name, text in self.blocks.items()}
            obj.__doc__ = obj.__doc__ % blocks
        return obj
