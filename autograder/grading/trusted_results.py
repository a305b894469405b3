"""Results read back (a shard to merge, a stored result, a file to report on) checked against the trusted assignment.

A result file is data anyone who can write the file can edit: a forged shard could claim 1000 of
40 points, an edited entry of a ``--results-dir`` could be served instead of a grading. Before a
result read back is used, :func:`result_problems` holds it against the trusted copy of its
assignment (:func:`autograder.grading.isolated.load_assignment`), the one the grader takes its
test cells and points from:

* every test comes from a test cell or a written answer of the assignment, and checks one of its
  student functions (or names its cell, as a test that could not run does);
* points are finite, never negative, a score never above its maximum, and a status says what the
  score says (``passed`` only with every point, ``pending`` only for a written answer, scored 0);
* the maxima of a cell's tests add up to at most the cell's points, and a test's cases to the test;
* test names are unique.

What passes could still be a plausible lie (40 of 40 for a student who earned 30): only a
grading says the score is right, so a stored result that fails is graded again and a shard that
fails is left out, named, never merged.
"""

import math
from collections import defaultdict

from autograder.grading.isolated import UnknownAssignment, load_assignment
from autograder.results import PASSED, PENDING, SubmissionResult

TOLERANCE = 1e-6
"""Float noise allowed when points are added up."""


def _points(value: object) -> bool:
    """True for a finite, non-negative number (not a boolean)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def result_problems(result: SubmissionResult) -> list[str]:
    """What makes ``result`` impossible for its trusted assignment; empty when it is consistent.

    A result without tests (a submission whose assignment could not be told) claims no points and
    is consistent with anything.
    """
    if not result.tests:
        return []
    try:
        trusted = load_assignment(result.assignment)
    except UnknownAssignment:
        return [f"its assignment {result.assignment[:60]!r} is not known here, so its points cannot be checked"]
    cells = {cell.grade_id: cell.points for cell in trusted.tests}
    written = {cell.grade_id: cell.points for cell in trusted.written}
    problems: list[str] = []
    claimed: dict[str, float] = defaultdict(float)
    names: set[str] = set()
    for test in result.tests:
        label = f"test {test.name[:80]!r}"
        if test.name in names:
            problems.append(f"{label} appears twice")
        names.add(test.name)
        if not (_points(test.score) and _points(test.max_score)) or test.score > test.max_score + TOLERANCE:
            problems.append(f"{label} claims {test.score!r} of {test.max_score!r} points")
            continue
        if test.cell in written:
            if test.status != PENDING or test.score:
                problems.append(f"{label} scores the written answer {test.cell}, which only a person grades")
        elif test.cell in cells:
            if test.function not in trusted.functions and test.function != test.cell:
                problems.append(f"{label} checks {test.function[:80]!r}, which {test.cell} does not grade")
            elif test.name not in (test.function, f"{test.function} (hidden)"):
                problems.append(f"{label} is not named after the function it checks")
            if test.status == PENDING or (test.status == PASSED and test.score < test.max_score - TOLERANCE):
                problems.append(f"{label} is {test.status} with {test.score:g} of {test.max_score:g} points")
        else:
            problems.append(f"{label} comes from the cell {test.cell[:80]!r}, which {result.assignment} does not have")
            continue
        claimed[test.cell] += test.max_score
        problems += case_problems(test, label)
    for cell, total in claimed.items():
        available = cells.get(cell, written.get(cell, 0.0))
        if total > available + TOLERANCE:
            problems.append(f"its tests of {cell} are worth {total:g} points, the cell {available:g}")
    return problems


def case_problems(test, label: str) -> list[str]:
    """What is inconsistent between a test and its cases (none when it carries no cases)."""
    if not test.cases:
        return []
    if not all(_points(case.points) and _points(case.max_points) for case in test.cases):
        return [f"{label} has a case with points that are not points"]
    problems = []
    if any(case.points > case.max_points + TOLERANCE for case in test.cases):
        problems.append(f"{label} has a case scored above its maximum")
    if abs(sum(case.points for case in test.cases) - test.score) > TOLERANCE * len(test.cases):
        problems.append(f"{label} scores {test.score:g}, its cases {sum(case.points for case in test.cases):g}")
    if abs(sum(case.max_points for case in test.cases) - test.max_score) > TOLERANCE * len(test.cases):
        problems.append(f"{label} is worth {test.max_score:g}, its cases {sum(case.max_points for case in test.cases):g}")
    return problems


def vouched(results: list[SubmissionResult]) -> tuple[list[SubmissionResult], list[str]]:
    """The results consistent with their trusted assignments, and one line for each left out, saying why."""
    kept, refused = [], []
    for result in results:
        if problems := result_problems(result):
            refused.append(f"{result.submission[:200]}: {'; '.join(problems[:3])}")
        else:
            kept.append(result)
    return kept, refused
