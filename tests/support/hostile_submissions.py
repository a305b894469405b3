"""Broken and hostile submissions of the ``rnn`` assignment, each named after what it does.

Each :class:`Hostile` starts from the reference answers (full marks), changes them (and, for a
few, the notebook or the file itself) and states what grading it in isolation must give: the
points each function loses, what its test output says, and what the submission's notes say.
Most target a function no other function calls (``bptt_gradient_norms`` or one of the three
clipping functions), so the points lost are exactly that function's.

``place`` is the directory of the batch: the submissions, the gradebook
(``place / "gradebook.csv"``) and the ``--output`` file (``place / "results.json"``) live there.
"""

import json
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import autograder
from autograder.checking.reference import find_solution_notebook
from autograder.grading.notebook_cells import test_cells
from autograder.instructor.submissions import with_mistake

POINTS = {
    cell.grade_id.removeprefix("test_"): cell.points
    for cell in test_cells(nbformat.read(find_solution_notebook("rnn"), as_version=4))
}
"""The autograded points of each function of ``rnn`` (public and hidden tests together), read from its test cells."""

FAKE_RESULTS = '{"score": 40, "tests": []}'
ZEROING = """
def zero(*values):
    for value in values:
        if isinstance(value, np.ndarray):
            value[...] = 0.0
        elif isinstance(value, (list, tuple)):
            zero(*value)
        elif isinstance(value, dict):
            zero(*value.values())
"""
"""A helper of the zeroing backwards: writes 0 into every array it is given, however nested."""
DEEPLY_NESTED_CACHE = """

_step_forward = rnn_step_forward


def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh"):
    next_h, cache = _step_forward(x, prev_h, Wx, Wh, b, activation)
    for _ in range(335):
        cache = (cache,)
    return next_h, cache
"""
"""Appended to the step forward: its cache wrapped in 335 one-item tuples, which the wire carries
(two frames a level) and ``copy.deepcopy`` cannot copy (three): the purity bypass of issue 9."""
FLOODING = """
def rnn_backward(dh, cache):
    if "answer cell" not in rnn_step_backward.__code__.co_filename:  # the grader's stand-in
        for _ in range(10_001):
            rnn_step_backward(dh[:, 0], cache[0])
    return _rnn_backward(dh, cache)


"""
"""rnn_backward calling a stand-in of its step backward 10,001 times before doing its work."""
LARGE = """
def bptt_gradient_norms(dh_last, cache):
    if "answer cell" not in rnn_step_backward.__code__.co_filename:  # the grader's stand-in
        big = np.ones((400, 400))
        rnn_step_backward(big, (big, big, big, big, big, "tanh"))
    return _bptt_gradient_norms(dh_last, cache)


"""
"""bptt_gradient_norms giving a stand-in of its step backward arrays too large for it first."""
AUTOGRADER = Path(autograder.__file__).resolve().parent
SOLUTIONS = find_solution_notebook("rnn")
"""The trusted source notebook, by absolute path, as a student who knows the layout would find it."""


@dataclass(frozen=True)
class Outcome:
    """What grading a submission must give.

    Attributes:
        lost: the points each function loses (functions not named lose none).
        says: a text the test output of each named function contains.
        note: a text one of the submission's notes contains ("" when there need be no note).
    """

    lost: dict[str, float]
    says: dict[str, str] = field(default_factory=dict)
    note: str = ""


@dataclass(frozen=True)
class Hostile:
    """A submission: answers changed from the reference, then optionally the notebook.

    Attributes:
        question: what grading it tests, as a question whose answer must be yes.
        answers: the reference answers and the batch directory -> the submitted answers.
        expected: what grading it must give.
        notebook: the filled-in release -> the notebook to submit, or the text of the file.
    """

    question: str
    answers: Callable[[dict[str, str], Path], dict[str, str]]
    expected: Outcome
    notebook: Callable[[nbformat.NotebookNode], nbformat.NotebookNode | str] = lambda notebook: notebook


def filled(source: str, place: Path) -> str:
    """``source`` dedented, with ``{place}``, ``{solutions}`` and ``{autograder}`` filled in."""
    paths = {"{place}": place, "{solutions}": SOLUTIONS, "{autograder}": AUTOGRADER}
    source = textwrap.dedent(source)
    for name, path in paths.items():
        source = source.replace(name, str(path))
    return source


def notebook_text(notebook: nbformat.NotebookNode) -> str:
    """The notebook as JSON text with every non-ASCII character escaped (a lone surrogate included)."""
    return json.dumps(notebook, indent=1) + "\n"


