"""The grading platforms, one record each: the build that hands an assignment to it, the format it reads, what a run there does besides.

A platform runs ``autograder grade`` once per submission (every platform here does) and reads its
result in one format (:data:`autograder.formats.FORMATS`; such a format refuses a batch). A run
may also talk to the platform in other ways than its output file: those side effects live here,
outside the pure formats. Adding a platform is a build in ``autograder/builds/``, a format in
``autograder/formats/`` and a record in :data:`PLATFORMS`.
"""

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from autograder.formats.github import step_output_value
from autograder.formats.github_actions import annotations, command_data, commit_status, job_summary
from autograder.formats.one_submission import only_result
from autograder.results import SubmissionResult


@dataclass(frozen=True)
class Platform:
    """One platform.

    Attributes:
        build: the name of its build (``autograder build BUILD``), in ``autograder.builds.BUILDS``.
        format: the format its run writes (``autograder grade --format FORMAT``); None when the run
            writes none of its own and only reports (``--github-actions``).
        after_grading: ``after_grading(results, environ)``: what a run does besides writing the
            format, with the run's environment; returns what to print on stdout ("" for nothing).
    """

    build: str
    format: str | None
    after_grading: Callable[[list[SubmissionResult], Mapping[str, str]], str] | None = None


def set_step_output(results: list[SubmissionResult], environ: Mapping[str, str]) -> str:
    """Append ``result=<base64>`` to the file ``$GITHUB_OUTPUT`` names (GitHub Classroom's reporter reads it).

    Writes nothing outside GitHub Actions (no ``$GITHUB_OUTPUT``). Base64 has no newline, so the
    single-line ``name=value`` form is safe. Returns "".
    """
    path = environ.get("GITHUB_OUTPUT")
    if path:
        with open(path, "a", encoding="utf-8") as output:
            output.write(f"result={step_output_value(results)}\n")
    return ""


def post_commit_status(status: dict, environ: Mapping[str, str]) -> str:
    """Send ``status`` for ``$GITHUB_SHA`` of ``$GITHUB_REPOSITORY``; return what happened, in one line.

    Nothing is sent when a variable is missing (a run outside Actions); a refused request is
    reported, never raised: the grading itself succeeded.
    """
    needed = ("GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_SHA", "GITHUB_TOKEN")
    missing = [name for name in needed if not environ.get(name)]
    if missing:
        return f"commit status not set: {', '.join(missing)} not set"
    url = f"{environ['GITHUB_API_URL'].rstrip('/')}/repos/{environ['GITHUB_REPOSITORY']}/statuses/{environ['GITHUB_SHA']}"
    request = urllib.request.Request(
        url,
        data=json.dumps(status).encode("utf-8"),
        method="POST",
        headers={
            "Authorization": f"Bearer {environ['GITHUB_TOKEN']}",
            "Accept": "application/vnd.github+json",
            "Content-Type": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return f"commit status set: {status['description']} (HTTP {response.status})"
    except (urllib.error.URLError, TimeoutError) as error:
        return f"commit status not set: {error}"


def report_to_actions(results: list[SubmissionResult], environ: Mapping[str, str]) -> str:
    """Tell the Actions run about the one submission: the job summary, annotations (returned), the commit status.

    Args:
        results: the graded submissions; exactly one.
        environ: the step's environment.

    Returns:
        The text to print on stdout: the annotations and a notice saying what became of the status.

    Raises:
        ValueError: unless exactly one submission is given.
    """
    result = only_result(
        results, format_name="github-actions", why="a workflow run grades the one notebook of its repository"
    )
    if environ.get("GITHUB_STEP_SUMMARY"):
        with open(environ["GITHUB_STEP_SUMMARY"], "a", encoding="utf-8") as summary:
            summary.write(job_summary(result))
    outcome = post_commit_status(commit_status(result), environ)
    return annotations(result) + f"::notice::{command_data(outcome)}\n"


PLATFORMS: dict[str, Platform] = {
    "gradescope": Platform("gradescope", "gradescope"),
    "github-classroom": Platform("github-actions", "github", after_grading=set_step_output),
    "github-actions": Platform("github-actions", None, after_grading=report_to_actions),
    "classroom50": Platform("classroom50", "classroom50"),
    "prairielearn": Platform("prairielearn", "prairielearn"),
}
"""Platform name -> its record. ``github-actions`` is what ``autograder grade --github-actions`` reports to."""


def platforms_of(format_name: str, *, github_actions: bool) -> list[Platform]:
    """The platforms a run of ``autograder grade --format FORMAT [--github-actions]`` writes for."""
    return [
        platform
        for name, platform in PLATFORMS.items()
        if (platform.format is not None and platform.format == format_name)
        or (name == "github-actions" and github_actions)
    ]
