"""Issue 21 probe: the first network trained on while it is no better than a constant.

``RoundTraining(until_learned=True)`` (``until``) or ``False`` (``off``, the
behaviour before), on development draws, both in one run (the rows of
``results/dev/until-learned-*-dev.jsonl`` were written while it was the
development knob ``_path.FIRST_UNTIL_LEARNED``, on every path alike):
``AttributionRFE`` with the defaults of ``bench_generalization.py`` on
setting A or W (``--part A`` / ``W``) and on formula 10 (``--part wide
--width N``), and ``AttributionBoruta`` (the development network of
``dev_boruta.py``) on the low-signal formulas (``--part L``), whose
minimal-optimal path has a first network too
(``_minimal.MINIMAL_UNTIL_LEARNED``). Each row: F1, the first network's
epochs, CPU.

Usage::

    python benchmarks/dev/dev_until_learned.py --part A --seeds 20-49 --jobs 2 --out ...
"""

import argparse
import os
import sys

import numpy as np
from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    SCALE_NET,
    SETTINGS,
    _int_list,
    _quality,
    low_signal_formula,
    timed_fit,
    training_draw,
    wide_formula,
)

BORUTA_NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}


def cell(part, seed, variant, width):
    import torch

    torch.set_num_threads(1)
    import skchaos.feature_selection._minimal as minimal
    from skchaos.feature_selection import (
        AttributionBoruta,
        AttributionRFE,
        RoundTraining,
    )
    from skchaos.neural import MLPRegressor

    until = variant == "until"
    minimal.MINIMAL_UNTIL_LEARNED = until
    training = RoundTraining(until_learned=until)
    if part == "wide":
        X, y, relevant = training_draw(seed, "A", data=wide_formula(seed, width))
        net = MLPRegressor(**SCALE_NET)
        selector = AttributionRFE(net, round_training=training, random_state=seed)
    elif part == "L":
        X, y, relevant = training_draw(seed, "A", data=low_signal_formula(seed))
        net = MLPRegressor(random_state=seed, **BORUTA_NET)
        selector = AttributionBoruta(net, random_state=seed)
    else:
        X, y, relevant = training_draw(seed, part)
        net = MLPRegressor(random_state=seed, **SETTINGS[part]["net"])
        selector = AttributionRFE(net, round_training=training, random_state=seed)
    wall, cpu = timed_fit(selector, X, y)
    row = {"part": part, "seed": seed, "variant": variant, "wall_s": wall}
    row["cpu_s"] = cpu
    row.update(_quality(relevant, selector.support_))
    if part == "L":
        row["n_relevant"] = int(np.sum(relevant))
        row["minimal_real"] = int(selector.support_minimal_[relevant].sum())
    else:
        row["first_epochs"] = int(selector.history_["epochs"][0])
        row["rounds"] = len(selector.history_["epochs"])
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("A", "W", "wide", "L"), default="A")
    parser.add_argument("--seeds", type=_int_list, default=list(range(20, 50)))
    parser.add_argument("--width", type=int, default=1005)
    parser.add_argument("--variants", nargs="+", default=["until", "off"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    cells = (
        delayed(cell)(args.part, s, v, args.width)
        for s in args.seeds
        for v in args.variants
    )
    append_parallel(cells, args.out, args.jobs)


if __name__ == "__main__":
    main()
