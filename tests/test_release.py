"""The committed student release in assignments/ is exactly what nbgrader makes of solutions/.

Regenerating gives the same bytes: nbgrader's output holds no timestamp or path (checksums are
hashes of the cell sources), so any difference is a real one: a solution edited without
`make assignments`, or a changed nbgrader/nbformat version (the message says if the notebooks
still agree once parsed). The release holds only stubs, leaks no line of a solution, hidden
test or mark scheme, and every test cell is worth exactly what its checks can award.
"""

import ast
import contextlib
import copy
import fnmatch
import io
import json

import nbformat
import pytest

from autograder.nbgrader_pipeline import IGNORED, REPOSITORY, assignments, generate_releases
from autograder.reference import load_reference
from autograder.submissions import answer_cells

RELEASE = REPOSITORY / "assignments"
ASSIGNMENTS = assignments(REPOSITORY)

SECRET_REGIONS = [
    ("### BEGIN SOLUTION", "### END SOLUTION"),
    ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
    ("BEGIN MARK SCHEME", "END MARK SCHEME"),
]
MIN_WORD_CHARACTERS = 6
"""A line with fewer letters, digits or underscores (``else:``, ``T = 1``) gives nothing away."""


def files(directory):
    """Relative path -> bytes of every file under ``directory``, skipping caches."""
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not any(fnmatch.fnmatch(part, p) for part in path.parts for p in IGNORED)
    }


def source_notebook(name):
    return nbformat.read(REPOSITORY / "solutions" / name / f"{name}.ipynb", as_version=4)


def release_notebook(name):
    return nbformat.read(RELEASE / name / f"{name}.ipynb", as_version=4)


def secret_lines(notebook):
    """The stripped, non-trivial lines inside the solution, hidden test and mark scheme regions."""
    secrets = set()
    for cell in notebook.cells:
        end = None
        for line in cell.source.splitlines():
            begins = [e for b, e in SECRET_REGIONS if b in line]
            if end is None and begins:
                end = begins[0]
            elif end is not None and end in line:
                end = None
            elif end is not None and sum(c.isalnum() or c == "_" for c in line) >= MIN_WORD_CHARACTERS:
                secrets.add(line.strip())
    return secrets


def strings(value):
    """Every string inside a parsed JSON value: cell sources, outputs, metadata."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def released_lines(name, data):
    """The stripped lines of a released file; for a notebook, also of every string in its JSON."""
    text = data.decode("utf-8", errors="replace")
    texts = [text, *strings(json.loads(text))] if name.endswith(".ipynb") else [text]
    return {line.strip() for t in texts for line in t.splitlines()}


def leaks(secrets, released):
    """(file, line) for every secret line that is also a whole line of a released file."""
    return sorted(
        (name, line) for name, data in released.items() for line in secrets & released_lines(name, data)
    )


def test_every_assignment_is_released():
    """Does assignments/ hold one release per solution notebook, and nothing else?"""
    assert ASSIGNMENTS, "no solutions/<name>/<name>.ipynb found"
    assert sorted(p.name for p in RELEASE.iterdir() if p.is_dir()) == ASSIGNMENTS


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_regenerating_the_release_changes_nothing(name, tmp_path):
    """Does `nbgrader generate_assignment` in a fresh course give the committed bytes?"""
    generate_releases(tmp_path, [name])
    fresh, committed = files(tmp_path / name), files(RELEASE / name)
    assert sorted(fresh) == sorted(committed), "run `make assignments` and commit the result"
    for path, data in fresh.items():
        if data != committed[path]:
            same_json = path.endswith(".ipynb") and json.loads(data) == json.loads(committed[path])
            pytest.fail(
                f"assignments/{name}/{path} differs from a fresh release"
                + (" only in formatting (nbformat version?)" if same_json else "")
                + ": run `make assignments` and commit the result"
            )


def stub_problems(source):
    """What in a code answer cell is more than a docstring and `raise NotImplementedError()`."""
    problems = []

    def check(body):
        for statement in body:
            if isinstance(statement, ast.FunctionDef):
                check(statement.body)
            elif ast.unparse(statement) != "raise NotImplementedError()" and not (
                isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
            ):
                problems.append(ast.unparse(statement))

    check(ast.parse(source).body)
    if "# YOUR CODE HERE" not in source or "raise NotImplementedError()" not in source:
        problems.append("no `# YOUR CODE HERE` / `raise NotImplementedError()` stub")
    return problems


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_every_answer_cell_is_a_stub(name):
    """Is every answer cell of the release nbgrader's stub: code raising NotImplementedError, or YOUR ANSWER HERE?"""
    cells = answer_cells(release_notebook(name))
    assert sorted(cells) == sorted(answer_cells(source_notebook(name)))
    for grade_id, cell in cells.items():
        if cell.cell_type == "markdown":
            assert cell.source.strip() == "YOUR ANSWER HERE", grade_id
        else:
            assert stub_problems(cell.source) == [], grade_id


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_no_solution_hidden_test_or_mark_scheme_line_is_released(name):
    """Does no line of a solution, a hidden test or a mark scheme appear in any released file?"""
    secrets = secret_lines(source_notebook(name))
    assert len(secrets) > 20, "the source notebook should have solutions, hidden tests and mark schemes"
    assert leaks(secrets, files(RELEASE / name)) == []


@pytest.mark.parametrize(
    "grade_id, kind",
    [
        ("rnn_backward", "solution"),
        ("test_rnn_backward", "hidden test"),
        ("written_clipping_question", "mark scheme"),
    ],
)
def test_a_leaked_line_is_caught(grade_id, kind):
    """Would a release that kept one line of a solution, hidden test or mark scheme fail the test above?"""
    source = {
        c.metadata.nbgrader["grade_id"]: c for c in source_notebook("rnn").cells if "nbgrader" in c.metadata
    }
    secret = sorted(secret_lines(nbformat.v4.new_notebook(cells=[source[grade_id]])))[-1]
    leaky = copy.deepcopy(release_notebook("rnn"))
    cell = next(c for c in leaky.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source += "\n    " + secret
    released = {"rnn.ipynb": nbformat.writes(leaky).encode()}
    assert leaks(secret_lines(source_notebook("rnn")), released) == [("rnn.ipynb", secret)], kind


def final_value(source, namespace):
    """Execute a cell's source like a notebook does; return its last expression's value."""
    tree = ast.parse(source)
    *body, last = tree.body
    assert isinstance(last, ast.Expr), "a test cell must end with its score"
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(ast.Module(body, []), "<test cell>", "exec"), namespace)
        return eval(compile(ast.Expression(last.value), "<test cell>", "eval"), namespace)


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_points_are_what_the_checks_award_the_reference(name):
    """Does the reference earn exactly each test cell's points, hidden tests included, with the release's points the same?"""
    reference = vars(load_reference(name))
    released = {
        c.metadata.nbgrader["grade_id"]: c for c in release_notebook(name).cells if "nbgrader" in c.metadata
    }
    tests = [
        c
        for c in source_notebook(name).cells
        if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    ]
    assert tests
    for cell in tests:
        grade_id, points = cell.metadata.nbgrader["grade_id"], cell.metadata.nbgrader["points"]
        assert released[grade_id].metadata.nbgrader["points"] == points, grade_id
        assert final_value(cell.source, dict(reference)) == points, grade_id


def test_a_solution_is_not_a_stub():
    """Would an answer cell that kept its solution fail the stub test above?"""
    for grade_id, cell in answer_cells(source_notebook("rnn")).items():
        if cell.cell_type == "code":
            assert stub_problems(cell.source) != [], grade_id
