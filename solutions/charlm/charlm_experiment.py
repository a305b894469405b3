"""The charlm notebook's experiment: the simple RNN, the GRU and the LSTM, trained with several truncation windows.

For each model and window the learning rate is chosen on the validation part, with seeds of its
own (never the seeds whose results are reported); then every model is trained with its rate, at every
window, from every seed of ``SETTINGS["seeds"]``, and measured on the validation and test parts.
The full experiment takes more than an hour (72 minutes with two processes on a busy two-core
machine), so the notebook reads it from ``charlm_results.json``,
which ``scripts/make_charlm_results.py`` computed with the reference solution by exactly this code.
"""

import json
from pathlib import Path

import numpy as np

from charlm_models import balanced_share, gru_cell, lstm_cell, quote_auc, read, rnn_cell, sample, train
from charlm_support import Corpus

RESULTS_FILE = Path(__file__).resolve().parent / "charlm_results.json"

SETTINGS = {
    "models": ("rnn", "gru", "lstm"),
    "windows": (8, 32, 128),
    "seeds": tuple(range(10)),
    "learning_rates": (0.01, 0.03, 0.1, 0.3),
    "tuning_seeds": (100, 101),
    "updates": 500,
    "every": 50,
    "hidden": 64,
    "streams": 32,
    "length": 128,
    "max_norm": 1.0,
    "memory": 32,
    "sample_streams": 16,
    "sample_length": 400,
}
"""What the cached experiment was computed with. Each update reads ``streams * length`` characters."""


def cells_of(gru_forward, gru_backward, rnn_backward_truncated) -> dict:
    """The three cells by name, on the functions given (yours, or the reference's)."""
    return {"rnn": rnn_cell(rnn_backward_truncated), "gru": gru_cell(gru_forward, gru_backward), "lstm": lstm_cell()}


def one_run(cell, corpus: Corpus, s: dict, *, seed: int, learning_rate: float, window: int) -> dict:
    """Train one model and measure it: losses, the quote test, samples, gradient norms and clipping."""
    run = train(cell, corpus, seed=seed, learning_rate=learning_rate, window=window, updates=s["updates"],
                hidden=s["hidden"], streams=s["streams"], length=s["length"], max_norm=s["max_norm"],
                watch=lambda weights: read(cell, weights, corpus.validation)["loss"], every=s["every"])
    weights = run["weights"]
    test, short = read(cell, weights, corpus.test), read(cell, weights, corpus.test, memory=s["memory"])
    texts = sample(cell, weights, corpus, s["sample_length"], np.random.default_rng(seed),
                   streams=s["sample_streams"])
    paragraphs, balanced = balanced_share(texts)
    return {
        "validation_curve": run["watched"],
        "validation_loss": run["watched"][-1],
        "test_loss": test["loss"],
        "test_loss_short_memory": short["loss"],
        "quote_auc": quote_auc(corpus, test["rows"], test["log_p"]),
        "quote_auc_short_memory": quote_auc(corpus, short["rows"], short["log_p"]),
        "sampled_paragraphs": paragraphs,
        "balanced_paragraphs": balanced,
        "clipped": float(np.mean(run["norms"] > s["max_norm"])),
        "norms": run["norms"].tolist(),
        "sample": texts[0],
    }


def run_job(cells: dict, corpus: Corpus, s: dict, job: tuple):
    """One job of the experiment, ``(kind, model, window, seed, learning_rate)``.

    A ``"tune"`` job trains a model and returns its validation loss; a ``"run"`` job returns :func:`one_run`.
    """
    kind, model, window, seed, rate = job
    if kind == "run":
        return one_run(cells[model], corpus, s, seed=seed, learning_rate=rate, window=window)
    run = train(cells[model], corpus, seed=seed, learning_rate=rate, window=window, updates=s["updates"],
                hidden=s["hidden"], streams=s["streams"], length=s["length"], max_norm=s["max_norm"])
    return read(cells[model], run["weights"], corpus.validation)["loss"]


def run_experiment(cells: dict, corpus: Corpus, *, runner=None, after_each_seed=None, **settings) -> dict:
    """Tune, then train every model at every window from every seed; ``settings`` override ``SETTINGS``.

    First, for each model and window, the rate of ``learning_rates`` with the lowest validation loss
    averaged over ``tuning_seeds`` is chosen. Then the seeds are run one after the
    other, every model and window of a seed together. ``runner(jobs)`` returns the results of a
    list of jobs (:func:`run_job`), in order; by default one after the other. With
    ``after_each_seed``, ``after_each_seed(results, seeds)`` is called with the results so far and
    the seeds they hold, after each seed.

    Returns:
        ``{"tuning": {model: {str(window): {"chosen": rate, "tried": {str(rate): mean validation loss}}}},
        "runs": {model: {str(window): [one_run of each seed]}}}``.
    """
    s = {**SETTINGS, **settings}
    runner = runner or (lambda jobs: [run_job(cells, corpus, s, job) for job in jobs])
    tuning_jobs = [
        ("tune", model, window, seed, rate)
        for model in s["models"] for window in s["windows"] for rate in s["learning_rates"] for seed in s["tuning_seeds"]
    ]
    losses = dict(zip(tuning_jobs, runner(tuning_jobs)))
    tuning = {model: {} for model in s["models"]}
    for model in s["models"]:
        for window in s["windows"]:
            tried = {
                str(rate): float(np.mean([losses["tune", model, window, seed, rate] for seed in s["tuning_seeds"]]))
                for rate in s["learning_rates"]
            }
            tuning[model][str(window)] = {"chosen": float(min(tried, key=tried.get)), "tried": tried}
    runs = {model: {str(window): [] for window in s["windows"]} for model in s["models"]}
    for done, seed in enumerate(s["seeds"], start=1):
        jobs = [
            ("run", model, window, seed, tuning[model][str(window)]["chosen"])
            for model in s["models"] for window in s["windows"]
        ]
        for (_, model, window, _, _), result in zip(jobs, runner(jobs)):
            runs[model][str(window)].append(result)
        if after_each_seed is not None:
            after_each_seed({"tuning": tuning, "runs": runs}, tuple(s["seeds"][:done]))
    return {"tuning": tuning, "runs": runs}


def save_results(results: dict, path: Path = RESULTS_FILE, **settings) -> None:
    """Write the results and the settings they were computed with, as JSON text."""
    document = {"settings": {k: v for k, v in {**SETTINGS, **settings}.items()}, **results}
    Path(path).write_text(json.dumps(document, indent=None, separators=(",", ":")) + "\n")


def load_results(path: Path = RESULTS_FILE) -> dict:
    """The saved results, their settings under ``"settings"``."""
    return json.loads(Path(path).read_text())
