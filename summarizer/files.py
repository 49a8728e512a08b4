"""Files written whole or not at all, and marked when used: the one way the library writes what it keeps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, text: str) -> Path:
    """Write text (UTF-8, lines as given) so readers see the old file or the new one, never a torn one."""
    return write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> Path:
    """Write bytes so readers see the old file or the new one, never a torn one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are meant to be read (and served)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)
    return path


def mark_used(path: Path) -> None:
    """Record that a remembered entry was used now (its modification time), so retention keeps it."""
    try:
        os.utime(path)
    except OSError:
        pass  # read-only or removed meanwhile: retention may forget it early, which only costs a recomputation


def _umask() -> int:
    """The process umask (read without changing it for good)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename durable (best effort: not every platform can open a folder)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def unwritable_folder(path: Path) -> str | None:
    """Why `path` cannot be (made into) a folder that takes new files, or None when it can.

    Checked before a run does any work: an existing file, a path under a file, or a read-only folder.
    """
    path = Path(path).expanduser()
    if path.exists() and not path.is_dir():
        return "is a file, not a folder; give a folder for the outputs"
    probe = path
    while not probe.exists():
        if probe.is_symlink():
            return "is a broken symbolic link; give a folder for the outputs"
        parent = probe.parent
        if parent == probe:
            break
        probe = parent
    if probe != path and not probe.is_dir():
        return f"lies under {probe}, which is a file, not a folder; give another folder"
    if not os.access(probe, os.W_OK | os.X_OK):
        where = "is" if probe == path else f"lies under {probe}, which is"
        return f"{where} not writable; give a folder you can write to"
    return None
