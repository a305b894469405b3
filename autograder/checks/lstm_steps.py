"""Checks of ``lstm_gates``, ``lstm_step_forward`` and ``lstm_step_backward``."""

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
from autograder.checking.compare import LOGISTIC_ATOL, LOGISTIC_RTOL, check_array
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, signed_spread, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import dimensions, float_arrays, lstm_sequences
from autograder.checks import lstm_laws
from autograder.checks.lstm_diagnoses import (
    GATES,
    STEP_HINTS,
    gate_order_diagnosis,
    step_backward_diagnosis,
)

STEP_INPUTS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
STEP_GRADIENTS = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
LARGEST_PREACTIVATION = 1000.0


def random_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Random inputs of one LSTM step, with weights scaled to keep the gates unsaturated."""
    return {
        "x": rng.normal(size=(n, d)),
        "prev_h": rng.normal(size=(n, h)),
        "prev_c": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, 4 * h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, 4 * h)),
        "b": rng.normal(scale=0.5, size=4 * h),
    }


def gates(lstm_gates, a: np.ndarray, **options) -> dict:
    """Call the student's ``lstm_gates`` and check each gate's shape; return them by name."""
    shape = (a.shape[0], a.shape[1] // 4)
    result = call_checked(
        lstm_gates, a, name="lstm_gates", outputs=GATES, shapes=dict.fromkeys(GATES, shape), **options
    )
    return dict(zip(GATES, result))


def saturating_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Inputs of one LSTM step whose pre-activations reach about 1000 in size, of both signs."""
    inputs = random_step(rng, n, d, h)
    a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(a)), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "Wh": inputs["Wh"] * scale, "b": inputs["b"] * scale}


def step_forward(lstm_step_forward, inputs: dict, **options) -> tuple:
    """Call the student's step forward and check the shapes; return ``(next_h, next_c, cache)``."""
    return next(step_forward_each(lstm_step_forward, [inputs], **options))


