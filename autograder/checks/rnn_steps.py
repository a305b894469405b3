"""Checks of ``rnn_step_forward`` and ``rnn_step_backward``."""

from collections.abc import Iterator
from functools import partial

import numpy as np

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_matches_centered_differences,
    assert_outputs_close,
    call_checked,
    call_checked_each,
    expect_value_error,
    failing_inputs,
    grade,
    known_answer,
    with_reference,
)
from autograder.checking.case import Case
from autograder.checking.diagnoses import forward_first
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases, sizes
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.strategies import rnn_sequences
from autograder.checks.activations import ACTIVATION_FUNCTIONS, ACTIVATIONS
from autograder.checks.rnn_mistakes import (
    STEP_GRADIENTS,
    step_backward_mistakes,
    step_forward_mistakes,
)

STEP_INPUTS = ("x", "prev_h", "Wx", "Wh", "b")

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


def step_forward(rnn_step_forward, inputs: dict, activation: str) -> tuple:
    """Call the student's step forward and check the shape of ``next_h``; return ``(next_h, cache)``."""
    return next(step_forward_each(rnn_step_forward, [inputs], activation))


def step_forward_each(
    rnn_step_forward, points: list[dict], activation: str, *, keep: int | None = None
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
    )


def step_backward(rnn_step_backward, dnext_h, cache) -> dict:
    """Call the student's step backward; return its gradients by name."""
    result = call_checked(rnn_step_backward, dnext_h, cache, name="rnn_step_backward", outputs=STEP_GRADIENTS)
    return dict(zip(STEP_GRADIENTS, result))


STEPS = Examples(rnn_sequences(max_steps=1))
"""Inputs of the step property: one step of a sequence (x[:, 0] is the step's input)."""


def check_rnn_step_forward(rnn_step_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_step_forward``: known answers, shapes, ValueError, purity, the reference."""
    name = "rnn_step_forward"
    if hidden:
        return grade(
            name,
            with_reference("rnn", 1, lambda ref: _step_forward_hidden(rnn_step_forward, ref)),
            hidden=True,
        )

    def known_answers_match():
        for key, example in known_answers.examples_of("rnn", name).items():
            inputs, activation = {k: example[k] for k in STEP_INPUTS}, str(example["activation"])
            output = f"next_h ({key})"
            with failing_inputs(known_answer("rnn", name, key, example)):
                next_h, _ = step_forward(rnn_step_forward, inputs, activation)
                assert_outputs_close(
                    name,
                    {output: next_h},
                    {output: example["next_h"]},
                    hints={output: STEP_HINTS["next_h"]},
                    diagnose=step_forward_mistakes(inputs, activation, output),
                )

    def shapes(example):
        inputs = {
            "x": example["x"][:, 0],
            "prev_h": example["h0"],
            **{key: example[key] for key in ("Wx", "Wh", "b")},
        }
        activation = example["activation"]
        next_h, _ = step_forward(rnn_step_forward, inputs, activation)
        a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
        assert_outputs_close(
            name,
            {"next_h": next_h},
            {"next_h": ACTIVATION_FUNCTIONS[activation](a)},
            hints=STEP_HINTS,
            diagnose=step_forward_mistakes(inputs, activation, "next_h"),
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
            Case("known answers for tanh, sigmoid and relu", 0.5, known_answers_match, judges_values=True),
            property_case(
                "next_h = f(x @ Wx + prev_h @ Wh + b) has shape (N, H)",
                0.5,
                STEPS,
                shapes,
                judges_values=True,
            ),
            Case("an unknown activation raises ValueError", 0.5, rejects_unknown_activation),
            purity_case(name),
        ],
    )


HIDDEN_STEP_SIZES = (7, 6, 7)
"""The largest N, D and H of a hidden step case."""


@hidden_inputs("rnn_step_forward", cases=3 * len(ACTIVATIONS))
def _step_case(rng: np.random.Generator, case: int) -> dict:
    """Case k uses activation k % 3; cases 0 to 2 have N = D = H = 1, the others random sizes."""
    n, d, h = sizes(rng, HIDDEN_STEP_SIZES, edge=case < len(ACTIVATIONS))
    return {**random_step(rng, n, d, h), "activation": ACTIVATIONS[case % len(ACTIVATIONS)]}


@hidden_inputs("rnn_step_backward", cases=3 * len(ACTIVATIONS))
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
            diagnose=step_forward_mistakes(inputs, activation, "next_h"),
        )

    return [
        Case(
            "matches the reference for every activation and shape",
            1,
            lambda: run_hidden_cases("rnn_step_forward", matches),
        )
    ]


def check_rnn_step_backward(rnn_step_backward, rnn_step_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_step_backward`` through the student's own forward cache."""
    name = "rnn_step_backward"
    if hidden:
        return grade(
            name,
            with_reference(
                "rnn", 1.5, lambda ref: _step_backward_hidden(rnn_step_backward, rnn_step_forward, ref)
            ),
            hidden=True,
        )

    def known_answers_match():
        for key, example in known_answers.examples_of("rnn", name).items():
            inputs, activation = {k: example[k] for k in STEP_INPUTS}, str(example["activation"])
            with failing_inputs(known_answer("rnn", name, key, example)):
                _, cache = step_forward(rnn_step_forward, inputs, activation)
                grads = step_backward(rnn_step_backward, example["dnext_h"], cache)
                assert_outputs_close(
                    name,
                    grads,
                    {k: example[k] for k in STEP_GRADIENTS},
                    hints=STEP_HINTS,
                    diagnose=step_backward_mistakes(inputs, activation, example["dnext_h"]),
                )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(7)
        for activation in ACTIVATIONS:
            inputs = random_step(rng, 3, 4, 5)
            dnext_h = rng.normal(size=(3, 5))
            assert_matches_centered_differences(
                name,
                forward=partial(step_forward, rnn_step_forward, activation=activation),
                forward_each=partial(step_forward_each, rnn_step_forward, activation=activation),
                backward=partial(step_backward, rnn_step_backward),
                inputs=inputs,
                upstream=(dnext_h,),
                hints=STEP_HINTS,
                activation=activation,
                diagnose=step_backward_mistakes(inputs, activation, dnext_h),
            )

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 1, known_answers_match, judges_values=True),
            Case(
                "every gradient matches centered differences of your rnn_step_forward",
                2,
                gradients_match_centered_differences,
                judges_values=True,
            ),
            purity_case(name),
        ],
    )


def _step_backward_hidden(rnn_step_backward, rnn_step_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation, dnext_h = (
            {k: example[k] for k in STEP_INPUTS},
            example["activation"],
            example["dnext_h"],
        )
        next_h, cache = step_forward(rnn_step_forward, inputs, activation)
        grads = step_backward(rnn_step_backward, dnext_h, cache)
        ref_next_h, ref_cache = ref.rnn_step_forward(**inputs, activation=activation)
        expected = dict(zip(STEP_GRADIENTS, ref.rnn_step_backward(dnext_h, ref_cache)))
        assert_outputs_close(
            "rnn_step_backward",
            grads,
            expected,
            hints=STEP_HINTS,
            diagnose=forward_first(
                "rnn_step_forward",
                next_h,
                ref_next_h,
                step_backward_mistakes(inputs, activation, dnext_h),
            ),
        )

    return [
        Case(
            "matches the reference for every activation and shape",
            1.5,
            lambda: run_hidden_cases("rnn_step_backward", matches),
        )
    ]
