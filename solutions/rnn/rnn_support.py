"""Provided helpers for the rnn notebook: weight matrices, a long-range toy task, a training loop.

Nothing here is graded. The training loop calls the functions you write in the notebook
(``rnn_forward``, ``rnn_backward`` and ``clip_by_global_norm``), which it receives as arguments.
The figures are drawn by ``rnn_plots.py``.
"""

from collections.abc import Callable

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The activations of the notebook, in the order the plots show them."""

GAMMA = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
"""The largest value of each activation's derivative: the gamma of the bound."""

BASELINE = 1 / 3
"""The loss of always predicting 0 on the memory task: the variance of a uniform input on [-1, 1]."""


def orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    """A random (n, n) orthogonal matrix: every singular value is exactly 1."""
    q, r = np.linalg.qr(rng.normal(size=(n, n)))
    return q * np.sign(np.diag(r))


def rms_slope(h: np.ndarray, activation: str) -> float:
    """The root mean square of f'(a_t) over hidden states h_t = f(a_t), written with h alone.

    tanh' = 1 - h^2, sigmoid' = h (1 - h), relu' = [h > 0]: one number per set of states, the
    per-step gain the growth factor is compared with (your activation_derivative computes f' itself).
    """
    slopes = {"tanh": 1.0 - h * h, "sigmoid": h - h * h, "relu": (h > 0).astype(np.float64)}[activation]
    return float(np.sqrt(np.mean(slopes**2)))


def non_normal(n: int, rng: np.random.Generator, *, eigenvalue: float, coupling: float, block: int) -> np.ndarray:
    """A non-normal (n, n) matrix whose eigenvalues all equal ``eigenvalue``.

    In a random orthonormal basis it is block diagonal; each block of size ``block`` has
    ``eigenvalue`` on its diagonal and ``coupling`` just above it (a Jordan-like chain), so the
    spectral radius is ``eigenvalue`` while the largest singular value is about
    ``eigenvalue + coupling``.
    """
    core = eigenvalue * np.eye(n)
    for start in range(0, n - n % block, block):
        for i in range(start, start + block - 1):
            core[i, i + 1] = coupling
    q = orthogonal(n, rng)
    return q @ core @ q.T


def memory_task(n: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A long-range toy task: read ``steps`` noisy inputs, output the first one at the end.

    Returns ``x`` of shape (n, steps, 1) and targets ``y`` of shape (n, 1), with ``y = x[:, 0]``.
    """
    x = rng.uniform(-1.0, 1.0, size=(n, steps, 1))
    return x, x[:, 0].copy()


def _initial_parameters(hidden: int, recurrent_scale: float, rng: np.random.Generator) -> dict:
    return {
        "Wx": rng.normal(size=(1, hidden)),
        "Wh": recurrent_scale * orthogonal(hidden, rng),
        "b": np.full(hidden, 0.1),
        "Wy": rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1)),
        "by": np.zeros(1),
    }


def _block_diagonal(models: list[dict], alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wx, Wh and b of one RNN made of independent models side by side (dead ones left at zero)."""
    count, hidden = len(models), models[0]["Wh"].shape[0]
    wx, wh, b = np.zeros((count, count * hidden)), np.zeros((count * hidden,) * 2), np.zeros(count * hidden)
    for m, params in enumerate(models):
        if alive[m]:
            units = slice(m * hidden, (m + 1) * hidden)
            wx[m, units], wh[units, units], b[units] = params["Wx"][0], params["Wh"], params["b"]
    return wx, wh, b


def train_memory_task(
    rnn_forward: Callable,
    rnn_backward: Callable,
    clip_by_global_norm: Callable | None,
    *,
    max_norm: float = 1.0,
    seeds: tuple[int, ...] = (0, 1, 2, 3, 4),
    steps: int = 30,
    hidden: int = 16,
    recurrent_scale: float = 2.0,
    learning_rate: float = 0.2,
    iterations: int = 300,
    batch: int = 32,
) -> dict[str, np.ndarray]:
    """Train one tanh RNN per seed on ``memory_task`` by plain SGD, clipped or not.

    Each model is ``y_hat = h[:, -1] @ Wy + by`` on top of ``rnn_forward``, trained on the mean
    squared error. Before each update its gradient dict ``{"Wx", "Wh", "b", "Wy", "by"}`` goes
    through ``clip_by_global_norm(grads, max_norm)``, unless that is None. The models are run at
    once as one RNN whose weights are block diagonal (model m owns hidden units m*H to (m+1)*H):
    exactly the same computation as separate runs, with one call of your functions per iteration.
    A model whose loss or weights stop being finite has diverged: it is taken out, and its later
    entries are ``nan``.

    Returns:
        ``{"loss": (seeds, iterations), "global_norm": (seeds, iterations)}``: each model's loss,
        and the global norm of its gradient before clipping, at every iteration.
    """
    rngs = [np.random.default_rng(seed) for seed in seeds]
    models = [_initial_parameters(hidden, recurrent_scale, rng) for rng in rngs]
    alive = np.ones(len(seeds), dtype=bool)
    history = {"loss": np.full((len(seeds), iterations), np.nan), "global_norm": np.full((len(seeds), iterations), np.nan)}
    with np.errstate(all="ignore"):
        for it in range(iterations):
            data = [memory_task(batch, steps, rng) for rng in rngs]
            x = np.concatenate([inputs for inputs, _ in data], axis=2)
            h, cache = rnn_forward(x, np.zeros((batch, len(seeds) * hidden)), *_block_diagonal(models, alive), "tanh")
            dh, readouts = np.zeros_like(h), {}
            for m, params in enumerate(models):
                units = slice(m * hidden, (m + 1) * hidden)
                last = h[:, -1, units]
                error = last @ params["Wy"] + params["by"] - data[m][1]
                loss = np.mean(error**2)
                if alive[m] and np.isfinite(loss):
                    history["loss"][m, it] = loss
                    dy = 2.0 * error / batch
                    dh[:, -1, units] = dy @ params["Wy"].T
                    readouts[m] = (last, dy)
                else:
                    alive[m] = False
            _, _, dwx, dwh, db = rnn_backward(dh, cache)
            for m, (last, dy) in readouts.items():
                units = slice(m * hidden, (m + 1) * hidden)
                grads = {"Wx": dwx[m : m + 1, units], "Wh": dwh[units, units], "b": db[units], "Wy": last.T @ dy, "by": dy.sum(axis=0)}
                history["global_norm"][m, it] = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
                if clip_by_global_norm is not None:
                    grads, _ = clip_by_global_norm(grads, max_norm)
                for name, grad in grads.items():
                    models[m][name] = models[m][name] - learning_rate * grad
                alive[m] = all(np.all(np.isfinite(value)) for value in models[m].values())
    return history


def final_loss(losses: np.ndarray, window: int = 50) -> np.ndarray:
    """Each run's mean loss over its last ``window`` iterations; ``inf`` for a run that diverged."""
    tail = losses[..., -window:]
    return np.where(np.all(np.isfinite(tail), axis=-1), np.mean(np.where(np.isfinite(tail), tail, 0.0), axis=-1), np.inf)
