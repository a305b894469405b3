"""Late work as courses run it: due dates per assignment, extensions, late days over the term, grace, caps.

Each test states a policy and a few submissions and asserts the account of each (days late, late
days spent and left, the penalty) and the exported grade, worked out by hand in its docstring.
"""

import csv
import io

import pytest

from autograder.reports.late_ledger import NO_DUE, NO_TIME, late_records
from autograder.reports.late_policy import read_policy
from autograder.reports.lms_export import export_grades, grades
from autograder.results import FAILED, PASSED, PENDING, SubmissionResult
from autograder.results import TestResult as GradedTest  # a name pytest does not collect

TERM = """
penalty_per_day = 10
cap = 30
grace_minutes = 15
late_days = 2

[due]
rnn = 2026-03-02T23:59:00+00:00
lstm = 2026-03-16T23:59:00+00:00

[extensions]
ada = { rnn = 3 }
ben = { all = 1 }
cy = { lstm = 2026-03-20T23:59:00+00:00 }
"""


def result(student: str, assignment: str, submitted_at: str | None, score: float = 30.0) -> SubmissionResult:
    """A result worth 40 autograded points (``score`` earned) and a 12-point written answer pending."""
    return SubmissionResult(
        f"submitted/{student}/{assignment}/{assignment}.ipynb",
        assignment,
        (
            GradedTest("f", "f", score, 40.0, PASSED if score == 40 else FAILED, cell="test_f"),
            GradedTest("written_q", "written_q", 0.0, 12.0, PENDING, cell="written_q"),
        ),
        student=student,
        submitted_at=submitted_at,
    )


@pytest.fixture()
def policy(tmp_path):
    path = tmp_path / "term.toml"
    path.write_text(TERM)
    return read_policy(path)


def test_late_days_are_spent_first_in_due_order_and_the_rest_costs_the_penalty(policy):
    """dee: rnn 1 day late (spends 1 of 2), lstm 3 days late (spends the last 1, 2 days cost 20%)."""
    records = late_records(
        [
            result("dee", "lstm", "2026-03-19T20:00:00+00:00"),
            result("dee", "rnn", "2026-03-03T10:00:00+00:00"),
        ],
        policy,
    )
    rnn, lstm = records["dee", "rnn"], records["dee", "lstm"]
    assert (rnn.days_late, rnn.late_days_spent, rnn.late_days_left, rnn.penalty) == (1, 1, 1, 0)
    assert (lstm.days_late, lstm.late_days_spent, lstm.late_days_left, lstm.penalty) == (3, 1, 0, 20)


def test_the_grace_period_is_on_time_and_a_minute_more_is_a_whole_day(policy):
    """eve: 14 minutes after the due date is on time; 16 minutes after is a day late (one late day spent)."""
    on_time = late_records([result("eve", "rnn", "2026-03-03T00:13:00+00:00")], policy)["eve", "rnn"]
    late = late_records([result("eve", "rnn", "2026-03-03T00:15:00+00:00")], policy)["eve", "rnn"]
    assert (on_time.days_late, on_time.late_days_spent) == (0, 0)
    assert (late.days_late, late.late_days_spent, late.penalty) == (1, 1, 0)


def test_an_extension_in_days_moves_the_due_date_of_its_assignment_only(policy):
    """ada (rnn +3 days): rnn 2.5 days late is on time; lstm is not extended."""
    records = late_records(
        [
            result("ada", "rnn", "2026-03-05T12:00:00+00:00"),
            result("ada", "lstm", "2026-03-17T01:00:00+00:00"),
        ],
        policy,
    )
    assert records["ada", "rnn"].days_late == 0 and records["ada", "rnn"].extension == "3 days more"
    assert records["ada", "lstm"].days_late == 1 and records["ada", "lstm"].extension == ""


def test_an_extension_for_all_and_one_to_a_new_due_date(policy):
    """ben (+1 day for all) and cy (lstm due 2026-03-20): on time at 1 and at 4 days past the class's due date."""
    records = late_records(
        [
            result("ben", "lstm", "2026-03-17T20:00:00+00:00"),
            result("cy", "lstm", "2026-03-20T20:00:00+00:00"),
        ],
        policy,
    )
    assert records["ben", "lstm"].days_late == 0 and records["ben", "lstm"].extension == "1 day more"
    assert (
        records["cy", "lstm"].days_late == 0 and records["cy", "lstm"].extension == "due 2026-03-20 23:59 UTC"
    )


def test_the_cap_bounds_the_penalty(policy):
    """fay: rnn 7 days late, 2 late days spent, 5 days cost 50%, capped at 30%: 30 points become 21."""
    (grade,) = grades([result("fay", "rnn", "2026-03-09T20:00:00+00:00")], policy=policy)
    assert (grade.days_late, grade.late.late_days_spent, grade.penalty, grade.score) == (7, 2, 30, 21.0)


