"""Every claim the rnn notebook and its mark schemes make about an experiment holds on its numbers.

The solution notebook is executed once per session (``solution_run``); its experiments leave
their results in named variables, read back here. Each test quotes the claim it checks. When an
edit of a notebook makes its text and its data disagree, one of these fails.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "solutions" / "rnn"))

import memory_studies  # noqa: E402

GAMMA = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0}
BASELINE = 1 / 3
SUCCESS = 0.05
A, B = "W_h = Q, T = 15", "W_h = 2Q, T = 30"


@pytest.fixture(scope="module")
def rnn(solution_run):
    return solution_run("rnn").values


@pytest.fixture(scope="module")
def studies():
    """The cached studies the notebook read (its tables are computed from them)."""
    return memory_studies.load_studies()[0]


def median_validation(contender):
    """{learning rate: median validation loss} of a contender's tuning grid."""
    return {point["learning_rate"]: np.median(point["loss"]) for point in contender["grid"]}


def factor(rnn, activation, scale):
    return rnn["factors"][str((activation, scale))]


def span(rnn, activation, scale):
    """norms[0] / norms[T-1]: the change of the gradient over the whole sequence, going back."""
    norms = rnn["curves"][str((activation, scale))]
    return norms[0] / norms[-1]


def test_every_measured_curve_stays_below_its_bound(rnn):
    """'Every measured curve stays below its dotted bound': norms[T-1-k] <= (gamma s)^k norms[T-1]?"""
    for activation in GAMMA:
        for scale in rnn["scales"]:
            norms = np.array(rnn["curves"][str((activation, scale))])
            k = np.arange(len(norms))
            bound = norms[-1] * (GAMMA[activation] * scale) ** k
            assert np.all(norms[::-1] <= bound * (1 + 1e-9)), (activation, scale)


def test_sigmoid_falls_at_every_scale_even_where_the_bound_is_flat(rnn):
    """'Every [sigmoid] curve falls. Even at s = 4 ... about 0.64 per step' (and 0.11, 0.21, 0.30 in Question 1)?"""
    assert all(factor(rnn, "sigmoid", s) < 1 for s in rnn["scales"])
    for scale, quoted in [(4.0, 0.64), (0.5, 0.11), (1.0, 0.21), (1.5, 0.30)]:
        assert factor(rnn, "sigmoid", scale) == pytest.approx(quoted, abs=0.01)


def test_tanh_falls_up_to_scale_one_and_a_half_and_grows_above(rnn):
    """tanh: about 0.6 at s = 1, to about 1e-12; falls at s = 1.5; grows a few percent at s = 2; > 1.4 and about 1e9 at s = 4?"""
    assert factor(rnn, "tanh", 1.0) == pytest.approx(0.62, abs=0.02)
    assert 1e-13 < span(rnn, "tanh", 1.0) < 1e-11
    assert factor(rnn, "tanh", 1.5) == pytest.approx(0.86, abs=0.01)
    assert 1.0 < factor(rnn, "tanh", 2.0) < 1.1
    assert factor(rnn, "tanh", 4.0) > 1.4
    assert 1e8 < span(rnn, "tanh", 4.0) < 1e10
    assert factor(rnn, "tanh", 0.5) == pytest.approx(0.33, abs=0.01)


def test_tanh_falls_more_slowly_than_sigmoid_and_only_tanh_rises(rnn):
    """Question 1: 'at equal s tanh falls more slowly; from s = 2 on the tanh curves rise while every sigmoid curve falls'?"""
    for scale in rnn["scales"]:
        assert factor(rnn, "tanh", scale) > factor(rnn, "sigmoid", scale)
        assert (factor(rnn, "tanh", scale) > 1) == (scale >= 2)


