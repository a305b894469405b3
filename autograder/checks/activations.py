"""Checks of ``sigmoid`` and ``activation_derivative``."""

import numpy as np
from hypothesis import strategies as st

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_outputs_close,
    expect_value_error,
    grade,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed, call
from autograder.checking.compare import LOGISTIC_ATOL, LOGISTIC_RTOL, assert_close, check_array
from autograder.checking.diagnoses import Diagnosis, known_mistakes
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases, sizes
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.strategies import array_shapes, float_arrays
from autograder.results import Mistake

ACTIVATIONS = ("tanh", "sigmoid", "relu")
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}
"""The largest value of each activation's derivative."""

DERIVATIVE_HINTS = {
    "tanh": "tanh'(a) = 1 - tanh(a)**2: a is the pre-activation, so apply tanh to it first.",
    "sigmoid": "sigmoid'(a) = s * (1 - s) with s = sigmoid(a), the pre-activation squashed first.",
    "relu": "relu'(a) is 1.0 where a > 0 and 0.0 elsewhere (also at a = 0), as floats.",
}


def _stable_sigmoid(a):
    """The logistic function, used to derive test expectations from its definition."""
    with np.errstate(over="ignore"):
        return np.exp(-np.logaddexp(0.0, -a))


ACTIVATION_FUNCTIONS = {"tanh": np.tanh, "sigmoid": _stable_sigmoid, "relu": lambda a: np.maximum(a, 0.0)}
"""The activations by definition: what a derivative is checked against numerically."""

ACTIVATION_SLOPES = {
    "tanh": lambda a: 1.0 - np.tanh(a) ** 2,
    "sigmoid": lambda a: _stable_sigmoid(a) * _stable_sigmoid(-a),
    "relu": lambda a: (a > 0).astype(np.float64),
}
"""The derivative of each activation, by definition: what common mistakes are computed from."""


SIGMOID_EXAMPLES = Examples(array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-1e3, max_value=1e3)))
"""Inputs of the sigmoid property: arrays of up to two dimensions, |x| <= 1e3."""


def check_sigmoid(sigmoid, *, hidden: bool = False) -> float:
    """Check ``sigmoid``: known answers, range and symmetry without overflow, the reference."""
    if hidden:
        return grade(
            "sigmoid", with_reference("rnn", 1, lambda ref: _sigmoid_hidden(sigmoid, ref)), hidden=True
        )

    def known_answers_match():
        for name, example in known_answers.examples_of("rnn", "sigmoid").items():
            got = call(sigmoid, example["x"], name="sigmoid")
            assert_close(
                got,
                example["out"],
                function="sigmoid",
                output=f"output ({name})",
                rtol=LOGISTIC_RTOL,
                atol=LOGISTIC_ATOL,
                hint="sigmoid(x) = 1 / (1 + exp(-x)).",
            )

    def stable_in_range(x):
        got = call(sigmoid, x, name="sigmoid", allow_warnings=False)
        got = check_array(got, function="sigmoid", output="output", shape=x.shape)
        if np.any(got < 0) or np.any(got > 1):
            raise CheckFailed("sigmoid returned values outside [0, 1].")
        mirrored = check_array(
            call(sigmoid, -x, name="sigmoid", allow_warnings=False),
            function="sigmoid",
            output="output",
            shape=x.shape,
        )
        if not np.allclose(got + mirrored, 1.0, rtol=0, atol=1e-12):
            raise CheckFailed("sigmoid(x) + sigmoid(-x) should be 1 for every x.")
        order = np.argsort(x, axis=None)
        if np.any(np.diff(got.flat[order]) < 0) or np.any(got[x >= 1e-6] <= 0.5):
            raise CheckFailed(
                "sigmoid must increase with x, from 0 to 1, and exceed 1/2 for every x > 0: "
                "sigmoid(x) = 1 / (1 + exp(-x))."
            )

    return grade(
        "sigmoid",
        [
            Case("known answers", 1, known_answers_match, judges_values=True),
            property_case(
                "values in [0, 1], increasing, sigmoid(x) + sigmoid(-x) = 1, no overflow for |x| <= 1e3",
                0.5,
                SIGMOID_EXAMPLES,
                stable_in_range,
                judges_values=True,
            ),
            purity_case("sigmoid"),
        ],
    )


SIGMOID_SCALES = (1.0, 10.0, 700.0)
"""The spread of x in the hidden cases of sigmoid: the middle, the tails, far beyond overflow."""


@hidden_inputs("sigmoid", cases=len(SIGMOID_SCALES))
def _sigmoid_case(rng: np.random.Generator, case: int) -> dict:
    shape = sizes(rng, (6,) * int(rng.integers(1, 4)))
    return {"x": rng.normal(scale=SIGMOID_SCALES[case], size=shape)}


def _sigmoid_hidden(sigmoid, ref) -> list[Case]:
    def matches(example):
        x = example["x"]
        assert_close(
            call(sigmoid, x, name="sigmoid"),
            ref.sigmoid(x),
            function="sigmoid",
            output="output",
            rtol=LOGISTIC_RTOL,
            atol=LOGISTIC_ATOL,
            hint="sigmoid(x) = 1 / (1 + exp(-x)), computed without exponentiating a positive number.",
        )

    return [Case("matches the reference on random inputs", 1, lambda: run_hidden_cases("sigmoid", matches))]


