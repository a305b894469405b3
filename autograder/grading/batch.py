"""Grading many submissions: grading them in parallel, never stopping for one.

The submissions are named as :mod:`autograder.grading.batch_submissions` finds them. Each is graded by
:func:`autograder.grading.isolated.grade_submission` in a pool of worker processes; whatever
goes wrong with one becomes a note on its result, and the batch goes on. With a
:class:`autograder.grading.result_store.ResultStore`, results are kept as they complete and a batch that
was stopped resumes where it stopped.
"""

import functools
import multiprocessing
import os
import tempfile
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from autograder.checking.reference import distrusting
from autograder.grading.isolated import (
    UnknownAssignment,
    infer_assignment,
    load_assignment,
    read_submission,
)
from autograder.grading.one_submission import grade_one, ungraded
from autograder.grading.result_store import ResultStore
from autograder.grading.submission_files import find_notebook, submission_folder
from autograder.grading.submission_identity import identified
from autograder.results import SubmissionResult
from autograder.sandbox.process import Limits

MAX_LANES = 2
"""The most lanes one grading runs its test cells in (see :func:`lanes_for`)."""
MAX_DEATHS = 2
"""A submission whose grading process dies this many times is reported as not graded."""


def grade_many(
    submissions: Sequence[str],
    *,
    assignment: str | None = None,
    jobs: int = 1,
    limits: Limits | None = None,
    seeds: Sequence[int | None] | None = None,
    on_result: Callable[[SubmissionResult], None] | None = None,
    store: ResultStore | None = None,
    scheduler: str | None = None,
    times: str = "nbgrader",
) -> list[SubmissionResult]:
    """Grade the submissions, ``jobs`` at a time; return their results in the order given.

    A grading process that dies (killed, out of memory, a lost node) costs the submission it was
    grading one more try in a fresh process; a second death makes that submission's result a note
    saying it was not graded. The other submissions are graded again, free of charge.

    Args:
        submissions: the submissions (see :func:`autograder.grading.batch_submissions.expand_submissions`).
        assignment: the assignment of all of them; inferred for each when None.
        jobs: how many to grade at once (each in its own process, with its own sandbox).
        limits: the limits of the student processes.
        seeds: the seed of each submission's hidden cases, in order, to replay gradings; None (or
            a None entry) draws a fresh seed for each.
        on_result: called with each result as soon as it is ready (e.g. to advance a progress bar).
            Each result names its student and the time it was submitted
            (:mod:`autograder.grading.submission_identity`).
        store: where results are kept as they complete; those already there are not graded again.
        scheduler: the address of a dask.distributed scheduler (``tcp://host:8786``): the batch is
            graded by its workers instead of local processes (see :mod:`autograder.grading.dask_cluster`).
        times: where the submission times come from (see :func:`autograder.grading.submission_identity.submitted_at`).
    """
    folders = batch_folders(submissions)
    with distrusting(*folders):
        return _grade_many(submissions, assignment, jobs, limits, seeds, on_result, store, scheduler, times, folders)


def batch_folders(submissions: Sequence[str]) -> tuple[str, ...]:
    """The folder of every submission of a batch: no trusted notebook may come from any of them.

    A grader run inside one student's folder (a CI checkout), or in a folder holding a student
    named ``solutions``, would otherwise take that student's notebook for the course's.
    """
    return tuple(dict.fromkeys(str(submission_folder(submission)[0].path) for submission in submissions))


def _grade_many(
    submissions: Sequence[str],
    assignment: str | None,
    jobs: int,
    limits: Limits | None,
    seeds: Sequence[int | None] | None,
    on_result: Callable[[SubmissionResult], None] | None,
    store: ResultStore | None,
    scheduler: str | None,
    times: str,
    folders: tuple[str, ...],
) -> list[SubmissionResult]:
    """:func:`grade_many`, with the batch's folders ``folders`` distrusted here and in every grading process."""
    done: dict[str, SubmissionResult] = {}
    keys = {s: store_key(store, s, assignment, limits) for s in submissions} if store is not None else {}

    def finish(submission: str, result: SubmissionResult, *, graded: bool = True) -> None:
        result = identified(result, times=times)
        done[submission] = result
        if graded and store is not None:
            store.save(keys[submission], result)
        if on_result is not None:
            on_result(result)

    for submission in submissions:
        if store is not None and (stored := store.load(keys[submission], submission)) is not None:
            finish(submission, stored, graded=False)
    pending = [s for s in dict.fromkeys(submissions) if s not in done]
    seed_of = dict(zip(submissions, seeds or []))
    if scheduler is not None:
        from autograder.grading.dask_cluster import grade_on_cluster

        grade_on_cluster(pending, assignment, limits, finish, scheduler=scheduler, seeds=seed_of, distrusted=folders)
    elif jobs <= 1:
        for submission in pending:
            finish(submission, grade_one(submission, assignment, limits, seed_of.get(submission), lanes_for(1)))
    else:
        grade = functools.partial(grade_with_seed, seed_of, lanes_for(jobs), folders)
        grade_in_pool(pending, assignment, jobs, limits, finish, grade=grade)
    return [done[submission] for submission in submissions]


