"""Grading many submissions: finding them, grading them in parallel, never stopping for one.

Submissions are given as paths: notebooks, directories holding one notebook, directories of
student folders (nbgrader's ``submitted/<student>/<assignment>/``: one submission per notebook
found), or glob patterns of any of these. Each is graded by
:func:`autograder.isolated_grading.grade_submission` in a pool of worker processes; whatever
goes wrong with one becomes a note on its result, and the batch goes on.
"""

import glob
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from autograder.isolated_grading import (
    UnknownAssignment,
    grade_submission,
    load_assignment,
    written_answers_pending,
)
from autograder.results import FAILED, SubmissionResult, TestResult
from autograder.sandbox import Limits


def expand_submissions(arguments: Iterable[str]) -> list[str]:
    """The submissions named by the arguments, in order, each once.

    A glob pattern stands for what it matches (in sorted order); a directory holding several
    notebooks stands for each of them; anything else stands for itself (a missing path becomes a
    result saying so).
    """
    found: list[str] = []
    for argument in arguments:
        matches = sorted(glob.glob(argument, recursive=True)) if glob.has_magic(argument) else [argument]
        for match in matches:
            path = Path(match)
            notebooks = notebooks_in(path) if path.is_dir() else []
            found += [str(notebook) for notebook in notebooks] if len(notebooks) > 1 else [match]
    return list(dict.fromkeys(found))


def notebooks_in(directory: Path) -> list[Path]:
    """The notebooks under a directory, checkpoints left out, in sorted order."""
    return [p for p in sorted(directory.rglob("*.ipynb")) if ".ipynb_checkpoints" not in p.parts]


def grade_one(submission: str, assignment: str | None, limits: Limits | None) -> SubmissionResult:
    """Grade a submission; anything that goes wrong (even in the grader) is a result with a note."""
    try:
        return grade_submission(submission, assignment=assignment, limits=limits)
    except UnknownAssignment as error:
        return SubmissionResult(submission, assignment or "?", (), (str(error),))
    except Exception as error:  # noqa: BLE001 - one submission must never stop a batch
        return ungraded(
            submission, assignment, f"the grader failed on this submission: {type(error).__name__}: {error}"
        )


def ungraded(submission: str, assignment: str | None, note: str) -> SubmissionResult:
    """A result with every test of the assignment failed (when known), and the note saying why."""
    tests: tuple[TestResult, ...] = ()
    if assignment:
        try:
            trusted = load_assignment(assignment)
        except UnknownAssignment:
            pass
        else:
            tests = (
                *(TestResult(c.grade_id, c.grade_id, 0.0, c.points, FAILED, note, cell=c.grade_id) for c in trusted.tests),
                *written_answers_pending(trusted),
            )
    return SubmissionResult(submission, assignment or "?", tests, (note,))


def grade_many(
    submissions: Sequence[str],
    *,
    assignment: str | None = None,
    jobs: int = 1,
    limits: Limits | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
) -> list[SubmissionResult]:
    """Grade the submissions, ``jobs`` at a time; return their results in the order given.

    Args:
        submissions: the submissions (see :func:`expand_submissions`).
        assignment: the assignment of all of them; inferred for each when None.
        jobs: how many to grade at once (each in its own process, with its own sandbox).
        limits: the limits of the student processes.
        on_result: called with each result as soon as it is ready (e.g. to advance a progress bar).
    """
    results: list[SubmissionResult] = []
    if jobs <= 1:
        for submission in submissions:
            results.append(grade_one(submission, assignment, limits))
            if on_result is not None:
                on_result(results[-1])
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = {pool.submit(grade_one, s, assignment, limits): s for s in submissions}
        done: dict[str, SubmissionResult] = {}
        for future in as_completed(futures):
            submission = futures[future]
            try:
                done[submission] = future.result()
            except Exception as error:  # noqa: BLE001 - a worker that died costs its submission only
                note = f"the grading process failed: {type(error).__name__}: {error}"
                done[submission] = ungraded(submission, assignment, note)
            if on_result is not None:
                on_result(done[submission])
    return [done[submission] for submission in submissions]
