"""Development probe for issue 21's cost target: where a fit's CPU goes (dev data only).

Setting A development seeds; per fit: F1, the CPU of the whole ``fit``, of
the path (the rounds' ``history_["time"]``, first network included) and
of the refit (the rest), the epochs of the first network, the rounds (and
each round's seconds, epochs, size and acceptability), and
the CPU of one fit of the network as configured on the same rows (the unit
of the cost target) and on the selected columns (what a refit "as given"
would cost), and the R^2 on the formula's held-out 20% of ``estimator_``
and of that as-given fit (``test_r2_refit``, ``test_r2_as_given``).

Variants (``--variants``):

- ``defaults``: the library as it is;
- ``first_steps``: the first network's minimum (the net's ``max_epochs``)
  counted in optimizer steps of the user's full batches, i.e. the net
  given ``max_epochs = ceil(300 * 256 / n_fit)`` with the rounds' cap kept
  at 3,000 epochs (``RoundTraining(max_epochs=3000)``);
- ``patience2``: ``patience=2`` (stop the path after two rounds in a row
  outside the tolerance band of the best);
- ``both``: the two together;
- ``cold_refit``: ``refit=True``, a new clone trained from scratch on the
  selected columns (the default until the eleventh session; the default
  ``refit="auto"`` continues the selected round's network);
- ``batchN`` (e.g. ``batch512``): ``RoundTraining(batch_size=N)``, the
  rounds' networks on mini-batches of N rows instead of 256;
- ``round_patienceN`` (e.g. ``round_patience10``):
  ``RoundTraining(patience=N)``, the warm rounds stop once their
  early-stopping loss has not improved for N epochs (the first network and
  the refit keep the net's ``n_iter_no_change``, 20). The first rows of
  ``round-patience-dev.jsonl`` patched the same into the worker before the
  parameter existed; ``round_patienceauto`` is ``patience="auto"``;
- ``round_patienceauto_multi`` (rows ``round-patience-multi-dev.jsonl``,
  not adopted): ``patience="auto"`` only in the rounds that remove at least
  two units, the rounds that remove one at the net's own patience; it
  needs the development knob ``_warm_start.AUTO_MIN_REMOVED`` of commit
  a9624e6 (removed since), so run it there;
- ``rtol1e-3`` / ``rtol1e-2``: an early-stopping loss counts as improved
  only when it drops by 0.1% / 1% of its best value (the library's rule:
  0.01%), patched into ``skchaos.neural._fine_tune`` in the worker; it
  applies to the path's networks and the refit alike.

Usage::

    python benchmarks/dev/dev_cost.py --seeds 20-49 --variants defaults first_steps \\
        --jobs 2 --out benchmarks/results/dev/cost-dev.jsonl
"""

import argparse
import math
import os
import sys
import time

from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    train_test_draw,
)


def _variant_params(variant, n_rows):
    from skchaos.feature_selection import RoundTraining

    net, selector = dict(SETTINGS["A"]["net"]), {}
    if variant in ("first_steps", "both"):
        n_fit = 0.8 * 0.9 * n_rows  # validation 20%, early stopping 10%
        net["max_epochs"] = math.ceil(300 * 256 / n_fit)
        selector["round_training"] = RoundTraining(max_epochs=3000)
    if variant in ("patience2", "both"):
        selector["patience"] = 2
    if variant == "cold_refit":
        selector["refit"] = True
    if variant.startswith("batch"):
        selector["round_training"] = RoundTraining(batch_size=int(variant[5:]))
    if variant.startswith("round_patience"):
        patience = variant[len("round_patience") :]
        patience = patience if patience == "auto" else int(patience)
        selector["round_training"] = RoundTraining(patience=patience)
    return net, selector


def cost_cell(seed, variant):
    import torch

    torch.set_num_threads(1)
    from sklearn.base import clone

    import skchaos.neural._fine_tune as fine_tune
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    # Set in every cell: the worker processes are reused across cells.
    fine_tune._IMPROVEMENT_RTOL = (
        float(variant[4:]) if variant.startswith("rtol") else 1e-4
    )
    X, y, relevant, X_test, y_test = train_test_draw(seed, "A")
    net_params, selector_params = _variant_params(variant, len(y))
    selector = AttributionRFE(
        MLPRegressor(random_state=seed, **net_params),
        random_state=seed,
        **selector_params,
    )
    cpu = time.process_time()
    selector.fit(X, y)
    cpu = time.process_time() - cpu
    history = selector.history_
    user = MLPRegressor(random_state=seed, **SETTINGS["A"]["net"])
    user_cpu = time.process_time()
    user.fit(X.astype("float32"), y.astype("float32"))
    user_cpu = time.process_time() - user_cpu
    as_given = clone(user)
    given_cpu = time.process_time()
    as_given.fit(X[:, selector.support_].astype("float32"), y.astype("float32"))
    given_cpu = time.process_time() - given_cpu
    kept = X_test[:, selector.support_].astype("float32")
    path_s = float(sum(history["time"]))
    row = {"part": "A", "dataset": "A-dev", "seed": seed, "variant": variant}
    row.update(_quality(relevant, selector.support_))
    row.update(
        cpu_s=round(cpu, 2),
        path_s=round(path_s, 2),
        refit_s=round(cpu - path_s, 2),
        first_s=round(float(history["time"][0]), 2),
        first_epochs=int(history["epochs"][0] or 0),
        rounds=len(history["score"]),
        refit_epochs=len(selector.estimator_.history_),  # with the path's
        round_s=[round(float(t), 3) for t in history["time"]],
        round_epochs=[int(e or 0) for e in history["epochs"]],
        round_features=list(history["n_features"]),
        round_acceptable=list(history["acceptable"]),
        user_fit_cpu_s=round(user_cpu, 2),
        refit_as_given_cpu_s=round(given_cpu, 2),
        test_r2_refit=round(float(selector.estimator_.score(kept, y_test)), 4),
        test_r2_as_given=round(float(as_given.score(kept, y_test)), 4),
    )
    return row


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(20, 50)))
    parser.add_argument("--variants", nargs="+", default=["defaults"])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    cells = [(s, v) for s in args.seeds for v in args.variants]
    append_parallel((delayed(cost_cell)(s, v) for s, v in cells), args.out, args.jobs)


if __name__ == "__main__":
    main()
