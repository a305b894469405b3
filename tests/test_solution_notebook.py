"""The solution notebook runs top to bottom and earns every autograded point, with clean output."""

import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    """The rnn solution notebook executed in a copy of its directory."""
    workdir = tmp_path_factory.mktemp("rnn")
    for path in (REPO / "solutions" / "rnn").iterdir():
        if path.is_file():
            shutil.copy(path, workdir)
    notebook = nbformat.read(workdir / "rnn.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return notebook


def graded_code_cells(notebook):
    return [
        c for c in notebook.cells if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")
    ]


def test_no_cell_errors_or_writes_to_stderr(executed):
    """Does every cell run without an error and without stderr output (which nbgrader scores as 0)?"""
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            assert output.output_type != "error", cell.source
            assert output.get("name") != "stderr", (cell.source, output.get("text"))


def test_every_test_cell_ends_with_its_full_points(executed):
    """Does each test cell's final value equal the points nbgrader awards for it?"""
    cells = graded_code_cells(executed)
    assert len(cells) == 10
    for cell in cells:
        results = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert len(results) == 1, cell.source
        assert float(results[0].data["text/plain"]) == cell.metadata.nbgrader.points, cell.source


def test_experiments_draw_their_figures(executed):
    """Do the two experiment cells each show a figure?"""
    images = [c for c in executed.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert len(images) == 2
