"""Figures of the lstm notebook: the cell, the gradient's paths through time, success rates, forget gates.

Nothing here is graded; every function takes numbers the notebook computed and draws them.
"""

import matplotlib.pyplot as plt
import numpy as np
from lstm_sweep import wilson_interval

COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
"""Colours that stay distinct for colour-blind readers (Okabe and Ito)."""

MARKERS = ("o", "s", "^", "D", "v")


def decade_ticks(ax: plt.Axes, values) -> None:
    """Put every curve inside a log y axis, labelled every 1, 2, 5, 10 or 20 decades (at most 9 labels)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    high = max(high, low + 1)
    stride = next((s for s in (1, 2, 5, 10, 20, 50) if (high - low) / s <= 8), 100)
    exponents = np.arange(stride * np.floor(low / stride), high + 1, stride)
    ax.set_ylim(10.0**low, 10.0**high)
    ax.set_yticks(10.0**exponents, [f"$10^{{{int(e)}}}$" for e in exponents])
    ax.yaxis.set_minor_locator(plt.NullLocator())


def _box(ax, x, y, text, color, width=0.9, height=0.55):
    ax.add_patch(plt.Rectangle((x - width / 2, y - height / 2), width, height, fc=color, ec="black"))
    ax.text(x, y, text, ha="center", va="center", fontsize=11)


def _arrow(ax, start, end, color="black", style="-"):
    ax.annotate("", end, start, arrowprops={"arrowstyle": "->", "lw": 1.4, "color": color, "ls": style})


def draw_lstm_cell() -> plt.Figure:
    """One LSTM step: the four gates from [x_t, h_{t-1}], the additive cell path, and h_t."""
    fig, ax = plt.subplots(figsize=(10, 4.6))
    ax.set_xlim(-0.5, 10.5)
    ax.set_ylim(-0.6, 4.6)
    ax.axis("off")
    ax.plot([0.3, 9.7], [3.6, 3.6], color=COLORS[0], lw=3)
    ax.text(0.2, 3.85, "$c_{t-1}$", fontsize=12, color=COLORS[0])
    ax.text(9.3, 3.85, "$c_t$", fontsize=12, color=COLORS[0])
    _box(ax, 3.0, 3.6, r"$\times f_t$", "#DCEBF7", 0.9, 0.5)
    _box(ax, 5.5, 3.6, "$+$", "#DCEBF7", 0.5, 0.5)
    _box(ax, 5.5, 2.5, r"$i_t \odot g_t$", "#FFF2CC", 1.1, 0.5)
    _arrow(ax, (5.5, 2.75), (5.5, 3.35))
    _box(ax, 8.0, 2.2, r"$o_t \odot \tanh(c_t)$", "#FFF2CC", 1.6, 0.5)
    _arrow(ax, (8.0, 3.6), (8.0, 2.45))
    _arrow(ax, (8.8, 2.2), (9.9, 2.2))
    ax.text(9.95, 2.2, "$h_t$", va="center", fontsize=12)
    for x, (name, squash) in zip((2.0, 3.6, 5.2, 6.8), [("i", r"\sigma"), ("f", r"\sigma"), ("o", r"\sigma"), ("g", r"\tanh")]):
        _box(ax, x, 0.9, f"${name}_t = {squash}(\\cdot)$", "#E2F0D9", 1.4, 0.5)
    _arrow(ax, (3.6, 1.15), (3.0, 3.35))
    _arrow(ax, (2.0, 1.15), (5.2, 2.25))
    _arrow(ax, (6.8, 1.15), (5.8, 2.25))
    _arrow(ax, (5.2, 1.15), (7.6, 1.95))
    _box(ax, 4.4, -0.3, r"$a_t = x_t W_x + h_{t-1} W_h + b$", "#EEEEEE", 3.6, 0.45)
    for x in (2.0, 3.6, 5.2, 6.8):
        _arrow(ax, (4.4, -0.07), (x, 0.65), color="gray")
    ax.text(
        0.0, 4.3,
        r"cell path (blue): $\partial c_t / \partial c_{t-1} = \mathrm{diag}(f_t)$, no weight matrix;"
        r"  every other path back in time goes through $h_{t-1}$ and $W_h$",
        fontsize=10.5,
    )
    fig.tight_layout()
    return fig


def plot_gradient_paths(totals: dict, cell_paths: dict, mean_forget: dict) -> plt.Figure:
    """One panel per forget bias: the total dL/dc (solid), its cell-path part (dashed), mean(f)^k (dotted).

    The x axis counts the steps back k from the loss, which sits on the last hidden state.
    """
    labels = list(totals)
    fig, axes = plt.subplots(1, len(labels), figsize=(3.4 * len(labels), 4.2), sharey=True)
    shown = np.concatenate([np.concatenate([totals[k], cell_paths[k]]) for k in labels])
    for ax, label, color in zip(np.atleast_1d(axes), labels, COLORS):
        total, path = np.asarray(totals[label], dtype=float)[::-1], np.asarray(cell_paths[label], dtype=float)[::-1]
        back = np.arange(len(total))
        reference = total[0] * mean_forget[label] ** back
        ax.semilogy(back, total, color=color, lw=2.2, label="total")
        ax.semilogy(back, path, color="black", lw=1.6, ls="--", label="cell path only")
        ax.semilogy(back, reference, color="gray", lw=1.2, ls=":", label=rf"$\bar f^{{\,k}}$, $\bar f = {mean_forget[label]:.3f}$")
        ax.set_title(label)
        ax.set_xlabel("steps back $k$ from the loss")
        if total.max() > total[0]:
            inset = ax.inset_axes([0.2, 0.42, 0.75, 0.4])
            inset.plot(back, total / total[0], color=color, lw=1.8)
            inset.set_title("total / its value at $k = 0$ (linear)", fontsize=8)
            inset.tick_params(labelsize=7)
            inset.grid(True, alpha=0.3)
        ax.grid(True, which="major", alpha=0.3)
        ax.legend(fontsize=8, loc="lower left")
    decade_ticks(np.atleast_1d(axes)[0], shown)
    np.atleast_1d(axes)[0].set_ylabel(r"$\|\partial L / \partial c_{T-1-k}\|$")
    fig.tight_layout()
    return fig


def plot_success_rates(tuned: dict, lengths, success: float) -> plt.Figure:
    """Each model's success rate against the length (left) and every run's test loss (right).

    Left, with 95% Wilson intervals; right, one dot per seed, the threshold ``success`` and the baseline 1/3.
    """
    lengths = np.asarray(lengths)
    fig, (rates, runs) = plt.subplots(1, 2, figsize=(13, 4.8))
    width = 0.9 * np.min(np.diff(lengths)) if len(lengths) > 1 else 1.0
    offsets = np.linspace(-0.3, 0.3, len(tuned)) * width
    for (label, report), color, marker, offset in zip(tuned.items(), COLORS, MARKERS, offsets):
        losses = np.asarray(report["test"], dtype=float)
        trials = losses.shape[1]
        wins = np.sum(losses < success, axis=1)
        low, high = wilson_interval(wins, trials)
        rates.errorbar(lengths + offset, wins / trials, yerr=[wins / trials - low, high - wins / trials], color=color,
                       marker=marker, lw=1.8, ms=6, capsize=3, label=label)
        spread = np.linspace(-0.08, 0.08, trials) * width
        runs.scatter((lengths[:, None] + offset + spread[None]).ravel(), losses.ravel(), color=color, marker=marker,
                     s=14, alpha=0.75, label=label)
    rates.set(ylim=(-0.03, 1.03), xlabel="sequence length $T$", ylabel=f"fraction of {trials} seeds below the threshold",
              title="success rate (bars: 95% Wilson intervals)")
    runs.axhline(success, color="black", lw=1.2, ls="--", label=f"threshold {success:g}")
    runs.axhline(1 / 3, color="gray", lw=1.2, ls=":", label="always 0: 1/3")
    runs.set_yscale("log")
    runs.set(xlabel="sequence length $T$", ylabel="test loss of each run", title="every run (one dot per seed)")
    for ax in (rates, runs):
        ax.set_xticks(lengths, [str(t) for t in lengths])
        ax.grid(True, alpha=0.3)
    rates.legend(fontsize=8, loc="upper right")
    runs.legend(fontsize=8, loc="lower right", ncol=2)
    fig.tight_layout()
    return fig


def plot_forget_gates(before: np.ndarray, after: np.ndarray, retention: dict, succeeded: np.ndarray, steps: int) -> plt.Figure:
    """Top: one run's forget gates per unit and step (mean over a test batch), before and after training.

    Bottom: per seed, how much of c_0 the most retentive unit keeps over the sequence, before and after
    training (``retention["before"]``, ``retention["after"]``), marked by whether the run succeeded.
    """
    fig = plt.figure(figsize=(12, 8), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    heat = [fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[0, 1])]
    for ax, gates, title in zip(heat, (before, after), ("at initialisation", "after training")):
        image = ax.imshow(gates.T, aspect="auto", vmin=0, vmax=1, cmap="viridis", interpolation="nearest")
        ax.set(title=f"best run: forget gate $f_t$ per unit, {title}", xlabel="time step $t$")
    heat[0].set_ylabel("hidden unit")
    fig.colorbar(image, ax=heat, label="mean $f_t$ over the batch")
    _plot_retention(fig.add_subplot(grid[1, :]), np.asarray(retention["before"]), np.asarray(retention["after"]),
                    np.asarray(succeeded), steps)
    return fig


def _plot_retention(ax: plt.Axes, before: np.ndarray, after: np.ndarray, succeeded: np.ndarray, steps: int) -> None:
    seeds = np.arange(len(before))
    ax.scatter(seeds, before, marker="o", facecolors="none", edgecolors="gray", s=45, label="at initialisation")
    for won, color, label in ((True, COLORS[2], "after training, run succeeded"), (False, COLORS[4], "after training, run failed")):
        mask = succeeded == won
        ax.scatter(seeds[mask], after[mask], color=color, marker="D" if won else "X", s=55, label=label)
    for seed in seeds:
        ax.plot([seed, seed], [before[seed], after[seed]], color="gray", lw=0.8, alpha=0.6)
    ax.set_yscale("log")
    ax.set(xlabel="seed", xticks=seeds, ylabel=f"share of $c_0$ kept to step {steps - 1}",
           title=r"every run's most retentive unit: the mean of $f_1 f_2 \cdots f_{T-1}$ over the test sequences")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
