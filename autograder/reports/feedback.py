"""Feedback for each student, from the same results as the class report: an HTML or Markdown page.

A page holds the student's score per function (public and hidden checks), every failed case with
its message, the mistake a check recognised, and how to reproduce it, and the notes on the
submission. It shows only what the student's own result holds, as the results expose it: hidden
cases name their input sizes and the call that rebuilds them, never expected values (the checks
write them so); the protections of the grading machine, other students and the points of the
class are left out.
"""

import re
from dataclasses import dataclass
from pathlib import Path

from autograder.atomic_files import write_atomically
from autograder.reports.rendering import environment
from autograder.results import PENDING, CaseResult, SubmissionResult, TestResult

FORMATS = {"html": ("feedback.html.j2", ".html"), "markdown": ("feedback.md.j2", ".md")}
"""Feedback format -> its template and the extension of its files."""


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


def feedback_page(result: SubmissionResult) -> FeedbackPage:
    """The page of one student's result."""
    scores: dict[str, list[float]] = {}
    for test in result.tests:
        if test.status == PENDING:
            continue
        entry = scores.setdefault(test.function, [0.0, 0.0, 0.0, 0.0])
        offset = 2 if test.hidden else 0
        entry[offset] += test.score
        entry[offset + 1] += test.max_score
    failures = [
        failure
        for test in result.tests
        if test.status != PENDING and test.score < test.max_score
        for failure in test_failures(test)
    ]
    return FeedbackPage(
        student=result.student_id,
        assignment=result.assignment,
        score=result.score,
        autograded_max=round(result.max_score - result.pending_score, 6),
        pending_max=result.pending_score,
        submitted_at=result.submitted_at,
        functions=tuple(FunctionScore(f, *(round(v, 6) for v in values)) for f, values in scores.items()),
        failures=tuple(failures),
        notes=result.notes,
    )


def test_failures(test: TestResult) -> list[Failure]:
    """The failed cases of a test; the test's own output when it carries no cases (older results)."""
    if not test.cases:
        return [Failure(test.name, "the whole test", test.score, test.max_score, test.output, "", rerun(test))]
    return [
        Failure(
            test.name,
            case.name,
            case.points,
            case.max_points,
            case.message,
            case.mistake.label if case.mistake else "",
            reproduction(test, case),
        )
        for case in test.cases
        if not case.passed
    ]


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
    return env.get_template(template).render(page=page)


def file_name(student: str, taken: set[str], extension: str) -> str:
    """A file name for a student's page that cannot leave the directory or clash with another's."""
    stem = (re.sub(r"[^A-Za-z0-9._-]+", "_", student[:200]).lstrip(".") or "student")[:100]
    name, number = stem, 2
    while (name + extension).lower() in taken:
        name, number = f"{stem}-{number}", number + 1
    taken.add((name + extension).lower())
    return name + extension


def write_feedback(results: list[SubmissionResult], directory: str | Path, *, format: str = "html") -> list[Path]:
    """Write one page per result into ``directory`` (made if missing), each atomically; return their paths.

    Raises:
        ValueError: for an unknown format.
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {format!r}")
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    paths = []
    for result in results:
        path = directory / file_name(result.student_id, taken, FORMATS[format][1])
        write_atomically(path, page_text(feedback_page(result), format=format))
        paths.append(path)
    return paths
