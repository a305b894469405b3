"""The parts of an assignment notebook, read from nbgrader's cell metadata.

* setup cells: locked code cells before the first answer that grade nothing (the imports);
* answer cells: code cells the student writes (nbgrader ``solution`` cells);
* test cells: locked code cells worth points (nbgrader ``grade`` cells that are not answers);
* written answers: markdown answer cells worth points, graded by a person.
"""

import ast
import math
import re
from dataclasses import dataclass

from autograder.notebook_json import NotebookNode

BEGIN_HIDDEN = re.compile(r"[ \t]*### BEGIN HIDDEN TESTS")
END_HIDDEN = re.compile(r"[ \t]*### END HIDDEN TESTS")
"""The lines that open and close nbgrader's hidden tests (matched at a line's start only: no backtracking)."""

MAX_GRADE_ID = 200
"""The longest grade id taken as one (nbgrader's are short names such as ``test_rnn_backward``)."""


@dataclass(frozen=True)
class NotebookCell:
    """A cell that matters to grading: its grade id, source and points."""

    grade_id: str
    source: str
    points: float = 0.0


def _nbgrader(cell) -> dict:
    """The nbgrader metadata of a cell; ``{}`` when it has none, or something that is not a JSON object."""
    metadata = cell.get("metadata")
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return nbgrader if isinstance(nbgrader, dict) else {}


def grade_id_of(cell) -> str | None:
    """The grade id of a cell: a non-empty text of at most :data:`MAX_GRADE_ID` characters, else None.

    A submission's metadata is the student's: an integer, a list or a megabyte of text is no grade id.
    """
    grade_id = _nbgrader(cell).get("grade_id")
    return grade_id if isinstance(grade_id, str) and 0 < len(grade_id) <= MAX_GRADE_ID else None


def _points(metadata: dict) -> float:
    """The points of a cell: a finite, non-negative number, else 0."""
    value = metadata.get("points", 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    value = float(value)
    return value if math.isfinite(value) and value >= 0 else 0.0


def _code(cell) -> bool:
    return cell.get("cell_type") == "code"


def setup_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The locked code cells before the first answer cell that grade nothing: the notebook's imports.

    Locked cells further down (a summary of the scores, say) are not setup: the sandbox never runs them.
    """
    cells = []
    for cell in notebook.cells:
        metadata = _nbgrader(cell)
        if metadata.get("solution"):
            break
        if _code(cell) and metadata.get("locked") and not (metadata.get("grade") or metadata.get("task")):
            cells.append(NotebookCell(grade_id_of(cell) or "", cell.source))
    return cells


def answer_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The code answer cells with a grade id, in notebook order."""
    return [
        NotebookCell(grade_id_of(c), c.source)
        for c in notebook.cells
        if _code(c) and _nbgrader(c).get("solution") and grade_id_of(c)
    ]


def test_cells(notebook: NotebookNode) -> list[NotebookCell]:
    """The autograded test cells with a grade id and their points, in notebook order."""
    return [
        NotebookCell(grade_id_of(c), c.source, _points(_nbgrader(c)))
        for c in notebook.cells
        if _code(c) and _nbgrader(c).get("grade") and not _nbgrader(c).get("solution") and grade_id_of(c)
    ]


def written_answers(notebook: NotebookNode) -> list[NotebookCell]:
    """The answer cells a person grades (markdown answers with a grade id, worth points), in notebook order."""
    return [
        NotebookCell(grade_id_of(c), c.source, _points(_nbgrader(c)))
        for c in notebook.cells
        if c.get("cell_type") == "markdown" and _nbgrader(c).get("solution") and _nbgrader(c).get("grade") and grade_id_of(c)
    ]


def defined_functions(source: str) -> list[str]:
    """The names of the functions a cell defines at its top level ([] if it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def without_hidden_tests(source: str) -> str:
    """A test cell's source as the release shows it: every hidden-tests block removed, line by line.

    A block runs from a ``### BEGIN HIDDEN TESTS`` line to the next ``### END HIDDEN TESTS`` line, both
    included; a block that is never closed is kept as it is. One pass over the lines: a cell of any
    number of markers costs time in proportion to its length.
    """
    kept: list[str] = []
    block: list[str] | None = None
    for line in source.splitlines(keepends=True):
        if block is None:
            if BEGIN_HIDDEN.match(line):
                block = [line]
            else:
                kept.append(line)
        else:
            block.append(line)
            if END_HIDDEN.match(line):
                block = None
    return "".join(kept + (block or []))


def grade_id_duplicates(notebook: NotebookNode) -> list[str]:
    """The grade ids that more than one cell of the notebook carries."""
    seen: dict[str, int] = {}
    for cell in notebook.cells:
        grade_id = grade_id_of(cell)
        if grade_id:
            seen[grade_id] = seen.get(grade_id, 0) + 1
    return sorted(grade_id for grade_id, count in seen.items() if count > 1)
