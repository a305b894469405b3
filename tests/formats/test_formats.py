"""The output formats of `autograder grade`, each checked against its specification.

The submissions below are built by hand: alice passes, fails (with multi-line output), has hidden
tests and a written answer awaiting a human grader; bob's notebook could not be read (notes, zero);
carol passes every autograded test.
"""

import base64
import csv
import io
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from autograder import atomic_files
from autograder.atomic_files import write_atomically
from autograder.formats import FORMATS, gradebook, load_schema
from autograder.formats.github import classroom_json, classroom_result, step_output_value
from autograder.formats.gradebook import gradebook_csv
from autograder.formats.gradescope import gradescope_json, gradescope_results
from autograder.formats.json_results import results_from_json, results_json
from autograder.formats.junit import junit_xml
from autograder.formats.text import text_report
from autograder.platforms import set_step_output
from autograder.results import CaseResult, Mistake, SubmissionResult
from autograder.results import TestResult as GradedTest  # a name pytest does not collect

RESULTS_DOC = Path(__file__).resolve().parents[2] / "docs" / "results.md"

SIGMOID = GradedTest(
    "sigmoid",
    "sigmoid",
    2.0,
    2.0,
    "passed",
    output="sigmoid: checks\n  ✓ known answers [1/1]\n  ✓ no overflow for |x| up to 1e3 [1/1]\n  score: 2 / 2",
    cell="test_sigmoid",
)
DWH_NOT_ACCUMULATED = (
    "dWh: 12 of 20 elements differ, max abs error 3.1e-01 at (0, 2)\n"
    "hint: dWh is not accumulated over time steps"
)
RNN_BACKWARD = GradedTest(
    "rnn_backward",
    "rnn_backward",
    1.5,
    4.0,
    "failed",
    output=(
        "rnn_backward: checks\n"
        "  ✓ known answers [1.5/1.5]\n"
        "  ✗ gradients match centered differences [0/2.5]\n"
        "      dWh: 12 of 20 elements differ, max abs error 3.1e-01 at (0, 2)\n"
        "      hint: dWh is not accumulated over time steps\n"
        "  score: 1.5 / 4"
    ),
    cell="test_rnn_backward",
    cases=(
        CaseResult("rnn_backward", "known answers", 1.5, 1.5),
        CaseResult("rnn_backward", "gradients match centered differences", 0.0, 2.5, DWH_NOT_ACCUMULATED),
    ),
)
RNN_BACKWARD_HIDDEN = GradedTest(
    "rnn_backward (hidden)",
    "rnn_backward",
    0.0,
    3.0,
    "failed",
    output="rnn_backward: hidden checks\n  ✗ matches the reference on random shapes [0/3]\n      dh0: expected 0.25, got 0.0",
    hidden=True,
    cell="test_rnn_backward",
)
CLIP_HIDDEN = GradedTest(
    "clip_by_global_norm (hidden)",
    "clip_by_global_norm",
    2.0,
    2.0,
    "passed",
    output="clip_by_global_norm: hidden checks\n  ✓ matches the reference [2/2]\n  score: 2 / 2",
    hidden=True,
    cell="test_clip_by_global_norm",
)
WRITTEN = GradedTest("written_clipping", "written_clipping", 0.0, 2.0, "pending", cell="written_clipping")


def unreadable(test: GradedTest) -> GradedTest:
    """The test as it comes out when the notebook could not be read."""
    if test.status == "pending":
        return test
    return GradedTest(
        test.name,
        test.function,
        0.0,
        test.max_score,
        "failed",
        output="not graded: the notebook could not be read",
        hidden=test.hidden,
        cell=test.cell,
    )


ALICE = SubmissionResult(
    "submissions/alice/rnn.ipynb", "rnn", (SIGMOID, RNN_BACKWARD, RNN_BACKWARD_HIDDEN, CLIP_HIDDEN, WRITTEN)
)
BOB = SubmissionResult(
    "submissions/bob/rnn.ipynb",
    "rnn",
    tuple(unreadable(test) for test in ALICE.tests),
    notes=("the notebook is not valid JSON: Expecting value: line 1 column 1 (char 0)",),
)
CAROL = SubmissionResult("carol.ipynb", "rnn", (SIGMOID, CLIP_HIDDEN, WRITTEN))


