"""Nothing a student can read gives away a solution, a hidden test, a mark scheme or reference data.

Scanned, file by file: the committed release ``assignments/``, and for every assignment the
output of every build in ``autograder.builds.BUILDS``, restricted to the paths its entry says
students can read (``students_read``): the student bundle, the Actions repository with either
reporter, Classroom 50's autograder directory (published, and run in the student's repository)
and template, PrairieLearn's question page and downloads. What students never read (the
Gradescope zip, PrairieLearn's ``tests/``) carries the solutions on purpose; the tests prove it
is the only place that holds a source notebook.

What counts as a secret line (see ``leaks.is_substantial``): inside a ``### BEGIN SOLUTION`` or
``### BEGIN HIDDEN TESTS`` region, a line that, with whitespace normalised, has at least 10
characters and computes (an operator, a comparison, a call or an index): ``a = x @ Wx + prev_h
@ Wh + b`` or ``dx = da @ Wx.T`` count, ``return h, caches``, ``else:``, ``prev_h = h0`` or a
lone bracket do not, since every implementation has them. Inside a mark scheme, a line of at
least 20 characters. A secret is found inside a longer line too (``y = f(<secret>)``), but not
as the tail of a longer name.

One judged exception (``PUBLISHED_EQUATIONS``): the autograder's feedback names the equation a
failed output should satisfy (``dx = da @ Wx.T``, ``next_c = f * prev_c + i * g``), and a few
solution lines are those one-operation equations verbatim. Each is the code spelling of an
equation the released notebook itself states (the test checks the notebook says it), so a
student learns nothing from the hint that the stub's docstring does not tell them; no such line
passes a check on its own. They are accepted in the autograder's modules only, never in a
notebook or a support file.
"""

import copy
import fnmatch
import shutil
import zipfile
from pathlib import Path, PurePosixPath

import nbformat
import pytest
from support import leaks
from support.platform_builds import example_options

from autograder.builds import BUILDS
from autograder.instructor.nbgrader_pipeline import REPOSITORY, assignments

ASSIGNMENTS = assignments(REPOSITORY)
STUDENT_FACING = [name for name, build in BUILDS.items() if build.students_read]
ARTIFACTS = ["assignments"] + [f"{a} {name}" for a in ASSIGNMENTS for name in STUDENT_FACING]

PUBLISHED_EQUATIONS = {
    "s = sigmoid(a)": ("rnn", r"\sigma'(a) = \sigma(a)(1 - \sigma(a))"),
    "dx = da @ Wx.T": ("rnn", r"dx = \frac{\partial L}{\partial a} W_x^\top"),
    "dprev_h = da @ Wh.T": ("rnn", r"dh_{t-1} = \frac{\partial L}{\partial a} W_h^\top"),
    "dWx = x.T @ da": ("rnn", r"dW_x = x^\top \frac{\partial L}{\partial a}"),
    "dWh = prev_h.T @ da": ("rnn", r"dW_h = h_{t-1}^\top \frac{\partial L}{\partial a}"),
    "db = da.sum(axis=0)": ("rnn", r"db = \textstyle\sum_n \frac{\partial L}{\partial a_n}"),
    "norm = np.linalg.norm(grad)": ("rnn", r"\lVert g \rVert > \tau"),
    "next_c = f * prev_c + i * g": ("lstm", r"c_t = f \odot c_{t-1} + i \odot g"),
    "dprev_c = dc * f": ("lstm", r"dc_{t-1} = \frac{\partial L}{\partial c_t} \odot f"),
}
"""Solution lines the feedback may restate: each -> (assignment, the release's own LaTeX for it)."""


def is_package_module(path: str) -> bool:
    """A module of the shipped ``autograder`` package (not a released notebook or support file)."""
    parts = PurePosixPath(path).parts
    return path.endswith(".py") and "autograder" in parts and "releases" not in parts


