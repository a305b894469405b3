"""Hidden cases: drawn fresh for every grading, recorded, replayed, and rebuilt from their seed."""

import json
import re

import nbformat
import numpy as np
import pytest
from support import buggy_rnn as buggy
from support.rnn_grading import run_check

from autograder.checking import hidden_cases
from autograder.checking.hidden_cases import grading_seed, inputs
from autograder.cli import main
from autograder.instructor.audit import recorded_seed
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import solution_answers, with_answers, with_mistake


def test_a_seed_gives_the_same_inputs_and_another_seed_others():
    """Are a case's inputs a function of the seed, different for another seed and for another case?"""
    first = inputs("rnn_backward", 4, seed=12345)
    again = inputs("rnn_backward", 4, seed=12345)
    assert all(np.array_equal(first[k], again[k]) for k in first if isinstance(first[k], np.ndarray))
    assert not np.array_equal(inputs("rnn_backward", 4, seed=12346)["x"], first["x"])
    assert not np.array_equal(inputs("rnn_backward", 5, seed=12345)["x"], first["x"])


def test_every_grading_draws_a_fresh_seed_unless_one_is_given(monkeypatch):
    """Do two gradings draw different seeds, while AUTOGRADER_SEED or an explicit seed fixes it?"""
    monkeypatch.delenv(hidden_cases.SEED_VARIABLE, raising=False)
    seeds = set()
    for _ in range(3):
        with grading_seed() as seed:
            assert hidden_cases.current_seed() == seed
            seeds.add(seed)
    assert len(seeds) == 3
    with grading_seed(77) as seed:
        assert (seed, hidden_cases.current_seed()) == (77, 77)
    monkeypatch.setenv(hidden_cases.SEED_VARIABLE, "4242")
    with grading_seed() as seed:
        assert seed == 4242


def test_the_edge_case_has_every_size_1_under_any_seed():
    """Is the first hidden case of each sequence check N = T = D = H = 1, whatever the seed?"""
    for seed in (1, 2, 3):
        example = inputs("rnn_backward", 0, seed=seed)
        assert (example["x"].shape, example["h0"].shape) == ((1, 1, 1), (1, 1))
        example = inputs("lstm_forward", 0, seed=seed)
        assert (example["x"].shape, example["h0"].shape) == ((1, 1, 1), (1, 1))


def test_a_hidden_failure_names_the_seed_the_sizes_and_how_to_rebuild_the_inputs(reference, capsys):
    """Does a failing hidden case print its seed, its sizes and activation, and a call that rebuilds its inputs?"""
    with grading_seed(31337):
        score = run_check(
            "rnn_backward",
            reference,
            {"rnn_backward": buggy.backward_overwriting_dWh_each_step},
            hidden=True,
        )
    out = capsys.readouterr().out
    assert score == 0.0
    assert "rnn_backward: hidden checks (seed 31337)" in out
    assert "Failing inputs: N=" in out and "activation=" in out
    function, case, seed = re.search(
        r"`autograder.checking.hidden_cases.inputs\('(\w+)', (\d+), seed=(\d+)\)`", out
    ).groups()
    example = inputs(function, int(case), seed=int(seed))
    n, t, d, _ = map(int, re.search(r"Failing inputs: N=(\d+), T=(\d+), D=(\d+), H=(\d+)", out).groups())
    assert (function, seed, example["x"].shape) == ("rnn_backward", "31337", (n, t, d))


def test_the_audit_reads_the_seed_from_the_hidden_checks_output(tmp_path):
    """Does the audit find the seed nbgrader's test cells printed, and none when there are two?"""
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    tests = [c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    tests[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="sigmoid: hidden checks (seed 987)\n")
    ]
    nbformat.write(source, tmp_path / "rnn.ipynb")
    assert recorded_seed(tmp_path) == 987
    tests[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x: hidden checks (seed 988)\n")]
    nbformat.write(source, tmp_path / "rnn.ipynb")
    assert recorded_seed(tmp_path) is None


HELPERS = '''

def tanh_prime(a):
    """A helper defined in the first answer cell and used in later ones."""
    return 1.0 - np.tanh(a) ** 2
'''


@pytest.fixture(scope="module")
def graded_with_a_seed(tmp_path_factory):
    """A submission using a helper from an earlier cell, graded in isolation with --seed 2024, as JSON."""
    folder = tmp_path_factory.mktemp("seeded")
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    answers = solution_answers(source)
    answers = {**answers, "sigmoid": answers["sigmoid"] + HELPERS}
    answers = with_mistake(
        answers, "activation_derivative", "return 1.0 - np.tanh(a) ** 2", "return tanh_prime(a)"
    )
    nbformat.write(with_answers(release, answers), folder / "rnn.ipynb")
    output = folder / "result.json"
    assert (
        main(
            [
                "grade",
                str(folder / "rnn.ipynb"),
                "--seed",
                "2024",
                "--format",
                "json",
                "--output",
                str(output),
            ]
        )
        == 0
    )
    return json.loads(output.read_text())


def test_a_helper_from_an_earlier_cell_earns_full_marks(graded_with_a_seed):
    """Does a function calling a helper defined in an earlier answer cell earn every autograded point?"""
    assert graded_with_a_seed["score"] == 40


def test_the_result_records_the_seed_it_was_given(graded_with_a_seed):
    """Does --seed reach the JSON result and the output of every hidden test?"""
    assert graded_with_a_seed["seed"] == 2024
    hidden = [test for test in graded_with_a_seed["tests"] if test["hidden"]]
    assert len(hidden) == 11
    assert all(test["output"].startswith(f"{test['function']}: hidden checks (seed 2024)") for test in hidden)
