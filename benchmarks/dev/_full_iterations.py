"""The dev probes' ``full_iter`` variant: AttributionBoruta without its early stop.

Since 2026-12-07 (fifteenth session) the iterations stop once the ones left
could decide no tentative unit (``_shadow.decidable``). ``full_iter`` runs
them to ``max_iter`` as before, so that one run compares both: the
selections must be the same, the CPU less.
"""

import numpy as np


def set_full_iterations(on):
    """Make every tentative unit look decidable (``on``), or restore the library's rule.

    Worker processes are reused across cells, so every cell calls this.
    """
    from skchaos.feature_selection import _shadow

    library = vars(_shadow).setdefault("_library_decidable", _shadow.decidable)

    def always(hit_counts, *args, **kwargs):
        return np.ones(len(hit_counts), dtype=bool)

    _shadow.decidable = always if on else library
