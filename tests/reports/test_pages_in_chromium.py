"""The HTML pages in a real browser: headless Chromium opens each, loads every figure, and takes a screenshot.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them); skipped, saying
so, only where Chromium is absent. Screenshots go to ``$AUTOGRADER_SCREENSHOTS`` when set (to look
at them), else to a temporary directory.
"""

import os
import shutil
from pathlib import Path

import pytest
from support.synthetic_class import synthetic_class

from autograder.reports.class_report import class_report_html
from autograder.reports.feedback import feedback_page, page_text
from autograder.reports.similarity import Answers, similar_pairs, similarity_html, stub_code
from autograder.results import FAILED, CaseResult, SubmissionResult, TestResult

BROWSER = next(
    (shutil.which(name) for name in ("chromium", "chromium-browser", "google-chrome") if shutil.which(name)),
    None,
)
DRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    BROWSER is None or DRIVER is None,
    reason="headless Chromium is not installed (apt-get install chromium chromium-driver; .ci/run does)",
)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    directory = os.environ.get("AUTOGRADER_SCREENSHOTS")
    path = Path(directory) if directory else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def open_page(browser, html: str, path: Path, shot: Path) -> dict:
    """Open the page from a file, screenshot it whole, and return what the browser saw."""
    path.write_text(html, encoding="utf-8")
    browser.set_window_size(1280, 900)  # the page's own height is measured, not the last page's window
    browser.get(path.as_uri())
    height = browser.execute_script("return document.documentElement.scrollHeight")
    browser.set_window_size(1280, min(max(height, 900), 12000))
    seen = browser.execute_script(
        """return {
            title: document.title,
            images: Array.from(document.images).map(i => [i.complete, i.naturalWidth]),
            resources: performance.getEntriesByType('resource').map(e => e.name),
            overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
            scripts: document.scripts.length,
            height: document.documentElement.scrollHeight,
            sections: Array.from(document.querySelectorAll('h3')).map(h => h.getBoundingClientRect().top + window.scrollY),
        }"""
    )
    assert browser.save_screenshot(str(shot))
    return seen


def test_the_class_report_renders_offline_with_its_figures(browser, graded_results, tmp_path, shots):
    """Does the class report load in Chromium with its four figures drawn, no request made, no sideways scroll?"""
    seen = open_page(
        browser, class_report_html(graded_results), tmp_path / "report.html", shots / "class-report.png"
    )
    assert seen["title"] == "Class report: rnn"
    assert len(seen["images"]) == 4 and all(complete and width > 300 for complete, width in seen["images"])
    assert all(not name.startswith("http") for name in seen["resources"])
    assert seen["overflow"] <= 0 and seen["scripts"] == 0
    assert (shots / "class-report.png").stat().st_size > 50_000


def test_a_feedback_page_renders(browser, graded_results, tmp_path, shots):
    """Does a student's feedback page load with its table and failures, and no sideways scroll?"""
    seen = open_page(
        browser, page_text(feedback_page(graded_results[2])), tmp_path / "cy.html", shots / "feedback-cy.png"
    )
    assert seen["title"] == "rnn: feedback for cy" and seen["overflow"] <= 0 and not seen["resources"]


SCREEN = 1080
"""The height of a screen, in CSS pixels."""


def test_an_unreadable_notebook_is_one_screen_with_one_note(browser, tmp_path, shots):
    """Is the page of a notebook that could not be read one screen, saying so once, whatever its failed cases?"""
    note = "nothing was graded: rnn.ipynb is not a notebook (it is not JSON); hand in the file Jupyter saves"
    cases = tuple(CaseResult("rnn_backward", f"case {i}", 0.0, 1.0, "Traceback\n" * 30) for i in range(42))
    result = SubmissionResult(
        "submitted/dan/rnn/rnn.ipynb",
        "rnn",
        (TestResult("rnn_backward", "rnn_backward", 0.0, 42.0, FAILED, cell="test_rnn_backward", cases=cases),),
        (note,),
        student="dan",
    )
    html = page_text(feedback_page(result))
    seen = open_page(browser, html, tmp_path / "dan.html", shots / "feedback-unreadable.png")
    assert seen["height"] <= SCREEN and html.count("is not a notebook") == 1


def test_each_failed_function_takes_at_most_a_screen(browser, tmp_path, shots):
    """With six failed cases of 100-line messages per function, does each function's part fit in a screen?"""
    message = "\n".join(f"dWh[{i}] is off by {i}e-3" for i in range(100))
    tests = tuple(
        TestResult(
            function,
            function,
            0.0,
            6.0,
            FAILED,
            cell=f"test_{function}",
            cases=tuple(CaseResult(function, f"case {i}", 0.0, 1.0, message) for i in range(6)),
        )
        for function in ("rnn_backward", "clip_by_global_norm")
    )
    result = SubmissionResult("submitted/eve/rnn/rnn.ipynb", "rnn", tests, student="eve")
    seen = open_page(browser, page_text(feedback_page(result)), tmp_path / "eve.html", shots / "feedback-long.png")
    first, second = seen["sections"][:2]
    assert second - first <= SCREEN
    assert seen["height"] - second <= SCREEN + 200  # the last function's part, and the notes after it


def test_the_similarity_report_renders_side_by_side(browser, tmp_path, shots):
    """Does the similarity page load, with the two sides of a pair next to each other?"""
    students = synthetic_class()
    stub = stub_code("rnn")
    pairs = similar_pairs([Answers(n, f"submitted/{n}/rnn", c) for n, c in students.items()], stub=stub)
    html = similarity_html(pairs[:4], assignment="rnn", stub=stub, shown=1)
    seen = open_page(browser, html, tmp_path / "s.html", shots / "similarity.png")
    sides = browser.execute_script(
        "return Array.from(document.querySelector('.sides').children).map(e => e.getBoundingClientRect().left)"
    )
    assert seen["title"] == "Similarity: rnn" and seen["overflow"] <= 0
    assert len(sides) == 2 and sides[1] > sides[0] + 300
