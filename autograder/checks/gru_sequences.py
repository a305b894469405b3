"""Checks of ``gru_forward`` and ``gru_backward`` (charlm)."""

from collections.abc import Iterator
from functools import partial

import numpy as np

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_causal,
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
from autograder.checks.charlm_diagnoses import SEQUENCE_HINTS, diagnose_sequence_backward
from autograder.checks.diagnosing import mistakes_of
from autograder.checks.gru_steps import LARGEST_PREACTIVATION, WEIGHTS

MISTAKES = mistakes_of("charlm")
SEQUENCE_INPUTS = ("x", "h0", "Wx", "Wh", "b")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")


def random_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Random inputs of ``gru_forward`` with weights scaled to keep the gates unsaturated."""
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, 3 * h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, 3 * h)),
        "b": rng.normal(scale=0.5, size=3 * h),
    }


def saturating_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Inputs of ``gru_forward`` whose input terms ``x[:, t] Wx + b`` reach about 1000 in size, of both signs."""
    inputs = random_sequence(rng, n, t, d, h)
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(inputs["x"] @ inputs["Wx"] + inputs["b"])), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "b": inputs["b"] * scale}


def inputs_of(example: dict) -> dict:
    """The arguments of ``gru_forward`` in an example."""
    return {k: example[k] for k in SEQUENCE_INPUTS}


def sequence_forward(gru_forward, inputs: dict, **options) -> tuple:
    """Call the student's ``gru_forward`` and check the shape of ``h``; return ``(h, cache)``."""
    return next(sequence_forward_each(gru_forward, [inputs], **options))


