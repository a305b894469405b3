"""Feedback for each student, from the same results as the class report: an HTML or Markdown page.

A page says, in this order: the score (autograded, written marks, any late penalty and what it
came from), the score per function, the functions not written yet (one line each), then for each
function that lost points what to fix: the first failed cases in full, the rest folded, each with
the mistake a check recognised and how to reproduce it, and the failures that came from a function
it calls (not charged to it). A notebook that could not be read gets one note and nothing else.
It shows only what the student's own result holds: hidden cases name their input sizes and the
call that rebuilds them, never expected values (the checks write them so); the protections of the
grading machine, other students and the points of the class are left out.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.atomic_files import write_atomically
from autograder.checking.case import NOT_IMPLEMENTED
from autograder.reports.late_ledger import LateRecord, late_records
from autograder.reports.late_policy import LatePolicy
from autograder.reports.rendering import environment
from autograder.results import MARKED, PENDING, WRITTEN, CaseResult, SubmissionResult, TestResult

FORMATS = {"html": ("feedback.html.j2", ".html"), "markdown": ("feedback.md.j2", ".md")}
"""Feedback format -> its template and the extension of its files."""
SHOWN_IN_FULL = 2
"""How many failed cases of one test are shown in full; the others are folded."""
MAX_MESSAGE_LINES = 12
"""The most lines of one failure's message a page shows: a failed function's two failures shown in full fit a screen."""
NOTHING_GRADED = "nothing was graded"
"""What the note of a submission whose notebook could not be read or found says."""


@dataclass(frozen=True)
class FunctionScore:
    """A student's points on one function, public and hidden checks apart."""

    function: str
    public: float
    public_max: float
    hidden: float
    hidden_max: float

    @property
    def total(self) -> float:
        """Points earned on the function."""
        return round(self.public + self.hidden, 6)

    @property
    def total_max(self) -> float:
        """Points the function is worth."""
        return round(self.public_max + self.hidden_max, 6)


@dataclass(frozen=True)
class Failure:
    """One failed case (or a failed test without cases), as a student reads it."""

    test: str
    case: str
    points: float
    max_points: float
    message: str
    mistake: str
    reproduce: str


@dataclass(frozen=True)
class FailedTest:
    """A test that lost points: the failures shown in full, those folded, and those inherited from a callee."""

    test: str
    points: float
    max_points: float
    shown: tuple[Failure, ...]
    folded: tuple[Failure, ...]
    inherited: tuple[str, ...]


@dataclass(frozen=True)
class WrittenAnswer:
    """A written answer: its points and the grader's comment once a person marked it."""

    question: str
    points: float
    max_points: float
    marked: bool
    comment: str


@dataclass(frozen=True)
class FeedbackPage:
    """What one student's page shows."""

    student: str
    assignment: str
    score: float
    autograded_max: float
    pending_max: float
    submitted_at: str | None
    functions: tuple[FunctionScore, ...]
    failures: tuple[Failure, ...]
    notes: tuple[str, ...]
    not_written: tuple[str, ...] = ()
    failed_tests: tuple[FailedTest, ...] = ()
    written: tuple[WrittenAnswer, ...] = ()
    late: LateRecord | None = None
    unread: str = ""

    @property
    def written_score(self) -> float:
        """Points given to the written answers marked so far."""
        return round(sum(w.points for w in self.written if w.marked), 6)

    @property
    def written_max(self) -> float:
        """Points of all the written answers."""
        return round(sum(w.max_points for w in self.written), 6)

    @property
    def final(self) -> float:
        """The grade: autograded plus marked points, less the late penalty."""
        penalty = self.late.penalty if self.late is not None else 0.0
        return round((self.score + self.written_score) * (1 - penalty / 100), 6)


def feedback_page(result: SubmissionResult, *, late: LateRecord | None = None) -> FeedbackPage:
    """The page of one student's result (written marks merged in, if any), with its lateness account."""
    unread_note = next((note for note in result.notes if NOTHING_GRADED in note.lower()), "")
    unread = re.sub(rf":?\s*{NOTHING_GRADED}:?\s*", " ", unread_note, flags=re.IGNORECASE).strip(" :.")
    unread = unread[:1].upper() + unread[1:]
    autograded = [test for test in result.tests if test.status not in WRITTEN]
    scores: dict[str, list[float]] = {}
    for test in autograded:
        entry = scores.setdefault(test.function, [0.0, 0.0, 0.0, 0.0])
        offset = 2 if test.hidden else 0
        entry[offset] += test.score
        entry[offset + 1] += test.max_score
    not_written = tuple(dict.fromkeys(name for test in autograded for name in unwritten(test)))
    failed = [] if unread else [
        failed_test(test) for test in autograded if test.score < test.max_score and not set(unwritten(test))
    ]
    inherited_only = [] if unread else [
        failed_test(test) for test in autograded if test.score >= test.max_score and inherited_notes(test)
    ]
    return FeedbackPage(
        student=result.student_id,
        assignment=result.assignment,
        score=result.autograded_score,
        autograded_max=result.autograded_max,
        pending_max=result.pending_score,
        submitted_at=result.submitted_at,
        functions=tuple(FunctionScore(f, *(round(v, 6) for v in values)) for f, values in scores.items()),
        failures=tuple(f for test in failed for f in (*test.shown, *test.folded)),
        notes=tuple(note for note in result.notes if note != unread_note),
        not_written=() if unread else not_written,
        failed_tests=tuple(failed + inherited_only),
        written=tuple(
            WrittenAnswer(t.name, t.score, t.max_score, t.status == MARKED, t.output if t.status == MARKED else "")
            for t in result.tests
            if t.status in WRITTEN
        ),
        late=late,
        unread=unread,
    )


