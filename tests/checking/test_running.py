"""How a check's cases are run, judged over their examples, and counted (autograder/checking/running.py, judging.py)."""

import pytest

from autograder.checking.case import Case, CheckFailed, SetAside
from autograder.checking.judging import judge_each
from autograder.checking.running import NOT_COUNTED_YET, PARTLY_NOT_COUNTED_YET, run_cases


def passes():
    return None


def fails():
    raise CheckFailed("wrong")


def half(outputs=("dx", "dh0")):
    def run():
        raise CheckFailed("dh0 is wrong", outputs=outputs, wrong=frozenset({"dh0"}))

    return run


class TestCounting:
    def test_a_case_that_is_not_fresh_counts_only_with_a_fresh_case_that_earns_points(self):
        """Do known answers that pass earn nothing while the fresh case fails, and say so?"""
        results = run_cases(
            "sigmoid", [Case("known answers", 1, passes), Case("values", 1, fails, fresh=True)]
        )
        assert [r.points for r in results] == [0.0, 0.0]
        assert results[0].message == NOT_COUNTED_YET

    def test_any_points_of_a_fresh_case_count(self):
        """Does a fresh case that earns half its points make the other cases count?"""
        results = run_cases(
            "rnn_backward", [Case("known answers", 1, passes), Case("gradients", 1, half(), fresh=True)]
        )
        assert [r.points for r in results] == [1.0, 0.5]

    def test_a_partly_passed_case_keeps_its_failure_and_says_the_rest_is_not_counted_yet(self):
        """Does a case earning a share, without a fresh case earning points, keep its message and earn nothing?"""
        results = run_cases(
            "rnn_backward", [Case("known answers", 1, half()), Case("gradients", 1, fails, fresh=True)]
        )
        assert results[0].points == 0.0
        assert results[0].message == f"dh0 is wrong\n{PARTLY_NOT_COUNTED_YET}"

    def test_a_run_without_fresh_cases_counts_as_it_is(self):
        """Are the cases of a run with no fresh case (a check's hidden part built elsewhere) counted as they are?"""
        assert [r.points for r in run_cases("sigmoid", [Case("known answers", 1, passes)])] == [1.0]

    def test_points_are_earned_to_the_hundredth(self):
        """Is a share of a third of 1.25 points earned as 0.42, not 0.41666...?"""

        def a_third():
            raise CheckFailed("wrong", share=1 / 3)

        results = run_cases("sigmoid", [Case("values", 1.25, a_third, fresh=True)])
        assert results[0].points == 0.42


def judged(examples, failures):
    """judge_each over labelled examples, each failing as ``failures`` says (nothing, a failure or a set-aside)."""

    def judge(example):
        failure = failures.get(example["label"])
        if failure is not None:
            raise failure

    return judge_each(((e["label"], e) for e in examples), judge, part_of=lambda e: e["part"])


def examples(*parts):
    return [{"label": f"{part} {i}", "part": part} for i, part in enumerate(parts)]


class TestJudging:
    def test_each_part_earns_its_share(self):
        """Does a failure in one of three parts cost a third of the case?"""
        with pytest.raises(CheckFailed) as failed:
            judged(examples("tanh", "sigmoid", "relu"), {"sigmoid 1": CheckFailed("wrong")})
        assert failed.value.share == pytest.approx(2 / 3)

    def test_an_output_is_right_only_where_it_is_right_on_every_example_of_its_part(self):
        """Are dx wrong on one example and dh0 on another both counted wrong, for a share of 0?"""
        failures = {
            "tanh 0": CheckFailed("dx", outputs=("dx", "dh0"), wrong=frozenset({"dx"})),
            "tanh 1": CheckFailed("dh0", outputs=("dx", "dh0"), wrong=frozenset({"dh0"})),
        }
        with pytest.raises(CheckFailed) as failed:
            judged(examples("tanh", "tanh"), failures)
        assert failed.value.share == 0.0 and str(failed.value).startswith("dx")

    def test_a_minority_set_aside_leaves_the_case_judged_on_the_others_with_a_note(self):
        """Do examples spoiled by a helper cost nothing while they are fewer than the others, and say so?"""
        note = judged(
            examples("tanh", "tanh", "tanh"), {"tanh 0": SetAside("forward wrong", sources=("rnn_forward",))}
        )
        assert "1 of 3 examples were set aside, not charged: your rnn_forward failed on them" in note

    def test_a_majority_set_aside_leaves_the_case_unjudged(self):
        """When most examples are spoiled by a helper, is the case unjudged rather than passed on the few left?"""
        spoiled = SetAside("forward wrong", sources=("rnn_forward",))
        with pytest.raises(SetAside) as unjudged:
            judged(examples("tanh", "tanh", "tanh"), {"tanh 0": spoiled, "tanh 1": spoiled})
        assert "could not judge your code" in str(unjudged.value) and "2 of 3" in str(unjudged.value)