def test_relu_falls_at_scale_one_is_level_at_one_and_a_half_and_grows_by_less_than_the_scale(rnn):
    """relu: 'falls at s <= 1, stays roughly level at s = 1.5 and grows at s >= 2, by less than s per step'?"""
    for scale in rnn["scales"]:
        f = factor(rnn, "relu", scale)
        if scale <= 1:
            assert f < 1
        elif scale == 1.5:
            assert f == pytest.approx(1.0, abs=0.05)
        else:
            assert 1 < f < scale


def test_the_prediction_s_times_rms_slope_is_within_ten_percent(rnn):
    """2.6: 's rms(f') agrees with the measured factor to within 10 percent for all three activations'?"""
    for activation in GAMMA:
        for scale in rnn["scales"]:
            key = str((activation, scale))
            assert rnn["factors"][key] == pytest.approx(rnn["predicted"][key], rel=0.1), key


def test_relu_vanishes_at_scale_one_and_explodes_by_about_two_point_seven_at_four(rnn):
    """2.6 and Question 3: ReLU at s = 1 about 0.67, below 1e-10 after 59 steps, half the units off; at s = 4 about 2.7?"""
    assert factor(rnn, "relu", 1.0) == pytest.approx(0.67, abs=0.02)
    assert span(rnn, "relu", 1.0) < 1e-10
    active = (rnn["predicted"][str(("relu", 1.0))] / 1.0) ** 2
    assert 0.35 < active < 0.65
    assert factor(rnn, "relu", 4.0) == pytest.approx(2.7, abs=0.05)


def test_the_non_normal_matrix_grows_for_a_few_steps_and_then_vanishes_like_its_eigenvalues(rnn):
    """2.6: eigenvalues 0.5, sigma_max about 3.4, many-fold growth over about 5 steps, then a decay towards 0.5 per step?"""
    relative = np.array(rnn["relative"])
    assert rnn["spectral_radius"] == pytest.approx(0.5, abs=0.01)
    assert rnn["largest_singular_value"] == pytest.approx(3.4, abs=0.1)
    assert relative[rnn["peak_step"]] > 10
    assert 3 <= rnn["peak_step"] <= 8
    assert relative[-1] < 1e-8
    late = (relative[-1] / relative[20]) ** (1 / (len(relative) - 21))
    assert late == pytest.approx(0.5, abs=0.1)


def test_the_tail_is_slower_than_rho_and_its_gap_to_rho_to_the_k_widens(rnn):
    """2.6: 'shrinks by 0.53 per step over the last ten, not 0.5; the factor per step falls towards 0.5 from above, still 0.53
    at k = 59; 5.6 decades above 0.5^k at k = 30, 6.5 at 59'?"""
    assert rnn["tail_factor"] == pytest.approx(0.53, abs=0.005)
    gap = np.array(rnn["gap"])
    assert gap[30] == pytest.approx(5.6, abs=0.05) and gap[-1] == pytest.approx(6.5, abs=0.05)
    per_step = np.array(rnn["relative"][1:]) / np.array(rnn["relative"][:-1])
    assert np.all(np.diff(per_step[5:]) < 0) and np.all(per_step[9:] > 0.5)
    assert per_step[-1] == pytest.approx(0.53, abs=0.005)
    assert np.all(np.diff(gap[30:]) > 0)


def test_the_two_by_two_jordan_block_peaks_at_one_and_two_steps_and_then_decays(rnn):
    """Question 2(c): ||W^k|| = 3.08, 3.02, 2.26, 1.50 and 0.059 at k = 1, 2, 3, 4, 10: largest at 1 and 2, about 6k times 0.5^k?"""
    norms = {int(k): v for k, v in rnn["jordan_norms"].items()}
    for power, quoted in [(1, 3.08), (2, 3.02), (3, 2.26), (4, 1.50), (10, 0.059)]:
        assert norms[power] == pytest.approx(quoted, abs=0.005)
    assert max(norms, key=norms.get) in (1, 2)
    assert norms[10] / 0.5**10 == pytest.approx(6 * 10, rel=0.05)


