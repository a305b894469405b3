"""No implementation, no points (issue 22, item 5).

A submission that implements nothing, but returns the published known answers where the checks
ask for them and the cheapest values any property accepts elsewhere (``tests/support/no_implementation.py``),
scores at most 1 point of an assignment, graded in isolation as ``autograder grade`` grades it: a
case on the published inputs, the purity, shape and ValueError cases count only together with a
case on fresh inputs, and those need values a table or a constant cannot give.
"""

import nbformat
import pytest
from support import no_implementation

from autograder.checking.reference import find_release_notebook
from autograder.grading.isolated import grade_submission
from autograder.instructor.submissions import with_answers

MOST = {"rnn": 1.0, "lstm": 1.0, "charlm": 1.0}
"""The most points a submission that implements nothing may score, by assignment."""


@pytest.mark.parametrize("assignment", sorted(MOST))
def test_known_answers_and_cheap_values_score_at_most_one_point(assignment, tmp_path):
    """Does a notebook of published answers, constants, zeros and validation score at most 1 point, in isolation?"""
    release = nbformat.read(find_release_notebook(assignment), as_version=4)
    notebook = tmp_path / f"{assignment}.ipynb"
    nbformat.write(with_answers(release, no_implementation.answers(assignment)), notebook)
    result = grade_submission(notebook, seed=5)
    earned = {test.name: test.score for test in result.tests if test.score}
    assert result.score <= MOST[assignment], earned
    assert not [note for note in result.notes if "raised" in note], result.notes
