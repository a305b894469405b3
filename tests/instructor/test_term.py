"""A term, end to end: a class of 31 with the usual accidents, graded, marked, reviewed and exported.

The class hands rnn in through nbgrader's layout (``submitted/<student>/rnn/``). Every number a
student or the LMS receives is asserted, each composed from values stated elsewhere and computed
from the course, never from a run of this test: a function left as a stub costs its points (read
from the solution's test cells), the two classic mistakes cost what ``BUGGY_LOSES`` states, the
late policy below costs what its rules say, the written marks are the gradebook's.
"""

import csv
import io
import json
import os
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pytest
from support.grader_runs import BUGGY_LOSES
from support.hostile_submissions import POINTS, notebook_text
from support.nbgrader_gradebooks import alembic_on_path, nbgrader_gradebook
from support.synthetic_class import reordered

from autograder.checking.reference import find_release_notebook, find_solution_notebook
from autograder.cli import main
from autograder.demo import write_pages
from autograder.instructor.submissions import DEMO_MISTAKES, solution_answers, with_answers, with_mistake
from autograder.reports.class_statistics import class_statistics
from autograder.reports.results_files import read_results
from autograder.reports.similarity import THRESHOLD

DUE = datetime(2026, 3, 2, 23, 59, tzinfo=timezone.utc)
POLICY = f"""\
due = {DUE.isoformat()}
penalty_per_day = 10
cap = 25
grace_minutes = 15
late_days = 2

[extensions]
s05 = {{ rnn = 2 }}
"""
FULL = round(sum(POINTS.values()), 6)
WRITTEN = {"written_vanishing": 3.0, "written_exploding": 3.0, "written_relu": 3.0, "written_clipping": 3.0}
"""The written answers and their points (asserted against the solution notebook below)."""
DWH, PER_ARRAY = DEMO_MISTAKES["rnn"]


def late(days: float = 0.0, minutes: float = 0.0) -> datetime:
    """A submission time ``days`` and ``minutes`` after the due date (negative: before)."""
    return DUE + timedelta(days=days, minutes=minutes)


ON_TIME = DUE - timedelta(days=1)


def student(answers, *, notebook="rnn.ipynb", at=ON_TIME, lost=0.0, days=0, spent=0, penalty=0.0, **extra):
    """One student: their answers, how they handed them in, and what the term must make of it."""
    return {
        "answers": answers,
        "notebook": notebook,
        "at": at,
        "lost": lost,
        "days": days,
        "spent": spent,
        "penalty": penalty,
        **extra,
    }


def the_class() -> dict[str, dict]:
    """31 submissions: correct ones, a copy, mistakes, stubs, lateness and accidents."""
    source = nbformat.read(find_solution_notebook("rnn"), as_version=4)
    reference = solution_answers(source)
    dwh = with_mistake(reference, *DWH)
    per_array = with_mistake(reference, *PER_ARRAY)
    both = with_mistake(dwh, *PER_ARRAY)
    stub = lambda *names: {g: s for g, s in reference.items() if g not in names}  # noqa: E731
    students = {f"s{n:02d}": student(reference) for n in range(1, 31)}
    students |= {
        "s02": student(reference, notebook="rnn (1).ipynb"),
        "s03": student(reference, notebook="Copy of rnn.ipynb"),
        "s04": student(reference, at=None, mtime=late(5)),  # no timestamp.txt; the file's time is 5 days late
        "s05": student(reference, at=late(1.5), extension="2 days more"),
        "s06": student(reference, at=late(1, -60), days=1, spent=1),
        "s07": student(reference, at=late(2.5), days=3, spent=2, penalty=10.0),
        "s08": student(reference, at=late(5, 60), days=6, spent=2, penalty=25.0),
        "s09": student(reference, at=late(0, 10)),  # within the 15 minutes' grace
        "s19": student(reordered(both), lost=sum(BUGGY_LOSES.values())),  # s23's code, functions reordered
        "s20": student(dwh, lost=BUGGY_LOSES["rnn_backward"]),
        "s21": student(dwh, at=late(0, 14), lost=BUGGY_LOSES["rnn_backward"]),
        "s22": student(per_array, lost=BUGGY_LOSES["clip_by_global_norm"]),
        "s23": student(both, lost=sum(BUGGY_LOSES.values())),
        "s24": student(stub("rnn_backward"), lost=POINTS["rnn_backward"]),
        "s25": student(stub("clip_by_global_norm"), lost=POINTS["clip_by_global_norm"]),
        "s26": student(
            stub("growth_factor", "bptt_gradient_norms"),
            lost=POINTS["growth_factor"] + POINTS["bptt_gradient_norms"],
        ),
        "s27": student({}, lost=FULL),
        "s28": student(None, lost=FULL),  # not a notebook
        "s29": student(reference, draft=True),  # a second notebook beside rnn.ipynb
        "zed": student(reference),  # not on the roster
    }
    return students


