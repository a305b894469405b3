"""The warnings one call of student code emits, captured for that call alone.

Where student code runs in the checking process (a notebook graded by nbgrader), its warnings
are caught with :func:`warnings.catch_warnings`. That changes the ``warnings`` module of the
whole process, so it is right in one thread only.

The isolated grader runs student code in another process and checks one submission in several
lanes, threads of one grader process (``autograder.grading.isolated.run_test_cells``). There,
inside :func:`student_code_elsewhere`, nothing here touches the ``warnings`` module: the
warnings a student process reports with an answer are *replayed* (:func:`replay`) into the list
of the call in progress, which that call owns through a context variable. A lane's warnings can
then never reach another lane's call, nor be lost to a filter another lane set.
"""

import contextlib
import warnings
from collections.abc import Iterator
from contextvars import ContextVar

import numpy as np

REPLAYED_FROM = "<student process>"
"""The file name a replayed warning carries: where it was emitted is not the grader's to know."""

_caught: ContextVar[list | None] = ContextVar("caught_warnings", default=None)
_elsewhere: ContextVar[bool] = ContextVar("student_code_elsewhere", default=False)


@contextlib.contextmanager
def student_code_elsewhere() -> Iterator[None]:
    """Within: student code runs in another process, so calls capture only the warnings replayed to them."""
    token = _elsewhere.set(True)
    try:
        yield
    finally:
        _elsewhere.reset(token)


@contextlib.contextmanager
def capturing() -> Iterator[list[warnings.WarningMessage]]:
    """The warnings of the call made inside the block, in order, every repetition included."""
    if _elsewhere.get():
        caught: list[warnings.WarningMessage] = []
        token = _caught.set(caught)
        try:
            yield caught
        finally:
            _caught.reset(token)
        return
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        token = _caught.set(caught)
        try:
            yield caught
        finally:
            _caught.reset(token)


@contextlib.contextmanager
def silenced() -> Iterator[None]:
    """Within: warnings are not shown: those of student code run here, and numpy's of the checks' own arithmetic.

    Where student code runs elsewhere only numpy's error state changes, which is the context's own.
    """
    if _elsewhere.get():
        with np.errstate(all="ignore"):
            yield
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def replay(category: type[Warning], message: str) -> None:
    """A warning that student code emitted in its own process: into the capture of the call in progress.

    Outside any capture it is dropped where student code runs elsewhere (no call owns it: a check
    that called student code without :func:`capturing` ignores warnings, as a silenced case
    does), and emitted here otherwise, as :func:`warnings.warn` would.
    """
    caught = _caught.get()
    if caught is not None:
        caught.append(warnings.WarningMessage(category(message), category, REPLAYED_FROM, 0))
    elif not _elsewhere.get():
        warnings.warn(message, category, stacklevel=3)
