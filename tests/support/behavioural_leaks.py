"""Does any callable a student can reach compute a graded answer? A scanner, run in an interpreter of its own.

``python tests/support/behavioural_leaks.py SPEC.json`` imports the modules the spec names (with the
spec's directories first on ``sys.path``, so that ``autograder`` is the copy under test, a
student's bundle, and not this checkout), collects every callable reachable from them, calls each
with the known-answer inputs of every graded function, and prints, as JSON, every call whose
value equals a graded output of the same example (``leaks``), and the callables it could not
finish (``unfinished``).

Reachable: module-level functions, classes' methods (static, class and plain ones, the last
called unbound), callable instances of the modules' own classes and their bound methods,
functools.partial objects, and every such callable held in module-level dicts, lists, tuples,
sets and the attributes of the modules' own objects, three levels deep. Callables defined
elsewhere (numpy, the standard library) are left out unless a partial binds them here.

Each example is called positionally in the order of the graded function's signature, with
keyword arguments, by name (every parameter named like one of the example's inputs gets it, one
named ``inputs`` gets them all as a dict, one named ``output`` the name of each graded output, as
the checks' own helpers take them), and with each of its arrays alone. What a call returns is
searched three levels deep: tuples, lists, dicts, the scanned modules' own objects, and the
variables a returned function closes over. Each callable runs in a forked child of its
own, each call under a limit of processor time, with stdin, stdout and stderr on /dev/null and its files in a
temporary directory, so that nothing one does (exit, confine itself, patch numpy, print) reaches
the others or the test.
"""

import copy
import functools
import inspect
import json
import os
import resource
import select
import signal
import sys
import tempfile
import time
import types
from collections.abc import Iterator
from pathlib import Path

import numpy as np

CPU_SECONDS_PER_CALL = 2.0
"""The processor time one call may take (processor time, not wall time: the same on a busy machine)."""
TIMEOUTS_PER_CALLABLE = 3
"""A callable whose calls take too long this often is given up (and reported as unfinished)."""
CPU_SECONDS_PER_CALLABLE = 300
"""The processor time of a callable's child in all (a limit the kernel enforces)."""
SECONDS_PER_CALLABLE = 1800.0
"""The wall time of a callable's child in all: only a child that waits without end reaches it."""
DEPTH = 3
MAX_ITEMS = 50
NOT_CALLED = ("__init__", "__new__", "__del__", "__init_subclass__")
"""Methods that make or unmake an object: called unbound they compute nothing."""
RTOL = 1e-6
"""Two values are equal when they agree to this relative tolerance (and 1e-12 of the output's largest entry)."""


class CallTimedOut(BaseException):
    """A call took more than CPU_SECONDS_PER_CALL."""


def is_ours(value, ours: tuple[str, ...]) -> bool:
    module = getattr(value, "__module__", None)
    if isinstance(value, types.MethodType):
        module = getattr(value.__func__, "__module__", None)
    return isinstance(module, str) and any(module == o or module.startswith(f"{o}.") for o in ours)


def reachable(value, where: str, ours: tuple[str, ...], depth: int = 0) -> Iterator[tuple[str, object]]:
    """``(where, callable)`` for every callable reachable from ``value`` (see the module docstring)."""
    if isinstance(value, functools.partial):
        yield where, value
    elif inspect.isclass(value):
        if not is_ours(value, ours):
            return
        for name, member in list(vars(value).items()):
            if isinstance(member, (staticmethod, classmethod)):
                yield f"{where}.{name}", getattr(value, name)
            elif inspect.isfunction(member) and name not in NOT_CALLED:
                yield f"{where}.{name}", member
            elif not name.startswith("__") and depth < DEPTH:
                yield from reachable(member, f"{where}.{name}", ours, depth + 1)
        return
    elif (inspect.isfunction(value) or inspect.ismethod(value)) and is_ours(value, ours):
        yield where, value
    elif callable(value) and is_ours(type(value), ours) and not isinstance(value, types.ModuleType):
        yield where, value
    if depth >= DEPTH:
        return
    if isinstance(value, dict):
        items = [(f"{where}[{key!r}]", item) for key, item in list(value.items())[:MAX_ITEMS]]
    elif isinstance(value, (list, tuple, set, frozenset)):
        items = [(f"{where}[{i}]", item) for i, item in enumerate(list(value)[:MAX_ITEMS])]
    elif isinstance(value, functools.partial):
        items = [(f"{where}.func", value.func)]
    elif is_ours(type(value), ours) and hasattr(value, "__dict__") and not inspect.isroutine(value):
        items = [(f"{where}.{name}", item) for name, item in list(vars(value).items())[:MAX_ITEMS]]
    else:
        return
    for name, item in items:
        yield from reachable(item, name, ours, depth + 1)


