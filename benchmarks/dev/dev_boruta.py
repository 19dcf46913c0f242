"""Development runs of AttributionBoruta: choose its defaults (dev data only).

Tables: scikit-learn's diabetes (R^2) and breast cancer (AUC), each with 200
appended N(0, 1) columns (``real_data`` of ``bench_generalization.py``),
5-fold CV with the selection inside each fold and a standardized ridge or
logistic regression on the kept columns (``downstream``). Random formulas:
seeds of setting A (``random_formula``), 20% of the rows held out as there,
precision and recall of the selection.

Every finished cell appends one JSON row to ``--out`` (default
``benchmarks/results/dev/boruta-dev.jsonl``). Each row also holds the
selection the same run would have made with a smaller ``max_iter``
(``at_<t>``: the features confirmed by iteration ``t``), which the decision
iteration of every feature gives without rerunning.

``--part L`` runs the selector (and, as variants, ``grootcv`` with
``--grootcv-python`` and ``rfe``: AttributionRFE around
``MLPRegressor(max_epochs=300)``) on low-signal formulas
(``low_signal_formula`` of ``bench_generalization.py``: 1,500 rows, 200
noise columns, the formula 0.15 of the target's variance), development
seeds only.

``--part ceiling`` measures what a network can see in setting A at all:
for each seed, one network (the development one) trained on the relevant
columns alone, its held-out R^2, and each relevant variable's share of the
target's variance (the mean squared change of the noiseless formula when
that variable's column is permuted, over twice the target's variance). A
variable whose share is below the network's unexplained variance is within
the error of the best network the selector could train.

Usage::

    python benchmarks/dev/dev_boruta.py --part real --variants sub50_p10 sub50_p3
    python benchmarks/dev/dev_boruta.py --part A --seeds 0-9 --variants ixg_p10 sub50_p4
    python benchmarks/dev/dev_boruta.py --part ceiling --seeds 0-19 \\
        --out benchmarks/results/dev/boruta-ceiling.jsonl
"""

import argparse
import json
import os
import sys
import warnings

import numpy as np
from joblib import Parallel, delayed

# benchmarks/ itself: bench_generalization, _resumable, ...
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from _full_iterations import set_full_iterations  # noqa: E402
from _no_refine import set_path_variant  # noqa: E402
from bench_all_relevant import _grootcv  # noqa: E402
from bench_all_relevant import _score as _cv_score  # noqa: E402
from bench_generalization import (  # noqa: E402
    _int_list,
    _quality,
    cpu_seconds,
    low_signal_formula,
    random_formula,
    real_data,
    timed_fit,
    training_draw,
)

