"""Checks of ``sigmoid`` and ``activation_derivative``."""

import numpy as np
from hypothesis import strategies as st

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_known_answers,
    assert_outputs_close,
    expect_value_error,
    grade,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed, call, call_each
from autograder.checking.compare import LOGISTIC_ATOL, LOGISTIC_RTOL, check_array
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, signed_spread
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import array_shapes, float_arrays
from autograder.checks.diagnosing import mistakes_of

ACTIVATIONS = ("tanh", "sigmoid", "relu")
GAMMA = {"tanh": 1.0, "sigmoid": 0.25, "relu": 1.0}
"""The largest value of each activation's derivative."""

DERIVATIVE_HINTS = {
    "tanh": "tanh'(a) = 1 - tanh(a)**2: a is the pre-activation, so apply tanh to it first.",
    "sigmoid": "sigmoid'(a) = s * (1 - s) with s = sigmoid(a), the pre-activation squashed first.",
    "relu": "relu'(a) is 1.0 where a > 0 and 0.0 elsewhere (also at a = 0), as floats.",
}
SIGMOID_HINT = "sigmoid(x) = 1 / (1 + exp(-x)), computed without exponentiating a positive number."
MISTAKES = mistakes_of("rnn")
SLOPE_STEP = 1e-6
"""The step of the centered differences that measure a slope."""


def activation_of(example) -> str:
    """The activation an example is about: the part of a case it belongs to."""
    return str(example["activation"] if isinstance(example, dict) else example[0])


def _sigmoid_edges() -> tuple[np.ndarray, ...]:
    return (np.array([0.0]), np.array([[-37.0, -1e-300, 0.0, 1e-300, 37.0]]), np.array([-1e3, -745.0, 709.0, 1e3]))


SIGMOID_VALUES = Examples(
    array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-30, max_value=30)), edges=_sigmoid_edges()[:2]
)
"""Inputs of the sigmoid's values: arrays of up to two dimensions, |x| <= 30, 0 among them."""
SIGMOID_EXTREMES = Examples(
    array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-1e3, max_value=1e3)), edges=_sigmoid_edges()
)
"""Inputs of the sigmoid's stability: |x| up to 1e3, beyond where exp overflows."""