def validate(document, schema_name: str) -> None:
    """Fail with jsonschema's message unless ``document`` is valid against the named schema."""
    schema = load_schema(schema_name)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def is_valid(document, schema_name: str) -> bool:
    return jsonschema.Draft202012Validator(load_schema(schema_name)).is_valid(document)


class TestRegistry:
    def test_every_format_is_registered_under_its_cli_name(self):
        """Can the CLI find every format by name, the platforms' one-submission formats included?"""
        assert set(FORMATS) == {
            "text",
            "json",
            "gradescope",
            "github",
            "junit",
            "classroom50",
            "prairielearn",
        }

    @pytest.mark.parametrize("name", ["text", "json", "gradescope", "github", "junit"])
    def test_every_format_renders_one_submission_the_same_way_twice(self, name):
        """Is each format a pure function: text out, the same text for the same results?"""
        assert isinstance(FORMATS[name].render([ALICE]), str)
        assert FORMATS[name].render([ALICE]) == FORMATS[name].render([ALICE])

    @pytest.mark.parametrize("name", ["gradescope", "github"])
    def test_single_submission_formats_refuse_a_batch_and_say_why(self, name):
        """Do the Gradescope and GitHub formats refuse several submissions with a message naming the format?"""
        with pytest.raises(ValueError, match=f"the {name} format describes exactly one submission, got 2"):
            FORMATS[name].render([ALICE, BOB])


class TestText:
    def test_header_names_path_assignment_autograded_score_and_written_points_apart(self):
        """Does the header give the path, the assignment, the autograded score of the autograded points, and the written points apart?"""
        header = text_report([ALICE]).splitlines()[0]
        assert header == (
            "submissions/alice/rnn.ipynb  [rnn]  5.5 / 11 autograded; 2 points of written answers await a person"
        )

    def test_one_line_per_test_with_mark_name_and_points(self):
        """Is there one line per test with ✓/✗/…, its name and score / max?"""
        lines = text_report([ALICE]).splitlines()
        assert re.fullmatch(r"  ✓ sigmoid +2 / 2", lines[1])
        assert re.fullmatch(r"  ✗ rnn_backward +1.5 / 4", lines[2])
        assert any(
            re.fullmatch(r"  … written_clipping +0 / 2  awaiting manual grading", line) for line in lines
        )

    def test_failed_output_is_indented_below_its_test_and_passed_output_is_not_shown(self):
        """Is every line of a failed test's output indented under it, and a passed test's output left out?"""
        lines = text_report([ALICE]).splitlines()
        start = lines.index(next(line for line in lines if line.startswith("  ✗ rnn_backward ")))
        assert lines[start + 1 : start + 7] == ["      " + line for line in RNN_BACKWARD.output.splitlines()]
        assert "no overflow" not in text_report([ALICE])

    def test_notes_are_shown(self):
        """Does a submission with notes show them, with its zero score?"""
        report = text_report([BOB])
        assert report.startswith("submissions/bob/rnn.ipynb  [rnn]  0 / 11 autograded")
        assert "  note: the notebook is not valid JSON: Expecting value" in report

    def test_a_summary_line_ends_a_batch_only(self):
        """Is there a final summary line for several submissions, and none for one?"""
        batch = text_report([ALICE, BOB, CAROL]).rstrip().splitlines()
        assert batch[-1] == (
            "3 submissions: mean 36.5% of autograded points, 1 with every autograded test passed, "
            "6 points pending manual grading"
        )
        assert "submissions:" not in text_report([ALICE])


