"""The parts of an assignment notebook, read from nbgrader's cell metadata.

* setup cells: locked code cells before the first answer that grade nothing (the imports);
* answer cells: code cells the student writes (nbgrader ``solution`` cells);
* test cells: locked code cells worth points (nbgrader ``grade`` cells that are not answers);
* written answers: markdown answer cells worth points, graded by a person.
"""

import ast
import re
from dataclasses import dataclass

from autograder.notebook_json import NotebookNode

HIDDEN_TESTS = re.compile(
    r"^[ \t]*### BEGIN HIDDEN TESTS.*?^[ \t]*### END HIDDEN TESTS[^\n]*\n?", re.DOTALL | re.MULTILINE
)


@dataclass(frozen=True)
class NotebookCell:
    """A cell that matters to grading: its grade id, source and points."""

    grade_id: str
    source: str
    points: float = 0.0


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def setup_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The locked code cells before the first answer cell that grade nothing: the notebook's imports.

    Locked cells further down (a summary of the scores, say) are not setup: the sandbox never runs them.
    """
    cells = []
    for cell in notebook.cells:
        metadata = _nbgrader(cell)
        if metadata.get("solution"):
            break
        if cell.cell_type == "code" and metadata.get("locked") and not (metadata.get("grade") or metadata.get("task")):
            cells.append(NotebookCell(metadata.get("grade_id", ""), cell.source))
    return cells


def answer_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The code answer cells, in notebook order."""
    return [
        NotebookCell(_nbgrader(c)["grade_id"], c.source)
        for c in notebook.cells
        if c.cell_type == "code" and _nbgrader(c).get("solution") and "grade_id" in _nbgrader(c)
    ]


def test_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The autograded test cells with their points, in notebook order."""
    return [
        NotebookCell(_nbgrader(c)["grade_id"], c.source, float(_nbgrader(c).get("points", 0)))
        for c in notebook.cells
        if c.cell_type == "code" and _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")
    ]


def written_answers(notebook: NotebookNode) -> list[NotebookCell]:
    """The answer cells a person grades (markdown answers worth points), in notebook order."""
    return [
        NotebookCell(_nbgrader(c)["grade_id"], c.source, float(_nbgrader(c).get("points", 0)))
        for c in notebook.cells
        if c.cell_type == "markdown" and _nbgrader(c).get("solution") and _nbgrader(c).get("grade")
    ]


def defined_functions(source: str) -> list[str]:
    """The names of the functions a cell defines at its top level ([] if it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def without_hidden_tests(source: str) -> str:
    """A test cell's source as the release shows it: the hidden-tests block removed."""
    return HIDDEN_TESTS.sub("", source)


def grade_id_duplicates(notebook: NotebookNode) -> list[str]:
    """The grade ids that more than one cell of the notebook carries."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        grade_id = _nbgrader(cell).get("grade_id")
        if grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
    return sorted(grade_id for grade_id, count in seen.items() if count > 1)
