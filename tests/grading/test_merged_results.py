"""Merged and stored results are held against the trusted assignment, and against the instructor's key when set.

A forged shard merged beside an honest one is left out and named, never merged: nothing it claims
reaches the output, the gradebook or an export. With ``AUTOGRADER_RESULTS_KEY`` set, a plausible
forgery (every point of every test) is refused too. An entry of ``--results-dir`` that was edited,
signed with another key, or is impossible for the assignment is graded again, never served.
"""

import dataclasses
import json

import pytest
from support.hostile_trees import GRADERS, grade, notebook_text

from autograder.cli import main
from autograder.formats.json_results import results_json
from autograder.grading.one_submission import ungraded
from autograder.result_signature import KEY_VARIABLE, signed, signed_by, user_key
from autograder.results import CaseResult, SubmissionResult, TestResult


def honest(student: str = "honest") -> SubmissionResult:
    """A real rnn result: every test failed with 0 points (a notebook that could not be read), written answers pending."""
    return dataclasses.replace(ungraded(f"submitted/{student}/rnn", "rnn", "not graded"), student=student)


def forged(**changes) -> SubmissionResult:
    return dataclasses.replace(honest("forger"), **changes)


def with_tests(*tests: TestResult) -> SubmissionResult:
    base = honest("forger")
    return dataclasses.replace(base, tests=(*base.tests[1:], *tests))


SIGMOID = "test_sigmoid"
FORGERIES = {
    "claims 1000 of 40": with_tests(TestResult("sigmoid", "sigmoid", 1000.0, 1000.0, "passed", cell=SIGMOID)),
    "a score above its maximum": with_tests(
        TestResult("sigmoid", "sigmoid", 5.0, 3.0, "passed", cell=SIGMOID)
    ),
    "a cell the assignment lacks": with_tests(
        TestResult("bonus", "bonus", 10.0, 10.0, "passed", cell="bonus")
    ),
    "passed without every point": with_tests(
        TestResult("sigmoid", "sigmoid", 1.0, 3.0, "passed", cell=SIGMOID)
    ),
    "named after another function": with_tests(
        TestResult("bonus", "sigmoid", 3.0, 3.0, "passed", cell=SIGMOID)
    ),
    "checks no function of its cell": with_tests(TestResult("x", "x", 3.0, 3.0, "passed", cell=SIGMOID)),
    "a test twice": with_tests(*[TestResult("sigmoid", "sigmoid", 3.0, 3.0, "passed", cell=SIGMOID)] * 2),
    "cases worth more than their test": with_tests(
        TestResult(
            "sigmoid",
            "sigmoid",
            1.0,
            3.0,
            "failed",
            cell=SIGMOID,
            cases=(CaseResult("sigmoid", "c", 3.0, 3.0),),
        )
    ),
    "a written answer scored": forged(
        tests=tuple(
            dataclasses.replace(t, score=t.max_score, status="passed") if t.status == "pending" else t
            for t in honest("forger").tests
        )
    ),
    "an assignment no one knows": forged(assignment="rnn2"),
}
"""Results no grading of rnn could give, each named after what it claims."""


def full_marks(result: SubmissionResult) -> SubmissionResult:
    """A plausible forgery: every autograded test passed with all its points."""
    tests = tuple(
        t if t.status == "pending" else dataclasses.replace(t, score=t.max_score, status="passed")
        for t in result.tests
    )
    return dataclasses.replace(result, tests=tests)


@pytest.mark.parametrize("name", list(FORGERIES))
def test_a_forged_shard_is_left_out_of_the_merge(name, tmp_path, capsys):
    """Merged beside an honest shard, is each forgery left out, named, and absent from the output and gradebook?"""
    (tmp_path / "honest.json").write_text(results_json([honest()]))
    (tmp_path / "forged.json").write_text(results_json([honest("other"), FORGERIES[name]]))
    gradebook = tmp_path / "gradebook.csv"
    status = main(
        [
            "merge",
            str(tmp_path / "honest.json"),
            str(tmp_path / "forged.json"),
            "--format",
            "json",
            "--gradebook",
            str(gradebook),
        ]
    )
    out, err = capsys.readouterr()
    assert status == 1 and "left out" in err and "submitted/forger/rnn" in err, name
    assert [d["student"] for d in json.loads(out)] == ["honest", "other"]
    assert "forger" not in gradebook.read_text()