class TestJson:
    @pytest.mark.parametrize(
        "results", [[ALICE], [BOB], [ALICE, BOB, CAROL], []], ids=["one", "notes", "three", "none"]
    )
    def test_output_is_valid_against_our_schema(self, results):
        """Does every output validate against autograder/schemas/results.schema.json?"""
        validate(json.loads(results_json(results)), "results")

    def test_one_submission_is_an_object_several_a_list(self):
        """Is one submission an object and several a list in the order given?"""
        assert isinstance(json.loads(results_json([ALICE])), dict)
        assert [item["submission"] for item in json.loads(results_json([ALICE, BOB]))] == [
            "submissions/alice/rnn.ipynb",
            "submissions/bob/rnn.ipynb",
        ]

    def test_fields_carry_the_result_model(self):
        """Do submission and test fields say what the model says: function, status, output, hidden, notes?"""
        document = json.loads(results_json([BOB]))
        assert (document["score"], document["max_score"], document["assignment"]) == (0, 13, "rnn")
        assert document["notes"] == list(BOB.notes)
        hidden = document["tests"][2]
        assert hidden == {
            "name": "rnn_backward (hidden)",
            "function": "rnn_backward",
            "score": 0.0,
            "max_score": 3.0,
            "status": "failed",
            "output": "not graded: the notebook could not be read",
            "hidden": True,
            "cell": "test_rnn_backward",
            "cases": [],
        }
        assert document["tests"][4]["status"] == "pending"

    def test_cases_and_their_mistakes_are_carried_and_read_back(self):
        """Does a test's JSON list its cases with their mistake as id and text, and read back the same result?"""
        mistake = Mistake("weights-not-accumulated", "dx and dh0 are right but the weight gradients are not")
        cases = (
            CaseResult("rnn_backward", "shapes", 1.0, 1.0),
            CaseResult(
                "rnn_backward",
                "gradients match",
                0.0,
                2.0,
                "dWh: wrong\nLikely mistake: ...",
                mistake=mistake,
            ),
        )
        test = GradedTest(
            "rnn_backward", "rnn_backward", 1.0, 3.0, "failed", "out", cell="test_rnn_backward", cases=cases
        )
        result = SubmissionResult(
            "submitted/dora/rnn/rnn.ipynb",
            "rnn",
            (test,),
            student="dora",
            submitted_at="2026-03-02T23:58:10+00:00",
        )
        document = json.loads(results_json([result]))
        validate(document, "results")
        assert document["tests"][0]["cases"][1]["mistake"] == {"id": mistake.id, "text": mistake.text}
        assert document["tests"][0]["cases"][0]["mistake"] is None
        assert (document["student"], document["submitted_at"]) == ("dora", "2026-03-02T23:58:10+00:00")
        assert results_from_json(results_json([result])) == [result]

    def test_results_written_before_cases_and_students_existed_are_still_read(self):
        """Does a document without cases, cell, student and submitted_at still validate and read back?"""
        document = json.loads(results_json([ALICE]))
        for test in document["tests"]:
            del test["cases"], test["cell"]
        del document["student"], document["submitted_at"]
        validate(document, "results")
        (result,) = results_from_json(json.dumps(document))
        assert result.score == ALICE.score and result.student is None and result.student_id == "alice"
        assert all(test.cases == () for test in result.tests)

    def test_a_mistake_id_must_be_kebab_case(self):
        """Does the schema reject a mistake whose id is not a readable kebab-case label?"""
        test = GradedTest(
            "f",
            "f",
            0.0,
            1.0,
            "failed",
            cases=(CaseResult("f", "c", 0.0, 1.0, "m", mistake=Mistake("x", "t")),),
        )
        document = json.loads(results_json([SubmissionResult("a.ipynb", "rnn", (test,))]))
        document["tests"][0]["cases"][0]["mistake"]["id"] = "Likely mistake: x"
        assert not is_valid(document, "results")

    def test_schema_rejects_an_unknown_status_and_a_missing_field(self):
        """Does our schema reject status "ok" and a test without its function?"""
        document = json.loads(results_json([ALICE]))
        document["tests"][0]["status"] = "ok"
        assert not is_valid(document, "results")
        document = json.loads(results_json([ALICE]))
        del document["tests"][0]["function"]
        assert not is_valid(document, "results")

    def test_the_documented_example_is_valid(self):
        """Is the example in the JSON section of docs/results.md a valid document?"""
        section = RESULTS_DOC.read_text(encoding="utf-8").split("## JSON results", 1)[1]
        example = re.search(r"```json\n(.*?)```", section, re.S).group(1)
        validate(json.loads(example), "results")


