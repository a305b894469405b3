"""The lstm notebook's cached sweep is what its code computes, and one command remakes it."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "solutions" / "lstm"))

import lstm_sweep  # noqa: E402


@pytest.fixture(scope="module")
def cached():
    return lstm_sweep.load_sweep()


def test_the_cached_sweep_was_computed_with_the_settings_the_notebook_declares(cached):
    """Does success_rates.json record exactly lstm_sweep.SETTINGS, and hold every model at every length and seed?"""
    result, settings = cached
    assert set(settings) == set(lstm_sweep.SETTINGS)
    for name, value in lstm_sweep.SETTINGS.items():
        assert np.array_equal(settings[name], np.array(value)), name
    models = [f"lstm forget bias {b:+g}".replace("+0", "0") for b in lstm_sweep.SETTINGS["forget_biases"]]
    assert list(result) == ["lengths", *models, "simple RNN"]
    shape = (len(lstm_sweep.SETTINGS["lengths"]), len(lstm_sweep.SETTINGS["seeds"]))
    for model in [*models, "simple RNN"]:
        assert result[model].shape == shape
        assert np.all(np.isfinite(result[model]) & (result[model] >= 0))


def test_one_command_regenerates_the_sweep_on_a_reduced_setting(tmp_path, cached):
    """Does scripts/make_success_rates.py, shrunk by its options, write a sweep the notebook can read, settings included?"""
    output = tmp_path / "sweep.json"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "make_success_rates.py"),
            "--lengths",
            "3",
            "6",
            "--seeds",
            "0",
            "1",
            "--iterations",
            "4",
            "--output",
            str(output),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    result, settings = lstm_sweep.load_sweep(output)
    assert list(result) == list(cached[0])
    assert result["simple RNN"].shape == (2, 2)
    assert list(settings["lengths"]) == [3, 6] and int(settings["iterations"]) == 4
    assert np.array_equal(settings["forget_biases"], cached[1]["forget_biases"])
