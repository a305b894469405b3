"""Notebooks read as the JSON they are, for grading: the cells, their sources and nbgrader's metadata.

``nbformat.read`` validates a notebook against its JSON schema with jsonschema, and importing
jsonschema loads its format checkers, one of which (rfc3987-syntax, installed with Jupyter)
compiles a grammar at import: three to four seconds, more than the rest of a grading's start.
Grading needs none of that. It reads only the cells of an nbformat 4 notebook, their type,
source and metadata, and the sources are what nbformat would give: a list of lines joined into
one string. Anything else about the file is left as it is, and the instructor's tools, which
write notebooks, keep using nbformat.
"""

import json
from pathlib import Path


class UnreadableNotebook(ValueError):
    """The text is not the JSON of an nbformat 4 notebook; the message says what is wrong."""


class NotebookNode(dict):
    """A dict whose keys read as attributes too (``cell.source``), as nbformat's own nodes do."""

    def __getattr__(self, key: str):
        try:
            return self[key]
        except KeyError:
            raise AttributeError(key) from None


def read_notebook(path: str | Path) -> NotebookNode:
    """The notebook stored at ``path``.

    Raises:
        UnreadableNotebook: when the file is not an nbformat 4 notebook.
        OSError: when it cannot be read.
        UnicodeDecodeError: when it is not UTF-8 text.
    """
    return notebook_from_text(Path(path).read_text(encoding="utf-8"))


def notebook_from_text(text: str) -> NotebookNode:
    """The notebook whose JSON is ``text``, with every cell's source as one string.

    Raises:
        UnreadableNotebook: when the text is not JSON, not an nbformat 4 notebook, or holds a
            cell without a type or with a source that is not text.
    """
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise UnreadableNotebook(f"it is not JSON ({str(error)[:200]})") from None
    if not isinstance(data, dict) or "cells" not in data:
        raise UnreadableNotebook("it is JSON but not a notebook (it has no list of cells)")
    if data.get("nbformat") != 4:
        raise UnreadableNotebook(
            f"it is in notebook format {data.get('nbformat')!r}, not 4: open it in Jupyter and save it again"
        )
    if not isinstance(data["cells"], list):
        raise UnreadableNotebook("its cells are not a list")
    cells = [_cell(index, cell) for index, cell in enumerate(data["cells"])]
    return NotebookNode({**data, "metadata": _node(data.get("metadata", {})), "cells": cells})


def _cell(index: int, cell) -> NotebookNode:
    if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
        raise UnreadableNotebook(f"its cell {index} has no cell type")
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(line, str) for line in source):
        source = "".join(source)
    if not isinstance(source, str):
        raise UnreadableNotebook(f"the source of its cell {index} is not text")
    metadata = cell.get("metadata", {})
    if not isinstance(metadata, dict):
        raise UnreadableNotebook(f"the metadata of its cell {index} is not a JSON object")
    return NotebookNode({**cell, "source": source, "metadata": _node(metadata)})


def _node(value):
    """``value`` with every JSON object in it a :class:`NotebookNode` (iteratively: no recursion limit)."""
    if not isinstance(value, dict):
        return value
    root = NotebookNode(value)
    stack = [root]
    while stack:
        node = stack.pop()
        for key, item in node.items():
            if isinstance(item, dict):
                node[key] = NotebookNode(item)
                stack.append(node[key])
    return root
