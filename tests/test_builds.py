"""The builds for the platforms, each run the way its platform runs it.

A GitHub Classroom template is installed into a fresh virtual environment exactly as its
workflow installs it, and the workflow's own grading command is run in it: the public points of
the reference, zero for the untouched release, and the step output the reporter decodes.
A Gradescope zip is unpacked into the directory layout Gradescope makes (its root moved to a
temporary directory), and its ``run_autograder`` writes a results.json that meets the
specification, with the hidden checks run from the bundled solutions.

Installing the grader into a fresh environment takes most of the time, so one environment
serves the module: the classroom runs first (the public autograder is installed), then the
Gradescope package is installed over it (a fixture dependency orders them).
"""

import base64
import json
import os
import shlex
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import nbformat
import pytest
import yaml

from autograder.builds import build_classroom, build_gradescope
from autograder.builds.package_source import INSTRUCTOR_ONLY, REPOSITORY
from autograder.formats import load_schema
from autograder.submissions import DEMO_MISTAKES, solution_answers, with_answers, with_mistake

ASSIGNMENT = "rnn"
PUBLIC_POINTS = 24.5
ALL_POINTS = 36.0
"""The autograded points of rnn: 24.5 in public checks, 11.5 more in hidden ones (written answers aside)."""

DOCUMENTED_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "classroom-resources/autograding-grading-reporter@v1",
}
COMMANDS = {"autograder", "python", "pip"}
"""The only commands a workflow step may run: what the requirements install, and Python itself."""


def notebook_with(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with these answers written in."""
    release = nbformat.read(REPOSITORY / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    return with_answers(release, answers)


def reference_answers() -> dict[str, str]:
    return solution_answers(
        nbformat.read(REPOSITORY / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    )


def clean_environment(venv: Path, **extra: str) -> dict[str, str]:
    """The environment of a platform's run: the venv first on PATH, no course found by variable."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("AUTOGRADER_SOLUTIONS", "PYTHONPATH", "VIRTUAL_ENV")
    }
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return {**env, **extra}


