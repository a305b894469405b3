"""Nothing a student receives or can import while graded computes a graded answer, by what it does.

``tests/builds/test_leaks.py`` looks for the solutions' text. This looks at behaviour: every module a
student receives (the package each student-facing build ships, and the assignment's support
modules) or can import while graded (the sandbox's view of the package,
``autograder.sandbox.sandbox_view``, and the support modules copied into the sandbox) is imported
in an interpreter of its own, and every callable reachable from it is called with the
known-answer inputs of every graded function (``tests/support/behavioural_leaks.py``): positionally in
the order of the graded function's signature (a backward's ``cache`` standing for its forward's
inputs), with keyword arguments, and with each array alone. A callable whose value equals a graded
output of that example, to a relative 1e-6, is a leak, and the test fails listing every one.

An output is not counted when anything reproduces it: one equal to an input of its example (a
clip below the threshold returns its input), a constant array, or a lone 0 or 1.
"""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support.platform_builds import example_options

from autograder.builds import BUILDS
from autograder.checking import known_answers
from autograder.checking.diagnoses import SIGNATURE_PREFIX
from autograder.course import ASSIGNMENTS
from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.sandbox.sandbox_view import SANDBOX_MODULES, module_source
from autograder.student_api import STUDENT_FUNCTIONS

SCANNER = Path(__file__).resolve().parents[1] / "support" / "behavioural_leaks.py"

CACHE_OF = {f.name: f.uses[0] for a in ASSIGNMENTS.values() for f in a.functions if f.uses}
"""The forward whose inputs a ``cache`` argument stands for (the cache itself is each student's own design): the
function its check uses, as the assignment's description says."""

CACHE_KEYS = {"rnn_backward_truncated": ("x", "h0", "Wx", "Wh", "b", "h")}
"""What a cache stands for where a provided forward makes it (charlm's ``rnn_forward``): its inputs and its states."""

PREFIXED_DICTS = {"grads": "grad_", "params": "param_"}
"""Dict arguments stored one array per key under a prefix (``grad_Wx``, ``param_Wx``)."""

ALIASES = {"clip_value": "threshold", "max_norm": "threshold"}
"""Parameters stored under another name in the known answers."""

ACTIVATIONS = ("tanh", "sigmoid", "relu")
"""An ``activation`` the known answers do not store is the example's name (``activation_derivative/relu``)."""

WRONG_ANSWERS = "_ifgo"
"""Known answers ending so are a mistake's outputs (gates in the order i, f, g, o), not a graded answer; so are
the signatures of common mistakes published with them (``signature<n>:...``)."""


def signatures(assignment: str) -> dict[str, list[str]]:
    """The parameters of every function of the assignment, in order, as its description gives them."""
    return {f.name: list(f.parameters) for f in ASSIGNMENTS[assignment].functions}


def argument(key: str, values: dict[str, np.ndarray]) -> dict:
    value = values[key]
    if value.dtype.kind == "U":
        return {"text": key}
    return {"number": key} if value.ndim == 0 else {"key": key}


def trivial(output: np.ndarray, inputs: list[np.ndarray]) -> bool:
    """Whether anything reproduces ``output``: an input of its example, a constant array, a lone 0 or 1, or a
    lone number an input holds (up to its sign: the norm of a single entry)."""
    flat = output.ravel()
    if flat.size and np.all(flat == flat[0]) and (flat.size > 1 or abs(flat[0]) in (0.0, 1.0)):
        return True
    if flat.size == 1 and any(np.any(np.isclose(np.abs(i), abs(flat[0]), rtol=1e-6, atol=0)) for i in inputs):
        return True
    return any(i.shape == output.shape and np.allclose(i, output, rtol=1e-6, atol=0) for i in inputs)


