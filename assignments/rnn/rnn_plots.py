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
    last norm, k steps back; the x-axis counts the steps back from the loss.
    """
    fig, axes = plt.subplots(1, len(ACTIVATIONS), figsize=(15, 4.6), sharey=True)
    shown = []
    for ax, activation in zip(axes, ACTIVATIONS):
        for color, marker, scale in zip(COLORS, MARKERS, scales):
            norms = np.asarray(curves[activation, scale], dtype=float)
            steps_back = np.arange(len(norms))[::-1]
            bound = norms[-1] * (GAMMA[activation] * scale) ** steps_back
            shown += [norms, bound]
            ax.semilogy(steps_back, norms, color=color, lw=2, marker=marker, markevery=6, ms=5, label=f"$s = {scale:g}$")
            ax.semilogy(steps_back, bound, color=color, lw=1.2, ls=":")
        ax.set_title(f"{activation}:  $\\gamma = {GAMMA[activation]:g}$")
        ax.set_xlabel("steps back from the loss, $k$ (the gradient reaches $h_{T-1-k}$)")
        ax.grid(True, which="major", alpha=0.3)
    decade_ticks(axes[0], np.concatenate(shown))
    axes[0].set_ylabel(r"$\|\partial L / \partial h_{T-1-k}\|$")
    axes[-1].legend(title="$W_h = sQ$\nsolid: measured\ndotted: bound", loc="lower left", fontsize=9)
    fig.tight_layout()
    return fig


def plot_transient(norms: np.ndarray, rho: float, sigma_max: float) -> plt.Figure:
    """A gradient norm against steps back, beside the reference lines rho**k and sigma_max**k.

    An inset shows the measured factor per step (from 10 steps back on) against rho: the
    difference the log axis hides.
    """
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
    ax.legend(loc="upper right")
    # On the log axis a factor of 0.53 per step looks parallel to 0.5: the inset shows the factor itself.
    inset = ax.inset_axes([0.08, 0.08, 0.36, 0.36])
    factors = ratio[1:] / ratio[:-1]
    late = k[1:] >= 10
    inset.plot(k[1:][late], factors[late], color=COLORS[0], lw=1.5)
    inset.axhline(rho, color=COLORS[1], ls="--", lw=1.2)
    inset.set_ylim(rho - 0.05, max(factors[late].max(), rho) + 0.05)
    inset.set_title("factor per step, $k \\geq 10$", fontsize=8)
    inset.tick_params(labelsize=7)
    inset.grid(True, alpha=0.3)
    fig.tight_layout()
    return fig


def block_means(values: np.ndarray, block: int = 10) -> tuple[np.ndarray, np.ndarray]:
    """Means of consecutive blocks of ``block`` iterations (the last axis), and each block's centre."""
    count = values.shape[-1] // block
    blocks = values[..., : count * block].reshape(*values.shape[:-1], count, block)
    with np.errstate(all="ignore"):
        return np.mean(blocks, axis=-1), np.arange(count) * block + (block - 1) / 2


def plot_forward_states(largest: dict, scales: list[float]) -> plt.Figure:
    """The largest |h_t| over the batch and the units at every step t, for tanh and ReLU at each scale.

    ``largest[activation, scale]`` is an array of shape (T,).
    """
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.0), sharey=True)
    shown = []
    for ax, activation in zip(axes, ("tanh", "relu")):
        for color, marker, scale in zip(COLORS, MARKERS, scales):
            values = np.asarray(largest[activation, scale], dtype=float)
            shown.append(values)
            ax.semilogy(values, color=color, marker=marker, markevery=6, ms=5, lw=2, label=f"$s = {scale:g}$")
        ax.set_title(f"{activation}: forward pass, $W_h = sQ$" + (", every scale (the curves overlap at 1)"
                                                                   if activation == "tanh" else ""))
        ax.set_xlabel("time step $t$")
        ax.grid(True, which="major", alpha=0.3)
    decade_ticks(axes[0], np.concatenate(shown))
    axes[0].set_ylabel(r"largest $|h_t|$ (over sequences and units)")
    axes[1].legend(loc="upper left", fontsize=9)
    fig.tight_layout()
    return fig


def _seed_dots(ax: plt.Axes, position: float, losses: np.ndarray, color: str, top: float) -> None:
    """Every seed's loss as a dot (diverged runs as a triangle at ``top``) and the median as a bar."""
    losses = np.asarray(losses, dtype=float)
    finite = np.isfinite(losses) & (losses < top)
    jitter = np.linspace(-0.18, 0.18, len(losses))
    ax.plot(position + jitter[finite], losses[finite], "o", color=color, alpha=0.75, ms=5)
    ax.plot(position + jitter[~finite], np.full((~finite).sum(), top * 0.97), "^", color=COLORS[4], ms=7)
    ax.plot([position - 0.3, position + 0.3], [np.median(np.minimum(losses, top * 0.97))] * 2, color="black", lw=2.5)


def _loss_axis(ax: plt.Axes, top: float, success: float) -> None:
    ax.axhline(BASELINE, color="gray", ls=":", lw=1.2, label="always predicting 0 (1/3)")
    ax.axhline(success, color=COLORS[2], ls="--", lw=1.2, label=f"learned: below {success:g}")
    ax.set_ylim(0, top)
    ax.grid(True, axis="y", alpha=0.3)


def _setup_title(setup: str) -> str:
    """``"W_h = 2Q, T = 30"`` as mathematics: ``"$W_h = 2Q$, $T = 30$"``."""
    return ", ".join(f"${part}$" for part in setup.split(", "))


