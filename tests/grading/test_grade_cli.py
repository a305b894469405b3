"""`autograder grade`: one submission or a batch, every format, a gradebook, and nothing lost on bad input."""

import csv
import json
import os
import subprocess
import sys

import jsonschema
import nbformat
import pytest

from autograder.checking import reference
from autograder.cli import main
from autograder.formats import load_schema
from autograder.grading.isolated import load_assignment
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import demo_answers, with_answers


@pytest.fixture(scope="module")
def submitted(tmp_path_factory):
    """nbgrader's layout: submitted/<student>/rnn/rnn.ipynb for the three demo students."""
    root = tmp_path_factory.mktemp("grade") / "submitted"
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    for student, answers in demo_answers("rnn", source).items():
        (root / student / "rnn").mkdir(parents=True)
        nbformat.write(with_answers(release, answers), root / student / "rnn" / "rnn.ipynb")
    return root


def grade(capsys, *arguments):
    status = main(["grade", *map(str, arguments)])
    return status, capsys.readouterr().out


def test_one_notebook_in_json_follows_the_schema(submitted, capsys):
    """Is the JSON of one graded notebook one object that the documented schema accepts, with full marks for the reference?"""
    status, out = grade(capsys, submitted / "reference" / "rnn" / "rnn.ipynb", "--format", "json")
    document = json.loads(out)
    jsonschema.validate(document, load_schema("results"))
    assert status == 0
    assert (document["assignment"], document["score"], document["max_score"]) == ("rnn", 40, 52)
    assert {
        t["status"] for t in document["tests"] if t["max_score"] and not t["name"].startswith("written")
    } == {"passed"}


def test_a_directory_of_student_folders_is_a_batch_with_a_gradebook(submitted, tmp_path, capsys):
    """Does a submitted/ folder grade every student (in parallel), write one gradebook row each, and the same file when run again?"""
    gradebook = tmp_path / "grades.csv"
    status, out = grade(capsys, submitted, "--jobs", "2", "--gradebook", gradebook, "--format", "json")
    assert status == 0
    documents = json.loads(out)
    assert [d["submission"] for d in documents] == [
        str(submitted / student / "rnn" / "rnn.ipynb") for student in ("buggy", "reference", "untouched")
    ]
    assert [d["score"] for d in documents] == [36.25, 40, 0]  # see BUGGY_LOSES in test_adversarial
    # the sandboxed path carries the recognised mistakes as data, and who submitted
    assert [d["student"] for d in documents] == ["buggy", "reference", "untouched"]
    mistakes = {
        (t["function"], c["mistake"]["id"])
        for t in documents[0]["tests"]
        for c in t.get("cases", [])
        if c["mistake"]
    }
    assert mistakes == {
        ("rnn_backward", "weights-not-accumulated"),
        ("clip_by_global_norm", "each-array-clipped-by-its-own-norm"),
    }
    assert all(
        d["submitted_at"] is None for d in documents
    )  # no timestamp.txt: a file's time is no submission time
    rows = list(csv.DictReader(gradebook.open()))
    assert [(row["score"], row["max_score"], row["pending"]) for row in rows] == [
        ("36.25", "52", "12"),
        ("40", "52", "12"),
        ("0", "52", "12"),
    ]
    first = gradebook.read_bytes()
    grade(capsys, submitted, "--jobs", "2", "--gradebook", gradebook)
    assert gradebook.read_bytes() == first


def test_a_missing_path_is_a_result_not_a_crash(submitted, tmp_path, capsys):
    """Does a batch with a path that does not exist still grade the others and say what is missing?"""
    missing = tmp_path / "nobody" / "rnn.ipynb"
    status, out = grade(capsys, missing, submitted / "reference", "--format", "json", "--assignment", "rnn")
    missing_result, reference_result = json.loads(out)
    assert status == 1  # a path with nothing graded is for a person to look at
    assert missing_result["score"] == 0 and "does not exist" in " ".join(missing_result["notes"])
    assert len(missing_result["tests"]) == len(reference_result["tests"])
    assert reference_result["score"] == 40


