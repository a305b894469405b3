"""The lstm notebook's cached sweep is what its code computes, one command remakes it, and its
learning rates are chosen on validation losses only."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "solutions" / "lstm"))

import lstm_sweep  # noqa: E402
from lstm_support import SUCCESS  # noqa: E402

REDUCED = {"lengths": (3, 6), "seeds": (0, 1), "iterations": 4}
"""A sweep small enough to run in seconds, with every model and every configuration of the full one."""


@pytest.fixture(scope="module")
def cached():
    return lstm_sweep.load_sweep()


@pytest.fixture(scope="module")
def reference_lstm():
    from autograder.checking.reference import load_reference

    return load_reference("lstm")


def test_the_cached_sweep_was_computed_with_the_settings_the_notebook_declares(cached):
    """Does success_rates.json record exactly lstm_sweep.SETTINGS, and hold every model at every length, configuration and seed?"""
    result, settings = cached
    assert set(settings) == set(lstm_sweep.SETTINGS)
    for name, value in lstm_sweep.SETTINGS.items():
        assert np.array_equal(settings[name], np.array(value)), name
    models = lstm_sweep.models(lstm_sweep.SETTINGS)
    assert list(result) == ["lengths", *(f"{m}: {split}" for m in models for split in ("validation", "test"))]
    for model in models:
        shape = (len(settings["lengths"]), len(lstm_sweep.configurations(model, lstm_sweep.SETTINGS)), len(settings["seeds"]))
        for split in ("validation", "test"):
            losses = result[f"{model}: {split}"]
            assert losses.shape == shape
            assert not np.any(np.isnan(losses)) and np.all(losses >= 0)


def test_the_sweep_tunes_every_model_over_the_same_learning_rates_with_ten_seeds_or_more():
    """Does every model get the same grid of learning rates (the simple RNN also its three starts), with at least 10 seeds?"""
    settings = lstm_sweep.SETTINGS
    assert len(settings["seeds"]) >= 10
    assert len(settings["learning_rates"]) >= 3
    for model in lstm_sweep.models(settings):
        rates = sorted({c["learning_rate"] for c in lstm_sweep.configurations(model, settings)})
        assert rates == sorted(settings["learning_rates"])
    assert {c["variant"] for c in lstm_sweep.configurations(lstm_sweep.RNN, settings)} == set(settings["rnn_variants"])
    assert settings["validation_seed"] != settings["test_seed"]


def test_a_cached_point_is_what_the_code_computes_now(cached, reference_lstm):
    """Does retraining one configuration of the LSTM and of the simple RNN at T = 10 give the cached losses, to 1e-9?"""
    result, _ = cached
    settings = {**lstm_sweep.SETTINGS, "lengths": (10,)}
    point = list(result["lengths"]).index(10)
    for model, index in ((lstm_sweep.lstm_name(1.0), 1), (lstm_sweep.RNN, 0)):
        configuration = lstm_sweep.configurations(model, settings)[index]
        validation, test = lstm_sweep.train_and_score(
            reference_lstm.lstm_forward, reference_lstm.lstm_backward, model, configuration, settings
        )
        np.testing.assert_allclose(validation[0], result[f"{model}: validation"][point, index], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(test[0], result[f"{model}: test"][point, index], rtol=1e-9, atol=1e-12)


def test_one_command_regenerates_the_sweep_on_a_reduced_setting(tmp_path, cached, reference_lstm):
    """Does scripts/make_success_rates.py, shrunk by its options and run in two processes, write the sweep
    that success_rates computes in this process, in the layout the notebook reads?"""
    output = tmp_path / "sweep.json"
    command = [sys.executable, str(REPO / "scripts" / "make_success_rates.py"), "--jobs", "2", "--output", str(output)]
    for name, value in REDUCED.items():
        command += [f"--{name}", *map(str, np.atleast_1d(value))]
    subprocess.run(command, check=True, capture_output=True, cwd=REPO, env={**os.environ, "OPENBLAS_NUM_THREADS": "1"})
    result, settings = lstm_sweep.load_sweep(output)
    assert list(result) == list(cached[0])
    assert list(settings["lengths"]) == [3, 6] and int(settings["iterations"]) == 4
    assert np.array_equal(settings["forget_biases"], cached[1]["forget_biases"])
    expected = lstm_sweep.success_rates(reference_lstm.lstm_forward, reference_lstm.lstm_backward, **REDUCED)
    for name, losses in expected.items():
        np.testing.assert_allclose(result[name], losses, rtol=1e-9, atol=1e-12, err_msg=name)


def test_the_learning_rate_is_chosen_on_validation_losses_never_on_test_losses():
    """Given validation losses that favour one configuration and test losses that favour another, is the
    validation's favourite reported, with its test losses?"""
    settings = {**lstm_sweep.SETTINGS, "lengths": (10,), "seeds": (0, 1, 2)}
    model = lstm_sweep.lstm_name(1.0)
    count = len(lstm_sweep.configurations(model, settings))
    validation, test = np.full((1, count, 3), 0.3), np.full((1, count, 3), 0.3)
    validation[0, 2] = [0.01, 0.02, 0.3]  # two successes on validation
    validation[0, 1] = [0.01, 0.04, 0.2]  # two successes too, but a higher median: not chosen
    test[0, 0] = [0.001, 0.001, 0.001]  # the best on test, never chosen
    test[0, 2] = [0.02, 0.3, 0.3]
    result = {"lengths": np.array([10])}
    for name in lstm_sweep.models(settings):
        result[f"{name}: validation"] = result[f"{name}: test"] = np.full((1, len(lstm_sweep.configurations(name, settings)), 3), 0.3)
    result[f"{model}: validation"], result[f"{model}: test"] = validation, test
    report = lstm_sweep.chosen_on_validation(result, settings)[model]
    assert report["learning_rate"][0] == settings["learning_rates"][2]
    np.testing.assert_array_equal(report["test"][0], test[0, 2])
    assert np.sum(report["test"][0] < SUCCESS) == 1


def test_the_wilson_interval_has_its_known_edges_and_symmetry():
    """Is the Wilson interval [0, z^2 / (n + z^2)] at 0 successes, mirrored at n, around the rate, and narrower with more trials?"""
    z, n = 1.96, 10
    low, high = lstm_sweep.wilson_interval(np.arange(n + 1), n, z)
    assert low[0] == 0 and high[0] == pytest.approx(z**2 / (n + z**2), rel=1e-12)
    np.testing.assert_allclose(low, 1 - high[::-1], atol=1e-12)
    rates = np.arange(n + 1) / n
    assert np.all((low <= rates) & (rates <= high))
    wider, _ = lstm_sweep.wilson_interval(np.array([5]), 10, z)
    narrower, _ = lstm_sweep.wilson_interval(np.array([50]), 100, z)
    assert narrower[0] > wider[0]
