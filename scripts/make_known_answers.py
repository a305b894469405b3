"""Write autograder/data/<assignment>.npz: fixed inputs and the reference outputs for them.

Run with `make known-answers` after changing a solution notebook, and commit the result. The
inputs come from fixed seeds; the outputs from the reference functions loaded out of the
solution notebook, so no expected number is ever typed in by hand.
"""

import argparse

import numpy as np

from autograder import known_answers
from autograder.reference import load_reference

ACTIVATIONS = ("tanh", "sigmoid", "relu")


def step_inputs(rng, n=2, d=3, h=4):
    return {
        "x": rng.normal(size=(n, d)),
        "prev_h": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=0.6, size=(d, h)),
        "Wh": rng.normal(scale=0.5, size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def sequence_inputs(rng, n=2, t=4, d=3, h=4):
    return {
        "x": rng.normal(size=(n, t, d)),
        "h0": rng.normal(size=(n, h)),
        "Wx": rng.normal(scale=0.6, size=(d, h)),
        "Wh": rng.normal(scale=0.5, size=(h, h)),
        "b": rng.normal(scale=0.5, size=h),
    }


def gradient_set(rng, scale):
    return {
        "Wx": rng.normal(scale=scale, size=(3, 4)),
        "Wh": rng.normal(scale=scale, size=(4, 4)),
        "b": rng.normal(scale=scale, size=4),
    }


def rnn_examples(ref) -> dict:
    rng = np.random.default_rng(2013)  # the year of Pascanu, Mikolov and Bengio
    examples = {}
    x = np.concatenate([np.linspace(-6, 6, 13), [-1000.0, -700.0, -40.0, 40.0, 700.0, 1000.0]])
    examples["sigmoid/values"] = {"x": x, "out": ref.sigmoid(x)}
    for activation in ACTIVATIONS:
        a = np.concatenate([np.linspace(-4, 4, 9), rng.normal(size=6)]).reshape(3, 5)
        examples[f"activation_derivative/{activation}"] = {
            "a": a,
            "out": ref.activation_derivative(a, activation),
        }

        inputs = step_inputs(rng)
        next_h, cache = ref.rnn_step_forward(**inputs, activation=activation)
        examples[f"rnn_step_forward/{activation}"] = {**inputs, "next_h": next_h}
        dnext_h = rng.normal(size=next_h.shape)
        grads = ref.rnn_step_backward(dnext_h, cache)
        examples[f"rnn_step_backward/{activation}"] = {
            **inputs,
            "dnext_h": dnext_h,
            **dict(zip(("dx", "dprev_h", "dWx", "dWh", "db"), grads)),
        }

        inputs = sequence_inputs(rng)
        h, cache = ref.rnn_forward(**inputs, activation=activation)
        examples[f"rnn_forward/{activation}"] = {**inputs, "h": h}
        dh = rng.normal(size=h.shape)
        grads = ref.rnn_backward(dh, cache)
        examples[f"rnn_backward/{activation}"] = {
            **inputs,
            "dh": dh,
            **dict(zip(("dx", "dh0", "dWx", "dWh", "db"), grads)),
        }

    for activation in ("tanh", "relu"):
        inputs = sequence_inputs(rng, t=6)
        _, cache = ref.rnn_forward(**inputs, activation=activation)
        dh_last = rng.normal(size=(2, 4))
        examples[f"bptt_gradient_norms/{activation}"] = {
            **inputs,
            "activation": np.str_(activation),
            "dh_last": dh_last,
            "norms": ref.bptt_gradient_norms(dh_last, cache),
        }

    for case, (scale, threshold) in {"above": (5.0, 2.0), "below": (0.1, 2.0)}.items():
        grads = gradient_set(rng, scale)
        prefix = lambda d, p: {f"{p}{k}": v for k, v in d.items()}  # noqa: E731
        examples[f"clip_by_value/{case}"] = {
            **prefix(grads, "grad_"),
            "threshold": np.float64(threshold / 2),
            **prefix(ref.clip_by_value(grads, threshold / 2), "out_"),
        }
        examples[f"clip_by_norm/{case}"] = {
            "grad": grads["Wh"],
            "threshold": np.float64(threshold),
            "out": ref.clip_by_norm(grads["Wh"], threshold),
        }
        clipped, global_norm = ref.clip_by_global_norm(grads, threshold)
        examples[f"clip_by_global_norm/{case}"] = {
            **prefix(grads, "grad_"),
            "threshold": np.float64(threshold),
            **prefix(clipped, "out_"),
            "global_norm": np.float64(global_norm),
        }
    return examples


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


def lstm_examples(ref) -> dict:
    """Known answers of the lstm assignment; ``*_ifgo`` entries are what gates in PyTorch's order give."""
    rng = np.random.default_rng(1997)  # the year of Hochreiter and Schmidhuber
    gate_names = ("i", "f", "o", "g")
    examples = {}
    a = np.concatenate([np.linspace(-6, 6, 12), [-1000.0, -700.0, -40.0, 40.0, 700.0, 1000.0]])
    a = np.concatenate([a, rng.normal(size=6)]).reshape(2, 12)
    examples["lstm_gates/values"] = {
        "a": a,
        **dict(zip(gate_names, ref.lstm_gates(a))),
        **{f"{k}_ifgo": v for k, v in zip(gate_names, ref.lstm_gates(pytorch_gate_order(a)))},
    }

    inputs = lstm_inputs(rng)
    next_h, next_c, cache = ref.lstm_step_forward(**inputs)
    swapped_h, swapped_c, swapped_cache = ref.lstm_step_forward(**in_pytorch_order(inputs))
    examples["lstm_step_forward/random"] = {
        **inputs,
        "next_h": next_h,
        "next_c": next_c,
        "next_h_ifgo": swapped_h,
        "next_c_ifgo": swapped_c,
    }
    dnext_h, dnext_c = rng.normal(size=next_h.shape), rng.normal(size=next_c.shape)
    step_gradients = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
    a = inputs["x"] @ inputs["Wx"] + inputs["prev_h"] @ inputs["Wh"] + inputs["b"]
    swapped = ref.lstm_step_backward(dnext_h, dnext_c, swapped_cache)
    examples["lstm_step_backward/random"] = {
        **inputs,
        "dnext_h": dnext_h,
        "dnext_c": dnext_c,
        **dict(zip(step_gradients, ref.lstm_step_backward(dnext_h, dnext_c, cache))),
        **{
            f"{k}_ifgo": pytorch_gate_order(v) if k[1:] in ("Wx", "Wh", "b") else v
            for k, v in zip(step_gradients, swapped)
        },
        **{f"gate_{k}": v for k, v in zip(gate_names, ref.lstm_gates(a))},
        "next_c": next_c,
    }

    inputs = lstm_inputs(rng, t=4)
    h, cache = ref.lstm_forward(**inputs)
    swapped_h, swapped_cache = ref.lstm_forward(**in_pytorch_order(inputs))
    examples["lstm_forward/random"] = {**inputs, "h": h, "h_ifgo": swapped_h}
    dh = rng.normal(size=h.shape)
    sequence_gradients = ("dx", "dh0", "dWx", "dWh", "db")
    swapped = ref.lstm_backward(dh, swapped_cache)
    examples["lstm_backward/random"] = {
        **inputs,
        "dh": dh,
        **dict(zip(sequence_gradients, ref.lstm_backward(dh, cache))),
        **{
            f"{k}_ifgo": pytorch_gate_order(v) if k[1:] in ("Wx", "Wh", "b") else v
            for k, v in zip(sequence_gradients, swapped)
        },
    }

    for case, forget_bias in {"forget bias 0": 0.0, "forget bias 2": 2.0}.items():
        inputs = lstm_inputs(rng, t=6)
        inputs["b"][3:6] += forget_bias
        _, cache = ref.lstm_forward(**inputs)
        dh_last = rng.normal(size=(2, 3))
        examples[f"cell_gradient_norms/{case}"] = {
            **inputs,
            "dh_last": dh_last,
            "norms": ref.cell_gradient_norms(dh_last, cache),
        }
    return examples


BUILDERS = {"rnn": rnn_examples, "lstm": lstm_examples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=sorted(BUILDERS))
    for assignment in parser.parse_args().assignments:
        path = known_answers.save(assignment, BUILDERS[assignment](load_reference(assignment)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