class TestGradescope:
    @pytest.mark.parametrize("result", [ALICE, BOB, CAROL], ids=["alice", "bob", "carol"])
    def test_output_is_valid_against_the_gradescope_specification(self, result):
        """Does every results.json validate against the schema written from Gradescope's documentation?"""
        validate(json.loads(gradescope_json([result])), "gradescope-results")

    def test_schema_rejects_wrong_documents(self):
        """Does the schema reject status "ok", a missing score, and an unknown visibility?"""
        good = gradescope_results(ALICE)
        assert is_valid(good, "gradescope-results")
        wrong_status = json.loads(json.dumps(good))
        wrong_status["tests"][0]["status"] = "ok"
        no_score = {"tests": [{"name": "sigmoid", "max_score": 2.0}]}
        wrong_visibility = {**good, "visibility": "students"}
        for document in (wrong_status, no_score, wrong_visibility):
            assert not is_valid(document, "gradescope-results")

    def test_hidden_tests_are_shown_after_grades_are_published(self):
        """Are hidden tests visible only "after_published", and public tests always?"""
        visibility = {test["name"]: test["visibility"] for test in gradescope_results(ALICE)["tests"]}
        assert visibility == {
            "sigmoid": "visible",
            "rnn_backward": "visible",
            "rnn_backward (hidden)": "after_published",
            "clip_by_global_norm (hidden)": "after_published",
        }

    def test_pending_answers_are_not_autograded_points_but_are_mentioned(self):
        """Are written answers left out of tests and score, and named in the top-level output?"""
        document = gradescope_results(ALICE)
        assert "written_clipping" not in [test["name"] for test in document["tests"]]
        assert document["score"] == 5.5
        assert sum(test["max_score"] for test in document["tests"]) == 11
        assert (
            "Written answers, graded by hand in Gradescope, not included here: written_clipping (2 points)."
            in document["output"]
        )

    def test_what_students_see_at_once_gives_the_public_points_only(self):
        """Does the top-level output (shown at once) give the public checks' points, never the hidden ones' score?"""
        output = gradescope_results(ALICE)["output"]
        assert output.splitlines()[0] == "Public checks of rnn: 3.5 / 6 points."
        assert "5.5" not in output and "11" not in output
        assert "The hidden checks are graded apart" in output

    def test_partial_credit_is_failed_with_its_output(self):
        """Is a test with some points lost "failed", keeping its points and its full output?"""
        test = gradescope_results(ALICE)["tests"][1]
        assert (test["status"], test["score"], test["max_score"]) == ("failed", 1.5, 4.0)
        assert test["output"] == RNN_BACKWARD.output and test["output_format"] == "text"
        assert test["tags"] == ["rnn_backward"]

    def test_notes_reach_the_student(self):
        """Do the notes of a submission appear in the top-level output, with a zero score?"""
        document = gradescope_results(BOB)
        assert document["score"] == 0
        assert "the notebook is not valid JSON" in document["output"]

    def test_tests_of_one_cell_share_a_number(self):
        """Are tests numbered "<cell>.<part>" so the public and hidden parts of a cell sit together?"""
        assert [test["number"] for test in gradescope_results(ALICE)["tests"]] == ["1.1", "2.1", "2.2", "3.1"]


