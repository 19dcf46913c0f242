"""Progress of an elimination path: a bar of the rounds, a line per round.

With ``verbose`` the path shows a tqdm bar of its rounds (with an estimate
of the time left), the epochs of the round in training on the bar, and one
line per finished round.
"""

import sys
import time


def progress_bar(setup, total):
    """A tqdm bar of the rounds when ``setup.verbose``, else None."""
    if not setup.verbose:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=f"{setup.caller} rounds", unit="round", leave=False)


def epoch_progress(bar):
    """Show the epochs of the round in training on the bar (at most 5 Hz)."""
    last = [0.0]

    def on_epoch(epoch, loss):
        now = time.perf_counter()
        if now - last[0] >= 0.2:
            last[0] = now
            bar.set_postfix_str(
                f"training: epoch {epoch}, early-stopping loss {loss:.4g}"
            )

    return on_epoch


def report_round(setup, bar, path, elapsed):
    """Print the round just recorded in ``path`` and advance the bar."""
    if bar is None:
        return
    from tqdm.auto import tqdm

    n, score, training = path.n_units[-1], path.score[-1], path.training[-1]
    epochs = path.epochs[-1]
    trained = training if epochs is None else f"{training}, {epochs} epochs"
    tqdm.write(
        f"[{setup.caller}] {n} {setup.units.name} left: validation "
        f"{setup.score_name} = {score:.6g} ({trained}, {path.time[-1]:.1f} s, "
        f"{elapsed:.1f} s in all)",
        file=sys.stdout,
    )
    bar.set_postfix_str(f"{n} {setup.units.name} left")
    bar.update(1)


def report_stop(setup, bar, patience):
    """Say why the path stopped before its last size (``patience``)."""
    if bar is None:
        return
    from tqdm.auto import tqdm

    why = (
        "scored clearly worse than the best size so far"
        if patience == "auto"
        else f"{patience} round(s) in a row scored outside the band of the best"
    )
    tqdm.write(
        f"[{setup.caller}] stopped before the last size: the round {why} "
        f"(patience={patience!r}); no smaller set would be selected.",
        file=sys.stdout,
    )
