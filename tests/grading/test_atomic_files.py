"""Files the suite and the grader rewrite while others may read them."""

import os

from autograder.atomic_files import replace_files, write_atomically


def test_bytes_and_text_are_written_as_given(tmp_path):
    write_atomically(tmp_path / "a.bin", b"\x00\xff")
    write_atomically(tmp_path / "deep" / "b.txt", "é\r\n")
    assert (tmp_path / "a.bin").read_bytes() == b"\x00\xff"
    assert (tmp_path / "deep" / "b.txt").read_bytes() == "é\r\n".encode()


def test_a_replaced_file_is_a_new_inode_so_an_open_reader_keeps_the_old_content(tmp_path):
    path = tmp_path / "data.npz"
    path.write_bytes(b"old")
    with open(path, "rb") as reader:
        write_atomically(path, b"new content")
        assert reader.read() == b"old"
    assert path.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["data.npz"]  # no temporary file left


def test_replace_files_mirrors_the_source_and_removes_what_it_lacks(tmp_path):
    source, destination = tmp_path / "new", tmp_path / "old"
    (source / "sub").mkdir(parents=True)
    (source / "kept.txt").write_text("new")
    (source / "sub" / "added.txt").write_text("added")
    (destination / "gone").mkdir(parents=True)
    (destination / "kept.txt").write_text("old")
    (destination / "gone" / "stale.txt").write_text("stale")
    inode = os.stat(destination / "kept.txt").st_ino

    replace_files(source, destination)

    files = sorted(str(p.relative_to(destination)) for p in destination.rglob("*"))
    assert files == ["kept.txt", "sub", "sub/added.txt"]
    assert (destination / "kept.txt").read_text() == "new"
    assert os.stat(destination / "kept.txt").st_ino != inode  # replaced, never truncated in place
