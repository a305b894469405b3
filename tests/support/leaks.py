"""Detectors of what must never reach a student: solution lines, hidden tests, mark schemes, data.

A *secret* is a line inside one of the regions nbgrader strips from a source notebook
(``### BEGIN SOLUTION``, ``### BEGIN HIDDEN TESTS``, ``=== BEGIN MARK SCHEME ===``). An
*artifact* is a dict ``relative path -> bytes``: everything a student can read in one place.
Each detector takes an artifact and returns one message per problem, naming the file and the
line (for a notebook, the cell and whether the line is in its source or its outputs).

Lines are compared after whitespace is normalised (runs of spaces collapsed, and dropped next to
punctuation, so ``a=x@Wx + b`` is ``a = x @ Wx + b``), and a secret is found anywhere inside a
line, not only as a whole line, as long as it is not part of a longer name.
"""

import fnmatch
import json
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.instructor.nbgrader_pipeline import IGNORED

SECRET_REGIONS = {
    "solution": ("### BEGIN SOLUTION", "### END SOLUTION"),
    "hidden test": ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"),
    "mark scheme": ("BEGIN MARK SCHEME", "END MARK SCHEME"),
}
MARKERS = tuple(marker for region in SECRET_REGIONS.values() for marker in region)

MIN_CODE_CHARACTERS = 10
"""A code line shorter than this once normalised (``T=len(c)``, ``return h``) gives nothing away."""
OPERATION = re.compile(r"[-+*/@%<>]|==|!=|\w[(\[]")
"""An arithmetic, matrix or comparison operator, a call or an index: a line that computes."""
MIN_PROSE_CHARACTERS = 20
"""A mark scheme line shorter than this (``and keeps the direction.``) is ordinary English."""

DATA_SUFFIXES = {".npz", ".npy", ".pkl", ".pickle", ".json", ".csv", ".h5", ".hdf5", ".pt", ".joblib", ".mat"}
"""Files that hold data rather than code or prose."""


def normalise(line: str) -> str:
    """One space between words, none next to punctuation, none at the ends."""
    return re.sub(r" (?=\W)|(?<=[^\w ]) ", "", " ".join(line.split()))


def is_substantial(kind: str, normalised: str) -> bool:
    """Whether a secret line says something: code that computes, or a mark scheme sentence.

    Code (solutions, hidden tests) counts when it has at least ``MIN_CODE_CHARACTERS``
    characters once normalised and performs an operation (``OPERATION``): lines that only
    return, unpack, branch or close a bracket are the same in every implementation. A mark
    scheme line counts from ``MIN_PROSE_CHARACTERS`` characters.
    """
    if kind == "mark scheme":
        return len(normalised) >= MIN_PROSE_CHARACTERS and not any(m in normalised for m in MARKERS)
    return len(normalised) >= MIN_CODE_CHARACTERS and bool(OPERATION.search(normalised))


@dataclass(frozen=True)
class Secret:
    """One substantial line of a region nbgrader removes from the release."""

    kind: str
    assignment: str
    cell: str
    text: str

    @property
    def normalised(self) -> str:
        return normalise(self.text)

    def __str__(self) -> str:
        return f"{self.kind} line of {self.cell} ({self.assignment}): `{self.text}`"


def secrets_of(notebook: nbformat.NotebookNode, assignment: str) -> list[Secret]:
    """The substantial lines inside every solution, hidden test and mark scheme region."""
    found = []
    for index, cell in enumerate(notebook.cells):
        name = cell.metadata.get("nbgrader", {}).get("grade_id", f"cell {index}")
        kind = None
        for line in cell.source.splitlines():
            begins = [k for k, (begin, _) in SECRET_REGIONS.items() if begin in line]
            if kind is None and begins:
                kind = begins[0]
            elif kind is not None and SECRET_REGIONS[kind][1] in line:
                kind = None
            elif kind is not None and is_substantial(kind, normalise(line)):
                found.append(Secret(kind, assignment, name, line.strip()))
    return found


def is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def occurs(secret: str, text: str) -> bool:
    """Whether ``secret`` is in ``text`` and not merely the middle of a longer name."""
    start = 0
    while (at := text.find(secret, start)) >= 0:
        end = at + len(secret)
        cut_before = is_word(secret[0]) and at > 0 and (is_word(text[at - 1]) or text[at - 1] == ".")
        cut_after = is_word(secret[-1]) and end < len(text) and is_word(text[end])
        if not (cut_before or cut_after):
            return True
        start = at + 1
    return False


def artifact_files(directory: Path) -> dict[str, bytes]:
    """Relative path -> bytes of every file under ``directory``, skipping caches."""
    return {
        path.relative_to(directory).as_posix(): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and not any(fnmatch.fnmatch(part, p) for part in path.parts for p in IGNORED)
    }


def is_text(path: str) -> bool:
    return Path(path).suffix not in DATA_SUFFIXES


