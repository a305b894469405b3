"""Text from a submission made safe to show: for terminals, CI logs, UTF-8 files, XML and JSON.

Anything a submission controls (messages of its errors, names, grade ids, file names, outputs)
passes through :func:`safe_text` before it reaches an output, and through :func:`clipped` when
it arrives from the student process, so that no submission can:

* make a UTF-8 writer raise for the whole batch (a lone surrogate such as ``"\\ud800"``);
* rewrite a terminal or a CI log (escape sequences, carriage returns, other control characters);
* give orders to a CI system (GitHub Actions reads a line starting with ``::`` as a workflow
  command, ``##[`` and ``##vso[`` lines are commands to Azure Pipelines and the old runner);
* flood an output (every text is cut to a length).
"""

import html
import re

MAX_TEXT = 2000
"""The longest text kept from the student process (a message, a warning, a name)."""

_ESCAPE_SEQUENCES = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_CI_COMMAND = re.compile(r"^([^\S\n]*)(::|##\[|##vso\[)", re.MULTILINE)
_LINE_SEPARATORS = re.compile(r"[\u2028\u2029\u0085]")


def safe_text(text: object) -> str:
    """``text`` made safe for any output.

    The result is valid UTF-8, has no control characters but newlines and tabs, and no line a
    CI system would read as a command (its first ``:`` or ``#`` is replaced by a look-alike).
    """
    text = text if isinstance(text, str) else str(text)
    text = _SURROGATES.sub("\ufffd", text)
    text = _ESCAPE_SEQUENCES.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _LINE_SEPARATORS.sub("\n", text)
    text = _CONTROL.sub("", text)
    return _CI_COMMAND.sub(lambda m: m.group(1) + "\u2236" + m.group(2)[1:], text)


def clipped(text: object, limit: int = MAX_TEXT) -> str:
    """:func:`safe_text` of at most ``limit`` characters of ``text`` (an ellipsis marks a cut)."""
    text = text if isinstance(text, str) else "" if text is None else repr(text)[: limit + 1]
    text = safe_text(text[: limit + 1])
    return text if len(text) <= limit else text[: limit - 1] + "…"


_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|~:@])")
"""What Markdown (GitHub's, with its extensions) could read as syntax: links, images, emphasis, table
cells, headings, lists, and the ``:`` and ``.`` of bare URLs and ``www.`` names it would turn into links."""


def markdown_inline(text: object) -> str:
    """``text`` as inert inline Markdown, on one line: HTML as entities, Markdown's punctuation escaped.

    No link, image, emphasis, heading, list, table cell or autolinked URL can come of it:
    ``![x](https://evil/x.png)`` shows as those characters.
    """
    escaped = html.escape(" ".join(safe_text(text).split()), quote=False)
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", escaped)
