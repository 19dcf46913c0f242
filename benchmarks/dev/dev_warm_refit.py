"""Issue 21 probe: a refit warm-started from the chosen round's network (dev data only).

Setting A development seeds. ``AttributionRFE`` at its defaults around
setting A's ``MLPRegressor(max_epochs=300)``; the path is made to keep its
rounds' networks (as under ``refit=False``; the selection is the same).
The chosen round's network, trained on the path's standardized columns and
target, gets that standardization folded into its first and last layers
(so that it takes the raw selected columns and predicts the raw target),
its optimizer reset, its input penalty and batch size set back to the
user's, and it is fine-tuned on all the training rows until the loss on
10% of them (the refit's early-stopping share) levels off, as
``estimator_``'s refit does from scratch. Per seed: the CPU and epochs of
that warm refit and of the library's refit, the held-out R^2 of both on the
formula's 20% test rows, and one fit of the network as configured (the
unit of the cost target).

Usage::

    python benchmarks/dev/dev_warm_refit.py --seeds 20-29 --jobs 2 --out ...
"""

import argparse
import copy
import os
import sys
import time

import numpy as np
from joblib import delayed

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _resumable import append_parallel  # noqa: E402
from bench_generalization import (  # noqa: E402
    SETTINGS,
    _int_list,
    _quality,
    train_test_draw,
)


def cell(seed):
    import torch

    torch.set_num_threads(1)
    from sklearn.metrics import r2_score
    from sklearn.model_selection import train_test_split

    import skchaos.feature_selection._rfe as rfe_module
    import skchaos.feature_selection._rows as rows_module
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import MLPRegressor

    captured = {"scalings": []}
    library_path = getattr(rfe_module, "_library_path", rfe_module.elimination_path)
    rfe_module._library_path = library_path
    library_scaling = getattr(rows_module, "_library_scaling", rows_module.Scaling.fit)
    rows_module._library_scaling = library_scaling

    def keeping_path(*args, **kwargs):
        kwargs["keep_models"] = True
        captured["path"] = library_path(*args, **kwargs)
        return captured["path"]

    def recording_scaling(X, y, setup):
        scaling = library_scaling(X, y, setup)
        captured["scalings"].append(scaling)
        return scaling

    rfe_module.elimination_path = keeping_path
    rows_module.Scaling.fit = recording_scaling

    X, y, relevant, X_test, y_test = train_test_draw(seed, "A")
    user_params = dict(SETTINGS["A"]["net"])
    net = MLPRegressor(random_state=seed, **user_params)
    # refit=True: today's cold refit beside the probe (refit="auto", the
    # library's version of this probe since 117c06a, would fold the kept
    # network in place).
    selector = AttributionRFE(net, refit=True, random_state=seed)
    cpu = time.process_time()
    selector.fit(X, y)
    cpu = time.process_time() - cpu
    support = selector.support_
    path = captured["path"]
    chosen = [len(u) for u in path.units].index(int(support.sum()))
    assert set(path.units[chosen]) == set(np.flatnonzero(support))
    scaling = captured["scalings"][0]
    X_sel = X[:, support].astype("float32")
    kept = X_test[:, support].astype("float32")

    # The warm refit.
    warm_cpu = time.process_time()
    chosen_model = path.models[chosen]
    model = copy.deepcopy(chosen_model)
    # The net's own fold (the probe's hand-written copy until 117c06a).
    model._absorb_standardization(
        scaling.x_mean[support],
        scaling.x_scale[support],
        scaling.y_mean,
        scaling.y_scale,
    )
    expected = raw(chosen_model, scaling, support, X_sel)
    fold_error = float(np.max(np.abs(model.predict(X_sel) - expected)))
    # The user's batch size, input penalty and learning rate (the path's differ).
    model.set_params(
        batch_size=net.batch_size, input_penalty=net.input_penalty, lr=net.lr
    )
    model.initialize_optimizer()
    fit, es = train_test_split(np.arange(len(y)), test_size=0.1, random_state=seed)
    result = model._fine_tune(
        X_sel[fit], y[fit].astype("float32"), epochs=3000,
        X_valid=X_sel[es], y_valid=y[es].astype("float32"), seed=seed,
    )  # fmt: skip
    warm_cpu = time.process_time() - warm_cpu

    user = MLPRegressor(random_state=seed, **user_params)
    user_cpu = time.process_time()
    user.fit(X.astype("float32"), y.astype("float32"))
    user_cpu = time.process_time() - user_cpu
    path_s = float(sum(selector.history_["time"]))
    row = {"part": "A", "dataset": "A-dev", "seed": seed}
    row.update(_quality(relevant, support))
    row.update(
        cpu_s=round(cpu, 2),
        refit_s=round(cpu - path_s, 2),
        refit_epochs=len(selector.estimator_.history_),
        warm_refit_s=round(warm_cpu, 2),
        warm_refit_epochs=int(result.n_epochs),
        fold_error=fold_error,
        user_fit_cpu_s=round(user_cpu, 2),
        test_r2_refit=round(float(selector.estimator_.score(kept, y_test)), 4),
        test_r2_warm=round(float(model.score(kept, y_test)), 4),
        test_r2_chosen_round=round(
            float(r2_score(y_test, raw(chosen_model, scaling, support, kept))), 4
        ),
    )
    return row


def _standardized(X_kept, scaling, support):
    """The selected columns in the path's standardized units."""
    mean, scale = scaling.x_mean[support], scaling.x_scale[support]
    return ((X_kept - mean) / scale).astype("float32")


def raw(model, scaling, support, X_kept):
    """The chosen round's network's prediction in the target's units."""
    out = model.predict(_standardized(X_kept, scaling, support))
    return out * float(np.ravel(scaling.y_scale)[0]) + float(
        np.ravel(scaling.y_mean)[0]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=_int_list, default=list(range(20, 30)))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    append_parallel((delayed(cell)(s) for s in args.seeds), args.out, args.jobs)


if __name__ == "__main__":
    main()
