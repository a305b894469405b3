"""The templates of the reports: Jinja2 with autoescaping, so no text from a result is markup.

Markdown (student feedback) cannot be autoescaped: its filters put messages in code blocks
(:func:`fenced`) and escape the rest (:func:`markdown_text`).

Student code and messages are hostile (a submission can name a function ``<script>``); results
text is already made safe for terminals and CI logs (:mod:`autograder.text_safety`), and every
value is escaped again here by the template engine. Figures are data URIs of PNG images.
"""

import functools
import re

import jinja2

from autograder.text_safety import markdown_inline


@functools.cache
def environment() -> jinja2.Environment:
    """The template environment: templates from ``autograder/reports/templates``, HTML escaped."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("autograder.reports", "templates"),
        autoescape=jinja2.select_autoescape(["html", "html.j2"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["points"] = points
    env.filters["percent"] = percent
    env.filters["md"] = markdown_text
    env.filters["fenced"] = fenced
    return env


def render(template: str, **values) -> str:
    """The text of ``template`` (a file in ``templates/``) with ``values``."""
    return environment().get_template(template).render(**values)


def points(value: float) -> str:
    """A score as a person writes it: ``2``, ``0.5``, ``1.333``."""
    return f"{round(value, 3):g}"


def percent(fraction: float) -> str:
    """A fraction as a whole percentage: ``0.384`` is ``38%``."""
    return f"{100 * fraction:.0f}%"


def markdown_text(text: object) -> str:
    """Text for a line of Markdown: inert, on one line (:func:`autograder.text_safety.markdown_inline`)."""
    return markdown_inline(text)


def fenced(text: object) -> str:
    """Text as a Markdown code block, with a fence longer than any run of backticks inside it."""
    text = str(text).rstrip("\n")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text}\n{fence}"
