"""One odd notebook or result never stops a class-wide command: it becomes a note, the others go through.

Notebooks whose nbgrader metadata has the wrong types (an integer grade id, a missing one, metadata
that is text, points that are not a number, a megabyte of grade id), that are not UTF-8, or hold
lone surrogates; results whose fields have the wrong types, are missing, hold NaN, huge numbers or
huge strings: ``grade``, ``similarity``, ``audit``'s seed reading, ``report``, ``feedback``,
``export``, ``merge`` and the gradebook each go through the class and say which were left out.
"""

import json

import pytest
from support.hostile_trees import notebook_text

from autograder.cli import main
from autograder.formats.json_results import results_json
from autograder.grading.batch import grade_many
from autograder.instructor.audit import recorded_seed

HUGE = "x" * 1_000_000


def odd_cells() -> list[dict]:
    """Cells whose nbgrader metadata no tool of ours wrote: each must be passed over, never trusted."""

    def code(nbgrader) -> dict:
        return {
            "cell_type": "code",
            "metadata": {"nbgrader": nbgrader},
            "source": "x = 1",
            "outputs": [],
            "execution_count": None,
        }

    return [
        code({"grade_id": 7, "solution": True}),
        code({"solution": True}),
        code("yes"),
        code(["grade_id"]),
        code({"grade_id": "t", "grade": True, "points": "abc"}),
        code({"grade_id": "u", "grade": True, "points": float("inf")}),
        code({"grade_id": HUGE, "solution": True}),
        code({"grade_id": "\ud800\udfff", "solution": True}),
        {"cell_type": "markdown", "metadata": {}, "source": ["a", "b"]},
    ]


def with_cells(extra: list[dict], *, rename: dict | None = None) -> str:
    """The reference notebook with ``extra`` cells appended and answer grade ids replaced as ``rename`` says."""
    notebook = json.loads(notebook_text())
    for cell in notebook["cells"]:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if nbgrader.get("grade_id") in (rename or {}):
            nbgrader["grade_id"] = rename[nbgrader["grade_id"]]
    notebook["cells"] += extra
    return json.dumps(notebook)


ODD_NOTEBOOKS = {
    "odd_cells_beside_honest_answers": with_cells(odd_cells()),
    "an_answer_with_an_integer_grade_id": with_cells([], rename={"clip_by_norm": 3}),
    "an_answer_without_a_grade_id": with_cells([], rename={"clip_by_value": None}),
    "cell_metadata_is_a_list": with_cells([{"cell_type": "code", "metadata": [1], "source": ""}]),
    "not_a_notebook": json.dumps({"cells": "many", "nbformat": 4}),
}


@pytest.fixture(scope="module")
def odd_class(tmp_path_factory):
    """submitted/<student>/rnn/rnn.ipynb for an honest student and each odd notebook, plus one that is not UTF-8."""
    submitted = tmp_path_factory.mktemp("odd") / "submitted"
    for student, text in {"honest": notebook_text(), "copier": notebook_text(), **ODD_NOTEBOOKS}.items():
        (submitted / student / "rnn").mkdir(parents=True)
        (submitted / student / "rnn" / "rnn.ipynb").write_text(text, encoding="utf-8", errors="surrogatepass")
    (submitted / "not_utf8" / "rnn").mkdir(parents=True)
    (submitted / "not_utf8" / "rnn" / "rnn.ipynb").write_bytes(b'{"cells": "\xff\xfe"}')
    return submitted


@pytest.fixture(scope="module")
def graded(odd_class):
    paths = [str(folder / "rnn") for folder in sorted(odd_class.iterdir())]
    return {r.student: r for r in grade_many(paths, assignment="rnn", jobs=2)}


def test_a_batch_grades_every_odd_notebook_and_the_honest_ones_fully(graded):
    """Do the honest students earn 40, odd cells beside honest answers cost nothing, and the unreadable say why?"""
    assert graded["honest"].score == graded["copier"].score == 40
    assert graded["odd_cells_beside_honest_answers"].score == 40
    for student in ("cell_metadata_is_a_list", "not_a_notebook", "not_utf8"):
        assert graded[student].score == 0 and "could not be read" in graded[student].notes[0], graded[
            student
        ].notes


@pytest.mark.parametrize(
    ("student", "cell"),
    [
        ("an_answer_with_an_integer_grade_id", "clip_by_norm"),
        ("an_answer_without_a_grade_id", "clip_by_value"),
    ],
)
def test_an_answer_cell_with_an_odd_grade_id_is_missing_and_said_so(graded, student, cell):
    """Is an answer cell whose grade id is not text graded as missing (its function's points), with a note naming it?"""
    result = graded[student]
    lost = {t.function for t in result.tests if t.status == "failed"}
    assert cell in lost and result.score >= 40 - 10
    assert f"answer cells missing from your notebook: {cell}" in result.notes