def collect(
    modules: list[str], scanned: set[str], ours: tuple[str, ...]
) -> list[tuple[str, list[str], object]]:
    """``(module, names, callable)`` for each callable reachable from the modules, once each, with every name it has.

    A callable counts for the module that defines it, and is kept only when that module is in
    ``scanned`` (a partial or a callable instance counts for the module it was found in).
    """
    found: dict[int, tuple[str, list[str], object]] = {}
    for name in modules:
        module = sys.modules[name]
        for attribute, value in sorted(vars(module).items()):
            if attribute.startswith("__"):
                continue
            for where, function in reachable(value, f"{name}.{attribute}", ours):
                defined = getattr(function, "__module__", None) if inspect.isroutine(function) else name
                if isinstance(function, types.MethodType):
                    defined = function.__func__.__module__
                if id(function) in found:
                    found[id(function)][1].append(where)
                elif defined in scanned:
                    found[id(function)] = (defined, [where], function)
    return list(found.values())


def argument(spec: dict, data: dict[str, np.ndarray]):
    """The value an argument spec names, fresh for each call."""
    if "key" in spec:
        return data[spec["key"]].copy()
    if "text" in spec:
        return str(data[spec["text"]])
    if "number" in spec:
        return float(data[spec["number"]])
    if "literal" in spec:
        return spec["literal"]
    return {name: data[key].copy() for name, key in spec["dict"].items()}


def calls_of(example: dict, data: dict[str, np.ndarray]) -> Iterator[tuple[str, tuple, dict]]:
    """``(mode, args, kwargs)``: positionally, by keyword, and each array alone."""
    yield "positional", tuple(argument(a, data) for a in example["positional"]), {}
    yield "keywords", (), {name: argument(a, data) for name, a in example["keyword"].items()}
    for spec in example["positional"]:
        if "key" in spec and data[spec["key"]].ndim >= 1:
            yield f"{spec['key']} alone", (argument(spec, data),), {}


def fingerprint(value) -> tuple:
    """What makes two arguments the same: type, shape and bytes, recursively."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, value.tobytes())
    if isinstance(value, dict):
        return ("dict", tuple((key, fingerprint(item)) for key, item in value.items()))
    return (type(value).__name__, value)


def named_inputs(
    examples: list[dict], data: dict[str, dict[str, np.ndarray]]
) -> list[tuple[dict, list[tuple]]]:
    """Each distinct set of an example's inputs by name, with ``(example, outputs)`` for every example that has it."""
    found: dict[tuple, tuple[dict, list[tuple]]] = {}
    for example in examples:
        values = data[example["name"]]
        inputs = {name: argument(a, values) for name, a in example["keyword"].items()}
        key = tuple((k, fingerprint(v)) for k, v in inputs.items())
        outputs = [(name, values[name]) for name in example["outputs"]]
        found.setdefault(key, (inputs, []))[1].append((example["name"], outputs))
    return list(found.values())


def plan(
    examples: list[dict], data: dict[str, dict[str, np.ndarray]]
) -> list[tuple[tuple, dict, list[tuple]]]:
    """Every distinct call to make: its arguments, and each ``(example, mode, outputs)`` it stands for.

    Examples share inputs (one ``x`` for every activation): the same call is made once and its
    value compared with the outputs of every example it stands for.
    """
    calls: dict[tuple, tuple[tuple, dict, list[tuple]]] = {}
    for example in examples:
        values = data[example["name"]]
        for mode, args, kwargs in calls_of(example, values):
            key = (tuple(map(fingerprint, args)), tuple((k, fingerprint(v)) for k, v in kwargs.items()))
            outputs = [(name, values[name]) for name in example["outputs"]]
            calls.setdefault(key, (args, kwargs, []))[2].append((example["name"], mode, outputs))
    return list(calls.values())


