"""The safe format values travel in between the grader and the process running student code.

Nothing the student process sends is unpickled. A value is written as JSON in which every
container and array is a tagged object, so the reader only ever builds plain data:

* ``None``, ``bool``, ``int``, ``float`` and ``str`` as themselves (floats may be NaN or infinite);
* tuples, lists and dicts (of any subclass) as plain tuples, lists and dicts of their items;
* numpy arrays (of any subclass) and numpy scalars of a numeric, boolean or string dtype as
  their raw bytes with dtype and shape;
* anything else (a custom class, a function, an object array) stays in the process that made
  it: the other side receives a :class:`Handle` naming its type, which it can pass back.
"""

import base64
import json
import math
import os
import select
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

MAX_CALLEE_REPORTS = 20
"""The most changes by callees one call's answer carries: the worker sends no more, the grader reads no more."""
SAFE_DTYPE_KINDS = frozenset("biufcSU")
"""Array dtypes that are plain data: bool, signed/unsigned int, float, complex, bytes, unicode."""


class UnsafeValue(ValueError):
    """A message that is not in the safe format (malformed, or an unsafe dtype)."""


@dataclass(frozen=True)
class Handle:
    """A value that stayed in the other process: its id there and the name of its type.

    Attributes:
        id: the index of the object in the table of the process holding it.
        type_name: the name of its type, as that process reported it (at most 80 characters).
        generation: which run of that process holds it; a handle is void once the process is gone.
    """

    id: int
    type_name: str
    generation: int = 0

    def __repr__(self) -> str:
        return f"<{self.type_name} object>"


class Encoder:
    """Turns values into safe JSON text; values it cannot write become handles kept in ``objects``."""

    def __init__(self, *, generation: int = 0) -> None:
        self.objects: list[object] = []
        self.generation = generation

    def encode(self, value) -> str:
        """The JSON text of ``value``."""
        return json.dumps(self.tree(value), separators=(",", ":"))

    def tree(self, value):  # noqa: PLR0911 - one branch per kind of value
        """The JSON-ready tree of ``value``."""
        kind = type(value)
        if value is None or kind in (bool, str):
            return value
        if kind is int:
            return value if abs(value) < 2**63 else {"t": "int", "v": str(value)}
        if kind is float:
            return value if math.isfinite(value) else {"t": "float", "v": repr(value)}
        if isinstance(value, Handle):
            return {"t": "handle", "id": value.id, "type": value.type_name, "gen": value.generation}
        if isinstance(value, np.ndarray) and value.dtype.kind in SAFE_DTYPE_KINDS:
            return _array_tree("array", np.asarray(value))
        if isinstance(value, np.generic) and value.dtype.kind in SAFE_DTYPE_KINDS:
            return _array_tree("scalar", np.asarray(value))
        if isinstance(value, tuple):
            return {"t": "tuple", "v": [self.tree(item) for item in value]}
        if isinstance(value, list):
            return {"t": "list", "v": [self.tree(item) for item in value]}
        if isinstance(value, dict):
            return {"t": "dict", "v": [[self.tree(k), self.tree(v)] for k, v in value.items()]}
        self.objects.append(value)
        name = getattr(type(value), "__name__", "object")
        return {
            "t": "handle",
            "id": len(self.objects) - 1,
            "type": str(name)[:80],
            "gen": self.generation,
        }


def _array_tree(tag: str, array: np.ndarray) -> dict:
    contiguous = array if array.flags.c_contiguous else array.copy(order="C")
    return {
        "t": tag,
        "dtype": contiguous.dtype.str,
        "shape": list(contiguous.shape),
        "data": base64.b64encode(contiguous.tobytes()).decode("ascii"),
    }


def decode(text: str | bytes, *, resolve=None):
    """The value written by :meth:`Encoder.encode`.

    Args:
        text: the JSON text.
        resolve: called with each :class:`Handle` met; its result replaces the handle (by
            default the handle is kept as it is).

    Raises:
        UnsafeValue: when the text is not JSON in the safe format.
    """
    try:
        tree = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UnsafeValue(f"not JSON: {error}") from None
    return value_of(tree, resolve=resolve)


