"""Submissions that implement nothing: the published known answers looked up, the cheapest values elsewhere.

A student who implements nothing can still copy the known answers (they ship with the public
checks) into their notebook, return them when the checks ask for those inputs, return zeros, a
constant or their input otherwise, and validate arguments to earn the ValueError cases. These
answers do all of that for every function of an assignment; ``tests/checks/test_no_implementation_no_points.py``
grades them in isolation.
"""

import base64
import textwrap

from autograder.checking import known_answers

LOOKUP = '''
import base64 as _base64
import io as _io
import numpy as np

with np.load(_io.BytesIO(_base64.b64decode("{data}")), allow_pickle=False) as _archive:
    _EXAMPLES = {{}}
    for _key in _archive.files:
        _example, _name = _key.rsplit("/", 1)
        _EXAMPLES.setdefault(_example.split("/", 1)[0], {{}}).setdefault(_example, {{}})[_name] = _archive[_key]


def _same(a, b):
    try:
        return np.shape(a) == np.shape(b) and bool(np.array_equal(np.asarray(a), np.asarray(b)))
    except Exception:
        return False


def _lookup(function, inputs, outputs):
    """The published outputs of ``function`` for these inputs, or None."""
    for example in _EXAMPLES.get(function, {{}}).values():
        if all(name in example and _same(value, example[name]) for name, value in inputs.items()):
            return tuple(example[output] for output in outputs)
    return None


def _validated(activation):
    if activation not in ("tanh", "sigmoid", "relu"):
        raise ValueError(activation)
'''

RNN = {
    "sigmoid": """
        def sigmoid(x):
            found = _lookup("sigmoid", {"x": x}, ("out",))
            return found[0] if found else np.full(np.shape(x), 0.5)
    """,
    "activation_derivative": """
        def activation_derivative(a, activation):
            _validated(activation)
            found = _lookup("activation_derivative", {"a": a}, ("out",))
            return found[0] if found else np.zeros(np.shape(a))
    """,
    "rnn_step_forward": """
        def rnn_step_forward(x, prev_h, Wx, Wh, b, activation="tanh"):
            _validated(activation)
            inputs = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("rnn_step_forward", inputs, ("next_h",))
            return (found[0] if found else np.zeros(np.shape(prev_h))), inputs
    """,
    "rnn_step_backward": """
        def rnn_step_backward(dnext_h, cache):
            outputs = ("dx", "dprev_h", "dWx", "dWh", "db")
            found = _lookup("rnn_step_backward", {**cache, "dnext_h": dnext_h}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "prev_h", "Wx", "Wh", "b"))
    """,
    "rnn_forward": """
        def rnn_forward(x, h0, Wx, Wh, b, activation="tanh"):
            _validated(activation)
            inputs = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("rnn_forward", inputs, ("h",))
            return (found[0] if found else np.zeros((*np.shape(x)[:2], np.shape(h0)[1]))), inputs
    """,
    "rnn_backward": """
        def rnn_backward(dh, cache):
            outputs = ("dx", "dh0", "dWx", "dWh", "db")
            found = _lookup("rnn_backward", {**cache, "dh": dh}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "h0", "Wx", "Wh", "b"))
    """,
    "bptt_gradient_norms": """
        def bptt_gradient_norms(dh_last, cache):
            found = _lookup("bptt_gradient_norms", {**cache, "dh_last": dh_last}, ("norms",))
            if found:
                return found[0]
            norms = np.zeros(np.shape(cache["x"])[1])
            norms[-1] = np.linalg.norm(dh_last)
            return norms
    """,
    "growth_factor": """
        def growth_factor(norms):
            norms = np.asarray(norms, dtype=float)
            if len(norms) < 2 or not np.all(np.isfinite(norms)) or np.any(norms <= 0):
                raise ValueError("norms")
            found = _lookup("growth_factor", {"norms": norms}, ("factor",))
            return float(found[0]) if found else 1.0
    """,
    "clip_by_value": """
        def clip_by_value(grads, clip_value):
            if not clip_value > 0:
                raise ValueError(clip_value)
            inputs = {**{"grad_" + k: v for k, v in grads.items()}, "threshold": clip_value}
            found = _lookup("clip_by_value", inputs, tuple("out_" + k for k in grads))
            return dict(zip(grads, found)) if found else {k: np.zeros(np.shape(v)) for k, v in grads.items()}
    """,
    "clip_by_norm": """
        def clip_by_norm(grad, max_norm):
            if not max_norm > 0:
                raise ValueError(max_norm)
            found = _lookup("clip_by_norm", {"grad": grad, "threshold": max_norm}, ("out",))
            return found[0] if found else np.array(grad, dtype=float)
    """,
    "clip_by_global_norm": """
        def clip_by_global_norm(grads, max_norm):
            if not max_norm > 0:
                raise ValueError(max_norm)
            inputs = {**{"grad_" + k: v for k, v in grads.items()}, "threshold": max_norm}
            found = _lookup("clip_by_global_norm", inputs, (*("out_" + k for k in grads), "global_norm"))
            if found:
                return dict(zip(grads, found[:-1])), float(found[-1])
            return {k: np.array(v, dtype=float) for k, v in grads.items()}, 0.0
    """,
}

