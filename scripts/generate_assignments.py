"""Regenerate the student release assignments/<assignment>/ from solutions/<assignment>/.

Runs `nbgrader generate_assignment` in a temporary course directory (no gradebook or other
state is left in the checkout) and copies the result into assignments/. Commit the result.

    python scripts/generate_assignments.py            # every assignment in solutions/
    python scripts/generate_assignments.py rnn        # only these
"""

import shutil
import sys

from autograder.instructor.nbgrader_pipeline import REPOSITORY, assignments, generate_releases


def main(names: list[str]) -> None:
    releases = REPOSITORY / "assignments"
    for name in generate_releases(releases, names or None):
        print(f"released {name} -> {releases / name}")
    if not names:
        for stale in sorted(
            set(p.name for p in releases.iterdir() if p.is_dir()) - set(assignments(REPOSITORY))
        ):
            shutil.rmtree(releases / stale)
            print(f"removed {releases / stale}: no solutions/{stale}/{stale}.ipynb")


if __name__ == "__main__":
    main(sys.argv[1:])