def check_sigmoid(sigmoid, *, hidden: bool = False) -> float:
    """Check ``sigmoid``: known answers, the logistic's equation, no overflow, the reference."""
    name = "sigmoid"
    if hidden:
        return grade(name, with_reference("rnn", 0.5, lambda ref: _sigmoid_hidden(sigmoid, ref)), hidden=True)

    def values(x, *, allow_warnings: bool) -> np.ndarray:
        return check_array(
            call(sigmoid, x, name=name, allow_warnings=allow_warnings), function=name, output="output", shape=x.shape
        )

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            lambda _, example: {"out": values(example["x"], allow_warnings=True)},
            hints={"out": "sigmoid(x) = 1 / (1 + exp(-x))."},
            rtol=LOGISTIC_RTOL,
            atol=LOGISTIC_ATOL,
        )

    def logistic(x, *, allow_warnings: bool = True):
        """sigmoid(0) = 1/2, sigmoid(x) + sigmoid(-x) = 1 and sigmoid' = sigmoid * (1 - sigmoid), by centered differences."""
        points = [x, -x, x + SLOPE_STEP, x - SLOPE_STEP]
        s, mirrored, above, below = (
            check_array(value, function=name, output="output", shape=x.shape)
            for value in call_each(sigmoid, [((p,), {}) for p in points], name=name, allow_warnings=allow_warnings)
        )
        if np.any(s < 0) or np.any(s > 1):
            raise CheckFailed(f"{name} returned values outside [0, 1].\nHint: {SIGMOID_HINT}")
        if not np.allclose(s + mirrored, 1.0, rtol=0, atol=1e-12):
            raise CheckFailed(f"{name}: sigmoid(x) + sigmoid(-x) should be 1 for every x.\nHint: {SIGMOID_HINT}")
        if np.any(s[x == 0] != 0.5):
            raise CheckFailed(f"{name}: sigmoid(0) should be exactly 1/2.\nHint: {SIGMOID_HINT}")
        slope = (above - below) / (2 * SLOPE_STEP)
        if not np.allclose(slope, s * (1 - s), rtol=0, atol=1e-7):
            index = np.argmax(np.abs(slope - s * (1 - s)))
            raise CheckFailed(
                f"{name}: at x = {x.flat[index]:.8g} your sigmoid is {s.flat[index]:.8g} and rises with slope "
                f"{slope.flat[index]:.8g}, but the logistic rises with slope sigmoid * (1 - sigmoid) = "
                f"{(s * (1 - s)).flat[index]:.8g} there.\nHint: {SIGMOID_HINT}"
            )

    return grade(
        name,
        [
            Case("known answers", 0.4, known_answers_match),
            property_case(
                "sigmoid(0) = 1/2, sigmoid(x) + sigmoid(-x) = 1, sigmoid' = sigmoid * (1 - sigmoid), for |x| <= 30",
                0.45,
                SIGMOID_VALUES,
                logistic,
                fresh=True,
            ),
            property_case(
                "the same with no overflow and no warning for |x| up to 1e3",
                0.45,
                SIGMOID_EXTREMES,
                lambda x: logistic(x, allow_warnings=False),
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


SIGMOID_SCALES = (1.0, 10.0, 700.0)
"""The spread of x in the hidden cases of sigmoid: the middle, the tails, far beyond overflow."""


@hidden_inputs("sigmoid", cases=2 * len(SIGMOID_SCALES))
def _sigmoid_case(rng: np.random.Generator, case: int) -> dict:
    """Cases 0 to 2: a single entry, a row, a column; then larger arrays; each scale twice."""
    shape = ((1,), (1, 5), (5, 1))[case] if case < 3 else tuple(int(n) for n in rng.integers(2, 7, size=case - 1))
    return {"x": signed_spread(rng, shape, SIGMOID_SCALES[case % len(SIGMOID_SCALES)])}


def _sigmoid_hidden(sigmoid, ref) -> list[Case]:
    def matches(example):
        x = example["x"]
        got = check_array(call(sigmoid, x, name="sigmoid"), function="sigmoid", output="output", shape=x.shape)
        assert_outputs_close(
            "sigmoid", {"output": got}, {"output": ref.sigmoid(x)}, hints={"output": SIGMOID_HINT},
            rtol=LOGISTIC_RTOL, atol=LOGISTIC_ATOL,
        )

    return [Case("matches the reference on random inputs", 0.5, lambda: run_hidden_cases("sigmoid", matches), fresh=True)]


def _derivative_edges() -> tuple:
    rng = np.random.default_rng(1991)  # Hochreiter's diploma thesis
    edges = [("relu", np.array([0.0])), ("tanh", np.array([[0.0, -8.0, 8.0]])), ("sigmoid", np.array([[-8.0], [0.0], [8.0]]))]
    return tuple(edges) + tuple((activation, signed_spread(rng, (2, 3), 3.0)) for activation in ACTIVATIONS)


DERIVATIVE_EXAMPLES = Examples(
    st.tuples(
        st.sampled_from(ACTIVATIONS),
        array_shapes(max_dims=2).flatmap(lambda s: float_arrays(s, min_value=-8, max_value=8)),
    ),
    edges=_derivative_edges(),
)
"""Inputs of the derivative property: an activation and an array of pre-activations, |a| <= 8, 0 among them."""


def check_activation_derivative(activation_derivative, *, hidden: bool = False) -> float:
    """Check ``activation_derivative``: known answers, bounds and slopes, ValueError, the reference."""
    name = "activation_derivative"
    if hidden:
        return grade(
            name, with_reference("rnn", 0.6, lambda ref: _derivative_hidden(activation_derivative, ref)), hidden=True
        )

    def known_answers_match():
        examples = known_answers.examples_of("rnn", name)
        return assert_known_answers(
            "rnn",
            name,
            {activation: {**examples[activation], "activation": activation} for activation in ACTIVATIONS},
            lambda activation, example: {
                f"f'(a) for {activation!r}": call(activation_derivative, example["a"], activation, name=name)
            },
            hints={f"f'(a) for {activation!r}": DERIVATIVE_HINTS[activation] for activation in ACTIVATIONS},
            desired=lambda activation, example: {f"f'(a) for {activation!r}": example["out"]},
            diagnosis=lambda _, example: published_mistakes(example),
            part_of=activation_of,
        )

    def bounded_and_slope_of_f(example):
        activation, a = example
        output = f"f'(a) for {activation!r}"
        got = check_array(
            call(activation_derivative, a, activation, name=name, allow_warnings=False),
            function=name,
            output=output,
            shape=a.shape,
        )
        with np.errstate(over="ignore"):
            f = {"tanh": np.tanh, "sigmoid": lambda v: 0.5 * (1 + np.tanh(v / 2)), "relu": lambda v: np.maximum(v, 0.0)}[
                activation
            ]
            slope = (f(a + SLOPE_STEP) - f(a - SLOPE_STEP)) / (2 * SLOPE_STEP)
        away_from_kink = np.abs(a) > 10 * SLOPE_STEP
        if np.any(got < 0) or np.any(got > GAMMA[activation] + 1e-12):
            raise CheckFailed(f"{name}: f'(a) for {activation!r} must lie in [0, {GAMMA[activation]:g}].")
        if activation == "relu" and not np.all(np.isin(got, (0.0, 1.0))):
            raise CheckFailed(f"{name}: relu'(a) must be exactly 0 or 1.")
        if activation == "relu" and np.any(got[a == 0] != 0):
            raise CheckFailed(f"{name}: relu'(0) must be 0 (use a > 0, not a >= 0).")
        if not np.allclose(got[away_from_kink], slope[away_from_kink], rtol=1e-5, atol=1e-8):
            index = np.argmax(np.abs(got - slope) * away_from_kink)
            mistake = known_mistakes(*MISTAKES.derivative_signatures(a, activation, output))({output}, {output: got}, {})
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
            Case("known answers for tanh, sigmoid and relu", 0.4, known_answers_match),
            property_case(
                "0 <= f'(a) <= gamma, f'(a) is the slope of f, relu'(0) = 0",
                0.7,
                DERIVATIVE_EXAMPLES,
                bounded_and_slope_of_f,
                fresh=True,
                part_of=activation_of,
            ),
            Case("an unknown activation raises ValueError", 0.1, rejects_unknown_activation),
            shape_case(name),
            purity_case(name),
        ],
    )


@hidden_inputs("activation_derivative", cases=3 * len(ACTIVATIONS))
def _derivative_case(rng: np.random.Generator, case: int) -> dict:
    """Case k uses activation k % 3: first the edge sizes (a single entry, a row), then larger arrays; 0 and both signs in each."""
    shape = edge_sizes((5, 6))[case] if case < 3 else tuple(int(n) for n in rng.integers(2, 7, size=2))
    return {"a": signed_spread(rng, shape, 3.0), "activation": ACTIVATIONS[case % len(ACTIVATIONS)]}


def _derivative_hidden(activation_derivative, ref) -> list[Case]:
    def matches(example):
        a, activation = example["a"], example["activation"]
        output = f"f'(a) for {activation!r}"
        assert_outputs_close(
            "activation_derivative",
            {output: call(activation_derivative, a, activation, name="activation_derivative")},
            {output: ref.activation_derivative(a, activation)},
            hints={output: DERIVATIVE_HINTS[activation]},
            diagnose=known_mistakes(*MISTAKES.derivative_signatures(a, activation, output)),
        )

    return [
        Case(
            "matches the reference for every activation",
            0.6,
            lambda: run_hidden_cases("activation_derivative", matches, part_of=activation_of),
            fresh=True,
        )
    ]