def examples() -> list[dict]:
    """Every known-answer example of every graded function: how to call with it, and its graded outputs."""
    found = []
    for assignment in ASSIGNMENTS:
        parameters = signatures(assignment)
        for name, values in known_answers.load(assignment).items():
            function = name.split("/")[0]
            positional, keyword, used = [], {}, set()
            for parameter in parameters[function]:
                if parameter == "cache" and function in CACHE_KEYS:
                    keys = list(CACHE_KEYS[function])
                elif parameter == "cache":
                    keys = [q for q in parameters[CACHE_OF[function]] if q in values]
                elif parameter in PREFIXED_DICTS:
                    prefix = PREFIXED_DICTS[parameter]
                    arrays = {k.removeprefix(prefix): k for k in values if k.startswith(prefix)}
                    positional.append({"dict": arrays})
                    keyword[parameter] = positional[-1]
                    used |= set(arrays.values())
                    continue
                elif (
                    parameter == "activation"
                    and parameter not in values
                    and name.split("/")[1] in ACTIVATIONS
                ):
                    positional.append({"literal": name.split("/")[1]})
                    keyword[parameter] = positional[-1]
                    continue
                else:
                    keys = [parameter if parameter in values else ALIASES.get(parameter, parameter)]
                for key in keys:
                    positional.append(argument(key, values))
                    keyword[parameter if key == ALIASES.get(parameter) else key] = positional[-1]
                    used.add(key)
            inputs = [values[k] for k in used if values[k].dtype.kind == "f"]
            outputs = [
                k
                for k in values
                if k not in used
                and not k.endswith(WRONG_ANSWERS)
                and not k.startswith(SIGNATURE_PREFIX)
                and values[k].dtype.kind == "f"
                and not trivial(values[k], inputs)
            ]
            found.append(
                {
                    "name": f"{assignment} {name}",
                    "assignment": assignment,
                    "prefix": name,
                    "function": function,
                    "positional": positional,
                    "keyword": keyword,
                    "outputs": outputs,
                }
            )
    return found


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_modules(package: Path) -> dict[str, Path]:
    """Every module of a copy of the package, with its file.

    Left out: ``python -m`` entry points, and the release's support modules, which are scanned
    as the support modules students receive (they are the same files).
    """
    modules = {}
    for source in sorted(package.rglob("*.py")):
        parts = source.relative_to(package.parent).with_suffix("").parts
        if "__pycache__" not in parts and parts[-1] != "__main__" and "releases" not in parts:
            modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = source
    return modules


def support_modules(directory: Path) -> dict[str, Path]:
    return {path.stem: path for path in sorted(directory.glob("*.py"))}


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, tuple[list[str], dict[str, Path]]]:
    """What a student receives or can import while graded, by name: directories for sys.path, and modules."""
    root = tmp_path_factory.mktemp("behaviour")
    found: dict[str, tuple[list[str], dict[str, Path]]] = {}
    packages: dict[str, list[str]] = {}
    for assignment in ASSIGNMENTS:
        for name, build in BUILDS.items():
            if not build.students_read or build.archive:
                continue
            out = build.make(assignment, root / f"{assignment}-{name}", **example_options(build))
            for cli in sorted(out.rglob("autograder/cli.py")):
                package = cli.parent
                modules = package_modules(package)
                key = hashlib.sha256("".join(digest(p) for p in modules.values()).encode()).hexdigest()
                packages.setdefault(key, []).append(f"{assignment} {name}")
                if len(packages[key]) == 1:
                    found[f"the package of {assignment} {name}"] = ([str(package.parent)], modules)
            if name == "student":
                found[f"the {assignment} support modules students receive"] = (
                    [str(out)],
                    support_modules(out),
                )
        sandbox_support = REPOSITORY / "solutions" / assignment
        found[f"the {assignment} support modules in the sandbox"] = (
            [str(sandbox_support)],
            support_modules(sandbox_support),
        )
    view = {module: module_source(module) for module in SANDBOX_MODULES}
    found["the sandbox's view of the package"] = ([str(REPOSITORY)], view)
    return found


