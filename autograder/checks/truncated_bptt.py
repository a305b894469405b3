r"""Checks of ``rnn_backward_truncated`` (charlm): truncated BPTT for the tanh RNN.

The function reads the cache of the provided ``charlm_support.rnn_forward``, a dict
``{"x", "h0", "h", "Wx", "Wh"}``; the checks build that cache themselves from the states of the
recurrence $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$.
"""

import numpy as np
from hypothesis import strategies as st

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_known_answers,
    assert_matches_centered_differences,
    assert_outputs_close,
    call_checked,
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
from autograder.checking.strategies import dimensions, float_arrays
from autograder.checks.charlm_diagnoses import TRUNCATION_HINTS, diagnose_truncated
from autograder.checks.diagnosing import mistakes_of

MISTAKES = mistakes_of("charlm")
NAME = "rnn_backward_truncated"
GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")
SEQUENCE_INPUTS = ("x", "h0", "Wx", "Wh", "b")


def random_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Random inputs of the tanh RNN, its recurrent weights of spectral radius about 0.9."""
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(scale=0.5, size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, h)),
        "Wh": rng.normal(scale=0.9 / np.sqrt(h), size=(h, h)),
        "b": rng.normal(scale=0.3, size=h),
    }


def _forward(sequence: dict) -> tuple[np.ndarray, dict]:
    """The states of the tanh RNN for ``sequence`` and the cache ``rnn_forward`` returns for them."""
    h = np.zeros(sequence["x"].shape[:2] + sequence["h0"].shape[1:])
    state = sequence["h0"]
    for t in range(h.shape[1]):
        state = np.tanh(sequence["x"][:, t] @ sequence["Wx"] + state @ sequence["Wh"] + sequence["b"])
        h[:, t] = state
    keys = ("x", "h0", "Wx", "Wh")
    return h, {**{k: sequence[k] for k in keys}, "h": h}


def truncated(rnn_backward_truncated, dh, cache, window) -> dict:
    """Call the student's function; return its gradients by name."""
    result = call_checked(rnn_backward_truncated, dh, cache, window, name=NAME, outputs=GRADIENTS)
    return dict(zip(GRADIENTS, result))


@st.composite
def _sequences_with_windows(draw, *, max_steps: int = 9, max_size: int = 3) -> dict:
    n, t, d, h = (draw(dimensions(max_size=m)) for m in (max_size, max_steps, max_size, max_size))
    return {
        "x": draw(float_arrays((n, t, d))),
        "h0": draw(float_arrays((n, h), min_value=-1, max_value=1)),
        "Wx": draw(float_arrays((d, h), min_value=-1, max_value=1)),
        "Wh": draw(float_arrays((h, h), min_value=-0.8, max_value=0.8)),
        "b": draw(float_arrays((h,), min_value=-1, max_value=1)),
        "dh": draw(float_arrays((n, t, h))),
        "window": draw(st.integers(1, t + 2)),
    }


def _window_edges() -> tuple[dict, ...]:
    rng = np.random.default_rng(1990)  # Elman; truncated BPTT: Williams and Peng, 1990
    found = []
    for (n, t, d, h), window in zip(edge_sizes((2, 7, 2, 3)), (1, 3, 2, 2, 3)):
        sequence = random_sequence(rng, n, t, d, h)
        found.append({**sequence, "dh": rng.normal(size=(n, t, h)), "window": window})
    return tuple(found)


CHUNKED = Examples(_sequences_with_windows(), count=10, edges=_window_edges())
"""Sequences with a window in 1..T+2: the law of chunks, every size 1 in turn among the edges."""


