"""Every claim the charlm notebook and its mark schemes make about its numbers holds on those numbers.

The solution notebook is executed once per session (``solution_run``); its measurements and its
reading of the cached experiment are left in named variables, read back here. Each test quotes the
claim it checks. When an edit of the notebook, its support code or the cached results makes text
and data disagree, one of these fails.
"""

import numpy as np
import pytest


@pytest.fixture(scope="module")
def charlm(solution_run):
    return solution_run("charlm").values


def test_the_unigram_perplexity_is_21(charlm):
    """Part 1 and 5.2: 'knowing only how often each character occurs: perplexity 21', against V = 74 knowing nothing?"""
    assert charlm["V"] == 74
    assert np.exp(charlm["unigram"]) == pytest.approx(21, abs=0.5)


def test_quotations_span_dozens_to_hundreds_of_characters(charlm):
    """Part 1: 'only 2% shorter than 8 characters, 64% shorter than 128'; Question 1: 'the median span is 77'?"""
    spans = np.array(charlm["spans"])
    assert np.median(spans) == 77
    assert np.mean(spans < 8) == pytest.approx(0.02, abs=0.005)
    assert np.mean(spans < 128) == pytest.approx(0.64, abs=0.005)
    assert np.percentile(spans, 90) > 300


def test_the_simple_rnn_learns_and_clipping_acts_early(charlm):
    """5.2: 'the loss falls from about 3.8 to about 2.4, perplexity about 11, half of 21; most clipped steps in the first 50; clipping rare after'?"""
    losses, norms = np.array(charlm["losses"]), np.array(charlm["norms"])
    assert losses[:10].mean() == pytest.approx(3.8, abs=0.1)
    assert losses[-10:].mean() == pytest.approx(2.4, abs=0.1)
    assert np.exp(losses[-10:].mean()) == pytest.approx(11, abs=1)
    assert np.exp(losses[-10:].mean()) < np.exp(charlm["unigram"]) / 1.8
    assert charlm["clipped_early"] > 0.5
    assert np.mean(norms[50:] > 1.0) < 0.05
    assert np.argmax(norms) < 50


def test_the_truncated_gradient_error_falls_with_every_doubling(charlm):
    """5.3: 'dWh 80% off at k = 1, a fifth at 8, about 6% at 32, about 3% at 64; dWx the same way; zero only at 128'?"""
    ks = charlm["truncations"]
    assert ks == [1, 2, 4, 8, 16, 32, 64, 128]
    wh, wx = np.array(charlm["bias"]["Wh"]), np.array(charlm["bias"]["Wx"])
    for errors in (wh, wx):
        assert np.all(np.diff(errors) < 0)
        assert errors[-1] == pytest.approx(0, abs=1e-12)
        assert np.all(errors[:-1] > 0.01)
    assert wh[0] == pytest.approx(0.8, abs=0.03)
    assert wh[3] == pytest.approx(0.2, abs=0.03)
    assert wh[5] == pytest.approx(0.06, abs=0.01)
    assert wh[6] == pytest.approx(0.03, abs=0.01)


def test_the_experiment_declares_what_it_ran(charlm):
    """Part 6: '500 updates of 32 streams of 128 characters (2,048,000, about 8.5 passes), rates 0.01 to 0.3, 10 seeds,
    tuned on seeds 100 and 101'?"""
    settings = charlm["results"]["settings"]
    assert settings["updates"] * settings["streams"] * settings["length"] == 2_048_000
    assert 2_048_000 / 241_218 == pytest.approx(8.5, abs=0.05)
    assert settings["learning_rates"] == [0.01, 0.03, 0.1, 0.3] and settings["windows"] == [8, 32, 128]
    assert charlm["seeds"] == 10 == len(settings["seeds"])
    assert settings["tuning_seeds"] == [100, 101] and not set(settings["tuning_seeds"]) & set(settings["seeds"])


