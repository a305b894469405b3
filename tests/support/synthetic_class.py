"""A synthetic class for the similarity check: independent correct solutions, and disguised copies.

Independent students write each rnn function in the released cell (its signature and docstring
kept, ``raise NotImplementedError()`` replaced by their own body):

* ``reference``: the solutions;
* ``loops`` and ``copies``: two different styles from ``alternative_rnn`` (explicit loops and
  state caches; CS231n-style list caches and in-place updates on copies);
* ``blocks``: the correct building blocks of ``buggy_rnn``, six functions, the rest left as stubs.

Copies, each of one independent student:

* ``loops_renamed``: every local name renamed, comments and blank lines changed;
* ``copies_reordered``: helper functions moved into another cell, the functions of each cell in
  reverse order, blank lines changed;
* ``reference_disguised``: renamed and reordered.
"""

import ast
import inspect
import io
import keyword
import re
import tokenize

import nbformat

from autograder.instructor.nbgrader_pipeline import REPOSITORY
from autograder.instructor.submissions import answer_cells, solution_answers
from support import alternative_rnn as alt
from support import buggy_rnn

RELEASE = REPOSITORY / "assignments" / "rnn" / "rnn.ipynb"
SOURCE = REPOSITORY / "solutions" / "rnn" / "rnn.ipynb"

STYLES = {
    "loops": {
        "sigmoid": [alt.sigmoid_with_masks],
        "activation_derivative": [
            alt._tanh_slope,
            alt._sigmoid_slope,
            alt.activation_derivative_from_a_table,
        ],
        "rnn_step_forward": [alt._apply, alt.step_forward_with_tuple_cache],
        "rnn_step_backward": [alt.step_backward_with_loops],
        "rnn_forward": [alt.forward_keeping_states],
        "rnn_backward": [alt._slope_from_h, alt.backward_from_states],
        "bptt_gradient_norms": [alt.gradient_norms_from_states],
        "growth_factor": [alt.growth_factor_as_mean_log_ratio],
        "clip_by_value": [alt.clip_by_value_with_minimum_maximum],
        "clip_by_norm": [alt.clip_by_norm_with_a_factor],
        "clip_by_global_norm": [alt.clip_by_global_norm_concatenated],
    },
    "copies": {
        "sigmoid": [alt.tanh_sigmoid],
        "activation_derivative": [alt.relu_derivative_through_a_float32_mask],
        "rnn_step_forward": [alt.step_forward_with_list_cache],
        "rnn_step_backward": [alt.step_backward_popping_a_copy],
        "rnn_forward": [alt.forward_with_a_list_of_list_caches],
        "rnn_backward": [alt.backward_popping_steps_with_negative_indices],
        "bptt_gradient_norms": [alt.gradient_norms_popping_steps],
        "growth_factor": [alt.growth_factor_with_log2],
        "clip_by_value": [alt.clip_by_value_into_copies],
        "clip_by_norm": [alt.clip_by_norm_scaling_a_copy],
        "clip_by_global_norm": [alt.clip_by_global_norm_scaling_copies],
    },
    "blocks": {
        "sigmoid": [buggy_rnn._logistic],
        "activation_derivative": [buggy_rnn._slope],
        "rnn_step_forward": [buggy_rnn._activate, buggy_rnn.step_forward],
        "rnn_step_backward": [buggy_rnn.step_backward],
        "rnn_forward": [buggy_rnn.sequence_forward],
        "rnn_backward": [buggy_rnn._zero_gradients, buggy_rnn.sequence_backward],
    },
}
"""Each independent style: for each answer cell, its helpers and last its main function."""

INDEPENDENT = ("reference", "loops", "copies", "blocks")
COPIES = {"loops_renamed": "loops", "copies_reordered": "copies", "reference_disguised": "reference"}
"""Each copy and the student it copies."""


def release_stubs() -> dict[str, str]:
    """The released answer cells, by grade id (code cells only)."""
    release = nbformat.read(RELEASE, as_version=4)
    return {
        grade_id: cell.source for grade_id, cell in answer_cells(release).items() if cell.cell_type == "code"
    }


def body_of(function) -> str:
    """A function's body without its docstring, indented as in a top-level function."""
    source = inspect.getsource(function)
    tree = ast.parse(source)
    definition = tree.body[0]
    first = (
        definition.body[1]
        if isinstance(definition.body[0], ast.Expr) and len(definition.body) > 1
        else definition.body[0]
    )
    return "\n".join(source.splitlines()[first.lineno - 1 :])


def written_in_style(style: dict, stubs: dict[str, str]) -> dict[str, str]:
    """The answer cells of a student writing in ``style``: helpers, then the stub with their body."""
    cells = {}
    for grade_id, stub in stubs.items():
        if grade_id not in style:
            cells[grade_id] = stub
            continue
        *helpers, main = style[grade_id]
        code = stub.replace("    # YOUR CODE HERE\n    raise NotImplementedError()", body_of(main))
        code = code.replace(f"{main.__name__}(", f"{grade_id}(")
        cells[grade_id] = "\n\n".join([*(inspect.getsource(h) for h in helpers), code])
    return cells


def renamed(cells: dict[str, str]) -> dict[str, str]:
    """Every local name renamed consistently (functions, numpy and keywords kept), comments changed."""
    keep = set(cells) | set(dir(__builtins__)) | {"np", "self"}
    renaming: dict[str, str] = {}
    out = {}
    for grade_id, source in cells.items():
        tokens = []
        previous = None
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            text = token.string
            if (
                token.type == tokenize.NAME
                and not keyword.iskeyword(text)
                and text not in keep
                and previous != "."
            ):
                text = renaming.setdefault(text, f"my_{len(renaming)}_{text[::-1].lower()}")
            elif token.type == tokenize.COMMENT:
                text = "# my own work"
            tokens.append((token.type, text))
            previous = token.string
        out[grade_id] = tokenize.untokenize(tokens)
    return out


def reordered(cells: dict[str, str]) -> dict[str, str]:
    """Helpers moved to the first answer cell, the functions of each cell in reverse order."""
    blocks = {grade_id: re.split(r"\n(?=def )", source.strip()) for grade_id, source in cells.items()}
    helpers = [block for parts in blocks.values() for block in parts if block.startswith("def _")]
    out = {}
    for index, (grade_id, parts) in enumerate(blocks.items()):
        own = [block for block in parts if not block.startswith("def _")]
        moved = helpers if index == 0 else []
        out[grade_id] = "\n\n\n".join(reversed(own + moved)) + "\n"
    return out


def synthetic_class() -> dict[str, dict[str, str]]:
    """Every student's code answer cells, by student: the independent students and the copies."""
    stubs = release_stubs()
    source = nbformat.read(SOURCE, as_version=4)
    solutions = {g: s for g, s in solution_answers(source).items() if g in stubs}
    students = {"reference": solutions}
    students.update({name: written_in_style(STYLES[name], stubs) for name in ("loops", "copies", "blocks")})
    students["loops_renamed"] = renamed(students["loops"])
    students["copies_reordered"] = reordered(students["copies"])
    students["reference_disguised"] = reordered(renamed(students["reference"]))
    return students
