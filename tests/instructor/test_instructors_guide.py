"""INSTRUCTORS.md, followed from this checkout, reaches a graded class on every platform's local simulation.

How the guide is run:

* Every fenced block whose info string is ``sh`` is run, in the order of the guide, by bash
  (``set -Eeuo pipefail``): the first non-zero exit fails the test, naming the block, its line
  and the output. Fenced blocks without ``sh`` are steps in a UI (``jupyter lab``) and are not
  run; the lines ``make test`` (the run that runs this test) and ``make demo`` (run by itself)
  are left out, and they are the only lines left out.
* One newcomer's session: the first block starts in the checkout with ``HOME`` a fresh
  temporary directory and the machine's environment (system ``PATH``, locale, pip's
  configuration and download cache; no virtual environment, no ``AUTOGRADER_*``). Each block
  starts where the previous one ended: every variable it assigns is exported (``set -a``) and
  passed on with the working directory.
* The students' blocks are those running a student's nbgrader command (``fetch_assignment``,
  ``submit``, ``fetch_feedback``). Each runs once per student, alice and bob, in the student's
  own session: a copy of the instructor's at the student's first block (``PATH`` and
  ``EXCHANGE``, as on a shared server) with ``HOME``, ``USER`` and ``LOGNAME`` the student's.
  nbgrader 0.9 takes the student id from the process's account (``pwd``), not from ``USER``,
  and here one account plays both students, so each student's HOME holds a
  ``~/.jupyter/nbgrader_config.py`` naming them (``CourseDirectory.student_id``, what
  ``--student`` sets). After a block that fetches, the test writes the student's work into
  ``$HOME/rnn/rnn.ipynb``: alice the reference answers, bob the demo's buggy ones.
* Section 5 regenerates ``autograder/data/`` and ``assignments/`` in the checkout; the files are
  compared with what was there before and put back byte for byte (the known answers' zip
  timestamps change on every run), so the test leaves the checkout as it found it.
"""

import csv
import io
import json
import os
import re
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import numpy as np
import pytest
from support.ulps import within_ulps

from autograder.atomic_files import write_atomically
from autograder.instructor.submissions import demo_answers, solution_answers, with_answers

REPOSITORY = Path(__file__).resolve().parents[2]
GUIDE = REPOSITORY / "INSTRUCTORS.md"
SKIPPED = ["make test", "make demo"]
"""The only commands of the guide the test does not run, in the guide's order."""
UI_BLOCKS = ['cd "$COURSE" && jupyter lab']
"""The fenced blocks without ``sh``: steps in Jupyter's UI, not run."""
STUDENT_COMMANDS = ("nbgrader fetch_assignment", "nbgrader submit", "nbgrader fetch_feedback")
REGENERATED = ("autograder/data", "assignments")
"""What section 5 (``make known-answers``, ``make assignments``) rewrites in the checkout."""


def students(source: nbformat.NotebookNode) -> dict[str, dict[str, str]]:
    """The simulated students and the answers each writes into the fetched notebook."""
    return {"alice": solution_answers(source), "bob": demo_answers("rnn", source)["buggy"]}


def command_of(line: str) -> str:
    """A shell line without its comment and surrounding blanks."""
    return re.sub(r"(^|\s)#.*$", "", line).strip()


@dataclass(frozen=True)
class Block:
    """One fenced ``sh`` block: its number in the guide, the heading above it, its text."""

    number: int
    heading: str
    text: str

    @property
    def commands(self) -> list[str]:
        return [command for command in map(command_of, self.text.splitlines()) if command]

    @property
    def script(self) -> str:
        """What is run: the text without the skipped lines."""
        return "".join(line for line in self.text.splitlines(True) if command_of(line) not in SKIPPED)

    @property
    def for_students(self) -> bool:
        return any(command.startswith(STUDENT_COMMANDS) for command in self.commands)