def test_a_file_of_forgeries_only_is_refused_whole(tmp_path, capsys):
    """Is a file none of whose results fits refused with one line and exit status 2?"""
    (tmp_path / "forged.json").write_text(results_json([FORGERIES["claims 1000 of 40"]]))
    assert main(["export", str(tmp_path / "forged.json"), "--to", "csv"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1000" in err


def test_the_export_never_shows_more_than_the_assignment_gives(tmp_path, capsys):
    """Does an export of an honest and a forged shard hold the honest grade and nothing above 40?"""
    path = tmp_path / "results.json"
    path.write_text(results_json([honest(), FORGERIES["claims 1000 of 40"]]))
    assert main(["export", str(path), "--to", "csv"]) == 1
    rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 2 and rows[1].startswith("honest,")


def test_with_the_instructors_key_a_plausible_forgery_is_refused(tmp_path, monkeypatch, capsys):
    """With AUTOGRADER_RESULTS_KEY set, is a signed honest result kept and an unsigned full-marks one (or one re-signed with another key) left out?"""
    monkeypatch.setenv(KEY_VARIABLE, "the instructor's secret")
    shard = json.loads(results_json([honest()]))
    assert shard["signature"].startswith("hmac-sha256:")
    plausible = json.loads(results_json([full_marks(honest("forger"))]))
    unsigned = {k: v for k, v in plausible.items() if k != "signature"}
    other_key = signed(unsigned, b"a key the forger made up")
    (tmp_path / "shards.json").write_text(json.dumps([shard, unsigned, other_key]))
    assert main(["merge", str(tmp_path / "shards.json"), "--format", "json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["student"] == "honest"  # one result: one object
    assert err.count(f"is not signed with {KEY_VARIABLE}") == 2
    monkeypatch.delenv(KEY_VARIABLE)
    assert (
        main(["merge", str(tmp_path / "shards.json"), "--format", "json"]) == 0
    )  # without the key, plausible is all we check
    capsys.readouterr()


@pytest.mark.parametrize("grader", list(GRADERS))
def test_an_edited_store_entry_is_graded_again(tmp_path, grader):
    """Is a --results-dir entry edited to full marks, impossible, or signed with another key graded again, never served?"""
    (tmp_path / "student").mkdir()
    (tmp_path / "student" / "rnn.ipynb").write_text(notebook_text("untouched"))
    store, output = tmp_path / "store", tmp_path / "out.json"
    arguments = [
        "grade",
        str(tmp_path / "student"),
        "--assignment",
        "rnn",
        "--results-dir",
        str(store),
        "--format",
        "json",
        "--output",
        str(output),
    ]
    assert grade(GRADERS[grader], arguments).returncode == 0
    (entry,) = store.glob("*.json")
    honest_score = json.loads(output.read_text())["score"]
    assert honest_score == 0
    original = json.loads(entry.read_text())
    edits = {
        "full marks, signature kept": {
            **original,
            "tests": [
                {**t, "score": t["max_score"], "status": "passed"} if t["status"] != "pending" else t
                for t in original["tests"]
            ],
        },
        "signed with another key": signed(
            {k: v for k, v in original.items() if k != "signature"}, b"another key"
        ),
    }
    impossible = {
        **original,
        "tests": [
            {**original["tests"][0], "score": 1000.0, "max_score": 1000.0, "status": "passed", "cases": []},
            *original["tests"][1:],
        ],
    }
    edits["impossible, signed with the user's key"] = signed(
        {k: v for k, v in impossible.items() if k != "signature"}, user_key()
    )
    for name, edited in edits.items():
        entry.write_text(json.dumps(edited))
        done = grade(GRADERS[grader], arguments)
        assert done.returncode == 0, done.stderr[-2000:]
        assert json.loads(output.read_text())["score"] == honest_score, name
        assert signed_by(json.loads(entry.read_text()), user_key()), name  # graded again, and stored again
    entry.write_text(json.dumps(original))
    assert (
        grade(GRADERS[grader], arguments).returncode == 0
        and json.loads(output.read_text())["score"] == honest_score
    )
