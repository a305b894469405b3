"""The LSTM's control: a simple RNN trained on the memory task, in numpy, every seed at once.

Nothing here is graded, and nothing here needs your ``rnn`` assignment. The network is
``h_t = phi(x_t Wx + h_{t-1} Wh + b)`` with a linear readout of ``h_{T-1}``, trained exactly like the
LSTMs of ``lstm_support.train_lstms``: the same task, batches, loss, Adam, clipping and iterations.
Three variants (``VARIANTS``) differ in ``phi`` and in the initial $W_h$; the sweep lets each length
choose one on validation data.
"""

import numpy as np
from lstm_support import Adam, memory_task

VARIANTS = {
    "tanh, orthogonal": ("tanh", "orthogonal"),
    "tanh, Gaussian": ("tanh", "gaussian"),
    "relu, identity (IRNN)": ("relu", "identity"),
}
"""Name -> (activation, initial W_h): an orthogonal W_h keeps the length of a vector at the start; a
Gaussian one with variance 1/H is the usual random start; ReLU with W_h = I is Le et al.'s IRNN (2015)."""


def _orthogonal(size: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def initial_recurrence(init: str, size: int, rng: np.random.Generator) -> np.ndarray:
    """The initial W_h (size, size): ``"orthogonal"``, ``"gaussian"`` (variance 1/size) or ``"identity"``."""
    if init == "orthogonal":
        return _orthogonal(size, rng)
    if init == "gaussian":
        return rng.normal(scale=1 / np.sqrt(size), size=(size, size))
    if init == "identity":
        return np.eye(size)
    raise ValueError(f"unknown initialisation {init!r}: use 'orthogonal', 'gaussian' or 'identity'")


def _activate(a: np.ndarray, activation: str) -> np.ndarray:
    return np.tanh(a) if activation == "tanh" else np.maximum(a, 0.0)


def train_simple_rnns(steps: int, *, seeds, learning_rate: float, variant: str = "tanh, orthogonal",
                      hidden: int = 16, iterations: int = 500, batch: int = 32, max_norm: float = 1.0) -> dict:
    """Train one simple RNN per seed on ``memory_task`` (Adam, clipped to global norm ``max_norm``), all at once.

    Model m draws its weights and then its training batches from ``np.random.default_rng(seeds[m])``,
    as ``train_lstms`` does. Returns the weights stacked by model and the variant's activation.
    """
    activation, init = VARIANTS[variant]
    rngs = [np.random.default_rng(seed) for seed in seeds]
    count = len(rngs)
    params = {
        "Wx": np.stack([rng.normal(size=(1, hidden)) for rng in rngs]),
        "Wh": np.stack([initial_recurrence(init, hidden, rng) for rng in rngs]),
        "b": np.zeros((count, hidden)),
        "Wy": np.stack([rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1)) for rng in rngs]),
        "by": np.zeros((count, 1)),
    }
    optimiser = Adam(params, learning_rate)
    for _ in range(iterations):
        data = [memory_task(batch, steps, rng) for rng in rngs]
        x, y = np.stack([d[0] for d in data]), np.stack([d[1] for d in data])
        states = _run(params, x, activation)
        error = states[:, :, -1] @ params["Wy"] + params["by"][:, None] - y
        grads = _gradients(params, x, states, 2.0 * error / batch, activation)
        optimiser.update(params, grads, max_norm)
    return {**params, "activation": activation}


def _run(params: dict, x: np.ndarray, activation: str) -> np.ndarray:
    """Hidden states (S, N, T, H) of every model for inputs x (S, N, T, 1), from zero."""
    count, n, steps, _ = x.shape
    states = np.zeros((count, n, steps, params["Wh"].shape[1]))
    state = np.zeros((count, n, params["Wh"].shape[1]))
    for t in range(steps):
        a = np.einsum("snd,sdh->snh", x[:, :, t], params["Wx"]) + state @ params["Wh"] + params["b"][:, None]
        state = _activate(a, activation)
        states[:, :, t] = state
    return states


def _gradients(params: dict, x: np.ndarray, states: np.ndarray, dy: np.ndarray, activation: str) -> dict:
    """BPTT for a loss on the last state only, every model at once."""
    grads = {k: np.zeros_like(params[k]) for k in ("Wx", "Wh", "b")}
    grads["Wy"] = states[:, :, -1].transpose(0, 2, 1) @ dy
    grads["by"] = dy.sum(axis=1)
    upstream = dy @ params["Wy"].transpose(0, 2, 1)
    for t in reversed(range(x.shape[2])):
        state = states[:, :, t]  # phi'(a) from phi(a): 1 - h^2 for tanh, [h > 0] for ReLU
        through = upstream * (1.0 - state**2 if activation == "tanh" else (state > 0).astype(float))
        before = states[:, :, t - 1] if t > 0 else np.zeros_like(through)
        grads["Wh"] += before.transpose(0, 2, 1) @ through
        grads["Wx"] += np.einsum("snd,snh->sdh", x[:, :, t], through)
        grads["b"] += through.sum(axis=1)
        upstream = through @ params["Wh"].transpose(0, 2, 1)
    return grads


def simple_rnn_loss(params: dict, steps: int, *, batch: int, seed: int) -> np.ndarray:
    """Each trained RNN's mean squared error on ``batch`` sequences drawn from ``default_rng(seed)``."""
    x, y = memory_task(batch, steps, np.random.default_rng(seed))
    states = _run(params, np.repeat(x[None], len(params["Wh"]), axis=0), params["activation"])
    with np.errstate(over="ignore", invalid="ignore"):
        errors = states[:, :, -1] @ params["Wy"] + params["by"][:, None] - y
        losses = np.mean(errors**2, axis=(1, 2))
    return np.where(np.isfinite(losses), losses, np.inf)
