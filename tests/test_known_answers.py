"""The published known answers are exactly what the committed script computes from the reference."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from ulps import within_ulps

from autograder.checking import known_answers
from autograder.checking.reference import load_reference

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_known_answers.py"


def load_script():
    spec = importlib.util.spec_from_file_location("make_known_answers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("assignment", ["rnn", "lstm", "charlm"])
def test_committed_data_is_regenerated_identically(assignment):
    """Does rerunning scripts/make_known_answers.py reproduce every stored array, to a few ulps, in the script's order?"""
    regenerated = load_script().BUILDERS[assignment](load_reference(assignment))
    stored = known_answers.load(assignment)
    assert list(stored) == list(regenerated), (
        "the examples must keep the script's order (messages name the first failing one)"
    )
    for example, values in regenerated.items():
        assert set(stored[example]) == set(values), example
        for name, value in values.items():
            assert within_ulps(stored[example][name], np.asarray(value)), f"{example}/{name}"


def test_every_function_of_the_assignment_has_known_answers():
    """Does each of the eleven rnn functions have at least one published example?"""
    functions = {example.split("/")[0] for example in known_answers.load("rnn")}
    assert functions == {
        "sigmoid",
        "activation_derivative",
        "rnn_step_forward",
        "rnn_step_backward",
        "rnn_forward",
        "rnn_backward",
        "bptt_gradient_norms",
        "growth_factor",
        "clip_by_value",
        "clip_by_norm",
        "clip_by_global_norm",
    }


def test_every_lstm_function_has_known_answers():
    """Does each of the six lstm functions have at least one published example?"""
    functions = {example.split("/")[0] for example in known_answers.load("lstm")}
    assert functions == {
        "lstm_gates",
        "lstm_step_forward",
        "lstm_step_backward",
        "lstm_forward",
        "lstm_backward",
        "cell_gradient_norms",
    }


def test_every_charlm_function_has_known_answers():
    """Does each of the six charlm functions have at least one published example?"""
    functions = {example.split("/")[0] for example in known_answers.load("charlm")}
    assert functions == {
        "gru_step_forward",
        "gru_step_backward",
        "gru_forward",
        "gru_backward",
        "rnn_backward_truncated",
        "train_step",
    }


def test_another_machine_may_differ_in_the_last_bits_only():
    """Is an array one ulp away (another CPU's exp) the same data, and one 1e-12 away, a shape or a dtype not?"""
    data = load_script().BUILDERS["rnn"](load_reference("rnn"))["sigmoid/values"]["out"]
    assert within_ulps(np.nextafter(data, 2.0), data)
    assert not within_ulps(data * (1 + 1e-12), data)
    assert not within_ulps(data[:-1], data[:-1].reshape(-1, 1))
    assert not within_ulps(data.astype(np.float32), data)
