"""The builds for the platforms, each run the way its platform runs it.

- GitHub/Gitea/Forgejo Actions: the workflow is parsed, and its own commands are run in copies
  of the student repository (install, then grading with the job summary, annotations and a
  commit status sent to a local stand-in for the REST API); the legacy GitHub Classroom workflow
  keeps the names its reporter requires and the step output it decodes.
- Classroom 50: ``autograder.py`` runs in a student's checkout with the runner's variables, and
  its ``result.json`` meets the ``classroom50/result/v1`` contract (reference: every point,
  release: none, a buggy one in between).
- Gradescope: the zip is unpacked as Gradescope does and ``run_autograder`` writes a results.json
  meeting the specification; ``setup.sh`` refuses a Python older than 3.10, naming the base image.
- PrairieLearn: ``tests/run.sh`` runs in a ``/grade`` layout and writes results in PrairieLearn's
  documented format, hidden checks included.

Installing the grader takes most of the time, so one fresh environment serves the module: the
public autograder is installed by the workflow's own install step, Classroom 50's entrypoint finds
it where it keeps its environment, and the grading package (Gradescope's, PrairieLearn's: the same
package) is installed over it afterwards (fixture dependencies order them).
"""

import base64
import http.server
import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import nbformat
import pytest
import tomllib
import yaml
from support.platform_builds import example_options

from autograder.builds import (
    BUILDS,
    build_classroom50,
    build_github_actions,
    build_gradescope,
    build_prairielearn,
    build_student,
)
from autograder.builds.package_source import INSTRUCTOR_ONLY, REPOSITORY
from autograder.formats import load_schema
from autograder.formats.github_actions import STATUS_CONTEXT
from autograder.instructor.submissions import DEMO_MISTAKES, solution_answers, with_answers, with_mistake

ASSIGNMENT = "rnn"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
PUBLIC_POINTS = 26.9
ALL_POINTS = 40.0
"""The autograded points of rnn: 26.9 in public checks, 13.1 more in hidden ones (written answers aside)."""

DOCUMENTED_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/upload-artifact@v4",
    "classroom-resources/autograding-grading-reporter@v1",
}
COMMANDS = {"autograder", "python", "pip"}
"""The only commands a workflow step may run: what the requirements install, and Python itself."""


def notebook_with(answers: dict[str, str]) -> nbformat.NotebookNode:
    """The released notebook with these answers written in."""
    release = nbformat.read(REPOSITORY / "assignments" / ASSIGNMENT / NOTEBOOK, as_version=4)
    return with_answers(release, answers)


def reference_answers() -> dict[str, str]:
    return solution_answers(nbformat.read(REPOSITORY / "solutions" / ASSIGNMENT / NOTEBOOK, as_version=4))


SUBMISSIONS = {
    "reference": lambda: notebook_with(reference_answers()),
    "release": lambda: notebook_with({}),
    "buggy": lambda: notebook_with(with_mistake(reference_answers(), *DEMO_MISTAKES[ASSIGNMENT][0])),
}
"""Every point, none, and dWh overwritten instead of accumulated (rnn_backward loses points)."""


