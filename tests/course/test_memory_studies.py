"""The rnn notebook's cached studies are what their code computes, and one command remakes them."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "solutions" / "rnn"))

import memory_studies  # noqa: E402


@pytest.fixture(scope="module")
def cached():
    return memory_studies.load_studies()


def as_saved(value):
    """``value`` as JSON text stores it: tuples become lists."""
    return json.loads(json.dumps(memory_studies._plain(value)))


def test_the_cached_studies_were_computed_with_the_settings_the_notebook_declares(cached):
    """Does memory_studies.json record exactly memory_studies.SETTINGS?"""
    _, settings = cached
    assert settings == as_saved(memory_studies.SETTINGS)


def test_every_contender_was_tuned_on_its_whole_grid_and_tested_on_every_test_seed(cached):
    """Does each contender hold every grid point on every tuning seed, its choice the best median there, and every test seed?"""
    studies, settings = cached
    tuning, testing = len(settings["tuning_seeds"]), len(settings["test_seeds"])
    contenders = [
        (study, settings["clipping_learning_rates"], 1)
        for setup in settings["clipping_setups"]
        for study in studies["clipping"][setup].values()
    ]
    assert list(studies["clipping"]) == list(settings["clipping_setups"])
    assert [list(s) for s in studies["clipping"].values()] == [
        [memory_studies.clipping_label(t) for t in settings["clipping_thresholds"]]
    ] * len(settings["clipping_setups"])
    assert list(studies["initialisation"]) == [memory_studies.initialisation_label(*p) for p in settings["initialisations"]]
    contenders += [
        (study, settings["initialisation_learning_rates"], len(settings["initialisation_thresholds"]))
        for study in studies["initialisation"].values()
    ]
    for study, rates, thresholds in contenders:
        assert len(study["grid"]) == len(rates) * thresholds
        for point in study["grid"]:
            assert point["loss"].shape == point["clipped"].shape == (tuning,)
            assert np.all(np.isinf(point["loss"]) | ((point["loss"] >= 0) & np.isfinite(point["loss"])))
            assert np.all((point["clipped"] >= 0) & (point["clipped"] <= 1))
            if point["max_norm"] is None:
                assert np.all(point["clipped"] == 0)
        best = min(study["grid"], key=lambda p: (np.median(p["loss"]), p["learning_rate"]))
        assert (study["chosen"]["learning_rate"], study["chosen"]["max_norm"]) == (best["learning_rate"], best["max_norm"])
        assert study["test"]["loss"].shape == study["test"]["clipped"].shape == (testing,)


def test_one_command_regenerates_the_studies_on_a_reduced_setting(tmp_path, cached):
    """Does scripts/make_memory_studies.py, shrunk by its options, write studies the notebook can read, settings included?"""
    output = tmp_path / "studies.json"
    subprocess.run(
        [
            sys.executable, str(REPO / "scripts" / "make_memory_studies.py"),
            "--tuning-seeds", "100", "--test-seeds", "0", "1", "--iterations", "3",
            "--clipping-learning-rates", "0.1", "0.2", "--initialisation-learning-rates", "0.05",
            "--output", str(output),
        ],
        check=True,
        capture_output=True,
        cwd=REPO,
    )
    studies, settings = memory_studies.load_studies(output)
    full, _ = cached
    assert list(studies) == list(full) == ["clipping", "initialisation"]
    for setup in full["clipping"]:
        assert list(studies["clipping"][setup]) == list(full["clipping"][setup])
        for contender in studies["clipping"][setup].values():
            assert len(contender["grid"]) == 2
            assert contender["test"]["loss"].shape == (2,)
    assert list(studies["initialisation"]) == list(full["initialisation"])
    assert settings["iterations"] == 3 and settings["tuning_seeds"] == [100] and settings["test_seeds"] == [0, 1]
    assert settings["clipping_thresholds"] == as_saved(memory_studies.SETTINGS["clipping_thresholds"])