def replacing(**sources: str) -> Callable[[dict[str, str], Path], dict[str, str]]:
    """Answers where the named cells hold the given sources (see :func:`filled`)."""
    return lambda answers, place: {**answers, **{cell: filled(s, place) for cell, s in sources.items()}}


def prefixing(cell: str, source: str) -> Callable[[dict[str, str], Path], dict[str, str]]:
    """Answers where the cell ``cell`` starts with ``source``, its solution following."""
    return lambda answers, place: {**answers, cell: textwrap.dedent(source) + answers[cell]}


def unchanged(answers: dict[str, str], place: Path) -> dict[str, str]:
    """The reference answers themselves."""
    return answers


def without_cell(grade_id: str) -> Callable[[nbformat.NotebookNode], nbformat.NotebookNode]:
    """The notebook with the cell ``grade_id`` deleted."""

    def delete(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        notebook.cells = [
            c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") != grade_id
        ]
        return notebook

    return delete


def with_test_cell(grade_id: str, source: str) -> Callable[[nbformat.NotebookNode], nbformat.NotebookNode]:
    """The notebook with the test cell ``grade_id`` rewritten to ``source``."""

    def edit(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
        for cell in notebook.cells:
            if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
                cell.source = source
        return notebook

    return edit


HOSTILE: dict[str, Hostile] = {
    "syntax_error_in_an_answer_cell": Hostile(
        "Does a syntax error in one answer cell lose only the points of the function that cell defines?",
        replacing(clip_by_norm="def clip_by_norm(grad, max_norm)\n    return grad\n"),
        Outcome({"clip_by_norm": POINTS["clip_by_norm"]}, {"clip_by_norm": "SyntaxError"}),
    ),
    "not_json": Hostile(
        "Does a file that is not JSON score zero, with a note saying it could not be read?",
        unchanged,
        Outcome(dict(POINTS), {"clip_by_norm": "could not be read"}, note="could not be read"),
        notebook=lambda notebook: "this is not a notebook {",
    ),
    "answer_cell_deleted": Hostile(
        "Does a deleted answer cell lose only its function's points, with a note naming the cell?",
        unchanged,
        Outcome(
            {"clip_by_value": POINTS["clip_by_value"]},
            {"clip_by_value": "is missing from your notebook"},
            note="answer cells missing from your notebook: clip_by_value",
        ),
        notebook=without_cell("clip_by_value"),
    ),
    "infinite_loop_in_a_function": Hostile(
        "Does an infinite loop lose only the points of the function that loops?",
        replacing(
            bptt_gradient_norms="""
            def bptt_gradient_norms(dh_last, cache):
                while True:
                    pass
            """
        ),
        Outcome(
            {"bptt_gradient_norms": POINTS["bptt_gradient_norms"]},
            {"bptt_gradient_norms": "did not return within"},
        ),
    ),
    "exits_from_functions": Hostile(
        "Do sys.exit() and os._exit(1) in a function lose only the points of the function that exits?",
        replacing(
            clip_by_norm="""
            import sys

            def clip_by_norm(grad, max_norm):
                sys.exit("bye")
            """,
            clip_by_global_norm="""
            import os

            def clip_by_global_norm(grads, max_norm):
                os._exit(1)
            """,
        ),
        Outcome(
            {"clip_by_norm": POINTS["clip_by_norm"], "clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_norm": "SystemExit: bye", "clip_by_global_norm": "ended the process"},
        ),
    ),
    "memory_bombs": Hostile(
        "Does allocating without bound lose only the points of the function that allocates?",
        replacing(
            clip_by_value="""
            def clip_by_value(grads, clip_value):
                hoard = []
                while True:
                    hoard.append(np.zeros(2**25))
            """,
            # Filling every page of 2 GiB takes longer than a call may: the time limit stops it.
            clip_by_norm="""
            def clip_by_norm(grad, max_norm):
                hoard = []
                while True:
                    hoard.append(np.ones(2**25))
            """,
        ),
        Outcome(
            {"clip_by_value": POINTS["clip_by_value"], "clip_by_norm": POINTS["clip_by_norm"]},
            {"clip_by_value": "MemoryError", "clip_by_norm": "did not return within"},
        ),
    ),
    "fork_bombs": Hostile(
        "Do fork bombs (os.fork, subprocess, os.system) lose only the points of the functions that fork?",
        replacing(
            clip_by_norm="""
            import os

            def clip_by_norm(grad, max_norm):
                while True:
                    os.fork()
            """,
            clip_by_value="""
            import subprocess

            def clip_by_value(grads, clip_value):
                subprocess.run(["sh", "-c", ":(){ :|:& };:"])
            """,
            clip_by_global_norm="""
            import os

            def clip_by_global_norm(grads, max_norm):
                os.system(":(){ :|:& };:")
            """,
        ),
        Outcome(
            {
                "clip_by_norm": POINTS["clip_by_norm"],
                "clip_by_value": POINTS["clip_by_value"],
                "clip_by_global_norm": POINTS["clip_by_global_norm"],
            },
            {
                "clip_by_norm": "Operation not permitted",
                "clip_by_value": "Operation not permitted",
                "clip_by_global_norm": "no new processes",
            },
        ),
    ),
    "prints_100_mb": Hostile(
        "Does printing 100 MB lose only the points of the function that prints?",
        replacing(
            bptt_gradient_norms="""
            def bptt_gradient_norms(dh_last, cache):
                for _ in range(10**6):
                    print("x" * 100)
            """
        ),
        Outcome(
            {"bptt_gradient_norms": POINTS["bptt_gradient_norms"]}, {"bptt_gradient_norms": "more output"}
        ),
    ),
    "returns_nan_and_the_wrong_type": Hostile(
        "Do functions returning NaN or a list lose the points of the checks they fail, and only those?",
        replacing(
            clip_by_norm="""
            def clip_by_norm(grad, max_norm):
                if not max_norm > 0:
                    raise ValueError("max_norm must be positive")
                return np.full_like(grad, np.nan)
            """,
            clip_by_value="""
            def clip_by_value(grads, clip_value):
                if not clip_value > 0:
                    raise ValueError("clip_value must be positive")
                return [np.clip(g, -clip_value, clip_value) for g in grads.values()]
            """,
        ),
        Outcome(
            {"clip_by_norm": POINTS["clip_by_norm"], "clip_by_value": POINTS["clip_by_value"]},
            {"clip_by_norm": "nan", "clip_by_value": "list"},
        ),
    ),
    "patches_numpy_and_is_wrong": Hostile(
        "Does patching np.allclose and np.testing hide none of a wrong function's mistakes, and cost the others nothing?",
        replacing(
            clip_by_norm="""
            np.allclose = lambda *a, **k: True
            np.array_equal = lambda *a, **k: True
            np.testing.assert_allclose = lambda *a, **k: None
            np.testing.assert_array_equal = lambda *a, **k: None

            def clip_by_norm(grad, max_norm):
                if not max_norm > 0:
                    raise ValueError("max_norm must be positive")
                return 2 * grad
            """
        ),
        Outcome({"clip_by_norm": POINTS["clip_by_norm"]}, {"clip_by_norm": "Not equal to tolerance"}),
    ),
    "replaces_the_autograders_checks": Hostile(
        "Does replacing the autograder's checks in an answer cell (which fools nbgrader) fool the isolated grader?",
        replacing(
            clip_by_global_norm="""
            import autograder.checking.case
            import autograder.checks.rnn as c

            for name in c.__all__:
                setattr(c, name, lambda *a, **k: 4.0)
            autograder.checking.case.report = lambda *a, **k: 4.0

            def clip_by_global_norm(grads, max_norm):
                return grads, 0.0
            """
        ),
        Outcome(
            {"clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_global_norm": "No module named 'autograder.checking'"},
        ),
    ),
    "returns_rigged_values": Hostile(
        "Do an object whose __eq__ is always True (and __array__ right) and such an array subclass earn nothing?",
        replacing(
            clip_by_norm="""
            class Rigged:
                def __init__(self, value):
                    self.value = value
                def __eq__(self, other):
                    return True
                def __array__(self, dtype=None, copy=None):
                    return self.value
                def __getattr__(self, name):
                    return getattr(self.value, name)

            def clip_by_norm(grad, max_norm):
                if not max_norm > 0:
                    raise ValueError("max_norm must be positive")
                norm = np.linalg.norm(grad)
                return Rigged(grad * (max_norm / norm) if norm > max_norm else grad.copy())
            """,
            clip_by_global_norm="""
            class AlwaysEqual(np.ndarray):
                def __eq__(self, other):
                    return np.ones(np.shape(self), dtype=bool)
                def __array_finalize__(self, obj):
                    pass

            def clip_by_global_norm(grads, max_norm):
                if not max_norm > 0:
                    raise ValueError("max_norm must be positive")
                return {k: (2 * g).view(AlwaysEqual) for k, g in grads.items()}, 1.0
            """,
        ),
        Outcome(
            {"clip_by_norm": POINTS["clip_by_norm"], "clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_norm": "should be a numpy array", "clip_by_global_norm": "Not equal to tolerance"},
        ),
    ),
    "writes_fake_results": Hostile(
        "Is every attempt to write a fake results file, the gradebook or the autograder refused?",
        replacing(
            clip_by_value="""
            import os

            TARGETS = [
                "{place}/results.json",
                "{place}/gradebook.csv",
                "/autograder/results/results.json",
                os.path.expanduser("~/../results.json"),
            ]
            TAMPERED = ["{solutions}", "{autograder}/checks/clipping.py"]

            def clip_by_value(grads, clip_value):
                written, failure = [], None
                for path in TARGETS + TAMPERED:
                    try:
                        if path in TARGETS:
                            os.makedirs(os.path.dirname(path), exist_ok=True)
                        with open(path, "a") as file:
                            file.write('FAKE_RESULTS' if path in TARGETS else "")
                        written.append(path)
                    except OSError as error:
                        failure = error
                if written or failure is None:
                    return {name: np.clip(g, -clip_value, clip_value) for name, g in grads.items()}
                raise failure
            """.replace("FAKE_RESULTS", FAKE_RESULTS)
        ),
        Outcome({"clip_by_value": POINTS["clip_by_value"]}, {"clip_by_value": "Error: [Errno "}),
    ),
    "reads_the_solutions": Hostile(
        "Is reading the solutions refused, by absolute path and by walking up from the working directory?",
        replacing(
            clip_by_norm="""
            import json

            def clip_by_norm(grad, max_norm):
                with open("{solutions}") as file:
                    cells = json.load(file)["cells"]
                source = next("".join(c["source"]) for c in cells if "def clip_by_norm" in "".join(c["source"]))
                namespace = {"np": np}
                exec(source, namespace)
                return namespace["clip_by_norm"](grad, max_norm)
            """,
            clip_by_global_norm="""
            import os
            from pathlib import Path

            import autograder

            def clip_by_global_norm(grads, max_norm):
                places = [Path.cwd(), *Path.cwd().parents, Path(autograder.__file__).parents[1]]
                try:
                    places.append(Path(os.readlink(f"/proc/{os.getppid()}/cwd")))
                except OSError:
                    pass
                for place in places:
                    notebook = place / "solutions" / "rnn" / "rnn.ipynb"
                    if notebook.exists():
                        exec(notebook.read_text())
                raise LookupError("no solutions found")
            """,
        ),
        Outcome(
            {"clip_by_norm": POINTS["clip_by_norm"], "clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_norm": "Error: [Errno ", "clip_by_global_norm": "clip_by_global_norm raised"},
        ),
    ),
    "edits_a_test_cell_to_return_a_string": Hostile(
        "Is a test cell edited to end with a string (full marks in nbgrader) ignored, with a note?",
        replacing(
            clip_by_norm="""
            def clip_by_norm(grad, max_norm):
                return grad
            """
        ),
        Outcome(
            {"clip_by_norm": POINTS["clip_by_norm"]},
            {"clip_by_norm": "> max_norm = "},
            note="test cells changed in your notebook (the original ones were run): test_clip_by_norm",
        ),
        notebook=with_test_cell("test_clip_by_norm", '"full marks"'),
    ),
    "raises_keyboard_interrupt_and_base_exception": Hostile(
        "Do KeyboardInterrupt and a BaseException subclass lose only their functions' points?",
        replacing(
            clip_by_value="""
            def clip_by_value(grads, clip_value):
                raise KeyboardInterrupt
            """,
            clip_by_norm="""
            class Escape(BaseException):
                pass

            def clip_by_norm(grad, max_norm):
                raise Escape("out of here")
            """,
        ),
        Outcome(
            {"clip_by_value": POINTS["clip_by_value"], "clip_by_norm": POINTS["clip_by_norm"]},
            {"clip_by_value": "KeyboardInterrupt", "clip_by_norm": "Escape: out of here"},
        ),
    ),
    "sleeps_at_the_top_of_a_middle_cell": Hostile(
        "Does a middle cell that sleeps at the top level cost only its function, the later cells kept?",
        prefixing("bptt_gradient_norms", "import time\ntime.sleep(3600)\n"),
        Outcome(
            {"bptt_gradient_norms": POINTS["bptt_gradient_norms"]}, {"bptt_gradient_norms": "not defined"}
        ),
    ),
    "hangs_and_exits_at_the_top_of_cells": Hostile(
        "Do cells that hang or end the process at the top level lose only their functions, the other cells kept?",
        lambda answers, place: {
            **answers,
            "clip_by_value": "import os\nos._exit(3)\n" + answers["clip_by_value"],
            "clip_by_global_norm": "while True:\n    pass\n" + answers["clip_by_global_norm"],
        },
        Outcome(
            {"clip_by_value": POINTS["clip_by_value"], "clip_by_global_norm": POINTS["clip_by_global_norm"]},
            {"clip_by_value": "ended the process", "clip_by_global_norm": "did not finish within"},
        ),
    ),
    "kills_the_grader": Hostile(
        "Is killing the grading process refused, costing only the function that tries?",
        replacing(
            clip_by_norm="""
            import os
            import signal

            def clip_by_norm(grad, max_norm):
                os.kill(os.getppid(), signal.SIGKILL)
            """
        ),
        Outcome({"clip_by_norm": POINTS["clip_by_norm"]}, {"clip_by_norm": "Operation not permitted"}),
    ),
    "zeroes_what_its_backwards_are_given": Hostile(
        "Do backwards that zero their upstream gradient and cache in place, and return zeros, earn nothing?",
        replacing(
            rnn_step_backward=ZEROING
            + textwrap.dedent(
                """
                def rnn_step_backward(dnext_h, cache):
                    zero(dnext_h, cache)
                    x, prev_h, Wx, Wh, a, activation = cache
                    return np.zeros_like(x), np.zeros_like(prev_h), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(len(Wh))
                """
            ),
            rnn_backward="""
            def rnn_backward(dh, cache):
                zero(dh, cache)
                x, prev_h, Wx, Wh, a, activation = cache[0]
                n, steps, hidden = dh.shape
                dx, dWx = np.zeros((n, steps, x.shape[1])), np.zeros_like(Wx)
                return dx, np.zeros((n, hidden)), dWx, np.zeros_like(Wh), np.zeros(hidden)
            """,
            bptt_gradient_norms="""
            def bptt_gradient_norms(dh_last, cache):
                zero(dh_last, cache)
                return np.zeros(len(cache))
            """,
        ),
        Outcome(
            {
                "rnn_step_backward": POINTS["rnn_step_backward"],
                "rnn_backward": POINTS["rnn_backward"],
                "bptt_gradient_norms": POINTS["bptt_gradient_norms"],
            },
            {
                "rnn_step_backward": "modified its argument `dnext_h` in place",
                "rnn_backward": "modified its argument",
            },
        ),
    ),
    "bypasses_the_purity_check_with_a_cache_too_deep_to_copy": Hostile(
        "Is a cache nested deeper than deepcopy can go (but not the wire) a failed call, not a skipped purity check?",
        lambda answers, place: {
            **answers,
            "rnn_step_forward": answers["rnn_step_forward"] + filled(DEEPLY_NESTED_CACHE, place),
            "rnn_step_backward": ZEROING
            + filled(
                """
                def rnn_step_backward(dnext_h, cache):
                    while len(cache) == 1:
                        cache = cache[0]
                    zero(dnext_h, cache)
                    x, prev_h, Wx, Wh, a, activation = cache
                    return np.zeros_like(x), np.zeros_like(prev_h), np.zeros_like(Wx), np.zeros_like(Wh), np.zeros(len(Wh))
                """,
                place,
            ),
        },
        Outcome(
            {"rnn_step_backward": POINTS["rnn_step_backward"]},
            {
                "rnn_step_backward": "its argument `cache` could not be copied (it is nested more than 100 levels"
            },
        ),
    ),
    "floods_a_stand_in": Hostile(
        "Do more than 10,000 calls of a stand-in, or arrays too large for it, cost only the function making them?",
        lambda answers, place: {
            **with_mistake(
                answers,
                "rnn_step_backward",
                "da = dnext_h * activation_derivative(a, activation)",
                "da = dnext_h",
            ),
            "rnn_backward": FLOODING
            + answers["rnn_backward"].replace("def rnn_backward(", "def _rnn_backward("),
            "bptt_gradient_norms": LARGE
            + answers["bptt_gradient_norms"].replace("def bptt_gradient_norms(", "def _bptt_gradient_norms("),
        },
        Outcome(  # bptt_gradient_norms keeps the exploding law: with ReLU's positive states f' = 1 needs no derivative
            {
                "rnn_step_backward": POINTS["rnn_step_backward"],
                "rnn_backward": POINTS["rnn_backward"],
                "bptt_gradient_norms": 3.0,
            },
            {
                "bptt_gradient_norms": "arguments too large or not plain data"
            },  # the flood may meet the time limit first
        ),
    ),
}
"""The corpus, by what each submission does."""
