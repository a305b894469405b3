"""The reference functions, loaded from the solution cells of the source notebooks.

The solution notebooks in ``solutions/<assignment>/`` are the only copy of the reference code.
This module finds them and executes their solution cells (the cells nbgrader marks as
``solution``) into a fresh namespace, in notebook order.

Where the solutions are looked for, first match wins:

1. the environment variable ``AUTOGRADER_SOLUTIONS``: a ``solutions/`` directory or a course
   directory that contains one;
2. the current directory and its parents: any nbgrader course directory made from this
   repository (nbgrader autograde runs notebooks in ``autograded/<student>/<assignment>/``);
3. the checkout this package was imported from.
"""

import functools
import os
import types
from pathlib import Path

import numpy as np

from autograder.notebook_json import NotebookNode, read_notebook

ENVIRONMENT_VARIABLE = "AUTOGRADER_SOLUTIONS"


class SolutionsNotFound(LookupError):
    """The solution notebook of an assignment could not be found."""


def candidate_directories() -> list[Path]:
    """The ``solutions/`` directories to try, in order."""
    candidates = []
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        path = Path(configured).expanduser()
        candidates += [path, path / "solutions"]
    cwd = Path.cwd().resolve()
    candidates += [parent / "solutions" for parent in (cwd, *cwd.parents)]
    candidates.append(Path(__file__).resolve().parents[2] / "solutions")
    return candidates


def find_solution_notebook(assignment: str) -> Path:
    """The path of ``<assignment>.ipynb`` in the first solutions directory that has it."""
    for directory in candidate_directories():
        notebook = directory / assignment / f"{assignment}.ipynb"
        if notebook.is_file():
            return notebook
    raise SolutionsNotFound(
        f"The solutions of '{assignment}' were not found, so the hidden checks cannot run. "
        f"Set {ENVIRONMENT_VARIABLE} to the course directory (the one holding solutions/)."
    )


PACKAGE_RELEASES = Path(__file__).resolve().parents[1] / "releases"
"""Where a packaged public autograder keeps the released notebooks (see ``autograder build``)."""


def release_directories() -> list[Path]:
    """The directories holding released notebooks, ``<assignment>/<assignment>.ipynb``, in order.

    Only the checkout this package was imported from and the package itself: never a directory
    found from the current one, which may be a student's own copy.
    """
    return [Path(__file__).resolve().parents[2] / "assignments", PACKAGE_RELEASES]


def find_release_notebook(assignment: str) -> Path:
    """The path of the released ``<assignment>.ipynb`` (public tests only)."""
    for directory in release_directories():
        notebook = directory / assignment / f"{assignment}.ipynb"
        if notebook.is_file():
            return notebook
    raise SolutionsNotFound(f"No assignment '{assignment}' is known: neither its solutions nor its release were found.")


def known_assignments() -> list[str]:
    """Every assignment whose solutions or release can be found."""
    names = {
        notebook.stem
        for directory in [*candidate_directories(), *release_directories()]
        if directory.is_dir()
        for notebook in directory.glob("*/*.ipynb")
        if notebook.stem == notebook.parent.name
    }
    return sorted(names)


def solution_cells(notebook: NotebookNode) -> list[NotebookNode]:
    """The code cells nbgrader marks as solution (answer) cells, in notebook order."""
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and cell.metadata.get("nbgrader", {}).get("solution", False)
    ]


def load_reference(assignment: str) -> types.SimpleNamespace:
    """The reference functions of ``assignment``, as attributes of a namespace."""
    return _load(find_solution_notebook(assignment))


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> types.SimpleNamespace:
    notebook = read_notebook(path)
    namespace: dict = {"np": np, "__name__": f"reference_{path.stem}"}
    for cell in solution_cells(notebook):
        grade_id = cell.metadata["nbgrader"].get("grade_id", "?")
        exec(compile(cell.source, f"{path}:{grade_id}", "exec"), namespace)  # noqa: S102
    return types.SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("__")})
