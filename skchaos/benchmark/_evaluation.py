"""What the benchmark compares: methods, ground truths and evaluation modes.

Every attribution is computed once per cell and scored in two evaluation
modes, ``"paper"`` (the published evaluation) and ``"corrected"``. The small
tables below are the single definition of what each mode compares; the cell
runner, the reports and the command line all read them from here.
"""

#: The attribution methods of the ChaosMining paper, in its order.
DEFAULT_METHODS = ("saliency", "integrated_gradients", "deeplift", "feature_ablation")

#: The ground truth each method is compared with, unless a method spec names
#: one with ``truth=``. DeepLift has no truth of its own: with a zero baseline
#: it shares the Integrated Gradients truth.
DEFAULT_TRUTHS = {
    "saliency": "saliency",
    "integrated_gradients": "integrated_gradients",
    "deeplift": "integrated_gradients",
    "feature_ablation": "feature_ablation",
}

#: The ground truths a method spec may name.
TRUTHS = ("feature_ablation", "integrated_gradients", "saliency")

#: The two evaluation modes.
EVALUATIONS = ("paper", "corrected")

#: ``(evaluation, truth) -> name of the ground-truth array`` compared.
TRUTH_ARRAYS = {
    ("paper", "saliency"): "saliency",  # signed gradient (against |saliency|)
    ("paper", "integrated_gradients"): "integrated_gradients_riemann",
    ("paper", "feature_ablation"): "feature_ablation",
    ("corrected", "saliency"): "saliency",  # signed gradient
    ("corrected", "integrated_gradients"): "integrated_gradients_exact",
    ("corrected", "feature_ablation"): "feature_ablation",
}

#: Whether the ``saliency`` attributions are compared in absolute value.
ABS_SALIENCY = {"paper": True, "corrected": False}

#: The short names that the paper's tables, :func:`make_report` and the
#: command line give the methods, as a dict ``{name: abbreviation}``
#: (``"prediction"``: the uniform score of the model's predictions).
ABBREVIATIONS = {
    "prediction": "Pred",
    "saliency": "SA",
    "deeplift": "DL",
    "integrated_gradients": "IG",
    "feature_ablation": "FA",
}

#: What the abbreviations and modes of the summaries and reports mean.
LEGEND = (
    (
        "US",
        "uniform score: agreement of the attributions with the exact ground "
        "truth on the relevant features, in [0, 1] (1 = identical)",
    ),
    (
        "FPrec",
        "functional precision: share of truly relevant features among "
        "the top-ranked ones, in [0, 1]",
    ),
    (
        "Pred, prediction US",
        "uniform score of the model's test predictions "
        "against the noise-free target: how well the model learned the formula",
    ),
    ("SA, IG, DL, FA", "saliency, integrated gradients, DeepLift, feature ablation"),
    (
        "'paper' evaluation",
        "as published: |saliency| against the signed "
        "gradient truth, a 20-step path-sum IG truth",
    ),
    ("'corrected' evaluation", "signed saliency, the exact IG truth"),
)
