"""The committed student release in assignments/ is what nbgrader makes of solutions/, and safe to hand out.

The release holds only stubs, leaks no line of a solution, hidden test or mark scheme, and every
test cell is worth exactly what its checks can award. That regenerating it gives the committed
bytes (nbgrader's output holds no timestamp or path, so any difference is a real one: a solution
edited without `make assignments`, or a changed nbgrader or nbformat version) is checked where
INSTRUCTORS.md's section 5 runs `make assignments`: ``tests/instructor/test_instructors_guide.py``.
"""

import ast
import contextlib
import copy
import io

import nbformat
import pytest
from support import leaks

from autograder.checking.reference import load_reference
from autograder.instructor.nbgrader_pipeline import REPOSITORY, assignments
from autograder.instructor.submissions import answer_cells

RELEASE = REPOSITORY / "assignments"
ASSIGNMENTS = assignments(REPOSITORY)


def source_notebook(name):
    return nbformat.read(REPOSITORY / "solutions" / name / f"{name}.ipynb", as_version=4)


def release_notebook(name):
    return nbformat.read(RELEASE / name / f"{name}.ipynb", as_version=4)


def test_every_assignment_is_released():
    """Does assignments/ hold one release per solution notebook, and nothing else?"""
    assert ASSIGNMENTS, "no solutions/<name>/<name>.ipynb found"
    assert sorted(p.name for p in RELEASE.iterdir() if p.is_dir()) == ASSIGNMENTS


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
    """Does no line of a solution, a hidden test or a mark scheme appear in any released file?

    tests/builds/test_leaks.py runs the same detector over every student-facing artifact.
    """
    secrets = leaks.secrets_of(source_notebook(name), name)
    assert len(secrets) > 20, "the source notebook should have solutions, hidden tests and mark schemes"
    assert leaks.secret_leaks(leaks.artifact_files(RELEASE / name), secrets) == []


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
    secrets = leaks.secrets_of(source_notebook("rnn"), "rnn")
    secret = sorted((s for s in secrets if s.cell == grade_id), key=lambda s: s.text)[-1]
    assert secret.kind == kind
    leaky = copy.deepcopy(release_notebook("rnn"))
    cell = next(c for c in leaky.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)
    cell.source += "\n    " + secret.text
    found = leaks.secret_leaks({"rnn.ipynb": nbformat.writes(leaky).encode()}, secrets)
    assert len(found) == 1 and found[0].startswith("rnn.ipynb cell") and found[0].endswith(str(secret))


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
