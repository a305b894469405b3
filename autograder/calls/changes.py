"""What a call changed: deep copies of its arguments, and the first difference each shows afterwards.

The copying and comparing under :mod:`autograder.calls.purity`, shared by both grading paths
and by the process running student code. Only plain data is compared: numpy arrays of numbers,
booleans or strings, and the dicts, lists and tuples holding them; other objects are copied but
not looked into. Comparing walks the values with an explicit stack, never by recursion.
"""

import copy
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

COMPARED_DTYPE_KINDS = frozenset("biufcSU")
"""Array dtypes compared after a call: the plain data that isolated grading sends back too."""

KINDS = ("array", "dict", "list")
"""The kinds of object a call can change in place (tuples, numbers and strings cannot change)."""

MAX_NESTING = 100
"""The deepest nesting of dicts, lists and tuples an argument may have: deep enough for a cache
linked through every time step of the longest sequence the checks use (60), shallow enough that
``copy.deepcopy`` never meets Python's recursion limit."""


class PurityError(Exception):
    """An argument could not be copied before a call, or compared after it.

    Attributes:
        description: what happened, e.g. ``"its argument `cache` could not be copied (...)"``.
    """

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class Modification:
    """A student function changed an argument it was given.

    Attributes:
        function: the student function that changed it, e.g. ``"rnn_step_backward"``.
        argument: the name of the argument, e.g. ``"cache"``.
        where: the changed object as an expression, e.g. ``"cache['x']"`` or ``"dnext_h"``.
        kind: what kind of object changed there: ``"array"``, ``"dict"`` or ``"list"``.
        change: what changed, e.g. ``"15 of 15 entries changed"`` or ``"key 'x' removed"``.
        caller: the student function that called it; empty when a check called it.
        case: the case of the check run it was first seen in.
    """

    function: str
    argument: str
    where: str
    kind: str
    change: str
    caller: str = ""
    case: str = ""


def own_copies(args: tuple, kwargs: dict, *, names: list[str]) -> tuple[tuple, dict]:
    """Deep copies of the arguments of a call.

    Raises:
        PurityError: an argument cannot be copied (nested deeper than Python's recursion limit
            allows, or holding something ``copy.deepcopy`` refuses).
    """
    copied_args = []
    for argument, value in zip(names, args):
        copied_args.append(_copy(argument, value))
    return tuple(copied_args), {key: _copy(key, value) for key, value in kwargs.items()}


def _copy(argument: str, value):
    if type(value) is np.ndarray and value.dtype.kind in COMPARED_DTYPE_KINDS:
        return value.copy()  # what deepcopy makes of it, without deepcopy's bookkeeping
    if nesting_depth(value) > MAX_NESTING:
        reason = f"it is nested more than {MAX_NESTING} levels deep; keep a cache flat: a tuple, list or dict of arrays"
    else:
        try:
            return copy.deepcopy(value)
        except RecursionError:
            reason = "it is nested too deeply; keep a cache flat: a tuple, list or dict of arrays"
        except Exception as error:  # noqa: BLE001 - anything deepcopy refuses is reported the same way
            reason = f"{type(error).__name__}: {error}"
    raise PurityError(f"its argument `{argument}` could not be copied ({reason})")


def nesting_depth(value) -> int:
    """How many dicts, lists and tuples deep ``value`` goes (0 for an array); cycles count once.

    Measured with an explicit stack, so that a value too deep to copy is refused whatever the
    depth of the stack the call is made from: both grading paths then give the same result.
    """
    deepest, stack, seen = 0, [(value, 0)], set()
    while stack:
        value, depth = stack.pop()
        if not isinstance(value, (dict, list, tuple)) or id(value) in seen:
            continue
        seen.add(id(value))
        deepest = max(deepest, depth + 1)
        stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return deepest


