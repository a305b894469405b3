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

While grading, never from inside a folder being graded: a grader running in a student's checkout (a
CI job, Classroom 50) would otherwise find a ``solutions/`` the student committed there, take its test
cells as the trusted ones and run them in the grader's own process. Grading marks the folders of its
batch with :func:`distrusting`; then a ``solutions/`` around the current directory counts only in an
nbgrader course directory (beside ``nbgrader_config.py``) outside all of them (:func:`course_around`).
The grader's own checkout and package count always: whoever can write them controls the grader anyway.
"""

import contextlib
import functools
import importlib.util
import os
import types
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

import numpy as np

from autograder.notebook_json import NotebookNode, read_notebook

ENVIRONMENT_VARIABLE = "AUTOGRADER_SOLUTIONS"
COURSE_MARK = "nbgrader_config.py"
"""The file that makes a directory an nbgrader course: only beside it is a ``solutions/`` found from the current directory."""


class SolutionsNotFound(LookupError):
    """The solution notebook of an assignment could not be found."""


_distrusted: ContextVar[tuple[str, ...]] = ContextVar("distrusted_folders", default=())


@contextlib.contextmanager
def distrusting(*folders: str | os.PathLike) -> Iterator[None]:
    """Within (and in the threads started with a copy of this context): nothing is found inside ``folders``."""
    token = _distrusted.set(_distrusted.get() + tuple(os.path.realpath(folder) for folder in folders))
    try:
        yield
    finally:
        _distrusted.reset(token)


def distrusted_folders() -> tuple[str, ...]:
    """The folders nothing trusted may come from here (the submissions being graded), resolved."""
    return _distrusted.get()


def trusted_path(notebook: Path) -> bool:
    """True when ``notebook`` lies outside every distrusted folder, as named and where its links lead."""
    places = {os.path.abspath(notebook), os.path.realpath(notebook)}
    return not any(place == folder or place.startswith(folder.rstrip(os.sep) + os.sep) for folder in _distrusted.get() for place in places)


def candidate_directories() -> list[Path]:
    """The ``solutions/`` directories to try, in order."""
    candidates = []
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        path = Path(configured).expanduser()
        candidates += [path, path / "solutions"]
    cwd = Path.cwd().resolve()
    candidates += [parent / "solutions" for parent in (cwd, *cwd.parents) if course_around(parent)]
    candidates.append(Path(__file__).resolve().parents[2] / "solutions")
    return candidates


def course_around(directory: Path) -> bool:
    """True when ``directory``, around the current one, may hold the course's ``solutions/``.

    Always in a notebook's kernel (nothing is being graded here: nbgrader autograde runs notebooks
    in ``autograded/<student>/<assignment>/``). While grading, only an nbgrader course directory (it
    holds ``nbgrader_config.py``) outside every folder being graded: the grader may run inside a
    student's checkout, or in a folder of students one of whom is named ``solutions``.
    """
    if not _distrusted.get():
        return True
    return (directory / COURSE_MARK).is_file() and trusted_path(directory / "solutions")


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


def support_names(notebook: Path) -> dict:
    """The public names of the assignment's support module ``<assignment>_support.py``, if it has one.

    Answer cells may call the helpers their notebook's setup cell imports from it (charlm's
    ``train_step`` calls the provided ``rnn_forward``). The module is loaded from its file under a
    name of its own, without touching ``sys.path``; it must import nothing beyond numpy and the
    standard library.
    """
    path = notebook.parent / f"{notebook.stem}_support.py"
    if not path.is_file():
        return {}
    spec = importlib.util.spec_from_file_location(f"reference_{notebook.stem}_support", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {name: value for name, value in vars(module).items() if not name.startswith("_")}


@functools.lru_cache(maxsize=8)
def _load(path: Path) -> types.SimpleNamespace:
    notebook = read_notebook(path)
    support = {k: v for k, v in support_names(path).items() if k != "np"}
    namespace: dict = {**support, "np": np, "__name__": f"reference_{path.stem}"}
    for cell in solution_cells(notebook):
        grade_id = cell.metadata["nbgrader"].get("grade_id", "?")
        exec(compile(cell.source, f"{path}:{grade_id}", "exec"), namespace)  # noqa: S102
    return types.SimpleNamespace(
        **{k: v for k, v in namespace.items() if not k.startswith("__") and (k not in support or v is not support[k])}
    )
