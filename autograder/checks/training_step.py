"""Checks of ``train_step`` (charlm): one step of SGD on a batch of characters, with global-norm clipping.

What is graded about it is its loss, its gradient (through the update it makes), its clipping and
that it leaves its arguments alone; the gradient of the recurrence comes from the student's own
``rnn_backward_truncated``, whose mistakes the grader does not charge here (see
:mod:`autograder.checking.inheritance`).
"""

from collections.abc import Iterator

import numpy as np
from hypothesis import strategies as st

from autograder.checking import known_answers
from autograder.checking.blocks import (
    assert_known_answers,
    assert_matches_centered_differences,
    assert_outputs_close,
    call_checked_each,
    grade,
    with_reference,
)
from autograder.checking.case import Case, CheckFailed
from autograder.checking.compare import check_array
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import hidden_inputs, run_hidden_cases
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import floats
from autograder.checks.charlm_diagnoses import TRAINING_HINTS
from autograder.checks.diagnosing import mistakes_of

MISTAKES = mistakes_of("charlm")
NAME = "train_step"
PARAMETERS = ("Wx", "Wh", "b", "Wy", "by")
OUTPUTS = ("new_params", "h_last", "loss", "global_norm")
NO_CLIPPING = 1e12
"""A max_norm no gradient here reaches: the step is plain SGD."""


def random_step(rng: np.random.Generator, n: int, t: int, vocabulary: int, hidden: int) -> dict:
    """Random arguments of ``train_step`` (its params as ``param_<name>``): characters, weights, a state."""
    return {
        "param_Wx": rng.normal(size=(vocabulary, hidden)),
        "param_Wh": rng.normal(scale=0.8 / np.sqrt(hidden), size=(hidden, hidden)),
        "param_b": rng.normal(scale=0.3, size=hidden),
        "param_Wy": rng.normal(size=(hidden, vocabulary)),
        "param_by": rng.normal(scale=0.3, size=vocabulary),
        "batch": rng.integers(0, vocabulary, size=(n, t + 1)),
        "h0": rng.normal(scale=0.5, size=(n, hidden)),
    }


def params_of(example: dict) -> dict:
    """The ``params`` dict of an example."""
    return {name: example[f"param_{name}"] for name in PARAMETERS}


def steps_each(train_step, example: dict, settings: list[tuple], *, keep: int | None = None) -> Iterator[dict]:
    """The student's step for each ``(params, lr, max_norm, window)`` of ``settings``, as named outputs, in one round trip."""
    calls = [
        {"params": params, "batch": example["batch"], "h0": example["h0"], "lr": lr, "max_norm": max_norm, "window": window}
        for params, lr, max_norm, window in settings
    ]
    for new_params, h_last, loss, global_norm in call_checked_each(
        train_step, calls, name=NAME, outputs=OUTPUTS, keep=keep
    ):
        yield named_outputs(new_params, h_last, loss, global_norm, params_of_shape=calls[0]["params"],
                            state_shape=np.shape(example["h0"]), keep=keep)


def named_outputs(
    new_params, h_last, loss, global_norm, *, params_of_shape: dict, state_shape: tuple, keep: int | None
) -> dict:
    """The outputs of a step by name (``new_Wx``, ..., ``h_last``, ``loss``, ``global_norm``), shapes checked."""
    named = {}
    if keep is None or keep >= 1:
        if not isinstance(new_params, dict) or set(new_params) != set(PARAMETERS):
            raise CheckFailed(
                f"{NAME}: new_params must be a dict with the keys {', '.join(PARAMETERS)}, got "
                f"{type(new_params).__name__}{' with keys ' + ', '.join(map(str, new_params)) if isinstance(new_params, dict) else ''}."
            )
        for name in PARAMETERS:
            named[f"new_{name}"] = check_array(
                new_params[name], function=NAME, output=f"new_{name}", shape=params_of_shape[name].shape
            )
    if keep is None or keep >= 3:
        named["loss"] = check_array(loss, function=NAME, output="loss", shape=())
    if keep is None:
        named["h_last"] = check_array(h_last, function=NAME, output="h_last", shape=state_shape)
        named["global_norm"] = check_array(global_norm, function=NAME, output="global_norm", shape=())
    return named


def one_step(train_step, example: dict, lr: float, max_norm: float, window: int) -> dict:
    """The student's step on an example, as named outputs."""
    return next(steps_each(train_step, example, [(params_of(example), lr, max_norm, window)]))


@st.composite
def _clipping_examples(draw) -> dict:
    seed = draw(st.integers(0, 2**16))
    n, t = draw(st.integers(1, 3)), draw(st.integers(1, 6))
    example = random_step(np.random.default_rng(seed), n, t, draw(st.integers(2, 5)), draw(st.integers(1, 4)))
    return {
        **example,
        "lr": draw(floats(min_value=0.1, max_value=2.0)),
        "max_norm": draw(floats(min_value=0.01, max_value=3.0)),
        "window": draw(st.integers(1, t + 1)),
    }


CLIPPING = Examples(_clipping_examples(), count=8)
"""Steps with a learning rate, a threshold and a window: the clipping law."""


