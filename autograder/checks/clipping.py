"""Checks of ``clip_by_value``, ``clip_by_norm`` and ``clip_by_global_norm``.

The invariants (docs/design.md, "Public and hidden checks"): the result's norm is at most
``max_norm``; the direction is kept; below the threshold nothing changes; clipping twice equals
clipping once; one common factor for the global norm; the inputs are never modified (the purity
case of each check).
"""

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_outputs_close,
    expect_value_error,
    failing_inputs,
    grade,
    known_answer,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed, call, unpack
from autograder.checking.compare import check_array
from autograder.checking.diagnoses import Signatures, known_mistakes, published_mistakes
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import array_shapes, float_arrays, gradient_dicts, positive_thresholds
from autograder.checks.diagnosing import mistakes_of

MISTAKES = mistakes_of("rnn")

ASSIGNMENT = "rnn"
HIDDEN_POINTS = {"clip_by_value": 0.6, "clip_by_norm": 0.6, "clip_by_global_norm": 1.3}
"""What each function's comparison with the reference is worth."""
CLIP_BY_NORM_HINT = "rescale by max_norm / norm only when norm > max_norm, with norm = np.linalg.norm(grad)."
GLOBAL_NORM_HINT = "the norm of all arrays together, before clipping: sqrt of the sum of every squared entry."


def _clipped_dict(result, grads: dict, *, function: str) -> dict:
    if not isinstance(result, dict) or set(result) != set(grads):
        got = sorted(result) if isinstance(result, dict) else type(result).__name__
        raise CheckFailed(f"{function} should return a dict with the keys {sorted(grads)}, got {got}.")
    return {
        k: check_array(result[k], function=function, output=f"[{k!r}]", shape=grads[k].shape) for k in grads
    }


def _rejects_non_positive(function, name: str, first_argument, points: float = 0.1) -> Case:
    def run():
        for bad in (0.0, -1.0):
            expect_value_error(
                function,
                first_argument,
                bad,
                name=name,
                call_text=f"{name}(..., {bad})",
                valid_args=(first_argument, 1.0),
            )

    return Case("a threshold <= 0 raises ValueError", points, run)


def _known_answers_case(name: str, run_example, points: float) -> Case:
    def judge(item: tuple[str, dict]) -> None:
        key, example = item
        with failing_inputs(known_answer(ASSIGNMENT, name, key, example)):
            run_example(example)

    def run():
        examples = known_answers.examples_of(ASSIGNMENT, name)
        return judge_each(((key, (key, example)) for key, example in examples.items()), judge)

    return Case("known answers", points, run)


def _grads_of(example: dict) -> dict:
    return {key[len("grad_") :]: value for key, value in example.items() if key.startswith("grad_")}


def _expected_of(example: dict) -> dict:
    return {key[len("out_") :]: value for key, value in example.items() if key.startswith("out_")}


GRADIENT_SET_EDGES = (
    ({"b": np.zeros(1)}, 1.0),
    ({"Wx": np.array([[3.0, -4.0]]), "b": np.array([0.0])}, 5.0),
    ({"Wx": np.array([[3.0, -4.0]]), "Wh": np.array([[12.0]])}, 2.0),
    ({"W": np.array([-7.0, 0.5, 2.0])}, 0.25),
)
"""Edges of the clipping properties: all zeros, a norm exactly at the threshold, one array of size 1, one of size 3."""
GRADIENT_SETS = Examples(st.tuples(gradient_dicts(), positive_thresholds()), edges=GRADIENT_SET_EDGES)
"""Inputs of the properties of clip_by_value and clip_by_global_norm: a gradient set and a threshold."""
ARRAYS_AND_NORMS = Examples(
    st.tuples(
        array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-10, max_value=10)),
        positive_thresholds(),
    ),
    edges=tuple((next(iter(grads.values())), threshold) for grads, threshold in GRADIENT_SET_EDGES),
)
"""Inputs of the clip_by_norm property: an array and a max_norm."""


def check_clip_by_value(clip_by_value, *, hidden: bool = False) -> float:
    """Check ``clip_by_value``: known answers, range and identity inside it, ValueError, the reference."""
    name = "clip_by_value"
    if hidden:
        return grade(
            name,
            with_reference(
                ASSIGNMENT,
                HIDDEN_POINTS[name],
                lambda ref: [
                    _matches_reference_case(
                        name,
                        lambda g, c: _clipped_dict(call(clip_by_value, g, c, name=name), g, function=name),
                        lambda g, c: ref.clip_by_value(g, c),
                        MISTAKES.clip_by_value_signatures,
                    )
                ],
            ),
            hidden=True,
        )

    def known(example):
        grads = _grads_of(example)
        threshold = float(example["threshold"])
        got = _clipped_dict(call(clip_by_value, grads, threshold, name=name), grads, function=name)
        assert_outputs_close(
            name, got, _expected_of(example), hints={}, diagnose=published_mistakes(example)
        )

    def within_range_and_identity_inside(example):
        grads, c = example
        got = _clipped_dict(call(clip_by_value, grads, c, name=name), grads, function=name)
        for key, grad in grads.items():
            if np.any(np.abs(got[key]) > c):
                raise CheckFailed(f"{name}: [{key!r}] has entries outside [-{c:g}, {c:g}].")
            inside = np.abs(grad) <= c
            if not np.array_equal(got[key][inside], grad[inside]):
                raise CheckFailed(f"{name}: [{key!r}] changed entries that were already inside the range.")

    return grade(
        name,
        [
            _known_answers_case(name, known, 0.5),
            property_case(
                "entries end in [-c, c] and those inside are unchanged",
                0.6,
                GRADIENT_SETS,
                within_range_and_identity_inside,
                fresh=True,
            ),
            _rejects_non_positive(clip_by_value, name, {"W": np.ones(2)}),
            shape_case(name),
            purity_case(name),
        ],
    )