MARKS = {
    ("s01", "written_vanishing"): (3.0, "Exactly: the product of Jacobians."),
    ("s01", "written_exploding"): (3.0, ""),
    ("s01", "written_relu"): (3.0, ""),
    ("s01", "written_clipping"): (3.0, ""),
    ("s07", "written_vanishing"): (2.0, "The bound is right; say when it is tight."),
    ("s07", "written_exploding"): (1.5, ""),
    ("s07", "written_relu"): (3.0, ""),
    ("s07", "written_clipping"): (0.0, "Clipping cannot help a vanishing gradient."),
    ("s20", "written_vanishing"): (3.0, ""),
    ("s20", "written_exploding"): (3.0, ""),
    ("s20", "written_relu"): (3.0, ""),
}
"""The marks a person gave in formgrader; every other written answer is not marked yet."""


def hand_in(course: Path, students: dict[str, dict]) -> list[Path]:
    """Write each submission in nbgrader's layout, with the timestamp ``nbgrader collect`` writes."""
    release = nbformat.read(find_release_notebook("rnn"), as_version=4)
    folders = []
    for name, who in students.items():
        folder = course / "submitted" / name / "rnn"
        folder.mkdir(parents=True)
        path = folder / who["notebook"]
        if who["answers"] is None:
            path.write_text("this is not a notebook\n")
        else:
            path.write_text(notebook_text(with_answers(release, who["answers"])))
        if who.get("draft"):
            (folder / "rnn-draft.ipynb").write_text(notebook_text(release))
        if who["at"] is not None:
            (folder / "timestamp.txt").write_text(f"{who['at']:%Y-%m-%d %H:%M:%S.%f} UTC\n")
        if "mtime" in who:
            os.utime(path, (who["mtime"].timestamp(), who["mtime"].timestamp()))
        folders.append(folder)
    return folders


def run(*arguments) -> tuple[int, str]:
    """An autograder command run here; its exit status and what it wrote on stderr."""
    error = io.StringIO()
    saved, sys.stderr = sys.stderr, error
    try:
        status = main([str(a) for a in arguments])
    finally:
        sys.stderr = saved
    return status, error.getvalue()


@pytest.fixture(scope="module")
def term(tmp_path_factory):
    """The term's files: the class graded twice (two seeds), the gradebook, the policy, the roster."""
    course = tmp_path_factory.mktemp("course")
    students = the_class()
    folders = hand_in(course, students)
    graded = {}
    for seed in (1, 2):
        output = course / f"results-{seed}.json"
        command = [sys.executable, "-m", "autograder", "grade", *map(str, folders), "--assignment", "rnn"]
        command += ["--jobs", "2", "--format", "json", "--output", str(output), "--seed", str(seed)]
        graded[seed] = subprocess.run(command, capture_output=True, text=True, timeout=900)
        assert output.exists(), graded[seed].stderr[-3000:]
    (course / "term.toml").write_text(POLICY)
    roster = course / "canvas-roster.csv"
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "rnn (4711)"]]
    rows += [[f"Student {n}", str(100 + n), f"U{n:03d}", f"s{n:02d}", "A", ""] for n in range(1, 32)]
    roster.write_text("\n".join(",".join(row) for row in rows) + "\n")
    with pytest.MonkeyPatch.context() as patch:  # nbgrader runs alembic, installed beside this interpreter
        patch.setenv("PATH", alembic_on_path())
        gradebook = nbgrader_gradebook(course / "gradebook.db", WRITTEN, MARKS, students=list(students))
    return {
        "course": course,
        "students": students,
        "grading": graded[1],
        "results": course / "results-1.json",
        "regraded": course / "results-2.json",
        "gradebook": gradebook,
        "policy": course / "term.toml",
        "roster": roster,
    }


def documents(path: Path) -> dict[str, dict]:
    """The JSON results by student."""
    return {d["student"]: d for d in json.loads(path.read_text())}


def test_the_written_answers_are_worth_what_the_solution_says():
    """Are this test's written points those of the solution notebook's manually graded cells?"""
    source = nbformat.read(find_solution_notebook("rnn"), as_version=4)
    graded = {
        c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
        for c in source.cells
        if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade")
    }
    assert graded == WRITTEN


