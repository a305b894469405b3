"""Provided helpers for the lstm notebook: initialisation, a long-range task, training, the sweep.

Nothing here is graded. The LSTM training calls the functions you write in the notebook
(``lstm_forward`` and ``lstm_backward``, and ``lstm_gates`` where gates are read back), which it
receives as arguments. The simple RNN it is compared with is implemented here, in numpy, so that
this notebook never needs your ``rnn`` assignment. The figures are drawn by ``lstm_plots.py``.
"""

from collections.abc import Callable

import numpy as np

BASELINE = 1 / 3
"""The loss of always predicting 0 on the memory task: the variance of a uniform input on [-1, 1]."""

SUCCESS = 0.05
"""A run succeeds when its test loss is below this: it explains 85% of the target's variance."""


def lstm_parameters(inputs: int, hidden: int, rng: np.random.Generator, *, forget_bias: float = 0.0) -> dict:
    """Random LSTM weights in gate order i, f, o, g, with the forget gate's bias set to ``forget_bias``."""
    params = {
        "Wx": rng.normal(scale=1 / np.sqrt(inputs), size=(inputs, 4 * hidden)),
        "Wh": rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 4 * hidden)),
        "b": np.zeros(4 * hidden),
    }
    params["b"][hidden : 2 * hidden] = forget_bias
    return params


def gates_and_cells(lstm_gates: Callable, x: np.ndarray, h: np.ndarray, h0: np.ndarray, params: dict) -> dict:
    """The gates and cell states of a forward pass, recomputed from its hidden states ``h (N, T, H)``.

    Returns ``{"i", "f", "o", "g", "c"}``, each of shape (N, T, H), computed with your ``lstm_gates``
    from ``a_t = x_t Wx + h_{t-1} Wh + b`` and ``c_t = f_t c_{t-1} + i_t g_t`` with ``c_{-1} = 0``.
    """
    n, steps, hidden = h.shape
    previous = np.concatenate([h0[:, None], h[:, :-1]], axis=1)
    a = x @ params["Wx"] + previous @ params["Wh"] + params["b"]
    gates = dict(zip("ifog", (v.reshape(n, steps, hidden) for v in lstm_gates(a.reshape(n * steps, 4 * hidden)))))
    c, cell = np.zeros((n, steps, hidden)), np.zeros((n, hidden))
    for t in range(steps):
        cell = gates["f"][:, t] * cell + gates["i"][:, t] * gates["g"][:, t]
        c[:, t] = cell
    return {**gates, "c": c}


def cell_path_norms(dh_last: np.ndarray, states: dict) -> np.ndarray:
    """Norm of the part of dL/dc_t carried back along the cells alone: dL/dc_{T-1} times f_{t+1} ... f_{T-1}."""
    steps = states["c"].shape[1]
    carried = dh_last * states["o"][:, -1] * (1.0 - np.tanh(states["c"][:, -1]) ** 2)
    norms = np.zeros(steps)
    for t in reversed(range(steps)):
        norms[t] = np.linalg.norm(carried)
        carried = carried * states["f"][:, t]
    return norms


def cell_retention(forget: np.ndarray) -> np.ndarray:
    r"""Per unit, the fraction of the first cell state c_0 still there at the last step along the cell alone.

    ``forget (N, T, H)`` holds the forget gates of a forward pass; returns the mean over the
    sequences of $f_1 \odot f_2 \odot \cdots \odot f_{T-1}$, shape (H,). ($f_0$ multiplies
    $c_{-1} = 0$ and plays no part.)
    """
    return np.prod(forget[:, 1:], axis=1).mean(axis=0)