# The development network: 2 x 64 GELU, full batch, lr 0.003, at least 300
# epochs per iteration (then until the early-stopping loss levels off).
NET = {"hidden_layer_sizes": (64, 64), "lr": 0.003, "max_epochs": 300}
VARIANTS = {
    "ixg_p10": {"attribution": "input_x_gradient", "input_penalty": 10.0},
    "ixg_p3": {"attribution": "input_x_gradient", "input_penalty": 3.0},
    "sal_p10": {"attribution": "saliency", "input_penalty": 10.0},
    "ixg_p30": {"attribution": "input_x_gradient", "input_penalty": 30.0},
    "ixg_auto": {"attribution": "input_x_gradient", "input_penalty": "auto"},
    # A random share of the units in play per iteration, each with its shadow;
    # each unit is tested on the iterations that included it.
    "sub50_p10": {"input_penalty": 10.0, "max_features": 0.5, "max_iter": 60},
    "sub30_p10": {"input_penalty": 10.0, "max_features": 0.3, "max_iter": 80},
    "sub50_p10_i100": {"input_penalty": 10.0, "max_features": 0.5, "max_iter": 100},
    "sub50_p4": {"input_penalty": 4.0, "max_features": 0.5, "max_iter": 60},
    "sub50_p1.5": {"input_penalty": 1.5, "max_features": 0.5, "max_iter": 60},
    "ixg_p4": {"attribution": "input_x_gradient", "input_penalty": 4.0},
    # The defaults chosen (max_features=0.5, input_penalty="auto" scaled by
    # the rows), run to 100 iterations: at_60 / at_80 are max_iter 60 / 80.
    "auto_i100": {"max_iter": 100},
    "sub50_p3": {"input_penalty": 3.0, "max_features": 0.5, "max_iter": 60},
    "sub50_p10_perc90": {
        "input_penalty": 10.0,
        "max_features": 0.5,
        "max_iter": 60,
        "perc": 90,
    },
}
# Held-out permutation importance (the drop of the score when a column is
# shuffled: usefulness, not sensitivity) on a random half of the features.
_PERM = {"attribution": "permutation", "attribution_params": {"n_repeats": 3}}
VARIANTS["perm_sub50"] = {**_PERM, "max_features": 0.5, "max_iter": 60}
VARIANTS["perm_sub50_p0.3"] = {**VARIANTS["perm_sub50"], "input_penalty": 0.3}
# Input dropout 0.3 of the iterations' nets (the fourth round; this code's
# defaults, where "auto" already sets it): "nodrop" switches it off.
VARIANTS["dropout"] = {"max_iter": 60}
VARIANTS["nodrop"] = {"max_iter": 60, "input_dropout": 0.0}
# "pick": the input penalty chosen per fit, by the held-out loss of one
# iteration-like network (a random half of the columns with their shadows,
# 75% of the rows) at each multiple of the "auto" strength in PICK_GRID.
VARIANTS["pick"] = {"max_iter": 60}
# "pick2" (sixth round): the same grid without 1/16, two splits (each its
# own random half of the columns with shadows and 75% of the rows), the
# mean held-out loss per factor, and the mildest factor whose mean loss is
# within one standard error (over the two splits) of the best one.
VARIANTS["pick2"] = {"max_iter": 60}
PICK2_GRID = (0.125, 0.25, 0.5, 1.0, 2.0)
# "chosen": the library's own choice under input_penalty="auto" (the
# sixth round's candidate default, skchaos/feature_selection/
# _penalty_choice.py: pick2's rule with the selector's own training).
VARIANTS["chosen"] = {"max_iter": 60, "confirm_minimal": False}
# "minimal": the tenth round (seventh session): AttributionRFE's
# minimal-optimal set, its units with a held-out usefulness z >= 3,
# confirmed before the iterations (``confirm_minimal=True``). It keeps the
# z of 3 it was measured with; the library's default is 2.5 since the
# tenth session ("z2.5").
VARIANTS["minimal"] = {"max_iter": 60, "confirm_minimal": True, "confirm_z": 3.0}
# The twelfth round (ninth session), on low-signal data: the iterations'
# epoch floor as a share of max_epochs (the library's 0.2, ITERATION_MIN_SHARE)
# and the usefulness z that confirms the minimal set (CONFIRM_Z, 3.0 then,
# 2.5 since), both patched in the worker by _selector.
VARIANTS["floor50"] = {"max_iter": 60, "min_share": 0.5}
VARIANTS["floor100"] = {"max_iter": 60, "min_share": 1.0}
# Sixteenth round, sixth part: a lower floor for the iterations' epochs
# (a tenth of max_epochs instead of a fifth), for CPU on small tables.
VARIANTS["floor10"] = {"max_iter": 60, "min_share": 0.1}
VARIANTS["z2"] = {"max_iter": 60, "confirm_z": 2.0}
VARIANTS["z2.5"] = {"max_iter": 60, "confirm_z": 2.5}
# The iterations run to max_iter, without the early stop of the fifteenth
# session (_full_iterations.py); the defaults otherwise.
VARIANTS["full_iter"] = {"max_iter": 60}
# Every unit in every iteration, half the iterations: the same trials per
# unit at about half the iterations' CPU on small tables, where an
# iteration's cost hardly depends on its width (fifteenth session).
VARIANTS["full30"] = {"max_iter": 30, "max_features": 1.0}
# The minimal-optimal path without the single-unit redo of the fifteenth
# session (_no_refine.py); the defaults otherwise.
VARIANTS["norefine"] = {"max_iter": 60}
# The thirteenth round (tenth session), on low-signal data: the "auto"
# penalty's grid of factors (_penalty_choice.FACTORS, 0.125-2) reaches
# 4x and 8x the rule, the strengths at which a probe on a low-signal seed
# left only some columns in use; the mildest-within-one-SE choice keeps
# the milder factors wherever they do as well. "sub0.2": each iteration
# draws a fifth of the features in play (max_features 0.5 by default).
VARIANTS["grid8"] = {"max_iter": 60, "factors": (0.125, 0.25, 0.5, 1, 2, 4, 8)}
# The fourteenth round (eleventh session): the minimal-optimal path's warm
# rounds with AttributionRFE's RoundTraining(patience="auto") (half the net's
# patience, no epoch for a round that starts converged) instead of the net's
# own (_minimal.MINIMAL_PATIENCE, patched in the worker).
VARIANTS["min_patience_auto"] = {"max_iter": 60, "minimal_patience": "auto"}
# The minimal-optimal path's first network at AttributionRFE's faster rate
# (RoundTraining(first_lr_factor="auto")) instead of the net's own.
VARIANTS["min_lr_auto"] = {"max_iter": 60, "minimal_first_lr": "auto"}
VARIANTS["sub0.2"] = {"max_iter": 60, "max_features": 0.2}
# "rank*": the sixth round. Besides Boruta's hits (beating the best shadow),
# each feature's percentile among the shadows at every trial (mid-rank over
# n_shadows + 1; uniform with mean 1/2 for a feature exchangeable with its
# shadows) is summed; a feature whose mean percentile is significantly above
# 1/2 (z test, Benjamini-Hochberg over the open features, then Bonferroni
# over its trials) is confirmed, and one that Boruta would reject is kept
# while its mean percentile is above 1/2 at the unadjusted level RANK_PROTECT.
VARIANTS["rank"] = {"max_iter": 60}
VARIANTS["rank_half"] = {"max_iter": 60, "penalty_factor": 0.5}
VARIANTS["rank_only"] = {"max_iter": 60}  # rank confirmation, no protection
# "rank_pair": each feature against its own shadow only (the shadows of other
# features have other distributions, which biased "rank" on breast cancer:
# 25 noise columns confirmed on breast_small fold 0), by Wilcoxon's
# signed-rank test of (real - own shadow) / median shadow over the trials.
VARIANTS["rank_pair"] = {"max_iter": 60}
VARIANTS["fixed"] = {"max_iter": 60}
VARIANTS["fixed_half"] = {"max_iter": 60, "penalty_factor": 0.5}
VARIANTS["fixed_max"] = {"max_iter": 60}
VARIANTS["fixed_log"] = {"max_iter": 60}
FIXED_MIN = 6
VARIANTS["rank_pair_half"] = {"max_iter": 60, "penalty_factor": 0.5}
RANK_PROTECT = 0.05
# "twobar*" (seventh round): Boruta's confirmation unchanged (hits against
# the best shadow), but a unit is rejected only when it falls short of a
# lower bar, the shadows' 75th / 90th percentile, significantly often (the
# same binomial test on the counts above that bar). A weak relevant column
# that loses to the best of many shadows while the noise is still in play,
# but beats most of them, stays tentative until it can be confirmed.
VARIANTS["twobar75"] = {"max_iter": 60}
VARIANTS["twobar90"] = {"max_iter": 60}
# "cap*" (seventh round): Boruta's test unchanged, but an iteration rejects
# at most this share of the units in play: those of its rejections with the
# lowest importance at this iteration (relative to the best shadow's). The
# noise leaves over several iterations, as on AttributionRFE's path, so that
# a weak variable ranked among the noise by a crowded network can survive
# until the networks, with fewer columns, use it.
VARIANTS["cap20"] = {"max_iter": 60}
VARIANTS["cap10"] = {"max_iter": 60}
# "rank10": Boruta's confirmation unchanged; no binomial rejection. Each
# iteration rejects, of the tentative units it included that score below
# the shadows' median, the 10% of the units in play with the lowest
# importance: the noise leaves at the pace of AttributionRFE's path, and a
# weak variable that climbs above the shadows' median as the networks lose
# noise is never rejected.
VARIANTS["rank10"] = {"max_iter": 60}
VARIANTS["rank10_nodrop"] = {"max_iter": 60, "input_dropout": 0.0}
VARIANTS["rank10_nodrop_p0"] = {
    "max_iter": 60,
    "input_dropout": 0.0,
    "input_penalty": 0.0,
}
PICK_GRID = (0.0625, 0.125, 0.25, 0.5, 1.0, 2.0)
TRUNCATE = (10, 20, 30, 40, 50, 60, 80)