def check_train_step(train_step, *, hidden: bool = False) -> float:
    """Check ``train_step``: known answers, its update is -lr times the loss's gradient, clipping, purity, the reference.

    ``train_step`` calls the student's ``rnn_backward_truncated``: a failure that comes from it is
    not charged to ``train_step`` when graded (the reference stands in for it to tell).
    """
    if hidden:
        return grade(NAME, with_reference("charlm", 2.2, lambda ref: _hidden(train_step, ref)), hidden=True)

    def known_answers_match():
        return assert_known_answers(
            "charlm",
            NAME,
            known_answers.examples_of("charlm", NAME),
            lambda _, example: one_step(
                train_step, example, float(example["lr"]), float(example["max_norm"]), int(example["window"])
            ),
            hints=TRAINING_HINTS,
            diagnosis=lambda _, example: published_mistakes(example),
        )

    def update_is_the_gradient_of_the_loss():
        rng = np.random.default_rng(2013)
        examples = []
        for n, t, vocabulary, hidden in [(2, 4, 4, 3), (1, 3, 3, 2), (3, 1, 2, 1)]:
            example = random_step(rng, n, t, vocabulary, hidden)
            examples.append((f"N, T, V, H = {n}, {t}, {vocabulary}, {hidden}", example))

        def matches(example):
            steps = example["batch"].shape[1] - 1

            def forward_each(points, keep=None):
                settings = [(point, 1.0, NO_CLIPPING, steps) for point in points]
                for outputs in steps_each(train_step, example, settings, keep=3):
                    yield (np.asarray(outputs["loss"], dtype=float), None)

            def forward(point):
                outputs = one_step(train_step, {**example, **{f"param_{k}": v for k, v in point.items()}}, 1.0, NO_CLIPPING, steps)
                return np.asarray(outputs["loss"], dtype=float), {
                    f"d{name}": point[name] - outputs[f"new_{name}"] for name in PARAMETERS
                }

            assert_matches_centered_differences(
                NAME,
                forward=forward,
                forward_each=forward_each,
                backward=lambda upstream, update: {k: float(upstream) * v for k, v in update.items()},
                inputs=params_of(example),
                upstream=(np.array(1.0),),
                hints={f"d{name}": TRAINING_HINTS[f"new_{name}"] for name in PARAMETERS},
                diagnose=known_mistakes(*MISTAKES.train_step_gradient_signatures(example)),
            )

        return judge_each(examples, matches)

    def clips_by_the_global_norm(example):
        params = params_of(example)
        lr, max_norm, window = example["lr"], example["max_norm"], int(example["window"])
        free, clipped = steps_each(train_step, example, [(params, lr, NO_CLIPPING, window), (params, lr, max_norm, window)])
        norm = float(free["global_norm"])
        step = {name: params[name] - free[f"new_{name}"] for name in PARAMETERS}
        length = np.sqrt(sum(np.sum(s**2) for s in step.values()))
        if not np.isclose(length, lr * norm, rtol=1e-9, atol=1e-12):
            raise CheckFailed(
                f"{NAME}: without clipping the step's length is {length:.10g}, but lr * global_norm is "
                f"{lr * norm:.10g}: global_norm must be the norm of all five gradients together, before clipping."
                f"\nHint: {TRAINING_HINTS['global_norm']}"
            )
        factor = min(1.0, max_norm / norm) if norm > 0 else 1.0
        assert_outputs_close(
            NAME,
            clipped,
            {
                **{f"new_{name}": params[name] - factor * step[name] for name in PARAMETERS},
                "global_norm": np.float64(norm),
                "loss": np.asarray(free["loss"], dtype=float),
                "h_last": np.asarray(free["h_last"], dtype=float),
            },
            hints=TRAINING_HINTS,
            diagnose=known_mistakes(*MISTAKES.clipping_signatures(params, step, max_norm)),
        )

    return grade(
        NAME,
        [
            Case("known answers, clipped and not, windows T and shorter", 0.8, known_answers_match),
            Case(
                "without clipping and window T, params - new_params is the centered-difference gradient of your loss",
                1.0,
                update_is_the_gradient_of_the_loss,
                fresh=True,
            ),
            property_case(
                "clipping: the step without it has length lr * global_norm; with it, the same step times "
                "min(1, max_norm / global_norm), one factor for all five; loss, h_last and global_norm unchanged",
                0.8,
                CLIPPING,
                clips_by_the_global_norm,
            ),
            shape_case(NAME),
            purity_case(NAME),
        ],
    )


HIDDEN_CASES = 6


@hidden_inputs(NAME, cases=HIDDEN_CASES)
def _hidden_case(rng: np.random.Generator, case: int) -> dict:
    """N = 1, T = 1, H = 1, then random sizes; clipping acting in every other case; windows 1, shorter than T, T."""
    n, t, vocabulary, hidden = [(1, 5, 6, 4), (3, 1, 5, 3), (2, 4, 4, 1)][case] if case < 3 else (
        int(rng.integers(2, 5)), int(rng.integers(2, 9)), int(rng.integers(3, 9)), int(rng.integers(2, 7))
    )
    example = random_step(rng, n, t, vocabulary, hidden)
    window = (1, max(1, t // 2), t)[case % 3]
    return {**example, "lr": float(rng.uniform(0.1, 2.0)), "max_norm": (0.05, 100.0)[case % 2], "window": window}


def _hidden(train_step, ref) -> list[Case]:
    def matches(example):
        lr, max_norm, window = example["lr"], example["max_norm"], int(example["window"])
        got = one_step(train_step, example, lr, max_norm, window)
        new_params, h_last, loss, global_norm = ref.train_step(
            params_of(example), example["batch"], example["h0"], lr, max_norm, window
        )
        expected = {
            **{f"new_{name}": new_params[name] for name in PARAMETERS},
            "h_last": h_last,
            "loss": np.float64(loss),
            "global_norm": np.float64(global_norm),
        }
        assert_outputs_close(
            NAME, got, expected, hints=TRAINING_HINTS, diagnose=known_mistakes(*MISTAKES.train_step_signatures(example))
        )

    return [
        Case(
            "matches the reference for every shape, window and threshold",
            2.2,
            lambda: run_hidden_cases(NAME, matches),
            fresh=True,
        )
    ]
