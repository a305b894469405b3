"""Grading a submission in isolation: the notebook's own test cells, run against a sandbox.

The test cells (code and points) come from the trusted copy of the assignment, never from the
submission: the source notebook in ``solutions/`` when it can be found (public and hidden
tests), else the release (public tests only). The submission contributes only the sources of
its answer cells, which run in a confined process (:mod:`autograder.sandbox.process`) together with
the trusted notebook's setup cells. Each test cell then runs here, in the grader, with every
student function replaced by a proxy into the sandbox: the same checks and the same points as
``nbgrader autograde``, with the scores computed and written by the grader alone.
"""

import contextlib
import contextvars
import functools
import importlib
import importlib.util
import io
import os
import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from autograder.calls.call_warnings import student_code_elsewhere
from autograder.checking import known_answers
from autograder.checking.case import collecting_results, describe_exception, report_text
from autograder.checking.hidden_cases import grading_seed
from autograder.checking.reference import (
    SolutionsNotFound,
    distrusted_folders,
    distrusting,
    find_release_notebook,
    find_solution_notebook,
    known_assignments,
)
from autograder.grading import notebook_cells
from autograder.grading.notebook_cells import NotebookCell
from autograder.grading.submission_files import (
    RefusedFile,
    SubmittedNotebook,
    clipped_list,
    find_notebook,
    shown,
    submission_folder,
)
from autograder.notebook_json import NotebookNode, notebook_from_text, read_notebook
from autograder.results import (
    FAILED,
    PASSED,
    PENDING,
    CaseResult,
    SubmissionResult,
    TestResult,
    total_max_points,
    total_points,
)
from autograder.sandbox.bubblewrap import SCRATCH_LANES
from autograder.sandbox.process import Cell, Limits, Sandbox
from autograder.sandbox.protections import BUBBLEWRAP, EXPECTED, UNPRIVILEGED_USER
from autograder.self_check import separate_tally
from autograder.submission_layout import nbgrader_split

EXPECTED_PROTECTIONS = EXPECTED
"""The protections every Linux this course supports gives student code (see :mod:`autograder.sandbox.protections`)."""


class UnknownAssignment(LookupError):
    """The assignment of a submission could not be told, or is not known."""


@dataclass(frozen=True)
class Assignment:
    """The trusted copy of an assignment: what is run, and what it is worth.

    Attributes:
        name: the assignment id.
        notebook: the path of the source notebook (or of the release when the source is absent).
        hidden: True when ``notebook`` is the source, whose test cells hold the hidden tests.
        setup: the setup cells; answers: the answer cells; tests: the test cells; written: the
            written answers graded by a person. All in notebook order.
        functions: each student function the test cells check, and the answer cell defining it.
    """

    name: str
    notebook: Path
    hidden: bool
    setup: tuple[NotebookCell, ...]
    answers: tuple[NotebookCell, ...]
    tests: tuple[NotebookCell, ...]
    written: tuple[NotebookCell, ...]
    functions: dict[str, str]

    @property
    def support_files(self) -> list[Path]:
        """The modules next to the notebook that its setup cells import."""
        return sorted(self.notebook.parent.glob("*.py"))


def load_assignment(name: str) -> Assignment:
    """The trusted copy of assignment ``name``: its source if found, else its release, never from a folder being graded.

    Raises:
        UnknownAssignment: when neither is found.
    """
    return _trusted_copy(name, distrusted_folders())


@functools.lru_cache(maxsize=8)
def _trusted_copy(name: str, distrusted: tuple[str, ...]) -> Assignment:
    """:func:`load_assignment` for the folders ``distrusted`` (a cache entry per set of them)."""
    try:
        path, hidden = find_solution_notebook(name), True
    except SolutionsNotFound:
        try:
            path, hidden = find_release_notebook(name), False
        except SolutionsNotFound as error:
            raise UnknownAssignment(str(error)) from None
    notebook = read_notebook(path)
    answers = notebook_cells.answer_cells(notebook)
    return Assignment(
        name=name,
        notebook=path,
        hidden=hidden,
        setup=tuple(notebook_cells.setup_cells(notebook)),
        answers=tuple(answers),
        tests=tuple(notebook_cells.test_cells(notebook)),
        written=tuple(notebook_cells.written_answers(notebook)),
        functions={
            f: cell.grade_id for cell in answers for f in notebook_cells.defined_functions(cell.source)
        },
    )


