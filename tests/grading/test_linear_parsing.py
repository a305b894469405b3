"""No student text is parsed in more than linear time: each of these would take minutes to hours if it were not.

Nothing here is timed: each input is one a quadratic parse could not get through within a normal
run of the suite (64,000 hidden-test markers took the old regex 20 to 30 minutes; 64,000 newlines
took the old CI-command filter about 40 seconds, a million of them hours), so the test finishing
is the check, and each asserts what the parse must give.
"""

import json

import nbformat

from autograder.checking.reference import find_release_notebook
from autograder.grading.isolated import load_assignment, submitted_answers
from autograder.grading.notebook_cells import without_hidden_tests
from autograder.notebook_json import notebook_from_text
from autograder.reports.similarity import MAX_CELL_CHARACTERS, read_answers
from autograder.text_safety import markdown_inline, safe_text

MARKERS = 64_000
BEGIN, END = "### BEGIN HIDDEN TESTS\n", "### END HIDDEN TESTS\n"


def test_unclosed_hidden_test_markers_are_scanned_once():
    """Is a cell of 64,000 unclosed BEGIN HIDDEN TESTS lines kept as it is (no block ends)?"""
    source = "check()\n" + BEGIN * MARKERS
    assert without_hidden_tests(source) == source


def test_closed_hidden_test_blocks_are_removed_in_one_pass():
    """Are 64,000 hidden blocks removed, and what lies between them kept?"""
    source = ("kept\n" + BEGIN + "hidden\n" + END) * MARKERS
    assert without_hidden_tests(source) == "kept\n" * MARKERS


def test_a_block_ends_at_the_first_end_marker():
    """Does a block run from BEGIN to the next END, as nbgrader's does, indented markers included?"""
    source = (
        "a\n  ### BEGIN HIDDEN TESTS x\nh1\n\t### END HIDDEN TESTS y\nb\n" + BEGIN + "h2\n" + END + END + "c"
    )
    assert without_hidden_tests(source) == "a\nb\n" + END + "c"


def test_a_submitted_test_cell_of_64000_markers_is_compared_in_linear_time():
    """Is a submission whose test cell holds 64,000 markers read, its answers taken, and the edit noted?"""
    trusted = load_assignment("rnn")
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == trusted.tests[0].grade_id:
            cell.source += "\n" + BEGIN * MARKERS
    notebook = notebook_from_text(json.dumps(release))
    answers, problems = submitted_answers(trusted, notebook)
    assert set(answers) == {cell.grade_id for cell in trusted.answers}
    assert problems == [
        f"test cells changed in your notebook (the original ones were run): {trusted.tests[0].grade_id}"
    ]


def test_a_million_newlines_are_made_safe_in_linear_time():
    """Is a text of a million newlines and a workflow command made safe, the command defused?"""
    text = safe_text("\n" * 1_000_000 + "  ::error::forged")
    assert text.endswith("  \u2236:error::forged") and text.count("\n") == 1_000_000


def test_long_lines_of_spaces_and_escapes_are_made_safe_in_linear_time():
    """Are a megabyte of spaces before a command, and unterminated escape sequences, handled in one pass?"""
    assert safe_text(" " * 1_000_000 + "::x").endswith("\u2236:x")
    assert safe_text(("\x1b[" + "0" * 1000) * 1000) == ("[" + "0" * 1000) * 1000
    assert safe_text("\x1b]" + "a" * 1_000_000) == "" and safe_text("\x1b]" * 100_000) == ""


def test_markdown_escaping_is_linear():
    """Is a megabyte of Markdown punctuation escaped character by character?"""
    assert markdown_inline("[](" * 300_000) == "\\[\\]\\(" * 300_000


def test_a_megabyte_answer_cell_is_cut_before_it_is_fingerprinted(tmp_path):
    """Is an answer cell of a megabyte cut to the compared length, so that one student cannot stall the class's similarity?"""
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    for cell in release.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            cell.source = "x = (1, 2)\n" * 100_000
            break
    folder = tmp_path / "mallory"
    folder.mkdir()
    nbformat.write(release, folder / "rnn.ipynb")
    answers, assignment = read_answers(str(folder), assignment="rnn")
    assert assignment == "rnn" and answers.note == ""
    assert max(len(source) for source in answers.cells.values()) == MAX_CELL_CHARACTERS
