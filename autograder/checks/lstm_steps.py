"""Checks of ``lstm_gates``, ``lstm_step_forward`` and ``lstm_step_backward``."""

from collections.abc import Iterator
from functools import partial

import numpy as np

from autograder.checking import known_answers, lstm_laws
from autograder.checking.blocks import (
    assert_matches_centered_differences,
    assert_outputs_close,
    call_checked,
    call_checked_each,
    failing_inputs,
    grade,
    known_answer,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed
from autograder.checking.compare import LOGISTIC_ATOL, LOGISTIC_RTOL, check_array
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases, sizes
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.strategies import dimensions, float_arrays, lstm_sequences
from autograder.checks.activations import ACTIVATION_FUNCTIONS
from autograder.checks.lstm_diagnoses import (
    GATES,
    STEP_HINTS,
    gate_order_diagnosis,
    step_backward_diagnosis,
)

STEP_INPUTS = ("x", "prev_h", "prev_c", "Wx", "Wh", "b")
STEP_GRADIENTS = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")


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


def gates_by_definition(a: np.ndarray) -> dict:
    """The four gates of the pre-activation ``a (N, 4H)`` by their definition, in the order i, f, o, g."""
    sigmoid = ACTIVATION_FUNCTIONS["sigmoid"]
    i, f, o, g = np.split(a, 4, axis=1)
    return {"i": sigmoid(i), "f": sigmoid(f), "o": sigmoid(o), "g": np.tanh(g)}


def step_by_definition(inputs: dict) -> dict:
    """``next_h`` and ``next_c`` of one step by the LSTM's equations (DESIGN.md), from the step's inputs."""
    a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
    gate = gates_by_definition(a)
    next_c = gate["f"] * inputs["prev_c"] + gate["i"] * gate["g"]
    return {"next_h": gate["o"] * np.tanh(next_c), "next_c": next_c}


def gates(lstm_gates, a: np.ndarray, **options) -> dict:
    """Call the student's ``lstm_gates`` and check each gate's shape; return them by name."""
    shape = (a.shape[0], a.shape[1] // 4)
    result = call_checked(
        lstm_gates, a, name="lstm_gates", outputs=GATES, shapes=dict.fromkeys(GATES, shape), **options
    )
    return dict(zip(GATES, result))


def step_forward(lstm_step_forward, inputs: dict) -> tuple:
    """Call the student's step forward and check the shapes; return ``(next_h, next_c, cache)``."""
    return next(step_forward_each(lstm_step_forward, [inputs]))


def step_forward_each(lstm_step_forward, points: list[dict], *, keep: int | None = None) -> Iterator[tuple]:
    """:func:`step_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    shape = points[0]["prev_h"].shape
    return call_checked_each(
        lstm_step_forward,
        points,
        name="lstm_step_forward",
        outputs=("next_h", "next_c", "cache"),
        shapes={"next_h": shape, "next_c": shape},
        keep=keep,
    )


def step_backward(lstm_step_backward, dnext_h, dnext_c, cache) -> dict:
    """Call the student's step backward; return its gradients by name."""
    name = "lstm_step_backward"
    result = call_checked(lstm_step_backward, dnext_h, dnext_c, cache, name=name, outputs=STEP_GRADIENTS)
    return dict(zip(STEP_GRADIENTS, result))


PREACTIVATIONS = Examples(
    dimensions().flatmap(
        lambda h: dimensions().flatmap(lambda n: float_arrays((n, 4 * h), min_value=-1e3, max_value=1e3))
    )
)
"""Inputs of the gates property: pre-activations (N, 4H), |a| <= 1e3."""


def check_lstm_gates(lstm_gates, *, hidden: bool = False) -> float:
    """Check ``lstm_gates``: known answers, gate ranges without warnings, the reference."""
    name = "lstm_gates"
    if hidden:
        return grade(name, with_reference("lstm", 1, lambda ref: _gates_hidden(lstm_gates, ref)), hidden=True)

    def known_answers_match():
        for key, example in known_answers.examples_of("lstm", name).items():
            with failing_inputs(known_answer("lstm", name, key, example)):
                assert_outputs_close(
                    name,
                    gates(lstm_gates, example["a"]),
                    {k: example[k] for k in GATES},
                    hints=STEP_HINTS,
                    rtol=LOGISTIC_RTOL,
                    atol=LOGISTIC_ATOL,
                    diagnose=gate_order_diagnosis({k: example[f"{k}_ifgo"] for k in GATES}),
                )

    def in_range_without_warnings(a):
        got = gates(lstm_gates, a, allow_warnings=False)
        for gate, (low, high) in {"i": (0, 1), "f": (0, 1), "o": (0, 1), "g": (-1, 1)}.items():
            if np.any(got[gate] < low) or np.any(got[gate] > high):
                raise CheckFailed(
                    f"{name}: {gate} has values outside [{low}, {high}].\nHint: {STEP_HINTS[gate]}"
                )
        assert_outputs_close(
            name, got, gates_by_definition(a), hints=STEP_HINTS, rtol=LOGISTIC_RTOL, atol=LOGISTIC_ATOL
        )

    return grade(
        name,
        [
            Case("known answers", 1, known_answers_match, judges_values=True),
            property_case(
                "i, f, o = sigmoid and g = tanh of their blocks, in range, no warning for |a| <= 1e3",
                0.5,
                PREACTIVATIONS,
                in_range_without_warnings,
                judges_values=True,
            ),
            purity_case(name),
        ],
    )


GATE_SCALES = (1.0, 10.0, 700.0)
"""The spread of the pre-activation in the hidden cases of lstm_gates (case 0 has N = H = 1)."""


@hidden_inputs("lstm_gates", cases=len(GATE_SCALES))
def _gates_case(rng: np.random.Generator, case: int) -> dict:
    n, h = sizes(rng, (5, 5), edge=case == 0)
    return {"a": rng.normal(scale=GATE_SCALES[case], size=(n, 4 * h))}


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
            1,
            lambda: run_hidden_cases("lstm_gates", matches),
        )
    ]


