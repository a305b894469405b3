"""The charlm notebook's cached experiment is what its code computes, and one command remakes it."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from autograder.checking.reference import load_reference

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "solutions" / "charlm"))

import charlm_experiment  # noqa: E402
from charlm_support import load_corpus  # noqa: E402


@pytest.fixture(scope="module")
def cached():
    return charlm_experiment.load_results()


def test_the_cached_results_were_computed_with_the_settings_the_notebook_declares(cached):
    """Does charlm_results.json record exactly charlm_experiment.SETTINGS, with every model, window and seed, and
    each model's rate at each window the one of the lowest validation loss?"""
    assert set(cached["settings"]) == set(charlm_experiment.SETTINGS)
    for name, value in charlm_experiment.SETTINGS.items():
        assert cached["settings"][name] == (list(value) if isinstance(value, tuple) else value), name
    settings = charlm_experiment.SETTINGS
    assert list(cached["runs"]) == list(settings["models"])
    for model in settings["models"]:
        assert list(cached["tuning"][model]) == [str(w) for w in settings["windows"]]
        for tuning in cached["tuning"][model].values():
            assert set(tuning["tried"]) == {str(rate) for rate in settings["learning_rates"]}
            assert tuning["chosen"] == float(min(tuning["tried"], key=tuning["tried"].get))
        assert list(cached["runs"][model]) == [str(w) for w in settings["windows"]]
        for runs in cached["runs"][model].values():
            assert len(runs) == len(settings["seeds"])
            for run in runs:
                assert len(run["norms"]) == settings["updates"]
                assert np.isfinite([run["validation_loss"], run["test_loss"], run["quote_auc"]]).all()


def test_a_cached_run_is_reproduced_by_the_experiments_code(cached):
    """Does run_job, given the cached settings, recompute the first seed's simple RNN at the shortest window to 1e-9?"""
    reference = load_reference("charlm")
    cells = charlm_experiment.cells_of(reference.gru_forward, reference.gru_backward, reference.rnn_backward_truncated)
    settings = {**charlm_experiment.SETTINGS}
    window, seed = min(settings["windows"]), settings["seeds"][0]
    rate = cached["tuning"]["rnn"][str(window)]["chosen"]
    run = charlm_experiment.run_job(cells, load_corpus(), settings, ("run", "rnn", window, seed, rate))
    stored = cached["runs"]["rnn"][str(window)][0]
    for key in ("validation_loss", "test_loss", "test_loss_short_memory", "quote_auc", "clipped"):
        assert run[key] == pytest.approx(stored[key], rel=1e-9, abs=1e-12), key
    assert np.allclose(run["norms"], stored["norms"], rtol=1e-9, atol=0)
    assert run["sample"] == stored["sample"]


def test_one_command_regenerates_the_experiment_on_a_reduced_setting(tmp_path, cached):
    """Does scripts/make_charlm_results.py, shrunk by its options, write results the notebook can read, settings included?"""
    output = tmp_path / "results.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "make_charlm_results.py"),
            *("--updates", "4", "--every", "2", "--seeds", "0", "1", "--windows", "4", "8"),
            *("--tuning-seeds", "100", "--learning-rates", "0.01", "0.03", "--processes", "1"),
            *("--output", str(output)),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    results = charlm_experiment.load_results(output)
    assert set(results) == set(cached)
    assert results["settings"]["updates"] == 4 and results["settings"]["windows"] == [4, 8]
    assert list(results["runs"]) == list(cached["runs"])
    for model, windows in results["runs"].items():
        assert list(results["tuning"][model]) == ["4", "8"]
        assert all(set(tuning["tried"]) == {"0.01", "0.03"} for tuning in results["tuning"][model].values())
        assert list(windows) == ["4", "8"]
        for runs in windows.values():
            assert [len(run["norms"]) for run in runs] == [4, 4]
            assert [len(run["validation_curve"]) for run in runs] == [2, 2]
