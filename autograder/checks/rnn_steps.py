"""Checks of ``rnn_step_forward`` and ``rnn_step_backward``."""

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
    expect_value_error,
    grade,
    with_reference,
)
from autograder.checking.case import Case
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import rnn_sequences
from autograder.checks.activations import ACTIVATIONS, activation_of
from autograder.checks.diagnosing import mistakes_of
from autograder.checks.rnn_diagnoses import STEP_GRADIENTS, diagnose_step_backward

MISTAKES = mistakes_of("rnn")
STEP_INPUTS = ("x", "prev_h", "Wx", "Wh", "b")
LARGEST_PREACTIVATION = 1000.0
"""How large the pre-activations of the steps the forward checks try get: far beyond where exp overflows."""

STEP_HINTS = {
    "next_h": "next_h = f(x @ Wx + prev_h @ Wh + b), with f the requested activation.",
    "dx": "dx = da @ Wx.T, where da = dnext_h * f'(a).",
    "dprev_h": "dprev_h = da @ Wh.T, where da = dnext_h * f'(a).",
    "dWx": "dWx = x.T @ da: (D, N) @ (N, H).",
    "dWh": "dWh = prev_h.T @ da: the *previous* hidden state, not next_h.",
    "db": "db = da.sum(axis=0): the bias is shared by the whole batch.",
}


def random_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Random inputs of one RNN step, with weights scaled to keep tanh and sigmoid unsaturated."""
    return {
        "x": rng.normal(size=(n, d)),
        "prev_h": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def saturating_step(rng: np.random.Generator, n: int, d: int, h: int) -> dict:
    """Inputs of one RNN step whose pre-activations reach about ``LARGEST_PREACTIVATION`` in size, of both signs."""
    inputs = random_step(rng, n, d, h)
    a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(a)), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "Wh": inputs["Wh"] * scale, "b": inputs["b"] * scale}


def pre_activation(inputs: dict) -> np.ndarray:
    """``x @ Wx + prev_h @ Wh + b`` of one step's inputs."""
    return inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]


def step_forward(rnn_step_forward, inputs: dict, activation: str, **options) -> tuple:
    """Call the student's step forward and check the shape of ``next_h``; return ``(next_h, cache)``."""
    return next(step_forward_each(rnn_step_forward, [inputs], activation, **options))