class TestGithub:
    @pytest.mark.parametrize("result", [ALICE, BOB, CAROL], ids=["alice", "bob", "carol"])
    def test_output_is_valid_against_the_reporter_schema(self, result):
        """Does every runner result validate against the schema written from the reporter's source?"""
        validate(json.loads(classroom_json([result])), "github-classroom-result")

    def test_schema_rejects_what_the_reporter_cannot_read(self):
        """Does the schema reject status "passed" and a test without score when max_score is set?"""
        wrong_status = classroom_result(ALICE) | {"status": "passed"}
        no_score = {
            "version": 1,
            "status": "pass",
            "max_score": 2,
            "tests": [{"name": "sigmoid", "status": "pass"}],
        }
        assert not is_valid(wrong_status, "github-classroom-result")
        assert not is_valid(no_score, "github-classroom-result")

    def test_points_reported_to_classroom_are_the_public_points(self):
        """Is the sum of test scores over max_score (what the reporter sends) the public checks' score only?"""
        document = classroom_result(ALICE)
        assert (sum(test["score"] for test in document["tests"]), document["max_score"]) == (3.5, 6)
        assert [test["name"] for test in document["tests"]] == ["sigmoid", "rnn_backward"]
        assert "not included here: written_clipping (2 points)" in document["message"]
        assert "The hidden checks are graded apart" in document["message"]

    def test_status_fails_the_job_only_when_an_autograded_test_failed(self):
        """Is the status "fail" when a test failed, and "pass" when only a written answer is pending?"""
        assert classroom_result(ALICE)["status"] == "fail"
        assert classroom_result(CAROL)["status"] == "pass"
        assert [test["status"] for test in classroom_result(ALICE)["tests"]] == ["pass", "fail"]

    def test_failed_test_message_is_its_output(self):
        """Does a failed test carry its output as message, with line_no 0 (no line to point at)?"""
        test = classroom_result(ALICE)["tests"][1]
        assert (test["message"], test["line_no"], test["score"]) == (RNN_BACKWARD.output, 0, 1.5)

    def test_step_output_is_appended_to_github_output_as_base64(self, tmp_path, monkeypatch):
        """Is `result=<base64 of the JSON>` appended to $GITHUB_OUTPUT, keeping what was there?"""
        output = tmp_path / "github_output"
        output.write_text("earlier=1\n")
        assert set_step_output([ALICE], {"GITHUB_OUTPUT": str(output)}) == ""
        value = step_output_value([ALICE])
        assert output.read_text(encoding="utf-8") == f"earlier=1\nresult={value}\n"
        assert json.loads(base64.b64decode(value).decode("utf-8")) == classroom_result(ALICE)

    def test_step_output_outside_github_actions_writes_nothing(self, tmp_path, monkeypatch):
        """Without $GITHUB_OUTPUT, is nothing written?"""
        monkeypatch.chdir(tmp_path)
        assert set_step_output([CAROL], {}) == ""
        assert json.loads(base64.b64decode(step_output_value([CAROL])))["status"] == "pass"
        assert list(tmp_path.iterdir()) == []


class TestJunit:
    def test_one_testsuite_per_submission_with_counts(self):
        """Is there one testsuite per submission, named by its path, counting tests, failures and skips?"""
        root = ET.fromstring(junit_xml([ALICE, BOB]))
        assert root.tag == "testsuites" and root.get("tests") == "10" and root.get("failures") == "6"
        suites = root.findall("testsuite")
        assert [suite.get("name") for suite in suites] == [ALICE.submission, BOB.submission]
        assert [(s.get("tests"), s.get("failures"), s.get("skipped")) for s in suites] == [
            ("5", "2", "1"),
            ("5", "4", "1"),
        ]

    def test_failure_has_message_and_full_output(self):
        """Does a failure's message name the points lost and the first failing case, its text the output?"""
        case = ET.fromstring(junit_xml([ALICE])).find("testsuite/testcase[@name='rnn_backward']")
        assert case.get("classname") == "rnn.rnn_backward"
        failure = case.find("failure")
        assert failure.get("message") == (
            "lost 2.5 of 4 points: gradients match centered differences: "
            "dWh: 12 of 20 elements differ, max abs error 3.1e-01 at (0, 2)"
        )
        assert failure.text == RNN_BACKWARD.output

    def test_failure_without_cases_quotes_the_first_failing_line(self):
        """When a test has no case results, does the message quote the first ✗ line of its output?"""
        case = ET.fromstring(junit_xml([ALICE])).find("testsuite/testcase[@name='rnn_backward (hidden)']")
        assert (
            case.find("failure").get("message")
            == "lost 3 of 3 points: ✗ matches the reference on random shapes [0/3]"
        )

    def test_pending_is_skipped_and_passed_is_plain(self):
        """Is a pending answer skipped, and a passed test a testcase with no child?"""
        suite = ET.fromstring(junit_xml([ALICE])).find("testsuite")
        assert suite.find("testcase[@name='written_clipping']/skipped").get("message") == (
            "awaiting manual grading (2 points)"
        )
        assert list(suite.find("testcase[@name='sigmoid']")) == []

    def test_points_and_notes_are_kept(self):
        """Are the points in the suite's properties and the notes in its system-out?"""
        suite = ET.fromstring(junit_xml([BOB])).find("testsuite")
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties == {"assignment": "rnn", "score": "0", "max_score": "13", "pending_score": "2"}
        assert suite.find("system-out").text == BOB.notes[0]

    def test_control_characters_in_output_still_make_valid_xml(self):
        """Does output with ANSI escapes and NUL (which XML cannot hold) still parse, with the escapes removed?"""
        noisy = GradedTest("sigmoid", "sigmoid", 0, 2, "failed", output="\x1b[31mred\x1b[0m\x00 end")
        document = junit_xml([SubmissionResult("x.ipynb", "rnn", (noisy,))])
        assert ET.fromstring(document).find(".//failure").text == "red end"


