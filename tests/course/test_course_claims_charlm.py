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
    """Part 6: '100 updates of 32 streams of 128 characters (409,600, about 1.7 passes), rates 0.01 and 0.03, 10 seeds'?"""
    settings = charlm["results"]["settings"]
    assert settings["updates"] * settings["streams"] * settings["length"] == 409_600
    assert 409_600 / 241_218 == pytest.approx(1.7, abs=0.05)
    assert settings["learning_rates"] == [0.01, 0.03] and settings["windows"] == [8, 32, 128]
    assert charlm["seeds"] == 10 == len(settings["seeds"])
    assert settings["tuning_seeds"] == [100, 101] and not set(settings["tuning_seeds"]) & set(settings["seeds"])


def test_every_cell_chose_the_larger_rate(charlm):
    """6.1: 'every cell's validation loss chose 0.03, the larger rate of the grid'?"""
    for tuning in charlm["results"]["tuning"].values():
        assert tuning["chosen"] == 0.03
        assert tuning["tried"]["0.03"] < tuning["tried"]["0.01"]


def means(values):
    return {model: {w: float(np.mean(v)) for w, v in windows.items()} for model, windows in values.items()}


def test_the_gru_is_far_ahead_in_every_seed_and_window(charlm):
    """6.1: 'GRU about 5.7 at every window, the others 6.9 to 7.4; lowest of the three in every seed at every window'?"""
    test = means(charlm["perplexity"])
    for w in ("8", "32", "128"):
        assert test["gru"][w] == pytest.approx(5.7, abs=0.15)
        for other in ("rnn", "lstm"):
            assert 6.9 <= round(test[other][w], 1) <= 7.4
        assert charlm["gru_lowest"][w] == charlm["seeds"]


def test_validation_and_test_rank_the_cells_alike(charlm):
    """6.1: 'validation and test rank the cells the same way, at every window'?"""
    test, validation = means(charlm["perplexity"]), means(charlm["validation"])
    for w in ("8", "32", "128"):
        assert sorted(test, key=lambda m: test[m][w]) == sorted(validation, key=lambda m: validation[m][w])


def test_the_simple_rnn_and_the_lstm_are_close(charlm):
    """6.1: 'the LSTM is the lower of the two in only 10 of the 30 seed-and-window pairs'?"""
    rnn, lstm = charlm["perplexity"]["rnn"], charlm["perplexity"]["lstm"]
    assert sum(int(np.sum(np.array(lstm[w]) < np.array(rnn[w]))) for w in ("8", "32", "128")) == 10


def test_the_longest_window_did_not_help(charlm):
    """6.1 and Question 2 (b): 'no cell lower at window 128 than at 8 on average; the LSTM worse at 128 in all 10 seeds'?"""
    test = means(charlm["perplexity"])
    for model in ("rnn", "gru", "lstm"):
        assert test[model]["128"] > test[model]["8"]
    assert charlm["longer_worse"]["lstm"] == charlm["seeds"]


def test_every_run_was_still_learning(charlm):
    """6.1: 'the validation loss of every run was still falling between the 50th and the 100th update'?"""
    for windows in charlm["results"]["runs"].values():
        for runs in windows.values():
            for run in runs:
                first, second = run["validation_curve"]
                assert second < first


def test_the_quote_auc_is_local(charlm):
    """6.2 and Question 2 (a): 'AUC 0.66 to 0.73 in every run, GRU 0.71, others 0.69; the reset costs 0.01 or less on
    average, positive in most seeds; window 8 about as good as window 128'?"""
    auc, drop = charlm["auc"], charlm["auc_drop"]
    every = np.concatenate([np.array(v) for windows in auc.values() for v in windows.values()])
    assert 0.66 < every.min() and every.max() < 0.73
    assert np.mean([auc["gru"][w] for w in auc["gru"]]) == pytest.approx(0.71, abs=0.005)
    for model in ("rnn", "lstm"):
        assert np.mean([auc[model][w] for w in auc[model]]) == pytest.approx(0.69, abs=0.005)
        assert abs(np.mean(auc[model]["128"]) - np.mean(auc[model]["8"])) < 0.015
    assert abs(np.mean(auc["gru"]["128"]) - np.mean(auc["gru"]["8"])) < 0.015
    for windows in drop.values():
        for values in windows.values():
            assert 0 < np.mean(values) <= 0.01
            assert np.sum(np.array(values) > 0) > len(values) / 2


def test_no_model_learned_to_close_its_quotations(charlm):
    """6.2: 'between 30% and 43% of the sampled paragraphs with a quote are balanced, against 99% in the training text'?"""
    shares = [share for windows in charlm["balanced"].values() for share in windows.values()]
    assert min(round(100 * s) for s in shares) == 30 and max(round(100 * s) for s in shares) == 43
    assert round(100 * charlm["text_balanced"]) == 99


def test_clipping_is_rare_and_the_rnn_has_the_largest_gradients(charlm):
    """6.3: 'clipped: about 5 to 9% of the RNN's updates, about 1% of the GRU's, under 1% of the LSTM's; the RNN's mean
    global norm more than twice the others' at every window'?"""
    clipped = charlm["clipped_share"]
    assert all(0.045 <= clipped["rnn"][w] <= 0.09 for w in clipped["rnn"])
    assert all(0.005 <= clipped["gru"][w] <= 0.015 for w in clipped["gru"])
    assert all(clipped["lstm"][w] < 0.01 for w in clipped["lstm"])
    runs = charlm["results"]["runs"]
    for w in ("8", "32", "128"):
        norm = {m: np.mean([np.mean(run["norms"]) for run in runs[m][w]]) for m in runs}
        assert norm["rnn"] > 2 * max(norm["gru"], norm["lstm"])


def test_the_samples_say_what_the_text_says(charlm):
    """6.4: 'the GRU's Elizabeth, Mr. in two of them; the RNN opens a quote it never closes, the GRU closes one it never opened'?"""
    samples = {m: runs["128"][0]["sample"][:400] for m, runs in charlm["results"]["runs"].items()}
    assert "Elizabeth" in samples["gru"]
    assert sum("Mr." in text for text in samples.values()) == 2
    assert samples["rnn"].count('"') == 1 and samples["rnn"].startswith('"')
    assert samples["gru"].count('"') == 1 and ',"' in samples["gru"]


def test_your_gru_live_matches_the_cached_run(charlm):
    """6.5: 'the same code, seed and data give the same numbers'?"""
    assert charlm["live"] == pytest.approx(charlm["cached"], rel=1e-9)
