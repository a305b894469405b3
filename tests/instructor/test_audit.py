"""autograder audit of a course with nothing to audit, or without the assignment.

The audit of a course nbgrader graded, where it finds the submission nbgrader was fooled into
scoring, is tested with that course, in ``test_nbgrader_pipeline.py``.
"""

import json

from autograder.cli import main
from autograder.instructor.audit import audit, audit_text
from autograder.instructor.nbgrader_pipeline import make_course


def test_course_without_submissions_agrees(tmp_path, capsys):
    """Does a course with nothing autograded (no gradebook) give an empty audit, exit 0, and create no gradebook?"""
    course = make_course(tmp_path / "course")
    assert main(["audit", str(course), "rnn", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["audited"], report["differences"], report["unaudited"], report["agrees"]) == (
        [],
        [],
        [],
        True,
    )
    assert audit_text(audit(course, "rnn")) == f"audit of rnn in {course}: no submitted notebooks to regrade"
    assert not (course / "gradebook.db").exists()


def test_unknown_assignment_is_bad_usage(tmp_path, capsys):
    """Does auditing an assignment the course has no solutions of exit 2 with a message naming it?"""
    course = make_course(tmp_path / "course")
    assert main(["audit", str(course), "transformers"]) == 2
    assert "holds no solutions of 'transformers'" in capsys.readouterr().err