def _configure_fixed(variant, boruta_module, _shadow):
    """The "fixed" test: one shadow per feature for the whole fit, mean importances.

    Each column's shadow is drawn once (a permutation seeded by the column's
    values), so that a real feature without signal and its shadow are
    exchangeable over all iterations, including their chance association
    with the target in this sample. Importances are divided by the median
    shadow importance of their iteration and averaged over each unit's
    trials; the shadows of the units in play give the null distribution of
    those means. Confirmed: mean above mean + z sd of the shadows' means
    (z at alpha / n_units, one-sided; from FIXED_MIN trials). Rejected: mean
    below the shadows' median from FIXED_MIN trials, their 75th percentile
    from 2 x FIXED_MIN, their 90th from 3 x FIXED_MIN.
    """
    from scipy.stats import norm

    def fixed_shadows(X, unit_of, rng):
        unit_of = np.asarray(unit_of)
        n_units = int(unit_of.max()) + 1 if unit_of.size else 0
        shadows = np.empty_like(X)
        for unit in range(n_units):
            columns = np.flatnonzero(unit_of == unit)
            key = np.ascontiguousarray(X[:, columns]).tobytes()
            seed = int.from_bytes(
                __import__("hashlib").sha1(key).digest()[:4], "little"
            )
            order = np.random.RandomState(seed).permutation(X.shape[0])
            shadows[:, columns] = X[order][:, columns]
        return np.concatenate([X, shadows], axis=1), np.r_[unit_of, n_units + unit_of]

    class FixedShadowTest(_shadow.ShadowTest):
        def update(self, units, real_importances, shadow_importances):
            if not hasattr(self, "shadow_sum"):
                self.real_sum = np.zeros(self.n_units)
                self.shadow_sum = np.zeros(self.n_units)
            self.record(units, real_importances, shadow_importances)
            units = np.asarray(units)
            real = np.asarray(real_importances, float)
            own = np.asarray(shadow_importances, float)
            scale = max(float(np.median(own)), 1e-12)
            self.real_sum[units] += real / scale
            self.shadow_sum[units] += own / scale
            play = self.in_play()
            n = np.maximum(self.n_trials, 1)
            r_mean, s_mean = self.real_sum / n, self.shadow_sum / n
            ref = s_mean[play][self.n_trials[play] >= FIXED_MIN]
            open_ = self.tentative()
            if ref.size < 5:
                return np.zeros(0, int), np.zeros(0, int)
            z = norm.isf(self.alpha / self.n_units)
            if variant.startswith("fixed_max"):
                high = ref.max()
            elif variant.startswith("fixed_log"):
                logs = np.log(np.maximum(ref, 1e-6))
                high = np.exp(logs.mean() + z * logs.std())
            else:
                high = ref.mean() + z * ref.std()
            t = self.n_trials[open_]
            low = np.select(
                [t >= 3 * FIXED_MIN, t >= 2 * FIXED_MIN, t >= FIXED_MIN],
                [np.percentile(ref, 90), np.percentile(ref, 75), np.median(ref)],
                -np.inf,
            )
            ready = t >= FIXED_MIN
            confirm = ready & (r_mean[open_] > high)
            reject = ready & (r_mean[open_] < low)
            return self.decide(open_[confirm], open_[reject])

    boruta_module.shadow_columns = fixed_shadows
    boruta_module.ShadowTest = FixedShadowTest


