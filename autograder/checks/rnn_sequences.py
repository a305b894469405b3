"""Checks of ``rnn_forward``, ``rnn_backward`` and ``bptt_gradient_norms``."""

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
from autograder.checking.diagnoses import known_mistakes, published_mistakes
from autograder.checking.hidden_cases import edge_sizes, hidden_inputs, run_hidden_cases, sizes
from autograder.checking.judging import judge_each
from autograder.checking.property import Examples, property_case
from autograder.checking.purity_case import purity_case
from autograder.checking.shape_case import shape_case
from autograder.checking.strategies import rnn_sequences
from autograder.checks import rnn_laws as laws
from autograder.checks.activations import ACTIVATIONS, activation_of
from autograder.checks.diagnosing import mistakes_of
from autograder.checks.rnn_diagnoses import diagnose_later_steps, diagnose_norms, diagnose_rnn_backward
from autograder.checks.rnn_steps import LARGEST_PREACTIVATION

MISTAKES = mistakes_of("rnn")
SEQUENCE_INPUTS = ("x", "h0", "Wx", "Wh", "b")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")

SEQUENCE_HINTS = {
    "h": "h[:, t] = f(x[:, t] @ Wx + h[:, t-1] @ Wh + b), starting from h0 at t = 0.",
    "dx": "dx[:, t] comes from the step backward at t, fed with dh[:, t] + the gradient from step t+1.",
    "dh0": "dh0 is the dprev_h that flows out of step 0.",
    "dWx": "dWx is the sum over t of the per-step dWx.",
    "dWh": "dWh is the sum over t of the per-step dWh.",
    "db": "db is the sum over t of the per-step db.",
    "norms": "norms[t] is the Frobenius norm of dL/dh_t; norms[T-1] is the norm of dh_last itself.",
}


def random_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Random inputs of ``rnn_forward`` with weights scaled to keep the states unsaturated."""
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=1 / np.sqrt(d), size=(d, h)),
        "Wh": rng.normal(scale=1 / np.sqrt(h), size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def saturating_sequence(rng: np.random.Generator, n: int, t: int, d: int, h: int) -> dict:
    """Inputs of ``rnn_forward`` whose input terms ``x[:, t] @ Wx + b`` reach about ``LARGEST_PREACTIVATION``, of both signs."""
    inputs = random_sequence(rng, n, t, d, h)
    scale = LARGEST_PREACTIVATION / max(np.max(np.abs(inputs["x"] @ inputs["Wx"] + inputs["b"])), 1e-12)
    return {**inputs, "Wx": inputs["Wx"] * scale, "b": inputs["b"] * scale}


def inputs_of(example: dict) -> dict:
    """The arguments of ``rnn_forward`` (but ``activation``) in an example."""
    return {k: example[k] for k in SEQUENCE_INPUTS}


def sequence_forward(rnn_forward, inputs: dict, activation: str, **options) -> tuple:
    """Call the student's ``rnn_forward`` and check the shape of ``h``; return ``(h, cache)``."""
    return next(sequence_forward_each(rnn_forward, [inputs], activation, **options))


def sequence_forward_each(
    rnn_forward, points: list[dict], activation: str, *, keep: int | None = None, allow_warnings: bool = True
) -> Iterator[tuple]:
    """:func:`sequence_forward` of each set of inputs (all of the same shapes), in one round trip to a sandbox."""
    n, t, _ = points[0]["x"].shape
    return call_checked_each(
        rnn_forward,
        [{**inputs, "activation": activation} for inputs in points],
        name="rnn_forward",
        outputs=("h", "cache"),
        shapes={"h": (n, t, points[0]["Wh"].shape[0])},
        keep=keep,
        allow_warnings=allow_warnings,
    )


def sequence_backward(rnn_backward, dh, cache) -> dict:
    """Call the student's ``rnn_backward``; return its gradients by name."""
    result = call_checked(rnn_backward, dh, cache, name="rnn_backward", outputs=SEQUENCE_GRADIENTS)
    return dict(zip(SEQUENCE_GRADIENTS, result))


def gradient_norms(bptt_gradient_norms, dh_last, cache, steps: int) -> np.ndarray:
    """Call the student's ``bptt_gradient_norms`` and check that it returns shape (T,)."""
    norms = call(bptt_gradient_norms, dh_last, cache, name="bptt_gradient_norms")
    return check_array(norms, function="bptt_gradient_norms", output="norms", shape=(steps,))


