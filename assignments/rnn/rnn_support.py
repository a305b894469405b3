"""Provided helpers for the rnn notebook: weight initialisation, a toy task, a training loop, plots.

Nothing here is graded. The training loop calls the functions you write in the notebook
(``rnn_forward``, ``rnn_backward`` and a clipping function), which it receives as arguments.
"""

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The activations of the notebook, in the order the plots show them."""

GAMMA = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
"""The largest value of each activation's derivative: the gamma of the bound."""


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix: every singular value is exactly 1."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def plot_gradient_norms(curves: dict, scales: list[float]) -> plt.Figure:
    """One panel per activation: measured gradient norms (solid) against the bound (dashed).

    ``curves[activation, scale]`` is the array returned by ``bptt_gradient_norms`` for
    ``Wh = scale * Q`` with an orthogonal ``Q``.
    """
    fig, axes = plt.subplots(1, len(ACTIVATIONS), figsize=(15, 4.2), sharey=True)
    colors = plt.cm.viridis(np.linspace(0.0, 0.85, len(scales)))
    for ax, activation in zip(axes, ACTIVATIONS):
        for color, scale in zip(colors, scales):
            norms = np.asarray(curves[activation, scale], dtype=float)
            steps_back = np.arange(len(norms))[::-1]
            rho = GAMMA[activation] * scale
            with np.errstate(all="ignore"):
                bound = norms[-1] * rho**steps_back
            ax.semilogy(norms, color=color, lw=2, label=rf"$\sigma = {scale:g}$")
            ax.semilogy(bound, color=color, lw=1, ls="--")
        ax.set_title(rf"{activation}  ($\gamma = {GAMMA[activation]:g}$)")
        ax.set_xlabel("time step $t$ (loss at the last step)")
        ax.set_ylim(1e-30, 1e30)
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel(r"$\|\partial L / \partial h_t\|$")
    axes[-1].legend(title="solid: measured\ndashed: bound", loc="lower right", fontsize=9)
    fig.tight_layout()
    return fig


def memory_task(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A long-range toy task: read ``steps`` noisy inputs, output the first one at the end.

    Returns ``x`` of shape (n, steps, 1) and targets ``y`` of shape (n, 1), with ``y = x[:, 0]``.
    """
    x = rng.uniform(-1.0, 1.0, size=(n, steps, 1))
    return x, x[:, 0].copy()


def train_memory_task(
    rnn_forward: Callable,
    rnn_backward: Callable,
    clip: Callable[[dict], dict] | None,
    *,
    steps: int = 30,
    hidden: int = 16,
    recurrent_scale: float = 2.0,
    activation: str = "tanh",
    learning_rate: float = 0.1,
    iterations: int = 400,
    batch: int = 32,
    seed: int = 0,
) -> np.ndarray:
    """Train an RNN with a linear readout on ``memory_task`` by SGD; return the loss per iteration.

    The model is ``y_hat = h[:, -1] @ Wy + by`` on top of ``rnn_forward``; the loss is the mean
    squared error. Before each update the gradient dict ``{"Wx", "Wh", "b", "Wy", "by"}`` is
    passed through ``clip`` when one is given. Once the loss is no longer finite, the
    remaining entries are ``nan``.
    """
    rng = np.random.default_rng(seed)
    params = {
        "Wx": rng.normal(size=(1, hidden)),
        "Wh": recurrent_scale * orthogonal(hidden, rng),
        "b": np.full(hidden, 0.1),
        "Wy": rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1)),
        "by": np.zeros(1),
    }
    losses = np.full(iterations, np.nan)
    with np.errstate(all="ignore"):
        for it in range(iterations):
            x, y = memory_task(batch, steps, rng)
            h0 = np.zeros((batch, hidden))
            h, cache = rnn_forward(x, h0, params["Wx"], params["Wh"], params["b"], activation)
            y_hat = h[:, -1] @ params["Wy"] + params["by"]
            losses[it] = np.mean((y_hat - y) ** 2)
            if not np.isfinite(losses[it]):
                losses[it] = np.nan
                break
            dy = 2.0 * (y_hat - y) / y.size
            dh = np.zeros_like(h)
            dh[:, -1] = dy @ params["Wy"].T
            _, _, dWx, dWh, db = rnn_backward(dh, cache)
            grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": h[:, -1].T @ dy, "by": dy.sum(axis=0)}
            if clip is not None:
                grads = clip(grads)
            for name, grad in grads.items():
                params[name] = params[name] - learning_rate * grad
    return losses


def plot_training_curves(histories: dict[str, np.ndarray]) -> plt.Figure:
    """Plot each run's loss per iteration on a log scale."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    for label, losses in histories.items():
        ax.semilogy(losses, label=label, lw=1.5)
    ax.axhline(1 / 3, color="gray", ls=":", lw=1, label="always predicting 0")
    ax.set_xlabel("SGD iteration")
    ax.set_ylabel("mean squared error")
    ax.set_title("Remembering the first input for 30 steps")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
