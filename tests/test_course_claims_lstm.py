"""Every claim the lstm notebook and its mark schemes make about an experiment holds on its numbers.

The solution notebook is executed once per session (``solution_run``); its experiments leave
their results in named variables, read back here. Each test quotes the claim it checks. When an
edit of a notebook makes its text and its data disagree, one of these fails.
"""

import numpy as np
import pytest

BASELINE = 1 / 3


@pytest.fixture(scope="module")
def lstm(solution_run):
    return solution_run("lstm").values


def per_step(norms):
    return (norms[0] / norms[-1]) ** (1 / (len(norms) - 1))


BIASES = ("forget bias 0", "forget bias +1", "forget bias +5")


def test_the_cell_path_never_grows_and_runs_beside_the_mean_forget_gate(lstm):
    """4.2: 'the cell path shrinks by about the mean forget gate per step, slightly less'; Question 1: 0.51, 0.73, 0.99?"""
    for label, quoted in zip(BIASES, (0.51, 0.73, 0.99)):
        path = np.array(lstm["cell_paths"][label])
        assert np.all(np.diff(path) >= 0)
        assert lstm["mean_forget"][label] < per_step(path) < lstm["mean_forget"][label] + 0.05
        assert per_step(path) == pytest.approx(quoted, abs=0.01)


def test_the_total_is_mostly_other_paths_far_back(lstm):
    """4.2: 'bias 0: total about 0.63 per step against 0.51; more than 1e13 times its cell path at t = 0; bias +1 about 1e6 times'?"""
    ratio = {label: lstm["totals"][label][0] / lstm["cell_paths"][label][0] for label in BIASES}
    assert per_step(lstm["totals"]["forget bias 0"]) == pytest.approx(0.63, abs=0.01)
    assert ratio["forget bias 0"] > 1e13
    assert 1e6 <= ratio["forget bias +1"] < 1e7
    for label in BIASES:
        assert per_step(lstm["totals"][label]) > per_step(lstm["cell_paths"][label])


def test_with_bias_five_the_total_grows_going_back_about_28_fold(lstm):
    """4.2 and Question 1: 'with bias +5 the total grows (about 28-fold over 150 steps)' though its cell path cannot?"""
    total = np.array(lstm["totals"]["forget bias +5"])
    assert total[0] > total[-1]
    assert lstm["rise"] == pytest.approx(28, abs=1.5)
    assert per_step(lstm["cell_paths"]["forget bias +5"]) < 1 < per_step(total)


def test_a_quarter_of_the_cell_path_survives_with_bias_five_and_almost_none_with_bias_zero(lstm):
    """Question 1: 'about a quarter still there 149 steps back with bias +5, about 1e-44 with bias 0'?"""
    kept = {label: lstm["cell_paths"][label][0] / lstm["cell_paths"][label][-1] for label in BIASES}
    assert kept["forget bias +5"] == pytest.approx(0.25, abs=0.05)
    assert 1e-45 < kept["forget bias 0"] < 1e-43


def largest_length(lstm, model, at_least):
    """The longest T at which at least ``at_least`` seeds of ``model`` succeed (0 if none)."""
    lengths = [t for t, count in zip(lstm["sweep"]["lengths"], lstm["successes"][model]) if count >= at_least]
    return max(lengths, default=0)


def test_every_model_learns_ten_steps_and_the_forget_bias_decides_the_rest(lstm):
    """4.3 and Question 2: 'at T = 10 every model learns; bias 0 no run at 20; +1 all at 20, none at 40; +3 all at 40, one in five at 80'?"""
    successes = {
        model: dict(zip(lstm["sweep"]["lengths"], counts)) for model, counts in lstm["successes"].items()
    }
    seeds = len(lstm["sweep"]["simple RNN"][0])
    assert seeds >= 5
    assert all(counts[10] == seeds for counts in successes.values())
    assert successes["lstm forget bias 0"][20] == 0
    assert successes["lstm forget bias +1"][20] == seeds and successes["lstm forget bias +1"][40] == 0
    assert successes["lstm forget bias +3"][40] == seeds and successes["lstm forget bias +3"][80] == 1


def test_the_tuned_simple_rnn_learns_twenty_steps_in_some_seeds_and_never_forty(lstm):
    """4.3: 'the simple RNN learns T = 20 in three seeds of five, never T >= 40; there its losses end below 1/3'?"""
    counts = dict(zip(lstm["sweep"]["lengths"], lstm["successes"]["simple RNN"]))
    assert counts[20] == 3
    assert all(count == 0 for t, count in counts.items() if t >= 40)
    losses = np.array(lstm["sweep"]["simple RNN"])
    long = np.array(lstm["sweep"]["lengths"]) >= 40
    assert np.median(losses[long]) < BASELINE


def test_an_open_carousel_learns_at_least_twice_as_long_a_dependency(lstm):
    """4.3: 'an LSTM whose cell path is open from the start learns dependencies at least twice as long as a simple RNN'?"""
    for at_least in (3, 5):
        assert largest_length(lstm, "lstm forget bias +3", at_least) >= 2 * largest_length(
            lstm, "simple RNN", at_least
        )
    assert largest_length(lstm, "lstm forget bias 0", 3) < largest_length(lstm, "simple RNN", 3)


def test_your_functions_reproduce_the_cached_point_of_the_sweep(lstm):
    """4.4: does the live run with the notebook's functions succeed as often as the cached sweep at the same point?"""
    live, cached = np.array(lstm["live"]), np.array(lstm["cached"])
    assert np.sum(live < 0.05) == np.sum(cached < 0.05)


def test_training_spreads_the_forget_gates_apart(lstm):
    """4.4: 'at initialisation every forget gate sits near 0.73; after training some are more open, others more closed'?"""
    before, after = (np.array(lstm["forget"][label]).mean(axis=0) for label in ("before", "after"))
    assert np.all(np.abs(before - 1 / (1 + np.exp(-1))) < 0.1)
    assert after.max() > before.max() and after.min() < before.min()
    assert after.std() > 2 * before.std()
