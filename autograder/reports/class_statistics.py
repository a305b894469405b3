"""The numbers of a class after the deadline: scores, points per function, cases, mistakes, causes.

Everything is computed from the results alone. A mistake is counted by the id the checks gave it
(``CaseResult.mistake``), never read back out of a message; its cost to a student is the points of
the cases that failed with it, and its cost to the class is the sum over students. Every point lost
is put down to one cause (:data:`CAUSES`, :func:`cause_of`), so the report can say what share of the
class's lost points it explains and what is left to read in the students' code.
"""

import math
import re
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from autograder.checking.case import NOT_IMPLEMENTED
from autograder.checking.judging import UNJUDGED
from autograder.checking.purity_case import PURITY_CASE
from autograder.checking.running import NOT_COUNTED_YET
from autograder.checking.shape_case import SHAPE_CASE
from autograder.results import PENDING, WRITTEN, CaseResult, SubmissionResult, TestResult

(
    RECOGNISED,
    SAME_FUNCTION,
    NOT_WRITTEN,
    RELIED_ON,
    ARGUMENT_CHANGED,
    SHAPE,
    RAISED,
    NUMERICS,
    CRASHED,
    NOT_READ,
    UNRECOGNISED,
) = (
    "a recognised mistake",
    "the same function's recognised mistake (named in another of its cases)",
    "a function not written yet",
    "a function it relies on failed first (its cache or forward pass)",
    "an argument changed in place",
    "an output in the wrong shape or type",
    "an exception the code raised (the message names its line)",
    "an overflow or a warning",
    "code that crashed, hung or ran out of memory",
    "a notebook that could not be read",
    "not recognised: read the code",
)
CAUSES = (
    RECOGNISED,
    SAME_FUNCTION,
    NOT_WRITTEN,
    RELIED_ON,
    ARGUMENT_CHANGED,
    SHAPE,
    RAISED,
    NUMERICS,
    CRASHED,
    NOT_READ,
    UNRECOGNISED,
)
"""What a lost point is put down to, in the order the report lists them; the last explains nothing."""
WRONG_SHAPE = re.compile(r"has shape \([^)]*\), expected \(|came back with shape ")
"""How a case's message says an output had the wrong shape."""
RAISED_ERROR = re.compile(r"\w+(\(\.\.\., [^)]*\))? raised \w+")
"""How a case's message begins when the student's function raised an exception."""
SANDBOX_WORDS = ("did not return within", "ended the process", "memory", "is not defined: its answer cell raised")
"""Words of the messages of calls the sandbox could not answer."""


@dataclass(frozen=True)
class CaseStatistics:
    """How the class did on one case of one test.

    Attributes:
        test: the test's name, e.g. ``"rnn_backward (hidden)"``.
        case: what the case promises.
        max_points: what it is worth.
        passed: how many students earned it; failed: how many did not.
        explained: how many of the failures a check recognised as a known mistake.
        discrimination: the correlation between earning the case and the rest of the student's
            autograded score (point-biserial, the case's own points left out); near 0 a case
            tells strong students from weak ones no better than chance, below 0 it favours the
            weak (look at it). None when every student passed or every one failed.
    """

    test: str
    case: str
    max_points: float
    passed: int
    failed: int
    explained: int
    discrimination: float | None = None

    @property
    def pass_rate(self) -> float:
        """The fraction of the students who earned the case (1 when nobody ran it)."""
        total = self.passed + self.failed
        return self.passed / total if total else 1.0


@dataclass(frozen=True)
class MistakeStatistics:
    """One recognised mistake across the class.

    Attributes:
        function: the student function it was made in.
        id: the mistake's id; label: its id as words.
        text: the hint students read (the most frequent wording, when it varies with the inputs).
        students: who made it, sorted.
        points_lost: points of the cases failed with it, summed over the students.
        hidden: True when it was seen only in hidden tests.
    """

    function: str
    id: str
    label: str
    text: str
    students: tuple[str, ...]
    points_lost: float
    hidden: bool

    @property
    def count(self) -> int:
        """How many students made it."""
        return len(self.students)


