"""Checks of ``gru_step_forward`` and ``gru_step_backward`` (charlm)."""

from collections.abc import Iterator
from functools import partial

import numpy as np

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_known_answers,
    assert_matches_centered_differences,
    assert_outputs_close,
    call_checked,
    call_checked_each,
    examples_case,
    grade,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checks import gru_laws
from autograder.checks.charlm_diagnoses import STEP_HINTS, diagnose_step_backward
from autograder.checks.diagnosing import mistakes_of

MISTAKES = mistakes_of("charlm")
STEP_INPUTS = ("x", "prev_h", "Wx", "Wh", "b")
STEP_GRADIENTS = ("dx", "dprev_h", "dWx", "dWh", "db")
WEIGHTS = ("Wx", "Wh", "b")
"""The inputs a GRU step depends on through its gates, whatever its state: a step that ignores them is not a GRU."""
LARGEST_PREACTIVATION = 1000.0


def random_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Random inputs of one GRU step, with weights scaled to keep the gates unsaturated."""
    return {
        "x": rng.normal(size=(n, d)),
        "prev_h": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, 3 * h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, 3 * h)),
        "b": rng.normal(scale=0.5, size=3 * h),
    }


def saturating_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Inputs of one GRU step whose input terms ``x Wx + b`` reach about 1000 in size, of both signs."""
    inputs = random_step(rng, n, d, h)
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(inputs["x"] @ inputs["Wx"] + inputs["b"])), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "b": inputs["b"] * scale}


def step_inputs(example: dict) -> dict:
    """The arguments of ``gru_step_forward`` in an example."""
    return {k: example[k] for k in STEP_INPUTS}


def step_forward(gru_step_forward, inputs: dict, **options) -> tuple:
    """Call the student's step forward and check the shape; return ``(next_h, cache)``."""
    return next(step_forward_each(gru_step_forward, [inputs], **options))