load_assignment.cache_clear = _trusted_copy.cache_clear  # the audit and the tests forget what was loaded


def infer_assignment(path: Path, notebook: NotebookNode | None) -> str:
    """The assignment a notebook belongs to: its file name, its folder, or its answer cells' ids.

    Raises:
        UnknownAssignment: when none of them names a known assignment.
    """
    known = known_assignments()
    layout = nbgrader_split(path)
    for candidate in (layout[2] if layout else "", path.stem, path.parent.name):
        if candidate in known:
            return candidate
    if notebook is not None:
        ids = {cell.grade_id for cell in notebook_cells.answer_cells(notebook)}
        overlaps = {name: len(ids & {c.grade_id for c in load_assignment(name).answers}) for name in known}
        best = max(overlaps, key=overlaps.get, default=None)
        if best is not None and overlaps[best] > 0:
            return best
    raise UnknownAssignment(
        f"cannot tell which assignment {path} is ({', '.join(known) or 'none'} are known); pass --assignment"
    )


def read_submission(located: SubmittedNotebook) -> tuple[NotebookNode | None, str]:
    """The submitted notebook, or None and why it could not be read (see :mod:`autograder.grading.submission_files`)."""
    try:
        return notebook_from_text(located.read().decode("utf-8")), ""
    except RefusedFile as error:
        return None, f"your notebook was not read: {error}"
    except Exception as error:  # noqa: BLE001 - whatever is wrong with the file, it is a message
        return None, f"your notebook could not be read ({type(error).__name__}: {str(error)[:300]})"


def grade_submission(
    submission: str | Path,
    *,
    assignment: str | None = None,
    limits: Limits | None = None,
    seed: int | None = None,
    lanes: int = 1,
) -> SubmissionResult:
    """Grade one submission in isolation; never raises for anything wrong with the submission.

    Args:
        submission: a notebook, or a directory holding one (as in nbgrader's ``submitted/``).
        assignment: the assignment id; inferred from the notebook when None.
        limits: the time and resource limits of the student process (defaults: ``Limits()``).
        seed: the seed of the hidden cases, to replay a grading; None draws a fresh one (or takes
            ``AUTOGRADER_SEED``). The result records it.
        lanes: how many student processes run the test cells side by side (see :func:`run_test_cells`),
            at most ``SCRATCH_LANES``.

    Returns:
        Every test of the assignment, in notebook order, with the written answers pending.

    Raises:
        UnknownAssignment: when the assignment cannot be told or is not known.
    """
    with distrusting(submission_folder(submission)[0].path):
        return _grade(str(submission), assignment, limits, seed, lanes)


def _grade(given: str, assignment: str | None, limits: Limits | None, seed: int | None, lanes: int) -> SubmissionResult:
    """:func:`grade_submission`, the trusted copy of the assignment never taken from the submission's folder."""
    found: tuple[str, ...] = ()
    try:
        located = find_notebook(given, assignment)
    except OSError as error:
        path, notebook, unreadable = Path(given), None, str(error)
    else:
        path, found = located.path, located.notes
        notebook, unreadable = read_submission(located)
    trusted = load_assignment(assignment or infer_assignment(path, notebook))
    notes = [] if trusted.hidden else [hidden_tests_unavailable(trusted.name)]
    notes += found
    answers: dict[str, str] = {}
    if notebook is None:
        notes.append(unreadable if "nothing was graded" in unreadable else f"nothing was graded: {unreadable}")
    else:
        answers, problems = submitted_answers(trusted, notebook)
        notes += problems
    cells = [Cell(c.grade_id, c.source) for c in trusted.setup]
    cells += [Cell(c.grade_id, answers[c.grade_id]) for c in trusted.answers if c.grade_id in answers]
    absent = f"could not be read: {unreadable}" if notebook is None else "is missing from your notebook"
    absent_cells = {c.grade_id: absent for c in trusted.answers if c.grade_id not in answers}
    limits = limits or Limits()
    start_zygote(trusted, limits)  # it starts while the grader warms up
    warm_up(trusted.name)
    deadline = time.monotonic() + limits.seconds_per_submission  # shared by the lanes
    sandboxes = [
        Sandbox(
            cells,
            absent=absent_cells,
            support_files=trusted.support_files,
            limits=limits,
            deadline=deadline,
            zygote_owner=threading.get_ident(),
            lane=lane,
        )
        for lane in range(max(1, min(lanes, len(trusted.tests), SCRATCH_LANES)))
    ]
    with grading_seed(seed) as seed:
        tests, protections = run_test_cells(trusted, sandboxes)
    notes += protection_notes(protections)
    return SubmissionResult(
        given,
        trusted.name,
        (*tests, *written_answers_pending(trusted)),
        tuple(notes),
        protections=protections,
        seed=seed if trusted.hidden else None,
    )


