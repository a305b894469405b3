"""Executing a solution notebook once, and reading back the numbers its experiments computed.

The notebook runs in a copy of its directory with the kernel's own inline backend. A last cell,
appended to the copy only, prints the named variables as JSON: numpy arrays become lists, dict
keys become their ``str``, ``inf`` and ``nan`` stay what they are.
"""

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parents[2]
MARKER = "EXPERIMENT VALUES: "

EXPOSED = {
    "rnn": [
        "T",
        "scales",
        "curves",
        "factors",
        "predicted",
        "slopes",
        "largest",
        "active",
        "leaky",
        "spectral_radius",
        "largest_singular_value",
        "relative",
        "peak_step",
        "tail_factor",
        "gap",
        "jordan_norms",
        "clip_table",
        "reach",
        "live",
        "clipped_norms",
        "control_norms",
        "init_table",
        "angles",
    ],
    "lstm": [
        "T",
        "totals",
        "cell_paths",
        "mean_forget",
        "kept",
        "rise",
        "sweep",
        "settings",
        "lengths",
        "results",
        "successes",
        "steps",
        "bias",
        "rate",
        "live",
        "cached",
        "retention",
        "unit_means",
        "spread",
    ],
    "charlm": [
        "V",
        "unigram",
        "spans",
        "losses",
        "norms",
        "clipped",
        "clipped_early",
        "truncations",
        "bias",
        "results",
        "perplexity",
        "validation",
        "auc",
        "auc_short",
        "balanced",
        "text_balanced",
        "clipped_share",
        "seeds",
        "gru_lowest",
        "longer_worse",
        "auc_drop",
        "live",
        "cached",
    ],
}
"""The variables each solution notebook's experiments leave behind, which the claims are checked on."""

DUMP = """
import json as _json
import numpy as _np

def _plain(value):
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, _np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (_np.floating, _np.integer, _np.bool_)):
        return value.item()
    return value

print(MARKER + _json.dumps({_name: _plain(globals()[_name]) for _name in NAMES}))
"""


@dataclass(frozen=True)
class NotebookRun:
    """An executed solution notebook (without the appended cell) and the values it exposed."""

    notebook: nbformat.NotebookNode
    values: dict


def run_solution_notebook(assignment: str, workdir: Path, names: list[str]) -> NotebookRun:
    """Execute ``solutions/<assignment>/<assignment>.ipynb`` in ``workdir``; read back ``names``."""
    for path in (REPO / "solutions" / assignment).iterdir():
        if path.is_file():
            shutil.copy(path, workdir)
        elif path.is_dir() and path.name != "__pycache__":  # the text charlm reads from data/
            shutil.copytree(path, workdir / path.name)
    notebook = nbformat.read(workdir / f"{assignment}.ipynb", as_version=4)
    code = DUMP.replace("MARKER", repr(MARKER)).replace("NAMES", repr(names))
    notebook.cells.append(nbformat.v4.new_code_cell(code))
    # The kernel's own inline backend shows figures; an inherited MPLBACKEND would hide them.
    backend = os.environ.pop("MPLBACKEND", None)
    try:
        NotebookClient(
            notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
        ).execute()
    finally:
        if backend is not None:
            os.environ["MPLBACKEND"] = backend
    dump = notebook.cells.pop()
    text = "".join(o.get("text", "") for o in dump.outputs if o.get("name") == "stdout")
    return NotebookRun(notebook, json.loads(text.split(MARKER, 1)[1]))


def save_run(run: NotebookRun, path: Path) -> None:
    """Keep an executed notebook and its values in one JSON file."""
    path.write_text(json.dumps({"notebook": nbformat.writes(run.notebook), "values": run.values}), "utf-8")


def load_run(path: Path) -> NotebookRun:
    """The run :func:`save_run` kept."""
    kept = json.loads(path.read_text("utf-8"))
    return NotebookRun(nbformat.reads(kept["notebook"], as_version=4), kept["values"])
