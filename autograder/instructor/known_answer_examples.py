"""The known-answer examples of every graded function: fixed inputs, the reference's outputs, mistakes' signatures.

``make known-answers`` (``scripts/make_known_answers.py``) writes them to
``autograder/data/<assignment>.npz``, calling the generators each assignment's description names
(:mod:`autograder.course`). The inputs come from fixed seeds; the outputs from the reference functions loaded out of the
solution notebook, so no expected number is ever typed in by hand. Each example also publishes
what the common mistakes make of its outputs (``autograder.mistakes``), so that a student's copy
of the checks names those mistakes without computing them.
"""

import numpy as np

from autograder.checking.diagnoses import published_signatures
from autograder.course import Assignment, resolve
from autograder.mistakes import charlm as charlm_mistakes
from autograder.mistakes import rnn as mistakes

ACTIVATIONS = ("tanh", "sigmoid", "relu")


def step_inputs(rng, n=2, d=3, h=4):
    """Random inputs of one RNN step of the given sizes."""
    return {
        "x": rng.normal(size=(n, d)),
        "prev_h": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=0.6, size=(d, h)),
        "Wh": rng.normal(scale=0.5, size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def sequence_inputs(rng, n=2, t=4, d=3, h=4):
    """Random inputs of an RNN over a sequence of the given sizes."""
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=0.6, size=(d, h)),
        "Wh": rng.normal(scale=0.5, size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def gradient_set(rng, scale):
    """A dict of gradients of an RNN's parameters, entries of the given scale."""
    return {
        "Wx": rng.normal(scale=scale, size=(3, 4)),
        "Wh": rng.normal(scale=scale, size=(4, 4)),
        "b": rng.normal(scale=scale, size=4),
    }


EDGE_STEPS = {"N=1": (1, 3, 4), "D=1": (2, 1, 4), "H=1": (2, 3, 1), "all sizes 1": (1, 1, 1)}
"""Step sizes (N, D, H) with one size, or all, equal to 1: where np.squeeze and broadcasting bite."""
EDGE_SEQUENCES = {
    "N=1": (1, 4, 3, 4),
    "T=1": (2, 1, 3, 4),
    "D=1": (2, 4, 1, 4),
    "H=1": (2, 4, 3, 1),
    "all sizes 1": (1, 1, 1, 1),
}
"""Sequence sizes (N, T, D, H) with one size, or all, equal to 1."""


def rnn_examples(ref) -> dict:
    """Known answers of the rnn assignment, with the signatures of its common mistakes."""
    rng = np.random.default_rng(2013)  # the year of Pascanu, Mikolov and Bengio
    examples = {}
    x = np.concatenate([np.linspace(-6, 6, 13), [-1000.0, -700.0, -40.0, 40.0, 700.0, 1000.0]])
    examples["sigmoid/values"] = {"x": x, "out": ref.sigmoid(x)}
    for activation in ACTIVATIONS:
        a = np.concatenate([np.linspace(-4, 4, 9), rng.normal(size=6)]).reshape(3, 5)
        examples[f"activation_derivative/{activation}"] = {
            "a": a,
            "out": ref.activation_derivative(a, activation),
            **published_signatures(mistakes.derivative_signatures(a, activation, f"f'(a) for {activation!r}")),
        }

        examples.update(rnn_step_examples(ref, rng, activation, activation))
        examples.update(rnn_sequence_examples(ref, rng, activation, activation))

    for activation in ("tanh", "relu"):
        examples[f"bptt_gradient_norms/{activation}"] = norms_example(ref, rng, activation, (2, 6, 3, 4))

    # No draws from rng here, so that the examples after these keep their inputs.
    walk = np.random.default_rng(1994)  # the year of Bengio, Simard and Frasconi
    curves = {
        "tanh curve": examples["bptt_gradient_norms/tanh"]["norms"],
        "relu curve": examples["bptt_gradient_norms/relu"]["norms"],
        "two norms": np.array([3.0, 1.5]),
        "random walk": np.exp(np.cumsum(walk.normal(scale=2.0, size=12))),
    }
    for case, norms in curves.items():
        examples[f"growth_factor/{case}"] = {
            "norms": norms,
            "factor": np.float64(ref.growth_factor(norms)),
            **published_signatures(mistakes.growth_factor_signatures(norms)),
        }

    for case, (scale, threshold) in {"above": (5.0, 2.0), "below": (0.1, 2.0)}.items():
        grads = gradient_set(rng, scale)
        prefix = lambda d, p: {f"{p}{k}": v for k, v in d.items()}  # noqa: E731
        examples[f"clip_by_value/{case}"] = {
            **prefix(grads, "grad_"),
            "threshold": np.float64(threshold / 2),
            **prefix(ref.clip_by_value(grads, threshold / 2), "out_"),
            **published_signatures(mistakes.clip_by_value_signatures(grads, threshold / 2)),
        }
        examples[f"clip_by_norm/{case}"] = {
            "grad": grads["Wh"],
            "threshold": np.float64(threshold),
            "out": ref.clip_by_norm(grads["Wh"], threshold),
            **published_signatures(mistakes.clip_by_norm_signatures(grads["Wh"], threshold, "the result")),
        }
        clipped, global_norm = ref.clip_by_global_norm(grads, threshold)
        examples[f"clip_by_global_norm/{case}"] = {
            **prefix(grads, "grad_"),
            "threshold": np.float64(threshold),
            **prefix(clipped, "out_"),
            "global_norm": np.float64(global_norm),
            **published_signatures(mistakes.clip_by_global_norm_signatures(grads, threshold)),
        }
    edges = np.random.default_rng(1)
    for number, (edge, sizes) in enumerate(EDGE_STEPS.items()):
        activation = ACTIVATIONS[number % len(ACTIVATIONS)]
        examples.update(rnn_step_examples(ref, edges, f"{activation} {edge}", activation, sizes))
    for number, (edge, sizes) in enumerate(EDGE_SEQUENCES.items()):
        activation = ACTIVATIONS[number % len(ACTIVATIONS)]
        examples.update(rnn_sequence_examples(ref, edges, f"{activation} {edge}", activation, sizes))
        examples[f"bptt_gradient_norms/{activation} {edge}"] = norms_example(ref, edges, activation, sizes)
    return examples


def rnn_step_examples(ref, rng, key: str, activation: str, sizes=(2, 3, 4)) -> dict:
    """The known answers of rnn_step_forward and rnn_step_backward on one step of the given sizes."""
    inputs = step_inputs(rng, *sizes)
    next_h, cache = ref.rnn_step_forward(**inputs, activation=activation)
    dnext_h = rng.normal(size=next_h.shape)
    grads = ref.rnn_step_backward(dnext_h, cache)
    return {
        f"rnn_step_forward/{key}": {
            **inputs,
            "activation": np.str_(activation),
            "next_h": next_h,
            **published_signatures(mistakes.step_forward_signatures(inputs, activation, "next_h")),
        },
        f"rnn_step_backward/{key}": {
            **inputs,
            "activation": np.str_(activation),
            "dnext_h": dnext_h,
            **dict(zip(("dx", "dprev_h", "dWx", "dWh", "db"), grads)),
            **published_signatures(mistakes.step_backward_signatures(inputs, activation, dnext_h)),
        },
    }


def rnn_sequence_examples(ref, rng, key: str, activation: str, sizes=(2, 4, 3, 4)) -> dict:
    """The known answers of rnn_forward and rnn_backward on one sequence of the given sizes."""
    inputs = sequence_inputs(rng, *sizes)
    h, cache = ref.rnn_forward(**inputs, activation=activation)
    dh = rng.normal(size=h.shape)
    grads = ref.rnn_backward(dh, cache)
    return {
        f"rnn_forward/{key}": {
            **inputs,
            "activation": np.str_(activation),
            "h": h,
            **published_signatures(mistakes.sequence_forward_signatures(inputs, activation)),
        },
        f"rnn_backward/{key}": {
            **inputs,
            "activation": np.str_(activation),
            "dh": dh,
            **dict(zip(("dx", "dh0", "dWx", "dWh", "db"), grads)),
        },
    }


def norms_example(ref, rng, activation: str, sizes) -> dict:
    """The known answer of bptt_gradient_norms on one sequence of the given sizes."""
    inputs = sequence_inputs(rng, *sizes)
    _, cache = ref.rnn_forward(**inputs, activation=activation)
    dh_last = rng.normal(size=inputs["h0"].shape)
    return {
        **inputs,
        "activation": np.str_(activation),
        "dh_last": dh_last,
        "norms": ref.bptt_gradient_norms(dh_last, cache),
    }


def pytorch_gate_order(array):
    """The same array with gate blocks 2 and 3 swapped: i, f, o, g <-> i, f, g, o (PyTorch)."""
    i, f, o, g = np.split(array, 4, axis=-1)
    return np.concatenate([i, f, g, o], axis=-1)


def lstm_inputs(rng, n=2, d=3, h=3, t=None):
    """LSTM inputs: one step (with prev_c) when ``t`` is None, else a sequence of length ``t``."""
    inputs = {"x": rng.normal(size=(n, d) if t is None else (n, t, d))}
    inputs["prev_h" if t is None else "h0"] = rng.normal(size=(n, h))
    if t is None:
        inputs["prev_c"] = rng.normal(size=(n, h))
    inputs["Wx"] = rng.normal(scale=0.6, size=(d, 4 * h))
    inputs["Wh"] = rng.normal(scale=0.5, size=(h, 4 * h))
    inputs["b"] = rng.normal(scale=0.5, size=4 * h)
    return inputs


def in_pytorch_order(inputs):
    """The inputs with every weight's gate blocks in PyTorch's order."""
    return {k: pytorch_gate_order(v) if k in ("Wx", "Wh", "b") else v for k, v in inputs.items()}


GATES = ("i", "f", "o", "g")
STEP_GRADIENTS = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
SEQUENCE_GRADIENTS = ("dx", "dh0", "dWx", "dWh", "db")


def lstm_examples(ref) -> dict:
    """Known answers of the lstm assignment; ``*_ifgo`` entries are what gates in PyTorch's order give."""
    rng = np.random.default_rng(1997)  # the year of Hochreiter and Schmidhuber
    examples = {}
    a = np.concatenate([np.linspace(-6, 6, 12), [-1000.0, -700.0, -40.0, 40.0, 700.0, 1000.0]])
    examples["lstm_gates/values"] = gates_example(ref, np.concatenate([a, rng.normal(size=6)]).reshape(2, 12))
    examples.update(lstm_step_examples(ref, rng, "random"))
    examples.update(lstm_sequence_examples(ref, rng, "random"))

    for case, forget_bias in {"forget bias 0": 0.0, "forget bias 2": 2.0}.items():
        examples[f"cell_gradient_norms/{case}"] = cell_norms_example(ref, rng, (2, 6, 3, 3), forget_bias)

    edges = np.random.default_rng(1)
    for edge, (n, _, h) in EDGE_STEPS.items():
        if edge != "D=1":
            examples[f"lstm_gates/{edge}"] = gates_example(ref, edges.normal(scale=3.0, size=(n, 4 * h)))
    for edge, sizes in EDGE_STEPS.items():
        examples.update(lstm_step_examples(ref, edges, edge, sizes))
    for edge, sizes in EDGE_SEQUENCES.items():
        examples.update(lstm_sequence_examples(ref, edges, edge, sizes))
        examples[f"cell_gradient_norms/{edge}"] = cell_norms_example(ref, edges, sizes, 1.0)
    return examples


def gates_example(ref, a) -> dict:
    """The known answer of lstm_gates for the pre-activation ``a``."""
    return {
        "a": a,
        **dict(zip(GATES, ref.lstm_gates(a))),
        **{f"{k}_ifgo": v for k, v in zip(GATES, ref.lstm_gates(pytorch_gate_order(a)))},
    }


def lstm_step_examples(ref, rng, key: str, sizes=(2, 3, 3)) -> dict:
    """The known answers of lstm_step_forward and lstm_step_backward on one step of the given sizes."""
    n, d, h = sizes
    inputs = lstm_inputs(rng, n, d, h)
    next_h, next_c, cache = ref.lstm_step_forward(**inputs)
    swapped_h, swapped_c, swapped_cache = ref.lstm_step_forward(**in_pytorch_order(inputs))
    dnext_h, dnext_c = rng.normal(size=next_h.shape), rng.normal(size=next_c.shape)
    a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
    swapped = ref.lstm_step_backward(dnext_h, dnext_c, swapped_cache)
    return {
        f"lstm_step_forward/{key}": {
            **inputs,
            "next_h": next_h,
            "next_c": next_c,
            "next_h_ifgo": swapped_h,
            "next_c_ifgo": swapped_c,
        },
        f"lstm_step_backward/{key}": {
            **inputs,
            "dnext_h": dnext_h,
            "dnext_c": dnext_c,
            **dict(zip(STEP_GRADIENTS, ref.lstm_step_backward(dnext_h, dnext_c, cache))),
            **{
                f"{k}_ifgo": pytorch_gate_order(v) if k[1:] in ("Wx", "Wh", "b") else v
                for k, v in zip(STEP_GRADIENTS, swapped)
            },
            **{f"gate_{k}": v for k, v in zip(GATES, ref.lstm_gates(a))},
            "next_c": next_c,
        },
    }


def lstm_sequence_examples(ref, rng, key: str, sizes=(2, 4, 3, 3)) -> dict:
    """The known answers of lstm_forward and lstm_backward on one sequence of the given sizes."""
    n, t, d, h = sizes
    inputs = lstm_inputs(rng, n, d, h, t=t)
    hidden, cache = ref.lstm_forward(**inputs)
    swapped_h, swapped_cache = ref.lstm_forward(**in_pytorch_order(inputs))
    dh = rng.normal(size=hidden.shape)
    swapped = ref.lstm_backward(dh, swapped_cache)
    return {
        f"lstm_forward/{key}": {**inputs, "h": hidden, "h_ifgo": swapped_h},
        f"lstm_backward/{key}": {
            **inputs,
            "dh": dh,
            **dict(zip(SEQUENCE_GRADIENTS, ref.lstm_backward(dh, cache))),
            **{
                f"{k}_ifgo": pytorch_gate_order(v) if k[1:] in ("Wx", "Wh", "b") else v
                for k, v in zip(SEQUENCE_GRADIENTS, swapped)
            },
        },
    }


def cell_norms_example(ref, rng, sizes, forget_bias: float) -> dict:
    """The known answer of cell_gradient_norms on one sequence, its forget biases raised by ``forget_bias``."""
    n, t, d, h = sizes
    inputs = lstm_inputs(rng, n, d, h, t=t)
    inputs["b"][h : 2 * h] += forget_bias
    _, cache = ref.lstm_forward(**inputs)
    dh_last = rng.normal(size=(n, h))
    return {**inputs, "dh_last": dh_last, "norms": ref.cell_gradient_norms(dh_last, cache)}


def gru_inputs(rng, n=2, d=3, h=3, t=None):
    """GRU inputs: one step when ``t`` is None, else a sequence of length ``t``."""
    inputs = {"x": rng.normal(size=(n, d) if t is None else (n, t, d))}
    inputs["prev_h" if t is None else "h0"] = rng.normal(size=(n, h))
    inputs["Wx"] = rng.normal(scale=0.6, size=(d, 3 * h))
    inputs["Wh"] = rng.normal(scale=0.5, size=(h, 3 * h))
    inputs["b"] = rng.normal(scale=0.5, size=3 * h)
    return inputs


GRU_STEP_GRADIENTS = ("dx", "dprev_h", "dWx", "dWh", "db")
TRUNCATION_WINDOWS = (1, 2, 3, 7, 10)
"""Windows of the truncation examples on a sequence of T = 7: every step cut, two cut patterns, T and beyond."""


def charlm_examples(ref) -> dict:
    """Known answers of the charlm assignment, with the signatures of its common mistakes."""
    rng = np.random.default_rng(2014)  # the year of Cho et al.
    examples = {}
    edges = np.random.default_rng(1)
    for key, sizes, generator in [("random", (2, 3, 3), rng), *((e, s, edges) for e, s in EDGE_STEPS.items())]:
        examples.update(gru_step_examples(ref, generator, key, sizes))
    for key, sizes, generator in [("random", (2, 4, 3, 3), rng), *((e, s, edges) for e, s in EDGE_SEQUENCES.items())]:
        examples.update(gru_sequence_examples(ref, generator, key, sizes))
    for window in TRUNCATION_WINDOWS:
        examples[f"rnn_backward_truncated/window {window}"] = truncation_example(ref, rng, (2, 7, 3, 4), window)
    for number, (edge, sizes) in enumerate(EDGE_SEQUENCES.items()):
        examples[f"rnn_backward_truncated/{edge}"] = truncation_example(ref, edges, sizes, 1 + number % 3)
    for key, (sizes, max_norm, window) in {
        "not clipped, window T": ((2, 6, 5, 3), 100.0, 6),
        "clipped, window 2": ((2, 6, 5, 3), 0.2, 2),
        "clipped, window T": ((3, 5, 4, 4), 0.05, 5),
        "N=1": ((1, 4, 5, 3), 0.5, 3),
        "T=1": ((2, 1, 5, 3), 0.5, 1),
        "H=1": ((2, 4, 5, 1), 0.5, 2),
    }.items():
        examples[f"train_step/{key}"] = train_step_example(ref, rng, sizes, max_norm, window)
    return examples


def gru_step_examples(ref, rng, key: str, sizes) -> dict:
    """The known answers of gru_step_forward and gru_step_backward on one step of the given sizes."""
    n, d, h = sizes
    inputs = gru_inputs(rng, n, d, h)
    next_h, cache = ref.gru_step_forward(**inputs)
    dnext_h = rng.normal(size=next_h.shape)
    return {
        f"gru_step_forward/{key}": {
            **inputs,
            "next_h": next_h,
            **published_signatures(charlm_mistakes.step_forward_signatures(inputs)),
        },
        f"gru_step_backward/{key}": {
            **inputs,
            "dnext_h": dnext_h,
            **dict(zip(GRU_STEP_GRADIENTS, ref.gru_step_backward(dnext_h, cache))),
            **published_signatures(charlm_mistakes.step_backward_signatures(inputs, dnext_h)),
        },
    }


def gru_sequence_examples(ref, rng, key: str, sizes) -> dict:
    """The known answers of gru_forward and gru_backward on one sequence of the given sizes."""
    n, t, d, h = sizes
    inputs = gru_inputs(rng, n, d, h, t=t)
    hidden, cache = ref.gru_forward(**inputs)
    dh = rng.normal(size=hidden.shape)
    return {
        f"gru_forward/{key}": {
            **inputs,
            "h": hidden,
            **published_signatures(charlm_mistakes.sequence_forward_signatures(inputs)),
        },
        f"gru_backward/{key}": {**inputs, "dh": dh, **dict(zip(SEQUENCE_GRADIENTS, ref.gru_backward(dh, cache)))},
    }


def truncation_example(ref, rng, sizes, window: int) -> dict:
    """The known answer of rnn_backward_truncated on one tanh-RNN sequence, the states ``h`` of its cache included."""
    sequence = sequence_inputs(rng, *sizes)
    h = charlm_mistakes.tanh_states(sequence)
    dh = rng.normal(size=h.shape)
    cache = {"x": sequence["x"], "h0": sequence["h0"], "h": h, "Wx": sequence["Wx"], "Wh": sequence["Wh"]}
    return {
        **sequence,
        "h": h,
        "dh": dh,
        "window": np.int64(window),
        **dict(zip(SEQUENCE_GRADIENTS, ref.rnn_backward_truncated(dh, cache, window))),
        **published_signatures(charlm_mistakes.truncation_signatures(sequence, dh, window)),
    }


def train_step_example(ref, rng, sizes, max_norm: float, window: int) -> dict:
    """The known answer of train_step on one batch: params as ``param_*``, new params as ``new_*``."""
    n, t, vocabulary, hidden = sizes
    example = {
        "param_Wx": rng.normal(size=(vocabulary, hidden)),
        "param_Wh": rng.normal(scale=0.8 / np.sqrt(hidden), size=(hidden, hidden)),
        "param_b": rng.normal(scale=0.3, size=hidden),
        "param_Wy": rng.normal(size=(hidden, vocabulary)),
        "param_by": rng.normal(scale=0.3, size=vocabulary),
        "batch": rng.integers(0, vocabulary, size=(n, t + 1)),
        "h0": rng.normal(scale=0.5, size=(n, hidden)),
        "lr": np.float64(0.7),
        "max_norm": np.float64(max_norm),
        "window": np.int64(window),
    }
    params = {k: example[f"param_{k}"] for k in ("Wx", "Wh", "b", "Wy", "by")}
    new_params, h_last, loss, global_norm = ref.train_step(params, example["batch"], example["h0"], 0.7, max_norm, window)
    return {
        **example,
        **{f"new_{k}": v for k, v in new_params.items()},
        "h_last": h_last,
        "loss": np.float64(loss),
        "global_norm": np.float64(global_norm),
        **published_signatures(charlm_mistakes.train_step_signatures(example)),
    }


def all_examples(assignment: Assignment, reference) -> dict[str, dict]:
    """Every known-answer example of ``assignment``, computed with ``reference``.

    The generator its description names comes first, then each function's own, in the order of the
    functions.
    """
    examples = dict(resolve(assignment.known_answers)(reference))
    for function in assignment.functions:
        if function.known_answers is not None:
            examples.update(resolve(function.known_answers)(reference))
    return examples
