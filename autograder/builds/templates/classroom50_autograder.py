"""Classroom 50 autograder of the assignment '@assignment@': the public checks of @notebook@.

The runner starts this script in the student's checkout, with CLASSROOM, ASSIGNMENT,
SUBMISSION_TAG, COMMIT_URL, RELEASE_URL, REVIEW_URL, OWNER and ASSIGNMENT_TYPE set. It installs
the autograder beside it (package/) into a virtual environment in $RUNNER_TEMP, reused when it is
already there, and writes ./result.json. A non-zero exit means grading itself failed.
"""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = Path(os.environ.get("RUNNER_TEMP") or tempfile.gettempdir()) / "autograder-@assignment@"


def main() -> int:
    """Install the autograder once, grade the checkout's notebook; return the grader's exit status."""
    if sys.version_info < (3, 10):  # noqa: UP036 -- the runner's Python, not this project's
        print(f"::error::the autograder needs Python 3.10 or newer, not {sys.version.split()[0]}")
        return 1
    grader = VENV / ("Scripts/autograder.exe" if os.name == "nt" else "bin/autograder")
    if not grader.exists():
        python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(HERE / "package")], check=True)
    command = [str(grader), "grade", "@notebook@", "--assignment", "@assignment@"]
    command += ["--submitted-at", "ci-event"]  # the push's time, never a commit's date
    return subprocess.run([*command, "--format", "classroom50", "--output", "result.json"]).returncode


if __name__ == "__main__":
    sys.exit(main())
