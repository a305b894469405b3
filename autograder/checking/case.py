"""Cases: the unit of grading. How one runs, how student code is called, how results are shown.

A check (see ``autograder.checks``) is a list of :class:`Case` objects. Running a case calls the
student's code through :func:`call`, which turns every exception and unwanted warning into a
:class:`CheckFailed` with a readable message. Nothing here writes to stderr: nbgrader scores
any stderr output in a test cell as zero.
"""

import contextlib
import copy
import re
import reprlib
import sys
from collections.abc import Callable, Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass

import numpy as np

from autograder.calls import call_warnings
from autograder.calls.changes import PurityError
from autograder.calls.check_run import current_check_run, current_stand_ins, is_helper, note_helper_call
from autograder.calls.errors import SandboxFailure, describe_exception
from autograder.calls.purity import call_on_copies
from autograder.results import CaseResult, Mistake, total_max_points, total_points
from autograder.self_check import record
from autograder.wire import Handle

NOT_IMPLEMENTED = re.compile(r"(\w+) is not implemented yet: it raised NotImplementedError")
"""The start of the message of a case that called a stub (see :func:`call`)."""

NOT_A_FUNCTION = re.compile(r"(\w+) is not a function: ")
"""The start of the message of a case whose function's name holds something that cannot be called."""


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
        outputs: when the failure concerns some outputs of a function that returns several, the
            outputs that were compared (``("dx", "dprev_h", ...)``); None when it concerns them all.
        wrong: which of ``outputs`` were wrong: a case judging each output on its own earns the
            share of its points that the right ones make up.
        share: the share of the case's points earned despite the failure, when the case worked it
            out itself (see :func:`autograder.checking.judging.judge_each`); else it follows from
            ``outputs`` and ``wrong``.
    """

    def __init__(
        self,
        message: str = "",
        *,
        mistake: Mistake | None = None,
        outputs: tuple[str, ...] | None = None,
        wrong: frozenset[str] | None = None,
        share: float | None = None,
    ) -> None:
        super().__init__(message)
        self.mistake = mistake
        self.outputs = outputs
        self.wrong = wrong
        self.share = share

    def amended(self, text: str) -> "CheckFailed":
        """The same failure (its kind, mistake and outputs kept) with ``text`` as a last line of its message."""
        failure = copy.copy(self)
        failure.args = (f"{self}\n{text}",)
        return failure

    @property
    def share_right(self) -> float:
        """The share of the case's points still earned: ``share``, else the share of the compared outputs that were right.

        0 when the failure concerns the whole result.
        """
        if self.share is not None:
            return self.share
        if not self.outputs or self.wrong is None:
            return 0.0
        return (len(self.outputs) - len(set(self.wrong) & set(self.outputs))) / len(self.outputs)


class SetAside(CheckFailed):
    """An example that cannot judge the function a check grades: another student function it needs failed on it.

    The check of a backward pass calls the student's forward pass for its cache; when that call
    fails, or returns wrong values, the example says nothing about the backward pass. It is set
    aside (:mod:`autograder.checking.judging`), and the case is judged on its other examples.

    Attributes:
        sources: the student functions that failed, e.g. ``("rnn_forward",)``.
    """

    def __init__(self, message: str = "", *, sources: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.sources = sources




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
        fresh: True for a case that judges values on inputs whose answers are not published (a
            property that pins the values down, a gradient check, a hidden case): a stub, a
            constant, zeros or a table of the published known answers fails it. Every other case of
            a check (known answers, purity, shapes, input validation) is earned only together with
            a fresh case that earns points (see :mod:`autograder.checking.running`).
    """

    name: str
    points: float
    run: Callable[[], str | None]
    fresh: bool = False


def call(function: Callable, *args, name: str, allow_warnings: bool = True, **kwargs):
    """Call a student function on copies of its arguments, turning any exception into a CheckFailed.

    The function never receives the caller's objects: it gets copies (see
    :func:`autograder.calls.purity.call_on_copies`), and an argument it changes is logged for the
    purity case of the check, not failed here. An argument that cannot be copied or compared
    fails the call.

    When the function is not the one the check grades (a backward pass's check calls the
    student's forward pass for its cache), its failure is not the graded function's: it is raised
    as :class:`SetAside`, and the call is logged so that its values can be compared with the
    reference's if the example fails (see :mod:`autograder.checking.inheritance`). While a case is
    checked again with the reference standing in for the function, the reference answers instead.

    Args:
        function: the student's function.
        *args: positional arguments for it.
        name: the function's name as the student knows it, for messages.
        allow_warnings: when False, a warning (numpy's overflow warnings included) fails the call.
        **kwargs: keyword arguments for it.

    Returns:
        Whatever the function returned.
    """
    return _call(function, args, kwargs, name=name, allow_warnings=allow_warnings, logged=True)