@dataclass(frozen=True)
class ClassStatistics:
    """The numbers of one assignment over a class.

    Attributes:
        assignment: the assignment id.
        students: each student's id, in the order of ``scores``.
        scores: each student's autograded points; autograded_max: what they could earn.
        pending_max: the points of written answers awaiting a person, per student.
        functions: each function's points per student (public and hidden tests together), and
            its maximum, in notebook order.
        cases: every case of every test, in notebook order.
        mistakes: the recognised mistakes, most points lost to the class first.
        notes: each distinct note on a result, with the students it was given to.
        left_out: results left out because a later result of the same student was given.
        causes: the points the class lost to each cause (:data:`CAUSES`), and who lost them.
        inherited: per function, the students one of whose cases failed only because of another
            function (``(function, callee) -> students``); it cost nothing.
        argument_changes: per function, the students whose function changed an argument in place.
        not_written: per function, the students who had not written it.
        submitted: each student's submission time (ISO 8601, None when unknown), in the order of ``students``.
    """

    assignment: str
    students: tuple[str, ...]
    scores: tuple[float, ...]
    autograded_max: float
    pending_max: float
    functions: dict[str, tuple[tuple[float, ...], float]]
    cases: tuple[CaseStatistics, ...]
    mistakes: tuple[MistakeStatistics, ...]
    notes: dict[str, tuple[str, ...]]
    left_out: tuple[str, ...] = ()
    causes: dict[str, tuple[float, tuple[str, ...]]] = field(default_factory=dict)
    inherited: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    argument_changes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_written: dict[str, tuple[str, ...]] = field(default_factory=dict)
    submitted: tuple[str | None, ...] = ()

    @property
    def points_lost(self) -> float:
        """Autograded points the class lost, all causes together."""
        return round(sum(points for points, _ in self.causes.values()), 6)

    @property
    def explained_share(self) -> float:
        """The share of the lost points put down to a known cause (1 when nothing was lost)."""
        lost = self.points_lost
        unexplained = self.causes.get(UNRECOGNISED, (0.0, ()))[0]
        return (lost - unexplained) / lost if lost else 1.0

    @property
    def size(self) -> int:
        """How many students the statistics are over."""
        return len(self.students)

    @property
    def full_marks(self) -> int:
        """How many students earned every autograded point."""
        return sum(score >= self.autograded_max - 1e-9 for score in self.scores)

    @property
    def zeros(self) -> int:
        """How many students earned no autograded point."""
        return sum(score <= 0 for score in self.scores)


def latest_per_student(results: list[SubmissionResult]) -> tuple[list[SubmissionResult], list[str]]:
    """One result per student: the latest submitted (the last given when times are unknown).

    Returns:
        The results kept, in the order given, and the submissions left out.
    """
    kept: dict[str, int] = {}
    for index, result in enumerate(results):
        previous = kept.get(result.student_id)
        if previous is None or (results[previous].submitted_at or "") <= (result.submitted_at or ""):
            kept[result.student_id] = index
    chosen = sorted(kept.values())
    left_out = [r.submission for i, r in enumerate(results) if i not in set(chosen)]
    return [results[i] for i in chosen], left_out


def class_statistics(results: list[SubmissionResult]) -> ClassStatistics:
    """The statistics of a class from its results (one assignment; the latest result per student).

    Raises:
        ValueError: when there are no results, or results of several assignments.
    """
    if not results:
        raise ValueError("no results to report on")
    assignments = sorted({result.assignment for result in results})
    if len(assignments) > 1:
        raise ValueError(f"results of several assignments ({', '.join(assignments)}): report on one at a time")
    results, left_out = latest_per_student(results)
    reference = max(results, key=lambda r: len(r.tests))  # an unreadable notebook may have fewer tests
    autograded = [t for t in reference.tests if t.status not in WRITTEN]
    return ClassStatistics(
        assignment=assignments[0],
        students=tuple(r.student_id for r in results),
        scores=tuple(r.autograded_score for r in results),
        autograded_max=round(sum(t.max_score for t in autograded), 6),
        pending_max=round(sum(t.max_score for t in reference.tests if t.status in WRITTEN), 6),
        functions=function_points(results, [t.function for t in autograded]),
        cases=case_statistics(results),
        mistakes=mistake_statistics(results),
        notes=grouped_notes(results),
        left_out=tuple(left_out),
        causes=cause_statistics(results),
        inherited=inherited_failures(results),
        argument_changes=failing_case_students(results, PURITY_CASE),
        not_written=unwritten_functions(results),
        submitted=tuple(r.submitted_at for r in results),
    )


def unread(result: SubmissionResult) -> bool:
    """True when the result's notebook could not be read or found: nothing of it was graded."""
    return any("nothing was graded" in note.lower() for note in result.notes)