def modifications(
    function: str,
    names: list[str],
    originals: tuple[tuple, dict],
    copies: tuple[tuple, dict],
    caller: str = "",
) -> list[Modification]:
    """The arguments the function changed: one :class:`Modification` per changed argument.

    Raises:
        PurityError: an argument could not be compared (a comparison raised).
    """
    (args, kwargs), (args_after, kwargs_after) = originals, copies
    pairs = [*zip(names, args, args_after), *((key, kwargs[key], kwargs_after.get(key)) for key in kwargs)]
    found = []
    for argument, before, after in pairs:
        try:
            change = first_change(before, after, argument)
        except Exception as error:  # noqa: BLE001 - a comparison that raises fails the call
            raise PurityError(
                f"its argument `{argument}` could not be compared after the call "
                f"({type(error).__name__}: {error})"
            ) from None
        if change is not None:
            found.append(Modification(function, argument, *change, caller=caller))
    return found


def first_change(before, after, where: str) -> tuple[str, str, str] | None:
    """The first difference between a value and its copy after a call: ``(where, kind, change)``.

    Walks both with an explicit stack (no recursion, whatever the depth), visiting each pair of
    objects once (cycles end), in the order the items appear.
    """
    if type(before) is np.ndarray and type(after) is np.ndarray and before.dtype.kind in COMPARED_DTYPE_KINDS:
        return None if (found := _change_here(before, after)) is None else (where, *found)  # the common case
    stack, seen = [(before, after, where)], set()
    while stack:
        before, after, where = stack.pop()
        if (id(before), id(after)) in seen:
            continue
        seen.add((id(before), id(after)))
        found = _change_here(before, after)
        if found is not None:
            return where, *found
        stack.extend(reversed(list(_children(before, after, where))))
    return None


def _change_here(before, after) -> tuple[str, str] | None:  # noqa: PLR0911 - one branch per kind
    if isinstance(before, np.ndarray) and before.dtype.kind in COMPARED_DTYPE_KINDS:
        if not isinstance(after, np.ndarray):
            return "array", f"replaced by a {type(after).__name__}"
        if after.shape != before.shape:
            return "array", f"its shape {before.shape} became {after.shape}"
        if before.dtype == after.dtype and before.tobytes() == after.tobytes():  # the common case, at once
            return None
        changed = int(np.count_nonzero(~_same_entries(before, after)))
        return ("array", f"{changed} of {before.size} entries changed") if changed else None
    if isinstance(before, dict):
        if not isinstance(after, dict):
            return "dict", f"replaced by a {type(after).__name__}"
        removed = [key for key in before if key not in after]
        added = [key for key in after if key not in before]
        if removed or added:
            return "dict", _keys_change(removed, added)
        return None
    if isinstance(before, list):
        if not isinstance(after, list):
            return "list", f"replaced by a {type(after).__name__}"
        if len(after) != len(before):
            return "list", f"its length {len(before)} became {len(after)}"
    return None


def _same_entries(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    if before.dtype.kind in "fc" and after.dtype.kind in "fc":
        return (before == after) | (np.isnan(before) & np.isnan(after))
    return np.asarray(before == after, dtype=bool).reshape(before.shape)


def _keys_change(removed: list, added: list) -> str:
    parts = []
    if removed:
        parts.append(
            f"key {removed[0]!r} removed" + (f" ({len(removed)} keys in all)" if len(removed) > 1 else "")
        )
    if added:
        parts.append(f"key {added[0]!r} added" + (f" ({len(added)} keys in all)" if len(added) > 1 else ""))
    return ", ".join(parts)


def _children(before, after, where: str) -> Iterator[tuple[object, object, str]]:
    if isinstance(before, dict):
        for key in before:
            yield before[key], after[key], f"{where}[{key!r}]"
    elif isinstance(before, (list, tuple)) and isinstance(after, (list, tuple)) and len(after) == len(before):
        for index, (item_before, item_after) in enumerate(zip(before, after)):
            yield item_before, item_after, f"{where}[{index}]"
