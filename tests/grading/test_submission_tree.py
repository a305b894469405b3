"""The submission tree: a student's files are read only as regular files inside their folder, one folder one result.

Every hostile folder of :data:`hostile_trees.TREES` is graded in one batch beside an honest
classmate, by ``autograder grade`` as root and as an unprivileged user, in nbgrader's layout
(``submitted/<student>/rnn/``) and in Gradescope's (``run_autograder`` on ``/autograder/submission``).
Each must earn nothing, carry a note saying what was refused, and cost the classmate nothing; a
folder holding notebooks named after classmates is one result of its owner, never theirs.
"""

import json
import os
import shutil
import subprocess

import pytest
from support.hostile_submissions import SOLUTIONS
from support.hostile_trees import GRADERS, TREES, grade, notebook_text

from autograder.builds.package_source import render
from autograder.grading.batch_submissions import expand_submissions
from autograder.grading.isolated import load_assignment, submitted_answers
from autograder.grading.submission_files import (
    RefusedFile,
    SubmissionFolder,
    find_notebook,
    submission_folder,
)
from autograder.notebook_json import notebook_from_text
from autograder.results import student_of


@pytest.fixture(scope="module", params=list(GRADERS))
def nbgrader_batch(request, tmp_path_factory):
    """The course's ``submitted/`` graded in one batch by one grader: the JSON documents by student."""
    prefix = GRADERS[request.param]
    if prefix and shutil.which(prefix[0]) is None:
        pytest.fail(f"{prefix[0]} is needed to run a grader that is not root (package util-linux)")
    submitted = tmp_path_factory.mktemp("course") / "submitted"
    honest = submitted / "honest" / "rnn"
    honest.mkdir(parents=True)
    (honest / "rnn.ipynb").write_text(notebook_text())
    for name, tree in TREES.items():
        (submitted / name / "rnn").mkdir(parents=True)
        tree.build(submitted / name / "rnn", honest)
    impersonator = submitted / "impersonator" / "rnn"
    impersonator.mkdir(parents=True)
    (impersonator / "rnn.ipynb").write_text(notebook_text("untouched"))
    for classmate in ("honest", "absent"):  # notebooks named after classmates, the answers of the reference
        (impersonator / f"{classmate}.ipynb").write_text(notebook_text())
    (submitted / "parent_link").symlink_to(submitted / "honest", target_is_directory=True)
    output = tmp_path_factory.mktemp("out") / "results.json"
    done = grade(
        prefix,
        [
            "grade",
            str(submitted),
            "--assignment",
            "rnn",
            "--jobs",
            "2",
            "--format",
            "json",
            "--output",
            str(output),
        ],
    )
    assert done.returncode == 1 and output.exists(), done.stderr[-3000:]  # the refused trees are listed
    documents = json.loads(output.read_text())
    return {document["student"]: document for document in documents}


def test_the_honest_classmate_keeps_full_marks(nbgrader_batch):
    """Does the honest student earn 40/40 beside every hostile folder, whoever grades?"""
    assert nbgrader_batch["honest"]["score"] == 40


@pytest.mark.parametrize("name", list(TREES))
def test_a_hostile_folder_earns_nothing_and_says_why(nbgrader_batch, name):
    """Does each hostile folder score 0 with a note naming what was refused?"""
    document = nbgrader_batch[name]
    assert document["score"] == 0, TREES[name].question
    assert any(TREES[name].says in note for note in document["notes"]), (
        TREES[name].question,
        document["notes"],
    )


def test_a_student_folder_that_is_a_link_is_refused(nbgrader_batch):
    """Is submitted/<student> itself a link (to a classmate) one result of 0 with a note, never the classmate's work?"""
    document = nbgrader_batch["parent_link"]
    assert document["score"] == 0 and "parent_link is a symbolic link: not followed" in " ".join(
        document["notes"]
    )


