"""Two tuned comparisons on the memory task: gradient clipping against a smaller learning rate, and initialisations.

Each contender (a way of training) gets its learning rate, and where it is a choice its clipping
threshold, chosen on a validation set: every point of its grid is trained on the tuning seeds and
the point with the lowest median validation loss wins. Only then is the contender trained on the
test seeds, which it has never been tuned on, and scored on a separate test set. The studies train
thousands of networks (about 10 minutes), so the notebook reads them from ``memory_studies.json``,
which ``scripts/make_memory_studies.py`` computed with the reference solution by exactly this code;
``RECOMPUTE = True`` in the notebook remakes it with your functions.
"""

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np

from rnn_support import BASELINE, held_out_loss, memory_task, train_memory_task

STUDY_FILE = Path(__file__).resolve().parent / "memory_studies.json"

SETTINGS = {
    "hidden": 16,
    "iterations": 500,
    "batch": 32,
    "tuning_seeds": tuple(range(100, 110)),
    "test_seeds": tuple(range(20)),
    "validation_set": (512, 2015),
    "test_set": (1024, 2013),
    "clipping_setups": {
        "W_h = Q, T = 15": {"steps": 15, "scale": 1.0},
        "W_h = 2Q, T = 30": {"steps": 30, "scale": 2.0},
    },
    "clipping_learning_rates": (0.025, 0.035, 0.05, 0.07, 0.1, 0.14, 0.2, 0.28, 0.4, 0.57, 0.8),
    "clipping_thresholds": (None, 0.3, 1.0, 3.0, 10.0),
    "initialisation_steps": 15,
    "initialisations": (
        ("relu", "identity"), ("relu", "orthogonal"), ("relu", "gaussian"), ("tanh", "orthogonal"), ("tanh", "gaussian"),
    ),
    "initialisation_learning_rates": (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.4),
    "initialisation_thresholds": (None, 1.0),
}
"""What the cached studies were computed with. A threshold of None means no clipping.

Every run trains an RNN of ``hidden`` units by plain SGD on batches of ``batch`` sequences for
``iterations`` steps. The clipping study trains tanh RNNs from ``W_h = scale * Q`` (Q orthogonal)
on sequences of ``steps`` inputs, in each of its ``clipping_setups``; the initialisation study
trains the activation and initialisation named, on sequences of ``initialisation_steps`` inputs.
``validation_set`` and ``test_set`` are (sequences, seed) of two fixed sets.
"""


def clipping_label(max_norm: float | None) -> str:
    """The name of the clipping contender with threshold ``max_norm`` (None: the unclipped control)."""
    return "no clipping" if max_norm is None else f"clip at {max_norm:g}"


def initialisation_label(activation: str, initialisation: str) -> str:
    """The name of an initialisation contender: ``"IRNN (relu, identity)"`` or ``"tanh, orthogonal"``."""
    name = f"{activation}, {initialisation}"
    return f"IRNN ({name})" if (activation, initialisation) == ("relu", "identity") else name


