"""Similarity of the answer cells across a batch, fingerprinted by copydetect (winnowing, as MOSS does).

Each submission's code answer cells are joined, in the order of the trusted notebook, into one
Python document; copydetect tokenises it (names become ``V``, strings ``S``, comments and layout
vanish), every k-gram is hashed (with a hash that is the same in every process, so a class gets the
same numbers on every run) and the winnowed fingerprints are kept. Every k-gram of the code every
student is given (the released answer cells with their signatures, docstrings and
``raise NotImplementedError()``, and the setup and test cells) is removed first, so two untouched
stubs share nothing. A pair's similarity is the larger of its two shares: the fraction of one
submission's fingerprinted code found in the other (a student who copied everything and added
code still shows 100% on the copied side).

Renaming variables, reformatting and moving functions or cells around leave the fingerprints as
they were; independent solutions of the same short functions share some, which is why a pair is
flagged only from :data:`THRESHOLD` on (measured on a synthetic class in the tests). A flag is a
reason to read two submissions side by side, never a verdict.
"""

import hashlib
import itertools
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import nbformat
import numpy as np
from copydetect import compare_files
from copydetect.utils import filter_code, get_token_coverage, winnow

from autograder.checking.reference import SolutionsNotFound, find_release_notebook
from autograder.grading import notebook_cells
from autograder.grading.isolated import infer_assignment
from autograder.grading.submission_files import find_notebook
from autograder.notebook_json import notebook_from_text
from autograder.reports.rendering import render
from autograder.results import student_of
from autograder.text_safety import safe_text

THRESHOLD = 0.5
"""Pairs at least this similar are flagged (copies in the tests score above it, independent solutions below)."""

NOISE = 25
"""copydetect's noise threshold: matches shorter than this many filtered characters are ignored."""

GUARANTEE = 30
"""copydetect's guarantee threshold: matches at least this long are always found."""

MAX_CELL_CHARACTERS = 20_000
"""The most of one answer cell compared (a reference answer is a few thousand characters; copydetect
takes about a second per hundred thousand, so a megabyte-long cell is cut rather than compared)."""


@dataclass(frozen=True)
class Answers:
    """The code one student wrote: their answer cells by grade id, in the trusted notebook's order.

    Attributes:
        student: who wrote it; submission: where it was read from.
        cells: grade id -> source of each code answer cell.
        note: why nothing could be read, or empty.
    """

    student: str
    submission: str
    cells: dict[str, str]
    note: str = ""

    @property
    def document(self) -> str:
        """The cells joined into one Python document, each under a comment naming its grade id."""
        return "".join(f"# cell {grade_id}\n{source.rstrip()}\n\n" for grade_id, source in self.cells.items())

    def cell_spans(self) -> list[tuple[str, int, int]]:
        """``(grade id, start, end)`` of each cell's source in :attr:`document`."""
        spans, position = [], 0
        for grade_id, source in self.cells.items():
            start = position + len(f"# cell {grade_id}\n")
            end = start + len(source.rstrip())
            spans.append((grade_id, start, end))
            position = end + 2
        return spans


@dataclass(frozen=True)
class SimilarPair:
    """Two submissions and how much of their code they share.

    Attributes:
        first, second: the two students' answers.
        shares: the fraction of each one's fingerprinted code found in the other.
        tokens: how many filtered characters of the first are shared.
    """

    first: Answers
    second: Answers
    shares: tuple[float, float]
    tokens: int

    @property
    def similarity(self) -> float:
        """The larger of the two shares."""
        return max(self.shares)


def stub_code(assignment: str) -> str:
    """The code every student is given: the release's answer, setup and test cells (empty if no release)."""
    try:
        release = nbformat.read(find_release_notebook(assignment), as_version=4)
    except (SolutionsNotFound, OSError, ValueError):
        return ""
    cells = [
        *notebook_cells.answer_cells(release),
        *notebook_cells.setup_cells(release),
        *notebook_cells.test_cells(release),
    ]
    return "\n\n".join(cell.source for cell in cells)


