"""Every claim the lstm notebook and its mark schemes make about an experiment holds on its numbers.

The solution notebook is executed once per session (``solution_run``); its experiments leave
their results in named variables, read back here. Each test quotes the claim it checks. When an
edit of a notebook makes its text and its data disagree, one of these fails.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "solutions" / "lstm"))

import lstm_sweep  # noqa: E402
from lstm_support import SUCCESS  # noqa: E402

BASELINE = 1 / 3
BIASES = ("forget bias 0", "forget bias +1", "forget bias +3", "forget bias +5")
RNN = "simple RNN"


@pytest.fixture(scope="module")
def lstm(solution_run):
    return solution_run("lstm").values


def per_step(norms):
    return (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))


# 4.2 and Question 1: the cell path and the other paths


def test_the_lstms_of_4_3_are_the_first_three_of_4_2(lstm):
    """4.2: 'the first three are the LSTMs that 4.3 trains'; do 4.2, 4.3 and the questions use the same biases?"""
    trained = [lstm_sweep.lstm_name(b).replace("lstm ", "") for b in lstm["settings"]["forget_biases"]]
    assert trained == list(BIASES[:3]) and list(lstm["totals"]) == list(BIASES)


def test_the_cell_path_never_grows_and_runs_slightly_above_the_mean_forget_gate(lstm):
    """4.2 and Question 1: 'factors 0.51, 0.73, 0.95, 0.99, slightly above f-bar (0.508 against 0.499, 0.991 against 0.988)'?"""
    for label, quoted in zip(BIASES, (0.51, 0.73, 0.95, 0.99)):
        path = np.array(lstm["cell_paths"][label])
        assert np.all(np.diff(path) >= 0)
        assert lstm["mean_forget"][label] < per_step(path) < lstm["mean_forget"][label] + 0.05
        assert per_step(path) == pytest.approx(quoted, abs=0.005)
    assert per_step(lstm["cell_paths"]["forget bias 0"]) == pytest.approx(0.508, abs=0.0005)
    assert lstm["mean_forget"]["forget bias 0"] == pytest.approx(0.499, abs=0.0005)
    assert per_step(lstm["cell_paths"]["forget bias +5"]) == pytest.approx(0.991, abs=0.0005)
    assert lstm["mean_forget"]["forget bias +5"] == pytest.approx(0.988, abs=0.0005)


def test_what_is_left_149_steps_back_is_what_the_mean_forget_gate_predicts_to_an_order_of_magnitude(lstm):
    """4.2 and Question 1: 'f-bar^149 predicts 1e-45 (bias 0) and 0.18 (+5); 1.7e-44 and 0.25 are left, about 17 and 1.4 times more'?"""
    steps = len(lstm["cell_paths"]["forget bias 0"]) - 1
    assert steps == 149
    predicted = {label: lstm["mean_forget"][label] ** steps for label in BIASES}
    assert np.log10(predicted["forget bias 0"]) == pytest.approx(-45, abs=0.5)
    assert predicted["forget bias +5"] == pytest.approx(0.18, abs=0.005)
    assert lstm["kept"]["forget bias 0"] == pytest.approx(1.7e-44, rel=0.03)
    assert lstm["kept"]["forget bias +5"] == pytest.approx(0.25, abs=0.005)
    assert lstm["kept"]["forget bias 0"] / predicted["forget bias 0"] == pytest.approx(17, rel=0.05)
    assert lstm["kept"]["forget bias +5"] / predicted["forget bias +5"] == pytest.approx(1.4, abs=0.05)


def test_the_total_is_mostly_other_paths_far_back(lstm):
    """4.2: 'bias 0: total 0.625 per step against 0.508; 2e13 times its cell path 149 steps back, +1 6e6 times, +3 about 500'?"""
    ratio = {label: lstm["totals"][label][0] / lstm["cell_paths"][label][0] for label in BIASES}
    assert per_step(lstm["totals"]["forget bias 0"]) == pytest.approx(0.625, abs=0.0005)
    assert ratio["forget bias 0"] == pytest.approx(2e13, rel=0.25)
    assert ratio["forget bias +1"] == pytest.approx(6e6, rel=0.1)
    assert ratio["forget bias +3"] == pytest.approx(500, rel=0.1)
    for label in BIASES:
        assert per_step(lstm["totals"][label]) > per_step(lstm["cell_paths"][label])


def test_with_bias_five_the_total_grows_going_back_about_28_fold(lstm):
    """4.2 and Question 1: 'with bias +5 the total grows going back, 28-fold 149 steps back', though its cell path cannot?"""
    total = np.array(lstm["totals"]["forget bias +5"])
    assert np.argmax(total) == 0
    assert lstm["rise"] == pytest.approx(28, abs=0.5)
    assert per_step(lstm["cell_paths"]["forget bias +5"]) < 1 < per_step(total)
    assert all(per_step(lstm["totals"][label]) < 1 for label in BIASES[:3])


# 4.3 and Question 2: success rate against length


def test_the_reported_losses_are_those_of_the_settings_chosen_on_validation(lstm):
    """4.3: 'the validation set chooses the setting, the test set is what the table and figure report'; and the printed learning rates?"""
    sweep = {name: np.array(value, dtype=float) for name, value in lstm["sweep"].items()}
    settings = {name: np.array(value) for name, value in lstm["settings"].items()}
    expected = lstm_sweep.chosen_on_validation(sweep, settings)
    assert list(lstm["results"]) == [*(lstm_sweep.lstm_name(b) for b in settings["forget_biases"]), RNN]
    for model, report in lstm["results"].items():
        np.testing.assert_allclose(report["test"], expected[model]["test"], rtol=1e-12)
        np.testing.assert_allclose(report["learning_rate"], expected[model]["learning_rate"], rtol=1e-12)
        assert report["variant"] == expected[model]["variant"]
        assert lstm["successes"][model] == list(np.sum(np.array(report["test"]) < SUCCESS, axis=1))


def test_the_sweep_has_ten_seeds_and_the_lengths_the_text_names(lstm):
    """4.3: 'ten seeds at each of eight lengths from 10 to 60; 1,440 networks'?"""
    settings = lstm["settings"]
    assert len(settings["seeds"]) == 10 and lstm["lengths"] == [10, 15, 20, 25, 30, 40, 50, 60]
    networks = sum(np.array(lstm["sweep"][f"{m}: test"]).size for m in lstm["results"])
    assert networks == 1440


# 4.4: what the forget gates learn


def test_your_functions_reproduce_the_cached_point_of_the_sweep(lstm):
    """4.4: does the live run with the notebook's functions give the cached sweep's test losses, hence its successes?"""
    live, cached = np.array(lstm["live"]), np.array(lstm["cached"])
    np.testing.assert_allclose(live, cached, rtol=1e-9, atol=1e-12)
    assert np.sum(live < SUCCESS) == np.sum(cached < SUCCESS)
    point = lstm["lengths"].index(lstm["steps"])
    assert lstm["rate"] == lstm["results"][lstm_sweep.lstm_name(lstm["bias"])]["learning_rate"][point]


def counts(lstm):
    """Successes out of the seeds, by model and length."""
    return {model: dict(zip(lstm["lengths"], found)) for model, found in lstm["successes"].items()}


def interval(lstm, model, length):
    low, high = lstm_sweep.wilson_interval(np.array([counts(lstm)[model][length]]), len(lstm["settings"]["seeds"]))
    return low[0], high[0]


def longest_half(lstm, model):
    """The longest T at which at least half the runs of ``model`` succeed."""
    return max(t for t, found in counts(lstm)[model].items() if 2 * found >= len(lstm["settings"]["seeds"]))


def test_short_dependencies_need_no_lstm(lstm):
    """4.3: 'at T = 10 every model succeeds in every run, and up to T = 20 so does the tuned simple RNN'?"""
    c, seeds = counts(lstm), len(lstm["settings"]["seeds"])
    assert all(found[10] == seeds for found in c.values())
    assert all(c[RNN][t] == seeds for t in (10, 15, 20))
    assert all(c[RNN][t] >= max(found[t] for found in c.values()) for t in (10, 15, 20))


def test_forget_bias_zero_does_worse_than_the_simple_rnn(lstm):
    """4.3: 'bias 0 learns T = 15 in 8 runs of 10 and never T >= 20, where the simple RNN succeeds in all ten'?"""
    c = counts(lstm)["lstm forget bias 0"]
    assert c[15] == 8 and all(c[t] == 0 for t in lstm["lengths"] if t >= 20)
    assert counts(lstm)[RNN][20] == 10


def test_the_more_open_the_gate_the_longer_the_dependency(lstm):
    """4.3: '+1: all up to 25, 7 at 30, 1 at 40, none beyond; +3: all up to 30, 9 at 40 and 50, 4 at 60'?"""
    one, three = counts(lstm)["lstm forget bias +1"], counts(lstm)["lstm forget bias +3"]
    assert all(one[t] == 10 for t in (10, 15, 20, 25)) and (one[30], one[40], one[50], one[60]) == (7, 1, 0, 0)
    assert all(three[t] == 10 for t in (10, 15, 20, 25, 30)) and (three[40], three[50], three[60]) == (9, 9, 4)


def test_the_simple_rnn_fades_gradually_and_prefers_the_irnn(lstm):
    """4.3: 'the simple RNN: 8 at 25, 4 at 30, 3 at 40, 2 at 50, 1 at 60; validation chose the IRNN at every length but the last'?"""
    c = counts(lstm)[RNN]
    assert (c[25], c[30], c[40], c[50], c[60]) == (8, 4, 3, 2, 1)
    variants = lstm["results"][RNN]["variant"]
    assert all(v.startswith("relu, identity") for v in variants[:-1]) and not variants[-1].startswith("relu")


def test_the_intervals_separate_where_the_text_says(lstm):
    """4.3 and Question 2(c): '+3 and the RNN separate at T = 30 and 50, touch at 40, overlap at 60 and up to 25; +1 and the RNN overlap from 30 on'?"""
    def apart(a, b, t):
        (low_a, high_a), (low_b, high_b) = interval(lstm, a, t), interval(lstm, b, t)
        return high_b < low_a or high_a < low_b

    three = "lstm forget bias +3"
    assert apart(three, RNN, 30) and apart(three, RNN, 50)
    assert not apart(three, RNN, 40) and interval(lstm, RNN, 40)[1] - interval(lstm, three, 40)[0] < 0.01
    assert not any(apart(three, RNN, t) for t in (10, 15, 20, 25, 60))
    assert not any(apart("lstm forget bias +1", RNN, t) for t in (30, 40, 50, 60))


def test_how_much_longer(lstm):
    """4.3, Question 2 and the summary: 'at least half the runs succeed up to 15 (bias 0), 25 (RNN), 30 (+1), 50 (+3): about twice as long'?"""
    longest = {model: longest_half(lstm, model) for model in lstm["results"]}
    assert longest == {"lstm forget bias 0": 15, "lstm forget bias +1": 30, "lstm forget bias +3": 50, RNN: 25}
    assert longest["lstm forget bias +3"] == 2 * longest[RNN]


def test_the_grid_edges_the_text_names(lstm):
    """4.3: 'chosen rates at an end of the grid: 0.003 for the simple RNN from T = 20 to 50, 0.03 for bias +3 up to T = 30'?"""
    rates = {model: dict(zip(lstm["lengths"], r["learning_rate"])) for model, r in lstm["results"].items()}
    grid = lstm["settings"]["learning_rates"]
    assert all(rates[RNN][t] == min(grid) for t in (20, 25, 30, 40, 50))
    assert all(rates["lstm forget bias +3"][t] == max(grid) for t in (10, 15, 20, 25, 30))


def test_question_two_scales_of_the_cell_path(lstm):
    """Question 2(a): 'f-bar^19 and f-bar^39: 2e-6 and 2e-12 (bias 0), 1e-3 and 9e-7 (+1), 0.25 and 0.06 (+3)'?"""
    quoted = {"forget bias 0": (2e-6, 2e-12), "forget bias +1": (1e-3, 9e-7), "forget bias +3": (0.25, 0.06)}
    for label, (at_20, at_40) in quoted.items():
        assert lstm["mean_forget"][label] ** 19 == pytest.approx(at_20, rel=0.15)
        assert lstm["mean_forget"][label] ** 39 == pytest.approx(at_40, rel=0.15)


# 4.4: what the forget gates learn


def test_the_live_point_is_where_the_lstm_with_bias_one_begins_to_fail(lstm):
    """4.4: 'forget bias +1 at T = 30, the length where its runs begin to fail'?"""
    assert (lstm["steps"], lstm["bias"]) == (30, 1.0)
    c = counts(lstm)["lstm forget bias +1"]
    assert c[30] < 10 and all(c[t] == 10 for t in lstm["lengths"] if t < 30)


def test_training_opens_gates_and_spreads_the_units_apart(lstm):
    """4.4: 'no unit keeps more than 0.1% at the start; after, the best unit keeps 9 times more than its run's did, 0.3% to 17%; the spread at least doubles'?"""
    before, after = np.array(lstm["retention"]["before"]), np.array(lstm["retention"]["after"])
    assert before.max() < 1e-3
    assert np.all(after >= 9 * before)
    assert after.min() == pytest.approx(0.003, abs=0.0005) and after.max() == pytest.approx(0.17, abs=0.005)
    assert np.all(np.array(lstm["spread"]["after"]) >= 2 * np.array(lstm["spread"]["before"]))
    assert 0.73 ** (lstm["steps"] - 1) == pytest.approx(1e-4, rel=0.2)


def test_units_start_alike_near_sigma_one_and_take_different_roles(lstm):
    """4.4: 'at initialisation every forget gate sits near sigma(1) = 0.73; after, some units keep more than at the start, others forget faster'?"""
    before, after = np.array(lstm["unit_means"]["before"]), np.array(lstm["unit_means"]["after"])
    assert np.all(np.abs(before - 1 / (1 + np.exp(-1))) < 0.1)
    assert np.all(after.max(axis=1) > before.max(axis=1)) and np.all(after.min(axis=1) < before.min(axis=1))


def test_keeping_more_is_not_all_it_takes(lstm):
    """4.4: 'the run that keeps the most (17%) ends above the threshold, and one run succeeds keeping less than 1%'?"""
    after, live = np.array(lstm["retention"]["after"]), np.array(lstm["live"])
    assert live[np.argmax(after)] >= SUCCESS
    assert np.any((live < SUCCESS) & (after < 0.01))
