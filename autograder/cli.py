"""The autograder's commands: grade, merge, audit, report, feedback, similarity, export, review, publish and build.

Each command is a thin layer over a library call.

autograder grade SUBMISSION... [--assignment ID] [--format F] [--output PATH] [--jobs N] [--gradebook CSV]
                 [--results-dir DIR] [--shard I/N] [--scheduler ADDRESS]
                 [--seed N] [--seconds-per-call S] [--submitted-at SOURCE] [--allow-problems]
autograder merge RESULTS.json... [--format F] [--output PATH] [--gradebook CSV]
autograder audit COURSE_DIR ASSIGNMENT [--jobs N] [--format text|json] [--results RESULTS.json]
autograder report RESULTS.json... --output report.html [--late-policy term.toml] [--written MARKS]
                  [--feedback-dir DIR]
autograder feedback RESULTS.json... --output-dir DIR [--format html|markdown] [--late-policy term.toml]
                    [--written gradebook.db|MARKS.csv]
autograder similarity SUBMISSION... [--output PATH] [--format html|json] [--threshold T] [--top N]
autograder export RESULTS.json... --to canvas|moodle|csv [--output PATH] [--late-policy term.toml]
                  [--written gradebook.db|MARKS.csv] [--roster LMS_EXPORT.csv] [--match COLUMN] [--column NAME]
                  [--times CSV [--time-column NAME]] [--allow-unmatched]
autograder review --published RESULTS.json... --regraded RESULTS.json... [--output PATH]
autograder publish RESULTS.json... --into DIR --to canvas|moodle|csv [--to ...] [--note TEXT] [export's options]
autograder build student|github-actions|classroom50 ASSIGNMENT OUT_DIR [--reporter R]
autograder build prairielearn ASSIGNMENT OUT_DIR --image NAME
autograder build gradescope ASSIGNMENT OUT.zip
"""

import argparse
import atexit
import contextlib
import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib.util import find_spec
from pathlib import Path
from typing import NoReturn

from autograder.atomic_files import write_atomically
from autograder.formats import FORMATS, ONE_SUBMISSION, render
from autograder.formats.gradebook import gradebook_csv
from autograder.platforms import platforms_of


def parser() -> argparse.ArgumentParser:
    """The argument parser of every command."""
    main = argparse.ArgumentParser(prog="autograder", description=__doc__.splitlines()[0])
    commands = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    grade = commands.add_parser(
        "grade", help="grade submissions in isolation", description=grade_command.__doc__
    )
    grade.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION", help="notebooks, folders or glob patterns"
    )
    grade.add_argument("--assignment", help="the assignment id (inferred from each notebook by default)")
    grade.add_argument(
        "--format", default="text", choices=sorted(FORMATS), help="output format (default: text)"
    )
    grade.add_argument("--output", type=Path, help="write the output to this file instead of stdout")
    grade.add_argument("--jobs", type=positive, default=1, help="submissions graded at once (default: 1)")
    grade.add_argument("--gradebook", type=Path, help="also write a gradebook CSV (one row per submission)")
    grade.add_argument(
        "--results-dir",
        type=Path,
        help="keep each result here as it completes; a batch run again grades only what is not there",
    )
    grade.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="grade on a dask.distributed cluster (e.g. tcp://host:8786) instead of --jobs local processes",
    )
    grade.add_argument(
        "--shard",
        type=shard,
        metavar="I/N",
        help="grade only the I-th of N equal parts of the batch (1 <= I <= N)",
    )
    grade.add_argument(
        "--github-actions",
        action="store_true",
        help="also report to GitHub/Gitea/Forgejo Actions: job summary, annotations, commit status",
    )
    grade.add_argument(
        "--seed",
        type=seed,
        help="the seed of the hidden cases, to reproduce a grading (default: $AUTOGRADER_SEED, else fresh)",
    )
    grade.add_argument(
        "--submitted-at",
        type=time_source,
        default="nbgrader",
        metavar="SOURCE",
        help="where submission times come from: nbgrader (timestamp.txt in submitted/<student>/<assignment>/, "
        "the default), gradescope[:PATH] (submission_metadata.json), ci-event (the Actions event's push time), "
        "grading (now) or an ISO 8601 time; never a file the student wrote",
    )
    grade.add_argument(
        "--allow-problems",
        action="store_true",
        help="exit 0 even when a batch has submissions to look at (several notebooks, unreadable, a student twice)",
    )
    grade.add_argument(
        "--seconds-per-call",
        type=seconds,
        metavar="S",
        help="the wall time one call of a student function may take before it is stopped (default: 10)",
    )
    grade.set_defaults(run=grade_command)
    merge = commands.add_parser(
        "merge", help="combine the JSON results of shards", description=merge_command.__doc__
    )
    merge.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="files of --format json output"
    )
    merge.add_argument(
        "--format", default="text", choices=sorted(FORMATS), help="output format (default: text)"
    )
    merge.add_argument("--output", type=Path, help="write the output to this file instead of stdout")
    merge.add_argument("--gradebook", type=Path, help="also write a gradebook CSV (one row per submission)")
    merge.set_defaults(run=merge_command, github_actions=False)
    # What students get ships neither the instructor's modules, the reports nor the builds.
    if find_spec("autograder.instructor") is not None:
        add_audit_parser(commands)
    if find_spec("autograder.reports") is not None:
        add_after_deadline_parsers(commands)
    if find_spec("autograder.builds") is not None:
        add_build_parser(commands)
    return main


