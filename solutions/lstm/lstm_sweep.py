"""Success rate against sequence length: the LSTM (your functions) and a simple RNN (numpy, here).

``success_rates`` trains every model on the memory task at every length for several seeds and
counts the runs whose test loss ends below ``SUCCESS``. The full sweep takes minutes, so the
notebook reads it from ``success_rates.json``, made with the reference solution by
``scripts/make_success_rates.py``; the notebook's ``RECOMPUTE = True`` remakes it with your functions.
"""

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np

from lstm_support import SUCCESS, Adam, lstm_test_loss, memory_task, train_lstms

SWEEP_FILE = Path(__file__).resolve().parent / "success_rates.json"

SETTINGS = {
    "lengths": (10, 20, 40, 80),
    "seeds": (0, 1, 2, 3, 4),
    "iterations": 500,
    "forget_biases": (0.0, 1.0, 3.0),
    "lstm_learning_rate": 0.01,
    "rnn_learning_rates": (0.001, 0.003, 0.01, 0.03),
}
"""What the cached sweep was computed with: lengths, seeds, SGD iterations, the models' settings."""


def _orthogonal(size: int, rng: np.random.Generator) -> np.ndarray:
    q, r = np.linalg.qr(rng.normal(size=(size, size)))
    return q * np.sign(np.diag(r))


def train_simple_rnns(steps: int, *, seeds, learning_rate: float, hidden: int = 16, iterations: int = 500,
                      batch: int = 32, max_norm: float = 1.0) -> dict:
    """Train one tanh RNN per seed (orthogonal W_h, Adam, clipped to global norm 1), all at once.

    The same task, readout, loss, optimiser, clipping and number of iterations as ``train_lstms``.
    Returns the weights stacked by model.
    """
    rngs = [np.random.default_rng(seed) for seed in seeds]
    count = len(rngs)
    params = {
        "Wx": np.stack([rng.normal(size=(1, hidden)) for rng in rngs]),
        "Wh": np.stack([_orthogonal(hidden, rng) for rng in rngs]),
        "b": np.zeros((count, hidden)),
        "Wy": np.stack([rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1)) for rng in rngs]),
        "by": np.zeros((count, 1)),
    }
    optimiser = Adam(params, learning_rate)
    for _ in range(iterations):
        data = [memory_task(batch, steps, rng) for rng in rngs]
        x, y = np.stack([d[0] for d in data]), np.stack([d[1] for d in data])
        states = _run(params, x)
        error = states[:, :, -1] @ params["Wy"] + params["by"][:, None] - y
        dy = 2.0 * error / batch
        grads = _gradients(params, x, states, dy)
        optimiser.update(params, grads, max_norm)
    return params


def _run(params: dict, x: np.ndarray) -> np.ndarray:
    """Hidden states (S, N, T, H) of every model for inputs x (S, N, T, 1), from zero."""
    count, n, steps, _ = x.shape
    states = np.zeros((count, n, steps, params["Wh"].shape[1]))
    state = np.zeros((count, n, params["Wh"].shape[1]))
    for t in range(steps):
        state = np.tanh(np.einsum("snd,sdh->snh", x[:, :, t], params["Wx"]) + state @ params["Wh"] + params["b"][:, None])
        states[:, :, t] = state
    return states


def _gradients(params: dict, x: np.ndarray, states: np.ndarray, dy: np.ndarray) -> dict:
    """BPTT for a loss on the last state only, every model at once."""
    grads = {k: np.zeros_like(v) for k, v in params.items()}
    grads["Wy"] = states[:, :, -1].transpose(0, 2, 1) @ dy
    grads["by"] = dy.sum(axis=1)
    upstream = dy @ params["Wy"].transpose(0, 2, 1)
    for t in reversed(range(x.shape[2])):
        through = upstream * (1.0 - states[:, :, t] ** 2)
        before = states[:, :, t - 1] if t > 0 else np.zeros_like(through)
        grads["Wh"] += before.transpose(0, 2, 1) @ through
        grads["Wx"] += np.einsum("snd,snh->sdh", x[:, :, t], through)
        grads["b"] += through.sum(axis=1)
        upstream = through @ params["Wh"].transpose(0, 2, 1)
    return grads


def simple_rnn_test_loss(params: dict, steps: int, *, batch: int = 256, seed: int = 12345) -> np.ndarray:
    """Each trained RNN's mean squared error on ``batch`` fresh sequences (the LSTM's test set)."""
    x, y = memory_task(batch, steps, np.random.default_rng(seed))
    states = _run(params, np.repeat(x[None], len(params["Wh"]), axis=0))
    return np.mean((states[:, :, -1] @ params["Wy"] + params["by"][:, None] - y) ** 2, axis=(1, 2))


def success_rates(lstm_forward: Callable, lstm_backward: Callable, **settings) -> dict[str, np.ndarray]:
    """Test losses of every model at every length and seed; ``settings`` override ``SETTINGS``.

    Returns ``{"lengths": (L,), "lstm forget bias 0": (L, S), "lstm forget bias +1": (L, S), ...,
    "simple RNN": (L, S)}``: test losses, one LSTM entry per forget bias. For the simple RNN, each length takes the learning rate
    of ``rnn_learning_rates`` with the most successes (then the lowest median loss): it is tuned.
    """
    s = {**SETTINGS, **settings}
    result = {"lengths": np.array(s["lengths"])}
    for bias in s["forget_biases"]:
        result[f"lstm forget bias {bias:+g}".replace("+0", "0")] = np.array([
            lstm_test_loss(lstm_forward, train_lstms(lstm_forward, lstm_backward, steps, seeds=s["seeds"], forget_bias=bias,
                                                     learning_rate=s["lstm_learning_rate"], iterations=s["iterations"])[0], steps)
            for steps in s["lengths"]
        ])
    best = []
    for steps in s["lengths"]:
        tried = [simple_rnn_test_loss(train_simple_rnns(steps, seeds=s["seeds"], learning_rate=rate, iterations=s["iterations"]), steps)
                 for rate in s["rnn_learning_rates"]]
        best.append(min(tried, key=lambda losses: (-np.sum(losses < SUCCESS), np.median(losses))))
    result["simple RNN"] = np.array(best)
    return result


def save_sweep(result: dict, path: Path = SWEEP_FILE, **settings) -> None:
    """Write a sweep and the settings it was computed with, as JSON text."""
    document = {
        "settings": {k: np.asarray(v).tolist() for k, v in {**SETTINGS, **settings}.items()},
        "result": {k: np.asarray(v).tolist() for k, v in result.items()},
    }
    Path(path).write_text(json.dumps(document, indent=1) + "\n")


def load_sweep(path: Path = SWEEP_FILE) -> tuple[dict, dict]:
    """``(result, settings)`` of a saved sweep, every entry a numpy array."""
    document = json.loads(Path(path).read_text())
    return (
        {k: np.array(v) for k, v in document["result"].items()},
        {k: np.array(v) for k, v in document["settings"].items()},
    )
