"""``autograder build prairielearn``: a PrairieLearn question that grades the uploaded notebook.

The output directory is the question (copy it to ``questions/<QID>/`` of the course; ``<a>`` is
the assignment id)::

    info.json                       external grading on, image prairielearn/grader-python,
                                    entrypoint /grade/tests/run.sh, networking for the install
    question.html                   links to the release, a file upload for <a>.ipynb, the results
    clientFilesQuestion/            the released notebook and support files students download
    tests/run.sh                    installs tests/package unless an autograder is on PATH, then
                                    grades /grade/student/<a>.ipynb into /grade/results/results.json
    tests/package/                  the autograder, as an installable project
    tests/course/solutions/<a>/     the source notebook: the hidden checks and their reference

PrairieLearn copies ``tests/`` into the grading container only, never to students, so the hidden
checks run there. ``run.sh`` takes its root from ``AUTOGRADER_ROOT`` (default ``/grade``).
"""

import json
import uuid
from pathlib import Path

from autograder.builds.package_source import (
    REPOSITORY,
    copy_assignment_files,
    copy_package,
    render,
    write_pyproject,
)
from autograder.builds.student_repository import empty_directory, release_of, source_of

IMAGE = "prairielearn/grader-python"
TIMEOUT = 600
"""Seconds: PrairieLearn's maximum, for the install and a submission's 300 s budget."""


def question_info(assignment: str) -> dict:
    """The question's ``info.json``: a stable uuid per assignment, external grading configured."""
    return {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"rnn-gradients-autograder/prairielearn/{assignment}")),
        "title": f"The {assignment} notebook",
        "topic": "Recurrent neural networks",
        "tags": ["autograder", assignment],
        "type": "v3",
        "singleVariant": True,
        "gradingMethod": "External",
        "externalGradingOptions": {
            "enabled": True,
            "image": IMAGE,
            "entrypoint": "/grade/tests/run.sh",
            "timeout": TIMEOUT,
            "enableNetworking": True,
        },
    }


def build_prairielearn(assignment: str, out_dir: Path, *, repository: Path = REPOSITORY) -> Path:
    """Build the PrairieLearn question of ``assignment`` in the empty directory ``out_dir``; return it.

    Raises:
        FileNotFoundError: when the assignment has no release or no source notebook.
        FileExistsError: when ``out_dir`` exists and is not empty.
    """
    release, source = release_of(assignment, repository), source_of(assignment, repository)
    out_dir = empty_directory(out_dir)
    client_files = out_dir / "clientFilesQuestion"
    copies = copy_assignment_files(release, client_files, with_data=True)
    tests = out_dir / "tests"
    copy_assignment_files(source, tests / "course" / "solutions" / assignment)
    copy_package(tests / "package", assignment, repository=repository)
    write_pyproject(tests / "package", repository=repository, summary=f"PrairieLearn autograder of '{assignment}'.")
    (tests / "run.sh").write_text(render("prairielearn_run.sh", assignment=assignment), encoding="utf-8")
    (tests / "run.sh").chmod(0o755)
    links = "\n".join(
        f'    <li><a href="{{{{options.client_files_question_url}}}}/{name}" download>{name}</a></li>'
        for name in (p.relative_to(client_files).as_posix() for p in copies)
    )
    (out_dir / "question.html").write_text(
        render("prairielearn_question.html", notebook=f"{assignment}.ipynb", links=links), encoding="utf-8"
    )
    (out_dir / "info.json").write_text(json.dumps(question_info(assignment), indent=2) + "\n", encoding="utf-8")
    return out_dir