def fenced_blocks(markdown: str) -> list[tuple[str, str, str]]:
    """Every fenced block of ``markdown`` as ``(heading above it, info string, text)``."""
    blocks, heading = [], ""
    for match in re.finditer(r"^(#+ [^\n]*)$|^```(\S*)\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL):
        if match.group(1):
            heading = match.group(1)
        else:
            blocks.append((heading, match.group(2), match.group(3)))
    return blocks


def shell_blocks(markdown: str) -> list[Block]:
    """The ``sh`` blocks of ``markdown``, numbered from 1 in order."""
    fenced = [(heading, text) for heading, info, text in fenced_blocks(markdown) if info == "sh"]
    return [Block(number, heading, text) for number, (heading, text) in enumerate(fenced, 1)]


class BlockFailed(AssertionError):
    """A block of the guide exited with an error."""


class Session:
    """A terminal of the newcomer's: the exported variables and the working directory between blocks."""

    FAILED = "::guide-test failed at line"
    RUNNER = """set -a
source {state}
cd "$(cat {cwd})"
set -Eeuo pipefail
trap 'echo "{failed} $LINENO with exit status $?" >&2' ERR
source {block}
trap - ERR
set +Eeuo pipefail
export -p > {state}
pwd > {cwd}
"""

    def __init__(self, folder: Path, name: str, environment: dict[str, str], cwd: Path, state: str = ""):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder, self.name, self.environment = folder, name, environment
        self.state, self.cwd = folder / f"{name}.state", folder / f"{name}.cwd"
        self.state.write_text(state)
        self.cwd.write_text(f"{cwd}\n")

    def fork(self, name: str, **overrides: str) -> "Session":
        """A new session with this one's variables and ``overrides``, starting in ``overrides['HOME']``."""
        exports = "".join(f"declare -x {key}={json.dumps(value)}\n" for key, value in overrides.items())
        return Session(
            self.folder, name, self.environment, Path(overrides["HOME"]), self.state.read_text() + exports
        )

    def run(self, block: Block) -> str:
        """Run ``block`` in this session; return its output (stdout and stderr, interleaved).

        Raises:
            BlockFailed: naming the block, the line that failed, its exit status and the output.
        """
        script = self.folder / f"block-{block.number}-{self.name}.sh"
        script.write_text(block.script)
        runner = self.RUNNER.format(state=self.state, cwd=self.cwd, block=script, failed=self.FAILED)
        done = subprocess.run(
            ["bash", "-c", runner],
            env=self.environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            where = re.search(rf"{self.FAILED} (\d+) with exit status (\d+)", done.stdout)
            line = block.script.splitlines()[int(where.group(1)) - 1].strip() if where else "?"
            status = where.group(2) if where else done.returncode
            raise BlockFailed(
                f"INSTRUCTORS.md, shell block {block.number} under {block.heading!r}, run as {self.name}:\n"
                f"`{line}` exited with status {status}. The block:\n{block.text}\n"
                f"Its output (the end):\n{done.stdout[-6000:]}"
            )
        return done.stdout


def machine_environment(home: Path, user: str) -> dict[str, str]:
    """What the newcomer's machine provides: the system PATH (no virtual environment), locale, pip's setup."""
    real_home = Path(os.environ.get("HOME", "~")).expanduser()
    venvs = {str(REPOSITORY / ".venv" / "bin"), os.environ.get("VIRTUAL_ENV", "") + "/bin"}
    environment = {
        "PATH": os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if p not in venvs),
        "HOME": str(home),
        "USER": user,
        "LOGNAME": user,
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(real_home / ".cache" / "pip")),
    }
    if (real_home / ".config" / "pip" / "pip.conf").is_file():
        environment["PIP_CONFIG_FILE"] = str(real_home / ".config" / "pip" / "pip.conf")
    for key, value in os.environ.items():
        if key.startswith("PIP_") or key.lower() in ("http_proxy", "https_proxy", "no_proxy", "tmpdir"):
            environment.setdefault(key, value)
    return environment


def snapshot(folders: tuple[str, ...]) -> dict[Path, bytes]:
    """The bytes of every file under ``folders`` of the checkout, Python's bytecode caches left out."""
    return {
        f: f.read_bytes()
        for d in folders
        for f in sorted((REPOSITORY / d).rglob("*"))
        if f.is_file() and "__pycache__" not in f.parts
    }


def same_content(path: Path, before: bytes) -> bool:
    """Does ``path`` hold what ``before`` held: arrays a few ulps apart for ``.npz``, the same bytes otherwise?

    Known answers regenerated on another CPU differ in the last bits (numpy's exp does), never more.
    """
    if not path.is_file():
        return False
    if path.suffix != ".npz":
        return path.read_bytes() == before
    with np.load(io.BytesIO(before)) as old, np.load(path) as new:
        return list(old) == list(new) and all(within_ulps(new[k], old[k]) for k in old)