def strings(value):
    """Every string inside a parsed JSON value (output data, metadata), in order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def output_texts(output: dict) -> list[str]:
    """What a notebook shows of one output: the stream, the error, or every representation of the data."""
    if output.get("output_type") == "stream":
        return list(strings(output.get("text", "")))
    if output.get("output_type") == "error":
        return list(strings([output.get("ename", ""), output.get("evalue", ""), output.get("traceback", [])]))
    return list(strings([output.get("data", {}), output.get("metadata", {})]))


def located_lines(path: str, data: bytes):
    """``(where, line)`` for every line a student can read in a file.

    A notebook is read cell by cell: the source, then every string of the outputs and the cell
    metadata; ``where`` names the file, the cell and its grade id. Other files line by line.
    """
    text = data.decode("utf-8", errors="replace")
    if not path.endswith(".ipynb"):
        for number, line in enumerate(text.splitlines(), 1):
            yield f"{path}:{number}", line
        return
    notebook = nbformat.reads(text, as_version=4)
    for index, cell in enumerate(notebook.cells):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        cell_name = f"{path} cell {index}" + (f" ({grade_id})" if grade_id else "")
        parts = {
            "source": [cell.source],
            "outputs": [text for output in cell.get("outputs", []) for text in output_texts(output)],
            "metadata": list(strings(cell.metadata)),
        }
        for part, texts in parts.items():
            for number, line in enumerate((line for t in texts for line in t.splitlines()), 1):
                yield f"{cell_name} {part} line {number}", line
    for number, line in enumerate((line for t in strings(notebook.metadata) for line in t.splitlines()), 1):
        yield f"{path} metadata line {number}", line


def secret_leaks(artifact: dict[str, bytes], secrets: list[Secret], *, exempt=lambda path, secret: False):
    """A message for every secret line found in a text file of the artifact.

    ``exempt(path, secret)`` lets a caller accept a match it has judged harmless.
    """
    by_text: dict[str, list[Secret]] = {}
    for secret in secrets:
        by_text.setdefault(secret.normalised, []).append(secret)
    messages = []
    for path, data in artifact.items():
        if not is_text(path):
            continue
        for where, line in located_lines(path, data):
            text = normalise(line)
            for normalised, same in by_text.items():
                if normalised in text and occurs(normalised, text) and not exempt(path, same[0]):
                    messages.append(f"{where}: {same[0]}")
    return messages


def marker_leaks(artifact: dict[str, bytes], *, parsers=lambda path: False) -> list[str]:
    """A message for every region marker, and every ``hidden=True`` in a notebook.

    ``parsers(path)`` names the modules allowed to spell the markers: the code that reads
    source notebooks must.
    """
    messages = []
    for path, data in artifact.items():
        if not is_text(path) or parsers(path):
            continue
        for where, line in located_lines(path, data):
            for marker in MARKERS:
                if marker in line:
                    messages.append(f"{where}: region marker `{marker}` in `{line.strip()}`")
            if path.endswith(".ipynb") and "hidden=True" in normalise(line):
                messages.append(f"{where}: a hidden check is called: `{line.strip()}`")
    return messages


def executed_cells(artifact: dict[str, bytes]) -> list[str]:
    """A message for every notebook cell that carries outputs or an execution count."""
    messages = []
    for path, data in artifact.items():
        if path.endswith(".ipynb"):
            for index, cell in enumerate(nbformat.reads(data.decode("utf-8"), as_version=4).cells):
                if cell.get("outputs") or cell.get("execution_count") is not None:
                    messages.append(
                        f"{path} cell {index}: {len(cell.get('outputs', []))} outputs, "
                        f"execution count {cell.get('execution_count')}"
                    )
    return messages


def data_problems(artifact: dict[str, bytes], *, allowed: dict[str, bytes]) -> list[str]:
    """A message for every data file other than ``allowed`` (path -> its exact bytes) and schemas.

    A JSON Schema (a ``.json`` file holding ``$schema``) is a description, not data. Every other
    file must be UTF-8 text without NUL bytes: no binary data hides under another suffix.
    """
    messages = []
    for path, data in artifact.items():
        if path in allowed:
            if data != allowed[path]:
                messages.append(f"{path}: not the published known answers byte for byte")
        elif path.endswith(".json") and Path(path).parent.name == "schemas":
            try:
                if "$schema" not in json.loads(data):
                    messages.append(f"{path}: a .json file that is not a JSON Schema")
            except (ValueError, TypeError):
                messages.append(f"{path}: a .json file that is not JSON")
        elif not is_text(path):
            messages.append(f"{path}: a data file that is neither known answers nor a schema")
        else:
            try:
                data.decode("utf-8")
                binary = b"\0" in data
            except UnicodeDecodeError:
                binary = True
            if binary:
                messages.append(f"{path}: binary content")
    return messages
