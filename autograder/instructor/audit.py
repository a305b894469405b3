"""Auditing nbgrader's autograded scores: regrade every submitted notebook in isolation and compare.

``nbgrader autograde`` runs the test cells in the student's own kernel, where the student's
code can reach the checks (monkeypatch them, print to stderr, exit early). The isolated grader
(:mod:`autograder.grading.isolated`) runs the same test cells, with the same points, in its own
process. On an honest, deterministic submission the two agree cell by cell; where they differ,
nbgrader was fooled, zeroed a cell for stderr output, or a test is flaky. This module lists
those differences.

The regrading uses the course's own solutions (its ``solutions/`` holds the test cells and the
reference), in this process and in the worker processes grading in parallel.

The hidden cases are drawn from a seed fresh for each grading (:mod:`autograder.checking.hidden_cases`).
nbgrader's kernel printed its seed in the output of the hidden checks ("hidden checks (seed N)")
in ``autograded/``, and the regrading replays that seed, so that both graders see the same hidden
cases. That output comes from the student's kernel, which student code can patch (or, through a
process left behind, rewrite afterwards): a student can print a seed of their choosing and so
choose among the hidden cases the checks can draw (say, random sizes that avoid a bug). The audit
still grades the student's own submitted functions in isolation on those cases, the edge cases
(every size 1) are the same under every seed, and the public checks cover the edge shapes; to
grade on cases nobody chose, regrade with ``autograder grade`` (a fresh seed).
"""

import contextlib
import dataclasses
import json
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from autograder.checking.reference import ENVIRONMENT_VARIABLE
from autograder.grading.batch import grade_many
from autograder.grading.isolated import load_assignment
from autograder.grading.notebook_cells import grade_id_of, test_cells
from autograder.grading.submission_files import RefusedFile, SubmissionFolder, submission_folder
from autograder.instructor.nbgrader_pipeline import read_gradebook
from autograder.notebook_json import notebook_from_text
from autograder.results import PENDING, SubmissionResult

TOLERANCE = 1e-6
"""Two scores of a cell closer than this are the same score (float noise of summing case points)."""

SEED_LINE = re.compile(r"hidden checks \(seed (\d{1,20})\)")
"""How the hidden checks name the seed of their grading in a test cell's output."""


@dataclass(frozen=True)
class CellDifference:
    """One test cell scored differently by nbgrader and by the isolated grader.

    Attributes:
        cell: the grade id of the test cell.
        nbgrader: nbgrader's score, or None when the gradebook has no such cell.
        isolated: the isolated grader's score, or None when it graded no such cell.
        max_score: the points the cell is worth.
    """

    cell: str
    nbgrader: float | None
    isolated: float | None
    max_score: float


@dataclass(frozen=True)
class ScoreDifference:
    """A submission whose nbgrader score differs from its isolated score in at least one cell.

    Attributes:
        student: the student id.
        submission: the submitted folder that was regraded.
        nbgrader: nbgrader's autograded score.
        isolated: the isolated grader's autograded score (written answers left out).
        max_score: the autograded points available.
        cells: the cells that differ, in notebook order.
        notes: what the isolated grader noted about the submission (e.g. it could not be read).
        seed: the seed of the hidden cases the regrading drew (nbgrader's when it was found).
    """

    student: str
    submission: Path
    nbgrader: float
    isolated: float
    max_score: float
    cells: tuple[CellDifference, ...]
    notes: tuple[str, ...] = ()
    seed: int | None = None


@dataclass(frozen=True)
class Unaudited:
    """A student whose nbgrader score could not be checked, and why."""

    student: str
    reason: str


@dataclass(frozen=True)
class AuditResult:
    """What an audit of one assignment of a course found.

    Attributes:
        course: the course directory.
        assignment: the assignment id.
        audited: the students whose submitted notebook was regraded and compared, sorted.
        differences: those whose scores differ, sorted by student id.
        unaudited: students in the gradebook without a submitted notebook, or the reverse.
        results: the isolated regrading of each audited student, in the order of ``audited``, with
            nbgrader's student id and submission time (``timestamp.txt``): what ``autograder
            report`` and ``export`` read (``autograder audit --results``).
    """

    course: Path
    assignment: str
    audited: tuple[str, ...]
    differences: tuple[ScoreDifference, ...]
    unaudited: tuple[Unaudited, ...]
    results: tuple[SubmissionResult, ...] = ()

    @property
    def agrees(self) -> bool:
        """True when every gradebook score was regraded and confirmed."""
        return not self.differences and not self.unaudited


