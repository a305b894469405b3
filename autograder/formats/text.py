"""The text report for people: one block per submission, one line per test, failures explained."""

from autograder.results import FAILED, PASSED, PENDING, SubmissionResult, TestResult

MARKS = {PASSED: "✓", FAILED: "✗", PENDING: "…"}
"""The mark in front of each test line, by status."""

INDENT = "      "
"""How far the output of a failed test is indented below its line."""


def points(value: float) -> str:
    """A score as a person writes it: ``2``, ``0.5``, ``1.333``."""
    return f"{round(value, 3):g}"


def test_line(test: TestResult, width: int) -> str:
    """One line for one test: mark, name padded to ``width``, score / max_score."""
    line = f"  {MARKS.get(test.status, '?')} {test.name:<{width}}  {points(test.score)} / {points(test.max_score)}"
    if test.status == PENDING:
        line += "  awaiting manual grading"
    return line


def submission_block(result: SubmissionResult) -> str:
    """The header line, test lines, indented output of failed tests and notes of one submission."""
    autograded = result.max_score - result.pending_score
    header = f"{result.submission}  [{result.assignment}]  {points(result.score)} / {points(autograded)} autograded"
    if result.pending_score:
        header += f"; {points(result.pending_score)} points of written answers await a person"
    lines = [header]
    width = max((len(test.name) for test in result.tests), default=0)
    for test in result.tests:
        lines.append(test_line(test, width))
        if test.status == FAILED and test.output.strip():
            lines.extend(INDENT + line for line in test.output.rstrip().splitlines())
    if result.seed is not None:
        lines.append(f"  seed: {result.seed} (the hidden cases; --seed {result.seed} grades them again)")
    for note in result.notes:
        first, *rest = note.splitlines() or [""]
        lines.append(f"  note: {first}")
        lines.extend(INDENT + line for line in rest)
    return "\n".join(lines)


def summary_line(results: list[SubmissionResult]) -> str:
    """One line over a batch: how many submissions, the mean percentage, full marks, pending points."""
    available = sum(result.max_score - result.pending_score for result in results)
    earned = sum(result.score for result in results)
    mean = f"{100 * earned / available:.1f}%" if available else "n/a"
    full = sum(all(test.status != FAILED for test in result.tests) for result in results)
    pending = sum(result.pending_score for result in results)
    line = f"{len(results)} submissions: mean {mean} of autograded points, {full} with every autograded test passed"
    if pending:
        line += f", {points(pending)} points pending manual grading"
    return line


def text_report(results: list[SubmissionResult]) -> str:
    """The report for people: a block per submission and, for several, a final summary line."""
    blocks = [submission_block(result) for result in results]
    if len(results) > 1:
        blocks.append(summary_line(results))
    return "\n\n".join(blocks) + "\n"