def memory_task(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Read ``steps`` inputs uniform on [-1, 1]; the target is the first one. ``x (n, steps, 1)``, ``y (n, 1)``."""
    x = rng.uniform(-1.0, 1.0, size=(n, steps, 1))
    return x, x[:, 0].copy()


class Adam:
    """Adam (Kingma and Ba, 2015) on a dict of arrays whose first axis is the model (one per seed)."""

    def __init__(self, params: dict, learning_rate: float):
        self.learning_rate, self.steps = learning_rate, 0
        self.moments = {k: np.zeros_like(v) for k, v in params.items()}
        self.squares = {k: np.zeros_like(v) for k, v in params.items()}

    def update(self, params: dict, grads: dict, max_norm: float) -> None:
        """One step, after clipping each model's gradients to global norm ``max_norm``."""
        squared = sum(np.sum(g.reshape(len(g), -1) ** 2, axis=1) for g in grads.values())
        factor = np.minimum(1.0, max_norm / np.maximum(np.sqrt(squared), 1e-300))
        self.steps += 1
        for name, grad in grads.items():
            grad = grad * factor.reshape(-1, *[1] * (grad.ndim - 1))
            self.moments[name] = 0.9 * self.moments[name] + 0.1 * grad
            self.squares[name] = 0.999 * self.squares[name] + 0.001 * grad**2
            step = (self.moments[name] / (1 - 0.9**self.steps)) / (np.sqrt(self.squares[name] / (1 - 0.999**self.steps)) + 1e-8)
            params[name] = params[name] - self.learning_rate * step


def _side_by_side(blocks: np.ndarray) -> np.ndarray:
    """(S, R, 4H) per-model weights -> one (S*R, 4*S*H) matrix, block diagonal within each gate."""
    count, rows, width = blocks.shape
    hidden = width // 4
    big = np.zeros((count, rows, 4, count, hidden))
    big[np.arange(count), :, :, np.arange(count), :] = blocks.reshape(count, rows, 4, hidden)
    return big.reshape(count * rows, 4 * count * hidden)


def _per_model(big: np.ndarray, count: int) -> np.ndarray:
    """The inverse of ``_side_by_side``: each model's own block, (S, R, 4H)."""
    rows, hidden = big.shape[0] // count, big.shape[1] // (4 * count)
    blocks = big.reshape(count, rows, 4, count, hidden)[np.arange(count), :, :, np.arange(count), :]
    return blocks.reshape(count, rows, 4 * hidden)


def _gate_major(per_model: np.ndarray) -> np.ndarray:
    """(S, 4H) per-model biases -> the (4*S*H,) bias of the side-by-side LSTM, and back with ``_model_major``."""
    count, width = per_model.shape
    return per_model.reshape(count, 4, width // 4).transpose(1, 0, 2).reshape(-1)


def _model_major(big: np.ndarray, count: int) -> np.ndarray:
    return big.reshape(4, count, -1).transpose(1, 0, 2).reshape(count, -1)


def train_lstms(lstm_forward: Callable, lstm_backward: Callable, steps: int, *, seeds, forget_bias: float,
                learning_rate: float = 0.01, hidden: int = 16, iterations: int = 300, batch: int = 32,
                max_norm: float = 1.0) -> tuple[dict, np.ndarray]:
    """Train one LSTM per seed on ``memory_task``, all at once; return the weights and the losses.

    Each model reads out ``h[:, -1] @ Wy + by`` and is trained on the mean squared error with
    Adam, its gradients clipped to global norm ``max_norm``. The models run as one LSTM whose
    weights are block diagonal within each gate (model m owns units m*H to (m+1)*H of every gate),
    the same computation as separate runs, with one call of your functions per iteration.

    Returns:
        ``(params, losses)``: the weights, stacked by model (``params["Wx"]`` is (S, 1, 4H), ...),
        and the training loss of every model at every iteration, (S, iterations).
    """
    rngs = [np.random.default_rng(seed) for seed in seeds]
    models = [lstm_parameters(1, hidden, rng, forget_bias=forget_bias) for rng in rngs]
    params = {k: np.stack([m[k] for m in models]) for k in ("Wx", "Wh", "b")}
    params["Wy"] = np.stack([rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1)) for rng in rngs])
    params["by"] = np.zeros((len(rngs), 1))
    optimiser, losses = Adam(params, learning_rate), np.zeros((len(rngs), iterations))
    for it in range(iterations):
        data = [memory_task(batch, steps, rng) for rng in rngs]
        x, y = np.concatenate([d[0] for d in data], axis=2), np.stack([d[1] for d in data])
        bias = _gate_major(params["b"])
        h, cache = lstm_forward(x, np.zeros((batch, len(rngs) * hidden)), _side_by_side(params["Wx"]), _side_by_side(params["Wh"]), bias)
        last = h[:, -1].reshape(batch, len(rngs), hidden).transpose(1, 0, 2)
        error = last @ params["Wy"] + params["by"][:, None] - y
        losses[:, it] = np.mean(error[..., 0] ** 2, axis=1)
        dy = 2.0 * error / batch
        dh = np.zeros_like(h)
        dh[:, -1] = (dy @ params["Wy"].transpose(0, 2, 1)).transpose(1, 0, 2).reshape(batch, -1)
        _, _, dwx, dwh, db = lstm_backward(dh, cache)
        grads = {"Wx": _per_model(dwx, len(rngs)), "Wh": _per_model(dwh, len(rngs)), "b": _model_major(db, len(rngs)),
                 "Wy": last.transpose(0, 2, 1) @ dy, "by": dy.sum(axis=1)}
        optimiser.update(params, grads, max_norm)
    return params, losses


def lstm_test_loss(lstm_forward: Callable, params: dict, steps: int, *, batch: int = 256, seed: int = 12345) -> np.ndarray:
    """Each trained LSTM's mean squared error on ``batch`` fresh sequences of length ``steps``."""
    count, hidden = params["Wh"].shape[0], params["Wh"].shape[1]
    x, y = memory_task(batch, steps, np.random.default_rng(seed))
    bias = _gate_major(params["b"])
    h, _ = lstm_forward(np.repeat(x, count, axis=2), np.zeros((batch, count * hidden)), _side_by_side(params["Wx"]), _side_by_side(params["Wh"]), bias)
    last = h[:, -1].reshape(batch, count, hidden).transpose(1, 0, 2)
    return np.mean((last @ params["Wy"] + params["by"][:, None] - y) ** 2, axis=(1, 2))
