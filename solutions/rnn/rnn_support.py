"""Provided helpers for the rnn notebook: weight matrices, a long-range toy task, a training loop.

Nothing here is graded. The training loop calls the functions you write in the notebook
(``rnn_forward``, ``rnn_backward`` and ``clip_by_global_norm``), which it receives as arguments.
The studies that tune and compare training set-ups are in ``memory_studies.py``; the figures are
drawn by ``rnn_plots.py``.
"""

from collections.abc import Callable

import numpy as np

ACTIVATIONS = ("sigmoid", "tanh", "relu")
"""The activations of the notebook, in the order the plots show them."""

GAMMA = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
"""The largest value of each activation's derivative: the gamma of the bound."""

BASELINE = 1 / 3
"""The loss of always predicting 0 on the memory task: the variance of a uniform input on [-1, 1]."""

SUCCESS = 0.05
"""A run has learned the memory task when its test loss is below this: it explains 85% of the target's variance."""

INITIALISATIONS = ("orthogonal", "gaussian", "identity")
"""Recurrent weights W_h at the start of training: Q orthogonal, entries N(0, 1/H), or the identity."""


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
    """A long-range toy task: read ``steps`` inputs uniform on [-1, 1], output the first one at the end.

    Returns ``x`` of shape (n, steps, 1) and targets ``y`` of shape (n, 1), with ``y = x[:, 0]``.
    """
    x = rng.uniform(-1.0, 1.0, size=(n, steps, 1))
    return x, x[:, 0].copy()


def initial_parameters(hidden: int, seed: int, initialisation: str, scale: float = 1.0) -> dict[str, np.ndarray]:
    """The weights one run starts from: ``{"Wx", "Wh", "b", "Wy", "by"}`` for one input and one output.

    ``Wx`` is N(0, 1), the readout ``Wy`` N(0, 1/H), both biases 0; ``Wh`` is an orthogonal Q, a
    matrix of N(0, 1/H) entries (spectral radius about 1, largest singular value about 2), or the
    identity (with ReLU and b = 0, the IRNN of Le, Jaitly and Hinton, 2015), times ``scale``. Runs
    of the same seed share ``Wx`` and ``Wy`` whatever their ``Wh``.
    """
    rng = np.random.default_rng([seed, 0])
    params = {"Wx": rng.normal(size=(1, hidden)), "Wy": rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, 1))}
    if initialisation == "orthogonal":
        params["Wh"] = orthogonal(hidden, rng)
    elif initialisation == "gaussian":
        params["Wh"] = rng.normal(scale=1 / np.sqrt(hidden), size=(hidden, hidden))
    elif initialisation == "identity":
        params["Wh"] = np.eye(hidden)
    else:
        raise ValueError(f"unknown initialisation {initialisation!r}: use one of {INITIALISATIONS}")
    params["Wh"] = scale * params["Wh"]
    return {**params, "b": np.zeros(hidden), "by": np.zeros(1)}


