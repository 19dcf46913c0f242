"""The clips and channels of the audio localization dataset.

Synthetic sound events of eight classes (the default labelled clips), the
synthetic structured background channels (coloured noise, stationary tones and
weaker events of other classes), and user clips as float64;
:func:`~skchaos.datasets.make_audio_localization` assembles them.
"""

import numpy as np

# Nominal sample rate (Hz) of the synthetic clips: 4000 steps are 0.5 s.
_SAMPLE_RATE = 8000

_CLASS_NAMES = np.array(
    [
        "tone",
        "up_chirp",
        "down_chirp",
        "am_tone",
        "fm_tone",
        "harmonic",
        "tone_sequence",
        "noise_burst",
    ]
)
# RMS over the whole window of every synthetic clip and synthetic structured
# channel: log-uniform in this range, the same distribution for every class.
_LEVEL_RANGE = (0.05, 0.15)
# Event duration as a fraction of the window, and the fraction of the event
# spent fading in and out (raised-cosine, Tukey window).
_DURATION_RANGE = (0.4, 0.8)
_TAPER = 0.2
# Relative gain of the distractor event of another class mixed into a
# structured channel (when one is mixed in, with probability 1/2), against
# the unit-RMS coloured noise; the tone mixture gets a gain in [0, 1].
_DISTRACTOR_GAIN = (0.2, 0.6)


# --------------------------------------------------------------------------
# Synthetic sound events
# --------------------------------------------------------------------------


def _uniform(generator, low, high, m):
    return generator.uniform(low, high, size=(m, 1))


def _constant(values, tau):
    return np.broadcast_to(values, tau.shape)


def _phase(frequency):
    """Phase (rad) of a signal with instantaneous frequency (Hz), per row."""
    return 2 * np.pi * np.cumsum(frequency, axis=1) / _SAMPLE_RATE


def _swept(f_start, f_end, progress):
    return f_start + (f_end - f_start) * progress


def _event(name, tau, progress, generator):
    """One class's waveform (before the envelope), vectorized over rows.

    ``tau`` is the time since the onset (s) and ``progress`` the fraction of
    the event elapsed, both of shape (m, T) (clipped to [0, 1] outside the
    event, where the envelope is zero).
    """
    m = tau.shape[0]
    start_phase = _uniform(generator, 0, 2 * np.pi, m)
    if name == "tone":
        frequency = _constant(_uniform(generator, 300, 2000, m), tau)
    elif name in ("up_chirp", "down_chirp"):
        low = _uniform(generator, 300, 900, m)
        high = _uniform(generator, 1500, 2500, m)
        if name == "down_chirp":
            low, high = high, low
        frequency = _swept(low, high, progress)
    elif name == "am_tone":
        carrier = _uniform(generator, 300, 2000, m)
        rate = _uniform(generator, 6, 20, m)
        depth = _uniform(generator, 0.7, 1.0, m)
        gain = 1 + depth * np.sin(2 * np.pi * rate * tau + start_phase)
        return gain * np.sin(_phase(_constant(carrier, tau)))
    elif name == "fm_tone":
        carrier = _uniform(generator, 500, 2000, m)
        rate = _uniform(generator, 4, 12, m)
        deviation = _uniform(generator, 100, 300, m)
        frequency = carrier + deviation * np.sin(2 * np.pi * rate * tau)
    elif name == "harmonic":
        fundamental = _uniform(generator, 120, 300, m)
        phases = generator.uniform(0, 2 * np.pi, size=(6, m, 1))
        base = _phase(_constant(fundamental, tau))
        return sum(np.sin(h * base + phases[h - 1]) / h for h in range(1, 7))
    elif name == "tone_sequence":
        notes = generator.uniform(300, 2000, size=(m, 3))
        segment = np.minimum((progress * 3).astype(int), 2)
        frequency = np.take_along_axis(notes, segment, axis=1)
    else:  # noise_burst: band-pass filtered white noise
        spectrum = np.fft.rfft(generator.standard_normal(tau.shape), axis=1)
        bins = np.fft.rfftfreq(tau.shape[1], d=1 / _SAMPLE_RATE)
        centre = _uniform(generator, 500, 2500, m)
        width = _uniform(generator, 200, 800, m)
        spectrum *= np.abs(bins - centre) <= width / 2
        return np.fft.irfft(spectrum, n=tau.shape[1], axis=1)
    return np.sin(_phase(frequency) + start_phase)


def _unit_rms(signals):
    """Scale each row of a float64 array to unit RMS, in place."""
    rms = np.sqrt(np.einsum("ij,ij->i", signals, signals) / signals.shape[1])
    signals /= np.maximum(rms, np.finfo(signals.dtype).tiny)[:, None]
    return signals


def _synthesize(labels, n_timesteps, generator):
    """Unit-RMS synthetic events of the given classes, shape (m, T) float64.

    Each event lasts a uniform fraction ``_DURATION_RANGE`` of the window,
    starts at a uniform onset, and fades in and out over ``_TAPER`` of its
    length; outside it the clip is silent.
    """
    clips = np.zeros((labels.shape[0], n_timesteps))
    steps = np.arange(n_timesteps)
    for label in np.unique(labels):
        rows = np.flatnonzero(labels == label)
        m = rows.size
        duration = np.maximum(
            2, (generator.uniform(*_DURATION_RANGE, size=(m, 1)) * n_timesteps)
        ).astype(int)
        onset = (generator.random_sample((m, 1)) * (n_timesteps - duration + 1)).astype(
            int
        )
        progress = (steps - onset) / duration
        inside = (progress >= 0) & (progress < 1)
        progress = np.clip(progress, 0, 1)
        edge = np.minimum(progress, 1 - progress) / (_TAPER / 2)
        envelope = np.where(inside, 0.5 * (1 - np.cos(np.pi * np.minimum(edge, 1))), 0)
        tau = progress * duration / _SAMPLE_RATE
        clips[rows] = envelope * _event(_CLASS_NAMES[label], tau, progress, generator)
    return _unit_rms(clips)