def audit(course: str | Path, assignment: str, *, jobs: int = 1) -> AuditResult:
    """Regrade ``course/submitted/<student>/<assignment>/`` in isolation and compare with the gradebook.

    What the student submitted is regraded, never ``autograded/``: nbgrader runs student code
    while it autogrades, and that code could rewrite the autograded notebook afterwards (a
    process it left behind) to hide what it did to the checks. Each submitted notebook is graded by
    :func:`autograder.grading.isolated.grade_submission` with ``AUTOGRADER_SOLUTIONS`` set to
    ``course`` (here and in the ``jobs`` worker processes), and its score in each test cell is
    compared with the score ``course/gradebook.db`` holds for that cell. Written answers are
    left out: neither grader scores them.

    Args:
        course: an nbgrader course directory holding ``solutions/<assignment>/<assignment>.ipynb``.
        assignment: the assignment id, e.g. ``"rnn"``.
        jobs: how many notebooks to regrade at once.

    Returns:
        The students audited, those whose scores differ, and those that could not be audited
        (in the gradebook without a submitted notebook, or submitted but not in the gradebook).

    Raises:
        ValueError: when ``course`` holds no solutions of ``assignment``, or ``jobs`` < 1.
    """
    course = Path(course)
    source = course / "solutions" / assignment / f"{assignment}.ipynb"
    if not source.is_file():
        raise ValueError(f"course: {course} holds no solutions of {assignment!r} ({source} not found)")
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, got {jobs}")
    gradebook = gradebook_scores(course, assignment)
    submitted = submitted_folders(course, assignment)
    unaudited = [
        Unaudited(
            student, f"in the gradebook, but {course / 'submitted' / student / assignment} holds no notebook"
        )
        for student in sorted(gradebook.keys() - submitted.keys())
    ] + [
        Unaudited(student, "submitted, but not in the gradebook")
        for student in sorted(submitted.keys() - gradebook.keys())
    ]
    audited = sorted(gradebook.keys() & submitted.keys())
    seeds = [recorded_seed(course / "autograded" / s / assignment) for s in audited]
    with solutions_of(course):
        results = grade_many(
            [str(submitted[s]) for s in audited], assignment=assignment, jobs=jobs, seeds=seeds
        )
    differences = [
        difference
        for student, result in zip(audited, results)
        if (difference := score_difference(student, submitted[student], gradebook[student], result))
    ]
    unaudited.sort(key=lambda u: u.student)
    results = [dataclasses.replace(result, student=student) for student, result in zip(audited, results)]
    return AuditResult(course, assignment, tuple(audited), tuple(differences), tuple(unaudited), tuple(results))


def submitted_folders(course: Path, assignment: str) -> dict[str, Path]:
    """Each student's ``submitted/<student>/<assignment>`` that holds something to regrade, by student id.

    A folder that is a symbolic link is regraded too: the regrading refuses to follow it and says so.
    """
    root = course / "submitted"
    if not root.is_dir():
        return {}
    with os.scandir(root) as entries:
        students = sorted(e.name for e in entries if not e.name.startswith(".") and (e.is_dir(follow_symlinks=False) or e.is_symlink()))
    folders = {}
    for student in students:
        folder = SubmissionFolder(root, (student, assignment))
        try:
            notebooks, passed = folder.notebooks()
        except RefusedFile:
            notebooks, passed = [], ["a link"]
        except OSError:
            continue
        if notebooks or passed:
            folders[student] = folder.path
    return folders


def recorded_seed(folder: Path) -> int | None:
    """The seed nbgrader's kernel drew for the hidden cases, read from the test cells' output in ``folder``.

    The folder (``autograded/<student>/<assignment>``) was written by the student's kernel too, so it
    is read as a submission is (:mod:`autograder.grading.submission_files`), and any odd output is
    passed over. None when no test cell names one, or when they name several (the audit then draws a
    fresh seed, and hidden cells may differ).
    """
    seeds: set[int] = set()
    place, _ = submission_folder(folder)
    try:
        notebooks, _ = place.notebooks()
    except OSError:
        return None
    for relative in notebooks:
        try:
            notebook = notebook_from_text(place.read(relative).decode("utf-8"))
        except Exception:  # noqa: BLE001 - an unreadable notebook is the regrading's to report
            continue
        tests = {cell.grade_id for cell in test_cells(notebook)}
        for cell in notebook.cells:
            if grade_id_of(cell) not in tests or not isinstance(cell.get("outputs"), list):
                continue
            for output in cell["outputs"]:
                text = output.get("text", "") if isinstance(output, dict) else ""
                text = "".join(t for t in text if isinstance(t, str)) if isinstance(text, list) else text
                seeds.update(int(seed) for seed in SEED_LINE.findall(text if isinstance(text, str) else ""))
    return seeds.pop() if len(seeds) == 1 else None