def add_audit_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``autograder audit`` (present in the instructor's checkout only)."""
    audit = commands.add_parser(
        "audit", help="compare nbgrader's scores with isolated regrading", description=audit_command.__doc__
    )
    audit.add_argument("course", type=Path, metavar="COURSE_DIR", help="the nbgrader course directory")
    audit.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment id, e.g. rnn")
    audit.add_argument("--jobs", type=positive, default=1, help="notebooks regraded at once (default: 1)")
    audit.add_argument(
        "--format", default="text", choices=["json", "text"], help="output format (default: text)"
    )
    audit.add_argument(
        "--results",
        type=Path,
        metavar="RESULTS.json",
        help="also write the regraded results (for report and export)",
    )
    audit.set_defaults(run=audit_command)


def add_after_deadline_parsers(commands: argparse._SubParsersAction) -> None:
    """Add ``report``, ``feedback``, ``similarity`` and ``export``: what comes after the deadline."""
    report = commands.add_parser("report", help="the class report (HTML)", description=report_command.__doc__)
    report.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="files of --format json output"
    )
    report.add_argument("--output", type=Path, required=True, help="the HTML file to write")
    add_policy_and_marks(report)
    report.add_argument(
        "--feedback-dir",
        type=Path,
        metavar="DIR",
        help="where `autograder feedback` wrote the pages: link each student's",
    )
    report.set_defaults(run=report_command)
    feedback = commands.add_parser(
        "feedback", help="one feedback page per student", description=feedback_command.__doc__
    )
    feedback.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="files of --format json output"
    )
    feedback.add_argument(
        "--output-dir", type=Path, required=True, help="the directory to write the pages in"
    )
    feedback.add_argument("--format", default="html", choices=["html", "markdown"], help="default: html")
    add_policy_and_marks(feedback)
    feedback.set_defaults(run=feedback_command)
    similarity = commands.add_parser(
        "similarity", help="compare the answer cells across a batch", description=similarity_command.__doc__
    )
    similarity.add_argument(
        "submissions", nargs="+", metavar="SUBMISSION", help="notebooks, folders or glob patterns"
    )
    similarity.add_argument("--assignment", help="the assignment id (inferred from the notebooks by default)")
    similarity.add_argument("--output", type=Path, help="write to this file instead of stdout")
    similarity.add_argument("--format", default="html", choices=["html", "json"], help="default: html")
    similarity.add_argument(
        "--threshold",
        type=fraction,
        default=None,
        help="flag pairs at least this similar (0..1, default 0.5)",
    )
    similarity.add_argument(
        "--top", type=int, default=100, help="list this many pairs, most similar first (0: all; default 100)"
    )
    similarity.set_defaults(run=similarity_command)
    export = commands.add_parser(
        "export", help="grades for Canvas, Moodle or a CSV", description=export_command.__doc__
    )
    export.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="files of --format json output"
    )
    export.add_argument(
        "--to", required=True, choices=["canvas", "moodle", "csv"], help="the gradebook to import into"
    )
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    add_grade_options(export)
    export.add_argument(
        "--times",
        type=Path,
        metavar="CSV",
        help="submission times you give, instead of the results': a CSV with columns student and --time-column",
    )
    export.add_argument(
        "--time-column",
        default="submitted_at",
        metavar="NAME",
        help="the times' column (default: submitted_at)",
    )
    export.set_defaults(run=export_command)
    review = commands.add_parser(
        "review", help="what a regrade would change, student by student", description=review_command.__doc__
    )
    review.add_argument(
        "--published", nargs="+", type=Path, required=True, metavar="RESULTS", help="the results published"
    )
    review.add_argument(
        "--regraded", nargs="+", type=Path, required=True, metavar="RESULTS", help="the regraded results"
    )
    review.add_argument("--output", type=Path, help="write the review to this file instead of stdout")
    review.set_defaults(run=review_command)
    publish = commands.add_parser(
        "publish",
        help="write the exports into a new publication, keeping the earlier ones",
        description=publish_command.__doc__,
    )
    publish.add_argument(
        "results", nargs="+", type=Path, metavar="RESULTS", help="files of --format json output"
    )
    publish.add_argument(
        "--into", type=Path, required=True, metavar="DIR", help="the folder of all publications"
    )
    publish.add_argument(
        "--to",
        action="append",
        choices=["canvas", "moodle", "csv"],
        required=True,
        help="an export to publish (repeatable)",
    )
    publish.add_argument("--note", default="", help="why this publication is made (kept in its manifest)")
    add_grade_options(publish)
    publish.set_defaults(run=publish_command, times=None, time_column="submitted_at")