CHOSEN = {
    "rnn": {"8": 0.03, "32": 0.03, "128": 0.03},
    "gru": {"8": 0.03, "32": 0.03, "128": 0.03},
    "lstm": {"8": 0.1, "32": 0.03, "128": 0.03},
}


def test_every_rate_was_chosen_inside_the_grid(charlm):
    """6.1: 'chosen inside the grid: 0.03 for the RNN and the GRU everywhere and the LSTM at 32 and 128, 0.1 for the
    LSTM at 8; the rates on both sides gave a higher validation loss'?"""
    grid = charlm["results"]["settings"]["learning_rates"]
    for model, windows in charlm["results"]["tuning"].items():
        for window, tuning in windows.items():
            assert tuning["chosen"] == CHOSEN[model][window]
            index = grid.index(tuning["chosen"])
            assert 0 < index < len(grid) - 1
            for neighbour in (grid[index - 1], grid[index + 1]):
                assert tuning["tried"][str(neighbour)] > tuning["tried"][str(tuning["chosen"])]


def means(values):
    return {model: {w: float(np.mean(v)) for w, v in windows.items()} for model, windows in values.items()}


def test_the_gru_is_ahead_and_the_lstm_second_in_every_seed(charlm):
    """6.1: 'GRU about 4.3 at every window, LSTM about 4.6, RNN 5.3; the GRU lowest in every seed at every window; the LSTM
    below the RNN in every one of the 30 seed-and-window pairs'?"""
    test = means(charlm["perplexity"])
    rnn, lstm = charlm["perplexity"]["rnn"], charlm["perplexity"]["lstm"]
    for w in ("8", "32", "128"):
        assert test["gru"][w] == pytest.approx(4.3, abs=0.05)
        assert test["lstm"][w] == pytest.approx(4.6, abs=0.05)
        assert test["rnn"][w] == pytest.approx(5.3, abs=0.05)
        assert charlm["gru_lowest"][w] == charlm["seeds"]
        assert np.all(np.array(lstm[w]) < np.array(rnn[w]))


def test_validation_and_test_rank_the_cells_alike(charlm):
    """6.1: 'validation and test rank the cells the same way, at every window'?"""
    test, validation = means(charlm["perplexity"]), means(charlm["validation"])
    for w in ("8", "32", "128"):
        assert sorted(test, key=lambda m: test[m][w]) == sorted(validation, key=lambda m: validation[m][w])


def test_no_window_is_clearly_better(charlm):
    """6.1 and Question 2 (b): 'the means at the three windows within 0.1 of each other; standard deviations up to 0.22;
    the longest window worse than the shortest in 7, 6 and 5 of the 10 seeds'?"""
    test = means(charlm["perplexity"])
    for model in ("rnn", "gru", "lstm"):
        assert max(test[model].values()) - min(test[model].values()) < 0.1
    spreads = [np.std(v, ddof=1) for windows in charlm["perplexity"].values() for v in windows.values()]
    assert round(max(spreads), 2) == 0.22
    assert charlm["longer_worse"] == {"rnn": 7, "gru": 6, "lstm": 5}


def test_every_run_was_still_learning(charlm):
    """6.1: 'between the 450th and the 500th update the validation loss fell in 79 of the 90 runs, by 0.01 on average;
    by 0.48 from the 50th to the 250th, by 0.09 from the 250th to the 500th'?"""
    curves = np.array([run["validation_curve"] for windows in charlm["results"]["runs"].values()
                       for runs in windows.values() for run in runs])
    assert curves.shape == (90, 10)  # updates 50, 100, ..., 500
    assert np.sum(curves[:, -1] < curves[:, -2]) == 79
    assert np.mean(curves[:, -2] - curves[:, -1]) == pytest.approx(0.01, abs=0.002)
    assert np.mean(curves[:, 0] - curves[:, 4]) == pytest.approx(0.48, abs=0.005)
    assert np.mean(curves[:, 4] - curves[:, -1]) == pytest.approx(0.09, abs=0.005)