def prepare(submission: str | Path, *, assignment: str | None = None) -> None:
    """Start the zygote that grading ``submission`` will fork its student processes from, without waiting.

    A command grading one submission calls it before anything else, so that the zygote's imports
    (numpy, matplotlib: a second) overlap the grader's own. Anything wrong with the submission is
    left for :func:`grade_submission` to report: this only starts what it can.
    """
    try:
        located = find_notebook(submission, assignment)
        with distrusting(located.folder.path):
            trusted = load_assignment(assignment or infer_assignment(located.path, read_submission(located)[0]))
    except (OSError, UnknownAssignment):
        return
    start_zygote(trusted, Limits())


def start_zygote(trusted: Assignment, limits: Limits) -> None:
    """Start the zygote of the sandboxes of ``trusted`` with ``limits``, unless it runs; never wait for it."""
    Sandbox([], support_files=trusted.support_files, limits=limits).prepare()


def run_test_cells(trusted: Assignment, sandboxes: list[Sandbox]) -> tuple[list[TestResult], tuple[str, ...]]:
    """Run every test cell of ``trusted`` once, each lane taking the next cell when it is free.

    Each sandbox is a lane: a student process running the same setup and answer cells, with a
    thread of the grader running test cells against it. The cells' checks depend on the
    submission's code and the grading's seed only (hidden cases draw from the seed, the
    function and the case's number), so which lane runs a cell changes no score: lanes only
    let the grader check one function while the student process computes another's answers.

    Lanes share no state that a check reads: each runs in a context of its own (its purity log,
    numpy's error state, its self-check tally), the warnings of its student process are replayed
    into its own calls and never through the ``warnings`` module
    (:mod:`autograder.calls.call_warnings`), and its student process writes in a scratch
    directory of its own. What the checks print is dropped.

    Returns:
        The tests of every cell, in notebook order, and the protections the processes ran with.
    """
    pending: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(trusted.tests)):
        pending.put(index)
    done: dict[int, list[TestResult]] = {}

    def lane(sandbox: Sandbox) -> tuple[str, ...]:
        with sandbox, student_code_elsewhere(), separate_tally():
            namespace = {name: sandbox.function(name, cell=cell) for name, cell in trusted.functions.items()}
            while True:
                try:
                    index = pending.get_nowait()
                except queue.Empty:
                    return sandbox.protections
                done[index] = run_test_cell(trusted.tests[index], namespace)

    if len(sandboxes) == 1:
        protections = lane(sandboxes[0])
    else:  # what the checks print is dropped, as run_test_cell drops it; sys.stdout is the process's
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            ThreadPoolExecutor(len(sandboxes), thread_name_prefix="grading-lane") as pool,
        ):
            lanes = [pool.submit(contextvars.copy_context().run, lane, sandbox) for sandbox in sandboxes]
            protections = lanes[0].result()
            for other in lanes[1:]:
                other.result()
    return [test for index in sorted(done) for test in done[index]], protections


def warm_up(assignment: str) -> None:
    """Pay now what the checks of a process would pay the first time: imports, known answers, Hypothesis.

    That is the module of checks the test cells of ``assignment`` import (if there is one), its
    known answers, Hypothesis's first run, and the examples of every property those checks
    declare, which every later grading in this process replays.
    """
    from autograder.checking import property  # Hypothesis: imported once the student process is starting

    with contextlib.suppress(ImportError):
        importlib.import_module(f"autograder.checks.{assignment}")
    with contextlib.suppress(FileNotFoundError):
        known_answers.load(assignment)
    property.warm_up()
    property.draw_declared()