def _signed_rank_p(diffs):
    """One-sided p of Wilcoxon's signed-rank test that the differences exceed 0."""
    from scipy.stats import norm, rankdata

    d = np.asarray(diffs, float)
    d = d[d != 0]
    n = d.size
    if n < 3:
        return 1.0
    ranks = rankdata(np.abs(d))
    w = ranks[d > 0].sum() - n * (n + 1) / 4
    return float(norm.sf(w / np.sqrt(n * (n + 1) * (2 * n + 1) / 24)))


def _configure(variant, penalty_factor):
    """This worker's AttributionBoruta: its test and its "auto" penalty's factor."""
    from scipy.stats import norm

    import skchaos.feature_selection._boruta as boruta_module
    from skchaos.feature_selection import _boruta_steps, _shadow

    rule = _library_value(_boruta_steps, "auto_iteration_penalty")

    def scaled_penalty(*args):
        return penalty_factor * rule(*args)

    # Read by iteration_trainer (in _boruta_steps since 2026-12-07).
    _boruta_steps.auto_iteration_penalty = scaled_penalty
    boruta_module.ShadowTest = _shadow.ShadowTest
    set_full_iterations(variant == "full_iter")
    set_path_variant(variant != "norefine")
    boruta_module.shadow_columns = _shadow.shadow_columns
    if variant.startswith("fixed"):
        _configure_fixed(variant, boruta_module, _shadow)
        return
    if variant.startswith("rank10"):

        class RankRejectShadowTest(_shadow.ShadowTest):
            def update(self, units, real_importances, shadow_importances):
                units = np.asarray(units)
                real = np.asarray(real_importances, float)
                n_play = len(self.in_play())
                self.record(units, real, shadow_importances)
                open_ = self.tentative()
                confirm, _ = _shadow.boruta_decisions(
                    self.hit_counts[open_],
                    self.n_trials[open_],
                    self.alpha,
                    self.two_step,
                )
                confirmed, _ = self.decide(open_[confirm], open_[:0])
                median = float(np.median(shadow_importances))
                low = (real < median) & (self.decision[units] == _shadow.TENTATIVE)
                candidates = units[low]
                k = max(1, int(np.ceil(0.1 * n_play)))
                order = np.argsort(real[low], kind="stable")
                _, rejected = self.decide(open_[:0], np.sort(candidates[order[:k]]))
                return confirmed, rejected

        boruta_module.ShadowTest = RankRejectShadowTest
        return
    if variant.startswith("cap"):
        share = float(variant[3:]) / 100

        class CappedShadowTest(_shadow.ShadowTest):
            def update(self, units, real_importances, shadow_importances):
                units = np.asarray(units)
                real = np.asarray(real_importances, float)
                best = max(float(np.max(shadow_importances)), 1e-12)
                latest = np.full(self.n_units, np.inf)
                latest[units] = real / best
                n_play = len(self.in_play())
                confirmed, rejected = super().update(
                    units, real_importances, shadow_importances
                )
                cap = max(1, int(np.ceil(share * n_play)))
                if len(rejected) > cap:  # undo all but the cap weakest
                    order = np.argsort(latest[rejected], kind="stable")
                    back = rejected[order[cap:]]
                    self.decision[back] = _shadow.TENTATIVE
                    self.decided_at[back] = -1
                    rejected = np.sort(rejected[order[:cap]])
                return confirmed, rejected

        boruta_module.ShadowTest = CappedShadowTest
        return
    if variant.startswith("twobar"):
        low_perc = float(variant[len("twobar") :])

        class TwoBarShadowTest(_shadow.ShadowTest):
            def update(self, units, real_importances, shadow_importances):
                if not hasattr(self, "low_counts"):
                    self.low_counts = np.zeros(self.n_units, dtype=int)
                self.record(units, real_importances, shadow_importances)
                self.low_counts[np.asarray(units)] += _shadow.hits(
                    real_importances, shadow_importances, low_perc
                )
                open_ = self.tentative()
                n = self.n_trials[open_]
                confirm, _ = _shadow.boruta_decisions(
                    self.hit_counts[open_], n, self.alpha, self.two_step
                )
                _, reject = _shadow.boruta_decisions(
                    self.low_counts[open_], n, self.alpha, self.two_step
                )
                return self.decide(open_[confirm], open_[reject & ~confirm])

        boruta_module.ShadowTest = TwoBarShadowTest
        return
    if not variant.startswith("rank"):
        return

    protect = 0.0 if variant == "rank_only" else RANK_PROTECT  # noqa: F841

    class RankShadowTest(_shadow.ShadowTest):
        def update(self, units, real_importances, shadow_importances):
            if not hasattr(self, "rank_sum"):
                self.rank_sum = np.zeros(self.n_units)
                self.diffs = [[] for _ in range(self.n_units)]
            self.record(units, real_importances, shadow_importances)
            units = np.asarray(units)
            real = np.asarray(real_importances, float)
            own = np.asarray(shadow_importances, float)
            shadows = np.sort(own)
            below = np.searchsorted(shadows, real, "left")
            above = np.searchsorted(shadows, real, "right")
            self.rank_sum[units] += ((below + above) / 2 + 0.5) / (shadows.size + 1)
            scale = max(float(np.median(own)), 1e-12)
            for unit, d in zip(units, (real - own) / scale):
                self.diffs[unit].append(d)
            open_ = self.tentative()
            n = self.n_trials[open_]
            confirm, reject = _shadow.boruta_decisions(
                self.hit_counts[open_], n, self.alpha, self.two_step
            )
            if variant.startswith("rank_pair"):
                p_up = np.array([_signed_rank_p(self.diffs[u]) for u in open_])
            else:
                z = (self.rank_sum[open_] / np.maximum(n, 1) - 0.5) * np.sqrt(12 * n)
                p_up = np.where(n >= 3, norm.sf(z), 1.0)
            confirm |= _shadow.benjamini_hochberg(p_up, self.alpha) & (
                p_up <= self.alpha / np.maximum(n, 1)
            )
            reject &= ~confirm & (p_up > protect)
            return self.decide(open_[confirm], open_[reject])

    boruta_module.ShadowTest = RankShadowTest