def test_a_notebook_of_no_known_assignment_says_so(tmp_path, capsys):
    """Is a notebook whose assignment cannot be told reported with a note asking for --assignment?"""
    stray = tmp_path / "homework.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), stray)
    status, out = grade(capsys, stray, "--format", "json")
    document = json.loads(out)
    assert status == 0 and document["tests"] == [] and "--assignment" in document["notes"][0]


def test_output_goes_to_the_file_asked_for(submitted, tmp_path, capsys):
    """With --output, is the result written to that file (JUnit XML here) and nothing to stdout?"""
    out_file = tmp_path / "reports" / "junit.xml"
    status, out = grade(capsys, submitted / "buggy", "--format", "junit", "--output", out_file)
    assert status == 0 and out == ""
    assert out_file.read_text().startswith("<?xml")


def test_single_submission_formats_refuse_a_batch(submitted, capsys):
    """Do --format gradescope and github, which describe one submission, refuse several with exit status 2?"""
    assert main(["grade", str(submitted), "--format", "gradescope"]) == 2
    assert "single submission" in capsys.readouterr().err


def test_classroom50_outside_its_runner_is_one_line_and_status_2_before_any_grading(submitted, monkeypatch, capsys):
    """Outside Classroom 50's runner, does --format classroom50 name the missing variables on one line, grade nothing?"""
    for variable in ("CLASSROOM", "ASSIGNMENT", "OWNER", "USERNAME", "SUBMISSION_TAG", "COMMIT_URL", "RELEASE_URL"):
        monkeypatch.delenv(variable, raising=False)
    graded = []
    monkeypatch.setattr("autograder.grading.batch.grade_many", lambda *a, **k: graded.append(a) or [])
    status = main(["grade", str(submitted / "reference" / "rnn" / "rnn.ipynb"), "--format", "classroom50"])
    _, err = capsys.readouterr()
    assert status == 2 and graded == []
    assert err.count("\n") == 1 and err.startswith("autograder grade: Classroom 50's runner sets CLASSROOM")
    assert "Traceback" not in err


def test_help_names_every_command(capsys):
    """Does `autograder --help` name each of its commands in its first line?"""
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    description = out.split("\n\n")[1]
    for command in ("grade", "merge", "audit", "report", "feedback", "similarity", "export", "build"):
        assert command in description, description


SLOW_GROWTH_FACTOR = """
import time


def growth_factor(norms):
    time.sleep(30)
"""
"""An answer whose every call hangs (sleeping, so that waiting for it costs no CPU)."""


def test_seconds_per_call_stops_a_hanging_function_sooner(submitted, tmp_path, capsys):
    """With --seconds-per-call 1, does a hanging growth_factor lose only its own points, the message saying 1 s?"""
    source = nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4)
    answers = {**demo_answers("rnn", source)["reference"], "growth_factor": SLOW_GROWTH_FACTOR}
    release = nbformat.read(REPOSITORY / "assignments" / "rnn" / "rnn.ipynb", as_version=4)
    nbformat.write(with_answers(release, answers), tmp_path / "rnn.ipynb")
    status, out = grade(capsys, tmp_path / "rnn.ipynb", "--format", "json", "--seconds-per-call", "1")
    document = json.loads(out)
    lost = {t["function"] for t in document["tests"] if t["status"] == "failed"}
    assert status == 0 and lost == {"growth_factor"}
    growth = "".join(t["output"] for t in document["tests"] if t["function"] == "growth_factor")
    assert "did not return within 1 s" in growth