DERIVATIVE_EXAMPLES = Examples(
    st.tuples(
        st.sampled_from(ACTIVATIONS),
        array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-8, max_value=8)),
    )
)
"""Inputs of the derivative property: an activation and an array of pre-activations, |a| <= 8."""


def check_activation_derivative(activation_derivative, *, hidden: bool = False) -> float:
    """Check ``activation_derivative``: known answers, bounds and slopes, ValueError, the reference."""
    name = "activation_derivative"
    if hidden:
        return grade(
            name,
            with_reference("rnn", 1, lambda ref: _derivative_hidden(activation_derivative, ref)),
            hidden=True,
        )

    def known_answers_match():
        for activation in ACTIVATIONS:
            example = known_answers.examples_of("rnn", name)[activation]
            _derivative_matches(
                call(activation_derivative, example["a"], activation, name=name),
                example["out"],
                example["a"],
                activation,
            )

    def bounded_and_slope_of_f(example):
        activation, a = example
        got = check_array(
            call(activation_derivative, a, activation, name=name, allow_warnings=False),
            function=name,
            output=f"f'(a) for {activation!r}",
            shape=a.shape,
        )
        f, eps = ACTIVATION_FUNCTIONS[activation], 1e-5
        slope = (f(a + eps) - f(a - eps)) / (2 * eps)
        away_from_kink = np.abs(a) > 10 * eps
        if np.any(got < 0) or np.any(got > GAMMA[activation] + 1e-12):
            raise CheckFailed(f"{name}: f'(a) for {activation!r} must lie in [0, {GAMMA[activation]:g}].")
        if activation == "relu" and not np.all(np.isin(got, (0.0, 1.0))):
            raise CheckFailed(f"{name}: relu'(a) must be exactly 0 or 1.")
        if not np.allclose(got[away_from_kink], slope[away_from_kink], rtol=1e-5, atol=1e-8):
            index = np.argmax(np.abs(got - slope) * away_from_kink)
            output = f"f'(a) for {activation!r}"
            mistake = derivative_mistakes(a, activation, output)({output}, {output: got}, {})
            raise CheckFailed(
                f"{name}: for {activation!r}, f'(a) = {got.flat[index]:.8g} at a = {a.flat[index]:.8g}, "
                f"but the slope of {activation} there is {slope.flat[index]:.8g}.\n"
                + (f"Likely mistake: {mistake.text}\n" if mistake else "")
                + f"Hint: {DERIVATIVE_HINTS[activation]}",
                mistake=mistake,
            )

    def rejects_unknown_activation():
        expect_value_error(
            activation_derivative,
            np.zeros(3),
            "softmax",
            name=name,
            call_text=f"{name}(a, 'softmax')",
            valid_args=(np.zeros(3), "tanh"),
        )

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 0.5, known_answers_match, judges_values=True),
            property_case(
                "0 <= f'(a) <= gamma and f'(a) is the slope of f",
                0.5,
                DERIVATIVE_EXAMPLES,
                bounded_and_slope_of_f,
                judges_values=True,
            ),
            Case("an unknown activation raises ValueError", 0.5, rejects_unknown_activation),
            purity_case(name),
        ],
    )


@hidden_inputs("activation_derivative", cases=len(ACTIVATIONS))
def _derivative_case(rng: np.random.Generator, case: int) -> dict:
    return {"a": rng.normal(scale=3.0, size=sizes(rng, (6, 7))), "activation": ACTIVATIONS[case]}


def _derivative_hidden(activation_derivative, ref) -> list[Case]:
    def matches(example):
        a, activation = example["a"], example["activation"]
        _derivative_matches(
            call(activation_derivative, a, activation, name="activation_derivative"),
            ref.activation_derivative(a, activation),
            a,
            activation,
        )

    return [
        Case(
            "matches the reference for every activation",
            1,
            lambda: run_hidden_cases("activation_derivative", matches),
        )
    ]


def _derivative_matches(got, expected: np.ndarray, a: np.ndarray, activation: str) -> None:
    output = f"f'(a) for {activation!r}"
    assert_outputs_close(
        "activation_derivative",
        {output: got},
        {output: expected},
        hints={output: DERIVATIVE_HINTS[activation]},
        diagnose=derivative_mistakes(a, activation, output),
    )


def derivative_mistakes(a: np.ndarray, activation: str, output: str) -> Diagnosis:
    """Derivatives taken of the hidden state instead of the pre-activation, and relu'(0) = 1."""
    mistakes = {
        "tanh": (
            1.0 - a**2,
            Mistake(
                "derivative-of-the-hidden-state",
                "you computed 1 - a**2, treating the pre-activation a as if it were h = tanh(a). "
                "Apply tanh first: 1 - np.tanh(a)**2.",
            ),
        ),
        "sigmoid": (
            a * (1.0 - a),
            Mistake(
                "derivative-of-the-hidden-state",
                "you computed a * (1 - a), treating the pre-activation a as if it were s = sigmoid(a). "
                "Apply sigmoid first: s = sigmoid(a), then s * (1 - s).",
            ),
        ),
        "relu": (
            (a >= 0).astype(np.float64),
            Mistake("relu-slope-one-at-zero", "relu'(0) must be 0: use a > 0, not a >= 0."),
        ),
    }
    if activation not in mistakes or (activation == "relu" and not np.any(a == 0)):
        return known_mistakes()
    mistaken, explanation = mistakes[activation]
    return known_mistakes((output, mistaken, explanation))