def _selector(variant, classifier, seed, max_iter, net=None):
    from skchaos.feature_selection import AttributionBoruta
    from skchaos.neural import MLPClassifier, MLPRegressor

    params = NET if net is None else net
    net = (MLPClassifier if classifier else MLPRegressor)(**params)
    kwargs = {"max_iter": max_iter, "attribution": "input_x_gradient"}
    kwargs.update(VARIANTS[variant])
    _configure(variant, kwargs.pop("penalty_factor", 1.0))
    from skchaos.feature_selection import _boruta_steps, _minimal, _penalty_choice

    for module, name, knob in (
        (_boruta_steps, "ITERATION_MIN_SHARE", "min_share"),
        (_penalty_choice, "FACTORS", "factors"),
        (_minimal, "CONFIRM_Z", "confirm_z"),
        (_minimal, "MINIMAL_PATIENCE", "minimal_patience"),
        (_minimal, "MINIMAL_FIRST_LR_FACTOR", "minimal_first_lr"),
    ):
        library = _library_value(module, name)
        setattr(module, name, kwargs.pop(knob, library))
    return AttributionBoruta(net, random_state=seed, **kwargs)


def _library_value(module, name):
    """The library's own ``module.name``, kept on first use in this worker.

    The variants patch such module constants per cell, and the worker
    processes are reused across cells: each cell starts from this value.
    """
    return vars(module).setdefault(f"_library_{name}", getattr(module, name))