def clean_environment(venv: Path, **extra: str) -> dict[str, str]:
    """The environment of a platform's run: the venv first on PATH, no course found by variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("AUTOGRADER_SOLUTIONS", "PYTHONPATH", "VIRTUAL_ENV") and not k.startswith("GITHUB_")
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


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def grading_step(workflow: dict) -> dict:
    """The step that runs the autograder."""
    (step,) = [s for s in steps(workflow) if s.get("run", "").startswith("autograder grade")]
    return step


def triggers(workflow: dict):
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A fresh virtual environment: no system site packages, nothing of this project installed."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True)
    return path


# --- The student bundle -----------------------------------------------------------------------


def test_student_bundle_is_the_release_and_the_public_autograder_only(tmp_path):
    """Are the student files the release, byte for byte, with no solution and no instructor module?"""
    bundle = build_student(ASSIGNMENT, tmp_path / "bundle")
    release = REPOSITORY / "assignments" / ASSIGNMENT
    packaged = bundle / "grader" / "autograder"
    for name in (NOTEBOOK, f"{ASSIGNMENT}_support.py"):
        assert (bundle / name).read_bytes() == (release / name).read_bytes()
        assert (packaged / "releases" / ASSIGNMENT / name).read_bytes() == (release / name).read_bytes()
    assert not list(bundle.rglob("solutions"))
    assert not [name for name in INSTRUCTOR_ONLY if name != "releases" and (packaged / name).exists()]
    assert (bundle / "requirements.txt").read_text().split() == ["./grader"]
    readme = (bundle / "README.md").read_text("utf-8")
    assert f"autograder grade {NOTEBOOK}" in readme and "hidden checks" in readme
    assert not (bundle / ".github").exists()


def test_every_platform_builds_charlm_and_its_student_bundle_holds_the_text_and_the_cached_experiment(tmp_path):
    """Does every build make charlm, the student bundle holding its release (support modules, the text, the results)?"""
    for name, build in BUILDS.items():
        out = build.make("charlm", tmp_path / name, **example_options(build))
        assert out.exists(), name
    bundle = tmp_path / "student"
    release = REPOSITORY / "assignments" / "charlm"
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        assert (bundle / path.relative_to(release)).read_bytes() == path.read_bytes(), path.name
    assert (bundle / "charlm_results.json").is_file() and (bundle / "data" / "pride_and_prejudice.txt").is_file()
    packaged = bundle / "grader" / "autograder"
    assert packaged.is_dir() and not list(bundle.rglob("solutions")) and not (packaged / "mistakes").exists()


def test_the_shipped_package_has_this_repositorys_command_and_dependencies(tmp_path):
    """Does the bundle's package install the same `autograder` entry point and runtime dependencies as this repository?"""
    bundle = build_student(ASSIGNMENT, tmp_path / "bundle")
    shipped = tomllib.loads((bundle / "grader" / "pyproject.toml").read_text("utf-8"))["project"]
    ours = tomllib.loads((REPOSITORY / "pyproject.toml").read_text("utf-8"))["project"]
    assert shipped["scripts"] == ours["scripts"] == {"autograder": "autograder.cli:run"}
    assert shipped["dependencies"] == ours["dependencies"]


# --- GitHub, Gitea and Forgejo Actions --------------------------------------------------------


@pytest.fixture(scope="module")
def actions_repository(tmp_path_factory) -> Path:
    return build_github_actions(ASSIGNMENT, tmp_path_factory.mktemp("actions") / "repository")


@pytest.fixture(scope="module")
def workflow(actions_repository) -> dict:
    return yaml.safe_load((actions_repository / ".github" / "workflows" / "grade.yml").read_text("utf-8"))


