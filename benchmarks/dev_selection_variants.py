"""Dev-draw experiment: AttributionRFE variants on make_random_symbolic seeds."""
import json, sys, time, warnings
import numpy as np
from sklearn.model_selection import train_test_split
import torch
torch.set_num_threads(1)
warnings.filterwarnings("ignore")
from skchaos.datasets import make_random_symbolic
from skchaos.feature_selection import AttributionRFE
import skchaos.feature_selection._rfe as rfe_mod
import skchaos.feature_selection._path as path_mod
from skchaos.neural import MLPRegressor

captured = {}
orig = rfe_mod.smallest_acceptable
def spy(scores, losses, sizes, tol):
    captured["args"] = (list(scores), [None if l is None else np.asarray(l) for l in losses], list(sizes))
    return orig(scores, losses, sizes, tol)
rfe_mod.smallest_acceptable = spy

def f1(truth, got):
    tp = len(set(truth) & set(got)); 
    if tp == 0: return 0.0, 0.0, 0.0
    p, r = tp / len(got), tp / len(truth); return p, r, 2 * p * r / (p + r)

def run(seed, n_samples, n_noise, net_kw, sel_kw):
    d = make_random_symbolic(n_relevant=3 + seed % 5, n_samples=n_samples, n_noise_features=n_noise,
                             shuffle_features=True, random_state=seed, return_X_y=False)
    import os
    X, y = d.data, d.target
    if os.environ.get("STDX"): X = X / X.std(0)
    if os.environ.get("STDY"): y = (y - y.mean()) / y.std()
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, random_state=seed)
    t, c = time.time(), time.process_time()
    if os.environ.get("NIT"): net_kw = {**net_kw, "n_iter_no_change": int(os.environ["NIT"])}
    sel = AttributionRFE(MLPRegressor(**net_kw), random_state=seed, **sel_kw).fit(Xtr, ytr)
    wall, cpu = time.time() - t, time.process_time() - c
    truth = np.flatnonzero(d.relevant_mask)
    out = {"seed": seed, "formula": str(d.formula), "wall": wall, "cpu": cpu, "n_rounds": len(sel.history_["score"]),
           "epochs": int(np.nansum([e or 0 for e in sel.history_["epochs"]]))}
    scores, losses, sizes = captured["args"]
    feats = sel.history_["features"]
    for kind in ("best", "paired"):
        path_mod._SE_KIND = kind
        k = path_mod.smallest_acceptable(scores, losses, sizes, "auto")
        out[kind] = f1(truth, feats[k])
    path_mod._SE_KIND = "best"
    for tol in (0.02, 0.05):
        k = path_mod.smallest_acceptable(scores, losses, sizes, tol)
        out[f"tol{tol}"] = f1(truth, feats[k])
    # oracle: best F1 along the path (ranking quality)
    out["oracle"] = max(f1(truth, f)[2] for f in feats)
    return out

if __name__ == "__main__":
    seeds = [int(s) for s in sys.argv[1].split(",")]
    setting = sys.argv[2]
    sel_kw = json.loads(sys.argv[3]) if len(sys.argv) > 3 else {}
    if setting == "A":
        args = (3000, 60, {"max_epochs": 300})
    else:
        args = (10000, 100, {})
    for s in seeds:
        r = run(s, *args, sel_kw)
        print(json.dumps(r), flush=True)