def test_similarity_compares_the_class_despite_odd_notebooks(odd_class, capsys):
    """Does `autograder similarity` list the copy first and name the unreadable ones, for a class with odd notebooks?"""
    status = main(["similarity", str(odd_class / "*" / "rnn"), "--assignment", "rnn", "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    assert document["pairs"][0]["similarity"] == 1.0
    unreadable = " ".join(document["unreadable"])
    assert all(student in unreadable for student in ("cell_metadata_is_a_list", "not_a_notebook", "not_utf8"))


def test_similarity_without_the_assignment_named_still_compares(odd_class, capsys):
    """Without --assignment, does an odd notebook whose assignment cannot be told become a note, not an exit?"""
    assert main(["similarity", str(odd_class / "*" / "rnn"), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["pairs"]


def test_the_seed_is_read_past_odd_outputs(tmp_path):
    """Are outputs that are not lists, texts that hold numbers and a 5,000-digit seed passed over, the one seed found?"""
    notebook = json.loads(notebook_text())
    tests = [c for c in notebook["cells"] if c.get("metadata", {}).get("nbgrader", {}).get("grade")]
    tests[0]["outputs"] = [
        {"output_type": "stream", "name": "stdout", "text": ["sigmoid: hidden checks (seed 987)\n", 5]}
    ]
    tests[1]["outputs"] = "everything"
    tests[2]["outputs"] = ["text", {"text": {"a": 1}}, {"text": "x: hidden checks (seed " + "9" * 5000 + ")"}]
    (tmp_path / "rnn.ipynb").write_text(json.dumps(notebook))
    assert recorded_seed(tmp_path) == 987


ODD_RESULTS = [
    {"submission": "a", "assignment": "rnn", "score": "abc", "max_score": 0, "notes": [], "tests": []},
    {"submission": "b", "assignment": "rnn", "notes": [], "tests": "many"},
    {"submission": "c", "assignment": "rnn", "notes": [], "tests": [{"name": "sigmoid", "status": "won"}]},
    {"submission": 5, "assignment": "rnn", "notes": [], "tests": []},
    {"submission": "e", "assignment": ["rnn"], "notes": [], "tests": []},
    {"submission": "f", "assignment": "rnn", "notes": [None], "tests": []},
    {"submission": "g", "assignment": "rnn", "student": 7, "notes": [], "tests": []},
    "a string",
]


@pytest.fixture()
def odd_results_file(graded_results, tmp_path):
    """The graded class's results with odd entries among them (one with a NaN, one with a number too large for a float).

    A copy of the first result under a megabyte-long student id with a lone surrogate is odd but a result: kept.
    """
    honest = json.loads(results_json(graded_results))
    renamed = {**json.loads(results_json(graded_results[:1])), "student": HUGE + "\ud800"}
    text = json.dumps([*honest, *ODD_RESULTS, renamed])
    text = text[:-1] + ', {"submission": "n", "assignment": "rnn", "notes": [], "tests": [], "seed": NaN}'
    text += (
        ', {"submission": "o", "assignment": "rnn", "notes": [], "score": 1' + "0" * 400 + ', "tests": []}]'
    )
    path = tmp_path / "results.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.mark.parametrize("command", ["report", "feedback", "export", "merge"])
def test_results_commands_go_through_a_class_with_odd_results(
    command, odd_results_file, graded_results, tmp_path, capsys
):
    """Does each command write its output from the good results, name each odd one on stderr, and exit 1?"""
    extra = {
        "report": ["--output", str(tmp_path / "report.html")],
        "feedback": ["--output-dir", str(tmp_path / "pages")],
        "export": ["--to", "csv", "--output", str(tmp_path / "grades.csv")],
        "merge": [
            "--format",
            "json",
            "--output",
            str(tmp_path / "merged.json"),
            "--gradebook",
            str(tmp_path / "gradebook.csv"),
        ],
    }[command]
    status = main([command, str(odd_results_file), *extra])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("left out") == len(ODD_RESULTS) + 2, err  # the NaN and the huge number are refused too
    assert "Traceback" not in err
    if command == "feedback":
        assert (
            len(list((tmp_path / "pages").iterdir())) == len(graded_results) + 1
        )  # the huge student is kept, its name cut
    if command == "merge":
        assert len(json.loads((tmp_path / "merged.json").read_text())) == len(graded_results) + 1
        assert len((tmp_path / "gradebook.csv").read_text().splitlines()) == 1 + len(graded_results) + 1