EDGE_SEQUENCE_SIZES = edge_sizes((3, 4, 2, 3))
"""Sequence sizes (N, T, D, H) of the edges: all 1, then each size 1 in turn."""


def _sequence_edges(*, saturating: bool = False) -> tuple[dict, ...]:
    """A sequence of each edge size, the activations in turn."""
    rng = np.random.default_rng(1990)  # Elman, "Finding structure in time"
    make = saturating_sequence if saturating else random_sequence
    shapes = EDGE_SEQUENCE_SIZES + ([(3, 4, 2, 3)] * 2 if saturating else [])
    return tuple({**make(rng, *size), "activation": ACTIVATIONS[i % len(ACTIVATIONS)]} for i, size in enumerate(shapes))


SEQUENCES = Examples(rnn_sequences(), count=8, edges=_sequence_edges())
"""Inputs of the causality property of rnn_forward: every size 1 in turn among the edges."""
SATURATED_SEQUENCES = [
    (f"{e['activation']}, N, T, D, H = {(*e['x'].shape, e['Wh'].shape[0])}", e) for e in _sequence_edges(saturating=True)
]
"""Sequences whose pre-activations reach |a| = 1000, every size 1 in turn and every activation."""


def check_rnn_forward(rnn_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_forward``: known answers, the recurrence and causality, no overflow, purity, the reference."""
    name = "rnn_forward"
    if hidden:
        return grade(name, with_reference("rnn", 1.5, lambda ref: _forward_hidden(rnn_forward, ref)), hidden=True)

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            lambda _, example: {"h": sequence_forward(rnn_forward, inputs_of(example), str(example["activation"]))[0]},
            hints=SEQUENCE_HINTS,
            diagnosis=lambda _, example: published_mistakes(example, otherwise=diagnose_later_steps),
            part_of=activation_of,
        )

    def follows_the_recurrence(example, *, allow_warnings: bool = True):
        activation = example["activation"]

        h, _ = sequence_forward(rnn_forward, inputs_of(example), activation, allow_warnings=allow_warnings)
        previous = np.concatenate([example["h0"][:, None], h[:, :-1]], axis=1)
        a = example["x"] @ example["Wx"] + previous @ example["Wh"] + example["b"]
        with np.errstate(over="ignore"):
            squashed = {"tanh": np.tanh(a), "sigmoid": 0.5 * (1 + np.tanh(a / 2)), "relu": np.maximum(a, 0.0)}
        assert_outputs_close(
            name,
            {"h": h},
            {"h": squashed[activation]},
            hints=SEQUENCE_HINTS,
            diagnose=known_mistakes(
                *MISTAKES.sequence_forward_signatures(inputs_of(example), activation), otherwise=diagnose_later_steps
            ),
        )
        if allow_warnings:
            assert_causal(
                lambda points: (h for h, _ in sequence_forward_each(rnn_forward, points, activation, keep=1)),
                inputs_of(example),
                h,
                function=name,
            )

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 0.7, known_answers_match),
            property_case(
                "h[:, t] = f(x[:, t] @ Wx + h[:, t-1] @ Wh + b) of shape (N, T, H), depends only on x[:, :t+1], "
                "for every size (1 included)",
                1.2,
                SEQUENCES,
                follows_the_recurrence,
                fresh=True,
                part_of=activation_of,
            ),
            examples_case(
                "no overflow, nan or warning for pre-activations up to |a| = 1000",
                0.4,
                SATURATED_SEQUENCES,
                partial(follows_the_recurrence, allow_warnings=False),
                fresh=True,
                part_of=activation_of,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


HIDDEN_SEQUENCE_SIZES = (6, 12, 6, 7)
"""The largest N, T, D and H of a hidden sequence case."""
EDGE_SEQUENCES = len(edge_sizes(HIDDEN_SEQUENCE_SIZES))
HIDDEN_SEQUENCE_CASES = EDGE_SEQUENCES + 2 * len(ACTIVATIONS)


@hidden_inputs("rnn_forward", cases=HIDDEN_SEQUENCE_CASES)
def _sequence_case(rng: np.random.Generator, case: int, *, longest: int = 12) -> dict:
    """Case k uses activation k % 3: first every edge size, then a random size and a saturating sequence for each activation."""
    activation = ACTIVATIONS[case % len(ACTIVATIONS)]
    maxima = (6, longest, 6, 7)
    if case < EDGE_SEQUENCES:
        return {**random_sequence(rng, *edge_sizes(maxima)[case]), "activation": activation}
    make = saturating_sequence if case >= HIDDEN_SEQUENCE_CASES - len(ACTIVATIONS) else random_sequence
    return {**make(rng, *sizes(rng, maxima)), "activation": activation}


@hidden_inputs("rnn_backward", cases=HIDDEN_SEQUENCE_CASES)
def _backward_case(rng: np.random.Generator, case: int) -> dict:
    example = _sequence_case(rng, case)
    n, t, _ = example["x"].shape
    return {**example, "dh": rng.normal(size=(n, t, example["h0"].shape[1]))}


@hidden_inputs("bptt_gradient_norms", cases=HIDDEN_SEQUENCE_CASES)
def _norms_case(rng: np.random.Generator, case: int) -> dict:
    example = _sequence_case(rng, case, longest=25)
    return {**example, "dh_last": rng.normal(size=example["h0"].shape)}


def _forward_hidden(rnn_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation = inputs_of(example), example["activation"]
        got, _ = sequence_forward(rnn_forward, inputs, activation)
        expected, _ = ref.rnn_forward(**inputs, activation=activation)
        assert_outputs_close(
            "rnn_forward",
            {"h": got},
            {"h": expected},
            hints=SEQUENCE_HINTS,
            diagnose=known_mistakes(
                *MISTAKES.sequence_forward_signatures(inputs, activation), otherwise=diagnose_later_steps
            ),
        )

    return [
        Case(
            "matches the reference for every activation and shape, |a| up to 1000",
            1.5,
            lambda: run_hidden_cases("rnn_forward", matches, part_of=activation_of),
            fresh=True,
        )
    ]


GRADIENT_CHECK_SEQUENCES = ((2, 3, 2, 3),) * 3 + tuple(edge_sizes((2, 2, 2, 2))[:3])
"""The sizes (N, T, D, H) the gradient check of rnn_backward tries: one per activation, then all 1, N = 1 and T = 1
(the known answers and the hidden cases have D = 1 and H = 1 too)."""


def check_rnn_backward(rnn_backward, rnn_forward, *, hidden: bool = False) -> float:
    """Check ``rnn_backward`` (full BPTT) through the student's own ``rnn_forward`` cache."""
    name = "rnn_backward"
    if hidden:
        return grade(
            name,
            with_reference("rnn", 2.6, lambda ref: _backward_hidden(rnn_backward, rnn_forward, ref)),
            hidden=True,
        )

    def gradients_of(_key, example):
        _, cache = sequence_forward(rnn_forward, inputs_of(example), str(example["activation"]))
        return sequence_backward(rnn_backward, example["dh"], cache)

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            gradients_of,
            hints=SEQUENCE_HINTS,
            diagnosis=lambda *_: diagnose_rnn_backward,
            part_of=activation_of,
        )

    def gradients_match_centered_differences():
        rng = np.random.default_rng(8)
        examples = []
        for i, size in enumerate(GRADIENT_CHECK_SEQUENCES):
            activation = ACTIVATIONS[i % len(ACTIVATIONS)]
            dh = rng.normal(size=(size[0], size[1], size[3]))
            examples.append((f"{activation}, N, T, D, H = {size}", (random_sequence(rng, *size), activation, dh)))

        def matches(example):
            inputs, activation, dh = example
            assert_matches_centered_differences(
                name,
                forward=partial(sequence_forward, rnn_forward, activation=activation),
                forward_each=partial(sequence_forward_each, rnn_forward, activation=activation),
                backward=partial(sequence_backward, rnn_backward),
                inputs=inputs,
                upstream=(dh,),
                hints=SEQUENCE_HINTS,
                activation=activation,
                diagnose=diagnose_rnn_backward,
            )

        return judge_each(examples, matches, part_of=lambda example: example[1])

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 1.4, known_answers_match),
            Case(
                "every gradient matches centered differences of your rnn_forward, for every size",
                2.8,
                gradients_match_centered_differences,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _backward_hidden(rnn_backward, rnn_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation, dh = inputs_of(example), example["activation"], example["dh"]
        _, cache = sequence_forward(rnn_forward, inputs, activation)
        grads = sequence_backward(rnn_backward, dh, cache)
        _, ref_cache = ref.rnn_forward(**inputs, activation=activation)
        expected = dict(zip(SEQUENCE_GRADIENTS, ref.rnn_backward(dh, ref_cache)))
        assert_outputs_close(
            "rnn_backward", grads, expected, hints=SEQUENCE_HINTS, diagnose=diagnose_rnn_backward
        )

    return [
        Case(
            "matches the reference for every activation and shape",
            2.6,
            lambda: run_hidden_cases("rnn_backward", matches, part_of=activation_of),
            fresh=True,
        )
    ]


VANISHING = Examples(laws.vanishing_examples(), count=10)
"""Inputs of the vanishing law: weights with beta = gamma * sigma_max(Wh) < 1."""
EXPLODING = Examples(laws.exploding_examples(), count=10)
"""Inputs of the exploding law: ReLU, positive states, Wh = s * P."""


def check_bptt_gradient_norms(bptt_gradient_norms, rnn_forward, *, hidden: bool = False) -> float:
    """Check ``bptt_gradient_norms``: known answers, the vanishing and the exploding law."""
    name = "bptt_gradient_norms"
    if hidden:
        return grade(
            name,
            with_reference("rnn", 1.5, lambda ref: _norms_hidden(bptt_gradient_norms, rnn_forward, ref)),
            hidden=True,
        )

    def norms_for(example: dict) -> np.ndarray:
        inputs = inputs_of(example)
        _, cache = sequence_forward(rnn_forward, inputs, str(example["activation"]))
        return gradient_norms(bptt_gradient_norms, example["dh_last"], cache, inputs["x"].shape[1])

    def known_answers_match():
        return assert_known_answers(
            "rnn",
            name,
            known_answers.examples_of("rnn", name),
            lambda _, example: {"norms": norms_for(example)},
            hints=SEQUENCE_HINTS,
            diagnosis=lambda *_: diagnose_norms,
        )

    def anchored_norms(example: dict) -> np.ndarray:
        """The student's norms, failing unless norms[T-1] is the norm of dh_last itself.

        The laws compare every norm with norms[T-1]; without this anchor, norms that are all
        zero would satisfy them.
        """
        norms = norms_for(example)
        last = np.linalg.norm(example["dh_last"])
        if not np.isclose(norms[-1], last, rtol=1e-12, atol=0):
            raise CheckFailed(
                f"{name}: norms[T-1] is {norms[-1]:.10g}, but it must be the norm of dh_last, "
                f"{last:.10g}, taken before going back through any step.\nHint: {SEQUENCE_HINTS['norms']}"
            )
        return norms

    def vanishing(example):
        norms = anchored_norms(example)
        invertible = np.linalg.svd(example["Wh"], compute_uv=False).min() > 1e-6
        if len(norms) > 1 and invertible and not norms[-2] > 0 and np.any(example["dh_last"]):
            raise CheckFailed(
                f"{name}: norms[T-2] is {norms[-2]:g}, but one step back through an invertible Wh, "
                f"with f' > 0, keeps part of the gradient.\nHint: {SEQUENCE_HINTS['norms']}"
            )
        violation = laws.vanishing_violation(norms, example["rho"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {SEQUENCE_HINTS['norms']}")

    def exploding(example):
        violation = laws.exploding_violation(anchored_norms(example), example["scale"])
        if violation:
            raise CheckFailed(f"{name}: {violation}\nHint: {SEQUENCE_HINTS['norms']}")

    return grade(
        name,
        [
            Case("known answers for tanh, sigmoid and relu", 0.8, known_answers_match),
            property_case(
                "vanishing: norms[T-1-k] <= beta**k * norms[T-1] when beta = gamma * sigma_max(Wh) < 1",
                1.4,
                VANISHING,
                vanishing,
                fresh=True,
                part_of=activation_of,
            ),
            property_case(
                "exploding: norms[T-1-k] = s**k * norms[T-1] for ReLU, positive states, Wh = s * P",
                1.1,
                EXPLODING,
                exploding,
                fresh=True,
            ),
            shape_case(name),
            purity_case(name),
        ],
    )


def _norms_hidden(bptt_gradient_norms, rnn_forward, ref) -> list[Case]:
    def matches(example):
        inputs, activation, dh_last = inputs_of(example), example["activation"], example["dh_last"]
        _, cache = sequence_forward(rnn_forward, inputs, activation)
        got = gradient_norms(bptt_gradient_norms, dh_last, cache, inputs["x"].shape[1])
        _, ref_cache = ref.rnn_forward(**inputs, activation=activation)
        expected = ref.bptt_gradient_norms(dh_last, ref_cache)
        assert_outputs_close(
            "bptt_gradient_norms", {"norms": got}, {"norms": expected}, hints=SEQUENCE_HINTS, diagnose=diagnose_norms
        )

    return [
        Case(
            "matches the reference for every activation and length",
            1.5,
            lambda: run_hidden_cases("bptt_gradient_norms", matches),
            fresh=True,
        )
    ]
