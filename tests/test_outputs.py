"""Writing a digest folder: three files, atomic writes, safe file names."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_render import hostile_digest, sample_digest

from summarizer.models import Digest
from summarizer.digest.outputs import read_digest, safe_filename, write_digest
from summarizer.files import write_atomic, write_atomic_bytes


def test_write_digest_writes_json_markdown_and_html(tmp_path: Path):
    paths = write_digest(sample_digest(), tmp_path / "out")
    assert [p.name for p in paths] == ["digest.json", "digest.md", "index.html"]
    assert all(p.parent == tmp_path / "out" and p.stat().st_size > 0 for p in paths)


def test_digest_json_round_trips_to_the_same_digest(tmp_path: Path):
    write_digest(sample_digest(), tmp_path)
    assert read_digest(tmp_path) == sample_digest()
    assert (tmp_path / "digest.json").read_text(encoding="utf-8").endswith("}\n")


def test_rewriting_the_same_digest_gives_identical_bytes(tmp_path: Path):
    write_digest(sample_digest(), tmp_path / "a")
    write_digest(sample_digest(), tmp_path / "b")
    for name in ("digest.json", "digest.md", "index.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_written_files_are_readable_by_others_under_the_usual_umask(tmp_path: Path):
    old = os.umask(0o022)
    try:
        paths = write_digest(sample_digest(), tmp_path)
    finally:
        os.umask(old)
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in paths)


def test_write_digest_leaves_no_temporary_files(tmp_path: Path):
    write_digest(sample_digest(), tmp_path)
    write_digest(sample_digest(), tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["digest.json", "digest.md", "index.html"]


def test_failed_write_keeps_the_previous_file_whole(tmp_path: Path):
    target = tmp_path / "digest.md"
    write_atomic(target, "old digest\n")

    with pytest.raises(TypeError):
        write_atomic_bytes(target, 12345)  # type: ignore[arg-type]  # fails mid-write, after the temporary file exists
    assert target.read_text() == "old digest\n"
    assert [p.name for p in tmp_path.iterdir()] == ["digest.md"]


def test_hostile_digest_writes_only_inside_the_output_folder(tmp_path: Path):
    out = tmp_path / "out"
    paths = write_digest(hostile_digest(), out)
    assert all(p.resolve().parent == out.resolve() for p in paths)
    assert sorted(os.listdir(tmp_path)) == ["out"]


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..", ".", "", "/abs/path", "a\\b", "CON", "nul.txt", "x\x00y", "a/../../b", "~"]
)
def test_safe_filename_never_escapes_the_folder(tmp_path: Path, name: str):
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert safe not in (".", "..")
    assert (tmp_path / safe).resolve().parent == tmp_path.resolve()


def test_safe_filename_keeps_a_harmless_name():
    assert safe_filename("seed-000_6b309389.txt") == "seed-000_6b309389.txt"


def test_safe_filename_keeps_distinct_names_distinct():
    assert safe_filename("a/b") != safe_filename("a:b")


def test_safe_filename_is_bounded_in_length():
    assert len(safe_filename("x" * 5000)) <= 100


def test_read_digest_of_a_written_folder_is_a_digest(tmp_path: Path):
    write_digest(hostile_digest(), tmp_path)
    assert isinstance(read_digest(tmp_path), Digest)
