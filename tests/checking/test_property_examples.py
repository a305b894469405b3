"""Property cases replay examples drawn once per process, and still shrink a failure as Hypothesis would.

A property's inputs are declared once (``Examples``): Hypothesis draws them, derandomized, on first
use, and every grading in the process replays them. The replay must be what a Hypothesis run
would try, the failure message must still show the smallest failing input, and no statement may
change what the next grading sees.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.checking import property as properties
from autograder.checking.case import Case, CheckFailed
from autograder.checking.property import Examples, draw_declared, property_case, run_hypothesis
from autograder.checking.strategies import GRADING_SETTINGS, float_arrays

ARRAYS = st.integers(1, 4).flatmap(lambda n: float_arrays((n,)))


def run(case: Case) -> str:
    """The case's failure message, or '' when it holds."""
    try:
        case.run()
    except CheckFailed as failure:
        return str(failure)
    return ""


def test_a_holding_statement_sees_exactly_the_examples_hypothesis_generates_for_it():
    """Does the replay try the examples, in the order, that Hypothesis tries when the statement holds?"""
    examples = Examples(ARRAYS, count=9)
    seen_by_hypothesis = []
    run_hypothesis(examples, seen_by_hypothesis.append)
    replayed = []
    run(property_case("holds", 1, examples, replayed.append))
    assert len(replayed) == len(seen_by_hypothesis) > 1
    assert all(np.array_equal(a, b) for a, b in zip(replayed, seen_by_hypothesis, strict=True))


def test_examples_are_drawn_once_per_process():
    """Does a second grading replay the first one's examples without running Hypothesis again?"""
    examples = Examples(ARRAYS, count=5)
    first = examples.drawn()
    calls = []
    examples.strategy = st.nothing()  # drawing again would fail: it must not happen
    run(property_case("holds", 1, examples, calls.append))
    assert examples.drawn() is first and len(calls) == len(first)


def test_draw_declared_draws_every_declaration_not_drawn_yet():
    """Does the warm-up draw what every imported check module declares?"""
    from autograder.checks import rnn  # noqa: F401 - declares the rnn properties' inputs

    draw_declared()
    assert properties.DECLARED and all(e._drawn is not None for e in properties.DECLARED)


def test_a_failure_shows_the_smallest_input_hypothesis_finds():
    """Is the input in the message the one Hypothesis shrinks to, as when it ran the statement itself?"""

    def no_entry_above_one(x):
        if np.any(x > 1):
            raise CheckFailed("an entry is above 1")

    message = run(property_case("small entries", 1, Examples(ARRAYS), no_entry_above_one))
    assert message.startswith("an entry is above 1\nSmallest failing input found by Hypothesis:\n")
    smallest = eval(message.split("input = ")[1], {"np": np, "array": np.array})  # noqa: S307 - our own text
    assert smallest.shape == (1,) and 1 < smallest[0] <= 2  # one entry, as simple as a float above 1 gets


def test_hypothesis_alone_finds_the_same_smallest_input():
    """Is that input the one a plain Hypothesis run of the same statement reports?"""
    found = {}

    @settings(GRADING_SETTINGS)
    @given(ARRAYS)
    def no_entry_above_one(x):
        found["last"] = x
        assert not np.any(x > 1)

    with pytest.raises(AssertionError):
        no_entry_above_one()

    def statement(x):
        if np.any(x > 1):
            raise CheckFailed("above 1")

    message = run(property_case("small entries", 1, Examples(ARRAYS), statement))
    assert properties.format_example(found["last"]) in message


def test_a_failure_hypothesis_cannot_reproduce_keeps_its_input():
    """Does code that fails once and never again lose the case, with the input it failed on?"""
    examples = Examples(ARRAYS, count=6)
    calls = []

    def fails_on_the_third_call(x):
        calls.append(x)
        if len(calls) == 3:
            raise CheckFailed("failed once")

    message = run(property_case("flaky", 1, examples, fails_on_the_third_call))
    assert message.startswith("failed once\nFailing input:\n")
    assert properties.format_example(examples.drawn()[2]) in message


def test_other_exceptions_propagate_as_hypothesis_raised_them():
    """Does an error that is not a CheckFailed reach the case's runner, after Hypothesis shrank it?"""

    def raises(x):
        raise ZeroDivisionError("boom")

    with pytest.raises(ZeroDivisionError, match="boom"):
        property_case("errors", 1, Examples(ARRAYS), raises).run()


def test_a_statement_that_changes_its_example_changes_no_later_replay():
    """Does a statement writing into its example leave the drawn examples as they were?"""
    examples = Examples(ARRAYS, count=6)
    before = [e.copy() for e in examples.drawn()]

    def overwrites(x):
        x[...] = np.nan

    run(property_case("overwrites", 1, examples, overwrites))
    assert all(np.array_equal(a, b) for a, b in zip(examples.drawn(), before, strict=True))
