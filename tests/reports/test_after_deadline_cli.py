"""`autograder report`, `feedback` and `export`: results in, files out; bad input is one line, status 2."""

import csv
import io
import json

import pytest

from autograder.cli import main
from autograder.formats.json_results import results_json
from autograder.reports.late_policy import read_policy
from autograder.reports.lms_export import export_text, grades
from autograder.results import SubmissionResult, TestResult

DUE = "due = 2026-03-02T00:00:00+00:00\npenalty_per_day = 10\ncap = 25\n"


@pytest.fixture()
def results_file(graded_results, tmp_path):
    path = tmp_path / "results.json"
    path.write_text(results_json(graded_results))
    return path


def run(capsys, *arguments):
    status = main([str(a) for a in arguments])
    out, err = capsys.readouterr()
    return status, out, err


def test_report_writes_one_page(results_file, tmp_path, capsys):
    """Does `autograder report` read the JSON results back (cases and mistakes included) and write the page?"""
    status, out, _ = run(capsys, "report", results_file, "--output", tmp_path / "report.html")
    html = (tmp_path / "report.html").read_text()
    assert status == 0 and "9 results" in out
    assert "weights not accumulated" in html and "44% of the class (4 students)" in html


def test_feedback_writes_a_page_per_student(results_file, tmp_path, capsys):
    """Does `autograder feedback --format markdown` write one .md per student?"""
    status, _, _ = run(
        capsys, "feedback", results_file, "--output-dir", tmp_path / "fb", "--format", "markdown"
    )
    assert status == 0
    assert sorted(p.name for p in (tmp_path / "fb").iterdir())[:2] == ["ada.md", "ben.md"]


@pytest.mark.parametrize("command", ["report", "feedback", "export"])
def test_unreadable_results_are_one_line_and_status_2(command, tmp_path, capsys):
    """Is a file that is not our JSON refused with one line naming the file, and no traceback?"""
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    extra = {
        "report": ["--output", tmp_path / "r.html"],
        "feedback": ["--output-dir", tmp_path / "f"],
        "export": ["--to", "csv"],
    }
    status, _, err = run(capsys, command, bad, *extra[command])
    assert status == 2 and err.count("\n") == 1 and str(bad) in err and "Traceback" not in err


class TestLatePolicy:
    def test_days_late_count_any_part_of_a_day_and_the_cap_holds(self, tmp_path):
        """Is 1 minute late one day (10%), 2.5 days three days (30%, capped at 25%), on time none?"""
        path = tmp_path / "late.toml"
        path.write_text(DUE)
        policy = read_policy(path)
        assert policy.days_late("2026-03-01T23:59:59+00:00") == 0
        assert policy.days_late("2026-03-02T00:01:00+00:00") == 1
        assert policy.days_late("2026-03-04T12:00:00+00:00") == 3
        assert policy.penalty(1) == 10 and policy.penalty(3) == 25

    @pytest.mark.parametrize(
        ("text", "says"),
        [
            ("due = 1\npenalty_per_day = 1", "due must be"),
            ("penalty_per_day = 1", "needs due"),
            (DUE + "cap = 200\n", "not TOML"),
            (DUE.replace("cap = 25", "cap = 200"), "at most 100"),
            (DUE + "oops = 1\n", "unknown keys oops"),
        ],
    )
    def test_a_bad_policy_says_what_is_wrong(self, tmp_path, text, says):
        """Is each mistake in the policy file named in one line?"""
        path = tmp_path / "late.toml"
        path.write_text(text)
        with pytest.raises(ValueError, match=says):
            read_policy(path)