def test_every_student_is_told_from_the_folder_whatever_the_notebook_is_called(term):
    """Is each result the folder's student (rnn (1).ipynb is s02), with the autograded score the class plan gives?"""
    graded = documents(term["results"])
    assert set(graded) == set(term["students"])
    for name, who in term["students"].items():
        assert graded[name]["score"] == pytest.approx(FULL - who["lost"], abs=1e-6), name


def test_the_batch_lists_what_to_look_at_and_exits_1(term):
    """Does grading name the unreadable notebook, the folder of two notebooks and the missing time, and exit 1?"""
    done = term["grading"]
    assert done.returncode == 1, done.stderr[-2000:]
    table = done.stderr[done.stderr.index("to look at before grades go out") :]
    assert "s28" in table and "not graded" in table
    assert "s29" in table and "2 notebooks" in table
    assert "s04" in table and "no submission time" in table
    named = set(re.findall(r"^  (\S+)  \S", table, flags=re.MULTILINE))
    assert named == {"s04", "s28", "s29"}


def test_a_missing_timestamp_is_said_and_the_files_time_is_never_used(term):
    """Is s04's time unknown (not its file's time, five days late), and so no penalty, with a note?"""
    s04 = documents(term["results"])["s04"]
    assert s04["submitted_at"] is None
    assert any(note.startswith("no submission time") for note in s04["notes"])


def test_the_regrade_with_another_seed_changes_nobody(term, capsys):
    """Does the review of a regrade with another seed find every student unchanged (the grade is the seed's no matter)?"""
    status = main(["review", "--published", str(term["results"]), "--regraded", str(term["regraded"])])
    out = capsys.readouterr().out
    assert status == 0
    assert out.startswith(
        f"Regrade of rnn: 0 students change (0 up, 0 down), {len(term['students'])} unchanged."
    )


def policy_and_marks(term) -> tuple:
    """The options giving the term's late policy and the gradebook's written marks."""
    return ("--late-policy", term["policy"], "--written", term["gradebook"])


@pytest.fixture(scope="module")
def exported(term):
    """The plain CSV export with the late policy and the gradebook's marks, by student, and its exit status."""
    output = term["course"] / "grades.csv"
    status, error = run(
        "export",
        term["results"],
        "--to",
        "csv",
        *policy_and_marks(term),
        "--output",
        output,
    )
    return status, error, {row["student"]: row for row in csv.DictReader(io.StringIO(output.read_text()))}


def expected_score(name: str, who: dict) -> float:
    """Autograded plus written, less the late penalty, as the policy and the marks say."""
    written = sum(points for (s, _), (points, _) in MARKS.items() if s == name)
    return round((FULL - who["lost"] + written) * (1 - who["penalty"] / 100), 6)


def test_the_export_traces_every_students_grade(term, exported):
    """Is each row's score autograded + written marks less the late penalty, with days, late days and extension traced?"""
    _, _, rows = exported
    for name, who in term["students"].items():
        row = rows[name]
        assert float(row["autograded_score"]) == pytest.approx(FULL - who["lost"], abs=1e-6), name
        assert float(row["written_max"]) == sum(WRITTEN.values())
        assert float(row["maximum"]) == FULL + sum(WRITTEN.values())
        assert int(row["days_late"]) == who["days"], name
        assert int(row["late_days_spent"]) == who["spent"], name
        assert float(row["penalty_percent"]) == who["penalty"], name
        assert row["extension"] == who.get("extension", ""), name
        assert float(row["score"]) == pytest.approx(expected_score(name, who), abs=1e-6), name
    assert "submission time unknown: no late penalty applied" in rows["s04"]["note"]
    assert "written answers not marked yet (counted 0): 3 points" in rows["s20"]["note"]


def test_unmarked_written_answers_make_the_export_exit_1(exported):
    """Are the answers still without a mark listed, and the status 1 so that nobody exports them by accident?"""
    status, error, _ = exported
    assert status == 1
    assert "s20  rnn  written_clipping: no mark yet" in error
    assert "s01  rnn" not in error


def test_canvas_gets_the_rosters_ids_and_the_disagreements_are_listed(term):
    """Canvas: the roster's ids, the final scores, zed (not on the roster) and s31 (no result) named, exit 1."""
    output = term["course"] / "canvas.csv"
    status, error = run(
        "export",
        term["results"],
        "--to",
        "canvas",
        *policy_and_marks(term),
        "--roster",
        term["roster"],
        "--output",
        output,
    )
    assert status == 1
    assert "zed" in error and "s31" in error
    rows = list(csv.reader(io.StringIO(output.read_text())))
    assert rows[0][-1] == "rnn (4711)" and rows[1][-1] == "52"
    by_login = {row[3]: row for row in rows[2:]}
    assert "zed" not in by_login and "s31" not in by_login
    for name, who in term["students"].items():
        if name != "zed":
            assert by_login[name][1] == str(100 + int(name[1:]))
            assert float(by_login[name][-1]) == pytest.approx(expected_score(name, who), abs=1e-6), name


