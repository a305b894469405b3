"""Figures of the rnn notebook: the unrolled network, gradient norms over time, training with clipping.

Nothing here is graded; every function takes numbers the notebook computed and draws them.
"""

import matplotlib.pyplot as plt
import numpy as np

from rnn_support import ACTIVATIONS, BASELINE, GAMMA

COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000")
"""Colours that stay distinct for colour-blind readers (Okabe and Ito)."""

MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def decade_ticks(ax: plt.Axes, values: np.ndarray, *, axis: str = "y") -> None:
    """Put every curve inside a log axis, labelled every 1, 2, 5, 10 or 20 decades (at most 9 labels)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    low, high = np.floor(np.log10(values.min())), np.ceil(np.log10(values.max()))
    high = max(high, low + 1)
    stride = next((s for s in (1, 2, 5, 10, 20, 50) if (high - low) / s <= 8), 100)
    exponents = np.arange(stride * np.floor(low / stride), high + 1, stride)
    ticks = [f"$10^{{{int(e)}}}$" for e in exponents]
    if axis == "y":
        ax.set_ylim(10.0**low, 10.0**high)
        ax.set_yticks(10.0**exponents, ticks)
        ax.yaxis.set_minor_locator(plt.NullLocator())
    else:
        ax.set_xlim(10.0**low, 10.0**high)
        ax.set_xticks(10.0**exponents, ticks)
        ax.xaxis.set_minor_locator(plt.NullLocator())


def draw_unrolled_rnn(steps: int = 4) -> plt.Figure:
    """The RNN unrolled over time: forward arrows through W_x and W_h, the gradient going back."""
    fig, ax = plt.subplots(figsize=(10, 3.6))
    ax.set_xlim(-1.6, 2.2 * steps + 0.4)
    ax.set_ylim(-1.6, 2.5)
    ax.axis("off")
    labels = ["h_{-1}"] + [f"h_{{{t}}}" for t in range(steps - 1)] + ["h_{T-1}"]
    times = ["-1"] + [str(t) for t in range(steps - 1)] + ["T-1"]
    for k, (label, t) in enumerate(zip(labels, times)):
        x = 2.2 * k - 1.1 if k else -1.1
        ax.add_patch(plt.Rectangle((x - 0.45, 0.0), 0.9, 0.7, fc="#DCEBF7" if k else "#EEEEEE", ec="black"))
        ax.text(x, 0.35, f"${label}$", ha="center", va="center", fontsize=12)
        if k:
            ax.add_patch(plt.Rectangle((x - 0.3, -1.45), 0.6, 0.5, fc="#FFF2CC", ec="black"))
            ax.text(x, -1.2, f"$x_{{{t}}}$", ha="center", va="center", fontsize=11)
            ax.annotate("", (x, 0.0), (x, -0.95), arrowprops={"arrowstyle": "->", "lw": 1.2})
            ax.text(x + 0.08, -0.5, "$W_x$", fontsize=10)
            previous = 2.2 * (k - 1) - 1.1
            ax.annotate("", (x - 0.45, 0.45), (previous + 0.45, 0.45), arrowprops={"arrowstyle": "->", "lw": 1.2})
            ax.text((x + previous) / 2, 0.55, "$W_h,\\ f$", ha="center", fontsize=10)
            ax.annotate(
                "",
                (previous + 0.45, 0.15),
                (x - 0.45, 0.15),
                arrowprops={"arrowstyle": "->", "lw": 1.5, "color": "#D55E00", "ls": "--"},
            )
            ax.text((x + previous) / 2, -0.12, f"$J_{{{t}}}$", ha="center", va="top", color="#D55E00", fontsize=10)
        if k == steps - 1:
            ax.text(x + 1.1, 0.35, "$\\cdots$", ha="center", va="center", fontsize=14, zorder=3,
                    bbox={"fc": "white", "ec": "none"})
    last = 2.2 * steps - 1.1
    ax.add_patch(plt.Rectangle((last - 0.35, 1.45), 0.7, 0.55, fc="#F4CCCC", ec="black"))
    ax.text(last, 1.72, "$L$", ha="center", va="center", fontsize=12)
    ax.annotate("", (last, 1.45), (last, 0.7), arrowprops={"arrowstyle": "->", "lw": 1.2})
    ax.text(
        -1.5, 2.25,
        "forward: $h_t = f(x_t W_x + h_{t-1} W_h + b)$        "
        "backward (dashed): $\\partial L/\\partial h_{t-1} = (\\partial L/\\partial h_t)\\, J_t$, "
        "$J_t = \\mathrm{diag}(f'(a_t))\\, W_h^\\top$",
        fontsize=10.5,
    )
    fig.tight_layout()
    return fig


def plot_gradient_norms(curves: dict, scales: list[float]) -> plt.Figure:
    """One panel per activation: measured gradient norms (solid, markers) against the bound (dotted).

    ``curves[activation, scale]`` is the array returned by ``bptt_gradient_norms`` for
    ``Wh = scale * Q`` with an orthogonal ``Q``; the bound is ``(gamma * scale)**k`` times the
    last norm, k steps back.
    """
    fig, axes = plt.subplots(1, len(ACTIVATIONS), figsize=(15, 4.6), sharey=True)
    shown = []
    for ax, activation in zip(axes, ACTIVATIONS):
        for color, marker, scale in zip(COLORS, MARKERS, scales):
            norms = np.asarray(curves[activation, scale], dtype=float)
            steps_back = np.arange(len(norms))[::-1]
            bound = norms[-1] * (GAMMA[activation] * scale) ** steps_back
            shown += [norms, bound]
            ax.semilogy(norms, color=color, lw=2, marker=marker, markevery=6, ms=5, label=f"$s = {scale:g}$")
            ax.semilogy(bound, color=color, lw=1.2, ls=":")
        ax.set_title(f"{activation}:  $\\gamma = {GAMMA[activation]:g}$")
        ax.set_xlabel("time step $t$ (the loss is on $h_{T-1}$)")
        ax.grid(True, which="major", alpha=0.3)
    decade_ticks(axes[0], np.concatenate(shown))
    axes[0].set_ylabel(r"$\|\partial L / \partial h_t\|$")
    axes[-1].legend(title="$W_h = sQ$\nsolid: measured\ndotted: bound", loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def plot_transient(norms: np.ndarray, rho: float, sigma_max: float) -> plt.Figure:
    """A gradient norm against steps back, beside the reference lines rho**k and sigma_max**k."""
    norms = np.asarray(norms, dtype=float)
    k = np.arange(len(norms))
    ratio = norms[::-1] / norms[-1]
    fig, ax = plt.subplots(figsize=(8, 4.2))
    ax.semilogy(k, ratio, color=COLORS[0], lw=2, marker="o", markevery=5, ms=4, label="measured (tanh, small states)")
    ax.semilogy(k, rho**k, color=COLORS[1], ls="--", lw=1.5, label=rf"$\rho(W_h)^k$, $\rho = {rho:.2f}$")
    upper = sigma_max**k
    ax.semilogy(k, upper, color=COLORS[4], ls=":", lw=1.5, label=rf"$\sigma_{{\max}}(W_h)^k$, $\sigma_{{\max}} = {sigma_max:.2f}$")
    visible = np.concatenate([ratio, rho**k, upper[upper <= 1e3 * ratio.max()]])
    decade_ticks(ax, visible)
    ax.set_xlabel("steps back from the loss, $k$")
    ax.set_ylabel(r"$\|\partial L/\partial h_{T-1-k}\| \,/\, \|\partial L/\partial h_{T-1}\|$")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def block_means(values: np.ndarray, block: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Means of consecutive blocks of ``block`` iterations (the last axis), and each block's centre."""
    count = values.shape[-1] // block
    blocks = values[..., : count * block].reshape(*values.shape[:-1], count, block)
    with np.errstate(all="ignore"):
        return np.mean(blocks, axis=-1), np.arange(count) * block + (block - 1) / 2