def pick_penalty_robust(X, y, classifier, seed, n_splits=2):
    """The mildest penalty of PICK2_GRID x "auto" within 1 SE of the best loss."""
    runs = [
        pick_penalty(X, y, classifier, seed * 100 + k, grid=PICK2_GRID)[1]
        for k in range(n_splits)
    ]
    losses = np.array([[run["losses"][f] for f in PICK2_GRID] for run in runs])
    mean = losses.mean(axis=0)
    se = losses.std(axis=0, ddof=1) / np.sqrt(n_splits)
    best = int(np.argmin(mean))
    factor = PICK2_GRID[int(np.flatnonzero(mean <= mean[best] + se[best])[0])]
    auto = runs[0]["auto"]
    info = {"auto": auto, "best_factor": factor, "mean_losses": mean.round(5).tolist()}
    return auto * factor, info


def pick_penalty(X, y, classifier, seed, grid=None):
    """The penalty of PICK_GRID x "auto" whose network predicts held-out rows best."""
    from sklearn.model_selection import train_test_split

    from skchaos.feature_selection._boruta_steps import auto_iteration_penalty
    from skchaos.neural import MLPClassifier, MLPRegressor

    rng = np.random.RandomState(seed)
    kind = MLPClassifier if classifier else MLPRegressor
    half = rng.choice(X.shape[1], int(np.ceil(X.shape[1] / 2)), replace=False)
    real = X[:, half]
    shadows = np.column_stack([rng.permutation(c) for c in real.T])
    X_aug = np.hstack([real, shadows])
    split = train_test_split(
        np.arange(len(y)),
        test_size=0.25,
        random_state=seed,
        stratify=y if classifier else None,
    )
    train, val = split
    mean, std = X_aug[train].mean(0), X_aug[train].std(0) + 1e-12
    X_aug = ((X_aug - mean) / std).astype(np.float32)
    if not classifier:
        y = ((y - y[train].mean()) / y[train].std()).astype(np.float32)
    auto = auto_iteration_penalty(kind(**NET), X_aug.shape[1], len(train) * 0.9)
    losses = {}
    for factor in grid or PICK_GRID:
        net = kind(**NET, input_penalty=auto * factor, random_state=seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net.fit(X_aug[train], y[train])
        if classifier:
            proba = np.clip(net.predict_proba(X_aug[val]), 1e-7, 1)
            codes = np.searchsorted(net.classes_, y[val])
            losses[factor] = float(-np.mean(np.log(proba[np.arange(len(val)), codes])))
        else:
            error = net.predict(X_aug[val]).ravel() - y[val]
            losses[factor] = float(np.mean(error**2))
    best = min(losses, key=losses.get)
    return auto * best, {"auto": round(auto, 3), "best_factor": best, "losses": losses}


def _supports(selector):
    """The final support, and the confirmed features at each ``TRUNCATE``."""
    out = {"final": selector.support_}
    confirmed = selector.ranking_ == 1
    for t in TRUNCATE:
        if t < selector.n_iter_:
            at = selector.decision_iteration_
            out[f"at_{t}"] = confirmed & (at >= 1) & (at <= t)
    return out


def real_cell(name, fold, variant, max_iter, net=None):
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import KFold, StratifiedKFold

    small = name.endswith("_small")  # 142 training rows, as wine's folds
    X, y, relevant, classifier = real_data(name.removesuffix("_small"), 0)
    splitter = (StratifiedKFold if classifier else KFold)(
        5, shuffle=True, random_state=0
    )
    train, test = list(splitter.split(X, y))[fold]
    if small:
        train = train[:142]
    row = {"part": "real", "dataset": name, "fold": fold, "variant": variant}
    if variant == "real_only":
        row["cv_score"] = _cv_score(X, y, train, test, relevant, classifier)
        return row
    selector = _selector(variant, classifier, fold, max_iter, net)
    if variant == "pick":
        penalty, row["pick"] = pick_penalty(X[train], y[train], classifier, fold)
        selector.set_params(input_penalty=penalty)
    if variant == "pick2":
        cpu = cpu_seconds()
        penalty, row["pick"] = pick_penalty_robust(X[train], y[train], classifier, fold)
        row["pick_cpu_s"] = round(cpu_seconds() - cpu, 1)
        selector.set_params(input_penalty=penalty)
    row["wall_s"], row["cpu_s"] = timed_fit(selector, X[train], y[train])
    row["n_iter"] = selector.n_iter_
    row["input_penalty"] = getattr(selector, "input_penalty_", None)
    row["iteration_lr"] = getattr(selector, "iteration_lr_", None)
    row["weak_real"] = int(selector.support_weak_[relevant].sum())
    row["weak_noise"] = int(selector.support_weak_[~relevant].sum())
    minimal = getattr(selector, "support_minimal_", None)
    if minimal is not None:  # confirmed before the iterations
        row["minimal_real"] = int(minimal[relevant].sum())
        row["minimal_noise"] = int(minimal[~relevant].sum())
    for key, support in _supports(selector).items():
        row[key] = {
            "real": int(support[relevant].sum()),
            "noise": int(support[~relevant].sum()),
            "cv_score": _cv_score(X, y, train, test, support, classifier),
        }
    return row


def low_signal_draw(seed):
    """The training rows (80%) of ``low_signal_formula(seed)`` (``--part L``)."""
    return training_draw(seed, "A", data=low_signal_formula(seed))


def _peer_cell(X, y, relevant, seed, variant, row, grootcv_python):
    """GrootCV (``--grootcv-python``) or AttributionRFE on the same rows."""
    if variant == "grootcv":
        support, row["wall_s"], row["cpu_s"] = _grootcv(
            X, y, False, seed, grootcv_python
        )
    else:
        from skchaos.feature_selection import AttributionRFE
        from skchaos.neural import MLPRegressor

        selector = AttributionRFE(
            MLPRegressor(random_state=seed, max_epochs=300), random_state=seed
        )
        row["wall_s"], row["cpu_s"] = timed_fit(selector, X, y)
        support = selector.support_
    row["n_relevant"] = int(relevant.sum())
    row["final"] = _recall_precision(relevant, support)
    return row


def _recall_precision(relevant, support):
    """``{"recall", "precision"}`` of a selection (``_quality``'s, rounded alike)."""
    quality = _quality(relevant, support)
    return {"recall": quality["recall"], "precision": quality["precision"]}


def formula_cell(seed, variant, max_iter, net=None, part="A", grootcv_python=None):
    import torch

    torch.set_num_threads(1)

    if part == "L":
        X, y, relevant = low_signal_draw(seed)
    else:
        X, y, relevant = training_draw(seed, "A")
    row = {"part": part, "dataset": f"{part}-dev", "seed": seed, "variant": variant}
    if variant in ("grootcv", "rfe"):
        return _peer_cell(X, y, relevant, seed, variant, row, grootcv_python)
    selector = _selector(variant, False, seed, max_iter, net)
    if variant == "pick":
        penalty, row["pick"] = pick_penalty(X, y, False, seed)
        selector.set_params(input_penalty=penalty)
    if variant == "pick2":
        cpu = cpu_seconds()
        penalty, row["pick"] = pick_penalty_robust(X, y, False, seed)
        row["pick_cpu_s"] = round(cpu_seconds() - cpu, 1)
        selector.set_params(input_penalty=penalty)
    row["wall_s"], row["cpu_s"] = timed_fit(selector, X, y)
    row["n_iter"] = selector.n_iter_
    row["input_penalty"] = getattr(selector, "input_penalty_", None)
    row["iteration_lr"] = getattr(selector, "iteration_lr_", None)
    row["n_relevant"] = int(relevant.sum())
    row["weak_real"] = int(selector.support_weak_[relevant].sum())
    row["weak_noise"] = int(selector.support_weak_[~relevant].sum())
    minimal = getattr(selector, "support_minimal_", None)
    if minimal is not None:  # confirmed before the iterations
        row["minimal_real"] = int(minimal[relevant].sum())
        row["minimal_noise"] = int(minimal[~relevant].sum())
    # Each relevant column: -1 rejected, 0 tentative, 1 confirmed, and when.
    row["relevant_decisions"] = [
        [int(1 if s else (0 if w else -1)), int(t)]
        for s, w, t in zip(
            selector.support_[relevant],
            selector.support_weak_[relevant],
            selector.decision_iteration_[relevant],
        )
    ]
    row["n_in_play"] = [
        int(v)
        for v in np.add(
            selector.history_["n_confirmed"], selector.history_["n_tentative"]
        )
    ]
    for key, support in _supports(selector).items():
        row[key] = _recall_precision(relevant, support)
    return row


def ceiling_cell(seed):
    """The share of each relevant variable, and a network's unexplained variance."""
    import sympy
    import torch

    torch.set_num_threads(1)
    from sklearn.model_selection import train_test_split

    from skchaos.neural import MLPRegressor

    data = random_formula(seed, "A")
    symbols = sorted(data.formula.free_symbols, key=lambda s: s.name)
    formula = sympy.lambdify(symbols, data.formula, "numpy")
    columns = [data.variable_columns[s.name] for s in symbols]
    inputs = [data.data[:, c] for c in columns]
    clean = formula(*inputs)
    rng = np.random.RandomState(0)
    shares = {}
    for i, column in enumerate(columns):
        permuted = list(inputs)
        permuted[i] = permuted[i][rng.permutation(len(clean))]
        change = np.mean((formula(*permuted) - clean) ** 2)
        shares[str(column)] = float(change / (2 * data.target.var()))
    X, _, y, _ = train_test_split(
        data.data, data.target, test_size=0.2, random_state=seed
    )
    X = ((X - X.mean(0)) / X.std(0))[:, np.asarray(columns)].astype(np.float32)
    y = ((y - y.mean()) / y.std()).astype(np.float32)
    train, val = train_test_split(np.arange(len(y)), test_size=0.25, random_state=0)
    net = MLPRegressor(**NET, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net.fit(X[train], y[train])
    residual = np.mean((net.predict(X[val]).ravel() - y[val]) ** 2) / y[val].var()
    return {
        "part": "ceiling",
        "seed": seed,
        "unexplained": round(float(residual), 5),
        "shares": {k: float(f"{v:.3g}") for k, v in shares.items()},
        "visible": int(sum(v >= residual for v in shares.values())),
        "n_relevant": len(shares),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("real", "A", "L", "ceiling"), default="real")
    parser.add_argument("--grootcv-python", default=None)
    parser.add_argument("--tables", nargs="+", default=["diabetes", "breast"])
    parser.add_argument("--folds", type=_int_list, default=list(range(5)))
    parser.add_argument("--seeds", type=_int_list, default=list(range(20)))
    parser.add_argument("--variants", nargs="+", default=["ixg_p10"])
    parser.add_argument("--max-iter", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--net",
        type=json.loads,
        default=None,
        help="JSON of the network's parameters instead of NET (the development "
        "2 x 64), e.g. '{\"max_epochs\": 300}' for the library's 3 x 100",
    )
    parser.add_argument("--out", default="benchmarks/results/dev/boruta-dev.jsonl")
    args = parser.parse_args(argv)
    if args.part == "real":
        cells = [
            (real_cell, (name, fold, v, args.max_iter, args.net))
            for name in args.tables
            for fold in args.folds
            for v in args.variants
        ]
    elif args.part == "ceiling":
        cells = [(ceiling_cell, (seed,)) for seed in args.seeds]
    else:
        cells = [
            (
                formula_cell,
                (seed, v, args.max_iter, args.net, args.part, args.grootcv_python),
            )
            for seed in args.seeds
            for v in args.variants
        ]
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    results = Parallel(n_jobs=min(args.jobs, 2), return_as="generator_unordered")(
        delayed(f)(*a) for f, a in cells
    )
    for row in results:
        if row["part"] == "ceiling":
            row["net"] = NET
            with open(args.out, "a") as f:
                f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)
            continue
        row["max_iter"] = VARIANTS.get(row["variant"], {}).get(
            "max_iter", args.max_iter
        )
        row["params"] = VARIANTS.get(row["variant"])
        row["net"] = NET if args.net is None else args.net
        with open(args.out, "a") as f:
            f.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
