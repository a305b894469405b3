"""The output formats of ``autograder grade``: each a pure function over the result model.

Every format takes the list of graded submissions and returns the text to write:

- ``text``: for people (the default);
- ``json``: this project's own schema (``autograder/schemas/results.schema.json``);
- ``gradescope``: a Gradescope ``results.json`` (one submission only);
- ``github``: the result object GitHub Classroom's grading reporter reads (one submission only);
- ``classroom50``: Classroom 50's ``result.json``, identity from the runner's environment (one only);
- ``prairielearn``: PrairieLearn's external grading ``results.json`` (one submission only);
- ``junit``: JUnit XML, one testsuite per submission.

The single-submission formats raise ValueError for a batch, because their consumers read
exactly one submission per run. The gradebook CSV for batches is written by
:func:`autograder.formats.gradebook.write_gradebook`, atomically.
"""

import json
from collections.abc import Callable
from importlib.resources import files

from autograder.formats.classroom50 import classroom50_json
from autograder.formats.github import classroom_json
from autograder.formats.gradescope import gradescope_json
from autograder.formats.json_results import results_json
from autograder.formats.junit import junit_xml
from autograder.formats.prairielearn import prairielearn_json
from autograder.formats.text import text_report
from autograder.results import SubmissionResult

FORMATS: dict[str, Callable[[list[SubmissionResult]], str]] = {
    "text": text_report,
    "json": results_json,
    "gradescope": gradescope_json,
    "github": classroom_json,
    "junit": junit_xml,
    "classroom50": classroom50_json,
    "prairielearn": prairielearn_json,
}
"""Format name (the value of ``autograder grade --format``) -> the function that renders it."""


def load_schema(name: str) -> dict:
    """The JSON Schema shipped as ``autograder/schemas/<name>.schema.json``.

    Args:
        name: ``"results"`` (our format), ``"gradescope-results"``, ``"github-classroom-result"``,
            ``"classroom50-result"`` or ``"prairielearn-results"``.
    """
    return json.loads(files("autograder").joinpath("schemas", f"{name}.schema.json").read_text("utf-8"))
