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


BUILDERS = {"rnn": rnn_examples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", default=sorted(BUILDERS))
    for assignment in parser.parse_args().assignments:
        path = known_answers.save(assignment, BUILDERS[assignment](load_reference(assignment)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