@pytest.mark.parametrize("value", ["0", "-2", "inf", "nan", "soon"])
def test_seconds_per_call_must_be_a_positive_number(submitted, value, capsys):
    """Is a --seconds-per-call that is not a positive, finite number refused with exit status 2 and a reason?"""
    with pytest.raises(SystemExit) as exit:
        main(["grade", str(submitted / "reference"), "--seconds-per-call", value])
    assert exit.value.code == 2
    assert "--seconds-per-call" in capsys.readouterr().err


def test_without_solutions_only_the_public_tests_run(submitted, monkeypatch, capsys):
    """Without the solutions, are the public tests of the release graded, and does the result say the hidden ones did not run?"""
    monkeypatch.setattr(reference, "candidate_directories", lambda: [])
    load_assignment.cache_clear()
    try:
        status, out = grade(capsys, submitted / "reference", "--format", "json")
    finally:
        load_assignment.cache_clear()
    document = json.loads(out)
    assert not any(test["hidden"] for test in document["tests"])
    assert document["score"] == 26.9 and "only the public tests ran" in document["notes"][0]


def test_the_console_command_runs(submitted):
    """Does `python -m autograder grade` run as a command and print the text report?"""
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "grade", str(submitted / "reference")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "40 / 40 autograded; 12 points of written answers await a person" in done.stdout


def test_build_makes_every_platform_and_refuses_to_overwrite_with_exit_status_2(tmp_path, capsys):
    """Does `autograder build` make each platform's output, take --reporter for github-actions only,
    and refuse a directory that is not empty with exit status 2?"""
    import zipfile

    from autograder.builds import BUILDS

    expected = {
        "student": "rnn.ipynb",
        "github-actions": ".github/workflows/grade.yml",
        "classroom": ".github/workflows/classroom.yml",
        "classroom50": "autograders/rnn/autograder.py",
        "prairielearn": "info.json",
    }
    for platform, path in expected.items():
        image = ["--image", "example-course/rnn-grader"] if platform == "prairielearn" else []
        assert main(["build", platform, "rnn", str(tmp_path / platform), *image]) == 0
        assert (tmp_path / platform / path).is_file(), platform
    assert main(["build", "prairielearn", "rnn", str(tmp_path / "no-image")]) == 2
    assert "prairielearn needs --image" in capsys.readouterr().err
    assert main(["build", "student", "rnn", str(tmp_path / "image-elsewhere"), "--image", "a/b"]) == 2
    assert "--image is an option of prairielearn only" in capsys.readouterr().err
    assert set(expected) | {"gradescope"} == set(BUILDS)
    legacy = tmp_path / "legacy"
    assert main(["build", "github-actions", "rnn", str(legacy), "--reporter", "github-classroom"]) == 0
    assert (legacy / ".github" / "workflows" / "classroom.yml").is_file()
    assert main(["build", "gradescope", "lstm", str(tmp_path / "lstm.zip")]) == 0
    assert {"setup.sh", "run_autograder"} <= set(zipfile.ZipFile(tmp_path / "lstm.zip").namelist())
    assert main(["build", "student", "rnn", str(tmp_path / "student")]) == 2
    assert "not empty" in capsys.readouterr().err
    assert main(["build", "student", "rnn", str(tmp_path / "other"), "--reporter", "actions"]) == 2


def test_the_command_runs_hypothesis_without_third_party_plugins():
    """Does `autograder` keep Hypothesis's plugins out (they could change what the checks draw; trio's imports pytest)?"""
    probe = (
        "import os, sys, autograder.cli as cli\n"
        "def main():\n"
        "    import hypothesis\n"
        "    print(os.environ.get('HYPOTHESIS_NO_PLUGINS'), 'trio' in sys.modules, 'pytest' in sys.modules)\n"
        "    return 0\n"
        "cli.main = main\n"
        "cli.run()\n"
    )
    environment = {k: v for k, v in os.environ.items() if k != "HYPOTHESIS_NO_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=environment, check=True
    )
    assert done.stdout.split() == ["1", "False", "False"]