def check_rnn_backward_truncated(rnn_backward_truncated, *, hidden: bool = False) -> float:
    """Check ``rnn_backward_truncated``: known answers, full BPTT for window >= T, chunks, window 1, ValueError, the reference."""
    if hidden:
        return grade(
            NAME, with_reference("charlm", 2.1, lambda ref: _hidden(rnn_backward_truncated, ref)), hidden=True
        )

    def known_answers_match():
        def gradients(_, example):
            _, cache = _forward({k: example[k] for k in SEQUENCE_INPUTS})
            return truncated(rnn_backward_truncated, example["dh"], cache, int(example["window"]))

        return assert_known_answers(
            "charlm",
            NAME,
            known_answers.examples_of("charlm", NAME),
            gradients,
            hints=TRUNCATION_HINTS,
            diagnosis=lambda _, example: published_mistakes(example, otherwise=diagnose_truncated(int(example["window"]))),
        )

    def full_window_matches_centered_differences():
        rng = np.random.default_rng(1986)  # Rumelhart, Hinton and Williams
        examples = []
        for n, t, d, h in [(2, 5, 3, 2), (1, 4, 2, 3), *edge_sizes((2, 2, 2, 2))[2:]]:
            extra = int(rng.integers(0, 3))
            sequence = random_sequence(rng, n, t, d, h)
            examples.append((f"N, T, D, H = {n}, {t}, {d}, {h}, window = T + {extra}", (sequence, rng.normal(size=(n, t, h)), t + extra)))

        def matches(example):
            sequence, dh, window = example
            assert_matches_centered_differences(
                NAME,
                forward=_forward,
                backward=lambda upstream, cache: truncated(rnn_backward_truncated, upstream, cache, window),
                inputs=sequence,
                upstream=(dh,),
                hints=TRUNCATION_HINTS,
                diagnose=diagnose_truncated(window),
            )

        return judge_each(examples, matches)

    def equals_the_windows_one_after_the_other(example):
        sequence = {k: example[k] for k in SEQUENCE_INPUTS}
        h, cache = _forward(sequence)
        window, dh = int(example["window"]), example["dh"]
        got = truncated(rnn_backward_truncated, dh, cache, window)
        expected = {"dx": [], "dWx": 0.0, "dWh": 0.0, "db": 0.0}
        for start in range(0, h.shape[1], window):
            piece = slice(start, start + window)
            first = sequence["h0"] if start == 0 else h[:, start - 1]
            part = {**cache, "x": sequence["x"][:, piece], "h0": first, "h": h[:, piece]}
            grads = truncated(rnn_backward_truncated, dh[:, piece], part, h.shape[1])
            expected["dx"].append(grads["dx"])
            expected["dh0"] = expected.get("dh0", grads["dh0"])
            for name in ("dWx", "dWh", "db"):
                expected[name] = expected[name] + np.asarray(grads[name], dtype=float)
        expected["dx"] = np.concatenate([np.asarray(x, dtype=float) for x in expected["dx"]], axis=1)
        assert_outputs_close(
            NAME,
            got,
            expected,
            hints=TRUNCATION_HINTS,
            diagnose=known_mistakes(*MISTAKES.truncation_signatures(sequence, dh, window), otherwise=diagnose_truncated(window)),
        )

    def window_one_keeps_each_steps_own_gradient(example):
        sequence = {k: example[k] for k in SEQUENCE_INPUTS}
        h, cache = _forward(sequence)
        dh = example["dh"]
        got = truncated(rnn_backward_truncated, dh, cache, 1)
        da = dh * (1 - h**2)
        previous = np.concatenate([sequence["h0"][:, None], h[:, :-1]], axis=1)
        expected = {
            "dx": da @ sequence["Wx"].T,
            "dh0": da[:, 0] @ sequence["Wh"].T,
            "dWx": np.einsum("ntd,nth->dh", sequence["x"], da),
            "dWh": np.einsum("ntk,nth->kh", previous, da),
            "db": da.sum(axis=(0, 1)),
        }
        assert_outputs_close(
            NAME,
            got,
            expected,
            hints=TRUNCATION_HINTS,
            diagnose=known_mistakes(*MISTAKES.truncation_signatures(sequence, dh, 1), otherwise=diagnose_truncated(1)),
        )

    def rejects_a_window_below_one():
        rng = np.random.default_rng(0)
        sequence = random_sequence(rng, 2, 3, 2, 2)
        _, cache = _forward(sequence)
        dh = rng.normal(size=(2, 3, 2))
        expect_value_error(
            rnn_backward_truncated, dh, cache, 0, name=NAME, call_text=f"{NAME}(dh, cache, 0)", valid_args=(dh, cache, 1)
        )

    return grade(
        NAME,
        [
            Case("known answers for windows 1, 2, 3, T and beyond", 1.2, known_answers_match),
            Case(
                "with window >= T every gradient matches centered differences of the RNN: full BPTT",
                1.6,
                full_window_matches_centered_differences,
                fresh=True,
            ),
            property_case(
                "window k gives the gradients of the windows 0:k, k:2k, ... each started from the state the one "
                "before left, added up (dx side by side, dh0 from the first)",
                1.2,
                CHUNKED,
                equals_the_windows_one_after_the_other,
            ),
            property_case(
                "window 1 keeps only each step's own gradient: da_t = dh[:, t] * (1 - h_t**2)",
                0.6,
                CHUNKED,
                window_one_keeps_each_steps_own_gradient,
                fresh=True,
            ),
            Case("raises ValueError for window < 1", 0.1, rejects_a_window_below_one),
            shape_case(NAME),
            purity_case(NAME),
        ],
    )


HIDDEN_SIZES = (6, 12, 6, 7)
EDGE_CASES = len(edge_sizes(HIDDEN_SIZES))
HIDDEN_CASES = EDGE_CASES + 4


@hidden_inputs(NAME, cases=HIDDEN_CASES)
def _hidden_case(rng: np.random.Generator, case: int) -> dict:
    """Every edge size first, then random sizes; windows 1, one below T that does not divide it, T, and beyond T in turn."""
    n, t, d, h = edge_sizes(HIDDEN_SIZES)[case] if case < EDGE_CASES else sizes(rng, HIDDEN_SIZES)
    uneven = [k for k in range(2, t) if t % k] or [1]
    window = (1, int(rng.choice(uneven)), t, t + int(rng.integers(1, 4)))[case % 4]
    return {**random_sequence(rng, n, t, d, h), "dh": rng.normal(size=(n, t, h)), "window": window}


def _hidden(rnn_backward_truncated, ref) -> list[Case]:
    def matches(example):
        sequence = {k: example[k] for k in SEQUENCE_INPUTS}
        window, dh = int(example["window"]), example["dh"]
        _, cache = _forward(sequence)
        got = truncated(rnn_backward_truncated, dh, cache, window)
        expected = dict(zip(GRADIENTS, ref.rnn_backward_truncated(dh, {k: v.copy() for k, v in cache.items()}, window)))
        assert_outputs_close(
            NAME,
            got,
            expected,
            hints=TRUNCATION_HINTS,
            diagnose=known_mistakes(*MISTAKES.truncation_signatures(sequence, dh, window), otherwise=diagnose_truncated(window)),
        )

    return [
        Case(
            "matches the reference for every shape and window",
            2.1,
            lambda: run_hidden_cases(NAME, matches),
            fresh=True,
        )
    ]

