"""Submission times come only from sources the student cannot write, and late penalties from nothing else.

A student who hands in 1.5 days late (2 days' penalty) writes a ``timestamp.txt`` into the upload,
backdates the notebook's modification time and the commit: none of it may make the submission on
time. The times the platform records (Gradescope's submission metadata, the push time of the
Actions event), nbgrader's ``timestamp.txt`` in its own layout, and times the instructor gives
(``export --times``) are used; without one the late policy is not applied and the export says so.
"""

import csv
import dataclasses
import io
import json
import os
import subprocess
from datetime import datetime, timezone

import pytest
from support.hostile_trees import GRADERS, grade, notebook_text

from autograder.builds.package_source import render
from autograder.cli import main
from autograder.formats.json_results import results_json, submission_result
from autograder.grading.one_submission import ungraded
from autograder.grading.submission_identity import submitted_at
from autograder.reports.late_ledger import NO_TIME
from autograder.reports.late_policy import read_policy
from autograder.reports.lms_export import export_text, grades

DUE = "2026-03-02T00:00:00+00:00"
LATE = "2026-03-03T12:00:00+00:00"
"""1.5 days after the deadline: two days' penalty."""
FORGED = "2026-03-01 09:00:00 UTC"
"""What the student claims: the day before the deadline."""
BACKDATED = datetime(2026, 3, 1, 9, tzinfo=timezone.utc).timestamp()


@pytest.fixture()
def policy(tmp_path):
    (tmp_path / "late.toml").write_text(f'due = "{DUE}"\npenalty_per_day = 10\n')
    return read_policy(tmp_path / "late.toml")


def forged_folder(folder):
    """A folder holding the notebook, a forged timestamp.txt and modification times from before the deadline."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "rnn.ipynb").write_text(notebook_text())
    (folder / "timestamp.txt").write_text(FORGED)
    for path in (folder / "rnn.ipynb", folder / "timestamp.txt", folder):
        os.utime(path, (BACKDATED, BACKDATED))
    return folder


@pytest.mark.parametrize("grader", list(GRADERS))
def test_a_gradescope_upload_is_late_by_gradescopes_clock(tmp_path, grader, policy):
    """Is a Gradescope upload with a forged timestamp.txt and old file times 2 days late by submission_metadata.json?"""
    root = tmp_path / "autograder"
    forged_folder(root / "submission")
    (root / "submission_metadata.json").write_text(
        json.dumps({"created_at": "2026-03-03T12:00:00.365935+00:00", "users": []})
    )
    output = tmp_path / "result.json"
    done = grade(
        GRADERS[grader],
        [
            "grade",
            str(root / "submission"),
            "--assignment",
            "rnn",
            "--format",
            "json",
            "--output",
            str(output),
            "--submitted-at",
            f"gradescope:{root / 'submission_metadata.json'}",
        ],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(output.read_text())
    assert document["submitted_at"] == LATE and document["score"] == 40
    (late,) = grades([submission_result(document)], policy=policy)
    assert (late.days_late, late.penalty, late.score) == (2, 20.0, 32.0)


def test_run_autograder_names_gradescopes_metadata():
    """Does the zip's run_autograder take the submission time from Gradescope's metadata, beside the upload?"""
    assert '--submitted-at "gradescope:$ROOT/submission_metadata.json"' in render(
        "run_autograder", assignment="rnn"
    )


def test_a_batch_of_folders_trusts_no_file_in_them(tmp_path, policy):
    """Beside an honest student, is a folder's own timestamp.txt and file time ignored, the export saying no time is known?"""
    forged = forged_folder(tmp_path / "class" / "forger")
    honest = tmp_path / "class" / "honest"
    honest.mkdir()
    (honest / "rnn.ipynb").write_text(notebook_text())
    assert submitted_at(forged) is None and submitted_at(forged / "rnn.ipynb") is None
    results = [ungraded(str(forged), "rnn", "x"), ungraded(str(honest), "rnn", "x")]
    results = [dataclasses.replace(r, submitted_at=submitted_at(r.submission)) for r in results]
    exported = grades(results, policy=policy)
    assert [g.note for g in exported] == [NO_TIME, NO_TIME]


