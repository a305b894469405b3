"""Check of ``growth_factor``: the measured per-step factor of a gradient-norm curve.

The factor is the geometric mean of the ratios ``norms[t] / norms[t+1]`` over the ``T - 1`` steps
back from ``t = T-1`` to ``t = 0``, which telescopes to ``(norms[0] / norms[T-1]) ** (1 / (T-1))``.
The laws: a geometric curve ``c * r**(T-1-t)`` gives ``r``; scaling every norm by the same
positive number changes nothing; norms from 1e-300 to 1e300 give a finite answer without a warning
(only logarithms keep such ratios in range); a curve shorter than 2, or with an entry that is not
positive and finite, raises ValueError.
"""

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
from autograder.checking.case import Case, CheckFailed, call
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checks.diagnosing import mistakes_of

NAME = "growth_factor"
HINT = "the factor is (norms[0] / norms[T-1]) ** (1 / (T-1)); compute it as exp((log n_0 - log n_{T-1}) / (T-1))."
RTOL = 1e-9
MISTAKES = mistakes_of("rnn")


def student_factor(growth_factor, norms: np.ndarray, *, allow_warnings: bool = True) -> float:
    """Call the student's ``growth_factor`` and check that it returns one finite float."""
    result = call(growth_factor, norms, name=NAME, allow_warnings=allow_warnings)
    if isinstance(result, np.ndarray) and result.shape == ():
        result = result[()]
    if isinstance(result, (bool, np.bool_)) or not isinstance(result, (float, np.floating)):
        raise CheckFailed(f"{NAME} should return a float, got {type(result).__name__}.")
    if not np.isfinite(result):
        raise CheckFailed(f"{NAME} returned {result} for positive, finite norms; it must be finite.")
    return float(result)


GEOMETRIC_CURVES = Examples(st.tuples(st.integers(2, 60), st.floats(0.05, 20.0), st.floats(1e-6, 1e6)))
"""Inputs of the geometric property: T, the factor r and the scale c."""
EXTREME_CURVES = Examples(
    st.tuples(
        st.integers(2, 50),
        st.sampled_from([(1e-300, 1e300), (1e300, 1e-300), (1e-300, 1.0), (1e250, 1e-250)]),
    ).map(lambda e: np.geomspace(e[1][0], e[1][1], e[0])),
    count=5,
)
"""Inputs of the extreme-range property: geometric norms between 1e-300 and 1e300."""


def check_growth_factor(growth_factor, *, hidden: bool = False) -> float:
    """Check ``growth_factor``: known answers, the geometric law, the range, ValueError, the reference."""
    if hidden:
        return grade(NAME, with_reference("rnn", 0.8, lambda ref: _hidden(growth_factor, ref)), hidden=True)

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            NAME,
            known_answers.examples_of("rnn", NAME),
            lambda _, example: {"factor": np.asarray(student_factor(growth_factor, example["norms"]))},
            hints={"factor": HINT},
            diagnosis=lambda _, example: published_mistakes(example),
            rtol=RTOL,
            atol=0,
        )

    def geometric_and_scale_free(example):
        steps, ratio, scale = example
        norms = scale * ratio ** np.arange(steps - 1, -1, -1.0)
        got = student_factor(growth_factor, norms)
        if not np.isclose(got, ratio, rtol=1e-9, atol=0):
            mistake = known_mistakes(*MISTAKES.growth_factor_signatures(norms))({"factor"}, {"factor": got}, {"factor": ratio})
            raise CheckFailed(
                f"{NAME}: for norms[t] = {scale:.6g} * {ratio:.6g} ** (T-1-t), T = {steps}, the factor "
                f"per step back is {ratio:.10g}, got {got:.10g}.\n"
                + (f"Likely mistake: {mistake.text}\n" if mistake else "")
                + f"Hint: {HINT}",
                mistake=mistake,
            )
        rescaled = student_factor(growth_factor, norms * 1e3)
        if not np.isclose(rescaled, got, rtol=1e-9, atol=0):
            raise CheckFailed(
                f"{NAME}: multiplying every norm by 1000 changed the factor from {got:.10g} to "
                f"{rescaled:.10g}; a factor per step depends only on ratios of norms."
            )

    def extreme_range(curve):
        advice = "The ratio of the two ends is out of float64's range here: take logarithms first."
        try:
            got = student_factor(growth_factor, curve, allow_warnings=False)
        except CheckFailed as failure:
            raise failure.amended(advice) from None
        expected = float(np.exp((np.log(curve[0]) - np.log(curve[-1])) / (len(curve) - 1)))
        if not np.isclose(got, expected, rtol=1e-9, atol=0):
            raise CheckFailed(
                f"{NAME}: for norms from {curve[0]:.3g} to {curve[-1]:.3g} the factor is {expected:.10g}, "
                f"got {got:.10g}. {advice}\nHint: {HINT}"
            )

    def rejects_invalid():
        valid = np.array([1.0, 0.5, 0.25])
        for bad, text in [
            (np.array([2.0]), "growth_factor(np.array([2.0]))"),
            (np.array([1.0, 0.0, 0.25]), "growth_factor(np.array([1.0, 0.0, 0.25]))"),
            (np.array([1.0, -0.5, 0.25]), "growth_factor(np.array([1.0, -0.5, 0.25]))"),
            (np.array([1.0, np.nan, 0.25]), "growth_factor(np.array([1.0, nan, 0.25]))"),
        ]:
            expect_value_error(growth_factor, bad, name=NAME, call_text=text, valid_args=(valid,))

    return grade(
        NAME,
        [
            Case("known answers", 0.5, known_answers_match),
            property_case(
                "norms[t] = c * r**(T-1-t) gives r, for any c > 0",
                0.9,
                GEOMETRIC_CURVES,
                geometric_and_scale_free,
                fresh=True,
            ),
            property_case(
                "norms from 1e-300 to 1e300: a finite factor, no warning",
                0.5,
                EXTREME_CURVES,
                extreme_range,
                fresh=True,
            ),
            Case("fewer than 2 norms, or a norm <= 0 or NaN, raises ValueError", 0.1, rejects_invalid),
            shape_case(NAME),
            purity_case(NAME),
        ],
    )


HIDDEN_CURVES = tuple((steps, spread) for steps in (2, 3, 17, 60, 200) for spread in (0.1, 1.0, 30.0))
"""The hidden curves: their length, and the spread of their log-ratios (up to 30 nepers a step)."""


@hidden_inputs(NAME, cases=len(HIDDEN_CURVES))
def _curve(rng: np.random.Generator, case: int) -> dict:
    steps, spread = HIDDEN_CURVES[case]
    return {"norms": np.exp(np.clip(np.cumsum(rng.normal(scale=spread, size=steps)), -650, 650))}


def _hidden(growth_factor, ref) -> list[Case]:
    def matches(example):
        norms = example["norms"]
        assert_outputs_close(
            NAME,
            {"factor": student_factor(growth_factor, norms)},
            {"factor": ref.growth_factor(norms)},
            hints={"factor": HINT},
            diagnose=known_mistakes(*MISTAKES.growth_factor_signatures(norms)),
            rtol=RTOL,
            atol=0,
        )

    return [
        Case(
            "matches the reference on random curves of length 2 to 200",
            0.8,
            lambda: run_hidden_cases(NAME, matches),
            fresh=True,
        )
    ]