def values_in(value, ours: tuple[str, ...], depth: int = 0) -> Iterator[np.ndarray]:
    """The numbers a call returned: the value itself, or what it holds, three levels deep.

    Held: the items of a tuple, list or dict, the attributes of an object of the scanned modules'
    own classes, and the variables a returned function closes over (a diagnosis built by a
    check holds the values it compares with).
    """
    if value is None or isinstance(value, (bool, np.bool_, str, bytes)):
        return
    if isinstance(value, (np.ndarray, np.generic, float, int)):
        try:
            array = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            return
        yield array
        return
    if depth >= DEPTH:
        return
    if isinstance(value, (tuple, list)):
        items = list(value[:MAX_ITEMS])
    elif isinstance(value, dict):
        items = list(value.values())[:MAX_ITEMS]
    elif inspect.isfunction(value):
        items = [cell.cell_contents for cell in value.__closure__ or () if _filled(cell)]
    elif is_ours(type(value), ours) and hasattr(value, "__dict__"):
        items = list(vars(value).values())[:MAX_ITEMS]
    else:
        return
    for item in items:
        yield from values_in(item, ours, depth + 1)


def _filled(cell) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def equal(value: np.ndarray, output: np.ndarray) -> bool:
    if value.shape != output.shape:
        return False
    scale = float(np.max(np.abs(output))) if output.size else 0.0
    with np.errstate(all="ignore"):
        return bool(np.allclose(value, output, rtol=RTOL, atol=1e-12 * scale))


def by_name(signature: inspect.Signature, named: dict, outputs: list[str]) -> Iterator[dict]:
    """Keyword arguments for each parameter named like an input (``inputs``: all of them as a dict;
    ``output``: the name of each graded output), when they give every parameter without a default."""
    chosen, varying = {}, None
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if name in named:
            chosen[name] = named[name]
        elif name == "inputs":
            chosen[name] = dict(named)
        elif name == "output" and outputs:
            varying = name
        elif parameter.default is parameter.empty or parameter.kind == parameter.POSITIONAL_ONLY:
            return
    if not chosen:
        return
    for output in outputs if varying else [None]:
        yield {**chosen, **({varying: output} if varying else {})}


def probe(
    function, calls: list[tuple[tuple, dict, list[tuple]]], named: list[tuple], ours: tuple[str, ...]
) -> dict:
    """Make every call of the plan, and the calls by name; the leaks found, and how many calls were made.

    ``named``: ``(inputs by name, [(example, outputs)])`` for each distinct set of named inputs.
    """
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):
        signature = None
    everything = list(calls)
    if signature is not None:
        for inputs, meanings in named:
            names = sorted({name for _, outputs in meanings for name, _ in outputs})
            for kwargs in by_name(signature, inputs, names):
                if set(kwargs) != set(inputs):  # the keyword call of the plan made it already
                    everything.append(((), kwargs, [(e, "by name", o) for e, o in meanings]))
    leaks, made, timeouts = [], 0, 0
    for args, kwargs, meanings in everything:
        if signature is not None:
            try:
                signature.bind(*args, **kwargs)
            except TypeError:
                continue
        made += 1
        fresh_args, fresh_kwargs = copy.deepcopy((args, kwargs))
        signal.setitimer(signal.ITIMER_VIRTUAL, CPU_SECONDS_PER_CALL)
        try:
            found = list(values_in(function(*fresh_args, **fresh_kwargs), ours))
        except CallTimedOut:
            timeouts += 1
            if timeouts >= TIMEOUTS_PER_CALLABLE:
                why = f"{timeouts} calls took more than {CPU_SECONDS_PER_CALL:g} s of processor time"
                return {"leaks": leaks, "calls": made, "gave up": why}
            continue
        except BaseException:  # noqa: BLE001, S112 - whatever it raises, it computed nothing
            continue
        finally:
            signal.setitimer(signal.ITIMER_VIRTUAL, 0)
        for example, mode, outputs in meanings:
            for name, output in outputs:
                if any(equal(value, output) for value in found):
                    leaks.append({"example": example, "output": name, "mode": mode})
    return {"leaks": leaks, "calls": made}