def read_answers(submission: str, *, assignment: str | None = None) -> tuple[Answers, str]:
    """The code answer cells of a submission (a notebook or a folder holding one) and its assignment.

    The notebook is read as grading reads it (:mod:`autograder.grading.submission_files`: never
    through a link, bounded). An unreadable submission, or one of an assignment no one knows, gives
    no cells and a note saying why.
    """
    name = assignment or Path(submission).stem
    try:
        located = find_notebook(submission, assignment)
        notebook = notebook_from_text(located.read().decode("utf-8"))
        name = assignment or infer_assignment(located.path, notebook)
    except Exception as error:  # noqa: BLE001 - whatever is wrong with it, it is a note
        note = safe_text(f"could not be read ({type(error).__name__}: {str(error)[:200]})")
        return Answers(student_of(submission, name), submission, {}, note), name
    cells: dict[str, str] = {}
    for cell in notebook_cells.answer_cells(notebook):
        cells.setdefault(cell.grade_id, safe_text(cell.source[:MAX_CELL_CHARACTERS]))
    return Answers(student_of(submission, name), submission, dict(sorted(cells.items()))), name


def kgram_hashes(text: str, k: int = NOISE) -> np.ndarray:
    """The hash of every ``k``-gram of ``text``, the same in every process.

    copydetect hashes k-grams with Python's ``hash()``, which every process salts afresh
    (``PYTHONHASHSEED``): its winnowing would keep other fingerprints on every run, and the same
    class would get other numbers from one run to the next. This hash does not change.
    """
    return np.array(
        [
            int.from_bytes(hashlib.blake2b(text[i : i + k].encode("utf-8"), digest_size=8).digest(), "little", signed=True)
            for i in range(len(text) - k + 1)
        ],
        dtype=np.int64,
    )


@dataclass(frozen=True)
class Fingerprint:
    """A document as copydetect's ``compare_files`` reads it.

    Its filtered tokens, where filtering removed characters, its fingerprints and where each one
    stands, and how many tokens they cover.
    """

    filtered_code: str
    offsets: np.ndarray
    hashes: set[int]
    hash_idx: dict[int, list[int]]
    token_coverage: float
    k: int = NOISE


def fingerprint(text: str, boilerplate: np.ndarray | None = None) -> Fingerprint:
    """The winnowed fingerprint of Python code, hashed by :func:`kgram_hashes`, without any k-gram of the boilerplate."""
    filtered, offsets = filter_code(text, "answers.py")
    hashes, where = winnow(kgram_hashes(filtered), GUARANTEE - NOISE + 1, remove_duplicates=False)
    if boilerplate is not None and boilerplate.size:
        kept = ~np.isin(hashes, boilerplate)
        hashes, where = hashes[kept], where[kept]
    positions: dict[int, list[int]] = {}
    for value, index in zip(hashes.tolist(), where.tolist()):
        positions.setdefault(value, []).append(index)
    coverage = get_token_coverage(positions, NOISE, len(filtered))
    return Fingerprint(filtered, offsets, set(positions), positions, coverage)


def boilerplate_hashes(stub: str) -> np.ndarray:
    """Every k-gram of the code every student is given, not only its winnowed fingerprints.

    A k-gram of the stub that the stub's own winnowing passed over can be chosen in a submission,
    where the code around it differs: leaving out only the stub's fingerprints would leave such
    k-grams in, and two untouched stubs would share them.
    """
    if not stub.strip():
        return np.array([], dtype=np.int64)
    return np.unique(kgram_hashes(fingerprint(stub).filtered_code))


def similar_pairs(answers: list[Answers], *, stub: str = "") -> list[SimilarPair]:
    """Every pair of submissions with their shares, most similar first (ties by student names).

    Args:
        answers: each student's code (see :func:`read_answers`).
        stub: the code every student is given (see :func:`stub_code`), left out of the comparison.
    """
    boilerplate = boilerplate_hashes(stub)
    prints = [fingerprint(a.document, boilerplate) for a in answers]
    pairs = []
    for (i, first), (j, second) in itertools.combinations(enumerate(answers), 2):
        if not prints[i].hashes & prints[j].hashes:
            pairs.append(SimilarPair(first, second, (0.0, 0.0), 0))
            continue
        tokens, shares, _ = compare_files(prints[i], prints[j])
        pairs.append(SimilarPair(first, second, (float(shares[0]), float(shares[1])), int(tokens)))
    return sorted(pairs, key=lambda p: (-p.similarity, p.first.student, p.second.student))


Segment = tuple[str, bool]
"""A run of a cell's source, and whether it is shared with the other submission."""