def _levels(generator, size):
    low, high = np.log(_LEVEL_RANGE[0]), np.log(_LEVEL_RANGE[1])
    return np.exp(generator.uniform(low, high, size=size))


# --------------------------------------------------------------------------
# Backgrounds
# --------------------------------------------------------------------------


def _coloured_noise(m, n_timesteps, generator):
    """Unit-RMS pink (1/f) or brown (1/f^2) noise, the colour drawn per row.

    Random-phase synthesis: every frequency bin above 0 Hz gets the power
    law's amplitude and a uniform random phase (cheaper than shaping Gaussian
    noise, and Gaussian in time all the same).
    """
    exponent = generator.randint(1, 3, size=(m, 1))
    n_bins = n_timesteps // 2 + 1
    phase = generator.uniform(0, 2 * np.pi, size=(m, n_bins - 1))
    amplitude = np.arange(1, n_bins) ** (-exponent / 2)
    spectrum = np.zeros((m, n_bins), dtype=complex)
    spectrum[:, 1:] = amplitude * np.exp(1j * phase)
    return _unit_rms(np.fft.irfft(spectrum, n=n_timesteps, axis=1))


def _tone_mixture(m, n_timesteps, generator):
    """Unit-RMS sums of 1 to 3 stationary tones (100 Hz to 3.5 kHz).

    The tones are built in the frequency domain (one inverse FFT instead of
    ``3 * n_timesteps`` sines per row), at the nearest frequency with a whole
    number of cycles in the window: a resolution of ``sample_rate /
    n_timesteps``, 2 Hz at the defaults.
    """
    n_bins = n_timesteps // 2 + 1
    frequency = np.exp(generator.uniform(np.log(100), np.log(3500), size=(m, 3)))
    bins = np.clip(np.rint(frequency * n_timesteps / _SAMPLE_RATE), 1, n_bins - 2)
    phase = generator.uniform(0, 2 * np.pi, size=(m, 3))
    amplitude = generator.uniform(0.3, 1.0, size=(m, 3))
    amplitude *= np.arange(3) < generator.randint(1, 4, size=(m, 1))
    spectrum = np.zeros((m, n_bins), dtype=complex)
    rows = np.broadcast_to(np.arange(m)[:, None], bins.shape)
    np.add.at(spectrum, (rows, bins.astype(int)), amplitude * np.exp(1j * phase))
    return _unit_rms(np.fft.irfft(spectrum, n=n_timesteps, axis=1))


def _other_class_clips(labels, n_timesteps, pool, pool_labels, generator):
    """Unit-RMS clips of a class other than ``labels`` (None if impossible)."""
    if pool is None:  # synthetic: draw a different class, then synthesize
        shift = generator.randint(1, _CLASS_NAMES.size, size=labels.shape[0])
        return _synthesize((labels + shift) % _CLASS_NAMES.size, n_timesteps, generator)
    # User clips: a uniform draw among the clips whose label differs. With the
    # pool sorted by label, the other clips are those outside the label's run.
    order = np.argsort(pool_labels, kind="stable")
    sorted_labels = pool_labels[order]
    first = np.searchsorted(sorted_labels, labels, side="left")
    last = np.searchsorted(sorted_labels, labels, side="right")
    n_others = pool.shape[0] - (last - first)
    if np.any(n_others == 0):
        return None
    draw = (generator.random_sample(labels.shape[0]) * n_others).astype(int)
    draw = np.where(draw < first, draw, draw + (last - first))
    return _unit_rms(_take_clips(pool, order[draw], n_timesteps))


def _structured_channels(labels, n_timesteps, pool, pool_labels, generator):
    """Synthetic structured channels (one per label), RMS in ``_LEVEL_RANGE``.

    Each is unit-RMS coloured noise, plus a tone mixture at a gain uniform in
    [0, 1], plus (with probability 1/2) an event of another class at a gain
    uniform in ``_DISTRACTOR_GAIN``.
    """
    m = labels.shape[0]
    channels = _coloured_noise(m, n_timesteps, generator)
    channels += generator.random_sample((m, 1)) * _tone_mixture(
        m, n_timesteps, generator
    )
    gain = generator.uniform(*_DISTRACTOR_GAIN, size=m)
    mixed = np.flatnonzero(generator.random_sample(m) < 0.5)
    distractors = _other_class_clips(
        labels[mixed], n_timesteps, pool, pool_labels, generator
    )
    if distractors is not None:
        channels[mixed] += gain[mixed, None] * distractors
    return _unit_rms(channels) * _levels(generator, (m, 1))


# --------------------------------------------------------------------------
# User clips
# --------------------------------------------------------------------------


def _as_float(clips):
    """float64 copy of user clips; int16 PCM is scaled by 1/32768."""
    scale = 1.0 / 32768.0 if clips.dtype == np.int16 else 1.0
    return clips.astype(np.float64) * scale


def _take_clips(pool, index, n_timesteps):
    """User clips ``pool[index]`` as float64, zero-padded to ``n_timesteps``."""
    clips = _as_float(pool[index])
    return np.pad(clips, ((0, 0), (0, n_timesteps - clips.shape[1])))