def test_no_time_spends_no_late_day_and_says_so(policy):
    """gus: rnn without a submission time gets no penalty and keeps both late days for lstm (1 day late, spends 1)."""
    records = late_records(
        [result("gus", "rnn", None), result("gus", "lstm", "2026-03-17T10:00:00+00:00")], policy
    )
    assert records["gus", "rnn"].note == NO_TIME and records["gus", "rnn"].late_days_left == 2
    assert (records["gus", "lstm"].late_days_spent, records["gus", "lstm"].late_days_left) == (1, 1)


def test_an_assignment_the_policy_does_not_name_gets_no_penalty_and_says_so(policy):
    """A charlm result under a policy naming rnn and lstm only: no due date, no penalty, a note."""
    (record,) = late_records([result("hal", "charlm", "2026-05-01T00:00:00+00:00")], policy).values()
    assert record.note == NO_DUE and record.penalty == 0


def test_the_term_export_has_a_column_per_assignment_in_due_order_and_traces_every_step(policy):
    """Canvas gets rnn then lstm; the CSV carries due date, extension, late days and penalty for each grade."""
    results = [
        result("dee", "lstm", "2026-03-19T20:00:00+00:00", 40.0),
        result("dee", "rnn", "2026-03-03T10:00:00+00:00", 30.0),
        result("ada", "rnn", "2026-03-05T12:00:00+00:00", 35.0),
    ]
    canvas = list(csv.reader(io.StringIO(export_grades(results, to="canvas", policy=policy).text)))
    assert canvas[0][-2:] == ["rnn", "lstm"] and canvas[1][-2:] == ["40", "40"]
    assert canvas[2][-2:] == ["30", "32"]  # dee: rnn on late days; lstm 40 less 20%
    assert canvas[3][-2:] == ["35", ""]  # ada: no lstm result, nothing exported for it
    rows = {
        (r["student"], r["assignment"]): r
        for r in csv.DictReader(io.StringIO(export_grades(results, to="csv", policy=policy).text))
    }
    lstm = rows["dee", "lstm"]
    assert (lstm["due"], lstm["days_late"], lstm["late_days_spent"], lstm["late_days_left"]) == (
        "2026-03-16T23:59:00+00:00",
        "3",
        "1",
        "0",
    )
    assert (lstm["penalty_percent"], lstm["score"]) == ("20", "32")
    assert rows["ada", "rnn"]["extension"] == "3 days more"


def test_moodle_gets_a_grade_and_a_feedback_column_per_assignment_naming_late_days(policy):
    """Does each feedback cell say what the late days and the penalty were?"""
    results = [
        result("dee", "rnn", "2026-03-03T10:00:00+00:00"),
        result("dee", "lstm", "2026-03-19T20:00:00+00:00"),
    ]
    rows = list(csv.reader(io.StringIO(export_grades(results, to="moodle", policy=policy).text)))
    assert rows[0] == ["Username", "rnn", "Feedback rnn", "lstm", "Feedback lstm"]
    assert rows[1][2] == "Autograded 30 / 40; 1 late day spent (1 left)"
    assert rows[1][4] == "Autograded 30 / 40; 1 late day spent (0 left); 2 days late: -20%"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        (
            "due = 2026-03-02T00:00:00Z\npenalty_per_day = 1\nlate_days = 1.5\n",
            "late_days must be a whole number",
        ),
        ("due = 2026-03-02T00:00:00Z\npenalty_per_day = 1\n[extensions]\nada = 2\n", "must name assignments"),
        (
            "penalty_per_day = 1\n[due]\nrnn = 2026-03-02T00:00:00Z\n[extensions]\nada = { lstm = 1 }\n",
            "no such assignment",
        ),
        (
            "due = 2026-03-02T00:00:00Z\npenalty_per_day = 1\n[extensions]\nada = { rnn = -1 }\n",
            "whole number of days",
        ),
        ("penalty_per_day = 1\n[due]\n", "names no assignment"),
        ("due = 2026-03-02T00:00:00Z\npenalty_per_day = inf\n", "non-negative number"),
    ],
)
def test_a_bad_term_policy_says_what_is_wrong_in_one_line(tmp_path, text, says):
    """Is each mistake in a term policy named in one line, with the file?"""
    path = tmp_path / "term.toml"
    path.write_text(text)
    with pytest.raises(ValueError, match=says) as raised:
        read_policy(path)
    assert "\n" not in str(raised.value) and str(path) in str(raised.value)