def add_policy_and_marks(command: argparse.ArgumentParser) -> None:
    """Add the late policy and the written answers' marks, which every command after grading reads."""
    command.add_argument(
        "--late-policy",
        type=Path,
        metavar="TOML",
        help="due dates, penalty per day, cap, grace, late days and extensions (see autograder.reports.late_policy)",
    )
    command.add_argument(
        "--written",
        type=Path,
        metavar="MARKS",
        help="the written answers' marks: nbgrader's gradebook.db, or a CSV student,assignment,question,points,comment",
    )


def add_grade_options(command: argparse.ArgumentParser) -> None:
    """Add what ``export`` and ``publish`` make a grade from: late policy, written marks, roster."""
    add_policy_and_marks(command)
    command.add_argument(
        "--allow-unmatched",
        action="store_true",
        help="exit 0 even when the roster and the results disagree, or written answers lack a mark",
    )
    command.add_argument(
        "--roster", type=Path, metavar="CSV", help="the LMS's own gradebook export, to match students"
    )
    command.add_argument(
        "--match", metavar="COLUMN", help="the roster column holding the student ids of the results"
    )
    command.add_argument(
        "--column", metavar="NAME", help="the grade column's name (default: the assignment id)"
    )


def fraction(text: str) -> float:
    """An argument that must be a number between 0 and 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number between 0 and 1, got {text!r}") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1, got {text!r}")
    return value


def add_build_parser(commands: argparse._SubParsersAction) -> None:
    """Add ``autograder build`` (present in the instructor's checkout only)."""
    from autograder.builds import BUILDS
    from autograder.builds.github_actions import WORKFLOWS

    build = commands.add_parser(
        "build", help="build what students or a grading platform get", description=build_command.__doc__
    )
    build.add_argument(
        "platform",
        choices=list(BUILDS),
        metavar="PLATFORM",
        help="; ".join(f"{name}: {b.summary}" for name, b in BUILDS.items()),
    )
    build.add_argument("assignment", metavar="ASSIGNMENT", help="the assignment id, e.g. rnn")
    build.add_argument(
        "out", type=Path, metavar="OUT", help="the directory to build in (gradescope: the zip)"
    )
    build.add_argument(
        "--reporter",
        choices=sorted(WORKFLOWS),
        help="github-actions only: actions (default) or the deprecated github-classroom",
    )
    build.add_argument(
        "--image",
        metavar="NAME",
        help="prairielearn only (and needed there): the name you push the grading image under, e.g. myorg/rnn-grader",
    )
    build.set_defaults(run=build_command)


def positive(text: str) -> int:
    """An argument that must be a positive integer."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def shard(text: str) -> tuple[int, int]:
    """An argument ``I/N``: the I-th of N parts, counted from 1."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be I/N, e.g. 2/8, got {text!r}") from None
    if not 1 <= index <= count:
        raise argparse.ArgumentTypeError(f"needs 1 <= I <= N, got {text!r}")
    return index, count