class TestExport:
    def policy(self, tmp_path):
        (tmp_path / "late.toml").write_text(DUE)
        return read_policy(tmp_path / "late.toml")

    def test_every_exported_number_is_the_results_score_less_its_penalty(self, graded_results, tmp_path):
        """Is each grade the autograded score times (1 - penalty), with the days late from submitted_at?"""
        exported = grades(graded_results, policy=self.policy(tmp_path))
        for grade, result in zip(exported, graded_results):
            assert grade.autograded == result.score and grade.maximum == 12.5
            assert grade.score == pytest.approx(result.score * (1 - grade.penalty / 100))
        assert [g.days_late for g in exported[:4]] == [0, 1, 2, 3]
        assert [g.penalty for g in exported[:4]] == [0, 10, 20, 25]
        assert exported[-1].note == "submission time unknown: no late penalty applied"

    def test_the_csv_traces_each_grade_to_its_submission(self, graded_results, tmp_path):
        """Does the plain CSV carry submission, time, days late, penalty and both scores?"""
        text, _ = export_text(graded_results, to="csv", policy=self.policy(tmp_path))
        rows = list(csv.DictReader(io.StringIO(text)))
        assert rows[1]["submission"] == "submitted/ben/rnn/rnn.ipynb"
        assert (
            rows[1]["autograded_score"],
            rows[1]["days_late"],
            rows[1]["penalty_percent"],
            rows[1]["score"],
        ) == ("11.14", "1", "10", "10.026")

    def test_canvas_has_its_identity_columns_points_possible_and_one_grade_column(self, graded_results):
        """Does the Canvas CSV start with Student, ID, SIS User ID, SIS Login ID, Section, then the assignment?"""
        text, missing = export_text(graded_results, to="canvas")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "rnn"]
        assert rows[1][0].strip() == "Points Possible" and rows[1][5] == "12.5"
        assert rows[3] == ["ben", "", "", "ben", "", "11.14"] and missing == []

    def test_a_roster_matches_students_and_lists_those_it_lacks(self, graded_results, tmp_path):
        """With Canvas's own export as roster, do rows carry Canvas's ids, and is a student it lacks named?"""
        roster = tmp_path / "canvas.csv"
        roster.write_text(
            "Student,ID,SIS User ID,SIS Login ID,Section,rnn (4711)\n"
            "    Points Possible,,,,,13\n"
            + "".join(
                f"{s.title()},{100 + i},S{i},{s},A,\n"
                for i, s in enumerate(["ada", "ben", "cy", "dee", "eve", "fay", "gus", "hal"])
            )
        )
        text, missing = export_text(graded_results, to="canvas", roster=roster, column="rnn (4711)")
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0][-1] == "rnn (4711)" and rows[3] == ["Ben", "101", "S1", "ben", "A", "11.14"]
        assert missing == ["ivy"] and len(rows) == 2 + 8

    def test_moodle_has_an_identity_column_the_grade_and_feedback(self, graded_results, tmp_path):
        """Does the Moodle CSV hold Username, the grade item column and a feedback line naming the penalty?"""
        text, _ = export_text(graded_results, to="moodle", policy=self.policy(tmp_path))
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["Username", "rnn", "Feedback"]
        assert rows[2] == ["ben", "10.026", "Autograded 11.14 / 12.5; 1 day late: -10%"]

    def test_two_results_of_one_student_are_refused(self, graded_results):
        """Is a student with two results refused, naming both submissions?"""
        again = SubmissionResult(
            "again/ben.ipynb", "rnn", (TestResult("f", "f", 1.0, 1.0, "passed"),), student="ben"
        )
        with pytest.raises(ValueError, match="student ben has two results"):
            grades([*graded_results, again])

    def test_the_command_writes_the_file_and_names_students_missing_from_the_roster(
        self, results_file, tmp_path, capsys
    ):
        """Does `autograder export --to moodle --roster` write the file and list on stderr who is not in the roster?"""
        roster = tmp_path / "moodle.csv"
        roster.write_text("First name,Last name,Username,Email address\nAda,L,ada,ada@example.org\n")
        out = tmp_path / "moodle-import.csv"
        status, _, err = run(
            capsys, "export", results_file, "--to", "moodle", "--roster", roster, "--output", out
        )
        assert status == 1  # the roster and the results disagree: the instructor must look first
        assert "  ben  has a result, not in the roster: not exported" in err
        assert "  cy   has a result, not in the roster: not exported" in err
        assert out.read_text().splitlines() == [
            "First name,Last name,Username,Email address,rnn,Feedback",
            "Ada,L,ada,ada@example.org,12.5,Autograded 12.5 / 12.5",
        ]


def test_audit_json_leaves_the_regraded_results_out(tmp_path):
    """Does the audit's JSON keep its fields but not the regraded results (those go to --results)?"""
    from autograder.instructor.audit import AuditResult, audit_json

    result = AuditResult(tmp_path, "rnn", ("ada",), (), (), (SubmissionResult("x", "rnn", ()),))
    document = json.loads(audit_json(result))
    assert "results" not in document and document["audited"] == ["ada"] and document["agrees"]