class StatusAPI(http.server.BaseHTTPRequestHandler):
    """A stand-in for ``POST /repos/{owner}/{repo}/statuses/{sha}``: records each request."""

    received: list[dict] = []

    def do_POST(self):  # noqa: N802 -- the name http.server calls
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StatusAPI.received.append(
            {"path": self.path, "authorization": self.headers["Authorization"], "body": body}
        )
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def status_api():
    server = http.server.HTTPServer(("127.0.0.1", 0), StatusAPI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v3"
    server.shutdown()


@dataclass
class ActionsRun:
    """What one run of the grading step left: stdout, the job summary, result.json, the status sent."""

    stdout: str
    summary: str
    result: dict
    status: dict


@pytest.fixture(scope="module")
def actions_runs(actions_repository, workflow, venv, status_api, tmp_path_factory) -> dict[str, ActionsRun]:
    """Each student repository made from the template, with the workflow's run steps run in it."""
    for step in steps(workflow):
        if "run" in step and step is not grading_step(workflow):
            run(step["run"], cwd=actions_repository, env=clean_environment(venv))
    runs = {}
    for student in ("reference", "release"):
        repository = shutil.copytree(actions_repository, tmp_path_factory.mktemp(student) / "repository")
        nbformat.write(SUBMISSIONS[student](), repository / NOTEBOOK)
        summary = repository.parent / "summary.md"
        env = clean_environment(
            venv,
            GITHUB_STEP_SUMMARY=str(summary),
            GITHUB_API_URL=status_api,
            GITHUB_REPOSITORY=f"course/{student}",
            GITHUB_SHA="0123abc",
            GITHUB_TOKEN="token-of-the-run",
        )
        done = run(grading_step(workflow)["run"], cwd=repository, env=env)
        (sent,) = [r for r in StatusAPI.received if r["path"].startswith(f"/api/v3/repos/course/{student}/")]
        result = json.loads((repository / "result.json").read_text("utf-8"))
        runs[student] = ActionsRun(done.stdout, summary.read_text("utf-8"), result, sent)
    return runs


def test_workflow_grades_every_push_and_may_set_a_commit_status(workflow):
    assert "push" in triggers(workflow)
    assert workflow["permissions"] == {"contents": "read", "statuses": "write"}
    assert {s["uses"] for s in steps(workflow) if "uses" in s} <= DOCUMENTED_ACTIONS


def test_workflow_keeps_the_file_the_grading_step_writes_as_an_artifact(workflow):
    """Is the artifact uploaded, even after a failed step, the --output of the grading step?"""
    words = shlex.split(grading_step(workflow)["run"])
    assert words[:3] == ["autograder", "grade", NOTEBOOK] and "--github-actions" in words
    assert words[words.index("--format") + 1] == "json"
    (upload,) = [s for s in steps(workflow) if s.get("uses", "").startswith("actions/upload-artifact")]
    assert upload["with"]["path"] == words[words.index("--output") + 1]
    assert "cancelled()" in upload["if"]
    assert grading_step(workflow)["env"] == {"GITHUB_TOKEN": "${{ github.token }}"}


def test_workflow_runs_only_commands_that_exist_after_the_install(workflow, venv, actions_runs):
    for step in steps(workflow):
        for line in filter(None, step.get("run", "").splitlines()):
            command = shlex.split(line)[0]
            assert command in COMMANDS, line
            assert shutil.which(command, path=str(venv / "bin")), f"{command} is not in the environment"


def test_reference_earns_every_public_point_in_result_json_the_summary_and_the_status(actions_runs):
    reference = actions_runs["reference"]
    jsonschema.validate(reference.result, load_schema("results"))
    public = [t for t in reference.result["tests"] if t["status"] != "pending"]
    assert sum(t["score"] for t in public) == sum(t["max_score"] for t in public) == PUBLIC_POINTS
    assert f"### {ASSIGNMENT}: {PUBLIC_POINTS:g} / {PUBLIC_POINTS:g} points" in reference.summary
    assert reference.summary.count("✅ passed") == len(public)
    assert "::error" not in reference.stdout
    assert reference.status == {
        "path": "/api/v3/repos/course/reference/statuses/0123abc",
        "authorization": "Bearer token-of-the-run",
        "body": {
            "state": "success",
            "context": STATUS_CONTEXT,
            "description": f"{PUBLIC_POINTS:g} / {PUBLIC_POINTS:g} points",
        },
    }


def test_release_gets_an_annotation_per_function_and_a_failing_status(actions_runs):
    release = actions_runs["release"]
    annotations = [line for line in release.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 11
    assert all(line.startswith(f"::error file={NOTEBOOK},title=") for line in annotations)
    assert f"0 / {PUBLIC_POINTS:g} points" in release.summary and release.summary.count("❌ failed") == 11
    assert release.status["body"]["state"] == "failure"
    assert release.status["body"]["description"] == f"0 / {PUBLIC_POINTS:g} points"


# --- The deprecated GitHub Classroom reporter -------------------------------------------------


@pytest.fixture(scope="module")
def classroom(tmp_path_factory) -> Path:
    return build_github_actions(
        ASSIGNMENT, tmp_path_factory.mktemp("classroom") / "template", reporter="github-classroom"
    )


@pytest.fixture(scope="module")
def classroom_workflow(classroom) -> dict:
    return yaml.safe_load((classroom / ".github" / "workflows" / "classroom.yml").read_text("utf-8"))


def test_classroom_workflow_has_the_names_the_reporter_requires(classroom_workflow):
    """Does the reporter find `Autograding Tests` / `run-autograding-tests`, with its permissions?"""
    assert classroom_workflow["name"] == "Autograding Tests"
    assert list(classroom_workflow["jobs"]) == ["run-autograding-tests"]
    assert "push" in triggers(classroom_workflow)
    assert classroom_workflow["permissions"] == {"checks": "write", "actions": "read", "contents": "read"}


def test_classroom_workflow_reports_the_grading_step_output_the_documented_way(classroom_workflow):
    """Does the reporter get the grading step's `result` in <ID>_RESULTS, and that id as runner?"""
    step = grading_step(classroom_workflow)
    assert shlex.split(step["run"]) == ["autograder", "grade", NOTEBOOK, "--format", "github"]
    (reporter,) = [
        s for s in steps(classroom_workflow) if s.get("uses", "").startswith("classroom-resources/")
    ]
    assert reporter["with"]["runners"] == step["id"]
    assert reporter["env"] == {
        f"{step['id'].upper()}_RESULTS": f"${{{{ steps.{step['id']}.outputs.result }}}}"
    }


def test_classroom_step_output_is_the_printed_result_in_base64(
    classroom, classroom_workflow, venv, actions_runs
):
    """Is `result=` in $GITHUB_OUTPUT one line of base64 of the printed runner result (release: 0 points)?"""
    repository = shutil.copytree(classroom, classroom.parent / "student")
    github_output = classroom.parent / "github_output"
    github_output.touch()
    env = clean_environment(venv, GITHUB_OUTPUT=str(github_output))
    printed = json.loads(run(grading_step(classroom_workflow)["run"], cwd=repository, env=env).stdout)
    jsonschema.validate(printed, load_schema("github-classroom-result"))
    assert printed["status"] == "fail" and printed["max_score"] == PUBLIC_POINTS
    assert "only the public tests ran" in printed["message"]
    assert "AUTOGRADER_SOLUTIONS" not in printed["message"]  # students are not sent looking for solutions
    (line,) = github_output.read_text("utf-8").splitlines()
    name, value = line.split("=", 1)
    assert name == "result" and json.loads(base64.b64decode(value, validate=True)) == printed


# --- Classroom 50 -----------------------------------------------------------------------------

COMMITTED = "2026-06-01T14:32:05Z"
RUNNER = {
    "CLASSROOM": "cs-rnn",
    "ASSIGNMENT": ASSIGNMENT,
    "ASSIGNMENT_TYPE": "individual",
    "OWNER": "alice",
    "SUBMISSION_TAG": "submit/2026-06-01T14-32-05Z-a1b2c3d",
    "COMMIT_URL": "https://github.example/org/cs-rnn-rnn-alice/commit/a1b2c3d",
    "RELEASE_URL": "https://github.example/org/cs-rnn-rnn-alice/releases/tag/submit%2F2026",
}
"""What Classroom 50's runner sets for the autograder (REVIEW_URL left out: it falls back to COMMIT_URL)."""


@pytest.fixture(scope="module")
def classroom50(tmp_path_factory) -> Path:
    return build_classroom50(ASSIGNMENT, tmp_path_factory.mktemp("classroom50") / "out")


@pytest.fixture(scope="module")
def classroom50_results(classroom50, venv, actions_runs, tmp_path_factory) -> dict[str, dict]:
    """result.json of each submission: autograder.py run in a git checkout of the template, as the runner runs it.

    The entrypoint keeps its environment in $RUNNER_TEMP; the module's environment, where the
    workflow installed the same public autograder, stands there.
    """
    runner_temp = tmp_path_factory.mktemp("runner_temp")
    (runner_temp / f"autograder-{ASSIGNMENT}").symlink_to(venv)
    results = {}
    for student, submission in SUBMISSIONS.items():
        checkout = shutil.copytree(
            classroom50 / "template", tmp_path_factory.mktemp(f"c50-{student}") / "checkout"
        )
        nbformat.write(submission(), checkout / NOTEBOOK)
        git = {"GIT_COMMITTER_DATE": COMMITTED, "GIT_AUTHOR_DATE": COMMITTED, "HOME": str(checkout.parent)}
        for command in ("git init -q", "git add -A", "git -c user.name=a -c user.email=a@b commit -qm work"):
            run(command, cwd=checkout, env=clean_environment(venv, **git))
        entrypoint = classroom50 / "autograders" / ASSIGNMENT / "autograder.py"
        env = {k: v for k, v in clean_environment(venv, RUNNER_TEMP=str(runner_temp), **RUNNER).items()}
        env["PATH"] = os.environ["PATH"]  # the runner's Python, not the grading environment
        done = subprocess.run(
            [sys.executable, str(entrypoint)],
            cwd=checkout,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        results[student] = json.loads((checkout / "result.json").read_text("utf-8"))
    return results


def test_classroom50_build_is_an_autograder_directory_and_a_template(classroom50):
    autograder = classroom50 / "autograders" / ASSIGNMENT
    assert (autograder / "autograder.py").is_file() and (autograder / "package" / "pyproject.toml").is_file()
    assert (classroom50 / "template" / NOTEBOOK).is_file() and (
        classroom50 / "template" / "README.md"
    ).is_file()
    assert not list(classroom50.rglob("solutions"))


def test_classroom50_result_meets_the_contract(classroom50_results):
    """Does every result.json validate, with scores the sums of whole-number test scores, never above the max?"""
    for result in classroom50_results.values():
        jsonschema.validate(result, load_schema("classroom50-result"))
        assert result["score"] == sum(t["score"] for t in result["tests"])
        assert result["max-score"] == sum(t["max-score"] for t in result["tests"])
        assert all(0 <= t["score"] <= t["max-score"] for t in result["tests"])
        assert (
            result["datetime"] == result["graded_at"] != COMMITTED
        )  # no push event here; never the commit's date
        assert result["review"] == RUNNER["COMMIT_URL"] and result["owner"] == "alice"


def test_classroom50_scores_the_reference_fully_the_release_zero_and_a_bug_in_between(classroom50_results):
    """Are the public points counted in hundredths (2690 for 26.9), and is rnn_backward failed by the bug?"""
    reference, release, buggy = (classroom50_results[s] for s in ("reference", "release", "buggy"))
    assert reference["score"] == reference["max-score"] == round(100 * PUBLIC_POINTS)
    assert sum(t["points"] for t in reference["tests"]) == pytest.approx(PUBLIC_POINTS)
    assert release["score"] == 0 and release["max-score"] == round(100 * PUBLIC_POINTS)
    assert 0 < buggy["score"] < buggy["max-score"]
    assert [t["test-name"] for t in buggy["tests"] if not t["passed"]] == ["rnn_backward"]
    assert not [t for t in reference["tests"] if "hidden" in t["test-name"]]


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
def grading_package(gradescope_zip, venv, classroom50_results, tmp_path_factory) -> Path:
    """The zip's package installed over the public autograder, once the runs that need that are done."""
    source = tmp_path_factory.mktemp("grading-package")
    unpack(gradescope_zip, source)
    run(
        f"pip install --no-deps --force-reinstall {source / 'package'}",
        cwd=source,
        env=clean_environment(venv),
    )
    return source


@pytest.fixture(scope="module")
def gradescope_results(gradescope_zip, venv, grading_package, tmp_path_factory) -> dict[str, dict]:
    """results.json of each submission, each graded in its own /autograder laid out as Gradescope does."""
    results = {}
    for student in ("reference", "buggy"):
        root = tmp_path_factory.mktemp(f"gradescope-{student}") / "autograder"
        unpack(gradescope_zip, root / "source")
        shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
        (root / "submission").mkdir()
        nbformat.write(SUBMISSIONS[student](), root / "submission" / NOTEBOOK)
        run(str(root / "run_autograder"), cwd=root, env=clean_environment(venv, AUTOGRADER_ROOT=str(root)))
        results[student] = json.loads((root / "results" / "results.json").read_text("utf-8"))
    return results


def test_zip_has_executable_setup_and_run_scripts_at_its_root(gradescope_zip, tmp_path):
    with zipfile.ZipFile(gradescope_zip) as archive:
        modes = {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}
        for script in ("setup.sh", "run_autograder"):
            assert modes[script] & 0o111 == 0o111, f"{script} is not executable"
            assert archive.read(script).startswith(b"#!/usr/bin/env bash\n")
            (tmp_path / script).write_bytes(archive.read(script))
            subprocess.run(["bash", "-n", str(tmp_path / script)], check=True)
    assert {
        "package/pyproject.toml",
        f"course/solutions/{ASSIGNMENT}/{NOTEBOOK}",
        f"course/solutions/{ASSIGNMENT}/{ASSIGNMENT}_support.py",
    } <= set(modes)
    assert not [n for n in modes if n.startswith("package/autograder/builds/")]


def test_setup_refuses_a_python_older_than_3_10_and_names_the_base_image(gradescope_zip, tmp_path):
    """On an image whose python3 is 3.8, does setup.sh stop before installing, naming Ubuntu 22.04?"""
    unpack(gradescope_zip, tmp_path / "source")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old_python = bin_dir / "python3"
    old_python.write_text(
        '#!/bin/sh\ncase "$*" in *version_info*) exit 1;; --version) echo "Python 3.8.10";; esac\nexit 0\n'
    )
    old_python.chmod(0o755)
    env = {"PATH": f"{bin_dir}{os.pathsep}/usr/bin:/bin", "AUTOGRADER_ROOT": str(tmp_path)}
    done = subprocess.run(
        ["bash", str(tmp_path / "source" / "setup.sh")], env=env, capture_output=True, text=True
    )
    assert done.returncode != 0
    assert "Python 3.10 or newer" in done.stderr and "3.8.10" in done.stderr
    assert "Ubuntu 22.04" in done.stderr
    assert not (tmp_path / "venv").exists()


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


# --- PrairieLearn -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def question(tmp_path_factory) -> Path:
    return build_prairielearn(
        ASSIGNMENT, tmp_path_factory.mktemp("prairielearn") / "rnnNotebook", image="example-course/rnn-grader"
    )


@pytest.fixture(scope="module")
def prairielearn_results(question, venv, gradescope_results, tmp_path_factory) -> dict[str, dict]:
    """results.json of each submission, graded in a /grade laid out as the external grader lays it out.

    The grading image holds the question's image/grader: it is installed in place of the Gradescope
    package, once the Gradescope runs that need that one are done.
    """
    run(
        f"pip install --no-deps --force-reinstall {question / 'image' / 'grader'}",
        cwd=question,
        env=clean_environment(venv),
    )
    info = json.loads((question / "info.json").read_text("utf-8"))
    entrypoint = Path(info["externalGradingOptions"]["entrypoint"]).relative_to("/grade")
    results = {}
    for student in ("reference", "buggy"):
        root = tmp_path_factory.mktemp(f"pl-{student}") / "grade"
        shutil.copytree(question / "tests", root / "tests")
        (root / "student").mkdir()
        (root / "data").mkdir()
        (root / "data" / "data.json").write_text("{}")
        nbformat.write(SUBMISSIONS[student](), root / "student" / NOTEBOOK)
        run(f"bash {root / entrypoint}", cwd=root, env=clean_environment(venv, AUTOGRADER_ROOT=str(root)))
        text = (root / "results" / "results.json").read_text("utf-8")
        assert len(text.encode("utf-8")) < 1_000_000
        results[student] = json.loads(text)
        assert results[student]["gradable"], results[student]["message"]
    return results


def test_question_uploads_the_notebook_and_grades_it_offline_in_its_own_image(question):
    """Does the question grade externally in the named image with networking off, installing nothing per grading?"""
    info = json.loads((question / "info.json").read_text("utf-8"))
    options = info["externalGradingOptions"]
    assert info["gradingMethod"] == "External" and options["enabled"] is True
    assert options["image"] == "example-course/rnn-grader" and options["enableNetworking"] is False
    assert options["entrypoint"].startswith("/grade/tests/") and 0 < options["timeout"] <= 600
    html = (question / "question.html").read_text("utf-8")
    assert f'<pl-file-upload file-names="{NOTEBOOK}">' in html and "<pl-external-grader-results>" in html
    for name in (NOTEBOOK, f"{ASSIGNMENT}_support.py"):
        assert (question / "clientFilesQuestion" / name).is_file() and f'/{name}" download>' in html
    run_sh = (question / "tests" / "run.sh").read_text("utf-8")
    assert "pip install" not in run_sh and "venv" not in run_sh
    dockerfile = (question / "image" / "Dockerfile").read_text("utf-8")
    assert dockerfile.startswith("#") and "FROM prairielearn/grader-python" in dockerfile
    assert "pip install --no-cache-dir /opt/autograder-source" in dockerfile
    assert (question / "image" / "grader" / "pyproject.toml").is_file()
    assert not list(question.rglob("solutions")) and not list(question.rglob("*mistakes*"))


def test_a_question_whose_image_lacks_the_autograder_says_so_to_the_student(question, tmp_path):
    """Without an autograder in the image, does run.sh write an ungradable result saying what to build, and exit 0?"""
    root = tmp_path / "grade"
    shutil.copytree(question / "tests", root / "tests")
    (root / "student").mkdir()
    env = {"PATH": "/usr/bin:/bin", "AUTOGRADER_ROOT": str(root), "HOME": str(tmp_path)}
    done = subprocess.run(["bash", str(root / "tests" / "run.sh")], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    results = json.loads((root / "results" / "results.json").read_text("utf-8"))
    assert results["gradable"] is False and "example-course/rnn-grader" in results["message"]


def test_prairielearn_results_meet_the_documented_format(prairielearn_results):
    for results in prairielearn_results.values():
        jsonschema.validate(results, load_schema("prairielearn-results"))
        earned = sum(t["points"] for t in results["tests"])
        available = sum(t["max_points"] for t in results["tests"])
        assert results["score"] == pytest.approx(earned / available)


def test_prairielearn_gives_the_reference_full_public_marks_and_the_bug_less(prairielearn_results):
    """Does the question score the public checks (the reference fully, the bug less), and say the hidden come later?"""
    reference, buggy = prairielearn_results["reference"], prairielearn_results["buggy"]
    assert reference["score"] == 1.0 and reference["gradable"] is True
    assert sum(t["max_points"] for t in reference["tests"]) == pytest.approx(PUBLIC_POINTS)
    assert not any("hidden" in t["name"] for t in reference["tests"])
    assert "your instructor runs them after the deadline" in reference["output"]
    assert 0 < buggy["score"] < 1
    assert {t["name"] for t in buggy["tests"] if t["points"] < t["max_points"]} >= {"rnn_backward"}
