"""Checks of scalar arguments, free of numpy and torch (the CLI imports them)."""

from numbers import Integral


def check_positive_int(value, name):
    """Return ``value`` as an int, or raise ``ValueError`` unless it is an int >= 1.

    Parameters
    ----------
    value : object
        The argument to check; a bool is not an int here.
    name : str
        The argument's name, for the message.

    Returns
    -------
    value : int

    Examples
    --------
    >>> from skchaos.utils import check_positive_int
    >>> check_positive_int(3, "n_threads")
    3
    """
    if not isinstance(value, Integral) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{name}={value!r} is not valid; expected an int >= 1.")
    return int(value)
