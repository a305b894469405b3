"""What both builds share: the autograder's source, its pyproject, and the templates.

A build ships the package ``autograder`` as source, with a ``pyproject.toml`` of its own, so that
``pip install <dir>`` installs the same grader the instructor runs. Modules only an instructor
needs (building, auditing, driving nbgrader, the demo's answers) stay behind: ``instructor/submissions.py``
would even give away parts of the solutions through its demo mistakes.
"""

import re
import shutil
from pathlib import Path

import tomllib

REPOSITORY = Path(__file__).resolve().parents[2]
"""The checkout this package was imported from: its solutions/, assignments/ and pyproject.toml."""

TEMPLATES = Path(__file__).resolve().parent / "templates"
PLACEHOLDER = re.compile(r"@[a-z_]+@")

INSTRUCTOR_ONLY = ("builds", "instructor", "releases")
"""Entries of ``autograder/`` that are not shipped: they are not needed to grade."""


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


def copy_package(destination: Path, *, repository: Path) -> Path:
    """Copy the source of ``autograder`` (without instructor-only modules) to ``destination/autograder``."""
    target = destination / "autograder"
    shutil.copytree(
        repository / "autograder",
        target,
        ignore=lambda directory, names: [
            name
            for name in names
            if name in ("__pycache__", ".pytest_cache")
            or name.endswith(".pyc")
            or (Path(directory) == repository / "autograder" and name in INSTRUCTOR_ONLY)
        ],
    )
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


def copy_assignment_files(source: Path, destination: Path) -> list[Path]:
    """Copy the notebook and support modules of one assignment directory; return the copies."""
    destination.mkdir(parents=True, exist_ok=True)
    copies = []
    for path in sorted(source.iterdir()):
        if path.suffix in (".ipynb", ".py") and path.is_file():
            copies.append(Path(shutil.copy2(path, destination / path.name)))
    return copies
