"""The trusted notebook never comes from a folder a student wrote: a planted ``solutions/`` runs nothing in the grader.

The grader takes its test cells (run in its own process, outside every sandbox) and its reference
from the course's source notebook, which it looks for in ``AUTOGRADER_SOLUTIONS``, in the course
directory around the current one, and in its own checkout. A CI job (GitHub Actions, Classroom 50)
grades inside the student's checkout, where the student can commit ``solutions/rnn/rnn.ipynb`` and
an ``nbgrader_config.py``; a folder of student folders may hold a student named ``solutions``.
Either planted notebook has test cells that write a file and would score what they like: graded
beside an honest classmate, as root and unprivileged, they must run nothing, and both students
must be graded by the course's own test cells. The grader's own caches live where only its user writes.
"""

import json
import os
import shutil
import stat

import pytest
from support.hostile_trees import GRADERS, grade, notebook_text

from autograder.checking.reference import (
    ENVIRONMENT_VARIABLE,
    distrusting,
    find_solution_notebook,
    trusted_path,
)
from autograder.cli import main, private_cache


def planted_solutions(folder, marker) -> None:
    """A ``solutions/rnn/rnn.ipynb`` and ``nbgrader_config.py`` in ``folder`` whose test cells write ``marker``."""
    notebook = json.loads(notebook_text("untouched"))
    for cell in notebook["cells"]:
        nbgrader = cell.get("metadata", {}).get("nbgrader", {})
        if cell["cell_type"] == "code" and nbgrader.get("grade") and not nbgrader.get("solution"):
            cell["source"] = f"open({str(marker)!r}, 'a').write('the grader ran a planted test cell\\n')\n"
    (folder / "solutions" / "rnn").mkdir(parents=True)
    (folder / "solutions" / "rnn" / "rnn.ipynb").write_text(json.dumps(notebook))
    (folder / "nbgrader_config.py").write_text("c = get_config()\n")


@pytest.fixture()
def grader(request):
    prefix = GRADERS[request.param]
    if prefix and shutil.which(prefix[0]) is None:
        pytest.fail(f"{prefix[0]} is needed to run a grader that is not root (package util-linux)")
    return prefix


@pytest.mark.parametrize("grader", list(GRADERS), indirect=True)
def test_a_checkout_with_planted_solutions_is_graded_by_the_courses_cells(tmp_path, grader, monkeypatch):
    """Graded in its own checkout beside an honest classmate, does a planted solutions/ run nothing and change no score?"""
    marker = tmp_path / "planted-cell-ran"
    checkout, honest = tmp_path / "class" / "mallory", tmp_path / "class" / "honest"
    checkout.mkdir(parents=True)
    honest.mkdir()
    (checkout / "rnn.ipynb").write_text(notebook_text("untouched"))
    (honest / "rnn.ipynb").write_text(notebook_text())
    planted_solutions(checkout, marker)
    monkeypatch.chdir(checkout)  # as a CI job grades: inside the student's repository
    output = tmp_path / "results.json"
    arguments = [
        "grade",
        "rnn.ipynb",
        str(honest / "rnn.ipynb"),
        "--assignment",
        "rnn",
        "--jobs",
        "2",
        "--format",
        "json",
        "--output",
        str(output),
    ]
    done = grade(grader, arguments, environment={"AUTOGRADER_SOLUTIONS": ""})
    assert done.returncode == 0, done.stderr[-3000:]
    mallory, classmate = json.loads(output.read_text())
    assert not marker.exists()
    assert (mallory["score"], mallory["max_score"]) == (0, 52)
    assert (classmate["score"], classmate["max_score"]) == (40, 52)


@pytest.mark.parametrize("grader", list(GRADERS), indirect=True)
def test_a_student_named_solutions_is_never_the_course(tmp_path, grader, monkeypatch):
    """Grading some students of a class folder from inside it, is a student folder named solutions/ never taken for the course's?"""
    marker = tmp_path / "planted-cell-ran"
    place = tmp_path / "class"
    (place / "alice").mkdir(parents=True)
    (place / "alice" / "rnn.ipynb").write_text(notebook_text())
    planted_solutions(tmp_path / "planted", marker)
    shutil.move(tmp_path / "planted" / "solutions", place / "solutions")  # a student named "solutions"
    monkeypatch.chdir(place)
    output = tmp_path / "results.json"
    done = grade(
        grader, ["grade", "alice", "--assignment", "rnn", "--format", "json", "--output", str(output)]
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert not marker.exists()
    assert json.loads(output.read_text())["score"] == 40


def test_nothing_is_found_inside_a_distrusted_folder(tmp_path, monkeypatch):
    """Within distrusting(folder), is a course's solutions/ inside it, or a link leading there, never found?"""
    course = tmp_path / "course"
    planted_solutions(course, tmp_path / "marker")
    monkeypatch.chdir(course)
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    assert find_solution_notebook("rnn") == course / "solutions" / "rnn" / "rnn.ipynb"
    with distrusting(course):
        assert find_solution_notebook("rnn") != course / "solutions" / "rnn" / "rnn.ipynb"
    (tmp_path / "elsewhere.ipynb").symlink_to(course / "solutions" / "rnn" / "rnn.ipynb")
    with distrusting(course):
        assert not trusted_path(tmp_path / "elsewhere.ipynb")


def test_hypothesis_keeps_its_cache_where_only_this_user_writes(tmp_path, monkeypatch):
    """Is the grader's Hypothesis cache the user's own (0700), never a fixed name in /tmp another user could make first?"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    place = private_cache("hypothesis")
    assert place == tmp_path / "cache" / "autograder" / "hypothesis"
    assert stat.S_IMODE(place.stat().st_mode) == 0o700 and place.stat().st_uid == os.geteuid()
    place.rmdir()
    place.symlink_to(tmp_path, target_is_directory=True)  # made by someone else, leading elsewhere
    elsewhere = private_cache("hypothesis")
    assert (
        elsewhere != place and not elsewhere.is_symlink() and stat.S_IMODE(elsewhere.stat().st_mode) == 0o700
    )
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "fresh"))
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    with pytest.raises(SystemExit):
        main(["--not-an-option"])
    assert os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] == str(tmp_path / "fresh" / "autograder" / "hypothesis")