def value_of(tree, *, resolve=None):
    """The value of a tree made by :meth:`Encoder.tree` (see :func:`decode`)."""
    try:
        return _value(tree, resolve)
    except UnsafeValue:
        raise
    except (KeyError, TypeError, ValueError, RecursionError) as error:
        raise UnsafeValue(f"malformed value: {type(error).__name__}: {error}") from None


def _value(tree, resolve):  # noqa: PLR0911 - one branch per tag
    if tree is None or type(tree) in (bool, int, float, str):
        return tree
    if type(tree) is not dict:
        raise UnsafeValue(f"unexpected JSON {type(tree).__name__}")
    tag = tree["t"]
    if tag == "int":
        return int(tree["v"])
    if tag == "float":
        return float(tree["v"])
    if tag == "tuple":
        return tuple(_value(item, resolve) for item in tree["v"])
    if tag == "list":
        return [_value(item, resolve) for item in tree["v"]]
    if tag == "dict":
        return {_value(k, resolve): _value(v, resolve) for k, v in tree["v"]}
    if tag in ("array", "scalar"):
        array = _array(tree)
        return array if tag == "array" else array[()]
    if tag == "handle":
        handle = Handle(int(tree["id"]), str(tree["type"])[:80], int(tree["gen"]))
        return resolve(handle) if resolve is not None else handle
    raise UnsafeValue(f"unknown tag {tag!r}")


def _array(tree: dict) -> np.ndarray:
    dtype = np.dtype(str(tree["dtype"]))
    if dtype.kind not in SAFE_DTYPE_KINDS or dtype.hasobject:
        raise UnsafeValue(f"unsafe dtype {dtype}")
    shape = tuple(int(n) for n in tree["shape"])
    data = base64.b64decode(tree["data"], validate=True)
    if any(n < 0 for n in shape) or len(data) != math.prod(shape) * dtype.itemsize:
        raise UnsafeValue(f"{len(data)} bytes do not make an array of shape {shape} and dtype {dtype}")
    return np.frombuffer(data, dtype=dtype).reshape(shape).copy()


FRAME_HEADER_BYTES = 8


def write_frame(fd: int, message: dict) -> None:
    """Write one message (a JSON object) to the file descriptor ``fd``, preceded by its length."""
    payload = json.dumps(message, separators=(",", ":")).encode()
    data = len(payload).to_bytes(FRAME_HEADER_BYTES, "big") + payload
    while data:
        written = os.write(fd, data)
        data = data[written:]


WAIT_STEP = 0.1
"""Seconds between two calls of a reader's ``on_wait`` while nothing arrives."""


def read_frame(
    fd: int, *, max_bytes: int, deadline: float | None = None, on_wait: Callable[[], None] | None = None
) -> dict:
    """Read one message written by :func:`write_frame`.

    Args:
        fd: the file descriptor to read from.
        max_bytes: the largest message accepted.
        deadline: the ``time.monotonic()`` by which the message must have arrived (None: wait).
        on_wait: called every :data:`WAIT_STEP` seconds while nothing arrives (a check of the
            writer that raises to stop waiting).

    Raises:
        TimeoutError: when the deadline passes first.
        EOFError: when the writer closed its end (the process ended).
        UnsafeValue: when the message is too large or not a JSON object.
    """
    size = int.from_bytes(_read_exactly(fd, FRAME_HEADER_BYTES, deadline, on_wait), "big")
    if size > max_bytes:
        raise UnsafeValue(f"a message of {size} bytes, more than the {max_bytes} allowed")
    try:
        message = json.loads(_read_exactly(fd, size, deadline, on_wait))
    except (ValueError, RecursionError) as error:
        raise UnsafeValue(f"not JSON: {error}") from None
    if type(message) is not dict:
        raise UnsafeValue("a message that is not a JSON object")
    return message


def _read_exactly(fd: int, size: int, deadline: float | None, on_wait: Callable[[], None] | None) -> bytes:
    chunks, remaining = [], size
    while remaining:
        while deadline is not None or on_wait is not None:
            left = float("inf") if deadline is None else max(0.0, deadline - time.monotonic())
            if select.select([fd], [], [], left if on_wait is None else min(left, WAIT_STEP))[0]:
                break
            if left <= WAIT_STEP or on_wait is None:
                raise TimeoutError
            on_wait()
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)