def test_nbgraders_timestamp_counts_only_in_its_layout_and_only_as_a_file(tmp_path):
    """Is timestamp.txt read in submitted/<student>/<assignment>/ only, never through a link, from a FIFO or when huge?"""
    course = tmp_path / "course" / "submitted"
    on_time = course / "honest" / "rnn"
    on_time.mkdir(parents=True)
    (on_time / "timestamp.txt").write_text("2026-03-01 23:00:00.123456 UTC")
    assert submitted_at(on_time) == "2026-03-01T23:00:00+00:00"
    for student, make in {
        "linked": lambda p: p.symlink_to(on_time / "timestamp.txt"),
        "fifo": lambda p: os.mkfifo(p),
        "huge": lambda p: p.write_text(FORGED + " " * 10_000),
    }.items():
        folder = course / student / "rnn"
        folder.mkdir(parents=True)
        make(folder / "timestamp.txt")
        assert submitted_at(folder) is None, student
    nested = forged_folder(course / "nested" / "rnn" / "inner")
    assert submitted_at(nested) is None  # in the layout, only the folder's own timestamp.txt


def test_a_backdated_commit_is_late_by_the_push(tmp_path, monkeypatch):
    """In an Actions run, is the time the push event's, never the backdated commit's, in the JSON and in Classroom 50's result?"""
    checkout = forged_folder(tmp_path / "checkout")
    backdated = {"GIT_COMMITTER_DATE": FORGED, "GIT_AUTHOR_DATE": FORGED, "HOME": str(tmp_path)}
    for command in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "-c", "user.name=a", "-c", "user.email=a@b", "commit", "-qm", "x"],
    ):
        subprocess.run(command, cwd=checkout, env={**os.environ, **backdated}, check=True)
    event = tmp_path / "event.json"
    pushed = int(datetime.fromisoformat(LATE).timestamp())
    event.write_text(
        json.dumps(
            {"repository": {"pushed_at": pushed}, "head_commit": {"timestamp": "2026-03-01T09:00:00Z"}}
        )
    )
    assert submitted_at(checkout / "rnn.ipynb", "ci-event", environ={"GITHUB_EVENT_PATH": str(event)}) == LATE
    assert submitted_at(checkout / "rnn.ipynb", "ci-event", environ={}) is None
    runner = {
        "CLASSROOM": "c",
        "ASSIGNMENT": "rnn",
        "ASSIGNMENT_TYPE": "individual",
        "OWNER": "o",
        "SUBMISSION_TAG": "submit/1",
        "COMMIT_URL": "u",
        "RELEASE_URL": "r",
        "GITHUB_EVENT_PATH": str(event),
    }
    for name, value in runner.items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(checkout)
    output = tmp_path / "result.json"
    args = [
        "grade",
        "rnn.ipynb",
        "--assignment",
        "rnn",
        "--format",
        "classroom50",
        "--output",
        str(output),
        "--submitted-at",
        "ci-event",
    ]
    assert main(args) == 0
    assert json.loads(output.read_text())["datetime"] == "2026-03-03T12:00:00Z"


def test_the_instructors_times_replace_the_results(tmp_path, policy, capsys):
    """Does `export --times` take each student's time from the instructor's CSV, and refuse a time it cannot read?"""
    results = [ungraded(f"submitted/{s}/rnn", "rnn", "x") for s in ("ada", "ben", "cy")]
    results[0] = dataclasses.replace(results[0], submitted_at="2026-01-01T00:00:00+00:00")
    times = tmp_path / "times.csv"
    times.write_text(f"student,handed in\nada,{LATE}\nben,2026-03-01T10:00:00Z\n")
    path = tmp_path / "results.json"
    path.write_text(results_json(results))
    (tmp_path / "late.toml").write_text(f'due = "{DUE}"\npenalty_per_day = 10\n')
    args = [
        "export",
        str(path),
        "--to",
        "csv",
        "--late-policy",
        str(tmp_path / "late.toml"),
        "--times",
        str(times),
        "--time-column",
        "handed in",
    ]
    assert main(args) == 0
    rows = {row["student"]: row for row in csv.DictReader(io.StringIO(capsys.readouterr().out))}
    assert (rows["ada"]["submitted_at"], rows["ada"]["days_late"]) == (LATE, "2") and rows["ben"]["days_late"] == "0"
    assert rows["cy"]["note"] == NO_TIME
    times.write_text("student,submitted_at\nada,yesterday-ish\n")
    assert main(["export", str(path), "--to", "csv", "--times", str(times)]) == 2
    assert "line 2: 'yesterday-ish' is not an ISO 8601 time" in capsys.readouterr().err
    assert export_text(results, to="csv", times={})[0].count(NO_TIME) == 0  # no policy, no note