LSTM = {
    "lstm_gates": """
        def lstm_gates(a):
            found = _lookup("lstm_gates", {"a": a}, ("i", "f", "o", "g"))
            if found:
                return found
            zeros = np.zeros((np.shape(a)[0], np.shape(a)[1] // 4))
            return zeros + 0.5, zeros + 0.5, zeros + 0.5, zeros
    """,
    "lstm_step_forward": """
        def lstm_step_forward(x, prev_h, prev_c, Wx, Wh, b):
            inputs = {"x": x, "prev_h": prev_h, "prev_c": prev_c, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("lstm_step_forward", inputs, ("next_h", "next_c"))
            next_h, next_c = found if found else (np.zeros(np.shape(prev_h)), np.array(prev_c, dtype=float))
            return next_h, next_c, inputs
    """,
    "lstm_step_backward": """
        def lstm_step_backward(dnext_h, dnext_c, cache):
            outputs = ("dx", "dprev_h", "dprev_c", "dWx", "dWh", "db")
            found = _lookup("lstm_step_backward", {**cache, "dnext_h": dnext_h, "dnext_c": dnext_c}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "prev_h", "prev_c", "Wx", "Wh", "b"))
    """,
    "lstm_forward": """
        def lstm_forward(x, h0, Wx, Wh, b):
            inputs = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("lstm_forward", inputs, ("h",))
            return (found[0] if found else np.zeros((*np.shape(x)[:2], np.shape(h0)[1]))), inputs
    """,
    "lstm_backward": """
        def lstm_backward(dh, cache):
            outputs = ("dx", "dh0", "dWx", "dWh", "db")
            found = _lookup("lstm_backward", {**cache, "dh": dh}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "h0", "Wx", "Wh", "b"))
    """,
    "cell_gradient_norms": """
        def cell_gradient_norms(dh_last, cache):
            found = _lookup("cell_gradient_norms", {**cache, "dh_last": dh_last}, ("norms",))
            if found:
                return found[0]
            norms = np.zeros(np.shape(cache["x"])[1])
            norms[-1] = np.linalg.norm(dh_last)
            return norms
    """,
}

CHARLM = {
    "gru_step_forward": """
        def gru_step_forward(x, prev_h, Wx, Wh, b):
            inputs = {"x": x, "prev_h": prev_h, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("gru_step_forward", inputs, ("next_h",))
            return (found[0] if found else np.array(prev_h, dtype=float)), inputs
    """,
    "gru_step_backward": """
        def gru_step_backward(dnext_h, cache):
            outputs = ("dx", "dprev_h", "dWx", "dWh", "db")
            found = _lookup("gru_step_backward", {**cache, "dnext_h": dnext_h}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "prev_h", "Wx", "Wh", "b"))
    """,
    "gru_forward": """
        def gru_forward(x, h0, Wx, Wh, b):
            inputs = {"x": x, "h0": h0, "Wx": Wx, "Wh": Wh, "b": b}
            found = _lookup("gru_forward", inputs, ("h",))
            return (found[0] if found else np.zeros((*np.shape(x)[:2], np.shape(h0)[1]))), inputs
    """,
    "gru_backward": """
        def gru_backward(dh, cache):
            outputs = ("dx", "dh0", "dWx", "dWh", "db")
            found = _lookup("gru_backward", {**cache, "dh": dh}, outputs)
            return found or tuple(np.zeros(np.shape(cache[k])) for k in ("x", "h0", "Wx", "Wh", "b"))
    """,
    "rnn_backward_truncated": """
        def rnn_backward_truncated(dh, cache, window):
            if window < 1:
                raise ValueError(window)
            outputs = ("dx", "dh0", "dWx", "dWh", "db")
            found = _lookup("rnn_backward_truncated", {**cache, "dh": dh, "window": window}, outputs)
            hidden = np.shape(cache["Wh"])[0]
            return found or (*(np.zeros(np.shape(cache[k])) for k in ("x", "h0", "Wx", "Wh")), np.zeros(hidden))
    """,
    "train_step": """
        def train_step(params, batch, h0, lr, max_norm, window):
            inputs = {**{"param_" + k: v for k, v in params.items()}, "batch": batch, "h0": h0, "lr": lr,
                      "max_norm": max_norm, "window": window}
            outputs = (*("new_" + k for k in params), "h_last", "loss", "global_norm")
            found = _lookup("train_step", inputs, outputs)
            if found:
                return dict(zip(params, found[: len(params)])), found[-3], float(found[-2]), float(found[-1])
            new_params = {k: np.array(v, dtype=float) for k, v in params.items()}
            return new_params, np.array(h0, dtype=float), float(np.log(np.shape(params["Wy"])[1])), 0.0
    """,
}

FUNCTIONS = {"rnn": RNN, "lstm": LSTM, "charlm": CHARLM}


def answers(assignment: str) -> dict[str, str]:
    """The answer cells of a submission of ``assignment`` that implements nothing, by grade id.

    The first answer cell also holds the published known answers, embedded as the student would
    copy them, and the lookup every other cell uses.
    """
    data = base64.b64encode(known_answers.data_path(assignment).read_bytes()).decode("ascii")
    functions = FUNCTIONS[assignment]
    first = next(iter(functions))
    return {
        name: (LOOKUP.format(data=data) if name == first else "") + textwrap.dedent(source)
        for name, source in functions.items()
    }
