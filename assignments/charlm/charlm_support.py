"""Provided helpers for the charlm notebook: the text, characters as numbers, and the simple RNN's forward pass.

Nothing here is graded. ``train_step``, which you write, calls ``one_hot``, ``log_softmax`` and
``rnn_forward`` from this module; the experiments of the notebook live in ``charlm_models.py``.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

TEXT_FILE = Path(__file__).resolve().parent / "data" / "pride_and_prejudice.txt"
"""Chapters 1 to 30 of Pride and Prejudice, one paragraph per line (see data/README.md)."""

SPLITS = {"training": (1, 24), "validation": (25, 27), "test": (28, 30)}
"""The chapters of each part of the text, first and last included."""

QUOTE = '"'


@dataclass(frozen=True)
class Corpus:
    """The text, its alphabet, and its three parts as arrays of character ids.

    Attributes:
        text: the whole text.
        alphabet: every character of the text, once each, sorted: character ``alphabet[i]`` has id ``i``.
        training, validation, test: the parts of the text (``SPLITS``), as int arrays of ids.
    """

    text: str
    alphabet: str
    training: np.ndarray
    validation: np.ndarray
    test: np.ndarray

    def encode(self, text: str) -> np.ndarray:
        """The ids of the characters of ``text`` (each must be in the alphabet)."""
        index = {c: i for i, c in enumerate(self.alphabet)}
        return np.array([index[c] for c in text], dtype=np.int64)

    def decode(self, ids) -> str:
        """The text the ids stand for."""
        return "".join(self.alphabet[i] for i in np.asarray(ids).ravel())


def load_corpus(path: Path = TEXT_FILE) -> Corpus:
    """Read the text and cut it into its training, validation and test chapters (``SPLITS``)."""
    text = Path(path).read_text(encoding="utf-8")
    alphabet = "".join(sorted(set(text)))
    starts = [i for i, line in enumerate(text.splitlines(keepends=True)) if line.startswith("Chapter ")]
    offsets = np.cumsum([0] + [len(line) for line in text.splitlines(keepends=True)])
    corpus = Corpus(text, alphabet, *(np.zeros(0, dtype=np.int64),) * 3)
    parts = {}
    for name, (first, last) in SPLITS.items():
        begin = 0 if first == 1 else offsets[starts[first - 1]]
        end = offsets[starts[last]] if last < len(starts) else len(text)
        parts[name] = corpus.encode(text[begin:end])
    return Corpus(text, alphabet, parts["training"], parts["validation"], parts["test"])


def one_hot(ids: np.ndarray, size: int) -> np.ndarray:
    """Float64 one-hot vectors: ``one_hot(ids, V)[..., k]`` is 1 where ``ids == k``. Shape ``ids.shape + (V,)``."""
    return (np.asarray(ids)[..., None] == np.arange(size)).astype(np.float64)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    r"""$\log \operatorname{softmax}$ over the last axis, without overflow: ``logits - logsumexp(logits)``."""
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def initial_weights(blocks: int, vocabulary: int, hidden: int, rng: np.random.Generator) -> dict:
    """Random weights of a character-level model whose cell has ``blocks`` blocks of H columns (RNN 1, GRU 3, LSTM 4).

    ``Wx (V, blocks*H)``, ``Wh (H, blocks*H)`` and the readout ``Wy (H, V)`` are normal with standard
    deviation 1/sqrt(H); the biases ``b (blocks*H,)`` and ``by (V,)`` are zero.
    """
    scale = 1 / np.sqrt(hidden)
    return {
        "Wx": rng.normal(scale=scale, size=(vocabulary, blocks * hidden)),
        "Wh": rng.normal(scale=scale, size=(hidden, blocks * hidden)),
        "b": np.zeros(blocks * hidden),
        "Wy": rng.normal(scale=scale, size=(hidden, vocabulary)),
        "by": np.zeros(vocabulary),
    }


def rnn_forward(x: np.ndarray, h0: np.ndarray, params: dict) -> tuple[np.ndarray, dict]:
    r"""The tanh RNN over a sequence: $h_t = \tanh(x_t W_x + h_{t-1} W_h + b)$, from $h_{-1}$ = ``h0``.

    Args:
        x: inputs, shape (N, T, D).
        h0: the state before the first step, shape (N, H).
        params: a dict holding ``Wx (D, H)``, ``Wh (H, H)`` and ``b (H,)`` (other entries are ignored).

    Returns:
        ``(h, cache)``: the states, shape (N, T, H), and the dict
        ``cache = {"x": x, "h0": h0, "h": h, "Wx": Wx, "Wh": Wh}``.
    """
    wx, wh, b = params["Wx"], params["Wh"], params["b"]
    inputs = x @ wx + b
    h = np.zeros((x.shape[0], x.shape[1], wh.shape[0]))
    state = h0
    for t in range(x.shape[1]):
        state = np.tanh(inputs[:, t] + state @ wh)
        h[:, t] = state
    return h, {"x": x, "h0": h0, "h": h, "Wx": wx, "Wh": wh}


def stream_batches(ids: np.ndarray, streams: int, length: int) -> np.ndarray:
    """One pass over ``ids``, read in ``streams`` parallel places, ``length`` characters at a time.

    The text is cut into ``streams`` equal spans, one per row. Batch ``k`` holds characters
    ``k*length`` to ``(k+1)*length`` of each span, both included: ``length + 1`` of them, the inputs and,
    shifted by one, the targets. So the last state a batch leaves is the state the next one starts from.

    Returns:
        An int array of shape (batches, streams, length + 1).
    """
    span = len(ids) // streams
    count = (span - 1) // length
    rows = np.asarray(ids)[: span * streams].reshape(streams, span)
    return np.stack([rows[:, k * length : (k + 1) * length + 1] for k in range(count)])


def inside_quotes(text: str) -> np.ndarray:
    """For every character: whether it is inside a quotation, counting the quotes of its paragraph so far.

    A paragraph is a line. A character is inside when an odd number of quotes precede it in its line
    or it is itself an opening quote; a closing quote is inside too.
    """
    inside = np.zeros(len(text), dtype=bool)
    state = False
    for i, c in enumerate(text):
        if c == "\n":
            state = False
        elif c == QUOTE:
            inside[i] = True
            state = not state
            continue
        inside[i] = state
    return inside
