"""The dev probes' ``norefine`` variant: the elimination path without its redo.

Since 2026-12-07 (fifteenth session) ``AttributionRFE``'s path (and so
``AttributionBoruta``'s minimal-optimal set) redoes a bad multi-unit round
with a single-unit step (``elimination_path(refine=True)``). ``norefine``
runs the path as before, so that one run compares both.
"""


def set_path_variant(refine, paths=None):
    """Install the path of ``AttributionRFE._eliminate`` for this cell.

    ``refine=False`` forces the path without the redo; True leaves the
    library's choice. ``paths``, a list, receives every path run. Worker
    processes are reused across cells, so every cell calls this.
    """
    from skchaos.feature_selection import _path, _rfe

    library = vars(_path).setdefault("_library_path", _path.elimination_path)

    def variant_path(*args, **kwargs):
        if not refine:
            kwargs["refine"] = False
        path = library(*args, **kwargs)
        if paths is not None:
            paths.append(path)
        return path

    _rfe.elimination_path = variant_path
