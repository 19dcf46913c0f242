"""Localization benchmark: do attributions find the informative region?

For each of the four ChaosMining conditions (RBFP, RBRP, SBFP, SBRP: random
or structured background, fixed or random position) and both modalities, this
script trains the default skchaos classifier on the synthetic localization
data, reports its test accuracy, and scores four attribution methods against
the known informative region on test samples:

- images (:func:`~skchaos.datasets.make_image_localization`, a 16 px digit in
  a 64 px image, :class:`~skchaos.neural.CNNClassifier`): the top-k bounding
  box IoU of the paper (:func:`~skchaos.metrics.localization_iou_score`) and
  the pointing game (:func:`~skchaos.metrics.pointing_game_score`);
  ``feature_ablation`` ablates 8x8 patches (a ``feature_mask``) to stay cheap;
- audio (:func:`~skchaos.datasets.make_audio_localization`, one informative
  channel out of 10, :class:`~skchaos.neural.AudioCNNClassifier` with its
  default shared, channel-pooled encoder; ``--audio-channel-pooling none``
  for the channel-mixing network): the informative channel's share of the
  attribution mass
  (:func:`~skchaos.metrics.channel_localization_score`); ``feature_ablation``
  ablates whole channels.

A "random" row scores uniform random attributions: the chance level of each
score. With ``--rfe``, :class:`~skchaos.feature_selection.AttributionRFE`
then selects channels on audio RBFP data (the clip is always on channel 0).

The cells run in ``--jobs`` worker processes with one torch thread each.
The script prints markdown tables; ``--out`` also writes one CSV row per
cell and method (and per channel-selection run), the file that backs the
figures of ``benchmarks/README.md``.

Usage::

    # the table and the channel selection (about 11 + 3 min on 2 idle cores)
    python benchmarks/bench_localization.py --rfe --jobs 2 \
        --out benchmarks/results/localization.csv
    python benchmarks/bench_localization.py --quick    # a smoke test (~1 min)
"""

import argparse
import csv
import datetime
import platform
import time
from pathlib import Path

import numpy as np
from joblib import Parallel, delayed

CONDITIONS = ("RBFP", "RBRP", "SBFP", "SBRP")
METHODS = ("saliency", "integrated_gradients", "deeplift", "feature_ablation")
LABELS = {
    "saliency": "saliency",
    "integrated_gradients": "IG",
    "deeplift": "DeepLift",
    "feature_ablation": "ablation",
    "random": "random",
}

# Sizes: full run, and --quick.
IMAGE = {
    "full": {"n_train": 1000, "n_test": 300, "max_epochs": 15, "n_explain": 200},
    "quick": {"n_train": 200, "n_test": 40, "max_epochs": 2, "n_explain": 20},
}
AUDIO = {
    "full": {"n_train": 1000, "n_test": 300, "max_epochs": 10, "n_explain": 100},
    "quick": {"n_train": 200, "n_test": 40, "max_epochs": 2, "n_explain": 20},
}
# Signals of the channel selection (--rfe).
RFE_SIGNALS = {"full": 1000, "quick": 300}


def _attributions(clf, X, method, mask, seed):
    from skchaos.attribution import attribute

    if method == "random":
        return np.random.RandomState(seed).random_sample(X.shape)
    params = {}
    if method == "integrated_gradients":
        params = {"n_steps": 20}
    elif method == "feature_ablation":
        params = {"feature_mask": mask, "perturbations_per_eval": 8}
    return attribute(clf, X, method=method, batch_size=256, **params)


def _report(modality, condition, accuracy, scores, fit_time, start, cpu):
    """Print a progress line and return the cell's results."""
    total, cpu = time.perf_counter() - start, time.process_time() - cpu
    print(
        f"{modality} {condition}: accuracy {accuracy:.2f}, fit {fit_time:.0f} s, "
        f"all {total:.0f} s wall, {cpu:.0f} s CPU",
        flush=True,
    )
    return modality, condition, accuracy, scores, fit_time, total, cpu