def sequence_forward_each(
    gru_forward, points: list[dict], *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`sequence_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    n, t, _ = points[0]["x"].shape
    return call_checked_each(
        gru_forward,
        points,
        name="gru_forward",
        outputs=("h", "cache"),
        shapes={"h": (n, t, points[0]["h0"].shape[1])},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def sequence_backward(gru_backward, dh, cache) -> dict:
    """Call the student's ``gru_backward``; return its gradients by name."""
    result = call_checked(gru_backward, dh, cache, name="gru_backward", outputs=SEQUENCE_GRADIENTS)
    return dict(zip(SEQUENCE_GRADIENTS, result))


def _sequence_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    rng = np.random.default_rng(2015)  # Chung et al., gated feedback and the GRU's comparisons
    make = saturating_sequence if saturating else random_sequence
    return tuple(make(rng, *size) for size in edge_sizes((3, 4, 2, 3)) + ([(3, 4, 2, 3)] if saturating else []))


SEQUENCES = Examples(gru_laws.sequences(), count=8, edges=_sequence_edges())
"""Inputs of the sequence property: every size 1 in turn among the edges."""
SATURATED_SEQUENCES = [
    (f"N, T, D, H = {(*e['x'].shape, e['h0'].shape[1])}", e) for e in _sequence_edges(saturating=True)
]
"""Sequences whose input terms reach |a| = 1000, every size 1 in turn."""
COPYING_SEQUENCES = Examples(gru_laws.copying_sequences(), count=8)
"""Sequences with z = 1 at every step."""


def check_gru_forward(gru_forward, *, hidden: bool = False) -> float:
    """Check ``gru_forward``: known answers, each step from the one before, causality, z = 1, no overflow, the reference."""
    name = "gru_forward"
    if hidden:
        return grade(name, with_reference("charlm", 1.1, lambda ref: _forward_hidden(gru_forward, ref)), hidden=True)

    def states(inputs, **options):
        return sequence_forward(gru_forward, inputs, **options)[0]

    def known_answers_match():
        return assert_known_answers(
            "charlm",
            name,
            known_answers.examples_of("charlm", name),
            lambda _, example: {"h": states(inputs_of(example))},
            hints=SEQUENCE_HINTS,
            diagnosis=lambda _, example: published_mistakes(example),
        )

    def follows_the_equations(example, *, allow_warnings: bool = True):
        """Each step from the student's own h[:, t-1]."""
        h = states(example, allow_warnings=allow_warnings)
        size = example["h0"].shape[1]
        previous = np.concatenate([example["h0"][:, None], h[:, :-1]], axis=1)
        a_x = example["x"] @ example["Wx"] + example["b"]
        a_h = previous @ example["Wh"][:, : 2 * size]
        r, z = (0.5 * (1 + np.tanh((a_x[..., k * size : (k + 1) * size] + a_h[..., k * size : (k + 1) * size]) / 2)) for k in (0, 1))
        n = np.tanh(a_x[..., 2 * size :] + (r * previous) @ example["Wh"][:, 2 * size :])
        assert_outputs_close(
            name,
            {"h": h},
            {"h": (1 - z) * n + z * previous},
            hints=SEQUENCE_HINTS,
            diagnose=known_mistakes(*MISTAKES.sequence_forward_signatures(inputs_of(example))),
        )
        if allow_warnings:
            assert_causal(
                lambda points: (h for h, _ in sequence_forward_each(gru_forward, points, keep=1)),
                inputs_of(example),
                h,
                function=name,
            )

    def copies_h0(example):
        violation = gru_laws.sequence_copy_violation(states(inputs_of(example)), example["h0"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {SEQUENCE_HINTS['h']}")

    return grade(
        name,
        [
            Case("known answers", 0.6, known_answers_match),
            property_case(
                "h has shape (N, T, H), each step is the GRU step from h[:, t-1], h[:, t] depends only on "
                "x[:, :t+1], for every size (1 included)",
                0.7,
                SEQUENCES,
                follows_the_equations,
                fresh=True,
            ),
            property_case("with z = 1 every state is h0", 0.2, COPYING_SEQUENCES, copies_h0),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.2,
                SATURATED_SEQUENCES,
                partial(follows_the_equations, allow_warnings=False),
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


HIDDEN_SEQUENCE_SIZES = (6, 12, 6, 7)
EDGE_SEQUENCES = len(edge_sizes(HIDDEN_SEQUENCE_SIZES))
HIDDEN_SEQUENCE_CASES = EDGE_SEQUENCES + 3


@hidden_inputs("gru_forward", cases=HIDDEN_SEQUENCE_CASES)
def _sequence_case(rng: np.random.Generator, case: int) -> dict:
    """Every edge size first, then two random sizes and a saturating sequence."""
    if case < EDGE_SEQUENCES:
        return random_sequence(rng, *edge_sizes(HIDDEN_SEQUENCE_SIZES)[case])
    make = saturating_sequence if case == HIDDEN_SEQUENCE_CASES - 1 else random_sequence
    return make(rng, *sizes(rng, HIDDEN_SEQUENCE_SIZES))


@hidden_inputs("gru_backward", cases=HIDDEN_SEQUENCE_CASES)
def _backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _sequence_case(rng, case)
    n, t, _ = example["x"].shape
    return {**example, "dh": rng.normal(size=(n, t, example["h0"].shape[1]))}


def _forward_hidden(gru_forward, ref) -> list[Case]:
    def matches(inputs):
        got, _ = sequence_forward(gru_forward, inputs)
        expected, _ = ref.gru_forward(**inputs)
        assert_outputs_close(
            "gru_forward",
            {"h": got},
            {"h": expected},
            hints=SEQUENCE_HINTS,
            diagnose=known_mistakes(*MISTAKES.sequence_forward_signatures(inputs)),
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            1.1,
            lambda: run_hidden_cases("gru_forward", matches),
            fresh=True,
        )
    ]


def check_gru_backward(gru_backward, gru_forward, *, hidden: bool = False) -> float:
    """Check ``gru_backward`` (BPTT) through the student's own ``gru_forward`` cache."""
    name = "gru_backward"
    if hidden:
        return grade(
            name,
            with_reference("charlm", 2.1, lambda ref: _backward_hidden(gru_backward, gru_forward, ref)),
            hidden=True,
        )

    def gradients_of(inputs, dh):
        _, cache = sequence_forward(gru_forward, inputs)
        return sequence_backward(gru_backward, dh, cache)

    def known_answers_match():
        return assert_known_answers(
            "charlm",
            name,
            known_answers.examples_of("charlm", name),
            lambda _, example: gradients_of(inputs_of(example), example["dh"]),
            hints=SEQUENCE_HINTS,
            diagnosis=lambda _, example: published_mistakes(example, otherwise=diagnose_sequence_backward),
        )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(10)
        examples = []
        for n, t, d, h in [(2, 4, 3, 2), (1, 3, 2, 3), *edge_sizes((2, 2, 2, 2))[2:]]:
            examples.append((f"N, T, D, H = {n}, {t}, {d}, {h}", (random_sequence(rng, n, t, d, h), rng.normal(size=(n, t, h)))))

        def matches(example):
            inputs, dh = example
            assert_matches_centered_differences(
                name,
                forward=partial(sequence_forward, gru_forward),
                forward_each=partial(sequence_forward_each, gru_forward),
                backward=partial(sequence_backward, gru_backward),
                inputs=inputs,
                upstream=(dh,),
                hints=SEQUENCE_HINTS,
                depends_on=WEIGHTS,
                diagnose=diagnose_sequence_backward,
            )

        return judge_each(examples, matches)

    def gradient_reaches_h0_unchanged(example):
        grads = gradients_of(inputs_of(example), example["dh"])
        violation = gru_laws.summed_gradient_violation(grads["dh0"], example["dh"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {SEQUENCE_HINTS['dh0']}")

    return grade(
        name,
        [
            Case("known answers", 1.1, known_answers_match),
            Case(
                "every gradient matches centered differences of your gru_forward, for every size",
                2.0,
                gradients_match_centered_differences,
                fresh=True,
            ),
            property_case(
                "with z = 1 the gradient reaches h0 unchanged through every step: dh0 = dh.sum(axis=1)",
                0.6,
                COPYING_SEQUENCES,
                gradient_reaches_h0_unchanged,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _backward_hidden(gru_backward, gru_forward, ref) -> list[Case]:
    def matches(example):
        inputs, dh = inputs_of(example), example["dh"]
        grads = gradients_of_reference_check(gru_backward, gru_forward, inputs, dh)
        _, ref_cache = ref.gru_forward(**inputs)
        expected = dict(zip(SEQUENCE_GRADIENTS, ref.gru_backward(dh, ref_cache)))
        assert_outputs_close("gru_backward", grads, expected, hints=SEQUENCE_HINTS, diagnose=diagnose_sequence_backward)

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            2.1,
            lambda: run_hidden_cases("gru_backward", matches),
            fresh=True,
        )
    ]


def gradients_of_reference_check(gru_backward, gru_forward, inputs: dict, dh: np.ndarray) -> dict:
    """The student's gradients of a sequence, through their own forward cache."""
    _, cache = sequence_forward(gru_forward, inputs)
    return sequence_backward(gru_backward, dh, cache)
