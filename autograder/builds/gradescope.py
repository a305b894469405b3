"""``autograder build gradescope``: a Gradescope autograder zip for one assignment.

Gradescope unpacks the zip in ``/autograder/source``, runs ``setup.sh`` once to build its image,
then ``run_autograder`` for every submission, which must write ``/autograder/results/results.json``
(https://gradescope-autograders.readthedocs.io/en/latest/specs/). The zip holds (``<a>`` is the
assignment id)::

    setup.sh                        checks for Python 3.10+ (the Ubuntu 22.04 or newer base
                                    image), installs the autograder into /autograder/venv
    run_autograder                  autograder grade /autograder/submission --assignment <a>
                                    --format gradescope --output /autograder/results/results.json
    package/pyproject.toml          the autograder, as an installable project
    package/autograder/             the package source, without instructor-only modules
    course/solutions/<a>/           the source notebook and its support files: the hidden checks
                                    and the references they compare with (AUTOGRADER_SOLUTIONS)

Students never see the zip: Gradescope keeps it on its own machines.
Both scripts take their root from ``AUTOGRADER_ROOT`` (default ``/autograder``).
"""

import stat
import tempfile
import zipfile
from pathlib import Path

from autograder.builds.package_source import (
    REPOSITORY,
    copy_assignment_files,
    copy_package,
    render,
    write_pyproject,
)
from autograder.builds.student_repository import source_of

EXECUTABLE = ("setup.sh", "run_autograder")
"""The files of the zip Gradescope executes: they are stored with mode 755."""


def build_gradescope(assignment: str, out_zip: Path, *, repository: Path = REPOSITORY) -> Path:
    """Build the Gradescope autograder zip of ``assignment`` at ``out_zip``.

    Args:
        assignment: the assignment id, e.g. ``"rnn"``; its source is ``solutions/<a>/``.
        out_zip: the zip file to write (replaced if it exists); its directory is created.
        repository: the course checkout holding ``solutions/`` and ``autograder/``.

    Returns:
        ``out_zip``.

    Raises:
        FileNotFoundError: when the assignment has no source notebook in ``repository``.
    """
    source = source_of(assignment, repository)
    out_zip = Path(out_zip)
    out_zip.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temporary:
        staging = Path(temporary)
        copy_assignment_files(source, staging / "course" / "solutions" / assignment)
        package = staging / "package"
        copy_package(package, assignment, repository=repository)
        write_pyproject(package, repository=repository, summary=f"Gradescope autograder of '{assignment}'.")
        (staging / "setup.sh").write_text(render("setup.sh"), encoding="utf-8")
        (staging / "run_autograder").write_text(
            render("run_autograder", assignment=assignment), encoding="utf-8"
        )
        write_zip(staging, out_zip)
    return out_zip


def write_zip(directory: Path, out_zip: Path) -> None:
    """Zip the files of ``directory`` at the root of ``out_zip``, scripts executable, dates fixed.

    Fixed dates and sorted names make the same sources give the same zip, byte for byte.
    """
    with zipfile.ZipFile(out_zip, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in directory.rglob("*") if p.is_file()):
            name = path.relative_to(directory).as_posix()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            mode = 0o755 if name in EXECUTABLE else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, path.read_bytes())