def _train_and_score(modality, condition, data, clf, sizes, mask, score, seed):
    """Fit ``clf`` on the first rows, then score every method's attributions.

    ``score(values, rows)`` compares the attributions of the explained test
    rows (a slice of ``data``) with their ground truth.
    """
    X, y, n_train = data.data, data.target, sizes["n_train"]
    start, cpu = time.perf_counter(), time.process_time()
    clf.fit(X[:n_train], y[:n_train])
    fit_time = time.perf_counter() - start
    accuracy = clf.score(X[n_train:], y[n_train:])
    explain = slice(n_train, n_train + sizes["n_explain"])
    scores = {
        method: score(_attributions(clf, X[explain], method, mask, seed), explain)
        for method in (*METHODS, "random")
    }
    return _report(modality, condition, accuracy, scores, fit_time, start, cpu)


def image_cell(condition, sizes, seed):
    """Train CNNClassifier on one image condition and score the attributions."""
    import torch

    from skchaos.datasets import make_image_localization
    from skchaos.metrics import localization_iou_score, pointing_game_score
    from skchaos.neural import CNNClassifier

    torch.set_num_threads(1)
    data = make_image_localization(
        n_samples=sizes["n_train"] + sizes["n_test"],
        condition=condition,
        image_size=64,
        patch_size=16,
        random_state=seed,
        return_X_y=False,
    )
    clf = CNNClassifier(max_epochs=sizes["max_epochs"], random_state=seed)
    rows, cols = np.divmod(np.arange(64 * 64), 64)
    patches = ((rows // 8) * 8 + cols // 8).reshape(64, 64)

    def score(values, explain):
        return (
            localization_iou_score(values, data.foreground_box[explain]),
            pointing_game_score(values, data.foreground_mask[explain]),
        )

    return _train_and_score("image", condition, data, clf, sizes, patches, score, seed)


def audio_cell(condition, sizes, seed):
    """Train AudioCNNClassifier on one audio condition and score attributions."""
    import torch

    from skchaos.datasets import make_audio_localization
    from skchaos.metrics import channel_localization_score
    from skchaos.neural import AudioCNNClassifier

    torch.set_num_threads(1)
    data = make_audio_localization(
        n_samples=sizes["n_train"] + sizes["n_test"],
        condition=condition,
        n_channels=10,
        n_timesteps=4000,
        random_state=seed,
        return_X_y=False,
    )
    clf = AudioCNNClassifier(
        max_epochs=sizes["max_epochs"],
        channel_pooling=sizes["channel_pooling"],
        stride=sizes["stride"],
        random_state=seed,
    )
    channels = np.arange(10)[:, None]

    def score(values, explain):
        return (channel_localization_score(values, data.informative_channel[explain]),)

    return _train_and_score("audio", condition, data, clf, sizes, channels, score, seed)


def rfe_cell(attribution, n_samples, max_epochs, channel_pooling, seed):
    """Select one channel of audio RBFP data with AttributionRFE."""
    import torch

    from skchaos.datasets import make_audio_localization
    from skchaos.feature_selection import AttributionRFE
    from skchaos.neural import AudioCNNClassifier

    torch.set_num_threads(1)
    X, y = make_audio_localization(
        n_samples=n_samples,
        condition="RBFP",
        n_channels=10,
        n_timesteps=4000,
        random_state=seed,
    )
    start = time.perf_counter()
    selector = AttributionRFE(
        AudioCNNClassifier(
            max_epochs=max_epochs, channel_pooling=channel_pooling, random_state=seed
        ),
        attribution=attribution,
        n_features_to_select=1,
        step=0.5,
        refit=False,
        random_state=seed,
    ).fit(X, y)
    kept = np.flatnonzero(selector.support_).tolist()
    rounds = "/".join(selector.history_["training"][1:])
    return attribution, kept, rounds, time.perf_counter() - start


def rfe_part(quick, channel_pooling, jobs, seed):
    """Channel selection with AttributionRFE on audio RBFP data."""
    size = "quick" if quick else "full"
    n_samples = RFE_SIGNALS[size]
    max_epochs = AUDIO[size]["max_epochs"]
    rows = Parallel(n_jobs=jobs)(
        delayed(rfe_cell)(method, n_samples, max_epochs, channel_pooling, seed)
        for method in ("saliency", "feature_ablation")
    )
    print(
        f"\n### Channel selection (AttributionRFE, audio RBFP, {n_samples} "
        "signals, clip on channel 0)\n"
    )
    print("| attribution | channels kept | keeps channel 0 | rounds | time (s) |")
    print("|---|---|---|---|---|")
    for attribution, kept, rounds, seconds in rows:
        print(f"| {attribution} | {kept} | {0 in kept} | {rounds} | {seconds:.0f} |")
    return rows


CSV_FIELDS = (
    "date",
    "part",
    "modality",
    "condition",
    "method",
    "accuracy",
    "iou",
    "pointing_game",
    "channel_share",
    "fit_s",
    "wall_s",
    "cpu_s",
    "channels_kept",
    "rounds",
    "n_train",
    "max_epochs",
    "n_explain",
    "channel_pooling",
    "stride",
    "seed",
)


def csv_rows(results, rfe_rows, sizes, seed):
    """One dict per cell and method, then one per channel-selection run."""
    date = datetime.date.today().isoformat()
    rows = []
    for modality, condition, accuracy, scores, fit_time, total, cpu in results:
        size = sizes[modality]
        for method, values in scores.items():
            if modality == "image":
                metrics = {"iou": values[0], "pointing_game": values[1]}
            else:
                metrics = {"channel_share": values[0]}
            rows.append(
                {
                    "date": date,
                    "part": "localization",
                    "modality": modality,
                    "condition": condition,
                    "method": method,
                    "accuracy": round(float(accuracy), 4),
                    **{k: round(float(v), 4) for k, v in metrics.items()},
                    "fit_s": round(fit_time, 1),
                    "wall_s": round(total, 1),
                    "cpu_s": round(cpu, 1),
                    "n_train": size["n_train"],
                    "max_epochs": size["max_epochs"],
                    "n_explain": size["n_explain"],
                    "channel_pooling": size.get("channel_pooling"),
                    "stride": size.get("stride"),
                    "seed": seed,
                }
            )
    for attribution, kept, rounds, seconds in rfe_rows:
        rows.append(
            {
                "date": date,
                "part": "channel_selection",
                "modality": "audio",
                "condition": "RBFP",
                "method": attribution,
                "wall_s": round(seconds, 1),
                "channels_kept": " ".join(map(str, kept)),
                "rounds": rounds,
                "channel_pooling": sizes["audio"].get("channel_pooling"),
                "seed": seed,
            }
        )
    return rows


def write_csv(path, rows):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def print_tables(results):
    image = [r for r in results if r[0] == "image"]
    audio = [r for r in results if r[0] == "audio"]
    columns = (*METHODS, "random")
    if image:
        print(
            "\n### Images: 64 px, 16 px digit, CNNClassifier "
            "(accuracy chance 0.10)\n\nEach cell: localization IoU / pointing "
            "game (chance: the digit covers 1/16 of the image).\n"
        )
        print(
            "| condition | accuracy | " + " | ".join(LABELS[m] for m in columns) + " |"
        )
        print("|---" * (len(columns) + 2) + "|")
        for _, condition, accuracy, scores, *_ in image:
            cells = " | ".join(
                f"{scores[m][0]:.2f} / {scores[m][1]:.2f}" for m in columns
            )
            print(f"| {condition} | {accuracy:.2f} | {cells} |")
    if audio:
        print(
            "\n### Audio: 10 channels x 4000 steps, AudioCNNClassifier "
            "(accuracy chance 0.125)\n\nEach cell: the informative channel's "
            "share of the attribution mass (chance 0.10).\n"
        )
        print(
            "| condition | accuracy | " + " | ".join(LABELS[m] for m in columns) + " |"
        )
        print("|---" * (len(columns) + 2) + "|")
        for _, condition, accuracy, scores, *_ in audio:
            cells = " | ".join(f"{scores[m][0]:.2f}" for m in columns)
            print(f"| {condition} | {accuracy:.2f} | {cells} |")
    print(
        "\n| cell | fit, wall (s) | fit + attributions, wall (s) | CPU (s) |"
        "\n|---|---|---|---|"
    )
    for modality, condition, _, _, fit_time, total, cpu in results:
        print(f"| {modality} {condition} | {fit_time:.0f} | {total:.0f} | {cpu:.0f} |")
    cpu = sum(result[-1] for result in results)
    print(f"\nCPU time of all cells: {cpu:.0f} s (one torch thread per cell).")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny smoke test")
    parser.add_argument("--rfe", action="store_true", help="add channel selection")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes")
    parser.add_argument(
        "--n-explain", type=int, help="explained test samples (200 images, 100 audio)"
    )
    parser.add_argument("--image-train", type=int, help="training images")
    parser.add_argument("--audio-train", type=int, help="training signals")
    parser.add_argument(
        "--audio-channel-pooling",
        choices=("max", "mean", "none"),
        default="max",
        help="AudioCNNClassifier's channel_pooling (none: the mixing network)",
    )
    parser.add_argument(
        "--audio-stride",
        type=int,
        default=4,
        help="stride of AudioCNNClassifier's first convolution",
    )
    parser.add_argument(
        "--conditions", default=",".join(CONDITIONS), help="comma-separated"
    )
    parser.add_argument(
        "--modality", choices=("image", "audio", "both"), default="both"
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--out", default=None, help="write one CSV row per cell and method here"
    )
    args = parser.parse_args()

    size = "quick" if args.quick else "full"
    image, audio = dict(IMAGE[size]), dict(AUDIO[size])
    if args.image_train:
        image["n_train"] = args.image_train
    if args.audio_train:
        audio["n_train"] = args.audio_train
    pooling = (
        None if args.audio_channel_pooling == "none" else args.audio_channel_pooling
    )
    audio["channel_pooling"] = pooling
    audio["stride"] = args.audio_stride
    if args.n_explain:
        image["n_explain"] = audio["n_explain"] = args.n_explain
    conditions = [c.strip().upper() for c in args.conditions.split(",")]
    cells = []
    if args.modality in ("audio", "both"):  # the slower cells first
        cells += [delayed(audio_cell)(c, audio, args.seed) for c in conditions]
    if args.modality in ("image", "both"):
        cells += [delayed(image_cell)(c, image, args.seed) for c in conditions]
    print(
        f"# Localization benchmark ({size}, audio channel_pooling={pooling}), "
        f"{platform.processor() or 'cpu'}"
    )
    start = time.perf_counter()
    results = Parallel(n_jobs=args.jobs, verbose=0)(cells)
    print_tables(results)
    print(f"\nTable: {time.perf_counter() - start:.0f} s wall, {args.jobs} jobs.")
    rfe_rows = []
    if args.rfe:
        start = time.perf_counter()
        rfe_rows = rfe_part(args.quick, pooling, args.jobs, args.seed)
        print(f"\nChannel selection: {time.perf_counter() - start:.0f} s wall.")
    if args.out:
        sizes = {"image": image, "audio": audio}
        write_csv(args.out, csv_rows(results, rfe_rows, sizes, args.seed))
        print(f"Rows written to {args.out}.")


if __name__ == "__main__":
    main()