def published(path: str, secret: leaks.Secret) -> bool:
    return is_package_module(path) and secret.normalised in {leaks.normalise(e) for e in PUBLISHED_EQUATIONS}


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    return nbformat.read(REPOSITORY / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.fixture(scope="module")
def secrets() -> list[leaks.Secret]:
    """Every assignment's secrets: the shipped package holds the checks of all of them."""
    return [s for a in ASSIGNMENTS for s in leaks.secrets_of(source_notebook(a), a)]


def unpacked(build, out: Path, destination: Path) -> Path:
    """The directory of a build's output (a zip is unpacked into ``destination``)."""
    if not build.archive:
        return out
    with zipfile.ZipFile(out) as archive:
        archive.extractall(destination)
    return destination


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[tuple[str, str], Path]:
    """(assignment, build name) -> the directory of that build's whole output."""
    root = tmp_path_factory.mktemp("builds")
    found = {}
    for assignment in ASSIGNMENTS:
        for name, build in BUILDS.items():
            out = build.make(
                assignment,
                root / f"{assignment}-{name}" / ("out.zip" if build.archive else "out"),
                **example_options(build),
            )
            found[assignment, name] = unpacked(build, out, root / f"{assignment}-{name}" / "unpacked")
    return found


def students_read(name: str, path: str) -> bool:
    return any(fnmatch.fnmatch(path, pattern) for pattern in BUILDS[name].students_read)


@pytest.fixture(scope="module")
def artifacts(outputs) -> dict[str, dict[str, bytes]]:
    """Artifact name -> the files of it students can read."""
    found = {"assignments": leaks.artifact_files(REPOSITORY / "assignments")}
    for (assignment, name), directory in outputs.items():
        if name in STUDENT_FACING:
            files = leaks.artifact_files(directory)
            found[f"{assignment} {name}"] = {p: d for p, d in files.items() if students_read(name, p)}
    return found


def known_answers(artifact: dict[str, bytes]) -> dict[str, bytes]:
    """Where an artifact holds published data, and the committed bytes it must be.

    A packaged ``autograder/data/<a>.npz``, the lstm notebook's cached sweep ``success_rates.json``
    (test losses, made by scripts/make_success_rates.py; tests/course/test_success_sweep.py), the rnn
    notebook's cached studies ``memory_studies.json`` (test losses and fractions clipped, made by
    scripts/make_memory_studies.py; tests/course/test_memory_studies.py) and the charlm notebook's cached
    experiment ``charlm_results.json`` (losses, AUCs, norms and samples of trained models, made by
    scripts/make_charlm_results.py; tests/course/test_charlm_experiment.py).
    """
    committed = {a: (REPOSITORY / "autograder" / "data" / f"{a}.npz").read_bytes() for a in ASSIGNMENTS}
    sweep = (REPOSITORY / "solutions" / "lstm" / "success_rates.json").read_bytes()
    studies = (REPOSITORY / "solutions" / "rnn" / "memory_studies.json").read_bytes()
    experiment = (REPOSITORY / "solutions" / "charlm" / "charlm_results.json").read_bytes()
    return {
        **{
            path: experiment
            for path in artifact
            if path == "charlm_results.json" or path.endswith("/charlm_results.json")
        },
        **{
            path: committed[a]
            for path in artifact
            for a in ASSIGNMENTS
            if path == f"autograder/data/{a}.npz" or path.endswith(f"/autograder/data/{a}.npz")
        },
        **{
            path: sweep
            for path in artifact
            if path == "success_rates.json" or path.endswith("/success_rates.json")
        },
        **{
            path: studies
            for path in artifact
            if path == "memory_studies.json" or path.endswith("/memory_studies.json")
        },
    }


def report(name: str, problems: list[str]) -> str:
    shown = "\n  ".join(problems[:20])
    return f"{len(problems)} problems in the {name}:\n  {shown}"


def test_every_artifact_is_scanned(artifacts, secrets):
    """Is every student-facing build there, each with a released notebook and the public checks?"""
    assert sorted(artifacts) == sorted(ARTIFACTS)
    for a in ASSIGNMENTS:
        for name in STUDENT_FACING:
            paths = set(artifacts[f"{a} {name}"])
            assert any(p == f"{a}.ipynb" or p.endswith(f"/{a}.ipynb") for p in paths), name
            if name != "prairielearn":  # its page links the release; the checks run in its image
                assert any("autograder/checks/" in p for p in paths), name
    kinds = {s.kind for s in secrets}
    assert kinds == {"solution", "hidden test", "mark scheme"}
    assert len(secrets) > 100


@pytest.mark.parametrize("name", ARTIFACTS)
def test_no_solution_hidden_test_or_mark_scheme_line(name, artifacts, secrets):
    """Does no substantial line of a solution, hidden test or mark scheme appear in any file?"""
    problems = leaks.secret_leaks(artifacts[name], secrets, exempt=published)
    assert problems == [], report(name, problems)


@pytest.mark.parametrize("name", ARTIFACTS)
def test_no_region_marker_and_no_hidden_check_is_called(name, artifacts):
    """Is there no BEGIN SOLUTION / HIDDEN TESTS / MARK SCHEME marker, nor hidden=True in a notebook?

    The package's own modules may spell the markers: they read source notebooks when solutions
    are available (and that code is public in nbgrader anyway).
    """
    problems = leaks.marker_leaks(artifacts[name], parsers=is_package_module)
    assert problems == [], report(name, problems)


@pytest.mark.parametrize("name", ARTIFACTS)
def test_no_data_beyond_the_published_known_answers(name, artifacts):
    """Is every data file the committed autograder/data/<a>.npz, a cached experiment or study, or a JSON Schema, every other file text?

    The committed known answers are what scripts/make_known_answers.py writes (tests/checking/test_known_answers.py).
    """
    problems = leaks.data_problems(artifacts[name], allowed=known_answers(artifacts[name]))
    assert problems == [], report(name, problems)


@pytest.mark.parametrize("name", ARTIFACTS)
def test_notebooks_carry_no_outputs(name, artifacts):
    """Does no shipped notebook carry outputs or execution counts (values computed by a reference)?"""
    problems = leaks.executed_cells(artifacts[name])
    assert problems == [], report(name, problems)


def test_published_equations_are_solution_lines_the_release_states(artifacts, secrets):
    """Is every accepted restatement a real solution line, stated by the release, and still used?"""
    restated = {a: leaks.secret_leaks(artifacts[f"{a} student"], secrets) for a in ASSIGNMENTS}
    for equation, (assignment, _) in PUBLISHED_EQUATIONS.items():  # each bundle ships its own checks only
        assert any(p.endswith(f"`{equation}`") for p in restated[assignment]), (
            f"{equation} is accepted but never restated"
        )
    for equation, (assignment, latex) in PUBLISHED_EQUATIONS.items():
        solution = {s.normalised for s in leaks.secrets_of(source_notebook(assignment), assignment)}
        assert leaks.normalise(equation) in solution, (
            f"{equation} is no longer a solution line of {assignment}"
        )
        release = nbformat.read(REPOSITORY / "assignments" / assignment / f"{assignment}.ipynb", as_version=4)
        assert any(latex in cell.source for cell in release.cells), (
            f"the {assignment} release does not state {latex}"
        )


def test_source_notebooks_are_only_where_students_never_read(artifacts, outputs):
    """Is each source notebook, byte for byte, in the Gradescope zip only (PrairieLearn grades the public checks)?"""
    sources = {a: (REPOSITORY / "solutions" / a / f"{a}.ipynb").read_bytes() for a in ASSIGNMENTS}
    for assignment in ASSIGNMENTS:
        held = f"course/solutions/{assignment}/{assignment}.ipynb"
        assert (outputs[assignment, "gradescope"] / held).read_bytes() == sources[assignment]
        question = outputs[assignment, "prairielearn"]
        assert not [p for p in question.rglob("*") if p.is_file() and p.read_bytes() in sources.values()]
        assert not list(question.rglob("solutions"))
    for name, artifact in artifacts.items():
        for path, data in artifact.items():
            assert "solutions" not in PurePosixPath(path).parts, f"{name}: {path}"
            assert data not in sources.values(), f"{name}: {path} is a source notebook"


# --- Each detector fires on a leak put into a copy of a real artifact ---------------------------


@pytest.fixture
def leaky(outputs, tmp_path) -> Path:
    """A copy of the rnn student bundle, to put leaks into."""
    return Path(shutil.copytree(outputs["rnn", "student"], tmp_path / "template"))


def secret(secrets, kind: str, cell: str) -> leaks.Secret:
    """The longest secret line of one kind in one cell."""
    return max((s for s in secrets if s.kind == kind and s.cell == cell), key=lambda s: len(s.text))


def append_line(path: Path, line: str) -> int:
    """Append ``line`` to a text file; return its line number."""
    text = path.read_text("utf-8")
    path.write_text(text + line + "\n", encoding="utf-8")
    return len(text.splitlines()) + 1


def edit_notebook(path: Path, grade_id: str, edit) -> None:
    notebook = nbformat.read(path, as_version=4)
    edit(next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id))
    nbformat.write(notebook, path)