def test_one_folder_is_one_result_of_its_owner(nbgrader_batch):
    """Do notebooks named after classmates in one folder give one result, its owner's, grading rnn.ipynb only?"""
    students = [*TREES, "honest", "impersonator", "parent_link"]
    assert sorted(nbgrader_batch) == sorted(students)
    impersonator = nbgrader_batch["impersonator"]
    assert impersonator["score"] == 0  # its rnn.ipynb is the untouched release
    assert any(
        "rnn.ipynb was graded, not absent.ipynb, honest.ipynb" in note for note in impersonator["notes"]
    )
    assert nbgrader_batch["honest"]["submission"].endswith("honest/rnn/rnn.ipynb")


def gradescope_root(place, tree_name: str | None):
    """A /autograder laid out as Gradescope does, its submission holding the honest notebook or a hostile tree."""
    root = place / "autograder"
    course = root / "source" / "course" / "solutions" / "rnn"
    shutil.copytree(SOLUTIONS.parent, course)
    (root / "run_autograder").write_text(render("run_autograder", assignment="rnn"))
    (root / "run_autograder").chmod(0o755)
    honest = place / "elsewhere"
    honest.mkdir()
    (honest / "rnn.ipynb").write_text(notebook_text())
    (root / "submission").mkdir()
    if tree_name is None:
        (root / "submission" / "rnn.ipynb").write_text(notebook_text())
    else:
        TREES[tree_name].build(root / "submission", honest)
    return root


@pytest.mark.parametrize("grader", list(GRADERS))
@pytest.mark.parametrize("name", [None, "links_to_the_solutions", "folder_links_to_a_classmate", "is_a_fifo"])
def test_gradescope_grades_only_what_was_uploaded(tmp_path, grader, name):
    """In Gradescope's layout, does run_autograder give the upload its own score: 40 for the honest one, 0 and a note for a link or a FIFO?"""
    root = gradescope_root(tmp_path, name)
    command = [*GRADERS[grader], "bash", str(root / "run_autograder")]
    done = subprocess.run(
        command, env={**os.environ, "AUTOGRADER_ROOT": str(root)}, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    if name is None:
        assert results["score"] == 40
    else:
        assert results["score"] == 0 and TREES[name].says in results["output"]


def test_a_gradescope_upload_of_several_notebooks_grades_the_assignments_own(tmp_path):
    """Is an upload holding rnn.ipynb and notebooks named after others graded once, rnn.ipynb, the others named?"""
    folder = tmp_path / "submission"
    folder.mkdir()
    (folder / "rnn.ipynb").write_text(notebook_text("untouched"))
    (folder / "bob.ipynb").write_text(notebook_text())
    assert expand_submissions([str(folder)]) == [str(folder)]
    located = find_notebook(folder, "rnn")
    assert located.relative == ("rnn.ipynb",)
    assert located.notes == ("your submission holds 2 notebooks: rnn.ipynb was graded, not bob.ipynb",)


def test_several_notebooks_none_the_assignments_are_not_guessed_between(tmp_path):
    """With two notebooks and neither named rnn.ipynb, is nothing graded and are both named?"""
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.ipynb").write_text("{}")
    with pytest.raises(
        FileNotFoundError, match=r"holds 2 notebooks \(a.ipynb, b.ipynb\) and none is rnn.ipynb"
    ):
        find_notebook(tmp_path, "rnn")


def test_nothing_outside_the_folder_is_reached_by_a_path(tmp_path):
    """Is a path with .. or a link on the way refused by the reader itself?"""
    (tmp_path / "student").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "student" / "up").symlink_to(tmp_path, target_is_directory=True)
    folder, _ = submission_folder(tmp_path / "student")
    with pytest.raises(RefusedFile, match="not a path inside"):
        folder.read(("..", "secret.txt"))
    with pytest.raises(RefusedFile, match="up is a symbolic link"):
        folder.read(("up", "secret.txt"))
    assert isinstance(folder, SubmissionFolder) and folder.entry(("up",)) == "link"


def test_the_student_is_the_folder_never_the_notebooks_name():
    """Is the student of submitted/mallory/rnn/alice.ipynb mallory, and of a folder per student its folder?"""
    assert student_of("course/submitted/mallory/rnn/alice.ipynb", "rnn") == "mallory"
    assert student_of("course/submitted/mallory/rnn/submitted/alice/rnn/rnn.ipynb", "rnn") == "mallory"
    assert student_of("class/mallory/alice.ipynb", "rnn") == "mallory"
    assert student_of("class/mallory/rnn", "rnn") == "mallory"


