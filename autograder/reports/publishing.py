"""Publishing grades: each publication in a folder of its own, the earlier ones kept as they were.

``publish`` writes, into a new folder ``<into>/<n>-<UTC time>/``, the results it publishes, every
export asked for and a manifest (what was published, when, from which files, with each file's
SHA-256), then points ``<into>/LATEST`` at it. Nothing an earlier publication wrote is changed, so
a regrade that was published can be compared with, or rolled back to, what students had before.
"""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from autograder.atomic_files import write_atomically
from autograder.formats.json_results import results_json
from autograder.results import SubmissionResult

LATEST = "LATEST"
"""The file in the publications' folder naming the latest publication."""
MANIFEST = "manifest.json"
"""The file of each publication describing it."""


@dataclass(frozen=True)
class Publication:
    """A publication written: its folder and the files in it."""

    folder: Path
    files: tuple[Path, ...]


def next_folder(into: Path, now: datetime) -> Path:
    """A new publication folder: one more than the highest number there, with the time."""
    numbers = (
        [int(m.group(1)) for p in into.iterdir() if (m := re.fullmatch(r"(\d+)-.*", p.name))]
        if into.exists()
        else []
    )
    return into / f"{max(numbers, default=0) + 1:03d}-{now:%Y-%m-%dT%H-%M-%SZ}"


def publish(
    results: list[SubmissionResult],
    exports: dict[str, str],
    *,
    into: str | Path,
    sources: list[str],
    note: str = "",
    now: datetime | None = None,
) -> Publication:
    """Write a new publication of ``results`` and their ``exports`` (file name -> text) into ``into``.

    Args:
        results: the results published (written to ``results.json`` in the publication).
        exports: the files to publish, by name (``canvas.csv``, ``moodle.csv``, ``grades.csv``).
        into: the folder of all publications (made if missing).
        sources: the results files the publication was made from, named in the manifest.
        note: why this publication was made (``"regrade: fixed the clip_by_norm check"``).
        now: the publication's time (default: now).

    Raises:
        ValueError: when an export's name is not a plain file name.
    """
    for name in exports:
        if Path(name).name != name or name in (MANIFEST, "results.json", "", ".", ".."):
            raise ValueError(
                f"an export must be a plain file name other than {MANIFEST} and results.json, got {name!r}"
            )
    now = now or datetime.now(timezone.utc)
    into = Path(into)
    into.mkdir(parents=True, exist_ok=True)
    folder = next_folder(into, now)
    folder.mkdir()
    files = {"results.json": results_json(results), **exports}
    written = []
    for name, text in files.items():
        write_atomically(folder / name, text)
        written.append(folder / name)
    manifest = {
        "published_at": now.isoformat(timespec="seconds"),
        "note": note,
        "sources": sources,
        "assignments": sorted({r.assignment for r in results}),
        "students": len({(r.student_id, r.assignment) for r in results}),
        "files": {name: hashlib.sha256(text.encode("utf-8")).hexdigest() for name, text in files.items()},
    }
    write_atomically(folder / MANIFEST, json.dumps(manifest, indent=2) + "\n")
    write_atomically(into / LATEST, folder.name + "\n")
    return Publication(folder, (*written, folder / MANIFEST))