def gradebook_scores(course: Path, assignment: str) -> dict[str, dict[str, tuple[float, float]]]:
    """Each student's ``{test cell grade id: (score, max_score)}`` from ``course/gradebook.db``.

    Empty when there is no gradebook or it does not know the assignment (nothing was autograded);
    a missing gradebook is not created.
    """
    from nbgrader.api import MissingEntry

    if not (course / "gradebook.db").is_file():
        return {}
    try:
        grades = read_gradebook(course, assignment)
    except MissingEntry:
        return {}
    return {student: grade.test_scores for student, grade in grades.items()}


@contextlib.contextmanager
def solutions_of(course: Path) -> Iterator[None]:
    """Within: the trusted notebooks and the reference come from ``course``, here and in new processes.

    Sets ``AUTOGRADER_SOLUTIONS`` (inherited by the worker processes, which start inside) and
    forgets the trusted notebooks loaded before, on the way in and on the way out.
    """
    previous = os.environ.get(ENVIRONMENT_VARIABLE)
    os.environ[ENVIRONMENT_VARIABLE] = str(course.resolve())
    load_assignment.cache_clear()
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ENVIRONMENT_VARIABLE, None)
        else:
            os.environ[ENVIRONMENT_VARIABLE] = previous
        load_assignment.cache_clear()


def score_difference(
    student: str, submission: Path, nbgrader: dict[str, tuple[float, float]], result: SubmissionResult
) -> ScoreDifference | None:
    """How a student's isolated result differs from nbgrader's cell scores; None when it does not."""
    isolated: dict[str, tuple[float, float]] = {}
    for test in result.tests:
        if test.status != PENDING:
            score, available = isolated.get(test.cell, (0.0, 0.0))
            isolated[test.cell] = (score + test.score, available + test.max_score)
    cells = []
    for cell in [*isolated, *(c for c in nbgrader if c not in isolated)]:
        ours, theirs = isolated.get(cell), nbgrader.get(cell)
        if ours is not None and theirs is not None and math.isclose(ours[0], theirs[0], abs_tol=TOLERANCE):
            continue
        cells.append(
            CellDifference(
                cell,
                nbgrader=None if theirs is None else theirs[0],
                isolated=None if ours is None else round(ours[0], 6),
                max_score=(theirs or ours)[1],
            )
        )
    if not cells:
        return None
    return ScoreDifference(
        student=student,
        submission=submission,
        nbgrader=round(sum(score for score, _ in nbgrader.values()), 6),
        isolated=round(sum(score for score, _ in isolated.values()), 6),
        max_score=round(sum(points for _, points in nbgrader.values()), 6),
        cells=tuple(cells),
        notes=result.notes,
        seed=result.seed,
    )


def points(value: float | None) -> str:
    """A score as a person writes it (``2``, ``0.5``), or ``-`` for a cell one grader did not score."""
    return "-" if value is None else f"{round(value, 3):g}"


def audit_text(result: AuditResult) -> str:
    """The audit for people: a summary line, then each differing submission and its cells."""
    where = f"{result.assignment} in {result.course}"
    if not result.audited and not result.unaudited:
        return f"audit of {where}: no submitted notebooks to regrade"
    lines = [
        f"audit of {where}: {len(result.audited)} submitted notebooks regraded in isolation, "
        f"{len(result.differences)} differ from nbgrader, {len(result.unaudited)} could not be audited"
    ]
    for difference in result.differences:
        lines.append(
            f"  {difference.student}: nbgrader {points(difference.nbgrader)}, isolated "
            f"{points(difference.isolated)} (of {points(difference.max_score)})"
        )
        width = max(len(cell.cell) for cell in difference.cells)
        lines += [
            f"    {cell.cell:<{width}}  nbgrader {points(cell.nbgrader)}, isolated {points(cell.isolated)}"
            f" (of {points(cell.max_score)})"
            for cell in difference.cells
        ]
        lines += [f"    note: {note.splitlines()[0]}" for note in difference.notes if note.strip()]
        seed = "" if difference.seed is None else f" --seed {difference.seed}"
        lines.append(
            f"    details: {ENVIRONMENT_VARIABLE}={result.course} autograder grade {difference.submission} "
            f"--assignment {result.assignment}{seed}"
        )
    lines += [f"  {u.student}: not audited: {u.reason}" for u in result.unaudited]
    if result.agrees:
        lines.append("every autograded score agrees with nbgrader")
    return "\n".join(lines)


def audit_json(result: AuditResult) -> str:
    """The audit as JSON: the fields of :class:`AuditResult` but the results, paths as strings, ``agrees`` added."""
    document = {field.name: getattr(result, field.name) for field in dataclasses.fields(result) if field.name != "results"}
    return json.dumps(
        {**json.loads(json.dumps(document, default=_plain)), "agrees": result.agrees}, indent=2, default=str
    )


def _plain(value):
    """A dataclass as a dict, anything else as its text (for :func:`audit_json`)."""
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else str(value)