def cause_of(test: TestResult, case: CaseResult, *, unread_notebook: bool = False) -> str:
    """What the points a failed case lost are put down to (one of :data:`CAUSES`).

    A case not counted yet (it passed, but no case checking values on fresh inputs earned points)
    is put down to what failed those: the first other failed case of its test. A case that failed
    in part and whose passed part is not counted yet is put down to its own failure.
    """
    if unread_notebook:
        return NOT_READ
    message = case.message
    if message.startswith(NOT_COUNTED_YET):
        others = [c for c in test.cases if not c.passed and c is not case and not c.message.startswith(NOT_COUNTED_YET)]
        return cause_of(test, others[0]) if others else UNRECOGNISED
    if NOT_IMPLEMENTED.match(message):
        return NOT_WRITTEN
    if case.mistake is not None:
        return RECOGNISED
    if message.startswith(UNJUDGED):
        return RELIED_ON
    if case.name == PURITY_CASE:
        return ARGUMENT_CHANGED
    if case.name == SHAPE_CASE or WRONG_SHAPE.search(message):
        return SHAPE
    if any(word in message for word in SANDBOX_WORDS):
        return CRASHED
    if RAISED_ERROR.match(message):
        return RAISED
    if "overflow" in case.name or "warning" in case.name or "emitted RuntimeWarning" in message:
        return NUMERICS
    return UNRECOGNISED


def cause_statistics(results: list[SubmissionResult]) -> dict[str, tuple[float, tuple[str, ...]]]:
    """The points the class lost to each cause, and the students who lost them, in the order of :data:`CAUSES`.

    A case no cause explains, of a function whose mistake another of its cases recognised, is put
    down to that mistake: one function, one student, the cause already named.
    """
    lost: dict[str, float] = defaultdict(float)
    who: dict[str, set[str]] = defaultdict(set)
    for result in results:
        not_read = unread(result)
        named = {test.function for test in result.tests for case in test.cases if case.mistake is not None}
        for test in result.tests:
            if test.status in WRITTEN or test.score >= test.max_score:
                continue
            if not test.cases:  # a test that could not run at all
                cause = NOT_READ if not_read else CRASHED
                lost[cause] += test.max_score - test.score
                who[cause].add(result.student_id)
                continue
            for case in test.cases:
                if case.passed:
                    continue
                cause = cause_of(test, case, unread_notebook=not_read)
                if cause == UNRECOGNISED and test.function in named:
                    cause = SAME_FUNCTION
                lost[cause] += case.max_points - case.points
                who[cause].add(result.student_id)
    return {cause: (round(lost[cause], 6), tuple(sorted(who[cause]))) for cause in CAUSES if lost[cause] > 0}


def inherited_failures(results: list[SubmissionResult]) -> dict[tuple[str, str], tuple[str, ...]]:
    """``(function, callee) -> students`` whose function failed a case only because of their callee."""
    found: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        for test in result.tests:
            for case in test.cases:
                for callee in case.inherited_from:
                    found[test.function, callee].add(result.student_id)
    return {key: tuple(sorted(students)) for key, students in sorted(found.items())}


def failing_case_students(results: list[SubmissionResult], case_name: str) -> dict[str, tuple[str, ...]]:
    """Per function, the students who failed its case named ``case_name``."""
    found: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for test in result.tests:
            if any(c.name == case_name and not c.passed and not c.message.startswith(NOT_COUNTED_YET) for c in test.cases):
                found[test.function].add(result.student_id)
    return {function: tuple(sorted(students)) for function, students in found.items()}


def unwritten_functions(results: list[SubmissionResult]) -> dict[str, tuple[str, ...]]:
    """Per function, the students whose function still raised NotImplementedError in every case."""
    found: dict[str, set[str]] = defaultdict(set)
    for result in results:
        for test in result.tests:
            matches = [NOT_IMPLEMENTED.match(c.message) for c in test.cases]
            if test.cases and all(matches):
                for match in matches:
                    found[match.group(1)].add(result.student_id)
    return {function: tuple(sorted(students)) for function, students in found.items()}


def function_points(results: list[SubmissionResult], order: list[str]) -> dict[str, tuple[tuple[float, ...], float]]:
    """Each function's points per student and its maximum, public and hidden tests summed."""
    maxima: dict[str, float] = defaultdict(float)
    reference = max(results, key=lambda r: len(r.tests))
    for test in reference.tests:
        if test.status != PENDING:
            maxima[test.function] += test.max_score
    earned = {
        function: tuple(
            round(sum(t.score for t in r.tests if t.function == function and t.status != PENDING), 6)
            for r in results
        )
        for function in dict.fromkeys(order)
    }
    return {function: (earned[function], round(maxima[function], 6)) for function in earned}


def case_statistics(results: list[SubmissionResult]) -> tuple[CaseStatistics, ...]:
    """The pass count and discrimination of every case, in the order the cases are first met."""
    counts: dict[tuple[str, str], list] = {}
    earned: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for result in results:
        total = result.autograded_score
        for test in result.tests:
            for case in test.cases:
                entry = counts.setdefault((test.name, case.name), [case.max_points, 0, 0, 0])
                if case.passed:
                    entry[1] += 1
                else:
                    entry[2] += 1
                    entry[3] += case.mistake is not None
                earned[test.name, case.name].append((float(case.passed), total - case.points))
    return tuple(
        CaseStatistics(test, case, points, passed, failed, explained, discrimination(earned[test, case]))
        for (test, case), (points, passed, failed, explained) in counts.items()
    )