def grade_in_pool(
    pending: list[str],
    assignment: str | None,
    jobs: int,
    limits: Limits | None,
    finish: Callable[[str, SubmissionResult], None],
    *,
    grade: Callable[[str, str | None, Limits | None], SubmissionResult] = grade_one,
) -> None:
    """Grade ``pending`` in pools of ``jobs`` processes, a fresh pool after one breaks (see :func:`grade_many`).

    Each task marks its start with a file in a private directory, so that when a pool breaks the
    submissions being graded at that moment (and only those) are charged a death.
    """
    deaths: dict[str, int] = {}
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="autograder-batch-") as markers:
        while pending:
            with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
                futures = {
                    pool.submit(grade_marked, grade, Path(markers) / str(i), s, assignment, limits): (i, s)
                    for i, s in enumerate(pending)
                }
                retry: list[str] = []
                for future in as_completed(futures):
                    index, submission = futures[future]
                    try:
                        finish(submission, future.result())
                    except BrokenProcessPool:
                        if (Path(markers) / str(index)).exists():
                            deaths[submission] = deaths.get(submission, 0) + 1
                        if deaths.get(submission, 0) >= MAX_DEATHS:
                            note = (
                                f"not graded: the process grading it died {MAX_DEATHS} times "
                                "(killed, or out of memory?)"
                            )
                            finish(submission, ungraded(submission, assignment, note))
                        else:
                            retry.append(submission)
                    except Exception as error:  # noqa: BLE001 - a failure costs its submission only
                        note = f"the grading process failed: {type(error).__name__}: {error}"
                        finish(submission, ungraded(submission, assignment, note))
            for marker in Path(markers).iterdir():
                marker.unlink()
            pending = retry


def lanes_for(jobs: int) -> int:
    """How many lanes each of ``jobs`` gradings at once runs its test cells in: the cores left to it, at most 2.

    A second lane lets the grader check one function while the student process computes another
    (see :func:`autograder.grading.isolated.run_test_cells`); more gain little, as the checks of
    all lanes share one interpreter.
    """
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(MAX_LANES, cores // max(jobs, 1)))


def grade_with_seed(
    seeds: dict[str, int | None],
    lanes: int,
    distrusted: tuple[str, ...],
    submission: str,
    assignment: str | None,
    limits: Limits | None,
) -> SubmissionResult:
    """:func:`grade_one` with the seed ``seeds`` gives the submission (a fresh one when it gives none), in ``lanes``.

    No trusted notebook is taken from the folders ``distrusted`` (the batch's).
    """
    return grade_one(submission, assignment, limits, seeds.get(submission), lanes, distrusted)


def grade_marked(
    grade: Callable, marker: Path, submission: str, assignment: str | None, limits: Limits | None
) -> SubmissionResult:
    """``grade(submission, assignment, limits)``, after leaving ``marker`` to say that it started."""
    marker.touch()
    return grade(submission, assignment, limits)


def store_key(store: ResultStore, submission: str, assignment: str | None, limits: Limits | None = None) -> str | None:
    """The key of a submission graded with ``limits`` in ``store`` (None when its notebook or assignment cannot be told)."""
    try:
        located = find_notebook(submission, assignment)
        notebook = located.read()
        with distrusting(located.folder.path):
            trusted = load_assignment(assignment or infer_assignment(located.path, read_submission(located)[0]))
    except (OSError, UnknownAssignment):
        return None
    return store.key(notebook, trusted.notebook, limits, found=located.notes)