def highlighted_cells(pair: SimilarPair, *, stub: str = "") -> tuple[list[tuple[str, list[Segment]]], list[tuple[str, list[Segment]]]]:
    """Each submission's cells as runs of text, the runs shared with the other marked, for side by side."""
    boilerplate = boilerplate_hashes(stub)
    first, second = fingerprint(pair.first.document, boilerplate), fingerprint(pair.second.document, boilerplate)
    _, _, (slices_first, slices_second) = compare_files(first, second)
    return segments(pair.first, slices_first), segments(pair.second, slices_second)


def segments(answers: Answers, slices: np.ndarray) -> list[tuple[str, list[Segment]]]:
    """The cells of ``answers`` cut into runs, copied or not, by copydetect's slices of its document."""
    document = answers.document
    copied = np.zeros(len(document) + 1, dtype=bool)
    if slices.size:
        for start, end in zip(*slices):
            copied[int(start) : int(end)] = True
    cells = []
    for grade_id, start, end in answers.cell_spans():
        runs: list[Segment] = []
        for flag, group in itertools.groupby(range(start, end), key=lambda index: bool(copied[index])):
            indices = list(group)
            runs.append((document[indices[0] : indices[-1] + 1], flag))
        cells.append((grade_id, runs))
    return cells


def similarity_document(pairs: list[SimilarPair], *, threshold: float = THRESHOLD) -> dict:
    """The pairs as JSON-ready data, most similar first: students, submissions, shares, flagged."""
    return {
        "threshold": threshold,
        "pairs": [
            {
                "first": pair.first.student,
                "second": pair.second.student,
                "first_submission": pair.first.submission,
                "second_submission": pair.second.submission,
                "similarity": round(pair.similarity, 4),
                "shares": [round(share, 4) for share in pair.shares],
                "flagged": pair.similarity >= threshold,
            }
            for pair in pairs
        ],
    }


def similarity_html(
    pairs: list[SimilarPair],
    *,
    assignment: str,
    stub: str = "",
    threshold: float = THRESHOLD,
    shown: int = 50,
    unreadable: list[str] | None = None,
    generated: datetime | None = None,
) -> str:
    """The similarity report: the most similar pairs, and side by side the cells of the ``shown`` first.

    Only cells holding shared code are shown side by side; the table lists every pair given.
    """
    students = {p.first.student for p in pairs} | {p.second.student for p in pairs}
    rows = [
        {
            "pair": pair,
            "flagged": pair.similarity >= threshold,
            "cells": _shared_cells(pair, stub) if index < shown and pair.similarity > 0 else None,
        }
        for index, pair in enumerate(pairs)
    ]
    return render(
        "similarity.html.j2",
        assignment=assignment,
        pairs=rows,
        students=len(students) + len(unreadable or []),
        compared=len(pairs),
        flagged=sum(row["flagged"] for row in rows),
        threshold=threshold,
        noise=NOISE,
        window=GUARANTEE - NOISE + 1,
        unreadable=unreadable or [],
        generated=(generated or datetime.now(timezone.utc)).strftime("%Y-%m-%d %H:%M UTC"),
    )


def _shared_cells(pair: SimilarPair, stub: str):
    """Both sides' cells, keeping only the cells where either side has shared code."""
    first, second = highlighted_cells(pair, stub=stub)
    shared = {g for cells in (first, second) for g, runs in cells if any(copied for _, copied in runs)}
    return (
        [(g, runs) for g, runs in first if g in shared],
        [(g, runs) for g, runs in second if g in shared],
    )


def compare_submissions(
    submissions: list[str], *, assignment: str | None = None
) -> tuple[list[SimilarPair], str, str, list[str]]:
    """Read the submissions and compare every readable pair.

    Returns:
        The pairs (most similar first), the assignment, the stub code left out, and the
        submissions that could not be read (with why).

    Raises:
        ValueError: when fewer than two submissions can be read, or they are of several assignments.
    """
    read = [read_answers(s, assignment=assignment) for s in submissions]
    names = sorted({name for answers, name in read if not answers.note})
    if len(names) > 1:
        raise ValueError(f"submissions of several assignments ({', '.join(names)}): compare one at a time")
    readable = [answers for answers, _ in read if not answers.note]
    unreadable = [f"{answers.student} ({answers.note})" for answers, _ in read if answers.note]
    if len(readable) < 2:
        raise ValueError(f"at least two readable submissions are needed, got {len(readable)}")
    stub = stub_code(names[0])
    return similar_pairs(readable, stub=stub), names[0], stub, unreadable
