"""Success rate against sequence length: LSTMs (your functions) against a simple RNN (``simple_rnn.py``).

Every model is trained at every length with every learning rate of ``SETTINGS`` (the simple RNN
also with each of its three starts), one network per seed. Each trained network is scored on two
sets of fresh sequences: a **validation** set, used only to choose the learning rate (and start)
at each length, and a **test** set, the only losses the notebook reports. The full sweep takes
minutes, so the notebook reads it from ``success_rates.json``, made with the reference solution by
``scripts/make_success_rates.py``; the notebook's ``RECOMPUTE = True`` remakes it with your functions.
"""

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
from lstm_support import SUCCESS, lstm_test_loss, train_lstms
from simple_rnn import VARIANTS, simple_rnn_loss, train_simple_rnns

SWEEP_FILE = Path(__file__).resolve().parent / "success_rates.json"

SETTINGS = {
    "lengths": (10, 15, 20, 25, 30, 40, 50, 60),
    "seeds": tuple(range(10)),
    "iterations": 500,
    "learning_rates": (0.003, 0.01, 0.03),
    "forget_biases": (0.0, 1.0, 3.0),
    "rnn_variants": tuple(VARIANTS),
    "evaluation_batch": 256,
    "validation_seed": 2024,
    "test_seed": 12345,
}
"""What the cached sweep was computed with: lengths, seeds, Adam iterations, the grid every model is
tuned over, and the two sets of fresh sequences (drawn from ``default_rng`` of their seed)."""

RNN = "simple RNN"


def lstm_name(bias: float) -> str:
    """The sweep's name of the LSTM with this forget bias: ``"lstm forget bias +1"``, ``"... 0"``."""
    return f"lstm forget bias {bias:+g}".replace("+0", "0")


def configurations(model: str, settings: dict) -> list[dict]:
    """The settings a model is tuned over, in the order the sweep stores them.

    The learning rates; for the simple RNN, each start (``simple_rnn.VARIANTS``) with each learning rate.
    """
    rates = [float(rate) for rate in settings["learning_rates"]]
    if model == RNN:
        return [{"variant": str(variant), "learning_rate": rate} for variant in settings["rnn_variants"] for rate in rates]
    return [{"learning_rate": rate} for rate in rates]


def models(settings: dict) -> list[str]:
    """Every model of a sweep: one LSTM per forget bias, then the simple RNN."""
    return [*(lstm_name(float(bias)) for bias in settings["forget_biases"]), RNN]


def forget_bias(model: str, settings: dict) -> float:
    """The forget bias of an LSTM of the sweep, from its name."""
    return next(float(b) for b in settings["forget_biases"] if lstm_name(float(b)) == model)


def train_and_score(lstm_forward: Callable, lstm_backward: Callable, model: str, configuration: dict,
                    settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """Train ``model`` with one configuration at every length; its ``(validation, test)`` losses, (L, S) each."""
    scores = {"validation": [], "test": []}
    batch = int(settings["evaluation_batch"])
    for steps in settings["lengths"]:
        steps = int(steps)
        common = {"seeds": [int(s) for s in settings["seeds"]], "learning_rate": configuration["learning_rate"],
                  "iterations": int(settings["iterations"])}
        if model == RNN:
            trained = train_simple_rnns(steps, variant=configuration["variant"], **common)
        else:
            trained, _ = train_lstms(lstm_forward, lstm_backward, steps, forget_bias=forget_bias(model, settings), **common)
        for split in scores:
            seed = int(settings[f"{split}_seed"])
            if model == RNN:
                scores[split].append(simple_rnn_loss(trained, steps, batch=batch, seed=seed))
            else:
                scores[split].append(lstm_test_loss(lstm_forward, trained, steps, batch=batch, seed=seed))
    return np.array(scores["validation"]), np.array(scores["test"])


def jobs(settings: dict) -> list[tuple[str, int]]:
    """Every (model, index of its configuration) the sweep trains, the slowest (LSTMs) first."""
    return [(model, index) for model in models(settings) for index in range(len(configurations(model, settings)))]


def assemble(scores: Iterable[tuple[str, int, np.ndarray, np.ndarray]], settings: dict) -> dict[str, np.ndarray]:
    """Stack the scores of every job into the sweep: ``"<model>: validation"`` and ``"<model>: test"``, (L, C, S)."""
    scores = {(model, index): (validation, test) for model, index, validation, test in scores}
    result = {"lengths": np.array(settings["lengths"])}
    for model in models(settings):
        count = len(configurations(model, settings))
        for split, position in (("validation", 0), ("test", 1)):
            result[f"{model}: {split}"] = np.stack([scores[model, c][position] for c in range(count)], axis=1)
    return result


def success_rates(lstm_forward: Callable, lstm_backward: Callable, **settings) -> dict[str, np.ndarray]:
    """The whole sweep, one job after the other; ``settings`` override ``SETTINGS``.

    Returns ``{"lengths": (L,), "<model>: validation": (L, C, S), "<model>: test": (L, C, S), ...}``:
    the losses of every model at every length, configuration (``configurations``) and seed.
    """
    s = {**SETTINGS, **settings}
    return assemble(((model, index, *train_and_score(lstm_forward, lstm_backward, model, configurations(model, s)[index], s))
                     for model, index in jobs(s)), s)


def chosen_configuration(validation: np.ndarray) -> np.ndarray:
    """At each length, the configuration chosen on validation losses (L, C, S): indices (L,).

    The most validation successes; of those, the lowest median validation loss.
    """
    successes = np.sum(validation < SUCCESS, axis=2)
    median = np.median(validation, axis=2)
    return np.array([min(range(len(s)), key=lambda c: (-s[c], m[c])) for s, m in zip(successes, median)])


def chosen_on_validation(result: dict, settings: dict) -> dict[str, dict]:
    """Per model: the test losses (L, S) of the configuration chosen on validation at each length, and that choice."""
    report = {}
    for model in models(settings):
        choice = chosen_configuration(result[f"{model}: validation"])
        picked = [configurations(model, settings)[c] for c in choice]
        report[model] = {
            "test": result[f"{model}: test"][np.arange(len(choice)), choice],
            "learning_rate": np.array([p["learning_rate"] for p in picked]),
            "variant": [p.get("variant", "") for p in picked],
        }
    return report


def wilson_interval(successes: np.ndarray, trials: int, z: float = 1.96) -> tuple[np.ndarray, np.ndarray]:
    """The Wilson score interval (95% for z = 1.96) of a success rate ``successes / trials``: (low, high)."""
    rate = np.asarray(successes, dtype=float) / trials
    centre = (rate + z**2 / (2 * trials)) / (1 + z**2 / trials)
    half = z / (1 + z**2 / trials) * np.sqrt(rate * (1 - rate) / trials + z**2 / (4 * trials**2))
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


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
