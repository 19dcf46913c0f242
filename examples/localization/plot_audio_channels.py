"""
Which channel does an audio classifier listen to?
=================================================

:func:`~skchaos.datasets.make_audio_localization` records several channels;
one of them holds a labelled sound event (a tone, a chirp, a noise burst,
...) and the others only noise, so only that channel tells the class. Here
the event is always on channel 0 (condition ``"RBFP"``). We train an
:class:`~skchaos.neural.AudioCNNClassifier`, compare how much attribution
mass three methods put on each channel, and let
:class:`~skchaos.feature_selection.AttributionRFE` eliminate channels.
"""

# %%
# Data and model
# --------------
# 6 channels of 1,500 steps (under a fifth of a second at 8 kHz), 8 classes.
import matplotlib.pyplot as plt
import numpy as np

from skchaos.attribution import attribute
from skchaos.datasets import make_audio_localization
from skchaos.feature_selection import AttributionRFE
from skchaos.metrics import channel_localization_score
from skchaos.neural import AudioCNNClassifier

data = make_audio_localization(
    n_samples=700,
    condition="RBFP",
    n_channels=6,
    n_timesteps=1500,
    random_state=0,
    return_X_y=False,
)
X, y = data.data, data.target
train, test, explain = slice(0, 600), slice(600, 700), slice(600, 650)
print(X.shape, data.target_names)

# %%
# The default network is M5-like: a wide first convolution (80 steps,
# stride 4), three more convolutions, each followed by batch norm, a ReLU and
# average pooling, then global pooling over time. This encoder is shared by
# the channels: it encodes each channel alone, and the channels' features are
# max-pooled before a linear head, so the network can find the event on any
# channel.
clf = AudioCNNClassifier(max_epochs=8, random_state=0)
clf.fit(X[train], y[train])
print(f"test accuracy: {clf.score(X[test], y[test]):.2f} (chance 0.125)")

# %%
# Attribution mass per channel
# ----------------------------
# A ``feature_mask`` of shape ``(n_channels, 1)`` makes feature ablation
# zero one whole channel at a time. For each method the mean absolute
# attribution of every channel is normalized to shares summing to one;
# :func:`~skchaos.metrics.channel_localization_score` is the share of the
# informative channel (chance: 1/6). The first 50 test signals are explained.
channels = np.arange(6)[:, None]
methods = {
    "saliency": {},
    "integrated_gradients": {"n_steps": 20},
    "feature_ablation": {"feature_mask": channels},
}
fig, ax = plt.subplots(figsize=(7, 3.5))
width = 0.8 / len(methods)
for offset, (name, params) in enumerate(methods.items()):
    values = attribute(clf, X[explain], method=name, **params)
    energy = np.abs(values).mean(axis=(0, 2))
    score = channel_localization_score(values, data.informative_channel[explain])
    label = f"{name.replace('_', ' ')} (score {score:.2f})"
    ax.bar(np.arange(6) + offset * width, energy / energy.sum(), width, label=label)
ax.axhline(1 / 6, color="k", lw=0.8, ls="--", label="even spread")
ax.set_xticks(np.arange(6) + width, [f"ch {c}" for c in range(6)])
ax.set_ylabel("share of attribution")
ax.legend(fontsize=8)
fig.tight_layout()

# %%
# Selecting channels
# ------------------
# :class:`~skchaos.feature_selection.AttributionRFE` selects whole channels
# (axis 1) of such inputs: each round it ranks the channels by the
# attribution mass of the network's predictions on a validation split and
# drops half of them. The shared encoder does not depend on the number of
# channels, so each round keeps every weight, pools over the survivors only
# and fine-tunes (``history_["training"]`` says ``"warm"``). Asked for one
# channel, it should keep channel 0.
selector = AttributionRFE(
    AudioCNNClassifier(max_epochs=8, random_state=0),
    attribution="feature_ablation",
    n_features_to_select=1,
    step=0.5,
    refit=False,
    random_state=0,
).fit(X[train], y[train])
print("kept channels:", np.flatnonzero(selector.support_))
print("elimination rounds:", selector.history_["n_features"])
print("training:", selector.history_["training"])
plt.show()