def start_child(function, calls: list, named: list, ours: tuple[str, ...]) -> tuple[int, int]:
    """Fork a child that runs :func:`probe` and writes its answer as JSON; its pid and the pipe to read."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: nothing it does may reach the scanner
        try:
            os.close(read)
            null = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.chdir(tempfile.mkdtemp(prefix="leak-probe-"))
            with open("/proc/self/statm") as statm:  # what the scanner already maps, and 2 GiB more
                mapped = int(statm.read().split()[0]) * resource.getpagesize()
            resource.setrlimit(resource.RLIMIT_AS, (mapped + 2 * 2**30, mapped + 2 * 2**30))
            resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS_PER_CALLABLE, CPU_SECONDS_PER_CALLABLE))
            signal.signal(signal.SIGVTALRM, _timed_out)
            answer = json.dumps(probe(function, calls, named, ours)).encode()
            os.write(write, answer)
        finally:
            os._exit(0)
    os.close(write)
    return pid, read


def probe_each(
    functions: list, calls: list, named: list, ours: tuple[str, ...], *, workers: int
) -> list[dict]:
    """:func:`probe` of each function, each in a child of its own, ``workers`` at a time; the answers in order.

    A child that ends without an answer, or is still at work after SECONDS_PER_CALLABLE, gives
    an answer saying so.
    """
    answers: list[dict | None] = [None] * len(functions)
    running: dict[int, tuple[int, int, float, list[bytes]]] = {}  # pipe -> index, pid, deadline, chunks
    waiting = list(enumerate(functions))[::-1]

    def finish(pipe: int, *, kill: bool) -> None:
        index, pid, _, chunks = running.pop(pipe)
        if kill:
            os.kill(pid, signal.SIGKILL)
        os.close(pipe)
        os.waitpid(pid, 0)
        try:
            answers[index] = json.loads(b"".join(chunks))
        except ValueError:
            why = "it ended its process or took more than its time in all"
            answers[index] = {"leaks": [], "calls": 0, "gave up": why}

    while waiting or running:
        while waiting and len(running) < workers:
            index, function = waiting.pop()
            pid, pipe = start_child(function, calls, named, ours)
            running[pipe] = (index, pid, time.monotonic() + SECONDS_PER_CALLABLE, [])
        soonest = min(deadline for _, _, deadline, _ in running.values())
        for pipe in select.select(list(running), [], [], max(0.0, soonest - time.monotonic()))[0]:
            chunk = os.read(pipe, 1 << 16)
            if chunk:
                running[pipe][3].append(chunk)
            else:
                finish(pipe, kill=False)
        for pipe in [p for p, (_, _, deadline, _) in running.items() if deadline < time.monotonic()]:
            finish(pipe, kill=True)
    return answers


def warm_up() -> None:
    """Draw, once for every child, the property examples the imported checks declare (as a grader does)."""
    property_module = sys.modules.get("autograder.checking.property")
    if property_module is not None and hasattr(property_module, "draw_declared"):
        property_module.draw_declared()


def _timed_out(signum, frame):
    raise CallTimedOut


def main(spec_path: str) -> None:
    """Scan what the spec names; print the findings as JSON."""
    spec = json.loads(Path(spec_path).read_text())
    sys.path[:0] = spec["path"]
    # This checkout's editable install would lend a student's copy what it lacks: a student has none.
    sys.meta_path[:] = [
        f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")
    ]
    import importlib

    for name in spec["modules"]:
        importlib.import_module(name)
    archives = {}
    for assignment, path in spec["data"].items():
        with np.load(path) as archive:
            archives[assignment] = dict(archive)
    data = {
        example["name"]: {
            key.rsplit("/", 1)[1]: value
            for key, value in archives[example["assignment"]].items()
            if key.startswith(example["prefix"] + "/")
        }
        for example in spec["examples"]
    }
    planned, named = plan(spec["examples"], data), named_inputs(spec["examples"], data)
    ours = tuple(spec["ours"])
    found = collect(spec["modules"], set(spec["scan"]), ours)
    warm_up()
    workers = len(os.sched_getaffinity(0))
    answers = probe_each([function for _, _, function in found], planned, named, ours, workers=workers)
    leaks, unfinished, calls = [], [], 0
    for (module, names, _), answer in zip(found, answers):
        calls += answer["calls"]
        leaks += [
            {"module": module, "callable": names[0], "aliases": names[1:], **leak} for leak in answer["leaks"]
        ]
        if "gave up" in answer:
            unfinished.append({"module": module, "callable": names[0], "why": answer["gave up"]})
    origins = {name: str(getattr(sys.modules[name], "__file__", "")) for name in spec["modules"]}
    print(
        json.dumps(
            {
                "leaks": leaks,
                "unfinished": unfinished,
                "callables": len(found),
                "calls": calls,
                "files": origins,
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
