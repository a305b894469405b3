"""Character-level language models for the charlm notebook's experiments: the three cells, training, reading, sampling.

Nothing here is graded. A model is a recurrent cell under a shared softmax readout. The GRU runs
on your ``gru_forward`` and ``gru_backward``, the simple RNN on the provided ``rnn_forward`` and your
``rnn_backward_truncated``, which the functions here receive as arguments. The LSTM is provided here
(you wrote one in the lstm assignment), with its cell state carried from one batch to the next.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from charlm_support import Corpus, initial_weights, inside_quotes, log_softmax, one_hot, rnn_forward, stream_batches

PUNCTUATION = ".,;:!?"
"""The characters after which a closing quote can come (``,"`` and ``."`` and ``?"`` ...)."""


@dataclass(frozen=True)
class Cell:
    """A recurrent cell: how many blocks of H columns its weights have, and its forward and backward passes.

    Attributes:
        name: ``"rnn"``, ``"gru"`` or ``"lstm"``.
        blocks: 1, 3 or 4: ``Wx`` is (V, blocks*H), ``Wh`` is (H, blocks*H), ``b`` is (blocks*H,).
        forward: ``forward(x, state, weights) -> (h, last_state, cache)``, ``h`` of shape (N, T, H).
        backward: ``backward(dh, cache) -> {"Wx", "Wh", "b"}``: the gradients within this sequence only.
    """

    name: str
    blocks: int
    forward: Callable
    backward: Callable

    def zero_state(self, n: int, hidden: int):
        """The state a stream starts from: zeros (h, and for the LSTM the cell c too)."""
        zeros = np.zeros((n, hidden))
        return (zeros, zeros) if self.name == "lstm" else zeros


def rnn_cell(rnn_backward_truncated: Callable) -> Cell:
    """The tanh RNN: the provided ``rnn_forward``, and your truncated BPTT with a window as long as the sequence."""

    def forward(x, state, weights):
        h, cache = rnn_forward(x, state, weights)
        return h, h[:, -1], cache

    def backward(dh, cache):
        _, _, dwx, dwh, db = rnn_backward_truncated(dh, cache, dh.shape[1])
        return {"Wx": dwx, "Wh": dwh, "b": db}

    return Cell("rnn", 1, forward, backward)


def gru_cell(gru_forward: Callable, gru_backward: Callable) -> Cell:
    """The GRU of your ``gru_forward`` and ``gru_backward``."""

    def forward(x, state, weights):
        h, cache = gru_forward(x, state, weights["Wx"], weights["Wh"], weights["b"])
        return h, h[:, -1], cache

    def backward(dh, cache):
        _, _, dwx, dwh, db = gru_backward(dh, cache)
        return {"Wx": dwx, "Wh": dwh, "b": db}

    return Cell("gru", 3, forward, backward)


def _lstm_forward(x, state, weights):
    """The LSTM (gate order i, f, o, g) from the state ``(h, c)``; returns the last ``(h, c)`` too."""
    h_prev, c_prev = state
    hidden = h_prev.shape[1]
    inputs = x @ weights["Wx"] + weights["b"]
    steps = []
    h = np.zeros((x.shape[0], x.shape[1], hidden))
    for t in range(x.shape[1]):
        a = inputs[:, t] + h_prev @ weights["Wh"]
        gates = np.exp(-np.logaddexp(0.0, -a[:, : 3 * hidden]))
        i, f, o = gates[:, :hidden], gates[:, hidden : 2 * hidden], gates[:, 2 * hidden :]
        g = np.tanh(a[:, 3 * hidden :])
        c = f * c_prev + i * g
        tanh_c = np.tanh(c)
        steps.append((h_prev, c_prev, i, f, o, g, tanh_c))
        h_prev, c_prev = o * tanh_c, c
        h[:, t] = h_prev
    return h, (h_prev, c_prev), (x, weights, steps)


def _lstm_backward(dh, cache):
    x, weights, steps = cache
    dwh = np.zeros_like(weights["Wh"])
    da_all = np.zeros(dh.shape[:2] + (weights["Wh"].shape[1],))
    dh_next, dc_next = np.zeros(dh.shape[::2]), np.zeros(dh.shape[::2])
    for t in reversed(range(dh.shape[1])):
        h_prev, c_prev, i, f, o, g, tanh_c = steps[t]
        dh_t = dh[:, t] + dh_next
        dc = dc_next + dh_t * o * (1.0 - tanh_c**2)
        gates = [dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dh_t * tanh_c * o * (1 - o), dc * i * (1 - g**2)]
        da_all[:, t] = np.concatenate(gates, axis=1)
        dwh += h_prev.T @ da_all[:, t]
        dh_next, dc_next = da_all[:, t] @ weights["Wh"].T, dc * f
    flat = da_all.reshape(-1, da_all.shape[2])
    return {"Wx": x.reshape(-1, x.shape[2]).T @ flat, "Wh": dwh, "b": flat.sum(axis=0)}


def lstm_cell() -> Cell:
    """The provided LSTM, gate order i, f, o, g, with forget-gate bias +1 at initialisation."""
    return Cell("lstm", 4, _lstm_forward, _lstm_backward)


def cell_weights(cell: Cell, vocabulary: int, hidden: int, rng: np.random.Generator) -> dict:
    """The initial weights of a model (``initial_weights``), the LSTM's forget-gate bias set to +1."""
    weights = initial_weights(cell.blocks, vocabulary, hidden, rng)
    if cell.name == "lstm":
        weights["b"][hidden : 2 * hidden] = 1.0
    return weights


class Adam:
    """Adam (Kingma and Ba, 2015) on a dict of arrays."""

    def __init__(self, weights: dict, learning_rate: float):
        self.learning_rate, self.steps = learning_rate, 0
        self.moments = {k: np.zeros_like(v) for k, v in weights.items()}
        self.squares = {k: np.zeros_like(v) for k, v in weights.items()}

    def step(self, weights: dict, grads: dict) -> dict:
        """New weights after one step along ``grads``."""
        self.steps += 1
        new = {}
        for name, grad in grads.items():
            self.moments[name] = 0.9 * self.moments[name] + 0.1 * grad
            self.squares[name] = 0.999 * self.squares[name] + 0.001 * grad**2
            moment = self.moments[name] / (1 - 0.9**self.steps)
            square = self.squares[name] / (1 - 0.999**self.steps)
            new[name] = weights[name] - self.learning_rate * moment / (np.sqrt(square) + 1e-8)
        return new


def batch_gradients(cell: Cell, weights: dict, batch: np.ndarray, state, window: int) -> tuple:
    """Loss and gradients of one batch, the gradient cut every ``window`` characters; the state it leaves.

    The batch is read in pieces of ``window`` characters, each from the state the one before left
    (truncated BPTT: no gradient crosses from a piece into the one before it). The loss is the mean
    cross-entropy over every character of the batch, in nats.

    Returns:
        ``(loss, grads, last_state)``.
    """
    vocabulary = weights["Wy"].shape[1]
    inputs, targets = one_hot(batch[:, :-1], vocabulary), batch[:, 1:]
    count = targets.size
    grads = {name: np.zeros_like(value) for name, value in weights.items()}
    loss = 0.0
    for start in range(0, targets.shape[1], window):
        piece = slice(start, start + window)
        h, state, cache = cell.forward(inputs[:, piece], state, weights)
        log_p = log_softmax(h @ weights["Wy"] + weights["by"])
        loss -= np.take_along_axis(log_p, targets[:, piece, None], axis=-1).sum() / count
        dlogits = (np.exp(log_p) - one_hot(targets[:, piece], vocabulary)) / count
        grads["Wy"] += h.reshape(-1, h.shape[2]).T @ dlogits.reshape(-1, vocabulary)
        grads["by"] += dlogits.sum(axis=(0, 1))
        for name, grad in cell.backward(dlogits @ weights["Wy"].T, cache).items():
            grads[name] += grad
    return loss, grads, state


def train(cell: Cell, corpus: Corpus, *, seed: int, learning_rate: float, window: int, updates: int,
          hidden: int = 64, streams: int = 32, length: int = 128, max_norm: float = 1.0,
          watch: Callable[[dict], float] | None = None, every: int = 100) -> dict:
    """Train one model with Adam on the training part, its gradients clipped to global norm ``max_norm``.

    The training text is read as ``streams`` parallel streams, ``length`` characters per update,
    the state carried from one update to the next and reset at each new pass over the text. The
    seed draws the initial weights and where in the text the streams start. With ``watch``,
    ``watch(weights)`` is recorded after every ``every`` updates.

    Returns:
        ``{"weights", "losses" (updates,), "norms" (updates,): the global norm before clipping,
        "watched": the values of watch}``.
    """
    rng = np.random.default_rng(seed)
    weights = cell_weights(cell, len(corpus.alphabet), hidden, rng)
    ids = np.roll(corpus.training, -int(rng.integers(len(corpus.training))))
    batches = stream_batches(ids, streams, length)
    optimiser = Adam(weights, learning_rate)
    losses, norms, watched = np.zeros(updates), np.zeros(updates), []
    state = cell.zero_state(streams, hidden)
    for update in range(updates):
        if update % len(batches) == 0:
            state = cell.zero_state(streams, hidden)
        losses[update], grads, state = batch_gradients(cell, weights, batches[update % len(batches)], state, window)
        norms[update] = np.sqrt(sum(np.sum(g**2) for g in grads.values()))
        factor = min(1.0, max_norm / norms[update])
        weights = optimiser.step(weights, {name: g * factor for name, g in grads.items()})
        if watch is not None and (update + 1) % every == 0:
            watched.append(watch(weights))
    return {"weights": weights, "losses": losses, "norms": norms, "watched": watched}


def read(cell: Cell, weights: dict, ids: np.ndarray, *, streams: int = 8, memory: int | None = None) -> dict:
    """Read a text with a trained model: the log-probability it gave every next character.

    The text is cut into ``streams`` equal parts, each read from the zero state. With ``memory``,
    the state is set back to zero every ``memory`` characters: the model then sees at most that many
    characters of context (a control for how much it uses the context further back).

    Returns:
        ``{"loss": the mean cross-entropy in nats per character, "log_p": (streams, span - 1, V) the
        log-probability of every next character, "rows": (streams, span) the ids read}``.
    """
    span = len(ids) // streams
    rows = np.asarray(ids)[: span * streams].reshape(streams, span)
    vocabulary, hidden = weights["Wy"].shape[1], weights["Wh"].shape[0]
    log_p = np.zeros((streams, span - 1, vocabulary))
    piece_length = memory or 256
    state = cell.zero_state(streams, hidden)
    for start in range(0, span - 1, piece_length):
        piece = slice(start, min(start + piece_length, span - 1))
        if memory:
            state = cell.zero_state(streams, hidden)
        h, state, _ = cell.forward(one_hot(rows[:, piece], vocabulary), state, weights)
        log_p[:, piece] = log_softmax(h @ weights["Wy"] + weights["by"])
    nll = -np.take_along_axis(log_p, rows[:, 1:, None], axis=-1)[..., 0]
    return {"loss": float(nll.mean()), "log_p": log_p, "rows": rows}


def quote_auc(corpus: Corpus, rows: np.ndarray, log_p: np.ndarray) -> float:
    """How well the chance of a closing quote after punctuation tells inside a quotation from outside.

    At every punctuation mark (``PUNCTUATION``) in a paragraph that began within its part of the text,
    the model gives a probability to ``"`` coming next. Inside a quotation it often does (``,"``),
    outside it never does. The area under the ROC curve: the chance that a mark inside a quotation
    gets a higher probability than one outside (ties count half); 0.5 means the model cannot tell.
    """
    quote = corpus.alphabet.index('"')
    marks = np.isin(rows[:, :-1], [corpus.alphabet.index(c) for c in PUNCTUATION if c in corpus.alphabet])
    scores, labels = [], []
    for row, row_marks, row_log_p in zip(rows, marks, log_p):
        text = corpus.decode(row)
        inside = inside_quotes(text)[:-1]
        begun = np.arange(len(text) - 1) > text.find("\n")
        chosen = row_marks & begun
        scores.append(row_log_p[chosen, quote])
        labels.append(inside[chosen])
    return auc(np.concatenate(scores), np.concatenate(labels))


def auc(scores: np.ndarray, labels: np.ndarray) -> float:
    """The area under the ROC curve of ``scores`` for the boolean ``labels`` (Mann and Whitney's U, ties halved)."""
    order = np.argsort(scores, kind="stable")
    ranks = np.empty(len(scores))
    sorted_scores = scores[order]
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(sorted_scores):
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    positives = labels.sum()
    negatives = len(labels) - positives
    return float((ranks[labels].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def sample(cell: Cell, weights: dict, corpus: Corpus, length: int, rng: np.random.Generator, *,
           streams: int = 1) -> list[str]:
    """``streams`` texts of ``length`` characters drawn from the model, each from the zero state after a line break."""
    vocabulary = weights["Wy"].shape[1]
    state = cell.zero_state(streams, weights["Wh"].shape[0])
    current = np.full(streams, corpus.alphabet.index("\n"))
    drawn = np.zeros((streams, length), dtype=np.int64)
    for t in range(length):
        h, state, _ = cell.forward(one_hot(current[:, None], vocabulary), state, weights)
        p = np.exp(log_softmax(h[:, 0] @ weights["Wy"] + weights["by"]))
        current = np.array([rng.choice(vocabulary, p=row / row.sum()) for row in p])
        drawn[:, t] = current
    return [corpus.decode(row) for row in drawn]


def balanced_share(texts: list[str]) -> tuple[int, int]:
    """Among the complete paragraphs of ``texts`` that hold a quote: ``(how many, how many hold an even number of quotes)``."""
    paragraphs = [p for text in texts for p in text.split("\n")[:-1] if '"' in p]
    return len(paragraphs), sum(p.count('"') % 2 == 0 for p in paragraphs)
