"""The student process sees a view of the package: the modules the worker runs, nothing of the instructor's.

Nothing of ``autograder/checks`` (whose helpers compute graded answers), ``autograder/data`` (the
published known answers, which a submission could look its inputs up in), ``autograder/instructor``,
the solutions or the course checkout may be readable or importable while a submission is graded
(``autograder.sandbox.sandbox_view``). A submission that reaches for each of them, in three
functions no other function calls, is graded in one batch with the reference, in every setting
whose code differs: as root and as an unprivileged user, with bubblewrap and with Landlock alone,
from the editable install of this checkout and from a regular install in a virtual environment
of its own. Each reach that succeeded would earn its function's points; every one must fail, and
the reference keep 40/40.
"""

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from support.grader_runs import GRADERS, grade_as, hand_in, points_lost, reference_answers, result_of
from support.hostile_submissions import POINTS, SOLUTIONS, Hostile, Outcome, replacing

from autograder.checking.reference import find_solution_notebook
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import with_answers
from autograder.sandbox import bubblewrap as bubblewrap_module
from autograder.sandbox.bubblewrap import bubblewrap_command, hiding_arguments, view_arguments
from autograder.sandbox.confinement import readable_beneath
from autograder.sandbox.process import Cell, Sandbox
from autograder.sandbox.sandbox_view import (
    PACKAGE,
    SANDBOX_MODULES,
    hidden_directories,
    module_source,
    view_files,
)

REACHES = """
import importlib
import importlib.util
import os
from pathlib import Path

import autograder

PLACES = [Path(autograder.__file__).parent, Path("{autograder}")]
MODULES = [
    "autograder.checks.activations", "autograder.checks.rnn_mistakes", "autograder.checks.lstm_steps",
    "autograder.checks.rnn", "autograder.checking.known_answers", "autograder.checking.reference",
    "autograder.checking.hidden_cases", "autograder.instructor.submissions", "autograder.builds",
]
FILES = [
    "checks/activations.py", "checks/lstm_steps.py", "data/rnn.npz", "data/lstm.npz",
    "instructor/submissions.py", "builds/__init__.py", "checking/reference.py",
]
OUTSIDE = ["{solutions}", "{checkout}/README.md", "{checkout}/pyproject.toml", "{checkout}/assignments/rnn/rnn.ipynb"]


def by_path(name):
    for place in PLACES:
        path = place.joinpath(*name.split(".")[1:]).with_suffix(".py")
        spec = importlib.util.spec_from_file_location("stolen_" + name.replace(".", "_"), path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module


def imported():
    found = []
    for name in MODULES:
        for attempt in (importlib.import_module, by_path):
            try:
                attempt(name)
                found.append(name)
            except Exception:
                pass
    return found


def read():
    found = []
    for path in [place / name for place in PLACES for name in FILES] + [Path(p) for p in OUTSIDE]:
        try:
            path.read_bytes()
            found.append(str(path))
        except OSError:
            pass
    for place in PLACES:
        for directory in (place / "checks" / "__pycache__", place / "data"):
            try:
                found += [str(p) for p in directory.iterdir() if p.read_bytes()]
            except OSError:
                pass
    for directory in [*PLACES, Path("{checkout}"), Path("{checkout}/solutions")]:
        try:
            names = os.listdir(directory)
        except OSError:
            continue
        found += [f"{directory}/{n}" for n in names if n in ("checks", "data", "instructor", "rnn", "README.md")]
    return found


def looked_up(grads):
    for place in PLACES:
        try:
            with np.load(place / "data" / "rnn.npz") as data:
                return [key for key in data.files if key.startswith("clip_by_global_norm/")]
        except Exception:
            pass
    return []
"""
"""Helpers of the three reaching functions (``{autograder}``, ``{solutions}``, ``{checkout}`` filled in)."""

