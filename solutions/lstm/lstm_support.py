"""Provided helpers for the lstm notebook: initialisation, a long-range task, training, plots.

Nothing here is graded. The training loop calls the functions you write in the notebook
(``lstm_forward`` and ``lstm_backward``), which it receives as arguments.
"""

from collections.abc import Callable

import matplotlib.pyplot as plt
import numpy as np

CLOSED = -1e3
"""A gate pre-activation so negative that the sigmoid gives exactly 0.0: a gate held shut."""


def lstm_parameters(
    inputs: int,
    hidden: int,
    rng: np.random.Generator,
    *,
    forget_bias: float = 0.0,
    ablate_forget: bool = False,
) -> dict[str, np.ndarray]:
    """Random LSTM weights in gate order i, f, o, g, with the forget gate's bias set.

    With ``ablate_forget`` the forget gate's weights are zero and its bias is ``CLOSED``, so
    f = 0 at every step: the cell forgets everything, as a simple RNN does.
    """
    params = {
        "Wx": rng.normal(scale=1 / np.sqrt(inputs), size=(inputs, 4 * hidden)),
        "Wh": rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 4 * hidden)),
        "b": np.zeros(4 * hidden),
    }
    forget = slice(hidden, 2 * hidden)
    params["b"][forget] = forget_bias
    if ablate_forget:
        params["Wx"][:, forget] = 0.0
        params["Wh"][:, forget] = 0.0
        params["b"][forget] = CLOSED
    return params


def plot_cell_gradient_norms(curves: dict[str, np.ndarray]) -> plt.Figure:
    """Gradient norm of dL/dc_t against t, one line per configuration, on a log scale."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    positive = []
    for label, norms in curves.items():
        norms = np.asarray(norms, dtype=float)
        shown = np.where(np.isfinite(norms) & (norms > 0), norms, np.nan)
        positive.append(shown[~np.isnan(shown)])
        ax.semilogy(shown, label=label, lw=2)
    values = np.concatenate(positive)
    if values.size:
        _decade_ticks(ax, values.min(), values.max())
    ax.set_xlabel("time step $t$ (the loss is on $h_{T-1}$, at the right end)")
    ax.set_ylabel(r"$\|\partial L / \partial c_t\|$")
    ax.set_title("How far back the gradient reaches through the cell state")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig


def _decade_ticks(ax: plt.Axes, low: float, high: float) -> None:
    """Label a log axis at every 1, 2, 5, 10, 20 or 50 decades, so the exponents read evenly."""
    bottom, top = np.floor(np.log10(low)), np.ceil(np.log10(high))
    stride = next((s for s in (1, 2, 5, 10, 20, 50) if (top - bottom) / s <= 8), 100)
    exponents = np.arange(stride * np.floor(bottom / stride), top + 1, stride)
    ax.set_yticks(10.0**exponents)
    ax.yaxis.set_minor_locator(plt.NullLocator())
    ax.set_ylim(10.0**bottom, 10.0**top)


def memory_task(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Read ``steps`` noisy inputs; the target is the first one. ``x (n, steps, 1)``, ``y (n, 1)``."""
    x = rng.uniform(-1.0, 1.0, size=(n, steps, 1))
    return x, x[:, 0].copy()


def train_memory_task(
    lstm_forward: Callable,
    lstm_backward: Callable,
    *,
    ablate_forget: bool = False,
    forget_bias: float = 1.0,
    steps: int = 20,
    hidden: int = 16,
    learning_rate: float = 0.01,
    iterations: int = 400,
    batch: int = 32,
    max_norm: float = 1.0,
    seed: int = 0,
) -> np.ndarray:
    """Train an LSTM with a linear readout on ``memory_task``; return the loss per iteration.

    Adam (Kingma and Ba, 2015) on the mean squared error of ``h[:, -1] @ Wy + by``, with the
    gradients first clipped to global norm ``max_norm``. With ``ablate_forget`` the forget gate
    stays shut (f = 0) throughout.
    """
    rng = np.random.default_rng(seed)
    params = lstm_parameters(1, hidden, rng, forget_bias=forget_bias, ablate_forget=ablate_forget)
    params["Wy"] = rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1))
    params["by"] = np.zeros(1)
    frozen = np.zeros(4 * hidden, dtype=bool)
    if ablate_forget:
        frozen[hidden : 2 * hidden] = True
    moments = {name: np.zeros_like(value) for name, value in params.items()}
    squares = {name: np.zeros_like(value) for name, value in params.items()}
    losses = np.zeros(iterations)
    for it in range(iterations):
        x, y = memory_task(batch, steps, rng)
        h, cache = lstm_forward(x, np.zeros((batch, hidden)), params["Wx"], params["Wh"], params["b"])
        y_hat = h[:, -1] @ params["Wy"] + params["by"]
        losses[it] = np.mean((y_hat - y) ** 2)
        dy = 2.0 * (y_hat - y) / y.size
        dh = np.zeros_like(h)
        dh[:, -1] = dy @ params["Wy"].T
        _, _, dWx, dWh, db = lstm_backward(dh, cache)
        grads = {"Wx": dWx, "Wh": dWh, "b": db, "Wy": h[:, -1].T @ dy, "by": dy.sum(axis=0)}
        for name in ("Wx", "Wh", "b"):
            grads[name][..., frozen] = 0.0
        norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
        for name, grad in grads.items():
            moments[name] = 0.9 * moments[name] + 0.1 * scale * grad
            squares[name] = 0.999 * squares[name] + 0.001 * (scale * grad) ** 2
            m_hat = moments[name] / (1 - 0.9 ** (it + 1))
            v_hat = squares[name] / (1 - 0.999 ** (it + 1))
            params[name] = params[name] - learning_rate * m_hat / (np.sqrt(v_hat) + 1e-8)
    return losses


def plot_training_curves(histories: dict[str, np.ndarray], steps: int) -> plt.Figure:
    """Each run's loss per iteration (smoothed over 10 iterations), on a log scale."""
    fig, ax = plt.subplots(figsize=(8, 4.2))
    window = np.ones(10) / 10
    for label, losses in histories.items():
        ax.semilogy(np.convolve(losses, window, mode="valid"), label=label, lw=1.5)
    ax.axhline(1 / 3, color="gray", ls=":", lw=1, label="always predicting 0")
    ax.set_xlabel("training iteration")
    ax.set_ylabel("mean squared error (smoothed)")
    ax.set_title(f"Remembering the first input for {steps} steps")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return fig