def test_a_pattern_matching_a_students_notebooks_gives_one_submission(tmp_path):
    """Does 'submitted/*/rnn/*.ipynb' give one submission per student folder, however many notebooks it holds?"""
    for student, names in {
        "alice": ["rnn.ipynb"],
        "mallory": ["rnn.ipynb", "alice.ipynb", "zed.ipynb"],
    }.items():
        (tmp_path / "submitted" / student / "rnn").mkdir(parents=True)
        for name in names:
            (tmp_path / "submitted" / student / "rnn" / name).write_text("{}")
    found = expand_submissions([str(tmp_path / "submitted" / "*" / "rnn" / "*.ipynb")])
    assert found == [
        str(tmp_path / "submitted" / "alice" / "rnn" / "rnn.ipynb"),
        str(tmp_path / "submitted" / "mallory" / "rnn"),
    ]


def test_a_pattern_never_follows_a_students_link(tmp_path, monkeypatch):
    """Does 'submitted/**/rnn.ipynb' stay out of a link a student made to their class's own folder (a loop)?"""
    honest = tmp_path / "submitted" / "honest" / "rnn"
    honest.mkdir(parents=True)
    (honest / "rnn.ipynb").write_text("{}")
    mallory = tmp_path / "submitted" / "mallory" / "rnn"
    mallory.mkdir(parents=True)
    (mallory / "rnn.ipynb").write_text("{}")
    (mallory / "loop").symlink_to(tmp_path, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    assert expand_submissions(["submitted/**/rnn.ipynb"]) == [
        "submitted/honest/rnn/rnn.ipynb",
        "submitted/mallory/rnn/rnn.ipynb",
    ]


def test_a_file_name_cannot_forge_a_line_of_a_note(tmp_path):
    """Is a notebook named with a newline and a right-to-left override shown escaped in the note, on one line?"""
    (tmp_path / "rnn.ipynb").write_text("{}")
    (tmp_path / "x\n  ✓ sigmoid  3 of 3\u202e.ipynb").write_text("{}")
    (note,) = find_notebook(tmp_path, "rnn").notes
    assert "\n" not in note and "\u202e" not in note
    assert "x\\u000a  ✓ sigmoid  3 of 3\\u202e.ipynb" in note


def test_a_students_own_folders_are_never_classmates(tmp_path, monkeypatch):
    """Are folders named after classmates inside a student's folder one submission of that student, never theirs?"""
    for path in ["class/alice/rnn.ipynb", "class/mallory/bob/rnn.ipynb", "class/mallory/carol/rnn.ipynb"]:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("{}")
    monkeypatch.chdir(tmp_path)
    assert expand_submissions(["class/*"]) == ["class/alice/rnn.ipynb", "class/mallory"]
    assert expand_submissions(["class/mallory"]) == ["class/mallory"]
    assert student_of("class/mallory", "rnn") == "mallory"
    with pytest.raises(
        FileNotFoundError, match=r"holds 2 notebooks \(bob/rnn.ipynb, carol/rnn.ipynb\) and none is rnn.ipynb"
    ):
        find_notebook("class/mallory", "rnn")


def test_a_notebook_sharing_many_grade_ids_gets_a_short_note():
    """Does a notebook whose 100,000 cells share grade ids two by two get a note of ten ids and a count, not all of them?"""
    cells = [
        {"cell_type": "code", "metadata": {"nbgrader": {"grade_id": f"g\n{i // 2}"}}, "source": ""}
        for i in range(100_000)
    ]
    _, problems = submitted_answers(
        load_assignment("rnn"), notebook_from_text(json.dumps({"nbformat": 4, "cells": cells}))
    )
    (shared,) = [p for p in problems if p.startswith("cells share")]
    assert len(shared) < 300 and "and 49990 more" in shared and "\n" not in shared