@dataclass(frozen=True)
class Run:
    """What following the guide left: the instructor's HOME, each block's output by (number, who)."""

    home: Path
    blocks: list[Block]
    outputs: dict[tuple[int, str], str]
    regenerated_differently: list[str]

    @property
    def course(self) -> Path:
        return self.home / "rnn-course"

    def output_of(self, command: str, who: str = "instructor") -> str:
        """The output of the block holding ``command``, run by ``who``."""
        number = next(b.number for b in self.blocks if command in b.commands)
        return self.outputs[number, who]


def student_home(scratch: Path, student: str) -> Path:
    """A student's HOME, whose nbgrader config names the student (their login would, on a server)."""
    home = scratch / student
    (home / ".jupyter").mkdir(parents=True)
    (home / ".jupyter" / "nbgrader_config.py").write_text(f"c.CourseDirectory.student_id = {student!r}\n")
    return home


@pytest.fixture(scope="module")
def guide(tmp_path_factory) -> Run:
    """Follow INSTRUCTORS.md once for the module; put back what section 5 regenerated in the checkout."""
    scratch = tmp_path_factory.mktemp("guide")
    home = scratch / "instructor"
    home.mkdir()
    instructor = Session(
        scratch / "sessions", "instructor", machine_environment(home, "instructor"), REPOSITORY
    )
    work = students(nbformat.read(REPOSITORY / "solutions" / "rnn" / "rnn.ipynb", as_version=4))
    blocks = shell_blocks(GUIDE.read_text(encoding="utf-8"))
    sessions: dict[str, Session] = {}
    outputs = {}
    before = snapshot(REGENERATED)
    started = time.perf_counter()
    try:
        for block in blocks:
            block_started = time.perf_counter()
            if not block.for_students:
                outputs[block.number, "instructor"] = instructor.run(block)
                print(
                    f"block {block.number} {time.perf_counter() - block_started:6.1f} s {block.commands[-1][:60]}"
                )
                continue
            for student, answers in work.items():
                if student not in sessions:
                    sessions[student] = instructor.fork(
                        student, HOME=str(student_home(scratch, student)), USER=student, LOGNAME=student
                    )
                outputs[block.number, student] = sessions[student].run(block)
                if any(c.startswith("nbgrader fetch_assignment") for c in block.commands):
                    notebook = scratch / student / "rnn" / "rnn.ipynb"
                    nbformat.write(with_answers(nbformat.read(notebook, as_version=4), answers), notebook)
    finally:
        print(f"INSTRUCTORS.md followed in {time.perf_counter() - started:.0f} s")
        after = snapshot(REGENERATED)
        changed = [path for path, data in before.items() if not same_content(path, data)]
        differently = changed + sorted(set(after) - set(before))
        for path, data in before.items():
            if after.get(path) != data:
                write_atomically(path, data)  # tests running beside this one read these files
    return Run(home, blocks, outputs, [str(p.relative_to(REPOSITORY)) for p in differently])


def test_only_make_test_and_make_demo_are_left_out():
    """Is every line of every shell block run but `make test` and `make demo`, and every other fenced block a UI step?"""
    markdown = GUIDE.read_text(encoding="utf-8")
    blocks = shell_blocks(markdown)
    assert [c for b in blocks for c in b.commands if c in SKIPPED] == SKIPPED
    assert [c for b in blocks for c in map(command_of, b.script.splitlines()) if c in SKIPPED] == []
    assert [text.strip() for _, info, text in fenced_blocks(markdown) if info != "sh"] == UI_BLOCKS


def test_the_students_blocks_are_fetch_then_submit():
    """Are exactly two blocks run as the students, the one fetching and then the one submitting?"""
    blocks = [b for b in shell_blocks(GUIDE.read_text(encoding="utf-8")) if b.for_students]
    assert [b.commands[-1].split()[:2] for b in blocks] == [
        ["nbgrader", "fetch_assignment"],
        ["nbgrader", "submit"],
    ]


def test_a_failing_block_names_its_line_and_shows_its_output(tmp_path):
    """Does a failure say which block and which command failed, with the command's output?"""
    session = Session(tmp_path, "instructor", {"PATH": os.environ["PATH"]}, tmp_path)
    with pytest.raises(BlockFailed) as failure:
        session.run(Block(7, "## 9. Broken", "echo fine\nls /no/such/place\necho never\n"))
    message = str(failure.value)
    assert "shell block 7 under '## 9. Broken'" in message
    assert "`ls /no/such/place` exited with status 2" in message
    assert "fine\n" in message and "/no/such/place" in message.split("Its output")[1]