def check_clip_by_norm(clip_by_norm, *, hidden: bool = False) -> float:
    """Check ``clip_by_norm``: known answers, norm bound, direction, identity, idempotence, ValueError."""
    name = "clip_by_norm"

    def student(grad, max_norm):
        return check_array(
            call(clip_by_norm, grad, max_norm, name=name),
            function=name,
            output="the result",
            shape=grad.shape,
        )

    if hidden:
        return grade(
            name,
            with_reference(
                ASSIGNMENT,
                HIDDEN_POINTS[name],
                lambda ref: [
                    _matches_reference_case(
                        name,
                        lambda g, c: {"grad": student(g["grad"], c)},
                        lambda g, c: {"grad": ref.clip_by_norm(g["grad"], c)},
                        lambda g, c: MISTAKES.clip_by_norm_signatures(g["grad"], c, "grad"),
                        {"grad": CLIP_BY_NORM_HINT},
                    )
                ],
            ),
            hidden=True,
        )

    def known(example):
        threshold = float(example["threshold"])
        assert_outputs_close(
            name,
            {"the result": student(example["grad"], threshold)},
            {"the result": example["out"]},
            hints={"the result": CLIP_BY_NORM_HINT},
            diagnose=published_mistakes(example),
        )

    def invariants(example):
        grad, max_norm = example
        got = student(grad, max_norm)
        norm, got_norm = np.linalg.norm(grad), np.linalg.norm(got)
        if got_norm > max_norm * (1 + 1e-12):
            raise CheckFailed(f"{name}: the result has norm {got_norm:.6g} > max_norm = {max_norm:.6g}.")
        if norm <= max_norm and not np.allclose(got, grad, rtol=1e-12, atol=0):
            raise CheckFailed(
                f"{name}: the norm {norm:.6g} is already <= max_norm = {max_norm:.6g}, "
                "so the array must come back unchanged."
            )
        if norm > max_norm and not np.allclose(got, grad * (max_norm / norm), rtol=1e-9, atol=1e-300):
            raise CheckFailed(
                f"{name}: above the threshold the result must be grad * (max_norm / norm), "
                "the same direction with norm max_norm."
            )
        again = student(got, max_norm)
        if not np.allclose(again, got, rtol=1e-12, atol=0):
            raise CheckFailed(
                f"{name}: clipping a clipped array changed it again; clipping must be idempotent."
            )

    return grade(
        name,
        [
            _known_answers_case(name, known, 0.5),
            property_case(
                "norm <= max_norm, direction kept, unchanged below, idempotent",
                0.6,
                ARRAYS_AND_NORMS,
                invariants,
                fresh=True,
            ),
            _rejects_non_positive(clip_by_norm, name, np.ones(2)),
            shape_case(name),
            purity_case(name),
        ],
    )