def discrimination(pairs: list[tuple[float, float]]) -> float | None:
    """The Pearson correlation of (passed, rest of the score) pairs; None when either side does not vary."""
    if len(pairs) < 3:
        return None
    passed, rest = zip(*pairs)
    if min(passed) == max(passed) or max(rest) - min(rest) < 1e-9:
        return None
    mean_p, mean_r = statistics.fmean(passed), statistics.fmean(rest)
    covariance = sum((p - mean_p) * (r - mean_r) for p, r in pairs)
    spread = math.sqrt(sum((p - mean_p) ** 2 for p in passed) * sum((r - mean_r) ** 2 for r in rest))
    return round(covariance / spread, 3)


def mistake_statistics(results: list[SubmissionResult]) -> tuple[MistakeStatistics, ...]:
    """The recognised mistakes, grouped by function and id, most points lost to the class first."""
    students: dict[tuple[str, str], set[str]] = defaultdict(set)
    lost: dict[tuple[str, str], float] = defaultdict(float)
    texts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    visible: dict[tuple[str, str], bool] = defaultdict(bool)
    for result in results:
        for test in result.tests:
            for case in test.cases:
                if case.mistake is None or case.passed:
                    continue
                key = (test.function, case.mistake.id)
                students[key].add(result.student_id)
                lost[key] += case.max_points - case.points
                texts[key][case.mistake.text] += 1
                visible[key] |= not test.hidden
    mistakes = [
        MistakeStatistics(
            function=function,
            id=mistake_id,
            label=mistake_id.replace("-", " "),
            text=texts[function, mistake_id].most_common(1)[0][0],
            students=tuple(sorted(students[function, mistake_id])),
            points_lost=round(lost[function, mistake_id], 6),
            hidden=not visible[function, mistake_id],
        )
        for function, mistake_id in students
    ]
    return tuple(sorted(mistakes, key=lambda m: (-m.points_lost, -m.count, m.function, m.id)))


def grouped_notes(results: list[SubmissionResult]) -> dict[str, tuple[str, ...]]:
    """Each distinct note (its first line) and the students whose result carries it, most frequent first."""
    notes: dict[str, list[str]] = defaultdict(list)
    for result in results:
        for note in dict.fromkeys(n.splitlines()[0] for n in result.notes if n.strip()):
            notes[note].append(result.student_id)
    return {note: tuple(who) for note, who in sorted(notes.items(), key=lambda item: -len(item[1]))}


def students(count: int) -> str:
    """``"1 student"``, ``"2 students"``."""
    return f"{count} student{'' if count == 1 else 's'}"


def summary_sentences(stats: ClassStatistics, *, mistakes: int = 3) -> list[str]:
    """The short written summary at the top of the report: the scores, the top mistakes, the hardest case."""
    n = stats.size
    mean = statistics.fmean(stats.scores)
    median = statistics.median(stats.scores)
    share = (lambda count: f"{100 * count / n:.0f}%") if n else (lambda count: "0%")
    sentences = [
        f"{students(n)} submitted {stats.assignment}: mean {mean:.3g} and median {median:.3g} of "
        f"{stats.autograded_max:g} autograded points; {stats.full_marks} ({share(stats.full_marks)}) "
        f"earned all of them, {stats.zeros} ({share(stats.zeros)}) none."
    ]
    if stats.causes:
        largest = max(stats.causes, key=lambda cause: stats.causes[cause][0])
        sentences.append(
            f"The class lost {stats.points_lost:g} autograded points; {100 * stats.explained_share:.0f}% of them "
            f"have a known cause, the largest being {largest} ({stats.causes[largest][0]:g} points)."
        )
    for mistake in stats.mistakes[:mistakes]:
        sentences.append(
            f"{share(mistake.count)} of the class ({students(mistake.count)}) made the mistake "
            f"\u201c{mistake.label}\u201d in {mistake.function}, costing the class {mistake.points_lost:g} points "
            f"({mistake.points_lost / mistake.count:.2g} each)."
        )
    failing = [case for case in stats.cases if case.failed]
    if failing:
        hardest = min(failing, key=lambda case: (case.pass_rate, -case.max_points))
        sentences.append(
            f"The hardest case was \u201c{hardest.case}\u201d of {hardest.test}: "
            f"{100 * hardest.pass_rate:.0f}% passed it."
        )
    if stats.pending_max:
        sentences.append(f"Written answers worth {stats.pending_max:g} points per student await a person.")
    return sentences
