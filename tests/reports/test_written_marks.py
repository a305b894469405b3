"""Written marks, from nbgrader's gradebook or a CSV, meet the autograded results in every export and page."""

import csv
import io
import sqlite3

import pytest
from support.nbgrader_gradebooks import alembic_on_path, nbgrader_gradebook

from autograder.reports.feedback import feedback_page, page_text
from autograder.reports.lms_export import export_grades
from autograder.reports.written_marks import Mark, read_marks, with_marks
from autograder.results import FAILED, MARKED, PENDING, SubmissionResult
from autograder.results import TestResult as GradedTest  # a name pytest does not collect


def result(student: str) -> SubmissionResult:
    """rnn with 30 of 40 autograded points and two written answers (3 and 2 points) awaiting a person."""
    return SubmissionResult(
        f"submitted/{student}/rnn/rnn.ipynb",
        "rnn",
        (
            GradedTest("rnn_backward", "rnn_backward", 30.0, 40.0, FAILED, cell="test_rnn_backward"),
            GradedTest("written_vanishing", "written_vanishing", 0.0, 3.0, PENDING, cell="written_vanishing"),
            GradedTest("written_clipping", "written_clipping", 0.0, 2.0, PENDING, cell="written_clipping"),
        ),
        student=student,
    )


@pytest.fixture
def on_path(monkeypatch):
    """nbgrader runs ``alembic`` (installed beside this interpreter) when it creates a gradebook."""
    monkeypatch.setenv("PATH", alembic_on_path())


def test_formgraders_marks_and_comments_are_read_from_nbgraders_gradebook(tmp_path, on_path):
    """Are the manual scores and comments formgrader saved read back, an ungraded answer left out?"""
    path = nbgrader_gradebook(
        tmp_path / "gradebook.db",
        {"written_vanishing": 3.0, "written_clipping": 2.0},
        {
            ("ada", "written_vanishing"): (2.5, "Right bound; the saturation argument is missing."),
            ("ada", "written_clipping"): (2.0, ""),
            ("ben", "written_vanishing"): (None, ""),
        },
    )
    marks = sorted(read_marks(path), key=lambda m: (m.student, m.question))
    assert marks == [
        Mark("ada", "rnn", "written_clipping", 2.0, ""),
        Mark("ada", "rnn", "written_vanishing", 2.5, "Right bound; the saturation argument is missing."),
    ]


def test_a_csv_of_marks_is_read_and_bad_rows_are_named_by_line(tmp_path):
    """Does a CSV give its marks, and a points cell that is not a number name its line?"""
    good = tmp_path / "marks.csv"
    good.write_text("student,assignment,question,points,comment\nada,rnn,written_clipping,1.5,Half right.\n")
    assert read_marks(good) == [Mark("ada", "rnn", "written_clipping", 1.5, "Half right.")]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "student,assignment,question,points\nada,rnn,written_clipping,1.5\nben,rnn,written_clipping,lots\n"
    )
    with pytest.raises(ValueError, match="line 3: points 'lots' is not a number"):
        read_marks(bad)
    with pytest.raises(ValueError, match="no column points"):
        (tmp_path / "cols.csv").write_text("student,assignment,question\n")
        read_marks(tmp_path / "cols.csv")


def test_marks_are_merged_and_every_problem_is_listed():
    """Is a mark merged as 'marked', and are a too-high mark, an unknown question, a stranger and a missing mark listed?"""
    marks = [
        Mark("ada", "rnn", "written_vanishing", 2.5, "Good."),
        Mark("ada", "rnn", "written_clipping", 7.0),
        Mark("ada", "rnn", "written_relu", 1.0),
        Mark("zed", "rnn", "written_vanishing", 1.0),
    ]
    (merged,), problems = with_marks([result("ada")], marks)
    vanishing = next(t for t in merged.tests if t.name == "written_vanishing")
    assert (vanishing.status, vanishing.score, vanishing.output) == (MARKED, 2.5, "Good.")
    assert {(p.student, p.question, p.problem) for p in problems} == {
        ("ada", "written_clipping", "7 points given, the answer is worth 2"),
        ("ada", "written_relu", "rnn has no written answer 'written_relu'"),
        ("zed", "written_vanishing", "no result of this student for this assignment"),
    }
    assert merged.marked_score == 2.5 and merged.pending_score == 2.0


def test_exports_count_the_written_marks_with_the_autograded_points(tmp_path):
    """Canvas: 30 autograded + 4.5 written of 45; the CSV traces both; an unmarked answer counts 0 and says so."""
    marks = [
        Mark("ada", "rnn", "written_vanishing", 2.5),
        Mark("ada", "rnn", "written_clipping", 2.0),
        Mark("ben", "rnn", "written_vanishing", 3.0),
    ]
    canvas = list(
        csv.reader(io.StringIO(export_grades([result("ada"), result("ben")], to="canvas", marks=marks).text))
    )
    assert canvas[1][-1] == "45" and canvas[2][-1] == "34.5" and canvas[3][-1] == "33"
    done = export_grades([result("ada"), result("ben")], to="csv", marks=marks)
    rows = {r["student"]: r for r in csv.DictReader(io.StringIO(done.text))}
    assert (rows["ada"]["written_score"], rows["ada"]["written_max"], rows["ada"]["score"]) == (
        "4.5",
        "5",
        "34.5",
    )
    assert "written answers not marked yet (counted 0): 2 points" in rows["ben"]["note"]
    assert [(m.student, m.question, m.problem) for m in done.marks] == [
        ("ben", "written_clipping", "no mark yet")
    ]


def test_without_marks_the_written_answers_are_left_to_the_lms():
    """Without marks, is the maximum the autograded points only, the written points named as pending?"""
    done = export_grades([result("ada")], to="csv")
    (row,) = csv.DictReader(io.StringIO(done.text))
    assert (row["score"], row["maximum"], row["pending_max"], row["written_max"]) == ("30", "40", "5", "0")


def test_the_feedback_page_shows_each_mark_and_the_graders_comment():
    """Does the student's page give the written score and each answer's mark with its comment?"""
    (merged,), _ = with_marks([result("ada")], [Mark("ada", "rnn", "written_vanishing", 2.5, "Right bound.")])
    text = page_text(feedback_page(merged), format="markdown")
    assert "- Written answers: **2.5 / 5** (some not marked yet)" in text
    assert "### written\\_vanishing (2.5 / 3)" in text and "Right bound." in text
    assert "### written\\_clipping (not marked yet)" in text


def test_a_sqlite_file_that_is_not_a_gradebook_is_refused_and_left_unchanged(tmp_path):
    """Is another SQLite file named as not nbgrader's, and never given nbgrader's tables?"""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE notes (text TEXT)")
    before = path.read_bytes()
    with pytest.raises(ValueError, match="not nbgrader's gradebook"):
        read_marks(path)
    assert path.read_bytes() == before