REACHES_FOR_THE_INSTRUCTORS_FILES = Hostile(
    "Is everything of the instructor's refused to student code: the checks and the kit's reference loader "
    "(imported, or executed from their files), the known answers, instructor/ and builds/, the solutions "
    "and the checkout (read or listed)?",
    lambda answers, place: {
        **answers,
        **{
            cell: source.replace("{checkout}", str(REPOSITORY))
            for cell, source in replacing(
                clip_by_value=REACHES
                + """
def clip_by_value(grads, clip_value):
    if imported():
        return {name: np.clip(g, -clip_value, clip_value) for name, g in grads.items()}
    raise ImportError("nothing of the instructor's could be imported")
""",
                clip_by_norm=REACHES
                + """
def clip_by_norm(grad, max_norm):
    if read():
        norm = np.linalg.norm(grad)
        return grad * (max_norm / norm) if norm > max_norm else grad.copy()
    raise PermissionError("nothing of the instructor's could be read")
""",
                clip_by_global_norm=REACHES
                + """
def clip_by_global_norm(grads, max_norm):
    if looked_up(grads):
        norm = float(np.sqrt(sum(np.sum(g**2) for g in grads.values())))
        scale = max_norm / norm if norm > max_norm else 1.0
        return {name: g * scale for name, g in grads.items()}, norm
    raise LookupError("the published known answers could not be read")
""",
            )(answers, place).items()
        },
    },
    Outcome(
        {
            "clip_by_value": POINTS["clip_by_value"],
            "clip_by_norm": POINTS["clip_by_norm"],
            "clip_by_global_norm": POINTS["clip_by_global_norm"],
        },
        {
            "clip_by_value": "nothing of the instructor's could be imported",
            "clip_by_norm": "nothing of the instructor's could be read",
            "clip_by_global_norm": "the published known answers could not be read",
        },
    ),
)

MODULES_SEEN = """
import sys

def modules_seen():
    main = sys.modules["__main__"].__spec__.name
    return sorted({main, *(name for name in sys.modules if name == "autograder" or name.startswith("autograder."))})
"""