def test_relu_keeps_its_slopes_at_every_scale_while_tanh_saturates(rnn):
    """2.6 and Question 3: 'rms(relu') between 0.67 and 0.70 at every scale; rms(tanh') 0.68 at s = 0.5, 0.64 at 1, 0.38 at 4'?"""
    relu = [rnn["slopes"][str(("relu", scale))] for scale in rnn["scales"]]
    assert all(0.665 <= value < 0.705 for value in relu)
    for scale, quoted in [(0.5, 0.68), (1.0, 0.64), (4.0, 0.38)]:
        assert rnn["slopes"][str(("tanh", scale))] == pytest.approx(quoted, abs=0.005)
    tanh = [rnn["slopes"][str(("tanh", scale))] for scale in rnn["scales"]]
    assert np.all(np.diff(tanh) < 0)


def test_relu_grows_faster_than_tanh_at_the_same_scale(rnn):
    """Question 3: ReLU against tanh, about 1.34 against 1.04 at s = 2 and 2.68 against 1.43 at s = 4?"""
    for scale, relu, tanh in [(2.0, 1.34, 1.04), (4.0, 2.68, 1.43)]:
        assert factor(rnn, "relu", scale) == pytest.approx(relu, abs=0.005)
        assert factor(rnn, "tanh", scale) == pytest.approx(tanh, abs=0.005)
        assert factor(rnn, "relu", scale) > factor(rnn, "tanh", scale)


def test_relu_states_blow_up_and_tanh_states_stay_bounded(rnn):
    """2.6 and Question 3: ReLU's largest |h_t| about 6e6 at s = 2 and 4e24 at s = 4; tanh's bounded by 1?"""
    largest = {key: max(values) for key, values in rnn["largest"].items()}
    assert all(largest[str(("tanh", scale))] <= 1 for scale in rnn["scales"])
    assert largest[str(("relu", 2.0))] == pytest.approx(6e6, rel=0.1)
    assert largest[str(("relu", 4.0))] == pytest.approx(4e24, rel=0.1)


def test_a_leaky_relu_would_grow_slightly_faster_than_relu(rnn):
    """Question 2(b): p about 0.45 active units; 4 sqrt(p + 0.01 (1 - p)) about 2.71, one percent above ReLU's 2.70 (2.68 measured)?"""
    assert rnn["active"] == pytest.approx(rnn["slopes"][str(("relu", 4.0))] ** 2)
    assert rnn["active"] == pytest.approx(0.45, abs=0.005)
    assert rnn["leaky"] == pytest.approx(2.71, abs=0.005)
    assert rnn["predicted"][str(("relu", 4.0))] == pytest.approx(2.70, abs=0.005)
    assert rnn["leaky"] / rnn["predicted"][str(("relu", 4.0))] == pytest.approx(1.01, abs=0.005)
    assert rnn["leaky"] == pytest.approx(4 * np.sqrt(rnn["active"] + 0.01 * (1 - rnn["active"])))
    assert factor(rnn, "relu", 4.0) < rnn["leaky"] < 1.05 * factor(rnn, "relu", 4.0)


def test_the_gradient_that_reaches_the_first_input_at_the_lengths_of_part_3(rnn):
    """Question 1(c): 0.62^14 about 1.3e-3 at T = 15 and 0.62^29 about 1.1e-6 at T = 30?"""
    reach = {int(k): v for k, v in rnn["reach"].items()}
    assert reach[15] == pytest.approx(1.3e-3, rel=0.05)
    assert reach[30] == pytest.approx(1.1e-6, rel=0.05)




def test_the_success_threshold_is_the_course_one():
    """Is the rnn notebook's SUCCESS the course's one threshold for 'learned', 0.05?"""
    import rnn_support

    assert rnn_support.SUCCESS == SUCCESS


