"""The output formats of ``autograder grade``: each a pure function over the result model.

Every format takes the list of graded submissions and returns the text to write; none writes a
file, reads the environment or the clock (:func:`render` is given what a run provides):

- ``text``: for people (the default);
- ``json``: this project's own schema (``autograder/schemas/results.schema.json``);
- ``gradescope``: a Gradescope ``results.json`` (one submission only);
- ``github``: the result object GitHub Classroom's grading reporter reads (one submission only);
- ``classroom50``: Classroom 50's ``result.json``, identity from the runner's environment given (one only);
- ``prairielearn``: PrairieLearn's external grading ``results.json`` (one submission only);
- ``junit``: JUnit XML, one testsuite per submission.

The single-submission formats raise ValueError for a batch, because their consumers read
exactly one submission per run. The gradebook CSV of a batch is
:func:`autograder.formats.gradebook.gradebook_csv`. What a run on a platform does besides
(GitHub's step output, the Actions job summary and commit status) is :mod:`autograder.platforms`.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files

from autograder.formats.classroom50 import classroom50_json
from autograder.formats.github import classroom_json
from autograder.formats.gradescope import gradescope_json
from autograder.formats.json_results import results_json
from autograder.formats.junit import junit_xml
from autograder.formats.prairielearn import prairielearn_json
from autograder.formats.text import text_report
from autograder.results import SubmissionResult


@dataclass(frozen=True)
class Format:
    """One output format.

    Attributes:
        render: ``render(results)`` the text, or ``render(results, environ=..., graded=...)`` for a
            format that reads the run (see ``reads_the_run``).
        one_submission: True when the format describes exactly one submission (its platform runs
            the grader once per submission) and refuses a batch.
        reads_the_run: True when the text holds the run's identity, from the platform's
            environment, and the time it was graded (Classroom 50).
    """

    render: Callable[..., str]
    one_submission: bool = False
    reads_the_run: bool = False


FORMATS: dict[str, Format] = {
    "text": Format(text_report),
    "json": Format(results_json),
    "gradescope": Format(gradescope_json, one_submission=True),
    "github": Format(classroom_json, one_submission=True),
    "junit": Format(junit_xml),
    "classroom50": Format(classroom50_json, one_submission=True, reads_the_run=True),
    "prairielearn": Format(prairielearn_json, one_submission=True),
}
"""Format name (the value of ``autograder grade --format``) -> the format."""

ONE_SUBMISSION = tuple(name for name, form in FORMATS.items() if form.one_submission)
"""The formats that describe exactly one submission."""


def render(name: str, results: list[SubmissionResult], *, environ: Mapping[str, str], graded: datetime) -> str:
    """The text of format ``name`` for ``results``; ``environ`` and ``graded`` are the run's, for the formats that read it.

    Raises:
        ValueError: when the format cannot describe these results (a batch given to a one-submission
            format, a run without the variables its platform sets).
    """
    form = FORMATS[name]
    return form.render(results, environ=environ, graded=graded) if form.reads_the_run else form.render(results)


def load_schema(name: str) -> dict:
    """The JSON Schema shipped as ``autograder/schemas/<name>.schema.json``.

    Args:
        name: ``"results"`` (our format), ``"gradescope-results"``, ``"github-classroom-result"``,
            ``"classroom50-result"`` or ``"prairielearn-results"``.
    """
    return json.loads(files("autograder").joinpath("schemas", f"{name}.schema.json").read_text("utf-8"))
