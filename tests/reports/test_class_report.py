"""The class report and the feedback pages, from a class graded in this process with planted mistakes."""

import re

import pytest
from support.graded_class import CLASS

from autograder.reports.class_report import class_report_html
from autograder.reports.class_statistics import class_statistics, latest_per_student, summary_sentences
from autograder.reports.feedback import feedback_page, file_name, page_text, write_feedback
from autograder.results import CaseResult, Mistake, SubmissionResult, TestResult


@pytest.fixture(scope="module")
def results(graded_results):
    return graded_results


@pytest.fixture(scope="module")
def stats(results):
    return class_statistics(results)


class TestClassStatistics:
    def test_mistakes_are_counted_by_id_with_who_made_them_most_costly_first(self, stats):
        """Is "weights not accumulated" made by the four students who overwrote dWh, at its cost, and are costs descending?"""
        (overwritten,) = [m for m in stats.mistakes if m.id == "weights-not-accumulated"]
        assert overwritten.function == "rnn_backward"
        assert overwritten.students == tuple(
            sorted(s for s, kinds in CLASS.items() if "overwrites_dWh" in kinds)
        )
        costs = [m.points_lost for m in stats.mistakes]
        assert costs == sorted(costs, reverse=True)
        # dWh is one gradient of five: each overwriting student lost a fifth of the known answers (1.4), the
        # gradient check (2.8) and the hidden case (2.6)
        assert overwritten.points_lost == pytest.approx(4 * (1.4 + 2.8 + 2.6) / 5)

    def test_the_summary_states_the_share_of_the_class_and_the_cost(self, stats):
        """Does the written summary name the costliest mistake, the share of the class that made it, and its cost?"""
        sentences = summary_sentences(stats)
        top = stats.mistakes[0]
        assert sentences[0].startswith("9 students submitted rnn")
        assert sentences[1].startswith(
            f"The class lost {stats.points_lost:g} autograded points; 100% of them"
        )
        share = f"{round(100 * len(top.students) / 9)}% of the class ({len(top.students)} student"
        assert share in sentences[2] and f"\u201c{top.label}\u201d in {top.function}" in sentences[2]
        assert f"{top.points_lost:g} points" in sentences[2]

    def test_case_pass_rates_count_passes_and_recognised_failures(self, stats):
        """Does the hidden rnn_backward case pass for 3 of the 8 students who ran it, with every failure recognised?"""
        (case,) = [c for c in stats.cases if c.test == "rnn_backward (hidden)"]
        assert (case.passed, case.failed, case.explained) == (3, 5, 5)
        assert case.pass_rate == pytest.approx(3 / 8)

    def test_scores_and_points_per_function(self, stats, results):
        """Are the scores the results' autograded scores, and each function's points public plus hidden?"""
        assert stats.scores == tuple(r.score for r in results)
        earned, maximum = stats.functions["rnn_backward"]
        assert (
            maximum == 7 and earned[0] == 7 and earned[1] == pytest.approx(7 - (1.4 + 2.8 + 2.6) / 5)
        )  # dWh: one of five gradients of the known answers, the gradient check and the hidden case
        assert (stats.autograded_max, stats.pending_max, stats.full_marks, stats.zeros) == (12.5, 2, 2, 1)

    def test_notes_are_grouped_with_their_students(self, stats):
        """Is the unreadable notebook's note listed with ivy?"""
        assert list(stats.notes.values()) == [("ivy",)]

    def test_the_latest_result_of_a_student_is_kept(self, results):
        """Of two results of one student, is the later submitted kept and the other listed as left out?"""
        older = SubmissionResult(
            "old/ada.ipynb", "rnn", results[0].tests, student="ada", submitted_at="2026-02-01T00:00:00+00:00"
        )
        kept, left_out = latest_per_student([older, *results])
        assert kept == results and left_out == ["old/ada.ipynb"]

    def test_bad_input_is_refused_with_a_reason(self, results):
        """Are no results, or results of two assignments, refused with a one-line reason?"""
        with pytest.raises(ValueError, match="no results"):
            class_statistics([])
        with pytest.raises(ValueError, match=r"several assignments \(lstm, rnn\)"):
            class_statistics([*results, SubmissionResult("x.ipynb", "lstm", ())])


