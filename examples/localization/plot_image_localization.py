"""
Where does an image classifier look?
====================================

:func:`~skchaos.datasets.make_image_localization` pastes a small digit into a
larger image of noise or of a photograph; only the digit tells the class, and
its box is returned with the data. An attribution map of a good classifier
should therefore light up the box. This example trains a
:class:`~skchaos.neural.CNNClassifier` on 48 px images with a 16 px digit at
a random position over photographs (the hardest condition, ``"SBRP"``),
draws the saliency, integrated gradients and patch-ablation maps of a few
test images with the true box overlaid, and scores the maps with the
paper's top-k box IoU and the pointing game.
"""

# %%
# Data and model
# --------------
# 1,000 training and 100 test images; the digits are sklearn's 8x8 digits,
# resized to 16 px, the backgrounds crops of sklearn's sample photographs.
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from skchaos.attribution import attribute
from skchaos.datasets import make_image_localization
from skchaos.metrics import localization_iou_score, pointing_game_score
from skchaos.neural import CNNClassifier

data = make_image_localization(
    n_samples=1100, condition="SBRP", image_size=48, random_state=0, return_X_y=False
)
X, y = data.data, data.target
train, test = slice(0, 1000), slice(1000, 1100)
print(X.shape, data.foreground_box[:2])

# %%
# The default network is a compact ResNet (a stem convolution, three residual
# stages of 16, 32 and 64 channels with batch norm, global average pooling
# and a linear head); it takes any image size and reads the channel count
# from ``X``.
clf = CNNClassifier(max_epochs=12, random_state=0)
clf.fit(X[train], y[train])
print(f"test accuracy: {clf.score(X[test], y[test]):.2f} (chance 0.10)")

# %%
# Attribution maps
# ----------------
# Attributions explain the logit of the predicted class. Feature ablation
# zeroes whole 8x8 patches (a ``feature_mask`` of patch ids shared by the
# three colour channels), 36 forward passes per image instead of 2,304.
rows, cols = np.divmod(np.arange(48 * 48), 48)
patches = ((rows // 8) * 6 + cols // 8).reshape(48, 48)
methods = {
    "saliency": {},
    "integrated_gradients": {"n_steps": 20},
    "feature_ablation": {"feature_mask": patches, "perturbations_per_eval": 8},
}
maps = {
    name: attribute(clf, X[test], method=name, **params)
    for name, params in methods.items()
}

# %%
# Each map is reduced to one channel (the mean absolute value over the
# colours, as the paper does) and drawn under the true box.
shown = np.arange(4)
fig, axes = plt.subplots(len(shown), 1 + len(maps), figsize=(9, 9))
for row, index in enumerate(shown):
    x0, y0, width, height = data.foreground_box[1000 + index]
    axes[row, 0].imshow(X[1000 + index].transpose(1, 2, 0))
    for col, values in enumerate(maps.values(), start=1):
        axes[row, col].imshow(np.abs(values[index]).mean(axis=0), cmap="magma")
    for ax in axes[row]:
        ax.add_patch(
            Rectangle((x0 - 0.5, y0 - 0.5), width, height, fill=False, color="c")
        )
        ax.set_xticks([])
        ax.set_yticks([])
for ax, title in zip(axes[0], ["image", *maps]):
    ax.set_title(title.replace("_", " "), fontsize=9)
fig.tight_layout()

# %%
# Scores
# ------
# The box IoU smooths each map, keeps its 256 largest pixels (the digit's
# area) and compares their bounding box with the true one; the pointing game
# asks whether the single largest pixel falls on the digit. Random maps give
# the chance levels.
boxes, masks = data.foreground_box[test], data.foreground_mask[test]
maps["random"] = np.random.RandomState(0).random_sample(X[test].shape)
for name, values in maps.items():
    print(
        f"{name:>22}: IoU {localization_iou_score(values, boxes):.2f}, "
        f"pointing game {pointing_game_score(values, masks):.2f}"
    )
plt.show()