def test_setup_a_a_smaller_learning_rate_does_as_well_as_clipping(rnn, studies):
    """3.4, setup A: control lr 0.07, 10 of 20 learned, 4 near 1/3; clip at 1: lr 0.14, about a fifth clipped,
    10 of 20 learned, none near 1/3, below the control in 14 of 20 (sign test 0.12); clip at 0.3: 97% clipped, lr 0.28,
    10 of 20; clip at 10 almost never acts?"""
    table = rnn["clip_table"][A]
    control, clip1, clip03, clip10 = table["no clipping"], table["clip at 1"], table["clip at 0.3"], table["clip at 10"]
    assert control["learning_rate"] == 0.07 and control["learned"] == 10 and control["stuck"] == 4
    assert clip1["learning_rate"] == 0.14 and clip1["learned"] == 10 and clip1["stuck"] == 0
    assert clip1["clipped"] == pytest.approx(0.2, abs=0.01)
    assert (clip1["wins"], clip1["losses"]) == (14, 6) and clip1["p"] == pytest.approx(0.12, abs=0.005)
    assert clip03["clipped"] == pytest.approx(0.97, abs=0.005) and clip03["learning_rate"] == 0.28
    assert clip03["learned"] == 10
    assert clip10["clipped"] < 0.01
    assert all(row["diverged"] == 0 for row in table.values())
    validation = median_validation(studies["clipping"][A]["no clipping"])
    assert all(np.isinf(v) for rate, v in validation.items() if rate >= 0.28)
    assert all(np.isfinite(v) for rate, v in validation.items() if rate < 0.28)
    assert all(np.all(np.isfinite(point["loss"])) for point in studies["clipping"][A]["clip at 1"]["grid"])


def test_setup_b_clipping_beats_the_tuned_control_and_still_barely_learns(rnn, studies):
    """3.4, setup B: control lr 0.035, 11 near 1/3, 2 learned, median 0.33; clip at 3: 11% clipped, lr 0.1, below the
    control in 16 of 20 (sign test 0.01), median 0.08, one near 1/3, 3 learned; clip at 1 acts on 64%, 0.3 on 95%?"""
    table = rnn["clip_table"][B]
    control, clip3 = table["no clipping"], table["clip at 3"]
    assert control["learning_rate"] == 0.035 and control["stuck"] == 11 and control["learned"] == 2
    assert control["median"] == pytest.approx(0.33, abs=0.005)
    assert clip3["learning_rate"] == 0.1 and clip3["clipped"] == pytest.approx(0.11, abs=0.01)
    assert (clip3["wins"], clip3["losses"]) == (16, 4) and clip3["p"] == pytest.approx(0.01, abs=0.005)
    assert clip3["median"] == pytest.approx(0.08, abs=0.005) and clip3["stuck"] == 1 and clip3["learned"] == 3
    assert table["clip at 1"]["clipped"] == pytest.approx(0.64, abs=0.01)
    assert table["clip at 0.3"]["clipped"] == pytest.approx(0.95, abs=0.01)
    assert max(row["learned"] for row in table.values()) == 3
    validation = median_validation(studies["clipping"][B]["no clipping"])
    assert all(np.isinf(v) for rate, v in validation.items() if rate >= 0.14)
    assert all(np.isfinite(v) for rate, v in validation.items() if rate < 0.14)
    assert validation[0.035] == pytest.approx(0.12, abs=0.005)


def test_the_best_thresholds_act_on_a_minority_of_iterations(rnn):
    """3.4: 'the thresholds that did best acted on 20% (A) and 11% (B) of iterations'?"""
    for setup, tau in [(A, "clip at 1"), (B, "clip at 3")]:
        clipped = {label: row for label, row in rnn["clip_table"][setup].items() if label != "no clipping"}
        assert min(clipped, key=lambda label: clipped[label]["median"]) == tau
        assert clipped[tau]["clipped"] < 0.25