def step_forward_each(
    lstm_step_forward, points: list[dict], *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`step_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    shape = points[0]["prev_h"].shape
    return call_checked_each(
        lstm_step_forward,
        points,
        name="lstm_step_forward",
        outputs=("next_h", "next_c", "cache"),
        shapes={"next_h": shape, "next_c": shape},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def step_backward(lstm_step_backward, dnext_h, dnext_c, cache) -> dict:
    """Call the student's step backward; return its gradients by name."""
    name = "lstm_step_backward"
    result = call_checked(lstm_step_backward, dnext_h, dnext_c, cache, name=name, outputs=STEP_GRADIENTS)
    return dict(zip(STEP_GRADIENTS, result))


def _gate_edges() -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(1997)  # Hochreiter and Schmidhuber
    return tuple(rng.normal(scale=3.0, size=(n, 4 * h)) for n, h in edge_sizes((3, 2)))


PREACTIVATIONS = Examples(
    dimensions().flatmap(
        lambda h: dimensions().flatmap(lambda n: float_arrays((n, 4 * h), min_value=-30, max_value=30))
    ),
    edges=_gate_edges(),
)
"""Inputs of the gates' values: pre-activations (N, 4H), |a| <= 30, N = 1 and H = 1 among the edges."""
EXTREME_PREACTIVATIONS = Examples(
    dimensions().flatmap(
        lambda h: dimensions().flatmap(lambda n: float_arrays((n, 4 * h), min_value=-1e3, max_value=1e3))
    ),
    count=6,
    edges=(np.array([[-1e3, -745.0, 709.0, 1e3]]),),
)
"""Inputs of the gates' stability: pre-activations (N, 4H), |a| <= 1e3."""


def check_lstm_gates(lstm_gates, *, hidden: bool = False) -> float:
    """Check ``lstm_gates``: known answers, the gates by definition, no warning, the reference."""
    name = "lstm_gates"
    if hidden:
        return grade(name, with_reference("lstm", 1.1, lambda ref: _gates_hidden(lstm_gates, ref)), hidden=True)

    def known_answers_match():
        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            lambda _, example: gates(lstm_gates, example["a"]),
            hints=STEP_HINTS,
            desired=lambda _, example: {k: example[k] for k in GATES},
            diagnosis=lambda _, example: gate_order_diagnosis({k: example[f"{k}_ifgo"] for k in GATES}),
            rtol=LOGISTIC_RTOL,
            atol=LOGISTIC_ATOL,
        )

    def are_the_gates(a, *, allow_warnings: bool = True):
        got = gates(lstm_gates, a, allow_warnings=allow_warnings)
        for gate, (low, high) in {"i": (0, 1), "f": (0, 1), "o": (0, 1), "g": (-1, 1)}.items():
            if np.any(got[gate] < low) or np.any(got[gate] > high):
                raise CheckFailed(f"{name}: {gate} has values outside [{low}, {high}].\nHint: {STEP_HINTS[gate]}")
        blocks = np.split(a, 4, axis=1)
        expected = {gate: 0.5 * (1 + np.tanh(block / 2)) for gate, block in zip("ifo", blocks)}
        assert_outputs_close(
            name, got, {**expected, "g": np.tanh(blocks[3])}, hints=STEP_HINTS, rtol=LOGISTIC_RTOL, atol=LOGISTIC_ATOL
        )

    return grade(
        name,
        [
            Case("known answers", 0.75, known_answers_match),
            property_case(
                "i, f, o = sigmoid and g = tanh of their blocks, for every size (1 included)",
                0.65,
                PREACTIVATIONS,
                are_the_gates,
                fresh=True,
            ),
            property_case(
                "in range, no overflow and no warning for |a| up to 1e3",
                0.3,
                EXTREME_PREACTIVATIONS,
                partial(are_the_gates, allow_warnings=False),
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


GATE_SCALES = (1.0, 10.0, 700.0)
"""The spread of the pre-activations in the hidden cases of lstm_gates."""
EDGE_GATES = len(edge_sizes((5, 5)))


@hidden_inputs("lstm_gates", cases=EDGE_GATES + len(GATE_SCALES))
def _gates_case(rng: np.random.Generator, case: int) -> dict:
    """The edge sizes (N = 1, H = 1, both) first, then random sizes at each scale."""
    n, h = edge_sizes((5, 5))[case] if case < EDGE_GATES else sizes(rng, (5, 5))
    scale = GATE_SCALES[case % len(GATE_SCALES)]
    return {"a": signed_spread(rng, (n, 4 * h), scale)}


def _gates_hidden(lstm_gates, ref) -> list[Case]:
    def matches(example):
        a = example["a"]
        assert_outputs_close(
            "lstm_gates",
            gates(lstm_gates, a),
            dict(zip(GATES, ref.lstm_gates(a))),
            hints=STEP_HINTS,
            rtol=LOGISTIC_RTOL,
            atol=LOGISTIC_ATOL,
        )

    return [
        Case(
            "matches the reference on random pre-activations",
            1.1,
            lambda: run_hidden_cases("lstm_gates", matches),
            fresh=True,
        )
    ]


def _step_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    rng = np.random.default_rng(1999)  # Gers, Schmidhuber and Cummins: the forget gate
    make = saturating_step if saturating else random_step
    return tuple(make(rng, *size) for size in edge_sizes((3, 2, 3)) + ([(3, 2, 3)] if saturating else []))


STEPS = Examples(
    lstm_sequences(max_steps=1).map(
        lambda s: {
            "x": s["x"][:, 0], "prev_h": s["h0"], "prev_c": np.tanh(s["h0"][:, ::-1]), **{k: s[k] for k in ("Wx", "Wh", "b")}
        }
    ),
    edges=_step_edges(),
)
"""Inputs of the step property: one step, every size 1 in turn among the edges."""
SATURATED_STEPS = [(f"N, D, H = {e['x'].shape[0]}, {e['x'].shape[1]}, {e['prev_h'].shape[1]}", e) for e in _step_edges(saturating=True)]
"""Steps whose pre-activations reach |a| = 1000, every size 1 in turn."""


def check_lstm_step_forward(lstm_step_forward, *, hidden: bool = False) -> float:
    """Check ``lstm_step_forward``: known answers, the equations for every size, no overflow, purity, the reference."""
    name = "lstm_step_forward"
    if hidden:
        return grade(
            name, with_reference("lstm", 1.1, lambda ref: _step_forward_hidden(lstm_step_forward, ref)), hidden=True
        )

    def outputs_of(inputs: dict, **options) -> dict:
        next_h, next_c, _ = step_forward(lstm_step_forward, inputs, **options)
        return {"next_c": next_c, "next_h": next_h}

    def known_answers_match():
        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            lambda _, example: outputs_of({k: example[k] for k in STEP_INPUTS}),
            hints=STEP_HINTS,
            diagnosis=lambda _, example: gate_order_diagnosis({k: example[f"{k}_ifgo"] for k in ("next_h", "next_c")}),
        )

    def follows_the_equations(inputs, *, allow_warnings: bool = True):
        got = outputs_of(inputs, allow_warnings=allow_warnings)
        a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
        i, f, o, g = np.split(a, 4, axis=1)
        i, f, o = (0.5 * (1 + np.tanh(block / 2)) for block in (i, f, o))
        next_c = f * inputs["prev_c"] + i * np.tanh(g)
        assert_outputs_close(
            name, got, {"next_c": next_c, "next_h": o * np.tanh(next_c)}, hints=STEP_HINTS
        )

    return grade(
        name,
        [
            Case("known answers", 0.75, known_answers_match),
            property_case(
                "next_c = f * prev_c + i * g and next_h = o * tanh(next_c), of shape (N, H), for every size",
                0.65,
                STEPS,
                follows_the_equations,
                fresh=True,
            ),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.3,
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


@hidden_inputs("lstm_step_forward", cases=HIDDEN_STEP_CASES)
def _step_case(rng: np.random.Generator, case: int) -> dict:
    """Every edge size first, then two random sizes and a saturating step."""
    if case < EDGE_STEPS:
        return random_step(rng, *edge_sizes(HIDDEN_STEP_SIZES)[case])
    make = saturating_step if case == HIDDEN_STEP_CASES - 1 else random_step
    return make(rng, *sizes(rng, HIDDEN_STEP_SIZES))


@hidden_inputs("lstm_step_backward", cases=HIDDEN_STEP_CASES)
def _step_backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _step_case(rng, case)
    shape = example["prev_h"].shape
    return {**example, "dnext_h": rng.normal(size=shape), "dnext_c": rng.normal(size=shape)}


def _step_forward_hidden(lstm_step_forward, ref) -> list[Case]:
    def matches(inputs):
        next_h, next_c, _ = step_forward(lstm_step_forward, inputs)
        expected_h, expected_c, _ = ref.lstm_step_forward(**inputs)
        assert_outputs_close(
            "lstm_step_forward",
            {"next_c": next_c, "next_h": next_h},
            {"next_c": expected_c, "next_h": expected_h},
            hints=STEP_HINTS,
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            1.1,
            lambda: run_hidden_cases("lstm_step_forward", matches),
            fresh=True,
        )
    ]


CONSTANT_FORGET = Examples(lstm_laws.constant_forget_examples(), count=8)
"""Inputs of the forget-gate law of one step: i = o = 0, a constant forget gate."""


def check_lstm_step_backward(lstm_step_backward, lstm_step_forward, *, hidden: bool = False) -> float:
    """Check ``lstm_step_backward`` through the student's own forward cache."""
    name = "lstm_step_backward"
    if hidden:
        return grade(
            name,
            with_reference(
                "lstm", 1.6, lambda ref: _step_backward_hidden(lstm_step_backward, lstm_step_forward, ref)
            ),
            hidden=True,
        )

    def known_answers_match():
        def gradients_of(_key, example):
            _, _, cache = step_forward(lstm_step_forward, {k: example[k] for k in STEP_INPUTS})
            return step_backward(lstm_step_backward, example["dnext_h"], example["dnext_c"], cache)

        return assert_known_answers(
            "lstm",
            name,
            known_answers.examples_of("lstm", name),
            gradients_of,
            hints=STEP_HINTS,
            diagnosis=lambda _, example: step_backward_diagnosis(
                alternative={k: example[f"{k}_ifgo"] for k in STEP_GRADIENTS}, example=example
            ),
        )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(9)
        examples = []
        for n, d, h in [(3, 4, 2), (2, 3, 3), *edge_sizes((2, 2, 2))]:
            inputs = random_step(rng, n, d, h)
            examples.append((f"N, D, H = {n}, {d}, {h}", (inputs, (rng.normal(size=(n, h)), rng.normal(size=(n, h))))))

        def matches(example):
            inputs, upstream = example
            assert_matches_centered_differences(
                name,
                forward=partial(step_forward, lstm_step_forward),
                forward_each=partial(step_forward_each, lstm_step_forward),
                backward=partial(step_backward, lstm_step_backward),
                inputs=inputs,
                upstream=upstream,
                hints=STEP_HINTS,
                diagnose=step_backward_diagnosis(),
            )

        return judge_each(examples, matches)

    def cell_gradient_scaled_by_forget_gate(example):
        steps = example["x"].shape[1]
        prev_h, prev_c, caches = example["prev_h"], example["prev_c"], []
        weights = {k: example[k] for k in ("Wx", "Wh", "b")}
        for t in range(steps):
            prev_h, prev_c, cache = step_forward(
                lstm_step_forward, {"x": example["x"][:, t], "prev_h": prev_h, "prev_c": prev_c, **weights}
            )
            caches.append(cache)
        dc = example["dnext_c"]
        for cache in reversed(caches):
            dc = step_backward(lstm_step_backward, np.zeros_like(dc), dc, cache)["dprev_c"]
            dc = check_array(dc, function=name, output="dprev_c", shape=example["dnext_c"].shape)
        violation = lstm_laws.constant_forget_violation(dc, example["dnext_c"], example["forget"], steps)
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {STEP_HINTS['dprev_c']}")

    return grade(
        name,
        [
            Case("known answers", 1.0, known_answers_match),
            Case(
                "every gradient, through next_h and next_c, matches centered differences of your "
                "lstm_step_forward, for every size",
                1.6,
                gradients_match_centered_differences,
                fresh=True,
            ),
            property_case(
                "with i = o = 0 and a constant forget gate f, T steps back give dc_0 = f**T * dc_T",
                0.6,
                CONSTANT_FORGET,
                cell_gradient_scaled_by_forget_gate,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _step_backward_hidden(lstm_step_backward, lstm_step_forward, ref) -> list[Case]:
    def matches(example):
        inputs = {k: example[k] for k in STEP_INPUTS}
        dnext_h, dnext_c = example["dnext_h"], example["dnext_c"]
        _, _, cache = step_forward(lstm_step_forward, inputs)
        grads = step_backward(lstm_step_backward, dnext_h, dnext_c, cache)
        _, next_c, ref_cache = ref.lstm_step_forward(**inputs)
        expected = dict(zip(STEP_GRADIENTS, ref.lstm_step_backward(dnext_h, dnext_c, ref_cache)))
        a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
        known = {
            "dnext_h": dnext_h,
            "dnext_c": dnext_c,
            "next_c": next_c,
            **{f"gate_{k}": v for k, v in zip(GATES, ref.lstm_gates(a))},
        }
        assert_outputs_close(
            "lstm_step_backward",
            grads,
            expected,
            hints=STEP_HINTS,
            diagnose=step_backward_diagnosis(example=known),
        )

    return [
        Case(
            "matches the reference for every shape, |a| up to 1000",
            1.6,
            lambda: run_hidden_cases("lstm_step_backward", matches),
            fresh=True,
        )
    ]