def unwritten(test: TestResult) -> list[str]:
    """The functions a test found not written yet (every case met a stub), else nothing."""
    matches = [NOT_IMPLEMENTED.match(case.message) for case in test.cases]
    return [m.group(1) for m in matches] if test.cases and all(matches) else []


def inherited_notes(test: TestResult) -> tuple[str, ...]:
    """One line per case that failed because of another function, and was not charged here."""
    return tuple(
        f"{case.name}: failed with your {', '.join(case.inherited_from)}; passes with the reference's (not charged here)"
        for case in test.cases
        if case.inherited_from
    )


def failed_test(test: TestResult) -> FailedTest:
    """A test's failures, the first :data:`SHOWN_IN_FULL` in full and the rest folded."""
    failures = test_failures(test)
    return FailedTest(
        test.name,
        test.score,
        test.max_score,
        tuple(failures[:SHOWN_IN_FULL]),
        tuple(failures[SHOWN_IN_FULL:]),
        inherited_notes(test),
    )


def test_failures(test: TestResult) -> list[Failure]:
    """The failed cases of a test; the test's own output when it carries no cases (older results)."""
    if not test.cases:
        return [Failure(test.name, "the whole test", test.score, test.max_score, clipped(test.output), "", rerun(test))]
    return [
        Failure(
            test.name,
            case.name,
            case.points,
            case.max_points,
            clipped(case.message),
            case.mistake.label if case.mistake else "",
            reproduction(test, case),
        )
        for case in test.cases
        if not case.passed
    ]


def clipped(message: str, lines: int = MAX_MESSAGE_LINES) -> str:
    """``message`` cut to ``lines`` lines, saying how many were left out."""
    kept = message.splitlines()
    if len(kept) <= lines:
        return message
    return "\n".join(kept[:lines]) + f"\n... ({len(kept) - lines} more lines: run the test cell to see them all)"


def rerun(test: TestResult) -> str:
    """How to run a test's checks again in the notebook."""
    cell = f"the test cell `{test.cell}`" if test.cell else f"the test cell of {test.function}"
    return f"run {cell} of your notebook again after your fix: it prints one line per case."


def reproduction(test: TestResult, case: CaseResult) -> str:
    """How the student reproduces a failed case: the hidden case's seed, or the notebook's test cell."""
    if case.hidden:
        seed = f" (seed {case.seed})" if case.seed is not None else ""
        return (
            f"this is a hidden case{seed}: the message above names its input sizes and the call "
            "`autograder.checking.hidden_cases.inputs(...)` that rebuilds its inputs; call your function on "
            "them and compare with what the public checks and the docstring ask."
        )
    return "the message above names the failing inputs; " + rerun(test)


def page_text(page: FeedbackPage, *, format: str = "html") -> str:
    """The page in ``format`` (``"html"`` or ``"markdown"``)."""
    template, _ = FORMATS[format]
    env = environment()
    return env.get_template(template).render(page=page, PENDING=PENDING)


def file_name(student: str, taken: set[str], extension: str) -> str:
    """A file name for a student's page that cannot leave the directory or clash with another's."""
    stem = (re.sub(r"[^A-Za-z0-9._-]+", "_", student[:200]).lstrip(".") or "student")[:100]
    name, number = stem, 2
    while (name + extension).lower() in taken:
        name, number = f"{stem}-{number}", number + 1
    taken.add((name + extension).lower())
    return name + extension


def feedback_files(results: list[SubmissionResult], extension: str) -> dict[tuple[str, str], str]:
    """The file name of each result's page, by ``(student, assignment)``, relative to the pages' folder.

    ``<student>.<ext>`` for the results of one assignment, ``<assignment>/<student>.<ext>`` for several.
    """
    several = len({r.assignment for r in results}) > 1
    taken: dict[str, set[str]] = {}
    names = {}
    for result in results:
        folder = result.assignment if several else ""
        name = file_name(result.student_id, taken.setdefault(folder, set()), extension)
        names[result.student_id, result.assignment] = f"{file_name(folder, set(), '')}/{name}" if several else name
    return names


def write_feedback(
    results: list[SubmissionResult],
    directory: str | Path,
    *,
    format: str = "html",
    policy: LatePolicy | None = None,
) -> list[Path]:
    """Write one page per result into ``directory`` (made if missing), each atomically; return their paths.

    Args:
        results: the results, written marks merged in if any (several assignments: a folder each).
        directory: where the pages go.
        format: ``"html"`` or ``"markdown"``.
        policy: the late policy, whose account each page shows.

    Raises:
        ValueError: for an unknown format.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    directory = Path(directory)
    ledger = late_records(results, policy) if policy is not None else {}
    names = feedback_files(results, FORMATS[format][1])
    paths = []
    for result in results:
        key = (result.student_id, result.assignment)
        path = directory / names[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, page_text(feedback_page(result, late=ledger.get(key)), format=format))
        paths.append(path)
    return paths
