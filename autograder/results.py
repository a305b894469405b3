"""The result model: what one graded case produced. Every output format is built from these.

Every text field is made safe when a result is built (:func:`autograder.text_safety.safe_text`):
a message or a name that came from a submission can reach any output format without breaking it.
"""

from dataclasses import dataclass, fields

from autograder.submission_layout import student_of
from autograder.text_safety import safe_text


def _make_text_safe(result) -> None:
    """Replace every text field of a frozen result, and every text in its tuples of texts, by its safe form."""
    for field in fields(result):
        value = getattr(result, field.name)
        if isinstance(value, str):
            object.__setattr__(result, field.name, safe_text(value))
        elif isinstance(value, tuple) and all(isinstance(item, str) for item in value):
            object.__setattr__(result, field.name, tuple(safe_text(item) for item in value))


@dataclass(frozen=True)
class Mistake:
    """A common mistake a check recognised behind a failure (see ``autograder.checking.diagnoses``).

    Attributes:
        id: what the mistake is, stable across gradings and readable as a label, in kebab case:
            ``"weights-not-accumulated"``, ``"bias-missing"``. The class report counts by it.
        text: the hint the student reads after ``Likely mistake:``, e.g. "dx and dh0 are right
            but the weight gradients are not: ...".
    """

    id: str
    text: str

    def __post_init__(self) -> None:
        _make_text_safe(self)

    @property
    def label(self) -> str:
        """The id as words: ``"weights not accumulated"``."""
        return self.id.replace("-", " ")


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case of a check: points earned and, when it failed, why.

    Attributes:
        function: the student function the case grades, e.g. ``"rnn_backward"``.
        name: what the case tests, e.g. ``"gradients match centered differences"``.
        points: points earned, between 0 and ``max_points``.
        max_points: points the case is worth.
        message: when failed, what went wrong and what to look at next; when passed, empty or a
            note (e.g. that a function it calls changed its arguments).
        hidden: True for cases that compare with the reference solution.
        seed: for a hidden case, the seed of the grading its inputs were drawn from
            (:mod:`autograder.checking.hidden_cases`); None for a public case.
        mistake: when it failed and a check recognised why, the mistake (its text is also the
            ``Likely mistake:`` line of ``message``); None otherwise.
        inherited_from: the other student functions a failure of this case came from (it passed
            with the reference in their place, so it cost nothing here); empty otherwise.
    """

    function: str
    name: str
    points: float
    max_points: float
    message: str = ""
    hidden: bool = False
    seed: int | None = None
    mistake: Mistake | None = None
    inherited_from: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _make_text_safe(self)

    @property
    def passed(self) -> bool:
        """True when the case earned all its points."""
        return self.points >= self.max_points


def total_points(results: list[CaseResult]) -> float:
    """Sum of the points earned, rounded so that float noise never shows in a gradebook."""
    return round(sum(result.points for result in results), 6)


def total_max_points(results: list[CaseResult]) -> float:
    """Sum of the points available."""
    return round(sum(result.max_points for result in results), 6)


PASSED, FAILED, PENDING, MARKED = "passed", "failed", "pending", "marked"
"""The status of a test: all its points earned, some lost, waiting for a human grader, or graded by one.

``marked`` exists only once a person's marks are merged in (:mod:`autograder.reports.written_marks`):
the grader writes ``pending`` for every written answer."""
WRITTEN = (PENDING, MARKED)
"""The statuses of written answers, graded by a person."""


@dataclass(frozen=True)
class TestResult:
    """One graded part of a notebook: a check call of a test cell, or a manually graded answer.

    A test cell ``test_rnn_backward`` makes two tests, ``rnn_backward`` (its public checks) and
    ``rnn_backward (hidden)`` (the comparison with the reference); a written answer makes one
    ``pending`` test worth its points, scored 0 until a person grades it.

    Attributes:
        name: unique within a submission, e.g. ``"rnn_backward (hidden)"`` or ``"written_clipping"``.
        function: the student function it checks; for a written answer, its cell's grade id.
        score: points earned.
        max_score: points it is worth.
        status: ``"passed"``, ``"failed"``, ``"pending"`` or (marks merged) ``"marked"``.
        output: what a student reads: one line per case and the reason for each failure.
        hidden: True for the comparison with the reference solution.
        cell: the grade id of the notebook cell the test comes from.
        cases: the results of its cases (empty for pending tests and for tests that could not run).
    """

    __test__ = False  # not a pytest test class, whatever its name

    name: str
    function: str
    score: float
    max_score: float
    status: str
    output: str = ""
    hidden: bool = False
    cell: str = ""
    cases: tuple[CaseResult, ...] = ()

    def __post_init__(self) -> None:
        _make_text_safe(self)


@dataclass(frozen=True)
class SubmissionResult:
    """Everything the grader found about one submission; every output format is an adapter over it.

    Attributes:
        submission: the path of the submission as it was given on the command line.
        assignment: the assignment id, e.g. ``"rnn"``.
        tests: every test of the assignment, in notebook order, the same list for every submission.
        notes: what a reader should know about the grading as a whole (e.g. the notebook could not
            be read, or the hidden checks could not run because the solutions were not found).
        protections: how the student code was isolated (e.g. ``"bubblewrap"``, ``"unprivileged
            user"``, ``"no sockets"``); empty when it did not run in isolation.
        seed: the seed the hidden cases were drawn from (``--seed`` replays them); None when no
            hidden case ran.
        student: who submitted it, e.g. nbgrader's student id (the folder ``submitted/<student>/``);
            None when it cannot be told (see :func:`student_of`).
        submitted_at: when it was submitted, ISO 8601 with a UTC offset
            (``"2026-03-02T23:58:10+00:00"``), from a source the student cannot write (nbgrader's
            ``timestamp.txt``, the platform's record, the instructor's); None when unknown, and
            then no late penalty applies. Never a file's modification time.
    """

    submission: str
    assignment: str
    tests: tuple[TestResult, ...]
    notes: tuple[str, ...] = ()
    protections: tuple[str, ...] = ()
    seed: int | None = None
    student: str | None = None
    submitted_at: str | None = None

    def __post_init__(self) -> None:
        _make_text_safe(self)

    @property
    def score(self) -> float:
        """Points earned so far (pending tests count 0 until graded)."""
        return round(sum(test.score for test in self.tests), 6)

    @property
    def max_score(self) -> float:
        """Points available in all, written answers awaiting manual grading included."""
        return round(sum(test.max_score for test in self.tests), 6)

    @property
    def student_id(self) -> str:
        """``student`` when the grader recorded it, else as :func:`student_of` tells it from the path."""
        return self.student or student_of(self.submission, self.assignment)

    @property
    def pending_score(self) -> float:
        """Points of the written answers that await a human grader."""
        return round(sum(test.max_score for test in self.tests if test.status == PENDING), 6)

    @property
    def autograded_score(self) -> float:
        """Points earned in the autograded tests."""
        return round(sum(test.score for test in self.tests if test.status not in WRITTEN), 6)

    @property
    def autograded_max(self) -> float:
        """Points available in the autograded tests."""
        return round(sum(test.max_score for test in self.tests if test.status not in WRITTEN), 6)

    @property
    def marked_score(self) -> float:
        """Points a person gave the written answers graded so far."""
        return round(sum(test.score for test in self.tests if test.status == MARKED), 6)

    @property
    def marked_max(self) -> float:
        """Points of the written answers graded so far."""
        return round(sum(test.max_score for test in self.tests if test.status == MARKED), 6)