def step_forward_each(
    rnn_step_forward, points: list[dict], activation: str, *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`step_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    shape = (points[0]["x"].shape[0], points[0]["Wh"].shape[0])
    return call_checked_each(
        rnn_step_forward,
        [{**inputs, "activation": activation} for inputs in points],
        name="rnn_step_forward",
        outputs=("next_h", "cache"),
        shapes={"next_h": shape},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def step_backward(rnn_step_backward, dnext_h, cache) -> dict:
    """Call the student's step backward; return its gradients by name."""
    result = call_checked(rnn_step_backward, dnext_h, cache, name="rnn_step_backward", outputs=STEP_GRADIENTS)
    return dict(zip(STEP_GRADIENTS, result))


def _step_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    """One step of each edge size, the activations in turn, as the step property's examples."""
    rng = np.random.default_rng(1986)  # Rumelhart, Hinton and Williams
    make = saturating_step if saturating else random_step
    return tuple(
        {**make(rng, *size), "activation": ACTIVATIONS[i % len(ACTIVATIONS)]}
        for i, size in enumerate(edge_sizes((3, 2, 3)) + ([(3, 2, 3)] * 2 if saturating else []))
    )


STEPS = Examples(
    rnn_sequences(max_steps=1).map(lambda s: {**{k: s[k] for k in ("Wx", "Wh", "b", "activation")}, "x": s["x"][:, 0], "prev_h": s["h0"]}),
    edges=_step_edges(),
)
"""Inputs of the step property: one step, every size 1 in turn among the edges."""
SATURATED_STEPS = [(f"{e['activation']}, N, D, H = {e['x'].shape[0]}, {e['x'].shape[1]}, {e['Wh'].shape[0]}", e) for e in _step_edges(saturating=True)]
"""Steps whose pre-activations reach |a| = 1000, every size 1 in turn and every activation."""


def check_rnn_step_forward(rnn_step_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_step_forward``: known answers, values of every size, no overflow, ValueError, purity, the reference."""
    name = "rnn_step_forward"
    if hidden:
        return grade(
            name, with_reference("rnn", 1.1, lambda ref: _step_forward_hidden(rnn_step_forward, ref)), hidden=True
        )

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            lambda _, example: {
                "next_h": step_forward(rnn_step_forward, {k: example[k] for k in STEP_INPUTS}, str(example["activation"]))[0]
            },
            hints=STEP_HINTS,
            diagnosis=lambda _, example: published_mistakes(example),
            part_of=activation_of,
        )

    def is_the_step(example, *, allow_warnings: bool = True):
        inputs, activation = {k: example[k] for k in STEP_INPUTS}, example["activation"]
        next_h, _ = step_forward(rnn_step_forward, inputs, activation, allow_warnings=allow_warnings)
        a = pre_activation(inputs)
        with np.errstate(over="ignore"):
            squashed = {"tanh": np.tanh(a), "sigmoid": 0.5 * (1 + np.tanh(a / 2)), "relu": np.maximum(a, 0.0)}
        assert_outputs_close(
            name,
            {"next_h": next_h},
            {"next_h": squashed[activation]},
            hints=STEP_HINTS,
            diagnose=known_mistakes(*MISTAKES.step_forward_signatures(inputs, activation, "next_h")),
        )

    def rejects_unknown_activation():
        inputs = random_step(np.random.default_rng(0), 2, 3, 4)
        expect_value_error(
            rnn_step_forward,
            *(inputs[k] for k in STEP_INPUTS),
            "softmax",
            name=name,
            call_text=f"{name} with activation='softmax'",
            valid_args=(*(inputs[k] for k in STEP_INPUTS), "tanh"),
        )

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 0.5, known_answers_match),
            property_case(
                "next_h = f(x @ Wx + prev_h @ Wh + b) of shape (N, H), for every size (1 included)",
                0.8,
                STEPS,
                is_the_step,
                fresh=True,
                part_of=activation_of,
            ),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.3,
                SATURATED_STEPS,
                partial(is_the_step, allow_warnings=False),
                fresh=True,
                part_of=activation_of,
            ),
            Case("an unknown activation raises ValueError", 0.1, rejects_unknown_activation),
            shape_case(name),
            purity_case(name),
        ],
    )


HIDDEN_STEP_SIZES = (7, 6, 7)
"""The largest N, D and H of a hidden step case."""
EDGE_STEPS = len(edge_sizes(HIDDEN_STEP_SIZES))
HIDDEN_STEP_CASES = EDGE_STEPS + 2 * len(ACTIVATIONS)


@hidden_inputs("rnn_step_forward", cases=HIDDEN_STEP_CASES)
def _step_case(rng: np.random.Generator, case: int) -> dict:
    """Case k uses activation k % 3: first every edge size, then a random size and a saturating step for each activation."""
    activation = ACTIVATIONS[case % len(ACTIVATIONS)]
    if case < EDGE_STEPS:
        return {**random_step(rng, *edge_sizes(HIDDEN_STEP_SIZES)[case]), "activation": activation}
    size = sizes(rng, HIDDEN_STEP_SIZES)
    make = saturating_step if case >= HIDDEN_STEP_CASES - len(ACTIVATIONS) else random_step
    return {**make(rng, *size), "activation": activation}


@hidden_inputs("rnn_step_backward", cases=HIDDEN_STEP_CASES)
def _step_backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _step_case(rng, case)
    return {**example, "dnext_h": rng.normal(size=example["prev_h"].shape)}


def _step_forward_hidden(rnn_step_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation = {k: example[k] for k in STEP_INPUTS}, example["activation"]
        next_h, _ = step_forward(rnn_step_forward, inputs, activation)
        expected, _ = ref.rnn_step_forward(**inputs, activation=activation)
        assert_outputs_close(
            "rnn_step_forward",
            {"next_h": next_h},
            {"next_h": expected},
            hints=STEP_HINTS,
            diagnose=known_mistakes(*MISTAKES.step_forward_signatures(inputs, activation, "next_h")),
        )

    return [
        Case(
            "matches the reference for every activation and shape, |a| up to 1000",
            1.1,
            lambda: run_hidden_cases("rnn_step_forward", matches, part_of=activation_of),
            fresh=True,
        )
    ]


GRADIENT_CHECK_STEPS = ((2, 3, 4), (2, 3, 4), (2, 3, 4), (1, 1, 1), (1, 2, 2))
"""The sizes (N, D, H) of the steps the gradient check tries: one per activation, then all 1 and N = 1 (the known
answers and the hidden cases have D = 1 and H = 1 too)."""


def check_rnn_step_backward(rnn_step_backward, rnn_step_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_step_backward`` through the student's own forward cache."""
    name = "rnn_step_backward"
    if hidden:
        return grade(
            name,
            with_reference("rnn", 2.0, lambda ref: _step_backward_hidden(rnn_step_backward, rnn_step_forward, ref)),
            hidden=True,
        )

    def known_answers_match():
        def gradients_of(_key, example):
            inputs = {k: example[k] for k in STEP_INPUTS}
            _, cache = step_forward(rnn_step_forward, inputs, str(example["activation"]))
            return step_backward(rnn_step_backward, example["dnext_h"], cache)

        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            gradients_of,
            hints=STEP_HINTS,
            diagnosis=lambda _, example: published_mistakes(example, otherwise=diagnose_step_backward),
            part_of=activation_of,
        )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(7)
        examples = []
        for i, size in enumerate(GRADIENT_CHECK_STEPS):
            activation = ACTIVATIONS[i % len(ACTIVATIONS)]
            inputs = random_step(rng, *size)
            examples.append((f"{activation}, N, D, H = {size}", (inputs, activation, rng.normal(size=(size[0], size[2])))))

        def matches(example):
            inputs, activation, dnext_h = example
            assert_matches_centered_differences(
                name,
                forward=partial(step_forward, rnn_step_forward, activation=activation),
                forward_each=partial(step_forward_each, rnn_step_forward, activation=activation),
                backward=partial(step_backward, rnn_step_backward),
                inputs=inputs,
                upstream=(dnext_h,),
                hints=STEP_HINTS,
                activation=activation,
                diagnose=known_mistakes(
                    *MISTAKES.step_backward_signatures(inputs, activation, dnext_h), otherwise=diagnose_step_backward
                ),
            )

        return judge_each(examples, matches, part_of=lambda example: example[1])

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 1.2, known_answers_match),
            Case(
                "every gradient matches centered differences of your rnn_step_forward, for every size",
                2.6,
                gradients_match_centered_differences,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _step_backward_hidden(rnn_step_backward, rnn_step_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation, dnext_h = {k: example[k] for k in STEP_INPUTS}, example["activation"], example["dnext_h"]
        _, cache = step_forward(rnn_step_forward, inputs, activation)
        grads = step_backward(rnn_step_backward, dnext_h, cache)
        _, ref_cache = ref.rnn_step_forward(**inputs, activation=activation)
        expected = dict(zip(STEP_GRADIENTS, ref.rnn_step_backward(dnext_h, ref_cache)))
        assert_outputs_close(
            "rnn_step_backward",
            grads,
            expected,
            hints=STEP_HINTS,
            diagnose=known_mistakes(
                    *MISTAKES.step_backward_signatures(inputs, activation, dnext_h), otherwise=diagnose_step_backward
                ),
        )

    return [
        Case(
            "matches the reference for every activation and shape",
            2.0,
            lambda: run_hidden_cases("rnn_step_backward", matches, part_of=activation_of),
            fresh=True,
        )
    ]
