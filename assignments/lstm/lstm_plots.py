"""Figures of the lstm notebook: the cell, the gradient's paths through time, success rates, forget gates.

Nothing here is graded; every function takes numbers the notebook computed and draws them.
"""

import matplotlib.pyplot as plt
import numpy as np

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
    """Per forget bias: the total dL/dc_t (solid), its cell-path part (dashed), and mean(f)^k (dotted)."""
    fig, ax = plt.subplots(figsize=(10, 4.8))
    shown = []
    for (label, total), color, marker in zip(totals.items(), COLORS, MARKERS):
        total, path = np.asarray(total, dtype=float), np.asarray(cell_paths[label], dtype=float)
        steps_back = np.arange(len(total))[::-1]
        reference = total[-1] * mean_forget[label] ** steps_back
        shown += [total, path, reference]
        ax.semilogy(total, color=color, lw=2.2, marker=marker, markevery=15, ms=5, label=f"{label}: total")
        ax.semilogy(path, color=color, lw=1.6, ls="--", label=f"{label}: cell path only")
        ax.semilogy(reference, color=color, lw=1.0, ls=":", label=rf"{label}: $\bar f^{{\,k}}$, $\bar f = {mean_forget[label]:.3f}$")
    decade_ticks(ax, np.concatenate(shown))
    ax.set_xlabel("time step $t$ (the loss is on $h_{T-1}$, at the right end; $k = T-1-t$ steps back)")
    ax.set_ylabel(r"$\|\partial L / \partial c_t\|$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(fontsize=8, ncol=3, loc="lower center")
    fig.tight_layout()
    return fig


def plot_success_rates(result: dict, success: float, seeds: int) -> plt.Figure:
    """The fraction of seeds whose test loss ends below ``success``, against the sequence length."""
    fig, ax = plt.subplots(figsize=(8, 4.4))
    lengths = result["lengths"]
    models = [k for k in result if k != "lengths"]
    for k, (label, color, marker, style) in enumerate(zip(models, COLORS, MARKERS, ("-", "--", "-.", ":"))):
        rate = np.mean(np.asarray(result[label]) < success, axis=1)
        ax.plot(lengths * (1 + 0.03 * (k - 1.5)), rate, color=color, marker=marker, ls=style, lw=2, ms=7, label=label)
    ax.set_xscale("log")
    ax.set_xticks(lengths, [str(t) for t in lengths])
    ax.xaxis.set_minor_locator(plt.NullLocator())
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlabel("sequence length $T$ (steps between the input and the answer)")
    ax.set_ylabel(f"fraction of {seeds} seeds that succeed")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def plot_forget_gates(before: np.ndarray, after: np.ndarray) -> plt.Figure:
    """Each unit's forget gate, averaged over a test batch, at every step: before and after training."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.0), sharey=True)
    for ax, gates, title in zip(axes, (before, after), ("at initialisation", "after training")):
        image = ax.imshow(gates.T, aspect="auto", vmin=0, vmax=1, cmap="viridis", interpolation="nearest")
        ax.set(title=f"forget gate $f_t$ per unit, {title}", xlabel="time step $t$")
    axes[0].set_ylabel("hidden unit")
    fig.colorbar(image, ax=axes, label="mean $f_t$ over the batch")
    return fig
