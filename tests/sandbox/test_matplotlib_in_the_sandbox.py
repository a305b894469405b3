"""matplotlib in the student process reads the grader's font list instead of building its own.

matplotlib insists on a writable configuration directory and, given a read-only one, builds its
font list anew in a temporary directory: a third of a second at every start of a zygote or a
worker. Under bubblewrap the process gets a small tmpfs of its own, ``/matplotlib``, holding the
grader's font lists read-only; without bubblewrap, the grader's cache directory itself.
"""

import json
import os
import subprocess
import sys

import matplotlib
import pytest

from autograder.sandbox.bubblewrap import MATPLOTLIB_CONFIG, bubblewrap, bubblewrap_command
from autograder.sandbox.process import ZYGOTES, Cell, Sandbox

WHERE = """
import matplotlib

def configuration_directory():
    return matplotlib.get_cachedir()
"""


@pytest.mark.parametrize("zygote", ["1", "0"], ids=["forked from a zygote", "started afresh"])
def test_the_student_process_keeps_the_configuration_directory_it_was_given(zygote, monkeypatch):
    """Does matplotlib in the student process use the directory it was given, not a temporary one it made?"""
    monkeypatch.setenv(ZYGOTES, zygote)
    with Sandbox([Cell("answers", WHERE)]) as sandbox:
        directory = sandbox.call("configuration_directory", (), {})
    given = str(MATPLOTLIB_CONFIG) if bubblewrap() is not None else matplotlib.get_cachedir()
    assert directory == given  # a directory matplotlib made would be /scratch/matplotlib-<random>


def test_bubblewrap_mounts_the_font_lists_read_only_in_a_tmpfs_of_their_own(tmp_path):
    """Does the command give /matplotlib a tmpfs and each font list of the cache a read-only mount in it, and nothing else of the cache?"""
    for name in ("fontlist-v390.json", "fontlist-v3.11.0.json", "tex.cache"):
        (tmp_path / name).write_text("{}")
    command = bubblewrap_command(
        ["python"],
        bwrap="bwrap",
        readable=[],
        files={},
        scratch_bytes=2**20,
        env={},
        matplotlib_cache=tmp_path,
    )
    pairs = list(zip(command, command[1:], command[2:]))
    assert ("--tmpfs", str(MATPLOTLIB_CONFIG), "--ro-bind") in pairs
    mounted = {(source, target) for flag, source, target in pairs if flag == "--ro-bind"}
    assert {(s, t) for s, t in mounted if s.startswith(str(tmp_path))} == {
        (str(tmp_path / name), f"{MATPLOTLIB_CONFIG}/{name}")
        for name in ("fontlist-v390.json", "fontlist-v3.11.0.json")
    }


@pytest.mark.parametrize("setting", ["HOME", "XDG_CACHE_HOME", "MPLCONFIGDIR"])
def test_the_grader_finds_matplotlibs_cache_without_importing_it(setting, tmp_path):
    """Is the directory the grader mounts the font lists from the one matplotlib itself chooses?"""
    environment = {**os.environ, setting: str(tmp_path)}
    for other in {"XDG_CACHE_HOME", "MPLCONFIGDIR"} - {setting}:
        environment.pop(other, None)
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from autograder.sandbox.bubblewrap import matplotlib_cache_dir; "
            "ours = str(matplotlib_cache_dir()); imported = 'matplotlib' in sys.modules; "
            "import matplotlib; print(json.dumps([ours, matplotlib.get_cachedir(), imported]))",
        ],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    ours, matplotlibs, imported = json.loads(found.stdout)
    assert ours == matplotlibs and ours.startswith(str(tmp_path))
    assert not imported
