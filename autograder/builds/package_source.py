"""What every build shares: the autograder's source for one assignment, its pyproject, and the templates.

A build ships the package ``autograder`` as source, with a ``pyproject.toml`` of its own, so that
``pip install <dir>`` installs the same grader the instructor runs, for that assignment only: the
modules its grading imports and its own known answers (:mod:`autograder.builds.shipped_modules`).
Modules only an instructor needs (building, auditing, driving nbgrader, the demo's answers, the
reports) stay behind: ``instructor/submissions.py`` would even give away parts of the solutions
through its demo mistakes; so do the other assignments' checks and data, whose helpers compute
answers of their own.
"""

import re
import shutil
from pathlib import Path

import tomllib

from autograder.builds.shipped_modules import shipped_files

REPOSITORY = Path(__file__).resolve().parents[2]
"""The checkout this package was imported from: its solutions/, assignments/ and pyproject.toml."""

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = re.compile(r"@[a-z_]+@")

INSTRUCTOR_ONLY = ("builds", "instructor", "releases", "reports")
"""Entries of ``autograder/`` that are never shipped: they are not needed to grade (a build writes its own release)."""


def render(template: str, **values: str) -> str:
    """The text of ``templates/<template>`` with each ``@name@`` replaced by ``values[name]``.

    ``@name@`` rather than ``{name}`` or ``$name``: the templates are YAML with ``${{ }}``
    expressions and shell scripts with ``${VAR:-default}``, which must pass through untouched.

    Raises:
        KeyError: when the rendered text still holds a placeholder no value was given for.
    """
    text = (TEMPLATES / template).read_text("utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    if left := PLACEHOLDER.findall(text):
        raise KeyError(f"{template}: no value for {', '.join(sorted(set(left)))}")
    return text


def copy_package(destination: Path, assignment: str, *, repository: Path) -> Path:
    """Copy to ``destination/autograder`` the source of ``autograder`` that grading ``assignment`` needs.

    Raises:
        FileNotFoundError: when the package has no checks for ``assignment``.
    """
    package, target = repository / "autograder", destination / "autograder"
    for relative in shipped_files(assignment, package):
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(package / relative, target / relative)
    return target


def write_pyproject(destination: Path, *, repository: Path, summary: str) -> Path:
    """Write ``destination/pyproject.toml``: the project's name, version, command and runtime dependencies only.

    The dependencies and the ``autograder`` command's entry point are read from the repository's
    own ``pyproject.toml``, so the shipped grader never drifts from the one the tests run; extras
    (nbgrader, dev) are left out.
    """
    project = tomllib.loads((repository / "pyproject.toml").read_text("utf-8"))["project"]
    path = destination / "pyproject.toml"
    path.write_text(
        render(
            "pyproject.toml.in",
            name=project["name"],
            version=project["version"],
            summary=summary,
            requires_python=project.get("requires-python", ">=3.10"),
            dependencies=toml_list(project["dependencies"]),
            command=project["scripts"]["autograder"],
        ),
        encoding="utf-8",
    )
    return path


def toml_list(items: list[str]) -> str:
    """A TOML array of strings, one item a line."""
    return "[\n" + "".join(f'    "{item}",\n' for item in items) + "]"


def copy_assignment_files(source: Path, destination: Path, *, with_data: bool = False) -> list[Path]:
    """Copy the notebook and support modules of one assignment directory; return the copies.

    With ``with_data``, also every other file the directory holds, its subdirectories included (the
    text charlm's notebook reads from ``data/``, a cached experiment's results): what a student
    needs to run the notebook, beyond what grading needs. Hidden files and ``__pycache__`` are left out.
    """
    destination.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        if not path.is_file() or any(part.startswith(".") or part == "__pycache__" for part in relative.parts):
            continue
        if with_data or (len(relative.parts) == 1 and path.suffix in (".ipynb", ".py")):
            (destination / relative).parent.mkdir(parents=True, exist_ok=True)
            copies.append(Path(shutil.copy2(path, destination / relative)))
    return copies