def regular_install(root: Path) -> Path:
    """A virtual environment with this package installed as a wheel would install it; its Python.

    Its site-packages links to the files of this checkout's environment (no editable install
    among them) and holds a copy of the package, compiled, as pip leaves it.
    """
    environment = root / "venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(environment)], check=True)
    python = environment / "bin" / "python"
    purelib = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    ours = Path(sysconfig.get_path("purelib"))
    for entry in ours.iterdir():
        if entry.name.startswith("__editable__") or entry.name == "autograder":
            continue
        target = purelib / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, copy_function=os.link, symlinks=True)
        else:
            os.link(entry, target)
    shutil.copytree(PACKAGE, purelib / "autograder", ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run([python, "-m", "compileall", "-q", str(purelib / "autograder")], check=True)
    return python


INSTALLS = ("editable", "regular")


@pytest.fixture(scope="module")
def pythons(tmp_path_factory) -> dict[str, Path]:
    """The grader's Python for each install."""
    return {"editable": Path(sys.executable), "regular": regular_install(tmp_path_factory.mktemp("regular"))}


@pytest.fixture(scope="module")
def batch_place(tmp_path_factory) -> Path:
    """The reference and the reaching submission, as notebooks."""
    place = tmp_path_factory.mktemp("view")
    reference, release = reference_answers()
    hand_in(place, {
        "reference": with_answers(release, reference),
        "reaches": with_answers(release, REACHES_FOR_THE_INSTRUCTORS_FILES.answers(reference, place)),
    })
    return place


@pytest.fixture(scope="module", params=[(i, g) for i in INSTALLS for g in GRADERS], ids=str)
def graded(request, pythons, batch_place, tmp_path_factory) -> dict:
    """The batch graded by ``autograder grade`` from one install, in one setting: the JSON results by name."""
    install, setting = request.param
    output = tmp_path_factory.mktemp("out") / "results.json"
    results = grade_as(
        GRADERS[setting],
        [batch_place / name / "rnn.ipynb" for name in ("reference", "reaches")],
        output,
        python=str(pythons[install]),
        options=("--seconds-per-call", "4"),
        environment={"AUTOGRADER_SOLUTIONS": str(REPOSITORY), "VIRTUAL_ENV": None},
        timeout=600,
        cwd=output.parent,
    )
    return dict(zip(("reference", "reaches"), results))


def test_the_reference_keeps_full_marks_beside_the_reaching_submission(graded):
    """Does the reference earn 40/40, whichever install grades it, as root or not, with bubblewrap or not?"""
    assert graded["reference"]["score"] == 40


def test_every_reach_for_the_instructors_files_fails(graded):
    """Does the reaching submission lose exactly its three functions, each saying that everything was refused?"""
    result = result_of(graded["reaches"])
    expected = REACHES_FOR_THE_INSTRUCTORS_FILES.expected
    assert points_lost(result) == expected.lost, [
        t.output for t in result.tests if t.function in expected.lost
    ]
    for function, text in expected.says.items():
        assert text in "\n".join(t.output for t in result.tests if t.function == function)


@pytest.fixture(params=["bubblewrap", "Landlock alone"])
def confinement(request, monkeypatch) -> str:
    """Sandboxes started in this test use bubblewrap, or the fallback."""
    if request.param != "bubblewrap":
        monkeypatch.setenv(bubblewrap_module.DISABLE, "0")
    bubblewrap_module.bubblewrap.cache_clear()
    yield request.param
    bubblewrap_module.bubblewrap.cache_clear()


def test_the_view_is_every_module_the_sandbox_imports(confinement, monkeypatch):
    """Are the package's modules loaded in a student process, forked from a zygote or started afresh, exactly the view's?"""
    seen = set()
    for zygotes in ("1", "0"):
        monkeypatch.setenv("AUTOGRADER_ZYGOTE", zygotes)
        with Sandbox([Cell("answers", MODULES_SEEN)]) as sandbox:
            assert ("bubblewrap" in sandbox.protections) == (confinement == "bubblewrap")
            modules = set(sandbox.call("modules_seen", (), {}))
        assert modules <= set(SANDBOX_MODULES), (
            f"the sandbox imports more than its view: {modules - set(SANDBOX_MODULES)}"
        )
        seen |= modules
    assert seen == set(SANDBOX_MODULES), (
        f"the view holds modules nothing imports: {set(SANDBOX_MODULES) - seen}"
    )


def test_the_view_holds_no_check_no_data_and_nothing_of_the_instructor():
    """Are the view's files the sources (and bytecode) of its modules only, none under checks/, data/, instructor/ or builds/?"""
    sources = [module_source(module) for module in SANDBOX_MODULES]
    cached = [Path(importlib.util.cache_from_source(str(source))) for source in sources]
    files = set(view_files())
    assert set(sources) <= files
    assert files - set(sources) <= set(cached)  # bytecode appears as other processes import the modules
    for path in view_files():
        assert path.relative_to(PACKAGE).parts[0] not in (
            "checks",
            "data",
            "instructor",
            "builds",
            "reports",
            "grading",
        )
    assert PACKAGE in hidden_directories()
    assert find_solution_notebook("rnn").parents[1].resolve() in hidden_directories()


def test_readable_paths_are_split_around_a_hidden_directory(tmp_path):
    """Is a readable directory holding a hidden one granted as its other entries, a link back included only once?"""
    for name in ("site/numpy", "site/autograder/checks", "site/deep/pkg", "other"):
        (tmp_path / name).mkdir(parents=True)
    (tmp_path / "site" / "module.py").write_text("")
    (tmp_path / "site" / "loop").symlink_to(tmp_path / "site")
    hidden = [tmp_path / "site" / "autograder"]
    granted = readable_beneath(
        [tmp_path / "site", tmp_path / "other", tmp_path / "site" / "autograder" / "checks"], hidden
    )
    assert granted == sorted(
        [
            tmp_path / "other",
            tmp_path / "site" / "deep",
            tmp_path / "site" / "module.py",
            tmp_path / "site" / "numpy",
            tmp_path / "site" / "autograder" / "checks",
        ]
    )


def test_bubblewrap_mounts_the_view_read_only_and_hides_what_a_mount_would_show(tmp_path):
    """Does bubblewrap put a read-only tmpfs holding only the view's files at the package, and empty the solutions beneath a mount?"""
    files = view_files()
    arguments = view_arguments(PACKAGE, files)
    assert arguments[:6] == ["--perms", "0755", "--size", str(2**20), "--tmpfs", str(PACKAGE)]
    assert arguments[-2:] == ["--remount-ro", str(PACKAGE)]
    bound = [arguments[i + 1] for i, a in enumerate(arguments) if a == "--ro-bind"]
    assert bound == [str(f) for f in files]
    (tmp_path / "course" / "solutions").mkdir(parents=True)
    assert hiding_arguments([tmp_path / "course" / "solutions"], [str(tmp_path)])[-4:] == [
        "--tmpfs",
        str(tmp_path / "course" / "solutions"),
        "--remount-ro",
        str(tmp_path / "course" / "solutions"),
    ]
    assert hiding_arguments([tmp_path / "course"], [str(tmp_path / "course" / "venv")]) == []
    command = bubblewrap_command(
        ["true"],
        bwrap="bwrap",
        readable=[],
        files={},
        scratch_bytes=1,
        env={},
        view=(PACKAGE, files),
        hidden=[PACKAGE],
    )
    assert command.count(str(PACKAGE)) == 2  # the tmpfs and its remount, not hidden a second time


def test_the_hostile_submission_names_paths_that_exist():
    """Do the paths the reaching submission tries exist outside the sandbox (so that it fails only for the sandbox)?"""
    for name in ("checks/activations.py", "data/rnn.npz", "instructor/submissions.py", "builds/__init__.py"):
        assert (PACKAGE / name).is_file(), name
    assert SOLUTIONS.is_file() and (REPOSITORY / "README.md").is_file()
