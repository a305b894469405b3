"""``make demo``: grade three submissions of each assignment with nbgrader, end to end.

Makes the course directory ``./demo-course`` from this checkout (anew on every run),
releases the assignment, hands in the reference, the untouched release and a buggy
submission, autogrades them, writes their feedback and prints the gradebook; then regrades them
in isolation (the audit) and writes the class report, the feedback pages and the similarity page,
saying where they are.

    python -m autograder.demo [COURSE_DIRECTORY]
"""

import shutil
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import nbformat

from autograder.atomic_files import write_atomically
from autograder.instructor.audit import audit, audit_text
from autograder.instructor.nbgrader_pipeline import StudentGrade, grade_with_nbgrader, make_course
from autograder.instructor.submissions import demo_answers
from autograder.reports.class_report import class_report_html
from autograder.reports.feedback import write_feedback
from autograder.reports.similarity import compare_submissions, similarity_html
from autograder.results import SubmissionResult

ASSIGNMENTS = ("rnn", "lstm", "charlm")


class StepPrinter:
    """Prints each step of the pipeline on its own line, with a progress bar and its duration."""

    def __init__(self, width: int = 20) -> None:
        self.width = width
        self.started: float | None = None

    def __call__(self, number: int, total: int, description: str) -> None:
        """Finish the line of the previous step and start the line of step ``number`` of ``total``."""
        self.finish()
        filled = round(self.width * (number - 1) / total)
        bar = "#" * filled + "." * (self.width - filled)
        print(f"[{bar}] {number}/{total} {description} ...", end="", flush=True)
        self.started = time.perf_counter()

    def finish(self) -> None:
        """End the current step's line with the time it took."""
        if self.started is not None:
            print(f" {time.perf_counter() - self.started:.1f} s", flush=True)
            self.started = None


def gradebook_table(grades: Mapping[str, StudentGrade]) -> str:
    """The gradebook as a text table: autograded score, points lost by cell, manual points pending."""
    rows = [("student", "autograded", "points lost in", "manual grading pending")]
    for grade in grades.values():
        lost = [
            f"{name} {score:g}/{points:g}"
            for name, (score, points) in grade.test_scores.items()
            if score < points
        ]
        if grade.score == 0:
            lost = [f"all {len(lost)} test cells"]
        answers = [name for name, points in grade.pending.items() if points > 0]
        rows.append(
            (
                grade.student,
                f"{grade.score:g} / {grade.max_score:g}",
                ", ".join(lost) or "-",
                f"{grade.pending_points:g} points: {', '.join(answers)}" if answers else "-",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def write_pages(course: Path, assignment: str, results: list[SubmissionResult]) -> dict[str, Path]:
    """Write the class report, a feedback page per student and the similarity page of ``results``.

    Into ``course/pages/<assignment>/``: ``report.html`` (linking each student's page),
    ``feedback/<student>.html`` and ``similarity.html`` (the submitted notebooks compared); returns
    the paths, by what they are.
    """
    folder = course / "pages" / assignment
    feedback = folder / "feedback"
    pages = write_feedback(results, feedback)
    links = {(r.student_id, r.assignment): f"feedback/{path.name}" for r, path in zip(results, pages)}
    report = folder / "report.html"
    write_atomically(
        report, class_report_html(results, sources=[str(course / "submitted")], feedback_links=links)
    )
    pairs, _, stub, unreadable = compare_submissions([r.submission for r in results], assignment=assignment)
    similarity = folder / "similarity.html"
    write_atomically(
        similarity, similarity_html(pairs, assignment=assignment, stub=stub, unreadable=unreadable)
    )
    return {"report": report, "feedback": feedback, "similarity": similarity}


def main(course: Path = Path("demo-course")) -> dict[str, dict[str, StudentGrade]]:
    """Run the demo in ``course``, deleting whatever was there; return the grades it printed, by assignment."""
    course = course.resolve()
    shutil.rmtree(course, ignore_errors=True)
    make_course(course)
    print(f"Course directory: {course} (a copy of nbgrader_config.py and solutions/)")
    grades = {}
    for assignment in ASSIGNMENTS:
        print(f"\n== {assignment} ==")
        source = nbformat.read(course / "solutions" / assignment / f"{assignment}.ipynb", as_version=4)
        printer = StepPrinter()
        started = time.perf_counter()
        grades[assignment] = grade_with_nbgrader(
            course, assignment, demo_answers(assignment, source), on_step=printer
        )
        printer.finish()
        print(f"[{'#' * printer.width}] done in {time.perf_counter() - started:.0f} s\n")
        print(gradebook_table(grades[assignment]))
        print("\nFeedback for the students (HTML, mark schemes removed):")
        for grade in grades[assignment].values():
            print(f"  {grade.student:<10} {grade.feedback or 'none written'}")
    print("\n== autograder audit: the same notebooks regraded in isolation ==")
    audits = {}
    for assignment in ASSIGNMENTS:
        started = time.perf_counter()
        audits[assignment] = audit(course, assignment, jobs=2)
        print(f"{assignment} ({time.perf_counter() - started:.0f} s): {audit_text(audits[assignment])}")
    print("\n== after the deadline: the class report, the feedback pages and the similarity page ==")
    for assignment, result in audits.items():
        for what, path in write_pages(course, assignment, list(result.results)).items():
            print(f"  {assignment + ' ' + what:<16} {path}")
    if any(
        points == 0
        for by_student in grades.values()
        for g in by_student.values()
        for points in g.pending.values()
    ):
        print("\n(nbgrader also flags every 0-point question (task) cell for manual grading.)")
    print(f"\nThe gradebook is {course / 'gradebook.db'}; grade the written answers in formgrader.")
    return grades


if __name__ == "__main__":
    main(*(Path(arg) for arg in sys.argv[1:2]))
