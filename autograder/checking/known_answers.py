"""Published known-answer data: fixed inputs and the reference outputs for them.

The data files in ``autograder/data/`` are written by ``scripts/make_known_answers.py`` from
the reference solutions and read by the public checks. They ship with the package, so students
can run the public checks without the solutions.
"""

import functools
import io
import zipfile
from pathlib import Path

import numpy as np

from autograder.atomic_files import write_atomically

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def data_path(assignment: str) -> Path:
    """Where the known answers of ``assignment`` are stored."""
    return DATA_DIR / f"{assignment}.npz"


@functools.lru_cache(maxsize=4)
def load(assignment: str) -> dict[str, dict[str, np.ndarray]]:
    """The known answers of ``assignment``: ``{example: {argument or output: array}}``."""
    examples: dict[str, dict[str, np.ndarray]] = {}
    with np.load(data_path(assignment), allow_pickle=False) as data:
        for key in data.files:
            example, name = key.rsplit("/", 1)
            value = data[key]
            value.flags.writeable = False  # shared by every check of the process (and its lanes): never changed
            examples.setdefault(example, {})[name] = value
    return examples


def examples_of(assignment: str, function: str) -> dict[str, dict[str, np.ndarray]]:
    """The known-answer examples for one function, keyed by example name.

    Every call returns fresh copies, so that student code that writes into its arguments can
    never change the published data seen by later checks.
    """
    prefix = f"{function}/"
    return {
        example[len(prefix) :]: {name: value.copy() for name, value in values.items()}
        for example, values in load(assignment).items()
        if example.startswith(prefix)
    }


def save(assignment: str, examples: dict[str, dict[str, np.ndarray]]) -> Path:
    """Write ``{example: {name: array}}`` (examples named ``function/case``) to the data file."""
    flat = {
        f"{example}/{name}": np.asarray(value)
        for example, values in examples.items()
        for name, value in values.items()
    }
    path = data_path(assignment)
    # np.savez stamps each member with the current time: write the archive with a fixed one, so the
    # same reference gives the same bytes (regenerating changes nothing that git can see). The
    # archive is built in memory and replaces the old one atomically: checks reading it meanwhile
    # see one complete archive or the other.
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in flat.items():
            member = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, array, allow_pickle=False)
            archive.writestr(member, buffer.getvalue())
    write_atomically(path, content.getvalue())
    load.cache_clear()
    return path
