"""Checks of ``lstm_forward``, ``lstm_backward`` and ``cell_gradient_norms``."""

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
from autograder.checking.case import Case, CheckFailed, call
from autograder.checking.compare import check_array
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import lstm_sequences
from autograder.checks import lstm_laws
from autograder.checks.lstm_diagnoses import (
    SEQUENCE_HINTS,
    diagnose_norms,
    gate_order_diagnosis,
    sequence_backward_diagnosis,
)
from autograder.checks.lstm_steps import LARGEST_PREACTIVATION

SEQUENCE_INPUTS = ("x", "h0", "Wx", "Wh", "b")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")


def random_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Random inputs of ``lstm_forward`` with weights scaled to keep the gates unsaturated."""
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, 4 * h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, 4 * h)),
        "b": rng.normal(scale=0.5, size=4 * h),
    }


def inputs_of(example: dict) -> dict:
    """The arguments of ``lstm_forward`` in an example."""
    return {k: example[k] for k in SEQUENCE_INPUTS}


def saturating_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Inputs of ``lstm_forward`` whose input terms ``x[:, t] @ Wx + b`` reach about 1000 in size, of both signs."""
    inputs = random_sequence(rng, n, t, d, h)
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(inputs["x"] @ inputs["Wx"] + inputs["b"])), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "b": inputs["b"] * scale}


def sequence_forward(lstm_forward, inputs: dict, **options) -> tuple:
    """Call the student's ``lstm_forward`` and check the shape of ``h``; return ``(h, cache)``."""
    return next(sequence_forward_each(lstm_forward, [inputs], **options))


