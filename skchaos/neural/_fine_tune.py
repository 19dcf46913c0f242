"""The nets' own warm start: restrict the inputs, then fine-tune until converged."""


class FineTuneMixin:
    """Restrict a fitted net to some of its inputs and fine-tune it (in progress)."""