def block_diagonal(models: list[dict], alive: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Wx, Wh and b of one RNN made of independent models side by side (diverged ones left at zero)."""
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
    learning_rate: float,
    max_norm: float = 1.0,
    seeds: tuple[int, ...] = tuple(range(20)),
    steps: int = 15,
    hidden: int = 16,
    activation: str = "tanh",
    initialisation: str = "orthogonal",
    scale: float = 1.0,
    iterations: int = 500,
    batch: int = 32,
    block: int = 5,
) -> dict:
    """Train one RNN per seed on ``memory_task`` by plain SGD, its gradient clipped or not.

    Each model is ``y_hat = h[:, -1] @ Wy + by`` on top of your ``rnn_forward``, trained on the mean
    squared error from :func:`initial_parameters`. Before each update its gradient dict
    ``{"Wx", "Wh", "b", "Wy", "by"}`` goes through ``clip_by_global_norm(grads, max_norm)``, unless
    that is None. Every model draws its batches from a generator of its own seed, so runs of the
    same seed see the same data. Up to ``block`` models train at once as one RNN whose weights are
    block diagonal (model m owns hidden units m*H to (m+1)*H): the same computation as separate
    runs, with one call of your functions per iteration. A model whose loss or weights stop being
    finite has diverged: it is taken out, and its later entries are ``nan``.

    Returns:
        ``{"loss": (seeds, iterations), "global_norm": (seeds, iterations), "models": [dict, ...]}``:
        each model's training loss and the global norm of its gradient before clipping at every
        iteration, and its final weights.
    """
    history = {"loss": [], "global_norm": [], "models": []}
    for start in range(0, len(seeds), block):
        part = _train_block(rnn_forward, rnn_backward, clip_by_global_norm, seeds[start : start + block],
                            learning_rate=learning_rate, max_norm=max_norm, steps=steps, hidden=hidden,
                            activation=activation, initialisation=initialisation, scale=scale, iterations=iterations,
                            batch=batch)
        for name, value in part.items():
            history[name].extend(value)
    return {"loss": np.array(history["loss"]), "global_norm": np.array(history["global_norm"]), "models": history["models"]}


def _train_block(rnn_forward, rnn_backward, clip_by_global_norm, seeds, *, learning_rate, max_norm, steps, hidden,
                 activation, initialisation, scale, iterations, batch) -> dict:
    rngs = [np.random.default_rng([seed, 1]) for seed in seeds]
    models = [initial_parameters(hidden, seed, initialisation, scale) for seed in seeds]
    alive = np.ones(len(seeds), dtype=bool)
    loss, norm = np.full((len(seeds), iterations), np.nan), np.full((len(seeds), iterations), np.nan)
    with np.errstate(all="ignore"):
        for it in range(iterations):
            data = [memory_task(batch, steps, rng) for rng in rngs]
            x = np.concatenate([inputs for inputs, _ in data], axis=2)
            h0 = np.zeros((batch, len(seeds) * hidden))
            h, cache = rnn_forward(x, h0, *block_diagonal(models, alive), activation)
            dh, readouts = np.zeros_like(h), {}
            for m, params in enumerate(models):
                units = slice(m * hidden, (m + 1) * hidden)
                last = h[:, -1, units]
                error = last @ params["Wy"] + params["by"] - data[m][1]
                value = np.mean(error**2)
                if alive[m] and np.isfinite(value):
                    loss[m, it] = value
                    dy = 2.0 * error / batch
                    dh[:, -1, units] = dy @ params["Wy"].T
                    readouts[m] = (last, dy)
                else:
                    alive[m] = False
            _, _, dwx, dwh, db = rnn_backward(dh, cache)
            for m, (last, dy) in readouts.items():
                units = slice(m * hidden, (m + 1) * hidden)
                grads = {"Wx": dwx[m : m + 1, units], "Wh": dwh[units, units], "b": db[units], "Wy": last.T @ dy,
                         "by": dy.sum(axis=0)}
                norm[m, it] = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
                if clip_by_global_norm is not None:
                    grads, _ = clip_by_global_norm(grads, max_norm)
                models[m] = {name: weight - learning_rate * grads[name] for name, weight in models[m].items()}
                alive[m] = all(np.all(np.isfinite(weight)) for weight in models[m].values())
    return {"loss": list(loss), "global_norm": list(norm), "models": models}


def held_out_loss(rnn_forward: Callable, models: list[dict], x: np.ndarray, y: np.ndarray, activation: str) -> np.ndarray:
    """Each model's mean squared error on the sequences ``x (n, steps, 1)``; ``inf`` for a model that diverged."""
    losses = np.full(len(models), np.inf)
    with np.errstate(all="ignore"):
        for m, params in enumerate(models):
            h, _ = rnn_forward(x, np.zeros((len(x), params["Wh"].shape[0])), params["Wx"], params["Wh"], params["b"],
                               activation)
            value = np.mean((h[:, -1] @ params["Wy"] + params["by"] - y) ** 2)
            if np.isfinite(value):
                losses[m] = value
    return losses