def sequence_forward_each(
    lstm_forward, points: list[dict], *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`sequence_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    n, t, _ = points[0]["x"].shape
    shape = (n, t, points[0]["h0"].shape[1])
    return call_checked_each(
        lstm_forward,
        points,
        name="lstm_forward",
        outputs=("h", "cache"),
        shapes={"h": shape},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def sequence_backward(lstm_backward, dh, cache) -> dict:
    """Call the student's ``lstm_backward``; return its gradients by name."""
    result = call_checked(lstm_backward, dh, cache, name="lstm_backward", outputs=SEQUENCE_GRADIENTS)
    return dict(zip(SEQUENCE_GRADIENTS, result))


def gradient_norms(cell_gradient_norms, dh_last, cache, steps: int) -> np.ndarray:
    """Call the student's ``cell_gradient_norms`` and check that it returns shape (T,)."""
    norms = call(cell_gradient_norms, dh_last, cache, name="cell_gradient_norms")
    return check_array(norms, function="cell_gradient_norms", output="norms", shape=(steps,))


def _sequence_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    rng = np.random.default_rng(2000)  # Gers, Schmidhuber and Cummins, "Learning to forget"
    make = saturating_sequence if saturating else random_sequence
    return tuple(make(rng, *size) for size in edge_sizes((3, 4, 2, 3)) + ([(3, 4, 2, 3)] if saturating else []))


SEQUENCES = Examples(lstm_sequences(), count=8, edges=_sequence_edges())
"""Inputs of the causality property of lstm_forward: every size 1 in turn among the edges."""
SATURATED_SEQUENCES = [
    (f"N, T, D, H = {(*e['x'].shape, e['h0'].shape[1])}", e) for e in _sequence_edges(saturating=True)
]
"""Sequences whose pre-activations reach |a| = 1000, every size 1 in turn."""


def check_lstm_forward(lstm_forward, *, hidden: bool = False) -> float:
    """Check ``lstm_forward``: known answers, the equations and causality, no overflow, purity, the reference."""
    name = "lstm_forward"
    if hidden:
        return grade(name, with_reference("lstm", 1.1, lambda ref: _forward_hidden(lstm_forward, ref)), hidden=True)

    def states(inputs, **options):
        h, _ = sequence_forward(lstm_forward, inputs, **options)
        return h

    def known_answers_match():
        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            lambda _, example: {"h": states(inputs_of(example))},
            hints=SEQUENCE_HINTS,
            diagnosis=lambda _, example: gate_order_diagnosis({"h": example["h_ifgo"]}),
        )

    def follows_the_equations(example, *, allow_warnings: bool = True):
        """Each step from the student's own h[:, t-1] and the cell the equations give, c = 0 at t = 0."""
        h = states(example, allow_warnings=allow_warnings)
        prev_c, expected = np.zeros_like(example["h0"]), np.empty_like(h)
        for t in range(h.shape[1]):
            previous = example["h0"] if t == 0 else h[:, t - 1]
            a = example["x"][:, t] @ example["Wx"] + previous @ example["Wh"] + example["b"]
            i, f, o, g = np.split(a, 4, axis=1)
            i, f, o = (0.5 * (1 + np.tanh(block / 2)) for block in (i, f, o))
            prev_c = f * prev_c + i * np.tanh(g)
            expected[:, t] = o * np.tanh(prev_c)
        assert_outputs_close(name, {"h": h}, {"h": expected}, hints=SEQUENCE_HINTS)
        if allow_warnings:
            assert_causal(
                lambda points: (h for h, _ in sequence_forward_each(lstm_forward, points, keep=1)),
                inputs_of(example),
                h,
                function=name,
            )

    return grade(
        name,
        [
            Case("known answers", 0.75, known_answers_match),
            property_case(
                "h has shape (N, T, H), each step follows the LSTM's equations from h[:, t-1], h[:, t] "
                "depends only on x[:, :t+1], for every size (1 included)",
                0.65,
                SEQUENCES,
                follows_the_equations,
                fresh=True,
            ),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.3,
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


@hidden_inputs("lstm_forward", cases=HIDDEN_SEQUENCE_CASES)
def _sequence_case(rng: np.random.Generator, case: int, *, longest: int = 12) -> dict:
    """Every edge size first, then two random sizes and a saturating sequence."""
    maxima = (6, longest, 6, 7)
    if case < EDGE_SEQUENCES:
        return random_sequence(rng, *edge_sizes(maxima)[case])
    make = saturating_sequence if case == HIDDEN_SEQUENCE_CASES - 1 else random_sequence
    return make(rng, *sizes(rng, maxima))


@hidden_inputs("lstm_backward", cases=HIDDEN_SEQUENCE_CASES)
def _backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _sequence_case(rng, case)
    n, t, _ = example["x"].shape
    return {**example, "dh": rng.normal(size=(n, t, example["h0"].shape[1]))}


@hidden_inputs("cell_gradient_norms", cases=HIDDEN_SEQUENCE_CASES)
def _norms_case(rng: np.random.Generator, case: int) -> dict:
    example = _sequence_case(rng, case, longest=25)
    return {**example, "dh_last": rng.normal(size=example["h0"].shape)}


def _forward_hidden(lstm_forward, ref) -> list[Case]:
    def matches(inputs):
        got, _ = sequence_forward(lstm_forward, inputs)
        expected, _ = ref.lstm_forward(**inputs)
        assert_outputs_close("lstm_forward", {"h": got}, {"h": expected}, hints=SEQUENCE_HINTS)

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            1.1,
            lambda: run_hidden_cases("lstm_forward", matches),
            fresh=True,
        )
    ]


def check_lstm_backward(lstm_backward, lstm_forward, *, hidden: bool = False) -> float:
    """Check ``lstm_backward`` (BPTT through h and c) through the student's own ``lstm_forward`` cache."""
    name = "lstm_backward"
    if hidden:
        return grade(
            name,
            with_reference("lstm", 2.1, lambda ref: _backward_hidden(lstm_backward, lstm_forward, ref)),
            hidden=True,
        )

    def gradients_of(_example_name, example):
        _, cache = sequence_forward(lstm_forward, inputs_of(example))
        return sequence_backward(lstm_backward, example["dh"], cache)

    def known_answers_match():
        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            gradients_of,
            hints=SEQUENCE_HINTS,
            diagnosis=lambda _, example: sequence_backward_diagnosis(
                alternative={k: example[f"{k}_ifgo"] for k in SEQUENCE_GRADIENTS}
            ),
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
                forward=partial(sequence_forward, lstm_forward),
                forward_each=partial(sequence_forward_each, lstm_forward),
                backward=partial(sequence_backward, lstm_backward),
                inputs=inputs,
                upstream=(dh,),
                hints=SEQUENCE_HINTS,
                diagnose=sequence_backward_diagnosis(),
            )

        return judge_each(examples, matches)

    return grade(
        name,
        [
            Case("known answers", 1.1, known_answers_match),
            Case(
                "every gradient matches centered differences of your lstm_forward, for every size",
                1.6,
                gradients_match_centered_differences,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _backward_hidden(lstm_backward, lstm_forward, ref) -> list[Case]:
    def matches(example):
        inputs, dh = inputs_of(example), example["dh"]
        _, cache = sequence_forward(lstm_forward, inputs)
        grads = sequence_backward(lstm_backward, dh, cache)
        _, ref_cache = ref.lstm_forward(**inputs)
        expected = dict(zip(SEQUENCE_GRADIENTS, ref.lstm_backward(dh, ref_cache)))
        assert_outputs_close(
            "lstm_backward", grads, expected, hints=SEQUENCE_HINTS, diagnose=sequence_backward_diagnosis()
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            2.1,
            lambda: run_hidden_cases("lstm_backward", matches),
            fresh=True,
        )
    ]


CAROUSELS = Examples(lstm_laws.carousel_examples(), count=8)
"""Inputs of the carousel law: i = 0, a constant forget gate."""
OPEN_CAROUSELS = Examples(lstm_laws.carousel_examples(forget_bias=lstm_laws.OPEN_FORGET, max_steps=60), count=5)
"""Inputs of the open carousel: forget bias +30, T up to 60."""


def check_cell_gradient_norms(cell_gradient_norms, lstm_forward, *, hidden: bool = False) -> float:
    """Check ``cell_gradient_norms``: known answers and the two cell-gradient laws."""
    name = "cell_gradient_norms"
    if hidden:
        return grade(
            name,
            with_reference("lstm", 1.2, lambda ref: _norms_hidden(cell_gradient_norms, lstm_forward, ref)),
            hidden=True,
        )

    def norms_for(example: dict) -> np.ndarray:
        inputs = inputs_of(example)
        _, cache = sequence_forward(lstm_forward, inputs)
        return gradient_norms(cell_gradient_norms, example["dh_last"], cache, inputs["x"].shape[1])

    def known_answers_match():
        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            lambda _, example: {"norms": norms_for(example)},
            hints=SEQUENCE_HINTS,
            diagnosis=lambda *_: diagnose_norms,
        )

    def follows_carousel(example):
        violation = lstm_laws.carousel_violation(norms_for(example), example["forget"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {SEQUENCE_HINTS['norms']}")

    return grade(
        name,
        [
            Case("known answers for forget biases 0 and 2", 0.6, known_answers_match),
            property_case(
                "with i = 0 and a constant forget gate f: norms[T-1-k] = f**k * norms[T-1]",
                1.1,
                CAROUSELS,
                follows_carousel,
                fresh=True,
            ),
            property_case(
                "with f -> 1 (forget bias +30) the cell gradient keeps its norm for any T (up to 60)",
                0.9,
                OPEN_CAROUSELS,
                follows_carousel,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _norms_hidden(cell_gradient_norms, lstm_forward, ref) -> list[Case]:
    def matches(example):
        inputs, dh_last = inputs_of(example), example["dh_last"]
        _, cache = sequence_forward(lstm_forward, inputs)
        got = gradient_norms(cell_gradient_norms, dh_last, cache, inputs["x"].shape[1])
        _, ref_cache = ref.lstm_forward(**inputs)
        expected = ref.cell_gradient_norms(dh_last, ref_cache)
        assert_outputs_close(
            "cell_gradient_norms",
            {"norms": got},
            {"norms": expected},
            hints=SEQUENCE_HINTS,
            diagnose=diagnose_norms,
        )

    return [
        Case(
            "matches the reference for every shape and length",
            1.2,
            lambda: run_hidden_cases("cell_gradient_norms", matches),
            fresh=True,
        )
    ]
