"""Cases: the unit of grading. How one runs, how student code is called, how results are shown.

A check (see ``autograder.checks``) is a list of :class:`Case` objects. Running a case calls the
student's code through :func:`call`, which turns every exception and unwanted warning into a
:class:`CheckFailed` with a readable message. Nothing here writes to stderr: nbgrader scores
any stderr output in a test cell as zero.
"""

import contextlib
import copy
import inspect
import io
import re
import sys
import sysconfig
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.results import CaseResult, total_max_points, total_points
from autograder.self_check import record
from autograder.wire import Handle

NOT_STUDENT_CODE = (str(Path(__file__).resolve().parent), sysconfig.get_paths()["stdlib"])
"""Frames in these directories (the autograder, the standard library) are never the student's."""


NOT_IMPLEMENTED = re.compile(r"(\w+) is not implemented yet: it raised NotImplementedError")
"""The start of the message of a case that called a stub (see :func:`call`)."""


class CheckFailed(AssertionError):
    """A case found a mistake; the message is shown to the student as it is."""


class StudentCodeError(Exception):
    """An error student code raised in another process, described there (see ``autograder.sandbox``).

    Attributes:
        description: ``"ValueError: message (in f, line 7: a = x @ Wx)"``, as
            :func:`describe_exception` would have written it.
    """

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class SandboxFailure(StudentCodeError):
    """The process running student code could not answer a call: ``description`` follows the name.

    E.g. ``"did not return within 10 s ..."`` or ``"is not defined: its answer cell raised ..."``.
    """


_collected: ContextVar[list | None] = ContextVar("collected", default=None)


@contextlib.contextmanager
def collecting_results() -> Iterator[list[list[CaseResult]]]:
    """Collect the results of every check reported inside the block: one list per check run."""
    collected: list[list[CaseResult]] = []
    token = _collected.set(collected)
    try:
        yield collected
    finally:
        _collected.reset(token)


@dataclass(frozen=True)
class Case:
    """One graded statement about a student function.

    Attributes:
        name: what is promised, phrased for the student ("no overflow for |x| up to 1e3").
        points: what the case is worth.
        run: a callable that returns when the promise holds and raises CheckFailed otherwise.
    """

    name: str
    points: float
    run: Callable[[], None]


def call(function: Callable, *args, name: str, allow_warnings: bool = True, **kwargs):
    """Call a student function, turning any exception into a CheckFailed that explains it.

    Every call also checks purity: an argument modified in place fails the call.

    Args:
        function: the student's function.
        *args: positional arguments for it.
        name: the function's name as the student knows it, for messages.
        allow_warnings: when False, a warning (numpy's overflow warnings included) fails the call.
        **kwargs: keyword arguments for it.

    Returns:
        Whatever the function returned.
    """
    try:
        originals = copy.deepcopy((args, kwargs))
    except Exception:  # noqa: BLE001 - an uncopyable cache only skips the purity check
        originals = ((), {})
    with (
        warnings.catch_warnings(record=True) as caught,
        np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
    ):
        warnings.simplefilter("always")
        try:
            result = function(*args, **kwargs)
        except SandboxFailure as failure:
            raise CheckFailed(f"{name} {failure.description}") from None
        except NotImplementedError:
            raise CheckFailed(
                f"{name} is not implemented yet: it raised NotImplementedError. Replace the "
                "`raise NotImplementedError()` line with your code."
            ) from None
        except Exception as error:  # noqa: BLE001 - any student error becomes a message
            raise CheckFailed(f"{name} raised {describe_exception(error)}") from None
    for argument, before, after in _named_arguments(function, originals, (args, kwargs)):
        if not _equal(before, after):
            raise CheckFailed(
                f"{name} modified its argument `{argument}` in place. Functions must be pure: "
                "compute new arrays (e.g. `a = a + b` or `np.clip(g, lo, hi)`) instead of "
                "writing into the caller's (`a += b`, `out=`, `g[...] = ...`)."
            )
    if caught and not allow_warnings:
        first = caught[0]
        raise CheckFailed(
            f"{name} emitted {first.category.__name__}: {first.message}"
            + (f" ({len(caught)} warnings in all)" if len(caught) > 1 else "")
        )
    return result


