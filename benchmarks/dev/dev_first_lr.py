"""Issue 21: a faster first network, by its learning rate (dev data only).

The path's first network is about 37% of an ``AttributionRFE`` fit's CPU on
setting A (median 424 epochs of mini-batches; ``path-tail-dev.jsonl``).
Variants (``--variants``): ``defaults`` (the library); ``lrK`` (e.g.
``lr2``): the first network trains at K times the net's ``lr``
(``RoundTrainer.first`` patched in the worker), and the warm rounds, which
continue its network, too; ``firstlrK``: the first network at K times the
rate, the warm rounds back at the net's own; ``steps_firstlrK``: the
same, with the first network's floor of epochs counted in the optimizer
steps of the user's full-batch epochs (run these on the library before
``first_lr_factor``, 6a86a77, whose first network trains at the net's
rate). Parts (``--part``): ``A``, setting A's
development seeds with ``MLPRegressor(max_epochs=300)`` as in the held-out
runs (its ``random_state`` left to the selector); ``W``, ``paper``,
``F10`` and ``real`` as in ``dev_path_tail.py``; ``binary``, the weak
binary analog of ``dev_classification_low.py`` (analog seed ``--keys``,
fold ``--seeds`` of 5) with ``MLPClassifier(max_epochs=300)``. Per fit F1, the CPU of
the fit and of one fit of the net as configured, the first network's
epochs.

Usage::

    python benchmarks/dev/dev_first_lr.py --seeds 20-49 --variants defaults lr2 \\
        --out ...
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_product  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    random_formula,
    training_draw,
)
from dev_path_tail import fit_with_user_clock, part_keys  # noqa: E402


def _patch_first(factor, rounds_too=True, steps_floor=False):
    """Make ``RoundTrainer.first`` train at ``factor`` times the net's lr.

    With ``rounds_too=False`` the trained first network is set back to the
    net's lr (its optimizer and state kept), so that only the first network
    trains faster and the warm rounds continue at the net's own rate.
    ``steps_floor`` counts the first network's floor (the net's
    ``max_epochs``) in the optimizer steps of the user's full-batch epochs:
    ``ceil(max_epochs / mini-batches per epoch)`` epochs.
    """
    from sklearn.base import clone

    from skchaos.feature_selection._warm_start import RoundTrainer

    original = getattr(RoundTrainer, "_original_first", RoundTrainer.first)
    RoundTrainer._original_first = original
    if factor == 1:
        RoundTrainer.first = original
        return

    def first(self, *args, **kwargs):
        estimator, min_epochs = self.estimator, self.min_epochs
        self.estimator = clone(estimator).set_params(lr=estimator.lr * factor)
        if steps_floor:
            batches = math.ceil(len(args[0]) / estimator.batch_size)
            self.min_epochs = math.ceil(estimator.max_epochs / batches)
        try:
            model, info = original(self, *args, **kwargs)
        finally:
            self.estimator, self.min_epochs = estimator, min_epochs
        if not rounds_too:
            model.set_params(lr=estimator.lr)
        return model, info

    RoundTrainer.first = first


def _data(part, seed, key):
    """``X, y, relevant, net parameters, classifier`` of a part."""
    if part == "A":
        data = random_formula(seed, "A")
        X, y, _ = training_draw(seed, "A", data=data)
        return X, y, data.relevant_mask, SETTINGS["A"]["net"], False
    if part == "binary":
        import numpy as np
        from dev_classification_low import N_REAL, table
        from sklearn.model_selection import StratifiedKFold

        X, y = table(key, 0.45)
        split = StratifiedKFold(5, shuffle=True, random_state=key)
        train = list(split.split(X, y))[seed][0]
        relevant = np.arange(X.shape[1]) < N_REAL
        return X[train], y[train], relevant, {"max_epochs": 300}, True
    from dev_path_tail import part_data

    return part_data(part, seed, key)


def cell(part, seed, key, variant):
    import torch

    torch.set_num_threads(1)
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPClassifier, MLPRegressor

    if variant == "defaults":
        _patch_first(1.0)
    elif variant.startswith("steps_firstlr"):
        factor = float(variant[len("steps_firstlr") :])
        _patch_first(factor, rounds_too=False, steps_floor=True)
    elif variant.startswith("firstlr"):
        _patch_first(float(variant[len("firstlr") :]), rounds_too=False)
    else:
        _patch_first(float(variant[2:]))
    X, y, relevant, net, classifier = _data(part, seed, key)
    Net = MLPClassifier if classifier else MLPRegressor
    selector = AttributionRFE(Net(**net), random_state=seed)
    cpu, user = fit_with_user_clock(selector, Net(random_state=seed, **net), X, y)
    row = {"part": part, "seed": seed, "key": key, "variant": variant}
    row.update(_quality(relevant, selector.support_))
    history = selector.history_
    row.update(
        cpu_s=round(cpu, 2),
        user_fit_cpu_s=round(user, 2),
        first_epochs=int(history["epochs"][0] or 0),
        first_s=round(float(history["time"][0]), 2),
        rounds=len(history["score"]),
    )
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--part", choices=("A", "W", "paper", "F10", "real", "binary"), default="A"
    )
    parser.add_argument("--seeds", type=_int_list, required=True)
    parser.add_argument("--keys", nargs="+", default=[None])
    parser.add_argument("--variants", nargs="+", default=["defaults", "lr2"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    keys = part_keys(args.part, args.keys)
    axes = ([args.part], args.seeds, keys, args.variants)
    append_product(cell, axes, args.out, args.jobs)


if __name__ == "__main__":
    main()