def check_clip_by_global_norm(clip_by_global_norm, *, hidden: bool = False) -> float:
    """Check ``clip_by_global_norm``: known answers, one common factor, the invariants, ValueError."""
    name = "clip_by_global_norm"

    def student(grads, max_norm):
        clipped, global_norm = unpack(
            call(clip_by_global_norm, grads, max_norm, name=name), ("clipped", "global_norm"), function=name
        )
        if not isinstance(global_norm, (float, np.floating)) and not (
            isinstance(global_norm, np.ndarray) and global_norm.shape == ()
        ):
            raise CheckFailed(f"{name}: global_norm should be a float, got {type(global_norm).__name__}.")
        return _clipped_dict(clipped, grads, function=name), float(global_norm)

    if hidden:

        def both(g, c, fn):
            clipped, norm = fn(g, c)
            return {**clipped, "global_norm": np.asarray(norm)}

        return grade(
            name,
            with_reference(
                ASSIGNMENT,
                HIDDEN_POINTS[name],
                lambda ref: [
                    _matches_reference_case(
                        name,
                        lambda g, c: both(g, c, student),
                        lambda g, c: both(g, c, ref.clip_by_global_norm),
                        MISTAKES.clip_by_global_norm_signatures,
                        {"global_norm": GLOBAL_NORM_HINT},
                    )
                ],
            ),
            hidden=True,
        )

    def known(example):
        grads, threshold = _grads_of(example), float(example["threshold"])
        clipped, global_norm = student(grads, threshold)
        assert_outputs_close(
            name,
            {**clipped, "global_norm": np.asarray(global_norm)},
            {**_expected_of(example), "global_norm": example["global_norm"]},
            hints={"global_norm": GLOBAL_NORM_HINT},
            diagnose=published_mistakes(example),
        )

    def common_factor(example):
        grads, max_norm = example
        clipped, global_norm = student(grads, max_norm)
        true_norm = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        problems = {}
        factor = min(1.0, max_norm / true_norm) if true_norm > 0 else 1.0
        factors = {k: _factor(clipped[k], g) for k, g in grads.items()}
        wrong = [key for key, grad in grads.items() if not np.allclose(clipped[key], grad * factor, rtol=1e-9, atol=1e-300)]
        if wrong:
            problems["clipped"] = (
                f"{name}: [{wrong[0]!r}] was scaled by {factors[wrong[0]]}, but every array must be scaled by "
                f"the same factor min(1, max_norm / global_norm) = {factor:.6g}.\n"
                "Hint: clipping each array by its own norm is not clipping by the global norm: "
                "compute one norm over all arrays and one factor from it."
            )
        else:
            again, _ = student(clipped, max_norm)
            if not all(np.allclose(again[k], clipped[k], rtol=1e-12, atol=0) for k in grads):
                problems["clipped"] = f"{name}: clipping a clipped gradient set changed it again."
        if not np.isclose(global_norm, true_norm, rtol=1e-12, atol=1e-300):
            problems["global_norm"] = (
                f"{name}: returned global_norm = {global_norm:.8g}, but the norm of all "
                f"the gradients together is {true_norm:.8g} (measure it before clipping)."
            )
        if problems:
            mistake = known_mistakes(*MISTAKES.clip_by_global_norm_signatures(grads, max_norm))(
                set(problems) - {"clipped"} | {k for k in wrong}, {**clipped, "global_norm": np.asarray(global_norm)}, {}
            )
            message = "\n".join(problems.values()) + (f"\nLikely mistake: {mistake.text}" if mistake else "")
            raise CheckFailed(message, mistake=mistake, outputs=("clipped", "global_norm"), wrong=frozenset(problems))

    return grade(
        name,
        [
            _known_answers_case(name, known, 0.9),
            property_case(
                "one common factor min(1, max_norm / global_norm), idempotent; global_norm measured before clipping",
                1.5,
                GRADIENT_SETS,
                common_factor,
                fresh=True,
            ),
            _rejects_non_positive(clip_by_global_norm, name, {"W": np.ones(2)}),
            shape_case(name),
            purity_case(name),
        ],
    )


def _factor(clipped: np.ndarray, grad: np.ndarray) -> str:
    if not np.any(grad):
        return "an unknown factor (it is zero)"
    return f"{np.vdot(grad, clipped) / np.vdot(grad, grad):.6g}"


CLIPPING_CASES = ((0.1, 5.0), (10.0, 1.0), (0.1, 5.0), (10.0, 1.0), (1.0, 0.5), (100.0, 3.0))
"""The hidden cases' (spread of the entries, threshold): below, above and around the threshold."""
EDGE_CLIPPING = 2
"""The first hidden cases clip arrays of size 1 (D = H = 1), below and above the threshold."""


def _gradient_set(rng: np.random.Generator, case: int) -> dict:
    scale, threshold = CLIPPING_CASES[case]
    d, h = sizes(rng, (5, 5), edge=case < EDGE_CLIPPING)
    grads = {
        "Wx": rng.normal(scale=scale, size=(d, h)),
        "Wh": rng.normal(scale=scale, size=(h, h)),
        "b": rng.normal(scale=scale, size=h),
    }
    return {"grads": grads, "threshold": threshold}


hidden_inputs("clip_by_value", cases=len(CLIPPING_CASES))(_gradient_set)
hidden_inputs("clip_by_global_norm", cases=len(CLIPPING_CASES))(_gradient_set)


@hidden_inputs("clip_by_norm", cases=len(CLIPPING_CASES))
def _one_gradient(rng: np.random.Generator, case: int) -> dict:
    example = _gradient_set(rng, case)
    return {"grads": {"grad": example["grads"]["Wh"]}, "threshold": example["threshold"]}


def _matches_reference_case(
    name: str,
    student,
    reference,
    signatures: Callable[[dict, float], Signatures],
    hints: dict[str, str] | None = None,
) -> Case:
    """Compare with the reference on random gradient sets above, at and below the threshold."""

    def matches(example):
        grads, threshold = example["grads"], example["threshold"]
        assert_outputs_close(
            name,
            student(grads, threshold),
            reference(grads, threshold),
            hints=hints or {},
            diagnose=known_mistakes(*signatures(grads, threshold)),
        )

    return Case(
        "matches the reference above and below the threshold",
        HIDDEN_POINTS[name],
        lambda: run_hidden_cases(name, matches),
        fresh=True,
    )