def test_nbgrader_gives_the_reference_every_point_and_the_buggy_student_fewer(guide):
    """Does the gradebook give alice's reference 40 of 40 autograded points, bob's two bugs 36.25?"""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{guide.course / 'gradebook.db'}") as gradebook:
        submissions = {s: gradebook.find_submission("rnn", s) for s in ("alice", "bob")}
        scores = {s: (sub.code_score, sub.max_code_score) for s, sub in submissions.items()}
    assert scores == {"alice": (40, 40), "bob": (36.25, 40)}


def test_export_writes_both_students_to_grades_csv(guide):
    """Does grades.csv hold both students' scores (autograded so far; 12 written points to grade)?"""
    with open(guide.course / "grades.csv", newline="") as file:
        rows = {row["student_id"]: row for row in csv.DictReader(file) if row["assignment"] == "rnn"}
    scores = {student: (float(row["score"]), float(row["max_score"])) for student, row in rows.items()}
    assert scores == {"alice": (40, 52), "bob": (36.25, 52)}


def test_feedback_is_written_for_both_students_without_the_mark_schemes(guide):
    """Is there a feedback page for alice and for bob, and no mark scheme in either?"""
    for student in ("alice", "bob"):
        feedback = guide.course / "feedback" / student / "rnn" / "rnn.html"
        assert feedback.is_file(), f"no feedback for {student}: {feedback}"
        assert "MARK SCHEME" not in feedback.read_text(encoding="utf-8")


def test_the_audit_agrees_with_nbgrader(guide):
    """Does `autograder audit` (which exited 0) regrade both submissions and find every score as nbgrader gave it?"""
    output = guide.output_of('autograder audit "$COURSE" rnn')
    assert (
        "2 submitted notebooks regraded in isolation, 0 differ from nbgrader, 0 could not be audited"
        in output
    )
    assert "every autograded score agrees with nbgrader" in output


def test_the_classroom_template_grades_its_untouched_release_on_the_public_checks(guide):
    """Does the template's own grading give the release 0 of its 26.9 public points, 12 written points pending?"""
    output = guide.output_of(".venv/bin/autograder grade rnn.ipynb")
    assert "rnn.ipynb  [rnn]  0 / 26.9 autograded; 12 points of written answers await a person" in output
    public = re.findall(r"^  ✗ (\w+) +0 / ([\d.]+)$", output, re.MULTILINE)
    assert len(public) == 11 and sum(float(points) for _, points in public) == pytest.approx(26.9)
    assert "only the public tests ran" in output


def test_the_gradescope_simulation_gives_alice_every_point(guide):
    """Does run_autograder write results.json with alice's 40 points, hidden checks included?"""
    results = json.loads((guide.home / "gradescope" / "results" / "results.json").read_text())
    assert results["score"] == 40
    assert any(test.get("name", "").endswith("(hidden)") for test in results["tests"])


def test_batch_grading_writes_the_gradebook_and_alices_json(guide):
    """Does `autograder grade` in isolation give alice 40 and bob 36.25, and alice.json her 40?"""
    with open(guide.course / "grades-isolated.csv", newline="") as file:
        scores = {row["submission"]: float(row["score"]) for row in csv.DictReader(file)}
    assert scores == {"submitted/alice/rnn/rnn.ipynb": 40, "submitted/bob/rnn/rnn.ipynb": 36.25}
    alice = json.loads((guide.course / "alice.json").read_text())
    assert (alice["submission"], alice["score"]) == ("submitted/alice/rnn/rnn.ipynb", 40)


def test_changing_the_course_regenerates_the_committed_files(guide):
    """Do `make known-answers` and `make assignments` reproduce the committed known answers and release?

    The release's bytes must match exactly (nbgrader's output holds no timestamp or path), the
    known answers to a few ulps (they are computed with numpy's ``exp``).
    """
    assert guide.regenerated_differently == [], (
        "a solution or reference changed without regenerating what is published from it: "
        "run `make known-answers` and `make assignments`, and commit the result "
        "(a notebook that differs only in formatting means another nbformat version)"
    )