def test_moodle_gets_the_scores_and_a_line_of_feedback(term):
    """Moodle: each student's score, and feedback naming the written marks, the late days and the penalty."""
    output = term["course"] / "moodle.csv"
    status, _ = run(
        "export",
        term["results"],
        "--to",
        "moodle",
        *policy_and_marks(term),
        "--output",
        output,
        "--allow-unmatched",
    )
    assert status == 0
    rows = {row["Username"]: row for row in csv.DictReader(io.StringIO(output.read_text()))}
    for name, who in term["students"].items():
        assert float(rows[name]["rnn"]) == pytest.approx(expected_score(name, who), abs=1e-6), name
    assert (
        rows["s07"]["Feedback"]
        == "Autograded 40 / 40; written 6.5 / 12; 2 late days spent (0 left); 1 day late: -10%"
    )


def test_each_student_reads_their_grade_marks_and_lateness_on_their_page(term):
    """Do the feedback pages give each student's grade after the penalty, the marks with comments, one note when unread?"""
    pages = term["course"] / "feedback"
    status, _ = run(
        "feedback",
        term["results"],
        "--output-dir",
        pages,
        "--format",
        "markdown",
        *policy_and_marks(term),
    )
    assert status == 0
    assert sorted(p.stem for p in pages.iterdir()) == sorted(term["students"])
    s07 = (pages / "s07.md").read_text().replace("\\", "")  # Markdown's escapes left out
    assert "Late days spent: 2 (0 left). Late penalty: 10%." in s07
    assert f"Grade after the late penalty: **{expected_score('s07', term['students']['s07']):g}**" in s07
    assert "Clipping cannot help a vanishing gradient." in s07
    s28 = (pages / "s28.md").read_text()
    assert "**Your submission was not graded.**" in s28 and "## What to fix" not in s28
    s24 = (pages / "s24.md").read_text()
    assert "- `rnn_backward` still raises `NotImplementedError`" in s24 and "✗" not in s24


def test_the_class_report_links_every_student_and_attributes_the_lost_points(term):
    """Does the report link every student's page, and attribute at least 90% of the points lost to a cause?"""
    pages, output = term["course"] / "pages", term["course"] / "report.html"
    assert run("feedback", term["results"], "--output-dir", pages)[0] == 0
    status, _ = run("report", term["results"], "--output", output, "--feedback-dir", pages)
    html = output.read_text()
    assert status == 0
    for name in term["students"]:
        assert f'<a href="pages/{name}.html">' in html, name
    results, _ = read_results([term["results"]])
    stats = class_statistics(results)
    assert stats.explained_share >= 0.9
    assert f"put down to one cause: {round(100 * stats.explained_share)}% of the" in html


def test_the_copy_is_found_among_the_class(term):
    """Is s19's reordered copy of s23 flagged as most similar (the others share the reference's code too), and the untouched release (s27) like nobody?"""
    output = term["course"] / "similarity.json"
    folders = [str(term["course"] / "submitted" / n / "rnn") for n in ("s01", "s19", "s23", "s24", "s27")]
    command = [
        sys.executable,
        "-m",
        "autograder",
        "similarity",
        *folders,
        "--format",
        "json",
        "--output",
        str(output),
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300
    )  # run as an instructor runs it
    assert done.returncode == 0, done.stderr[-2000:]
    pairs = json.loads(output.read_text())["pairs"]
    copy = next(p for p in pairs if {p["first"], p["second"]} == {"s19", "s23"})
    assert copy["similarity"] >= THRESHOLD and copy["similarity"] == pairs[0]["similarity"]
    assert all(p["similarity"] == 0 for p in pairs if "s27" in (p["first"], p["second"]))


def test_make_demo_ends_with_the_report_the_feedback_and_the_similarity_pages(term):
    """Does the demo's last step write the class report linking each page, a page per student and the similarity page?"""
    results, _ = read_results([term["results"]])
    written = write_pages(term["course"], "rnn", results)
    assert sorted(p.stem for p in written["feedback"].iterdir()) == sorted(term["students"])
    report = written["report"].read_text()
    assert all(f'<a href="feedback/{name}.html">' in report for name in term["students"])
    assert "s19" in written["similarity"].read_text() and "s28 (" in written["similarity"].read_text()