def plot_clipping(runs: dict[str, dict], sweep: dict[str, np.ndarray], max_norm: float, *, ceiling: float = 1e6) -> plt.Figure:
    """Loss and pre-clip global norm of every run, clipped or not, and the final loss against the threshold.

    ``runs[label]`` is what ``train_memory_task`` returned; ``sweep[label]`` the final losses of
    every seed for one threshold (``inf`` where a run diverged). Losses are means over blocks of 10
    iterations; a run that goes above ``ceiling`` is drawn up to the top edge, where it leaves.
    """
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    for (label, history), color, style in zip(runs.items(), (COLORS[4], COLORS[0]), ("--", "-")):
        losses, centres = block_means(history["loss"])
        for m, loss in enumerate(losses):
            axes[0].semilogy(centres, np.minimum(loss, ceiling * 10), color=color, ls=style, lw=1.3, alpha=0.85,
                             label=label if m == 0 else None)
            axes[1].semilogy(history["global_norm"][m], color=color, ls=style, lw=0.8, alpha=0.7,
                             label=label if m == 0 else None)
    axes[0].axhline(BASELINE, color="gray", ls=":", lw=1.2, label="always predicting 0")
    axes[0].set_ylim(1e-2, ceiling)
    decade_ticks(axes[0], [1e-2, ceiling])
    axes[0].set(xlabel="SGD iteration", ylabel="mean squared error (mean of 10 iterations)", title="loss, every seed")
    axes[1].axhline(max_norm, color="black", ls=":", lw=1.2, label=rf"threshold $\tau = {max_norm:g}$")
    norms = np.concatenate([h["global_norm"].ravel() for h in runs.values()])
    decade_ticks(axes[1], np.clip(norms, 1e-3, 1e12))
    axes[1].set(xlabel="SGD iteration", ylabel="global norm before clipping", title="gradient norm, every seed")
    positions = np.arange(len(sweep))
    for x, finals in zip(positions, sweep.values()):
        finite = np.isfinite(finals) & (finals < ceiling)
        axes[2].plot(np.full(finite.sum(), x), finals[finite], "o", color=COLORS[0], alpha=0.7)
        axes[2].plot(np.full((~finite).sum(), x), np.full((~finite).sum(), ceiling * 0.6), "^", color=COLORS[4])
        axes[2].plot([x - 0.25, x + 0.25], [np.median(np.minimum(finals, ceiling * 0.6))] * 2, color="black", lw=2)
    axes[2].axhline(BASELINE, color="gray", ls=":", lw=1.2)
    axes[2].set_yscale("log")
    decade_ticks(axes[2], [1e-2, ceiling])
    axes[2].set_xticks(positions, list(sweep))
    axes[2].set(xlabel=r"clipping threshold $\tau$", ylabel="final loss (last 50 iterations)",
                title="threshold sweep: dots = seeds, bar = median, ▲ = diverged")
    for ax in axes:
        ax.grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=9)
    axes[1].legend(fontsize=9)
    fig.tight_layout()
    return fig
