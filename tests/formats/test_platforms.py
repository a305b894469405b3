"""Each platform is one record: the build that hands it an assignment, the format its run reads, what else the run does."""

import ast
from pathlib import Path

import pytest

from autograder.builds import BUILDS
from autograder.formats import FORMATS, ONE_SUBMISSION
from autograder.platforms import PLATFORMS, platforms_of

FORMATS_PACKAGE = Path(__file__).resolve().parents[2] / "autograder" / "formats"


@pytest.mark.parametrize("name", sorted(PLATFORMS))
def test_every_platform_names_a_build_and_a_one_submission_format_that_exist(name):
    """Is each platform's build in BUILDS, and its format (if any) one that refuses a batch?"""
    platform = PLATFORMS[name]
    assert platform.build in BUILDS
    assert platform.format is None or FORMATS[platform.format].one_submission


def test_the_one_submission_formats_are_the_platforms_formats():
    """Is every format that refuses a batch read by a platform, and every platform's format such a format?"""
    assert set(ONE_SUBMISSION) == {p.format for p in PLATFORMS.values() if p.format is not None}


def test_a_run_reports_to_the_platforms_its_options_name():
    """Does `--format github` set GitHub's step output, `--github-actions` report to Actions, and `--format json` neither?"""
    assert platforms_of("github", github_actions=False) == [PLATFORMS["github-classroom"]]
    assert platforms_of("text", github_actions=True) == [PLATFORMS["github-actions"]]
    assert platforms_of("json", github_actions=False) == []


@pytest.mark.parametrize("module", sorted(FORMATS_PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_no_format_writes_a_file_reads_the_environment_or_the_clock(module):
    """Does no module of autograder/formats/ call open(), touch os.environ, datetime.now or the network?"""
    tree = ast.parse(module.read_text("utf-8"))
    calls = {ast.unparse(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    names = {ast.unparse(node) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not calls & {"open", "datetime.now", "time.time", "write_atomically", "urllib.request.urlopen"}
    assert "os.environ" not in names