def run(command: str, *, cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    """Run one workflow or script command as a shell would, without a shell; fail with its output."""
    words = shlex.split(command)
    words[0] = shutil.which(words[0], path=env["PATH"]) or words[0]
    done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{command} exited {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    )
    return done


# --- GitHub Classroom -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> Path:
    return build_classroom(ASSIGNMENT, tmp_path_factory.mktemp("classroom") / "template")


@pytest.fixture(scope="module")
def workflow(classroom) -> dict:
    return yaml.safe_load((classroom / ".github" / "workflows" / "classroom.yml").read_text("utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def grading_step(workflow: dict) -> dict:
    """The step that runs the autograder (the reporter reads its output)."""
    (step,) = [s for s in steps(workflow) if "run" in s and s["run"].startswith("autograder grade")]
    return step


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment: no system site packages, nothing of this project installed."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


@dataclass
class WorkflowRun:
    """What the grading step of one student repository printed, and the step output it set."""

    printed: dict
    step_output: str


@pytest.fixture(scope="module")
def classroom_runs(classroom, workflow, venv, tmp_path_factory) -> dict[str, WorkflowRun]:
    """Each student repository made from the template, with the workflow's run steps run in it."""
    installs = [s["run"] for s in steps(workflow) if "run" in s and s is not grading_step(workflow)]
    for command in installs:
        run(command, cwd=classroom, env=clean_environment(venv))
    notebooks = {"reference": notebook_with(reference_answers()), "release": notebook_with({})}
    runs = {}
    for student, notebook in notebooks.items():
        repository = shutil.copytree(classroom, tmp_path_factory.mktemp(student) / "repository")
        nbformat.write(notebook, repository / f"{ASSIGNMENT}.ipynb")
        github_output = repository.parent / "github_output"
        github_output.touch()
        done = run(
            grading_step(workflow)["run"],
            cwd=repository,
            env=clean_environment(venv, GITHUB_OUTPUT=str(github_output)),
        )
        runs[student] = WorkflowRun(json.loads(done.stdout), github_output.read_text("utf-8"))
    return runs


def test_template_holds_the_release_and_the_public_autograder_only(classroom):
    """Are the student files the release, byte for byte, with no solution and no instructor module?"""
    release = REPOSITORY / "assignments" / ASSIGNMENT
    packaged = classroom / ".autograder" / "autograder"
    for name in (f"{ASSIGNMENT}.ipynb", f"{ASSIGNMENT}_support.py"):
        assert (classroom / name).read_bytes() == (release / name).read_bytes()
        assert (packaged / "releases" / ASSIGNMENT / name).read_bytes() == (release / name).read_bytes()
    assert not list(classroom.rglob("solutions"))
    assert not [name for name in INSTRUCTOR_ONLY if name != "releases" and (packaged / name).exists()]
    assert (classroom / "requirements.txt").read_text().split() == ["./.autograder"]
    readme = (classroom / "README.md").read_text("utf-8")
    assert f"autograder grade {ASSIGNMENT}.ipynb" in readme
    assert "hidden checks" in readme and "written answers" in readme


def test_workflow_runs_on_every_push_with_the_permissions_the_reporter_needs(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert "push" in triggers
    assert workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}


def test_workflow_uses_only_the_documented_actions(workflow):
    assert {s["uses"] for s in steps(workflow) if "uses" in s} <= DOCUMENTED_ACTIONS


def test_workflow_reports_the_grading_step_output_the_documented_way(workflow):
    """Does the reporter get the grading step's `result` in <ID>_RESULTS, and that id as runner?"""
    step = grading_step(workflow)
    assert shlex.split(step["run"]) == ["autograder", "grade", f"{ASSIGNMENT}.ipynb", "--format", "github"]
    (reporter,) = [s for s in steps(workflow) if s.get("uses", "").startswith("classroom-resources/")]
    assert reporter["with"]["runners"] == step["id"]
    variable = f"{step['id'].upper()}_RESULTS"
    assert reporter["env"] == {variable: f"${{{{ steps.{step['id']}.outputs.result }}}}"}


def test_workflow_runs_only_commands_that_exist_after_the_install(workflow, venv, classroom_runs):
    for step in steps(workflow):
        for line in filter(None, step.get("run", "").splitlines()):
            command = shlex.split(line)[0]
            assert command in COMMANDS, line
            assert shutil.which(command, path=str(venv / "bin")), f"{command} is not in the environment"


def test_reference_earns_every_public_point_and_is_told_the_hidden_checks_did_not_run(classroom_runs):
    result = classroom_runs["reference"].printed
    jsonschema.validate(result, load_schema("github-classroom-result"))
    assert result["status"] == "pass"
    assert sum(test["score"] for test in result["tests"]) == result["max_score"] == PUBLIC_POINTS
    assert not any("hidden" in test["name"] for test in result["tests"])
    assert "only the public tests ran" in result["message"]


def test_untouched_release_earns_nothing(classroom_runs):
    result = classroom_runs["release"].printed
    assert result["status"] == "fail"
    assert sum(test["score"] for test in result["tests"]) == 0
    assert result["max_score"] == PUBLIC_POINTS


def test_step_output_is_the_printed_result_in_base64(classroom_runs):
    """Is `result=` in $GITHUB_OUTPUT one line of base64 that decodes to the printed result?"""
    for workflow_run in classroom_runs.values():
        (line,) = workflow_run.step_output.splitlines()
        name, value = line.split("=", 1)
        assert name == "result"
        assert json.loads(base64.b64decode(value, validate=True)) == workflow_run.printed


# --- Gradescope -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gradescope_zip(tmp_path_factory) -> Path:
    return build_gradescope(ASSIGNMENT, tmp_path_factory.mktemp("gradescope") / f"{ASSIGNMENT}.zip")


def unpack(archive: Path, destination: Path) -> None:
    """Unzip as Gradescope does, keeping each file's mode (zipfile alone drops it)."""
    with zipfile.ZipFile(archive) as opened:
        for info in opened.infolist():
            path = Path(opened.extract(info, destination))
            if mode := (info.external_attr >> 16) & 0o777:
                path.chmod(mode)


@pytest.fixture(scope="module")
def gradescope_results(gradescope_zip, venv, classroom_runs, tmp_path_factory) -> dict[str, dict]:
    """results.json of each submission, each graded in its own /autograder laid out as Gradescope does.

    The grader is the zip's package installed (as setup.sh installs it) into the module's fresh
    environment, over the public autograder once the classroom runs are done: a second fresh
    environment would double the test's time, and the project's own environment would not show
    that the zip's package installs on its own. setup.sh itself, which makes that environment on
    Gradescope, is only checked for syntax.
    """
    answers = reference_answers()
    grade_id, correct, wrong = DEMO_MISTAKES[ASSIGNMENT][0]
    submissions = {
        "reference": notebook_with(answers),
        "buggy": notebook_with(with_mistake(answers, grade_id, correct, wrong)),
    }
    results = {}
    for student, notebook in submissions.items():
        root = tmp_path_factory.mktemp(f"gradescope-{student}") / "autograder"
        unpack(gradescope_zip, root / "source")
        if not results:
            run(
                f"pip install --no-deps --force-reinstall {root / 'source' / 'package'}",
                cwd=root,
                env=clean_environment(venv),
            )
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        nbformat.write(notebook, root / "submission" / f"{ASSIGNMENT}.ipynb")
        run(str(root / "run_autograder"), cwd=root, env=clean_environment(venv, AUTOGRADER_ROOT=str(root)))
        results[student] = json.loads((root / "results" / "results.json").read_text("utf-8"))
    return results


def test_zip_has_executable_setup_and_run_scripts_at_its_root(gradescope_zip, tmp_path):
    with zipfile.ZipFile(gradescope_zip) as archive:
        modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
        names = set(modes)
        for script in ("setup.sh", "run_autograder"):
            assert modes[script] & 0o111 == 0o111, f"{script} is not executable"
            assert archive.read(script).startswith(b"#!/usr/bin/env bash\n")
            (tmp_path / script).write_bytes(archive.read(script))
            subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)
    assert {
        "package/pyproject.toml",
        f"course/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb",
        f"course/solutions/{ASSIGNMENT}/{ASSIGNMENT}_support.py",
    } <= names
    assert not [n for n in names if n.startswith("package/autograder/builds/")]


def test_zip_is_the_same_for_the_same_sources(gradescope_zip, tmp_path):
    again = build_gradescope(ASSIGNMENT, tmp_path / "again.zip")
    assert again.read_bytes() == gradescope_zip.read_bytes()


def test_results_meet_gradescopes_specification(gradescope_results):
    for results in gradescope_results.values():
        jsonschema.validate(results, load_schema("gradescope-results"))


def test_reference_earns_every_point_with_the_hidden_checks_from_the_bundled_solutions(gradescope_results):
    results = gradescope_results["reference"]
    assert results["score"] == ALL_POINTS
    hidden = [test for test in results["tests"] if "hidden" in test["tags"]]
    assert sum(test["max_score"] for test in hidden) == ALL_POINTS - PUBLIC_POINTS
    assert {test["visibility"] for test in hidden} == {"after_published"}
    assert "only the public tests ran" not in results["output"]


def test_buggy_submission_loses_points_on_the_function_it_gets_wrong(gradescope_results):
    """dWh overwritten instead of accumulated: rnn_backward's checks fail, others still pass."""
    results = gradescope_results["buggy"]
    assert 0 < results["score"] < ALL_POINTS
    failed = {test["tags"][0] for test in results["tests"] if test["status"] == "failed"}
    assert "rnn_backward" in failed
    assert "sigmoid" not in failed