STEPS = Examples(lstm_sequences(max_steps=1))
"""Inputs of the step property: one step of a sequence (x[:, 0] is the step's input)."""


def check_lstm_step_forward(lstm_step_forward, *, hidden: bool = False) -> float:
    """Check ``lstm_step_forward``: known answers, shapes, purity, the reference."""
    name = "lstm_step_forward"
    if hidden:
        return grade(
            name,
            with_reference("lstm", 1, lambda ref: _step_forward_hidden(lstm_step_forward, ref)),
            hidden=True,
        )

    def known_answers_match():
        for key, example in known_answers.examples_of("lstm", name).items():
            with failing_inputs(known_answer("lstm", name, key, example)):
                next_h, next_c, _ = step_forward(lstm_step_forward, {k: example[k] for k in STEP_INPUTS})
                assert_outputs_close(
                    name,
                    {"next_c": next_c, "next_h": next_h},
                    {"next_c": example["next_c"], "next_h": example["next_h"]},
                    hints=STEP_HINTS,
                    diagnose=gate_order_diagnosis({k: example[f"{k}_ifgo"] for k in ("next_h", "next_c")}),
                )

    def shapes(example):
        inputs = {
            "x": example["x"][:, 0],
            "prev_h": example["h0"],
            "prev_c": np.tanh(example["h0"][:, ::-1]),
            **{key: example[key] for key in ("Wx", "Wh", "b")},
        }
        next_h, next_c, _ = step_forward(lstm_step_forward, inputs)
        assert_outputs_close(
            name, {"next_c": next_c, "next_h": next_h}, step_by_definition(inputs), hints=STEP_HINTS
        )

    return grade(
        name,
        [
            Case("known answers", 1, known_answers_match, judges_values=True),
            property_case(
                "next_c = f * prev_c + i * g and next_h = o * tanh(next_c), of shape (N, H)",
                0.5,
                STEPS,
                shapes,
                judges_values=True,
            ),
            purity_case(name),
        ],
    )


@hidden_inputs("lstm_step_forward", cases=3)
def _step_case(rng: np.random.Generator, case: int) -> dict:
    """Case 0 has N = D = H = 1, the others random sizes."""
    return random_step(rng, *sizes(rng, (7, 6, 7), edge=case == 0))


@hidden_inputs("lstm_step_backward", cases=3)
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
            "matches the reference on random shapes",
            1,
            lambda: run_hidden_cases("lstm_step_forward", matches),
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
                "lstm", 1.5, lambda ref: _step_backward_hidden(lstm_step_backward, lstm_step_forward, ref)
            ),
            hidden=True,
        )

    def known_answers_match():
        for key, example in known_answers.examples_of("lstm", name).items():
            with failing_inputs(known_answer("lstm", name, key, example)):
                _, _, cache = step_forward(lstm_step_forward, {k: example[k] for k in STEP_INPUTS})
                grads = step_backward(lstm_step_backward, example["dnext_h"], example["dnext_c"], cache)
                assert_outputs_close(
                    name,
                    grads,
                    {k: example[k] for k in STEP_GRADIENTS},
                    hints=STEP_HINTS,
                    diagnose=step_backward_diagnosis(
                        alternative={k: example[f"{k}_ifgo"] for k in STEP_GRADIENTS}, example=example
                    ),
                )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(9)
        for n, d, h in [(3, 4, 2), (2, 3, 3)]:
            inputs = random_step(rng, n, d, h)
            upstream = (rng.normal(size=(n, h)), rng.normal(size=(n, h)))
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
            Case("known answers", 1, known_answers_match, judges_values=True),
            Case(
                "every gradient, through next_h and next_c, matches centered differences of your "
                "lstm_step_forward",
                1.5,
                gradients_match_centered_differences,
                judges_values=True,
            ),
            property_case(
                "with i = o = 0 and a constant forget gate f, T steps back give dc_0 = f**T * dc_T",
                0.5,
                CONSTANT_FORGET,
                cell_gradient_scaled_by_forget_gate,
            ),
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
        Case("matches the reference on random shapes", 1.5, lambda: run_hidden_cases("lstm_step_backward", matches))
    ]
