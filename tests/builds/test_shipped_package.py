"""Every build ships, of the package, only what grading its one assignment needs.

Students can run every function of the package they receive, so the student bundle and every
template they can read (github-actions, classroom50; PrairieLearn students read only the release)
carry the assignment's own checks (what ``autograder.checks.<a>`` imports), the kit they use, its
own known answers and the grading and format code the templates run: never the other
assignment's checks or data, never ``instructor/``, ``builds/`` or ``reports/``. The platforms'
own packages (Gradescope, PrairieLearn's ``tests/``) are trimmed the same way.
"""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from support.platform_builds import example_options

from autograder.builds import BUILDS
from autograder.builds.shipped_modules import LEFT_OUT, shipped_files, shipped_modules
from autograder.instructor.nbgrader_pipeline import REPOSITORY, assignments

PACKAGE = REPOSITORY / "autograder"
ASSIGNMENTS = assignments(REPOSITORY)


@pytest.fixture(scope="module")
def packages(tmp_path_factory) -> dict[tuple[str, str], list[Path]]:
    """(assignment, build) -> every copy of the package in that build's output."""
    root = tmp_path_factory.mktemp("shipped")
    found = {}
    for assignment in ASSIGNMENTS:
        for name, build in BUILDS.items():
            out = root / f"{assignment}-{name}" / ("out.zip" if build.archive else "out")
            build.make(assignment, out, **example_options(build))
            if build.archive:
                with zipfile.ZipFile(out) as archive:
                    archive.extractall(out.parent / "unpacked")
                out = out.parent / "unpacked"
            found[assignment, name] = sorted(p.parent for p in out.rglob("autograder/cli.py"))
    return found


def files_of(package: Path) -> set[Path]:
    return {
        p.relative_to(package) for p in package.rglob("*") if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_package_a_build_ships_is_its_assignments_grading_and_nothing_else(packages, assignment):
    """Does every copy of the package, in every build, hold exactly the assignment's files and its release?"""
    expected = set(shipped_files(assignment, PACKAGE))
    for name in BUILDS:
        copies = packages[assignment, name]
        assert copies, f"{name} ships no package"
        for package in copies:
            release = {p for p in files_of(package) if p.parts[0] == "releases"}
            assert files_of(package) - release == expected, f"{name}: {package}"
            assert all(p.parts[1] == assignment for p in release), f"{name}: {sorted(release)}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_build_ships_another_assignments_checks_or_data_or_the_instructors_modules(packages, assignment):
    """Is every check module only the other assignment grades, its known answers and instructor/, builds/, reports/ absent?"""
    others = [a for a in ASSIGNMENTS if a != assignment]
    foreign = {m for other in others for m in shipped_modules(other, PACKAGE)} - set(
        shipped_modules(assignment, PACKAGE)
    )
    assert foreign, "the assignments share every module: nothing to check"
    foreign_files = {Path(*m.split(".")[1:]).with_suffix(".py") for m in foreign}
    foreign_files |= {Path("data") / f"{other}.npz" for other in others}
    for name in BUILDS:
        for package in packages[assignment, name]:
            shipped = files_of(package)
            assert not shipped & foreign_files, f"{name}: {sorted(shipped & foreign_files)}"
            for left_out in LEFT_OUT:
                assert not (package / left_out.split(".")[1]).exists(), f"{name}: {left_out}"


def test_the_closure_follows_what_the_checks_import():
    """Does each assignment's closure hold its checks' own helpers and not another assignment's?"""
    rnn, lstm = set(shipped_modules("rnn", PACKAGE)), set(shipped_modules("lstm", PACKAGE))
    charlm = set(shipped_modules("charlm", PACKAGE))
    assert {
        "autograder.checks.rnn_diagnoses",
        "autograder.checks.clipping",
        "autograder.checks.rnn_laws",
    } <= rnn
    assert not {
        m for m in rnn if m.startswith("autograder.checks.lstm") or m == "autograder.checks.lstm_laws"
    }
    assert {"autograder.checks.lstm_steps", "autograder.checks.lstm_laws"} <= lstm
    assert "autograder.checks.rnn_diagnoses" not in lstm
    assert {
        "autograder.checks.charlm_diagnoses",
        "autograder.checks.gru_steps",
        "autograder.checks.truncated_bptt",
        "autograder.checks.training_step",
        "autograder.checks.gru_laws",
    } <= charlm
    assert not {
        m
        for m in charlm
        if m.startswith(("autograder.checks.lstm", "autograder.checks.rnn"))
        or m in ("autograder.checks.lstm_laws", "autograder.checks.rnn_laws")
    }
    assert not {m for m in rnn | lstm | charlm if m.startswith("autograder.mistakes")}, (
        "the grader's signatures of mistakes"
    )
    with pytest.raises(FileNotFoundError, match="no checks for 'nonesuch'"):
        shipped_modules("nonesuch", PACKAGE)


IMPORTS = """
import importlib, sys
# This checkout's editable install would lend the student's copy what it lacks: a student has none.
sys.meta_path = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
import autograder
assert autograder.__file__.startswith(sys.argv[1]), autograder.__file__
for name in sys.argv[3:]:
    importlib.import_module(name)
from autograder.cli import parser
commands = sorted(parser()._subparsers._group_actions[0].choices)
try:
    importlib.import_module("autograder.checks." + sys.argv[2])
    print("other checks imported")
except ImportError:
    pass
print(" ".join(commands))
"""


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_shipped_package_imports_whole_and_offers_the_grading_commands_only(packages, assignment):
    """Does every shipped module import from the student's copy alone, the command offering grade and merge only?"""
    package = packages[assignment, "student"][0]
    other = next(a for a in ASSIGNMENTS if a != assignment)
    modules = [m for m in shipped_modules(assignment, PACKAGE) if m != "autograder.__main__"]
    code = f"import sys; sys.path.insert(0, {str(package.parent)!r}); exec({IMPORTS!r})"
    done = subprocess.run(
        [sys.executable, "-c", code, str(package), other, *modules],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=package.parent,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.splitlines() == ["grade merge"]