class TestClassReportPage:
    def test_the_page_is_self_contained_with_every_section(self, results):
        """Does the page embed its figures, load nothing from the network, and hold every section?"""
        html = class_report_html(results)
        assert html.count('src="data:image/png;base64,') == 4  # scores, functions, mistakes, submission times
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
        for section in (
            "summary",
            "scores",
            "mistakes",
            "causes",
            "recognised",
            "functions",
            "times",
            "cases",
            "students",
            "notes",
        ):
            assert f'id="{section}"' in html
        assert "weights not accumulated" in html and "hal" in html

    def test_hostile_text_is_escaped(self):
        """Does a student id or mistake text holding markup come out escaped, never as markup?"""
        mistake = Mistake("weights-not-accumulated", "<script>alert(1)</script>")
        case = CaseResult("f", "<b>case</b>", 0.0, 1.0, "m", mistake=mistake)
        test = TestResult("f", "f", 0.0, 1.0, "failed", cases=(case,))
        html = class_report_html([SubmissionResult("x/<img src=x onerror=alert(1)>.ipynb", "rnn", (test,))])
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>case" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


class TestFeedback:
    def test_a_page_shows_the_students_own_failures_with_how_to_reproduce(self, results):
        """Does ben's page list each failed case with its message, the hidden case's rebuild call, and no one else?"""
        ben = results[1]
        page = feedback_page(ben)
        text = page_text(page)
        assert [f.case for f in page.failures if f.test == "rnn_backward (hidden)"] == [
            "matches the reference for every activation and shape"
        ]
        assert re.search(r"hidden_cases\.inputs\(&#39;rnn_backward&#39;, \d+, seed=2013\)", text)
        assert "seed 2013" in text and "weights not accumulated" in text
        assert "run the test cell `test_rnn_backward`" in text
        others = [s for s in CLASS if s != "ben"]
        assert not any(re.search(rf"\b{other}\b", text) for other in others)

    def test_a_page_shows_nothing_the_result_does_not_expose(self, results):
        """Does a hidden case show only its message as the results hold it, and no protections of the grader?"""
        ben = results[1]
        shown = SubmissionResult(
            ben.submission, "rnn", ben.tests, protections=("bubblewrap", "no sockets"), student="ben"
        )
        text = page_text(feedback_page(shown), format="markdown")
        assert "bubblewrap" not in text and "no sockets" not in text
        hidden_messages = [c.message for t in ben.tests if t.hidden for c in t.cases if not c.passed]
        assert all(message in text for message in hidden_messages)
        assert hidden_messages and not any("DESIRED" in m or "difference:" in m for m in hidden_messages)

    def test_markdown_puts_hostile_text_in_code_blocks(self):
        """Can a message with backticks and HTML break out of its code block in the Markdown page?"""
        case = CaseResult("f", "c", 0.0, 1.0, "```\n<script>x</script>")
        test = TestResult("f", "f", 0.0, 1.0, "failed", cases=(case,))
        result = SubmissionResult("m.ipynb", "rnn", (test,), student="<b>mallory</b>")
        text = page_text(feedback_page(result), format="markdown")
        assert "````text\n```\n<script>x</script>\n````" in text
        assert "&lt;b&gt;mallory&lt;/b&gt;" in text

    def test_pages_are_written_one_per_student_inside_the_directory(self, results, tmp_path):
        """Is there one page per student, named after them, and can no student id escape the directory?"""
        hostile = SubmissionResult("x.ipynb", "rnn", (), student="../../etc/passwd")
        paths = write_feedback([*results, hostile], tmp_path / "feedback")
        assert [p.name for p in paths[:2]] == ["ada.html", "ben.html"]
        assert all(p.parent == tmp_path / "feedback" for p in paths)
        assert file_name("ada", {"ada.html"}, ".html") == "ada-2.html"


def test_a_functions_unexplained_failures_go_to_the_mistake_named_in_its_other_cases():
    """When one case names dWh's mistake, are the same function's other unexplained losses put down to it, and another function's not?"""
    named = Mistake("weights-not-accumulated", "dWh is overwritten at every step.")
    cases = (
        CaseResult("rnn_backward", "known answers", 0.0, 1.0, "Likely mistake: dWh is overwritten", mistake=named),
        CaseResult("rnn_backward", "gradient check", 0.0, 2.0, "dWh differs from centered differences"),
    )
    other = (CaseResult("clip_by_norm", "known answers", 0.0, 1.5, "the norm is wrong"),)
    result = SubmissionResult(
        "submitted/ada/rnn/rnn.ipynb",
        "rnn",
        (
            TestResult("rnn_backward", "rnn_backward", 0.0, 3.0, "failed", cases=cases),
            TestResult("clip_by_norm", "clip_by_norm", 0.0, 1.5, "failed", cases=other),
        ),
        student="ada",
    )
    causes = class_statistics([result]).causes
    assert causes["a recognised mistake"] == (1.0, ("ada",))
    assert causes["the same function's recognised mistake (named in another of its cases)"] == (2.0, ("ada",))
    assert causes["not recognised: read the code"] == (1.5, ("ada",))