def scan(directory: Path, secrets) -> list[str]:
    return leaks.secret_leaks(leaks.artifact_files(directory), secrets, exempt=published)


def test_a_solution_line_in_a_package_module_is_reported_with_its_line(leaky, secrets):
    """Is a solution line, respaced, caught in the shipped check code, naming the file and line?"""
    line = secret(secrets, "solution", "rnn_backward")
    respaced = "    " + line.text.replace(" ", "").replace("=", " =  ")
    number = append_line(leaky / "grader/autograder/checks/rnn_steps.py", respaced)
    assert scan(leaky, secrets) == [f"grader/autograder/checks/rnn_steps.py:{number}: {line}"]


def test_a_solution_line_inside_a_longer_line_of_a_support_file_is_reported(leaky, secrets):
    line = secret(secrets, "solution", "clip_by_global_norm")
    number = append_line(leaky / "rnn_support.py", f"if True: {line.text}  # kept for the plots")
    line_found = [p for p in scan(leaky, secrets) if p.startswith(f"rnn_support.py:{number}:")]
    assert len(line_found) == 1 and "clip_by_global_norm" in line_found[0]


def test_a_name_that_only_ends_like_a_solution_line_is_not_a_leak():
    assert not leaks.occurs(leaks.normalise("norm = np.linalg.norm(grad)"), "got_norm=np.linalg.norm(grad)")
    assert leaks.occurs(leaks.normalise("norm = np.linalg.norm(grad)"), "got, norm=np.linalg.norm(grad)")