class TestGradebook:
    def read(self, text: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(text)))

    def test_columns_are_fixed_then_tests_in_notebook_order_whatever_the_submission_order(self):
        """Is the header submission, assignment, score, max_score, pending, then one column per test, stably?"""
        expected = [
            "submission",
            "assignment",
            "score",
            "max_score",
            "pending",
            "sigmoid",
            "rnn_backward",
            "rnn_backward (hidden)",
            "clip_by_global_norm (hidden)",
            "written_clipping",
        ]
        for batch in ([ALICE, BOB], [BOB, ALICE]):
            assert gradebook_csv(batch).splitlines()[0].split(",") == expected

    def test_one_row_per_submission_with_scores_and_pending(self):
        """Does each submission get one row with its points, pending points and each test's score?"""
        rows = self.read(gradebook_csv([ALICE, BOB, CAROL]))
        assert [row["submission"] for row in rows] == [ALICE.submission, BOB.submission, CAROL.submission]
        assert (rows[0]["score"], rows[0]["max_score"], rows[0]["pending"], rows[0]["rnn_backward"]) == (
            "5.5",
            "13",
            "2",
            "1.5",
        )
        assert rows[1]["score"] == "0" and rows[1]["sigmoid"] == "0"

    def test_pending_and_absent_tests_are_empty_cells(self):
        """Is a written answer awaiting grading, or a test the submission lacks, an empty cell (not 0)?"""
        rows = self.read(gradebook_csv([ALICE, CAROL]))
        assert rows[0]["written_clipping"] == ""
        assert rows[1]["rnn_backward"] == ""

    def test_write_gradebook_writes_the_csv_and_leaves_no_temporary_file(self, tmp_path):
        """Does the gradebook written as `grade --gradebook` writes it hold exactly gradebook_csv, readable by all, and nothing else?"""
        path = tmp_path / "gradebook.csv"
        write_atomically(path, gradebook_csv([ALICE, BOB]))
        assert path.read_text(encoding="utf-8") == gradebook_csv([ALICE, BOB])
        assert os.listdir(tmp_path) == ["gradebook.csv"]
        assert stat.S_IMODE(path.stat().st_mode) == 0o644

    def test_a_crash_half_way_leaves_the_old_gradebook_intact(self, tmp_path, monkeypatch):
        """If writing fails after some rows, is the old gradebook untouched and no partial file left?"""
        path = tmp_path / "gradebook.csv"
        write_atomically(path, gradebook_csv([CAROL]))
        old = path.read_bytes()
        rows_written = []

        def row_then_crash(result):
            if rows_written:
                raise OSError("disk full")
            rows_written.append(result)
            return original_row(result)

        original_row = gradebook.gradebook_row
        monkeypatch.setattr(gradebook, "gradebook_row", row_then_crash)
        with pytest.raises(OSError, match="disk full"):
            write_atomically(path, gradebook_csv([ALICE, BOB, CAROL]))
        assert rows_written == [ALICE]
        assert path.read_bytes() == old
        assert os.listdir(tmp_path) == ["gradebook.csv"]

    def test_a_crash_before_the_first_gradebook_leaves_no_file(self, tmp_path, monkeypatch):
        """If the very first write fails, is there no gradebook at all rather than a partial one?"""

        def failing_fsync(fd):
            raise OSError("I/O error")

        monkeypatch.setattr(atomic_files.os, "fsync", failing_fsync)
        with pytest.raises(OSError, match="I/O error"):
            write_atomically(tmp_path / "gradebook.csv", gradebook_csv([ALICE]))
        assert os.listdir(tmp_path) == []