def protection_notes(active: tuple[str, ...]) -> list[str]:
    """What a reader must know when student code ran with fewer protections than the sandbox can give."""
    if not active:  # the process never started: there is nothing to say about its confinement
        return []
    notes = []
    if missing := [p for p in EXPECTED_PROTECTIONS if p not in active]:
        notes.append(
            f"this machine could not confine student code fully (missing: {', '.join(missing)}); "
            "see docs/isolation.md"
        )
    if BUBBLEWRAP not in active:
        notes.append(
            "student code ran without bubblewrap (not installed, or this kernel refuses it namespaces): "
            "no network or process namespace of its own, its scratch directory on disk and checked by the "
            "grader; install the package bubblewrap for full isolation"
        )
    if os.geteuid() == 0 and UNPRIVILEGED_USER not in active:
        notes.append("student code ran as root (no unprivileged user could run this Python installation)")
    return notes


def written_answers_pending(trusted: Assignment) -> list[TestResult]:
    """The written answers of the assignment, as tests that await a person (0 points so far)."""
    return [
        TestResult(c.grade_id, c.grade_id, 0.0, c.points, PENDING, "awaits grading by a person", cell=c.grade_id)
        for c in trusted.written
    ]


def submitted_answers(
    trusted: Assignment, notebook: NotebookNode
) -> tuple[dict[str, str], list[str]]:
    """The sources of the submission's answer cells by grade id, and what is wrong with the notebook."""
    problems = []
    answers: dict[str, str] = {}
    for cell in notebook_cells.answer_cells(notebook):
        answers.setdefault(cell.grade_id, cell.source)
    if duplicates := notebook_cells.grade_id_duplicates(notebook):
        shared = clipped_list([shown((grade_id,)) for grade_id in duplicates], 10)
        problems.append(f"cells share the grade ids {shared}: the first of each was graded")
    if missing := [c.grade_id for c in trusted.answers if c.grade_id not in answers]:
        problems.append(f"answer cells missing from your notebook: {', '.join(missing)}")
    submitted_tests = {c.grade_id: c.source for c in notebook_cells.test_cells(notebook)}
    edited = [
        c.grade_id
        for c in trusted.tests
        if c.grade_id in submitted_tests
        and notebook_cells.without_hidden_tests(submitted_tests[c.grade_id]).strip()
        != notebook_cells.without_hidden_tests(c.source).strip()
    ]
    if edited:
        problems.append(
            f"test cells changed in your notebook (the original ones were run): {', '.join(edited)}"
        )
    return answers, problems


def run_test_cell(cell: NotebookCell, namespace: dict) -> list[TestResult]:
    """Run one test cell here, with the proxies in its namespace: one test per check it ran."""
    failure = ""
    with (
        collecting_results() as collected,
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
    ):
        try:
            exec(compile(cell.source, f"<test cell {cell.grade_id}>", "exec"), dict(namespace))  # noqa: S102
        except (Exception, SystemExit) as error:  # noqa: BLE001 - a broken test cell is a message
            failure = (
                f"the test cell {cell.grade_id} failed: {describe_exception(error)}; tell your instructor"
            )
    tests = [test_of(cell, results) for results in collected if results]
    if failure:
        earned = sum(t.max_score for t in tests)
        tests.append(
            TestResult(
                cell.grade_id,
                cell.grade_id,
                0.0,
                max(cell.points - earned, 0.0),
                FAILED,
                failure,
                cell=cell.grade_id,
            )
        )
    return tests


def test_of(cell: NotebookCell, results: list[CaseResult]) -> TestResult:
    """The test made of one check's case results."""
    first = results[0]
    score, max_score = total_points(results), total_max_points(results)
    return TestResult(
        name=f"{first.function} (hidden)" if first.hidden else first.function,
        function=first.function,
        score=score,
        max_score=max_score,
        status=PASSED if score >= max_score else FAILED,
        output=report_text(results),
        hidden=first.hidden,
        cell=cell.grade_id,
        cases=tuple(results),
    )


def hidden_tests_unavailable(assignment: str) -> str:
    """The note saying that only the public tests ran: for a student, that the instructor runs the rest.

    Only the instructor's checkout (which holds ``autograder.instructor``) is told how to run them:
    a student's copy never holds the solutions, and the note must not send students looking for them.
    """
    note = (
        f"only the public tests ran: the hidden checks of '{assignment}' compare your functions with a "
        "reference solution, and your instructor runs them after the deadline"
    )
    if importlib.util.find_spec("autograder.instructor") is not None:
        note += " (instructors: set AUTOGRADER_SOLUTIONS to the course directory to run them here)"
    return note