def step_forward_each(
    gru_step_forward, points: list[dict], *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`step_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    return call_checked_each(
        gru_step_forward,
        points,
        name="gru_step_forward",
        outputs=("next_h", "cache"),
        shapes={"next_h": points[0]["prev_h"].shape},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def step_backward(gru_step_backward, dnext_h, cache) -> dict:
    """Call the student's step backward; return its gradients by name."""
    result = call_checked(gru_step_backward, dnext_h, cache, name="gru_step_backward", outputs=STEP_GRADIENTS)
    return dict(zip(STEP_GRADIENTS, result))


def _step_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    rng = np.random.default_rng(2014)  # Cho et al.
    make = saturating_step if saturating else random_step
    return tuple(make(rng, *size) for size in edge_sizes((3, 2, 3)) + ([(3, 2, 3)] if saturating else []))


STEPS = Examples(gru_laws.steps(), edges=_step_edges())
"""Inputs of the step property: one step, every size 1 in turn among the edges."""
SATURATED_STEPS = [(f"N, D, H = {e['x'].shape[0]}, {e['x'].shape[1]}, {e['prev_h'].shape[1]}", e) for e in _step_edges(saturating=True)]
"""Steps whose input terms reach |a| = 1000, every size 1 in turn."""
COPYING_STEPS = Examples(gru_laws.copying_steps(), count=8)
"""Inputs with z = 1: the step must copy prev_h."""
RESET_STEPS = Examples(gru_laws.reset_steps(), count=8)
"""Inputs with r = 0: the candidate must not depend on prev_h."""


def check_gru_step_forward(gru_step_forward, *, hidden: bool = False) -> float:
    """Check ``gru_step_forward``: known answers, the equations, z = 1 copies, r = 0 resets, no overflow, the reference."""
    name = "gru_step_forward"
    if hidden:
        return grade(
            name, with_reference("charlm", 1.1, lambda ref: _step_forward_hidden(gru_step_forward, ref)), hidden=True
        )

    def next_h_of(inputs: dict, **options) -> np.ndarray:
        return step_forward(gru_step_forward, inputs, **options)[0]

    def known_answers_match():
        return assert_known_answers(
            "charlm",
            name,
            known_answers.examples_of("charlm", name),
            lambda _, example: {"next_h": next_h_of(step_inputs(example))},
            hints=STEP_HINTS,
            diagnosis=lambda _, example: published_mistakes(example),
        )

    def follows_the_equations(inputs, *, allow_warnings: bool = True):
        got = next_h_of(inputs, allow_warnings=allow_warnings)
        h = inputs["prev_h"].shape[1]
        a_x = inputs["x"] @ inputs["Wx"] + inputs["b"]
        a_h = inputs["prev_h"] @ inputs["Wh"][:, : 2 * h]
        r, z = (0.5 * (1 + np.tanh((a_x[:, k * h : (k + 1) * h] + a_h[:, k * h : (k + 1) * h]) / 2)) for k in (0, 1))
        n = np.tanh(a_x[:, 2 * h :] + (r * inputs["prev_h"]) @ inputs["Wh"][:, 2 * h :])
        assert_outputs_close(
            name,
            {"next_h": got},
            {"next_h": (1 - z) * n + z * inputs["prev_h"]},
            hints=STEP_HINTS,
            diagnose=known_mistakes(*MISTAKES.step_forward_signatures(inputs)),
        )

    def copies_the_state(example):
        got = next_h_of(step_inputs(example))
        violation = gru_laws.copy_violation(got, example["prev_h"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {STEP_HINTS['next_h']}")

    def reset_removes_the_state_from_the_candidate(example):
        got = next_h_of(step_inputs(example))
        other = next_h_of({**step_inputs(example), "Wh": gru_laws.other_candidate_weights(example["Wh"])})
        violation = gru_laws.reset_violation(got, other)
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {STEP_HINTS['next_h']}")

    return grade(
        name,
        [
            Case("known answers", 0.5, known_answers_match),
            property_case(
                "next_h = (1 - z) * n + z * prev_h, n from r * prev_h, blocks r, z, n, for every size (1 included)",
                0.6,
                STEPS,
                follows_the_equations,
                fresh=True,
            ),
            property_case("with z = 1 the step copies prev_h", 0.2, COPYING_STEPS, copies_the_state),
            property_case(
                "with r = 0 next_h does not depend on the candidate's recurrent weights Wh[:, 2H:]",
                0.2,
                RESET_STEPS,
                reset_removes_the_state_from_the_candidate,
            ),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.2,
                SATURATED_STEPS,
                partial(follows_the_equations, allow_warnings=False),
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


HIDDEN_STEP_SIZES = (7, 6, 7)
EDGE_STEPS = len(edge_sizes(HIDDEN_STEP_SIZES))
HIDDEN_STEP_CASES = EDGE_STEPS + 3


@hidden_inputs("gru_step_forward", cases=HIDDEN_STEP_CASES)
def _step_case(rng: np.random.Generator, case: int) -> dict:
    """Every edge size first, then two random sizes and a saturating step."""
    if case < EDGE_STEPS:
        return random_step(rng, *edge_sizes(HIDDEN_STEP_SIZES)[case])
    make = saturating_step if case == HIDDEN_STEP_CASES - 1 else random_step
    return make(rng, *sizes(rng, HIDDEN_STEP_SIZES))


@hidden_inputs("gru_step_backward", cases=HIDDEN_STEP_CASES)
def _step_backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _step_case(rng, case)
    return {**example, "dnext_h": rng.normal(size=example["prev_h"].shape)}


def _step_forward_hidden(gru_step_forward, ref) -> list[Case]:
    def matches(inputs):
        got, _ = step_forward(gru_step_forward, inputs)
        expected, _ = ref.gru_step_forward(**inputs)
        assert_outputs_close(
            "gru_step_forward",
            {"next_h": got},
            {"next_h": expected},
            hints=STEP_HINTS,
            diagnose=known_mistakes(*MISTAKES.step_forward_signatures(inputs)),
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            1.1,
            lambda: run_hidden_cases("gru_step_forward", matches),
            fresh=True,
        )
    ]


def check_gru_step_backward(gru_step_backward, gru_step_forward, *, hidden: bool = False) -> float:
    """Check ``gru_step_backward`` through the student's own forward cache."""
    name = "gru_step_backward"
    if hidden:
        return grade(
            name,
            with_reference("charlm", 2.0, lambda ref: _step_backward_hidden(gru_step_backward, gru_step_forward, ref)),
            hidden=True,
        )

    def gradients_of(inputs: dict, dnext_h: np.ndarray) -> dict:
        _, cache = step_forward(gru_step_forward, inputs)
        return step_backward(gru_step_backward, dnext_h, cache)

    def known_answers_match():
        return assert_known_answers(
            "charlm",
            name,
            known_answers.examples_of("charlm", name),
            lambda _, example: gradients_of(step_inputs(example), example["dnext_h"]),
            hints=STEP_HINTS,
            diagnosis=lambda _, example: published_mistakes(example, otherwise=diagnose_step_backward),
        )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(9)
        examples = []
        for n, d, h in [(3, 4, 2), (2, 3, 3), *edge_sizes((2, 2, 2))]:
            examples.append((f"N, D, H = {n}, {d}, {h}", (random_step(rng, n, d, h), rng.normal(size=(n, h)))))

        def matches(example):
            inputs, dnext_h = example
            assert_matches_centered_differences(
                name,
                forward=partial(step_forward, gru_step_forward),
                forward_each=partial(step_forward_each, gru_step_forward),
                backward=partial(step_backward, gru_step_backward),
                inputs=inputs,
                upstream=(dnext_h,),
                hints=STEP_HINTS,
                depends_on=WEIGHTS,
                diagnose=known_mistakes(
                    *MISTAKES.step_backward_signatures(inputs, dnext_h), otherwise=diagnose_step_backward
                ),
            )

        return judge_each(examples, matches)

    def copying_passes_the_gradient_through(example):
        got = gradients_of(step_inputs(example), example["dnext_h"])
        violation = gru_laws.copy_gradient_violation(got, example["dnext_h"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {STEP_HINTS['dprev_h']}")

    return grade(
        name,
        [
            Case("known answers", 1.0, known_answers_match),
            Case(
                "every gradient matches centered differences of your gru_step_forward, for every size",
                2.2,
                gradients_match_centered_differences,
                fresh=True,
            ),
            property_case(
                "with z = 1: dprev_h = dnext_h, and dx, dWx, dWh, db are 0",
                0.6,
                COPYING_STEPS,
                copying_passes_the_gradient_through,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _step_backward_hidden(gru_step_backward, gru_step_forward, ref) -> list[Case]:
    def matches(example):
        inputs, dnext_h = step_inputs(example), example["dnext_h"]
        _, cache = step_forward(gru_step_forward, inputs)
        grads = step_backward(gru_step_backward, dnext_h, cache)
        _, ref_cache = ref.gru_step_forward(**inputs)
        expected = dict(zip(STEP_GRADIENTS, ref.gru_step_backward(dnext_h, ref_cache)))
        assert_outputs_close(
            "gru_step_backward",
            grads,
            expected,
            hints=STEP_HINTS,
            diagnose=known_mistakes(*MISTAKES.step_backward_signatures(inputs, dnext_h), otherwise=diagnose_step_backward),
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            2.0,
            lambda: run_hidden_cases("gru_step_backward", matches),
            fresh=True,
        )
    ]
