"""``autograder build prairielearn``: a PrairieLearn question that grades the uploaded notebook.

The output directory is the question (copy it to ``questions/<QID>/`` of the course; ``<a>`` is
the assignment id) and the grading image it names::

    info.json                       external grading on, the course's own image, no networking
    question.html                   links to the release, a file upload for <a>.ipynb, the results
    clientFilesQuestion/            the released notebook and support files students download
    tests/run.sh                    grades /grade/student/<a>.ipynb into /grade/results/results.json
    image/Dockerfile                the grading image: PrairieLearn's Python image with the autograder
    image/grader/                   the public autograder of <a>, as an installable project

Each upload is graded at once by the public checks; nothing of the hidden checks or the solutions
is in the question or the image, so no score a student sees reveals them. The final grade comes
from grading the submissions with the hidden checks after the deadline (``autograder grade`` on
the downloaded submissions, then ``autograder export``). The image is built and pushed once
(``docker build -t NAME image && docker push NAME``): grading installs nothing and needs no
network. ``run.sh`` takes its root from ``AUTOGRADER_ROOT`` (default ``/grade``).
"""

import json
import uuid
from pathlib import Path

from autograder.builds.package_source import REPOSITORY, copy_assignment_files, render
from autograder.builds.student_repository import empty_directory, release_of, write_public_autograder

BASE_IMAGE = "prairielearn/grader-python"
"""The image the course's grading image starts from: PrairieLearn's own, with Python 3."""
TIMEOUT = 300
"""Seconds PrairieLearn gives one grading job: the public checks take a few seconds."""


def question_info(assignment: str, image: str) -> dict:
    """The question's ``info.json``: a stable uuid per assignment, external grading in ``image``, offline."""
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
            "image": image,
            "entrypoint": "/grade/tests/run.sh",
            "timeout": TIMEOUT,
            "enableNetworking": False,
        },
    }


def build_prairielearn(assignment: str, out_dir: Path, *, image: str, repository: Path = REPOSITORY) -> Path:
    """Build the PrairieLearn question of ``assignment`` and its image in the empty directory ``out_dir``.

    Args:
        assignment: the assignment id.
        out_dir: created, and must be empty if it exists.
        image: the name the grading image is pushed under (``myorg/rnn-grader:2026``).
        repository: the course checkout.

    Raises:
        FileNotFoundError: when the assignment has no release.
        FileExistsError: when ``out_dir`` exists and is not empty.
        ValueError: when ``image`` is not an image name.
    """
    if not image or any(c.isspace() for c in image) or image != image.strip("/:"):
        raise ValueError(
            f"--image must name the grading image, e.g. myorg/{assignment}-grader:2026, got {image!r}"
        )
    release = release_of(assignment, repository)
    out_dir = empty_directory(out_dir)
    client_files = out_dir / "clientFilesQuestion"
    copies = copy_assignment_files(release, client_files, with_data=True)
    write_public_autograder(out_dir / "image" / "grader", assignment, repository=repository)
    (out_dir / "image" / "Dockerfile").write_text(
        render("prairielearn.Dockerfile", base=BASE_IMAGE, assignment=assignment), encoding="utf-8"
    )
    tests = out_dir / "tests"
    tests.mkdir()
    (tests / "run.sh").write_text(
        render("prairielearn_run.sh", assignment=assignment, image=image), encoding="utf-8"
    )
    (tests / "run.sh").chmod(0o755)
    links = "\n".join(
        f'    <li><a href="{{{{options.client_files_question_url}}}}/{name}" download>{name}</a></li>'
        for name in (p.relative_to(client_files).as_posix() for p in copies)
    )
    (out_dir / "question.html").write_text(
        render("prairielearn_question.html", notebook=f"{assignment}.ipynb", links=links), encoding="utf-8"
    )
    info = question_info(assignment, image)
    (out_dir / "info.json").write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return out_dir