def plot_clipping_study(study: dict, success: float, *, top: float = 0.6) -> plt.Figure:
    """Per setup: the validation curves of the tuning (top) and every test seed at the chosen settings (bottom).

    ``study[setup][contender]`` is what ``memory_studies.tuned_contender`` returned. Losses are on a
    linear axis; a run that diverged, or ends above ``top``, is a triangle at the top edge. Under each
    contender: its chosen learning rate, how many test runs learned, and its median fraction clipped.
    """
    fig, axes = plt.subplots(2, len(study), figsize=(7.5 * len(study), 9.5), squeeze=False)
    for column, (setup, contenders) in enumerate(study.items()):
        ax = axes[0, column]
        for color, marker, (label, contender) in zip(COLORS, MARKERS, contenders.items()):
            rates = np.array([point["learning_rate"] for point in contender["grid"]])
            medians = np.array([np.median(point["loss"]) for point in contender["grid"]])
            shown = np.where(np.isfinite(medians), np.minimum(medians, top * 0.97), top * 0.97)
            ax.semilogx(rates, shown, color=color, marker=marker, lw=1.5, ms=5, label=label)
            chosen = contender["chosen"]["learning_rate"]
            ax.plot(chosen, shown[rates == chosen][0], marker=marker, ms=13, mfc="none", mec=color, mew=2)
        _loss_axis(ax, top, success)
        ticks = [rate for rate in (0.025, 0.05, 0.1, 0.2, 0.4, 0.8) if rates.min() <= rate <= rates.max()]
        ax.set_xticks(ticks, [f"{rate:g}" for rate in ticks])
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
        ax.set(xlabel="learning rate", ylabel=f"median validation loss ({len(contender['grid'][0]['loss'])} tuning seeds)",
               title=f"{_setup_title(setup)}: tuning (circled: chosen; top edge: diverged or above {top:g})")
        ax.title.set_fontsize(10)
        ax.legend(fontsize=8, loc="upper left")
        ax = axes[1, column]
        names = []
        for position, (color, (label, contender)) in enumerate(zip(COLORS, contenders.items())):
            test = contender["test"]
            _seed_dots(ax, position, test["loss"], color, top)
            learned = int(np.sum(np.asarray(test["loss"]) < success))
            name = f"{label}\nlr {contender['chosen']['learning_rate']:g}\n{learned}/{len(test['loss'])} learned"
            if contender["chosen"]["max_norm"] is not None:
                name += f"\n{100 * np.median(test['clipped']):.0f}% clipped"
            names.append(name)
        _loss_axis(ax, top, success)
        ax.set_xticks(range(len(contenders)), names, fontsize=8.5)
        ax.set(ylabel="test loss (dots: seeds, bar: median)",
               title=f"{_setup_title(setup)}: test seeds at the chosen learning rate (▲: diverged or above {top:g})")
        ax.title.set_fontsize(10)
    fig.tight_layout()
    return fig


def plot_training_traces(runs: dict[str, dict], max_norm: float, success: float, *, top: float = 0.6) -> plt.Figure:
    """Loss (means of 10 iterations, linear axis) and global norm before clipping of every seed of each run.

    ``runs[label]`` is what ``train_memory_task`` returned. A loss above ``top`` leaves the top edge.
    """
    fig, axes = plt.subplots(1, 2, figsize=(15, 4.6))
    for (label, history), color, style in zip(runs.items(), (COLORS[4], COLORS[0]), ("--", "-")):
        losses, centres = block_means(history["loss"])
        for m, loss in enumerate(losses):
            axes[0].plot(centres, np.minimum(loss, 10 * top), color=color, ls=style, lw=1.0, alpha=0.7,
                         label=label if m == 0 else None)
            axes[1].semilogy(history["global_norm"][m], color=color, ls=style, lw=0.7, alpha=0.6,
                             label=label if m == 0 else None)
    _loss_axis(axes[0], top, success)
    axes[0].set(xlabel="SGD iteration", ylabel="training loss (mean of 10 iterations)", title="loss, every seed")
    axes[1].axhline(max_norm, color="black", ls=":", lw=1.2, label=rf"threshold $\tau = {max_norm:g}$")
    norms = np.concatenate([h["global_norm"].ravel() for h in runs.values()])
    decade_ticks(axes[1], np.clip(norms, 1e-3, 1e12))
    axes[1].set(xlabel="SGD iteration", ylabel="global norm before clipping", title="gradient norm, every seed")
    axes[1].grid(True, which="major", alpha=0.3)
    axes[0].legend(fontsize=9)
    axes[1].legend(fontsize=9)
    fig.tight_layout()
    return fig


def plot_initialisation_study(study: dict, success: float, *, top: float = 0.6) -> plt.Figure:
    """Every test seed's loss for each (activation, initialisation), at its tuned learning rate and threshold."""
    fig, ax = plt.subplots(figsize=(12, 5.2))
    names = []
    for position, (color, (label, contender)) in enumerate(zip(COLORS, study.items())):
        test, chosen = contender["test"], contender["chosen"]
        _seed_dots(ax, position, test["loss"], color, top)
        learned = int(np.sum(np.asarray(test["loss"]) < success))
        clip = "no clipping" if chosen["max_norm"] is None else f"clip at {chosen['max_norm']:g}"
        clipped = "" if chosen["max_norm"] is None else f", {100 * np.median(test['clipped']):.0f}% clipped"
        names.append(f"{label}\nlr {chosen['learning_rate']:g}, {clip}\n{learned}/{len(test['loss'])} learned{clipped}")
    _loss_axis(ax, top, success)
    ax.set_xticks(range(len(study)), names, fontsize=9)
    ax.set(ylabel="test loss (dots: seeds, bar: median)",
           title=f"each initialisation at its own tuned learning rate and threshold (▲: diverged or above {top:g})")
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    return fig
