"""Similarity: disguised copies rank above independent solutions, with the stub code left out."""

import json
import os
import subprocess
import sys

import nbformat
import pytest
from support.synthetic_class import COPIES, INDEPENDENT, RELEASE, release_stubs, synthetic_class

from autograder.cli import main
from autograder.instructor.submissions import with_answers
from autograder.reports.similarity import THRESHOLD, Answers, similar_pairs, similarity_html, stub_code


@pytest.fixture(scope="module")
def students():
    return synthetic_class()


@pytest.fixture(scope="module")
def pairs(students):
    return similar_pairs(
        [Answers(name, name, cells) for name, cells in students.items()], stub=stub_code("rnn")
    )


def names(pair) -> frozenset:
    return frozenset((pair.first.student, pair.second.student))


def test_copies_rank_on_top_and_independent_solutions_below_the_threshold(pairs):
    """Do the renamed, reordered and disguised copies take the three first places, each above 0.5, every other pair below?"""
    copies = {frozenset(pair) for pair in COPIES.items()}
    assert {names(p) for p in pairs[:3]} == copies
    assert all(p.similarity >= THRESHOLD for p in pairs[:3])
    assert all(p.similarity < THRESHOLD for p in pairs[3:])
    independent = [p for p in pairs if names(p) <= set(INDEPENDENT)]
    assert len(independent) == 6 and max(p.similarity for p in independent) < 0.4


def test_stub_code_is_left_out(students):
    """Do two students who left every cell as released share nothing, though their cells are identical?"""
    stubs = release_stubs()
    pairs = similar_pairs([Answers("a", "a", stubs), Answers("b", "b", dict(stubs))], stub=stub_code("rnn"))
    assert pairs[0].similarity == 0
    without_stub = similar_pairs([Answers("a", "a", stubs), Answers("b", "b", dict(stubs))], stub="")
    assert without_stub[0].similarity > 0.9  # the stub alone would look like a copy


def test_the_html_shows_the_pairs_side_by_side_with_shared_code_marked(pairs):
    """Are the copies' cells side by side, shared code in <mark>, and the names escaped?"""
    hostile = [p for p in pairs[:2]]
    html = similarity_html(hostile, assignment="rnn", stub=stub_code("rnn"))
    assert html.count('class="pair flagged"') == 2
    assert "<mark>" in html and 'class="sides"' in html
    assert "http" not in html.split("<body>", 1)[1].split("Generated", 1)[0]


def test_the_command_lists_pairs_in_json_most_similar_first(students, tmp_path, capsys):
    """Does `autograder similarity --format json` read notebooks and list the pairs, most similar first, the copies flagged?"""
    release = nbformat.read(RELEASE, as_version=4)
    for name in ("reference", "loops", "reference_disguised"):
        folder = tmp_path / "submitted" / name / "rnn"
        folder.mkdir(parents=True)
        nbformat.write(with_answers(release, students[name]), folder / "rnn.ipynb")
    (tmp_path / "submitted" / "broken" / "rnn").mkdir(parents=True)
    (tmp_path / "submitted" / "broken" / "rnn" / "rnn.ipynb").write_text("not json")
    status = main(["similarity", str(tmp_path / "submitted" / "*" / "rnn"), "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    assert status == 0
    first = document["pairs"][0]
    assert {first["first"], first["second"]} == {"reference", "reference_disguised"} and first["flagged"]
    assert [p["similarity"] for p in document["pairs"]] == sorted(
        (p["similarity"] for p in document["pairs"]), reverse=True
    )
    assert len(document["pairs"]) == 3 and document["unreadable"][0].startswith("broken (could not be read")


def test_fewer_than_two_readable_submissions_is_a_one_line_error(tmp_path, capsys):
    """Is a batch with one notebook refused with exit status 2 and one line on stderr?"""
    (tmp_path / "rnn.ipynb").write_text("{}")
    assert main(["similarity", str(tmp_path / "rnn.ipynb"), "--assignment", "rnn"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("autograder similarity: at least two readable submissions") and err.count("\n") == 1


def test_a_stub_left_among_answers_shares_nothing_with_the_untouched_release(students):
    """Does an untouched release share nothing with a class whose members left one function or another a stub?

    The release's stub of ``rnn_backward`` sits in their notebook among other code, where winnowing
    may choose other k-grams of it than in the release alone: every k-gram of the release must go.
    """
    stubs = release_stubs()
    classmates = [
        Answers(name, name, {**cells, function: stubs[function]})
        for name, cells in students.items()
        for function in ("rnn_backward", "clip_by_norm", "sigmoid")
    ]
    pairs = similar_pairs([Answers("untouched", "untouched", stubs), *classmates], stub=stub_code("rnn"))
    assert all(p.similarity == 0 for p in pairs if "untouched" in names(p))


def test_the_same_class_gets_the_same_numbers_in_every_process(students, tmp_path):
    """Do two runs of `autograder similarity`, with Python's string hash salted differently, give the same document?"""
    release = nbformat.read(RELEASE, as_version=4)
    for name, cells in students.items():
        folder = tmp_path / "submitted" / name / "rnn"
        folder.mkdir(parents=True)
        nbformat.write(with_answers(release, cells), folder / "rnn.ipynb")
    documents = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-m", "autograder", "similarity", str(tmp_path / "submitted" / "*" / "rnn"), "--format", "json"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        documents.append(json.loads(done.stdout))
    assert documents[0]["pairs"] == documents[1]["pairs"]
