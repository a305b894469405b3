"""What the student process sees of the grader's own files: the modules it runs, and nothing else.

The installed package holds what a submission must never reach: the checks (whose helpers compute
graded answers), the published known answers (``autograder/data``, which a submission could look
its inputs up in), and, in an editable install, ``autograder/instructor/`` and the course checkout
around it. The student process needs none of them: the zygote and the worker import only
:data:`SANDBOX_MODULES` (``tests/sandbox/test_sandbox_view.py`` fails when they start importing more).

So the sandbox gets a *view* of the package: its directory holding only those modules' source and
bytecode files (:func:`view_files`). Under bubblewrap the directory is a read-only tmpfs with those
files bound into it; under Landlock the package directory and the solutions are left out of every
rule that would grant them (:func:`hidden_directories`) and only the view's files are granted.
"""

import functools
import importlib.util
from pathlib import Path

from autograder.checking.reference import candidate_directories

SANDBOX_MODULES = (
    "autograder",
    "autograder.calls",
    "autograder.calls.changes",
    "autograder.calls.check_run",
    "autograder.calls.errors",
    "autograder.calls.purity",
    "autograder.course",
    "autograder.course.charlm",
    "autograder.course.lstm",
    "autograder.course.rnn",
    "autograder.sandbox",
    "autograder.sandbox.confinement",
    "autograder.sandbox.protections",
    "autograder.sandbox.scratch",
    "autograder.sandbox.worker",
    "autograder.sandbox.zygote",
    "autograder.student_api",
    "autograder.wire",
)
"""Every module of the package that the zygote and the worker import (the zygote and, without zygotes,
the worker run as ``__main__``): none computes a graded answer (``tests/builds/test_behavioural_leaks.py``)."""

PACKAGE = Path(__file__).resolve().parents[1]
"""The directory of the installed package (in an editable install, the checkout's ``autograder/``)."""


def module_source(module: str) -> Path:
    """The source file of a module of the package: ``autograder/sandbox/worker.py``, ``autograder/__init__.py``."""
    parts = module.split(".")[1:]
    candidate = PACKAGE.joinpath(*parts)
    return candidate / "__init__.py" if candidate.is_dir() else candidate.with_suffix(".py")


@functools.cache
def view_files() -> tuple[Path, ...]:
    """The files of the view: each module's source and, where it exists, its bytecode for this Python."""
    files = []
    for module in SANDBOX_MODULES:
        source = module_source(module)
        files.append(source)
        cached = Path(importlib.util.cache_from_source(str(source)))
        if cached.is_file():
            files.append(cached)
    return tuple(files)


def hidden_directories() -> tuple[Path, ...]:
    """What no rule granting a directory above them may expose: the package itself and every solutions directory found."""
    try:
        solutions = [directory.resolve() for directory in candidate_directories() if directory.is_dir()]
    except OSError:  # the current directory is gone: the package is still hidden
        solutions = []
    return tuple(dict.fromkeys([PACKAGE, *solutions]))
