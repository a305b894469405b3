"""``make test`` on a fresh machine: the system packages it needs are named in its first seconds."""

import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "system_packages.sh"


def machine(tmp_path: Path, *, uid: int, commands: tuple[str, ...]) -> dict[str, str]:
    """An environment whose PATH holds only ``id`` (answering ``uid``) and the given commands."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in {"id": f"#!/bin/sh\necho {uid}\n", **{c: "#!/bin/sh\nexit 0\n" for c in commands}}.items():
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return {"PATH": str(bin_dir)}


def run(environment: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["/bin/bash", str(SCRIPT)], env=environment, capture_output=True, text=True, timeout=60)


def test_a_user_without_the_packages_is_told_which_and_how_in_one_line(tmp_path):
    """Without bubblewrap and Chromium, not root: exit 1, one line naming the three packages and apt-get."""
    done = run(machine(tmp_path, uid=1000, commands=()))
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "sudo apt-get install bubblewrap chromium chromium-driver" in done.stderr


def test_only_what_is_missing_is_named(tmp_path):
    """With bubblewrap and Chromium but no driver: only chromium-driver is named."""
    done = run(machine(tmp_path, uid=1000, commands=("bwrap", "chromium")))
    assert done.returncode == 1 and "install chromium-driver\n" in done.stderr


def test_a_machine_with_everything_goes_on_silently(tmp_path):
    """With every package present: exit 0 and nothing said."""
    done = run(machine(tmp_path, uid=1000, commands=("bwrap", "chromium-browser", "chromedriver")))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