def _call(function: Callable, args: tuple, kwargs: dict, *, name: str, allow_warnings: bool, logged: bool):
    stand_ins = current_stand_ins()
    if stand_ins is not None and name in stand_ins.instead:
        stand_ins.used.add(name)
        return stand_ins.functions[name](*copy.deepcopy(args), **copy.deepcopy(kwargs))
    if not is_helper(name):
        return _call_student(function, args, kwargs, name=name, allow_warnings=allow_warnings)
    try:
        result = _call_student(function, args, kwargs, name=name, allow_warnings=allow_warnings)
    except CheckFailed as failure:
        note_helper_call(name, args, kwargs, None, logged=False)
        raise SetAside(str(failure), sources=(name,)) from None
    note_helper_call(name, args, kwargs, result, logged=logged)
    return result


def _call_student(function: Callable, args: tuple, kwargs: dict, *, name: str, allow_warnings: bool):
    if not callable(function):
        message = not_a_function(name, function)
        log = current_check_run()
        if log.function == name:
            log.not_a_function = message
        raise CheckFailed(message)
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


def not_a_function(name: str, value) -> str:
    """What a case says when the name of a function holds a value that cannot be called."""
    short = reprlib.Repr()
    short.maxstring = short.maxother = 40
    shown = short.repr(value)
    return (
        f"{name} is not a function: the name holds {shown} (of type {type_name(value)}). Define it with "
        f"`def {name}(...):` in its answer cell, make sure no later cell assigns another value to {name}, "
        "and run the cells again."
    )


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
    the others as None (and such calls, made for centered differences, are not logged as the
    calls of a helper whose values an example rests on).
    """
    stand_ins = current_stand_ins()
    each = getattr(function, "__call_each__", None)
    if stand_ins is not None and name in stand_ins.instead:
        each = None
    functions = each(list(calls), keep=keep) if callable(each) else [function] * len(calls)
    for answered, (args, kwargs) in zip(functions, calls):
        yield _call(answered, args, kwargs, name=name, allow_warnings=allow_warnings, logged=keep is None)


def unpack(result, names: tuple[str, ...], *, function: str) -> tuple:
    """Check that a function returned a tuple of ``len(names)`` values; return it."""
    if not isinstance(result, tuple) or len(result) != len(names):
        got = f"a tuple of {len(result)}" if isinstance(result, tuple) else f"a {type_name(result)}"
        raise CheckFailed(f"{function} should return a tuple ({', '.join(names)}), but it returned {got}.")
    return result


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


HIDDEN_LATER_IN_THE_CELL = " (a test cell with hidden checks is worth more: they run when your instructor grades)"
"""Said after the public checks' points, so that a cell's public total is not read as all it is worth."""


def report_text(results: list[CaseResult]) -> str:
    """What :func:`report` prints: the check's name, a line per case and the reason for each failure.

    The first line of hidden checks names the seed of the grading: nbgrader's feedback carries it,
    and ``autograder audit`` reads it back to replay the same hidden cases.

    When every case met a function that is not implemented yet, or a name that holds no function,
    one line says so instead.
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
    elif all(NOT_A_FUNCTION.match(result.message) for result in results):
        lines += [
            f"  ✗ not a function [0/{total_max_points(results):g}]",
            f"      {results[0].message.splitlines()[0]}",
        ]
    else:
        for result in results:
            mark = "✓" if result.passed else "✗"
            lines.append(f"  {mark} {result.name} [{result.points:g}/{result.max_points:g}]")
            lines += [f"      {line}" for line in result.message.splitlines()]
    earned, worth = total_points(results), total_max_points(results)
    if results[0].hidden:
        lines.append(f"  hidden checks: {earned:g} / {worth:g} points")
    else:
        lines.append(f"  public checks: {earned:g} / {worth:g} points{HIDDEN_LATER_IN_THE_CELL}")
    return "\n".join(lines) + "\n"


def type_name(value) -> str:
    """The name of a value's type; for a value kept in the student's process, its type there."""
    return value.type_name if isinstance(value, Handle) else type(value).__name__