def seed(text: str) -> int:
    """An argument that must be a non-negative integer."""
    if not text.strip().isdigit():
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}")
    return int(text)


def time_source(text: str) -> str:
    """An argument naming where submission times come from (see ``autograder.grading.submission_identity``)."""
    from autograder.grading.submission_identity import check_time_source

    try:
        return check_time_source(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def seconds(text: str) -> float:
    """An argument that must be a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive, finite number of seconds, got {text!r}")
    return value


def grade_command(arguments: argparse.Namespace) -> int:
    """Grade each submission in a confined process and write the results in the format asked for.

    After a batch, the submissions to look at before grades go out (a folder with several notebooks,
    a notebook that could not be read, a student twice, a submission whose time could not be told)
    are listed on stderr; all but the last make the exit status 1 unless --allow-problems.

    With --shard I/N only every N-th submission from the I-th on is graded (in the order the
    submissions are expanded), so that N jobs of a CI matrix or a job array share a batch;
    ``autograder merge`` combines their JSON outputs. With --results-dir, each result is kept as
    it completes and a batch that was stopped is resumed, not graded again.
    """
    if len(arguments.submissions) == 1 and arguments.jobs <= 1 and arguments.scheduler is None:
        from autograder.grading.isolated import prepare

        prepare(
            arguments.submissions[0], assignment=arguments.assignment
        )  # its zygote starts while we import
    from autograder.grading.batch import grade_many
    from autograder.grading.batch_submissions import expand_submissions
    from autograder.grading.progress import progress_bar
    from autograder.grading.result_store import ResultStore

    submissions = expand_submissions(arguments.submissions)
    if arguments.shard is not None:
        index, count = arguments.shard
        submissions = submissions[index - 1 :: count]
    if len(submissions) > 1 and (arguments.format in ONE_SUBMISSION or arguments.github_actions):
        what = "--github-actions" if arguments.github_actions else f"--format {arguments.format}"
        print(f"autograder: {what} takes a single submission", file=sys.stderr)
        return 2
    if arguments.format == "classroom50":
        from autograder.formats.classroom50 import identity

        try:  # before grading: outside Classroom 50's runner there is nothing to write
            identity(os.environ)
        except ValueError as error:
            return failed("grade", error)
    store = ResultStore(arguments.results_dir) if arguments.results_dir is not None else None
    with progress_bar(len(submissions)) as advance:
        results = grade_many(
            submissions,
            assignment=arguments.assignment,
            jobs=arguments.jobs,
            seeds=[arguments.seed] * len(submissions),
            on_result=advance,
            store=store,
            scheduler=arguments.scheduler,
            limits=limits_of(arguments),
            times=arguments.submitted_at,
        )
    status = write_results(results, arguments)
    if len(submissions) > 1:
        from autograder.grading.intake import intake_problems, intake_table

        problems = intake_problems(results)
        if problems:
            print(intake_table(problems), file=sys.stderr)
            if any(p.blocking for p in problems) and not arguments.allow_problems and status == 0:
                status = 1
    return status


def limits_of(arguments: argparse.Namespace):
    """The limits of the student processes the options ask for; None for the defaults."""
    if arguments.seconds_per_call is None:
        return None
    from autograder.sandbox.process import Limits

    return Limits(seconds_per_call=arguments.seconds_per_call)


def merge_command(arguments: argparse.Namespace) -> int:
    """Combine the JSON outputs of several ``autograder grade`` runs (shards) into one output and gradebook.

    Every result is checked against its trusted assignment; one that does not fit (a forged or
    edited shard) is left out and named on stderr, and the exit status is 1. Exit status 2 when a
    file cannot be read or is not --format json output.
    """
    from autograder.reports.results_files import read_results

    try:
        results, left_out = read_results(arguments.results)
    except ValueError as error:
        return failed("merge", error)
    if len(results) > 1 and arguments.format in ONE_SUBMISSION:
        print(f"autograder: --format {arguments.format} takes a single submission", file=sys.stderr)
        return 2
    status = write_results(results, arguments)
    return status or said_left_out("merge", left_out)


def said_left_out(command: str, left_out: list[str]) -> int:
    """Name on stderr each result a command left out; exit status 1 when there is one, else 0."""
    for line in left_out:
        print(f"autograder {command}: left out {line}", file=sys.stderr)
    return 1 if left_out else 0


def write_results(results: list, arguments: argparse.Namespace) -> int:
    """Write the results as ``--format`` asks, to ``--output`` or stdout, and the ``--gradebook``.

    Exit status 2, with one line saying why, when the format cannot describe these results.
    """
    try:
        text = render(arguments.format, results, environ=os.environ, graded=datetime.now(timezone.utc))
    except ValueError as error:
        return failed(arguments.command, error)
    if arguments.output is not None:
        write_atomically(arguments.output, text if text.endswith("\n") else text + "\n")
    else:
        print(text)
    for platform in platforms_of(arguments.format, github_actions=arguments.github_actions):
        if platform.after_grading is not None:
            print(platform.after_grading(results, os.environ), end="")
    if arguments.gradebook is not None:
        write_atomically(arguments.gradebook, gradebook_csv(results))
    return 0


def audit_command(arguments: argparse.Namespace) -> int:
    """List the submissions whose nbgrader score differs from their isolated regrading, cell by cell.

    Every nbgrader-autograded notebook of ASSIGNMENT is regraded in isolation with the course's
    own solutions. Exit status: 0 when every gradebook score is confirmed, 1 when some differ or
    could not be audited (no autograded notebook), 2 for bad usage.
    """
    from autograder.instructor.audit import audit, audit_json, audit_text

    try:
        result = audit(arguments.course, arguments.assignment, jobs=arguments.jobs)
    except ValueError as error:
        print(f"autograder audit: {error}", file=sys.stderr)
        return 2
    if arguments.results is not None:
        from autograder.formats.json_results import results_json

        write_atomically(arguments.results, results_json(list(result.results)))
    print(audit_json(result) if arguments.format == "json" else audit_text(result))
    return 0 if result.agrees else 1


def failed(command: str, error: Exception) -> int:
    """Say on one line why a command could not run; exit status 2."""
    print(f"autograder {command}: {error}", file=sys.stderr)
    return 2


def report_command(arguments: argparse.Namespace) -> int:
    """Write the class report of the results (one assignment): one self-contained HTML page.

    The results are files of ``autograder grade --format json`` (or ``merge``, or ``audit --results``);
    the latest result of each student is reported, with the written marks (--written) and the
    lateness (--late-policy) of each, and a link to each feedback page (--feedback-dir, the
    folder ``autograder feedback`` wrote). A result that does not fit its trusted assignment is
    left out and named (exit status 1); exit status 2 when the results cannot be read.
    """
    from autograder.reports.class_report import class_report_html
    from autograder.reports.feedback import FORMATS as PAGE_FORMATS
    from autograder.reports.feedback import feedback_files
    from autograder.reports.late_policy import read_policy
    from autograder.reports.results_files import read_results
    from autograder.reports.written_marks import read_marks, with_marks

    try:
        policy = read_policy(arguments.late_policy) if arguments.late_policy is not None else None
        results, left_out = read_results(arguments.results)
        if arguments.written is not None:
            results, _ = with_marks(results, read_marks(arguments.written))
        links = None
        if arguments.feedback_dir is not None:
            base = Path(os.path.relpath(arguments.feedback_dir.resolve(), arguments.output.resolve().parent))
            names = feedback_files(results, PAGE_FORMATS["html"][1])
            links = {
                key: (base / name).as_posix()
                for key, name in names.items()
                if (arguments.feedback_dir / name).is_file()
            }
        html = class_report_html(
            results,
            sources=[str(path) for path in arguments.results],
            policy=policy,
            marks_merged=arguments.written is not None,
            feedback_links=links,
        )
    except ValueError as error:
        return failed("report", error)
    write_atomically(arguments.output, html)
    print(f"wrote {arguments.output} ({len(results)} results)")
    return said_left_out("report", left_out)


def feedback_command(arguments: argparse.Namespace) -> int:
    """Write one feedback page per student and assignment (HTML or Markdown) into --output-dir.

    Each page shows the student's own result only: the score with the written marks (--written)
    and the late penalty and where it came from (--late-policy), the score per function, the
    functions not written yet, and for each function that lost points the failed cases with their
    messages and how to reproduce them. A result that does not fit its trusted assignment is left
    out and named (exit status 1); exit status 2 when the results cannot be read.
    """
    from autograder.reports.feedback import write_feedback
    from autograder.reports.late_policy import read_policy
    from autograder.reports.results_files import read_results
    from autograder.reports.written_marks import read_marks, with_marks

    try:
        policy = read_policy(arguments.late_policy) if arguments.late_policy is not None else None
        results, left_out = read_results(arguments.results)
        if arguments.written is not None:
            results, _ = with_marks(results, read_marks(arguments.written))
        paths = write_feedback(results, arguments.output_dir, format=arguments.format, policy=policy)
    except ValueError as error:
        return failed("feedback", error)
    print(f"wrote {len(paths)} pages in {arguments.output_dir}")
    return said_left_out("feedback", left_out)


def similarity_command(arguments: argparse.Namespace) -> int:
    """Compare the code answer cells of every pair of submissions; list the most similar first.

    The released stub code and the code every student is given are left out. html: a table of the
    pairs and the cells of the most similar side by side, shared code highlighted; json: the pairs
    with their scores. Exit status 2 when fewer than two submissions can be read.
    """
    from autograder.grading.batch_submissions import expand_submissions
    from autograder.reports import similarity

    threshold = similarity.THRESHOLD if arguments.threshold is None else arguments.threshold
    try:
        pairs, assignment, stub, unreadable = similarity.compare_submissions(
            expand_submissions(arguments.submissions), assignment=arguments.assignment
        )
    except (ValueError, LookupError) as error:
        return failed("similarity", error)
    listed = pairs if arguments.top <= 0 else pairs[: arguments.top]
    if arguments.format == "json":
        document = similarity.similarity_document(listed, threshold=threshold)
        text = json.dumps({"assignment": assignment, "unreadable": unreadable, **document}, indent=2) + "\n"
    else:
        text = similarity.similarity_html(
            listed, assignment=assignment, stub=stub, threshold=threshold, unreadable=unreadable
        )
    if arguments.output is None:
        print(text, end="")
    else:
        write_atomically(arguments.output, text)
    return 0


def export_command(arguments: argparse.Namespace) -> int:
    """Write the grades for an LMS's gradebook import (Canvas, Moodle) or as a traceable CSV.

    The exported grade is the autograded score, plus the written answers' marks (--written), less
    the late penalty (--late-policy: due dates, extensions, late days spent over the assignments
    exported together), counted from the results' submission times or the times --times gives.
    Results of several assignments make one gradebook, a column per assignment. With --roster (the
    LMS's own gradebook export) students are matched by --match and carry the LMS's ids. Students
    the roster lacks, roster students without a result and written answers without a mark are
    listed on stderr and make the exit status 1 (unless --allow-unmatched); so does a result that
    does not fit its trusted assignment (left out). Exit status 2 for unreadable input.
    """
    from autograder.reports.late_policy import read_policy
    from autograder.reports.lms_export import export_grades, read_times
    from autograder.reports.results_files import read_results
    from autograder.reports.written_marks import mark_problems_table, read_marks

    try:
        policy = read_policy(arguments.late_policy) if arguments.late_policy is not None else None
        times = (
            read_times(arguments.times, column=arguments.time_column) if arguments.times is not None else None
        )
        marks = read_marks(arguments.written) if arguments.written is not None else None
        results, left_out = read_results(arguments.results)
        done = export_grades(
            results,
            to=arguments.to,
            policy=policy,
            roster=arguments.roster,
            match=arguments.match,
            column=arguments.column,
            times=times,
            marks=marks,
        )
    except ValueError as error:
        return failed("export", error)
    if arguments.output is None:
        print(done.text, end="")
    else:
        write_atomically(arguments.output, done.text)
    disagreements = done.roster.table()
    if disagreements:
        print(f"autograder export: the roster and the results disagree:\n{disagreements}", file=sys.stderr)
    if done.marks:
        print(f"autograder export: written marks to look at:\n{mark_problems_table(done.marks)}", file=sys.stderr)
    status = said_left_out("export", left_out)
    if (disagreements or done.marks) and not arguments.allow_unmatched:
        status = 1
    return status


def review_command(arguments: argparse.Namespace) -> int:
    """Compare the regraded results with the published ones, student by student, before publishing.

    Lists each student whose autograded score changes, largest change first, with every case whose
    points moved. Exit status 0; 2 when the results cannot be read or are of several assignments.
    """
    from autograder.reports.regrade_review import review, review_text
    from autograder.reports.results_files import read_results

    try:
        before, left_before = read_results(arguments.published)
        after, left_after = read_results(arguments.regraded)
        text = review_text(review(before, after))
    except ValueError as error:
        return failed("review", error)
    if arguments.output is None:
        print(text, end="")
    else:
        write_atomically(arguments.output, text)
    return said_left_out("review", left_before + left_after)


def publish_command(arguments: argparse.Namespace) -> int:
    """Publish the results: the exports asked for, in a new folder of --into, the earlier publications kept.

    Each export is made as ``autograder export`` makes it (late policy, written marks, roster).
    Nothing is published when the roster and the results disagree or written answers lack a mark,
    unless --allow-unmatched (exit status 1, the disagreements on stderr); exit status 2 for
    unreadable input.
    """
    from autograder.reports.late_policy import read_policy
    from autograder.reports.lms_export import export_grades
    from autograder.reports.publishing import publish
    from autograder.reports.results_files import read_results
    from autograder.reports.written_marks import mark_problems_table, read_marks

    names = {"canvas": "canvas.csv", "moodle": "moodle.csv", "csv": "grades.csv"}
    try:
        policy = read_policy(arguments.late_policy) if arguments.late_policy is not None else None
        marks = read_marks(arguments.written) if arguments.written is not None else None
        results, left_out = read_results(arguments.results)
        done = {
            to: export_grades(
                results,
                to=to,
                policy=policy,
                roster=arguments.roster,
                match=arguments.match,
                column=arguments.column,
                marks=marks,
            )
            for to in dict.fromkeys(arguments.to)
        }
    except ValueError as error:
        return failed("publish", error)
    first = next(iter(done.values()))
    problems = first.roster.table()
    if first.marks:
        problems += "\n" + mark_problems_table(first.marks)
    if problems.strip() and not arguments.allow_unmatched:
        print(
            f"autograder publish: nothing published; look at these first (or --allow-unmatched):\n{problems.strip()}",
            file=sys.stderr,
        )
        return 1
    publication = publish(
        results,
        {names[to]: export.text for to, export in done.items()},
        into=arguments.into,
        sources=[str(path) for path in arguments.results],
        note=arguments.note,
    )
    print(f"published {len(results)} results in {publication.folder}")
    return said_left_out("publish", left_out)


def build_command(arguments: argparse.Namespace) -> int:
    """Build what students or a grading platform get for ASSIGNMENT, in OUT.

    student: the release, the public checks and a README (the only way students get the assignment).
    github-actions: a student repository whose workflow grades the public checks on every push.
    classroom50: autograders/<a>/ (autograder.py) for the classroom50 repository, and template/.
    gradescope: a zip with setup.sh, run_autograder and the solutions for the hidden checks.
    prairielearn: a question uploading the notebook, whose public checks PrairieLearn's external
    grader runs in the image built from OUT/image (push it as --image NAME).
    classroom: deprecated, the same as github-actions --reporter github-classroom.
    """
    options = {}
    for option, platform in (("reporter", "github-actions"), ("image", "prairielearn")):
        if getattr(arguments, option):
            if arguments.platform != platform:
                print(f"autograder build: --{option} is an option of {platform} only", file=sys.stderr)
                return 2
            options[option] = getattr(arguments, option)
    from autograder.builds import BUILDS

    for option in BUILDS[arguments.platform].needs:
        if option not in options:
            print(f"autograder build: {arguments.platform} needs --{option} (see --help)", file=sys.stderr)
            return 2

    try:
        out = BUILDS[arguments.platform].make(arguments.assignment, arguments.out, **options)
    except (FileNotFoundError, FileExistsError, ValueError) as error:
        print(f"autograder build: {error}", file=sys.stderr)
        return 2
    print(f"built {out}")
    return 0


def private_cache(name: str) -> Path:
    """A cache directory only this user can write: ``~/.cache/autograder/<name>``, else a fresh temporary one.

    Never a fixed name in the shared temporary directory: on a shared server (a JupyterHub with
    nbgrader) another user could make it first and fill it, and Hypothesis reads back what it
    caches there (the constants it mixes into the examples the checks draw).
    """
    place = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "autograder" / name
    try:
        place.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = place.lstat()
        if stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o022:
            return place
    except OSError:
        pass
    fresh = Path(tempfile.mkdtemp(prefix=f"autograder-{name}-"))
    atexit.register(shutil.rmtree, fresh, ignore_errors=True)
    return fresh


def main(argv: Sequence[str] | None = None) -> int:
    """Run a command; return its exit status (0: done, 1: audit found differences or results were left out, 2: bad usage)."""
    if "HYPOTHESIS_STORAGE_DIRECTORY" not in os.environ:
        os.environ["HYPOTHESIS_STORAGE_DIRECTORY"] = str(private_cache("hypothesis"))
    arguments = parser().parse_args(argv)
    return arguments.run(arguments)


def run() -> NoReturn:
    """The ``autograder`` command: :func:`main`, then an exit that skips tearing the interpreter down.

    The exit handlers run (they stop the zygotes) and the output is flushed, but the objects of
    numpy, matplotlib and Hypothesis are not freed one by one: that teardown takes a third of a
    second, a tenth of grading a submission.
    """
    # Hypothesis loads every installed plugin when imported: trio's (a dependency of selenium)
    # imports pytest, half a second of every grading process, and a plugin could change what the
    # checks' strategies draw. The grader registers none and runs without them.
    os.environ.setdefault("HYPOTHESIS_NO_PLUGINS", "1")
    status = main()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe or stream: nothing more to say
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
