"""What a grading step tells GitHub, Gitea or Forgejo Actions about one submission.

Three channels, all documented for GitHub Actions and implemented alike by Gitea's and
Forgejo's runners:

- the **job summary**: Markdown (HTML allowed) appended to the file ``$GITHUB_STEP_SUMMARY``,
  shown on the run's page: the points, a table of every autograded test, each failure's output;
- **annotations**: workflow commands ``::error file=...,title=...::message`` printed on stdout,
  one per test that lost points, shown on the run and beside the file;
- a **commit status** with the score, through the REST endpoint
  ``POST $GITHUB_API_URL/repos/$GITHUB_REPOSITORY/statuses/$GITHUB_SHA`` (the same on Gitea and
  Forgejo), authorised by ``$GITHUB_TOKEN`` with the ``statuses: write`` permission.

This module makes what each channel carries; :mod:`autograder.platforms` writes the summary and
sends the status. Students read all three at once: only the public checks are in them (hidden checks and written
answers are named apart, :mod:`autograder.formats.visibility`).
"""

import html

from autograder.formats.visibility import public_tests, withheld_remarks
from autograder.results import PASSED, SubmissionResult, TestResult
from autograder.text_safety import markdown_inline

STATUS_CONTEXT = "autograder / public checks"
"""The name of the commit status: one per commit, replaced by each new run."""


def autograded(result: SubmissionResult) -> list[TestResult]:
    """The tests a student may see at once: the public checks' (hidden and written ones left out)."""
    return public_tests(result)


def points(tests: list[TestResult]) -> tuple[float, float]:
    """Points earned and available over ``tests``, rounded so float noise never shows."""
    return round(sum(t.score for t in tests), 6), round(sum(t.max_score for t in tests), 6)


def markdown_cell(text: str) -> str:
    """``text`` as inert Markdown on one line, fit for a table cell: no link, image, HTML or cell break of it."""
    return markdown_inline(text)


def job_summary(result: SubmissionResult) -> str:
    """The job summary of one submission: the points, one table row per test, the failures' outputs."""
    tests = autograded(result)
    earned, available = points(tests)
    lines = [f"### {markdown_cell(result.assignment)}: {earned:g} / {available:g} points", ""]
    lines += ["| test | points | result |", "|---|---:|---|"]
    for test in tests:
        mark = "✅ passed" if test.status == PASSED else "❌ failed"
        lines.append(f"| {markdown_cell(test.name)} | {test.score:g} / {test.max_score:g} | {mark} |")
    lines.append("")
    lines += [f"- {markdown_cell(note)}" for note in [*result.notes, *withheld_remarks(result)]]
    for test in tests:  # raw HTML blocks: GitHub reads no Markdown in them, and the text is escaped
        if test.status != PASSED and test.output:
            lines += ["", f"<details><summary>{html.escape(' '.join(test.name.split()))}</summary>", ""]
            lines += [f"<pre>{html.escape(test.output)}</pre>", "", "</details>"]
    return "\n".join(lines) + "\n"


def command_data(text: str) -> str:
    """``text`` escaped as the message of a workflow command (``%``, carriage returns, newlines)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def command_property(text: str) -> str:
    """``text`` escaped as a property of a workflow command (also ``:`` and ``,``)."""
    return command_data(text).replace(":", "%3A").replace(",", "%2C")


def annotations(result: SubmissionResult) -> str:
    """One ``::error`` workflow command per test that lost points, on the submitted notebook."""
    lines = []
    for test in autograded(result):
        if test.status != PASSED:
            title = f"{test.name}: {test.score:g} / {test.max_score:g} points"
            lines.append(
                f"::error file={command_property(result.submission)},title={command_property(title)}::"
                f"{command_data(test.output or 'failed')}"
            )
    return "\n".join(lines) + ("\n" if lines else "")


def commit_status(result: SubmissionResult) -> dict:
    """The commit status of one submission: success when every autograded point was earned."""
    tests = autograded(result)
    earned, available = points(tests)
    return {
        "state": "success" if all(test.status == PASSED for test in tests) else "failure",
        "context": STATUS_CONTEXT,
        "description": f"{earned:g} / {available:g} points",
    }