def test_a_solution_line_in_a_notebook_output_is_reported_and_the_output_too(leaky, secrets):
    line = secret(secrets, "solution", "rnn_step_backward")
    output = nbformat.v4.new_output("stream", name="stdout", text=f"debug: {line.text}\n")
    edit_notebook(leaky / "rnn.ipynb", "test_rnn_step_backward", lambda cell: cell.outputs.append(output))
    files = leaks.artifact_files(leaky)
    problems = leaks.secret_leaks(files, secrets, exempt=published)
    assert any(
        p.startswith("rnn.ipynb cell") and "(test_rnn_step_backward) outputs line 1" in p for p in problems
    )
    assert [p for p in leaks.executed_cells(files) if p.startswith("rnn.ipynb")] != []


def test_an_accepted_equation_is_still_a_leak_in_a_notebook(leaky, secrets):
    edit_notebook(
        leaky / "rnn.ipynb",
        "rnn_step_backward",
        lambda cell: setattr(cell, "source", cell.source + "\n    dx = da @ Wx.T"),
    )
    assert [p for p in scan(leaky, secrets) if "(rnn_step_backward) source" in p and "`dx = da @ Wx.T`" in p]


def test_a_hidden_test_is_reported_as_a_line_and_as_a_hidden_call(leaky, secrets):
    line = secret(secrets, "hidden test", "test_rnn_backward")
    number = append_line(leaky / "README.md", line.text)
    assert f"README.md:{number}: {line}" in scan(leaky, secrets)
    edit_notebook(
        leaky / "rnn.ipynb",
        "test_sigmoid",
        lambda cell: setattr(cell, "source", cell.source + "\nchecks.sigmoid(sigmoid,hidden = True)"),
    )
    problems = leaks.marker_leaks(leaks.artifact_files(leaky), parsers=is_package_module)
    assert [p for p in problems if "(test_sigmoid) source" in p and "hidden check" in p]


def test_a_mark_scheme_line_and_marker_are_reported(leaky, secrets):
    line = secret(secrets, "mark scheme", "written_clipping_question")
    edit_notebook(
        leaky / "grader/autograder/releases/rnn/rnn.ipynb",
        "written_clipping_question",
        lambda cell: setattr(cell, "source", cell.source + "\n\n=== BEGIN MARK SCHEME ===\n\n" + line.text),
    )
    files = leaks.artifact_files(leaky)
    where = "grader/autograder/releases/rnn/rnn.ipynb cell"
    assert [
        p
        for p in leaks.secret_leaks(files, secrets, exempt=published)
        if p.startswith(where) and str(line) in p
    ]
    assert [
        p
        for p in leaks.marker_leaks(files, parsers=is_package_module)
        if p.startswith(where) and "MARK SCHEME" in p
    ]


def test_stray_data_and_changed_known_answers_are_reported(leaky):
    data = leaky / "grader/autograder/data"
    shutil.copy2(data / "rnn.npz", data / "reference_outputs.npz")
    (data / "rnn.npz").write_bytes((data / "rnn.npz").read_bytes() + b"\0")
    (leaky / "grader/autograder/schemas/expected.json").write_text('{"dx": [1.0, 2.0]}')
    (leaky / "notes.txt").write_bytes(b"\x93NUMPY\x01\x00")
    files = leaks.artifact_files(leaky)
    problems = leaks.data_problems(files, allowed=known_answers(files))
    assert sorted(p.split(":")[0] for p in problems) == [
        "grader/autograder/data/reference_outputs.npz",
        "grader/autograder/data/rnn.npz",
        "grader/autograder/schemas/expected.json",
        "notes.txt",
    ]


def test_an_executed_release_is_reported(outputs):
    release = nbformat.read(outputs["rnn", "student"] / "rnn.ipynb", as_version=4)
    executed = copy.deepcopy(release)
    cell = next(c for c in executed.cells if c.cell_type == "code")
    cell.execution_count = 1
    problems = leaks.executed_cells({"rnn.ipynb": nbformat.writes(executed).encode()})
    assert problems == [f"rnn.ipynb cell {executed.cells.index(cell)}: 0 outputs, execution count 1"]
