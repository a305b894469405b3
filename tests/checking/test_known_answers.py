"""The published known answers are exactly what the committed script computes from the reference."""

import numpy as np
import pytest
from support.ulps import within_ulps

from autograder.checking import known_answers
from autograder.checking.reference import load_reference
from autograder.course import ASSIGNMENTS
from autograder.instructor.known_answer_examples import all_examples


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_committed_data_is_regenerated_identically(assignment):
    """Do the generators the description names reproduce every stored array, to a few ulps, in their order?"""
    regenerated = all_examples(ASSIGNMENTS[assignment], load_reference(assignment))
    stored = known_answers.load(assignment)
    assert list(stored) == list(regenerated), (
        "the examples must keep the script's order (messages name the first failing one)"
    )
    for example, values in regenerated.items():
        assert set(stored[example]) == set(values), example
        for name, value in values.items():
            assert within_ulps(stored[example][name], np.asarray(value)), f"{example}/{name}"


@pytest.mark.parametrize("assignment", list(ASSIGNMENTS))
def test_every_function_of_the_assignment_has_known_answers(assignment):
    """Does each function the assignment's description lists have at least one published example, and nothing else?"""
    functions = {example.split("/")[0] for example in known_answers.load(assignment)}
    assert functions == set(ASSIGNMENTS[assignment].names)


def test_another_machine_may_differ_in_the_last_bits_only():
    """Is an array one ulp away (another CPU's exp) the same data, and one 1e-12 away, a shape or a dtype not?"""
    data = all_examples(ASSIGNMENTS["rnn"], load_reference("rnn"))["sigmoid/values"]["out"]
    assert within_ulps(np.nextafter(data, 2.0), data)
    assert not within_ulps(data * (1 + 1e-12), data)
    assert not within_ulps(data[:-1], data[:-1].reshape(-1, 1))
    assert not within_ulps(data.astype(np.float32), data)