def scan(places, tmp_path: Path) -> dict:
    """Run the scanner on every place, each module's code once: the leaks and unfinished callables, by place."""
    calls = examples()
    scanned: dict[str, str] = {}  # digest of a module's file -> the place it was scanned in
    findings: dict[str, dict] = {}
    for place, (path, modules) in places.items():
        new = [m for m, f in modules.items() if digest(f) not in scanned]
        for source in modules.values():
            scanned.setdefault(digest(source), place)
        spec = {
            "path": path,
            "modules": list(modules),
            "scan": new,
            "ours": sorted({m.split(".")[0] for m in modules}),
            "data": {a: str(known_answers.data_path(a)) for a in ASSIGNMENTS},
            "examples": calls,
        }
        spec_file = tmp_path / f"spec-{len(findings)}.json"
        spec_file.write_text(json.dumps(spec))
        env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", "HYPOTHESIS_NO_PLUGINS": "1"}
        done = subprocess.run(
            [sys.executable, str(SCANNER), str(spec_file)],
            capture_output=True,
            text=True,
            timeout=3000,
            env=env,
            cwd=tmp_path,
        )
        assert done.returncode == 0, f"the scanner failed on {place}:\n{done.stderr[-3000:]}"
        findings[place] = json.loads(done.stdout.splitlines()[-1])
        findings[place]["digests"] = {module: digest(source) for module, source in modules.items()}
        for module, file in findings[place]["files"].items():
            assert Path(file).resolve().is_relative_to(Path(path[0]).resolve()), (
                f"{place}: {module} came from {file}"
            )
    return findings


@pytest.fixture(scope="module")
def findings(places, tmp_path_factory) -> dict:
    return scan(places, tmp_path_factory.mktemp("scans"))


def leak_report(findings: dict) -> list[str]:
    """One line per leaking callable: its names, where it was found, and every graded output it reproduced.

    Each graded output comes with one call that reproduced it (the example, and how it was called).
    """
    holders: dict[str, list[str]] = {}  # a module's code -> every place that holds it
    for place, found in findings.items():
        for code in found["digests"].values():
            holders.setdefault(code, []).append(place)
    by_callable: dict[str, tuple[list[str], list[str], dict[str, str]]] = {}
    for found in findings.values():
        for leak in found["leaks"]:
            function = leak["example"].split(" ")[1].split("/")[0]
            places = holders[found["digests"][leak["module"]]]
            aliases, _, reproduced = by_callable.setdefault(leak["callable"], (leak["aliases"], places, {}))
            reproduced.setdefault(f"{function} `{leak['output']}`", f"{leak['example']}, {leak['mode']}")
    return [
        name
        + (" (also " + ", ".join(aliases) + ")" if aliases else "")
        + " reproduces "
        + "; ".join(f"{output} ({how})" for output, how in sorted(outputs.items()))
        + " [in "
        + ", ".join(places)
        + "]"
        for name, (aliases, places, outputs) in sorted(by_callable.items())
    ]


def test_every_place_was_scanned_and_every_callable_finished(findings):
    """Was every module imported from the place under test, callables found and called, and every one finished?"""
    assert any(f["callables"] for f in findings.values())
    assert sum(f["calls"] for f in findings.values()) > 10_000
    unfinished = [f"{u['callable']}: {u['why']}" for found in findings.values() for u in found["unfinished"]]
    assert unfinished == [], "callables the scanner could not finish:\n  " + "\n  ".join(unfinished)


def test_no_callable_a_student_can_reach_computes_a_graded_answer(findings):
    """Does no callable of anything students receive or can import while graded reproduce a graded output?"""
    leaks = leak_report(findings)
    assert leaks == [], f"{len(leaks)} callables compute graded answers:\n  " + "\n  ".join(leaks)


def test_the_examples_call_every_graded_function_with_outputs_to_compare():
    """Does every graded function of every assignment have examples with an output that only computing gives?"""
    graded = {(c["assignment"], c["function"]) for c in examples() if c["outputs"]}
    assert graded == {(a, f) for a in ASSIGNMENTS for f in STUDENT_FUNCTIONS[a]}
    clipped_below = next(c for c in examples() if c["name"] == "rnn clip_by_norm/below")
    assert clipped_below["outputs"] == []  # the clip returns its input: nothing to give away
