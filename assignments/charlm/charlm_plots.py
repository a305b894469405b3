"""Figures of the charlm notebook. Nothing here is graded; every function draws numbers the notebook computed."""

import matplotlib.pyplot as plt
import numpy as np

COLORS = {"rnn": "#E69F00", "gru": "#0072B2", "lstm": "#009E73"}
"""One colour per cell, distinct for colour-blind readers (Okabe and Ito)."""
NAMES = {"rnn": "simple RNN", "gru": "GRU", "lstm": "LSTM"}


def plot_quote_spans(spans: np.ndarray, windows) -> plt.Figure:
    """Histogram of the distance from each opening quote to its closing one, the truncation windows marked."""
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bins = np.logspace(0, np.log10(spans.max() + 1), 40)
    ax.hist(spans, bins=bins, color="#999999", edgecolor="white")
    ax.set_xscale("log")
    for window in windows:
        ax.axvline(window, color="black", ls="--", lw=1)
        ax.text(window * 1.05, ax.get_ylim()[1] * 0.92, f"window {window}", fontsize=9)
    ax.set_xlabel("characters from an opening quote to its closing quote")
    ax.set_ylabel("quotations")
    ax.set_title("How far back a closing quote must remember")
    fig.tight_layout()
    return fig


def plot_training(losses: np.ndarray, norms: np.ndarray, max_norm: float) -> plt.Figure:
    """The loss of every step of a training run, and the global norm of its gradient before clipping."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    steps = np.arange(1, len(losses) + 1)
    left.plot(steps, losses, color=COLORS["rnn"])
    left.set_xlabel("training step")
    left.set_ylabel("loss (nats per character)")
    left.set_title("Loss of each batch")
    right.plot(steps, norms, color=COLORS["rnn"], lw=1)
    right.axhline(max_norm, color="black", ls="--", lw=1, label=f"max_norm = {max_norm:g}")
    right.set_yscale("log")
    right.set_xlabel("training step")
    right.set_ylabel("global norm before clipping")
    right.set_title(f"Clipping acted on {np.mean(norms > max_norm):.0%} of the steps")
    right.legend()
    fig.tight_layout()
    return fig


def plot_truncation_bias(windows, bias: dict) -> plt.Figure:
    """Relative error of the truncated gradient against the window (steps back the gradient may travel)."""
    fig, ax = plt.subplots(figsize=(8, 3.8))
    for (name, errors), marker in zip(bias.items(), ("o", "s")):
        ax.plot(windows, errors, marker=marker, label=f"$dW_{{{name[1:]}}}$")
    ax.set_xscale("log", base=2)
    ax.set_xticks(windows, [str(k) for k in windows])
    ax.set_xlabel("window k: the most steps back the gradient travels")
    ax.set_ylabel(r"$\|g_k - g_{128}\| \,/\, \|g_{128}\|$")
    ax.set_ylim(bottom=0)
    ax.set_title("How far a truncated gradient is from the full one")
    ax.legend()
    fig.tight_layout()
    return fig


def _seeds_and_means(ax, values: dict, windows, *, offset_by_model: bool = True, hollow: dict | None = None) -> None:
    """Every seed as a dot and the mean as a line, per model, the windows side by side on the x axis."""
    models = list(values)
    for number, model in enumerate(models):
        shift = (number - (len(models) - 1) / 2) * 0.12 if offset_by_model else 0.0
        means = []
        for position, window in enumerate(windows):
            seeds = np.asarray(values[model][window], dtype=float)
            ax.scatter(np.full(len(seeds), position + shift), seeds, s=14, color=COLORS[model], alpha=0.6)
            means.append(seeds.mean())
        ax.plot(np.arange(len(windows)) + shift, means, color=COLORS[model], lw=2, marker="_", ms=14,
                label=NAMES[model])
        if hollow is not None:
            control = [np.mean(hollow[model][window]) for window in windows]
            ax.plot(np.arange(len(windows)) + shift, control, color=COLORS[model], lw=1, ls=":", marker="o",
                    mfc="white", ms=6)
    ax.set_xticks(range(len(windows)), [f"window {w}" for w in windows])


def plot_perplexities(test: dict, validation: dict) -> plt.Figure:
    """Validation and test perplexity of every model and window: each seed a dot, the mean a line."""
    windows = list(next(iter(test.values())))
    seeds = len(next(iter(next(iter(test.values())).values())))
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for ax, (title, values) in zip(axes, (("validation", validation), ("test", test))):
        _seeds_and_means(ax, values, windows)
        ax.set_title(f"{title.capitalize()} perplexity ({seeds} seeds each)")
        ax.set_ylabel("perplexity (lower is better)")
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend()
    fig.tight_layout()
    return fig


def plot_long_range(auc: dict, short: dict) -> plt.Figure:
    """Quote AUC of every model and window (dots: seeds, line: mean), with the state reset every 32 characters
    (hollow); beside it, what the reset costs each seed, too small to see on the left."""
    windows = list(next(iter(auc.values())))
    fig, (ax, cost) = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": (3, 2)})
    _seeds_and_means(ax, auc, windows, hollow=short)
    ax.axhline(0.5, color="black", ls="--", lw=1)
    ax.text(0.01, 0.5, " chance", fontsize=9, va="bottom", transform=ax.get_yaxis_transform())
    ax.plot([], [], color="gray", ls=":", marker="o", mfc="white", label="state reset every 32 characters (mean)")
    ax.set_ylabel("quote AUC (0.5: cannot tell inside from outside)")
    ax.set_title("Does the model know it is inside a quotation?")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9, loc="lower right")
    lost = {m: {w: np.asarray(auc[m][w], dtype=float) - np.asarray(short[m][w], dtype=float) for w in windows} for m in auc}
    _seeds_and_means(cost, lost, windows)
    cost.axhline(0.0, color="black", lw=1)
    cost.set_ylabel("quote AUC lost by the reset")
    cost.set_title("What memory beyond 32 characters adds")
    cost.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return fig


def plot_gradient_norms(norms: dict, max_norm: float) -> plt.Figure:
    """The global norm of the gradient at every update, one curve per cell, the clipping threshold dashed."""
    fig, ax = plt.subplots(figsize=(10, 3.8))
    for model, values in norms.items():
        values = np.asarray(values, dtype=float)
        ax.plot(np.arange(1, len(values) + 1), values, color=COLORS[model], lw=1,
                label=f"{NAMES[model]} (clipped {np.mean(values > max_norm):.0%})")
    ax.axhline(max_norm, color="black", ls="--", lw=1, label=f"max_norm = {max_norm:g}")
    ax.set_yscale("log")
    ax.set_xlabel("update")
    ax.set_ylabel("global norm before clipping")
    ax.set_title("Gradient norms while training (first seed, window 128)")
    ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
