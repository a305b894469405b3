"""Cases: the unit of grading. How one runs, how student code is called, how results are shown.

A check (see ``autograder.checks``) is a list of :class:`Case` objects. Running a case calls the
student's code through :func:`call`, which turns every exception and unwanted warning into a
:class:`CheckFailed` with a readable message. Nothing here writes to stderr: nbgrader scores
any stderr output in a test cell as zero.
"""

import contextlib
import io
import re
import sys
import sysconfig
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from autograder.checking import call_warnings
from autograder.checking.changes import PurityError
from autograder.checking.purity import call_on_copies, check_run
from autograder.results import CaseResult, Mistake, total_max_points, total_points
from autograder.self_check import record
from autograder.wire import Handle

NOT_STUDENT_CODE = (str(Path(__file__).resolve().parents[1]), sysconfig.get_paths()["stdlib"])
"""Frames in these directories (the autograder, the standard library) are never the student's."""


NOT_IMPLEMENTED = re.compile(r"(\w+) is not implemented yet: it raised NotImplementedError")
"""The start of the message of a case that called a stub (see :func:`call`)."""


EXPECTED_VALUES_SHOWN: ContextVar[bool] = ContextVar("expected_values_shown", default=True)
"""Whether a failure message may quote expected values: not while hidden cases run.

A hidden failure names the call that rebuilds its inputs, so the student can rerun their own code
on them; an expected value (or a difference from it, next to their own value) would hand over the
reference's output for inputs they can reproduce.
"""


class CheckFailed(AssertionError):
    """A case found a mistake; the message is shown to the student as it is.

    Attributes:
        mistake: the common mistake a diagnosis recognised behind the failure, or None; it becomes
            the case result's ``mistake``, so that reports count mistakes without reading messages.
    """

    def __init__(self, message: str = "", *, mistake: Mistake | None = None) -> None:
        super().__init__(message)
        self.mistake = mistake

    def amended(self, text: str) -> "CheckFailed":
        """The same failure with ``text`` as a last line of its message, its mistake kept."""
        return CheckFailed(f"{self}\n{text}", mistake=self.mistake)


class StudentCodeError(Exception):
    """An error student code raised in another process, described there (see ``autograder.sandbox.process``).

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
        run: a callable that returns when the promise holds and raises CheckFailed otherwise; it
            may return a note, shown to the student under the passed case.
        judges_values: True for a case that only right values pass: a stub, a constant or a zero
            output fails it (known answers, a gradient check). The purity case of a check is
            earned only together with one of these (see ``autograder.checking.blocks.purity_case``).
    """

    name: str
    points: float
    run: Callable[[], str | None]
    judges_values: bool = False


def call(function: Callable, *args, name: str, allow_warnings: bool = True, **kwargs):
    """Call a student function on copies of its arguments, turning any exception into a CheckFailed.

    The function never receives the caller's objects: it gets copies (see
    :func:`autograder.checking.purity.call_on_copies`), and an argument it changes is logged for the
    purity case of the check, not failed here. An argument that cannot be copied or compared
    fails the call.

    Args:
        function: the student's function.
        *args: positional arguments for it.
        name: the function's name as the student knows it, for messages.
        allow_warnings: when False, a warning (numpy's overflow warnings included) fails the call.
        **kwargs: keyword arguments for it.

    Returns:
        Whatever the function returned.
    """
    with (
        call_warnings.capturing() as caught,
        np.errstate(divide="warn", over="warn", invalid="warn", under="ignore"),
    ):
        try:
            result = call_on_copies(function, args, kwargs, name=name)
        except PurityError as failure:
            raise CheckFailed(f"{name}: {failure.description}") from None
        except SandboxFailure as failure:
            raise CheckFailed(f"{name} {failure.description}") from None
        except NotImplementedError:
            raise CheckFailed(
                f"{name} is not implemented yet: it raised NotImplementedError. Replace the "
                "`raise NotImplementedError()` line with your code."
            ) from None
        except Exception as error:  # noqa: BLE001 - any student error becomes a message
            raise CheckFailed(f"{name} raised {describe_exception(error)}") from None
    if caught and not allow_warnings:
        first = caught[0]
        raise CheckFailed(
            f"{name} emitted {first.category.__name__}: {first.message}"
            + (f" ({len(caught)} warnings in all)" if len(caught) > 1 else "")
        )
    return result


def call_each(
    function: Callable,
    calls: Sequence[tuple[tuple, dict]],
    *,
    name: str,
    allow_warnings: bool = True,
    keep: int | None = None,
) -> Iterator:
    """:func:`call` for each ``(args, kwargs)`` of ``calls`` in turn, lazily: the results, in order.

    A function running in a sandbox (a proxy with ``__call_each__``) is sent all the calls in one
    round trip; its answers are then taken one by one, each as :func:`call` takes a call, so
    that the values, the failures (the first one ends the iteration) and the purity log are
    those of a loop of :func:`call`. Any other function is simply called in a loop. ``keep`` says
    that only the first ``keep`` items of a tuple each call returns are needed: a sandbox sends
    the others as None.
    """
    each = getattr(function, "__call_each__", None)
    functions = each(list(calls), keep=keep) if callable(each) else [function] * len(calls)
    for answered, (args, kwargs) in zip(functions, calls):
        yield call(answered, *args, name=name, allow_warnings=allow_warnings, **kwargs)


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


def run_cases(
    function: str, cases: list[Case], *, hidden: bool = False, seed: int | None = None
) -> list[CaseResult]:
    """Run every case of a check and collect one result per case; never raises.

    Output the student code writes to stdout or stderr while it runs is discarded, and warnings
    are silenced, so that nothing reaches the notebook's stderr. The cases share one log of the
    arguments student functions changed (:func:`autograder.checking.purity.check_run`), which the purity
    case, run last, reads. ``seed`` is the seed hidden cases drew their inputs from, recorded on
    each result.
    """
    results = []
    showing = EXPECTED_VALUES_SHOWN.set(not hidden)
    try:
        with check_run() as log:
            for case in cases:
                log.case = case.name
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                    call_warnings.silenced(),
                ):
                    earned, message, mistake = _run_case(case)
                log.values_earned |= case.judges_values and earned
                if not log.stub_message and NOT_IMPLEMENTED.match(message):
                    log.stub_message = message
                points = float(case.points) if earned else 0.0
                results.append(
                    CaseResult(function, case.name, points, float(case.points), message, hidden, seed, mistake)
                )
    finally:
        EXPECTED_VALUES_SHOWN.reset(showing)
    return results


def _run_case(case: Case) -> tuple[bool, str, Mistake | None]:
    """Whether the case passed, its message (why it failed, or the note it passed with), its mistake."""
    try:
        note = case.run()
    except CheckFailed as failure:
        return False, str(failure), failure.mistake
    except Exception as error:  # noqa: BLE001 - a bug in a check must not cost a batch
        return False, f"the check itself failed ({describe_exception(error)}); tell your instructor", None
    return True, note or "", None


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

    The first line of hidden checks names the seed of the grading: nbgrader's feedback carries it,
    and ``autograder audit`` reads it back to replay the same hidden cases.

    When every case met a function that is not implemented yet, one line says so instead.
    """
    label = "hidden checks" if results[0].hidden else "checks"
    if results[0].seed is not None:
        label += f" (seed {results[0].seed})"
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
