"""INSTRUCTORS.md's recipe for a new autograded function works, in three files and two commands.

In a temporary copy of the package, the solutions and the scripts, the test does what the recipe
says for its example, ``softmax`` in charlm: it adds the description's line (taken from the guide
itself), writes the check module, and adds the answer and test cells to the solution notebook.
Then it runs ``scripts/make_known_answers.py charlm`` and grades, in a fresh interpreter that
imports the copy: the reference earns the described points, a plausible mistake loses some, and
the registry, the student API and the shipped modules all know the new function.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
GUIDE = REPOSITORY / "INSTRUCTORS.md"

CHECK_MODULE = '''
"""Check of ``softmax``."""

import numpy as np

from autograder.checking import known_answers
from autograder.checking.blocks import assert_known_answers, assert_outputs_close, grade, with_reference
from autograder.checking.case import Case, call
from autograder.checking.compare import check_array
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases, signed_spread
from autograder.checking.property import Examples, property_case
from autograder.checking.strategies import array_shapes, float_arrays

HINT = "softmax(a) = exp(a - max(a)) / sum(exp(a - max(a))) along the last axis."
ROWS = Examples(array_shapes(min_dims=2, max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-50, max_value=50)))


def check_softmax(softmax, *, hidden=False) -> float:
    """Check ``softmax``: known answers, rows that are the normalised exponentials, the reference."""
    if hidden:
        return grade("softmax", with_reference("charlm", 0.6, lambda ref: _hidden(softmax, ref)), hidden=True)

    def known():
        return assert_known_answers(
            "charlm", "softmax", known_answers.examples_of("charlm", "softmax"),
            lambda _, example: {"p": call(softmax, example["a"], name="softmax")}, hints={"p": HINT},
        )

    def normalised_exponentials(a):
        p = check_array(call(softmax, a, name="softmax"), function="softmax", output="p", shape=a.shape)
        e = np.exp(a - a.max(axis=-1, keepdims=True))
        assert_outputs_close("softmax", {"p": p}, {"p": e / e.sum(axis=-1, keepdims=True)}, hints={"p": HINT})

    return grade("softmax", [
        Case("known answers", 0.6, known),
        property_case("each row is exp(a) / sum(exp(a)), for |a| <= 50", 0.8, ROWS, normalised_exponentials, fresh=True),
    ])


@hidden_inputs("softmax", cases=4)
def _hidden_case(rng, case):
    """Logits of 1 to 6 rows of 2 to 9 entries, spread up to 10 * (case + 1)."""
    shape = (int(rng.integers(1, 7)), int(rng.integers(2, 10)))
    return {"x": signed_spread(rng, shape, 10.0 * (case + 1))}


def _hidden(softmax, ref):
    def matches(example):
        p = check_array(call(softmax, example["x"], name="softmax"), function="softmax", output="p",
                        shape=example["x"].shape)
        assert_outputs_close("softmax", {"p": p}, {"p": ref.softmax(example["x"])}, hints={"p": HINT})

    return [Case("matches the reference on random inputs", 0.6, lambda: run_hidden_cases("softmax", matches),
                 fresh=True)]


def softmax_examples(reference) -> dict:
    """Known answers of softmax, from a fixed seed."""
    a = np.random.default_rng(1986).normal(scale=3.0, size=(2, 5))
    return {"softmax/random": {"a": a, "p": reference.softmax(a)}}
'''

ANSWER = '''def softmax(a):
    """The probabilities of the logits ``a (N, V)``: $p_{ij} = e^{a_{ij}} / \\\\sum_k e^{a_{ik}}$, row by row."""
    ### BEGIN SOLUTION
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)
    ### END SOLUTION
'''

TEST = '''from autograder.checks import charlm as checks

checks.softmax(softmax)
### BEGIN HIDDEN TESTS
checks.softmax(softmax, hidden=True)
### END HIDDEN TESTS
'''


def the_guides_description_line() -> str:
    """The ``Function(...)`` the recipe tells the instructor to add, as the guide writes it."""
    recipe = GUIDE.read_text("utf-8").split("**An autograded function.**")[1].split("**A check.**")[0]
    return re.search(r"`(Function\(\"softmax\".*?\))`", recipe, re.DOTALL).group(1)


def cell(kind: str, source: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    return make(source, metadata={"nbgrader": {"schema_version": 3, "locked": False, "solution": False,
                                               "grade": False, "task": False, **nbgrader}})


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    """A copy of the course with softmax added by the recipe's three files."""
    root = tmp_path_factory.mktemp("course")
    for part in ("autograder", "solutions", "scripts"):
        shutil.copytree(REPOSITORY / part, root / part, ignore=shutil.ignore_patterns("__pycache__"))
    description = root / "autograder" / "course" / "charlm.py"
    text = description.read_text()
    last = text.rindex("        ),\n    ),\n")  # after the last Function(...) of the tuple
    description.write_text(text[: last + len("        ),\n")] + f"        {the_guides_description_line()},\n" + text[last + len("        ),\n"):])
    (root / "autograder" / "checks" / "softmax.py").write_text(CHECK_MODULE.lstrip())
    path = root / "solutions" / "charlm" / "charlm.ipynb"
    notebook = nbformat.read(path, as_version=4)
    notebook.cells += [
        cell("code", ANSWER, solution=True, grade_id="softmax"),
        cell("code", TEST, grade=True, locked=True, grade_id="test_softmax", points=2.0),
    ]
    nbformat.write(notebook, path)
    environment = {**os.environ, "PYTHONPATH": str(root), "AUTOGRADER_SOLUTIONS": str(root)}
    done = subprocess.run([sys.executable, "scripts/make_known_answers.py", "charlm"], cwd=root, env=environment,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return root


def in_the_copy(course: Path, code: str) -> dict:
    """Run ``code`` in a fresh interpreter importing the copy; the JSON it prints last."""
    environment = {**os.environ, "PYTHONPATH": str(course), "AUTOGRADER_SOLUTIONS": str(course)}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=course, env=environment,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_the_reference_earns_the_described_points_and_a_mistake_loses_some(course):
    """Does the reference softmax earn 1.4 public and 0.6 hidden points, and one normalising over the batch lose?"""
    found = in_the_copy(course, """
        import io, json, contextlib
        import numpy as np
        import autograder
        from autograder.checking.reference import load_reference
        from autograder.checks import charlm as checks
        assert autograder.__file__.startswith(__import__("os").getcwd())
        reference = load_reference("charlm")
        def over_the_batch(a):
            e = np.exp(a - a.max(axis=0, keepdims=True))
            return e / e.sum(axis=0, keepdims=True)
        with contextlib.redirect_stdout(io.StringIO()) as out:
            scores = [checks.softmax(reference.softmax), checks.softmax(reference.softmax, hidden=True),
                      checks.softmax(over_the_batch)]
        print(json.dumps({"scores": scores, "out": out.getvalue()}))
    """)
    assert found["scores"][:2] == [1.4, 0.6], found["out"]
    assert found["scores"][2] < 1.4, found["out"]


def test_everything_derived_from_the_description_knows_the_new_function(course):
    """Do the student API, the registry, the known answers and the shipped modules all hold softmax?"""
    found = in_the_copy(course, """
        import json
        from pathlib import Path
        from autograder.builds.shipped_modules import shipped_modules
        from autograder.checking import known_answers
        from autograder.checks import charlm as checks
        from autograder.student_api import STUDENT_FUNCTIONS
        print(json.dumps({
            "api": STUDENT_FUNCTIONS["charlm"][-1],
            "registry": checks.__all__[-1],
            "examples": sorted(known_answers.examples_of("charlm", "softmax")),
            "shipped": "autograder.checks.softmax" in shipped_modules("charlm", Path("autograder")),
        }))
    """)
    assert found == {"api": "softmax", "registry": "softmax", "examples": ["random"], "shipped": True}
