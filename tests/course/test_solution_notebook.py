"""The solution notebooks run top to bottom and earn every autograded point, with clean output."""

import pytest

# For each assignment: how many autograded test cells and how many figures its notebook has.
NOTEBOOKS = {"rnn": (11, 7), "lstm": (6, 4), "charlm": (6, 6)}


@pytest.fixture(params=sorted(NOTEBOOKS))
def executed(request, solution_run):
    """``(assignment, notebook)``: a solution notebook executed in a copy of its directory."""
    return request.param, solution_run(request.param).notebook


def graded_code_cells(notebook):
    return [
        c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    ]


def test_no_cell_errors_or_writes_to_stderr(executed):
    """Does every cell run without an error and without stderr output (which nbgrader scores as 0)?"""
    _, notebook = executed
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.source
            assert output.get("name") != "stderr", (cell.source, output.get("text"))


def test_every_test_cell_ends_with_its_full_points(executed):
    """Does each test cell's final value equal the points nbgrader awards for it?"""
    assignment, notebook = executed
    cells = graded_code_cells(notebook)
    assert len(cells) == NOTEBOOKS[assignment][0]
    for cell in cells:
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, cell.source
        assert float(results[0].data["text/plain"]) == cell.metadata.nbgrader.points, cell.source


def test_experiments_draw_their_figures(executed):
    """Does each experiment cell show its figure?"""
    assignment, notebook = executed
    images = [c for c in notebook.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == NOTEBOOKS[assignment][1]
