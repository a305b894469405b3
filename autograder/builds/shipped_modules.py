"""What a build ships of the package for one assignment: the modules its grading imports, and its data.

A student who receives the package can run every function in it, so it must hold nothing that
computes a graded answer of another assignment, and only what grading this one needs: the
modules reachable by imports (anywhere in a module, a function's own imports included) from the
entry points (:data:`ENTRY_POINTS`) and from the assignment's checks, ``autograder.checks.<a>`` and
the modules its description names for each function's check (``autograder/course/<a>.py``);
never the instructor's, the builds or the reports (:data:`LEFT_OUT`); the assignment's own known
answers and the JSON Schemas of the output formats.
"""

import ast
from pathlib import Path

from autograder.checks.registry import check_modules

ENTRY_POINTS = (
    "autograder.__main__",
    "autograder.cli",
    "autograder.sandbox.worker",
    "autograder.sandbox.zygote",
    "autograder.self_check",
)
"""Modules started by name: the command, the student process (``python -m``), the notebook's summary cell."""

LEFT_OUT = ("autograder.builds", "autograder.instructor", "autograder.reports")
"""Packages never shipped, whatever imports them (the command offers their commands only where they are)."""

RESOURCES = ("schemas/*.schema.json",)
"""Data files every build ships (patterns relative to the package); the assignment's known answers besides."""


def package_modules(package: Path) -> dict[str, Path]:
    """Every module of the package in directory ``package``, by name, with its source file."""
    modules = {}
    for source in sorted(package.rglob("*.py")):
        parts = source.relative_to(package.parent).with_suffix("").parts
        if "__pycache__" in parts:
            continue
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = source
    return modules


def imported_modules(source: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``source`` imports anywhere, with the packages they are in."""
    found = set()
    for node in ast.walk(ast.parse(source.read_text("utf-8"), filename=str(source))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        for name in names:
            parts = name.split(".")
            found |= {".".join(parts[:end]) for end in range(1, len(parts) + 1)} & known
    return found


def is_left_out(module: str) -> bool:
    """Whether ``module`` is in a package of :data:`LEFT_OUT`."""
    return any(module == package or module.startswith(f"{package}.") for package in LEFT_OUT)


def shipped_modules(assignment: str, package: Path) -> list[str]:
    """The modules a build of ``assignment`` ships, by name, sorted.

    Raises:
        FileNotFoundError: when the package has no checks for ``assignment``.
    """
    modules = package_modules(package)
    checks = f"autograder.checks.{assignment}"
    if checks not in modules:
        raise FileNotFoundError(f"no checks for '{assignment}' in {package} ({checks})")
    shipped: set[str] = set()
    pending = [*ENTRY_POINTS, checks, *check_modules(assignment)]
    while pending:
        name = pending.pop()
        if name in shipped or name not in modules or is_left_out(name):
            continue
        shipped.add(name)
        pending += imported_modules(modules[name], set(modules))
    return sorted(shipped)


def shipped_files(assignment: str, package: Path) -> list[Path]:
    """The files a build of ``assignment`` ships, relative to ``package``: its modules, resources and known answers."""
    modules = package_modules(package)
    files = {modules[name].relative_to(package) for name in shipped_modules(assignment, package)}
    files |= {path.relative_to(package) for pattern in RESOURCES for path in package.glob(pattern)}
    known_answers = package / "data" / f"{assignment}.npz"
    if known_answers.is_file():
        files.add(known_answers.relative_to(package))
    return sorted(files)