def _named_arguments(function, originals, currents):
    (args_before, kwargs_before), (args_now, kwargs_now) = originals, currents
    try:
        names = list(inspect.signature(function).parameters)
    except (TypeError, ValueError):
        names = []
    for i, (before, after) in enumerate(zip(args_before, args_now)):
        yield (names[i] if i < len(names) else f"#{i + 1}"), before, after
    for key in kwargs_before:
        yield key, kwargs_before[key], kwargs_now.get(key)


def _equal(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return isinstance(after, np.ndarray) and np.array_equal(before, after, equal_nan=True)
    if isinstance(before, dict):
        return (
            isinstance(after, dict)
            and before.keys() == after.keys()
            and all(_equal(before[k], after[k]) for k in before)
        )
    if isinstance(before, (list, tuple)):
        return len(before) == len(after) and all(_equal(b, a) for b, a in zip(before, after))
    return True


def unpack(result, names: tuple[str, ...], *, function: str) -> tuple:
    """Check that a function returned a tuple of ``len(names)`` values; return it."""
    if not isinstance(result, tuple) or len(result) != len(names):
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else f"a {type_name(result)}"
        raise CheckFailed(f"{function} should return a tuple ({', '.join(names)}), but it returned {got}.")
    return result


def describe_exception(error: BaseException) -> str:
    """``"ValueError: message (line 7 of your code: a = x @ Wx)"``: the error and where it arose."""
    if isinstance(error, StudentCodeError):
        return error.description
    text = f"{type(error).__name__}: {error}"
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if not frame.filename.startswith(NOT_STUDENT_CODE) and "site-packages" not in frame.filename
    ]
    if frames:
        frame = frames[-1]
        text += f" (in {frame.name}, line {frame.lineno}: {(frame.line or '').strip()})"
    return text


def run_cases(function: str, cases: list[Case], *, hidden: bool = False) -> list[CaseResult]:
    """Run every case of a check and collect one result per case; never raises.

    Output the student code writes to stdout or stderr while it runs is discarded, and warnings
    are silenced, so that nothing reaches the notebook's stderr.
    """
    results = []
    for case in cases:
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            try:
                case.run()
            except CheckFailed as failure:
                message = str(failure)
            except Exception as error:  # noqa: BLE001 - a bug in a check must not cost a batch
                message = f"the check itself failed ({describe_exception(error)}); tell your instructor"
            else:
                message = ""
        earned = 0.0 if message else float(case.points)
        results.append(CaseResult(function, case.name, earned, float(case.points), message, hidden))
    return results


def report(results: list[CaseResult], *, out=None) -> float:
    """Print one line per case (and the reason for each failure); return the points earned.

    The results also become the latest run of the function's checks in the notebook's self-check
    summary (:mod:`autograder.self_check`), and are handed to :func:`collecting_results`.
    """
    collected = _collected.get()
    if collected is not None:
        collected.append(list(results))
    record(results)
    if results:
        print(report_text(results), end="", file=out or sys.stdout)
    return float(total_points(results))


def report_text(results: list[CaseResult]) -> str:
    """What :func:`report` prints: the check's name, a line per case and the reason for each failure.

    When every case met a function that is not implemented yet, one line says so instead.
    """
    label = "hidden checks" if results[0].hidden else "checks"
    lines = [f"{results[0].function}: {label}"]
    waiting = [NOT_IMPLEMENTED.match(result.message) for result in results]
    if all(waiting):
        names = " and ".join(dict.fromkeys(match.group(1) for match in waiting))
        lines += [
            f"  ✗ not implemented yet [0/{total_max_points(results):g}]",
            f"      Replace the `raise NotImplementedError()` line of {names} with your code, "
            "then run this cell again.",
        ]
    else:
        for result in results:
            mark = "✓" if result.passed else "✗"
            lines.append(f"  {mark} {result.name} [{result.points:g}/{result.max_points:g}]")
            lines += [f"      {line}" for line in result.message.splitlines()]
    lines.append(f"  score: {total_points(results):g} / {total_max_points(results):g}")
    return "\n".join(lines) + "\n"


def type_name(value) -> str:
    """The name of a value's type; for a value kept in the student's process, its type there."""
    return value.type_name if isinstance(value, Handle) else type(value).__name__