def test_your_functions_reproduce_the_cached_points(rnn, studies):
    """3.4: the live runs of the control and of clipping at 1 give back the cached test losses (the reference exactly)?"""
    for label in ("no clipping", "clip at 1"):
        np.testing.assert_allclose(rnn["live"][label], studies["clipping"][A][label]["test"]["loss"], rtol=1e-9)


def test_the_live_traces_are_what_the_text_says(rnn):
    """3.4: median norm about 0.65 in both; largest 103 (clipped) and 81 (control); 24% clipped, 28% of the first 50,
    23% of the last 100; the control's typical step 0.07 x 0.65, about 0.05?"""
    clipped, control = np.array(rnn["clipped_norms"]), np.array(rnn["control_norms"])
    assert np.median(clipped) == pytest.approx(0.65, abs=0.03) and np.median(control) == pytest.approx(0.65, abs=0.01)
    assert np.max(clipped) == pytest.approx(103, abs=1) and np.max(control) == pytest.approx(81, abs=1)
    assert np.mean(clipped > 1) == pytest.approx(0.24, abs=0.005)
    assert np.mean(clipped[:, :50] > 1) == pytest.approx(0.28, abs=0.005)
    assert np.mean(clipped[:, -100:] > 1) == pytest.approx(0.23, abs=0.005)
    assert 0.07 * np.median(control) == pytest.approx(0.05, abs=0.005)


def test_question_four_angles(rnn):
    """Question 4(a): clipping (4, 0 | 0, 1) at 1 by value or per array leaves it 31 degrees off; by global norm, 0?"""
    assert rnn["angles"]["value"] == pytest.approx(31, abs=0.5)
    assert rnn["angles"]["norm"] == pytest.approx(31, abs=0.5)
    assert rnn["angles"]["global norm"] == pytest.approx(0, abs=1e-6)


def test_the_initialisations_in_training(rnn, studies):
    """3.5: tanh/Q 10 of 20 learned (median 0.05), tanh/Gaussian 5 (0.09); ReLU with Q or Gaussian ends in [0.34, 0.35]
    and no grid point goes below 1/3; IRNN all runs in 0.12-0.24 (median 0.16), none learned, 96% clipped, and
    unclipped it diverged from 0.1 on and stayed near 1/3 below?"""
    table = rnn["init_table"]
    assert table["tanh, orthogonal"]["learned"] == 10 and table["tanh, orthogonal"]["median"] == pytest.approx(0.05, abs=0.005)
    assert table["tanh, gaussian"]["learned"] == 5 and table["tanh, gaussian"]["median"] == pytest.approx(0.09, abs=0.005)
    assert max(table, key=lambda label: table[label]["learned"]) == "tanh, orthogonal"
    for label in ("relu, orthogonal", "relu, gaussian"):
        loss = studies["initialisation"][label]["test"]["loss"]
        assert np.all((loss > 0.335) & (loss < 0.355)) and table[label]["learned"] == 0
        assert all(np.median(point["loss"]) >= BASELINE - 1e-3 for point in studies["initialisation"][label]["grid"])
    irnn = studies["initialisation"]["IRNN (relu, identity)"]
    assert np.all((irnn["test"]["loss"] > 0.115) & (irnn["test"]["loss"] < 0.245))
    assert table["IRNN (relu, identity)"]["median"] == pytest.approx(0.16, abs=0.005)
    assert table["IRNN (relu, identity)"]["learned"] == 0
    assert table["IRNN (relu, identity)"]["max_norm"] == 1.0
    assert table["IRNN (relu, identity)"]["clipped"] == pytest.approx(0.96, abs=0.005)
    unclipped = [point for point in irnn["grid"] if point["max_norm"] is None]
    assert all(np.any(np.isinf(point["loss"])) for point in unclipped if point["learning_rate"] >= 0.1)
    assert all(np.median(point["loss"]) > 0.9 * BASELINE for point in unclipped)
    others = [label for label in table if label.startswith("relu")]
    assert all(table["IRNN (relu, identity)"]["median"] < table[label]["low"] for label in others)