def evaluation_set(name: str, steps: int, settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """The fixed ``"validation_set"`` or ``"test_set"``: sequences of ``steps`` inputs, from their own seed."""
    count, seed = settings[name]
    return memory_task(count, steps, np.random.default_rng(seed))


def fraction_clipped(global_norms: np.ndarray, max_norm: float | None) -> np.ndarray:
    """Each run's fraction of iterations whose global norm exceeded ``max_norm`` (until it diverged)."""
    if max_norm is None:
        return np.zeros(len(global_norms))
    finite = np.isfinite(global_norms)
    return np.sum(finite & (global_norms > max_norm), axis=1) / np.maximum(np.sum(finite, axis=1), 1)


def train_point(functions: tuple[Callable, Callable, Callable], point: dict, seeds, settings: dict = SETTINGS) -> dict:
    """Train one run per seed at ``point``: what ``train_memory_task`` returns.

    ``point`` names the activation, initialisation, its scale, the sequence length (steps), the
    learning rate and the clipping threshold (``max_norm``, None for none); ``settings`` gives the
    rest (hidden units, iterations, batch).
    """
    rnn_forward, rnn_backward, clip_by_global_norm = functions
    return train_memory_task(
        rnn_forward, rnn_backward, None if point["max_norm"] is None else clip_by_global_norm,
        learning_rate=point["learning_rate"], max_norm=point["max_norm"] or 1.0, seeds=tuple(int(s) for s in seeds),
        activation=point["activation"], initialisation=point["initialisation"], scale=point["scale"],
        steps=int(point["steps"]), **{name: int(settings[name]) for name in ("hidden", "iterations", "batch")},
    )


def evaluate(functions: tuple[Callable, Callable, Callable], point: dict, seeds, split: str, settings: dict) -> dict:
    """Train one run per seed at ``point`` (see :func:`train_point`); score each on the evaluation set ``split``.

    Returns ``{"loss": (seeds,), "clipped": (seeds,)}``: each run's loss on the evaluation set
    (``inf`` if it diverged) and its fraction of clipped iterations.
    """
    history = train_point(functions, point, seeds, settings)
    x, y = evaluation_set(split, int(point["steps"]), settings)
    return {"loss": held_out_loss(functions[0], history["models"], x, y, point["activation"]),
            "clipped": fraction_clipped(history["global_norm"], point["max_norm"])}


def tuned_contender(functions, setup: dict, learning_rates, thresholds, settings: dict) -> dict:
    """Tune one contender on the validation set over ``learning_rates`` x ``thresholds``, then test its choice.

    ``setup`` fixes everything else: activation, initialisation, scale and steps.

    Returns ``{"grid": [...], "chosen": {...}, "test": {...}}``: every grid point with the
    validation loss of each tuning seed and its fraction clipped; the point with the lowest median
    validation loss (the smallest learning rate among ties); and the test-seed runs at that point.
    """
    grid = []
    for max_norm in thresholds:
        for rate in learning_rates:
            point = {**setup, "learning_rate": rate, "max_norm": max_norm}
            grid.append({**point, **evaluate(functions, point, settings["tuning_seeds"], "validation_set", settings)})
    chosen = min(grid, key=lambda p: (np.median(p["loss"]), p["learning_rate"]))
    point = {name: chosen[name] for name in (*setup, "learning_rate", "max_norm")}
    return {"grid": grid, "chosen": point, "test": evaluate(functions, point, settings["test_seeds"], "test_set", settings)}


def clipping_study(rnn_forward: Callable, rnn_backward: Callable, clip_by_global_norm: Callable, **overrides) -> dict:
    """In each setup, unclipped SGD (the control) and SGD clipped at each threshold, each with its own tuned learning rate.

    ``overrides`` replace entries of ``SETTINGS``. Returns ``{setup: {contender label: tuned_contender(...)}}``.
    """
    s = {**SETTINGS, **overrides}
    functions = (rnn_forward, rnn_backward, clip_by_global_norm)
    return {name: {clipping_label(max_norm): tuned_contender(
                       functions, {"activation": "tanh", "initialisation": "orthogonal", **setup},
                       s["clipping_learning_rates"], (max_norm,), s)
                   for max_norm in s["clipping_thresholds"]}
            for name, setup in s["clipping_setups"].items()}


def initialisation_study(rnn_forward: Callable, rnn_backward: Callable, clip_by_global_norm: Callable,
                         **overrides) -> dict:
    """Each (activation, initialisation) with its learning rate and threshold (or none) tuned on validation."""
    s = {**SETTINGS, **overrides}
    functions = (rnn_forward, rnn_backward, clip_by_global_norm)
    return {initialisation_label(activation, initialisation): tuned_contender(
                functions, {"activation": activation, "initialisation": initialisation, "scale": 1.0,
                            "steps": s["initialisation_steps"]},
                s["initialisation_learning_rates"], s["initialisation_thresholds"], s)
            for activation, initialisation in s["initialisations"]}


def sign_test(wins: int, losses: int) -> float:
    """Two-sided p-value of ``wins`` against ``losses`` (ties left out) if either side were as likely to win."""
    count = wins + losses
    if count == 0:
        return 1.0
    tail = sum(math.comb(count, k) for k in range(min(wins, losses) + 1)) / 2**count
    return min(1.0, 2 * tail)


def summary(contender: dict, control: dict, success: float) -> dict:
    """What the notebook reports of one tuned contender's test runs, beside the control's (same seeds).

    ``learning_rate`` and ``max_norm`` chosen; the ``median`` test loss and its quartiles ``low`` and
    ``high`` (a diverged run counts as infinite); how many runs ``learned`` (loss below ``success``),
    stayed ``stuck`` (loss above 0.9 of the baseline 1/3) and ``diverged``; the median fraction of
    iterations ``clipped``; ``wins``, in how many seeds its loss is below the control's, ``losses``
    above it, and the sign test's ``p`` of that count.
    """
    loss, reference = np.asarray(contender["test"]["loss"]), np.asarray(control["test"]["loss"])
    with np.errstate(invalid="ignore"):
        quartiles = np.nan_to_num(np.percentile(loss, [25, 50, 75]), nan=np.inf, posinf=np.inf)
    wins, losses = int(np.sum(loss < reference)), int(np.sum(loss > reference))
    return {
        "learning_rate": contender["chosen"]["learning_rate"], "max_norm": contender["chosen"]["max_norm"],
        "low": float(quartiles[0]), "median": float(quartiles[1]), "high": float(quartiles[2]),
        "learned": int(np.sum(loss < success)), "stuck": int(np.sum(loss > 0.9 * BASELINE)),
        "diverged": int(np.sum(~np.isfinite(loss))), "clipped": float(np.median(contender["test"]["clipped"])),
        "wins": wins, "losses": losses, "p": sign_test(wins, losses),
    }


def _plain(value):
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(item) for item in value]
    return value.item() if isinstance(value, np.generic) else value


def save_studies(studies: dict, path: Path = STUDY_FILE, **overrides) -> None:
    """Write ``{"clipping": ..., "initialisation": ...}`` and the settings they were computed with, as JSON text.

    A run that diverged has the loss ``Infinity`` (Python's json reads it back as ``inf``).

    Raises:
        ValueError: if ``studies`` is not such a dict; nothing is written then.
    """
    if not isinstance(studies, dict) or set(studies) != {"clipping", "initialisation"}:
        raise ValueError("studies must be {'clipping': ..., 'initialisation': ...}, as the two studies return them")
    document = {"settings": _plain({**SETTINGS, **overrides}), "studies": _plain(studies)}
    Path(path).write_text(json.dumps(document, indent=1) + "\n")


def load_studies(path: Path = STUDY_FILE) -> tuple[dict, dict]:
    """``(studies, settings)`` of a saved file; every list of numbers is a numpy array again."""
    document = json.loads(Path(path).read_text())

    def arrays(value):
        if isinstance(value, dict):
            return {key: arrays(item) for key, item in value.items()}
        if isinstance(value, list) and value and all(isinstance(item, (int, float)) for item in value):
            return np.array(value, dtype=float)
        return [arrays(item) for item in value] if isinstance(value, list) else value

    return arrays(document["studies"]), document["settings"]