def test_the_quote_auc_is_mostly_local(charlm):
    """6.2 and Question 2 (a): 'AUC 0.66 to 0.75 in every run but one, GRU 0.72, others 0.71; the reset costs 0.02 or
    less on average, positive in 7 to 9 of 10 seeds; window 8 about as good as window 128; one run, the GRU of seed 9 at
    window 128, reaches 0.84 and loses 0.11'?"""
    auc, drop = charlm["auc"], charlm["auc_drop"]
    every = sorted(np.concatenate([np.array(v) for windows in auc.values() for v in windows.values()]))
    assert 0.66 < every[0] and every[-2] < 0.75
    assert auc["gru"]["128"][9] == every[-1] and round(every[-1], 2) == 0.84
    assert round(drop["gru"]["128"][9], 2) == 0.11
    assert np.mean([auc["gru"][w] for w in auc["gru"]]) == pytest.approx(0.72, abs=0.005)
    for model in ("rnn", "lstm"):
        assert np.mean([auc[model][w] for w in auc[model]]) == pytest.approx(0.71, abs=0.006)
    for model in ("rnn", "gru", "lstm"):
        assert abs(np.mean(auc[model]["128"]) - np.mean(auc[model]["8"])) < 0.015
    positive = []
    for windows in drop.values():
        for values in windows.values():
            assert 0 < np.mean(values) <= 0.02
            positive.append(int(np.sum(np.array(values) > 0)))
    assert (min(positive), max(positive)) == (7, 9)


def test_no_model_learned_to_close_its_quotations(charlm):
    """6.2: 'between 32% and 53% of the sampled paragraphs with a quote are balanced, against 99% in the training text'?"""
    shares = [share for windows in charlm["balanced"].values() for share in windows.values()]
    assert min(round(100 * s) for s in shares) == 32 and max(round(100 * s) for s in shares) == 53
    assert round(100 * charlm["text_balanced"]) == 99


def test_clipping_is_rare_and_the_rnn_has_the_largest_gradients(charlm):
    """6.3: 'clipped: about 1 to 2% of the RNN's updates, 0.1 to 0.3% of the GRU's and the LSTM's; the RNN's mean
    global norm more than twice the others' at every window'?"""
    clipped = charlm["clipped_share"]
    assert all(0.01 <= clipped["rnn"][w] <= 0.02 for w in clipped["rnn"])
    assert all(0.001 <= clipped[m][w] <= 0.003 for m in ("gru", "lstm") for w in clipped[m])
    runs = charlm["results"]["runs"]
    for w in ("8", "32", "128"):
        norm = {m: np.mean([np.mean(run["norms"]) for run in runs[m][w]]) for m in runs}
        assert norm["rnn"] > 2 * max(norm["gru"], norm["lstm"])


def test_the_samples_say_what_the_text_says(charlm):
    """6.4: 'the GRU's Mr. Bingley and Elizabeth, the LSTM's Mr. Collins and Miss Wickham; the RNN opens, closes and opens
    again, the LSTM's only quote closes one it never opened, the GRU's text holds none'?"""
    samples = {m: runs["128"][0]["sample"][:400] for m, runs in charlm["results"]["runs"].items()}
    assert "Mr. Bingley" in samples["gru"] and "Elizabeth" in samples["gru"]
    assert "Mr. Collins" in samples["lstm"] and "Miss Wickham" in samples["lstm"]
    assert samples["rnn"].count('"') == 3 and samples["rnn"].startswith('"')
    assert samples["lstm"].count('"') == 1 and samples["gru"].count('"') == 0


def test_your_gru_live_matches_the_cached_run(charlm):
    """6.5: 'the same code, seed and data give the same numbers'?"""
    assert charlm["live"] == pytest.approx(charlm["cached"], rel=1e-9)
