"""Writing outputs safely: atomic files, case ids that never leave the output folder.

Every file mednec writes goes through :func:`write_atomic` (a temporary file beside the
target, fsync, then ``os.replace``), so a reader, or a run killed at any instant, sees
either the old file or the new one, never half of one. A killed run can leave only
hidden ``.<name>.<random>.tmp`` files, which :func:`remove_stale_temps` clears.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from pathlib import Path

from mednec.core.errors import OutputError

log = logging.getLogger(__name__)

MAX_NAME_BYTES = 200
"""Longest output file name stem (a case id), in UTF-8 bytes: file systems allow 255."""
# Review-queue order: cases that need a person first. Errors (intake must fix the case),
# then refer (medical director), pend (request documents), approve (nurse sign-off).
QUEUE_ORDER = {"error": 0, "refer": 1, "pend": 2, "approve": 3}
_TEMP = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")


def safe_output_path(out_dir: Path, case_id: str, suffix: str) -> Path:
    """``OUT_DIR/<case_id><suffix>``, refusing any id that would escape ``out_dir``."""
    if not case_id or "/" in case_id or "\\" in case_id or case_id in (".", "..") or "\x00" in case_id \
            or case_id.startswith("."):
        raise OutputError(f"case id {case_id!r} cannot name an output file", out_dir)
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in case_id):
        raise OutputError(f"case id {case_id!r} contains control characters", out_dir)
    try:
        name_bytes = len(case_id.encode("utf-8"))
    except UnicodeEncodeError:
        raise OutputError("case id is not valid unicode (a lone surrogate)", out_dir) from None
    if name_bytes > MAX_NAME_BYTES:
        raise OutputError(f"case id is longer than {MAX_NAME_BYTES} bytes and cannot name a file", out_dir)
    path = (out_dir / f"{case_id}{suffix}")
    if path.resolve().parent != out_dir.resolve():
        raise OutputError(f"case id {case_id!r} would write outside the output folder", out_dir)
    return path


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """A CSV/TSV cell a spreadsheet shows as text: a leading apostrophe before ``=``, ``+``, ``-``,
    ``@``, tab or carriage return, which would otherwise start a live formula (OWASP CSV
    injection). JSON and HTML outputs keep the exact value."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def remove_stale_temps(out_dir: Path) -> int:
    """Delete the temporary files a killed :func:`write_atomic` left in ``out_dir`` and its sub-folders.

    Only names of the form ``.<name>.<8 characters>.tmp`` are touched, one folder level
    deep (the state records, the per-case OCR text folders); symlinks are never followed.
    Returns the number of files removed.
    """
    removed = 0
    try:
        folders = [out_dir, *(p for p in out_dir.iterdir() if p.is_dir() and not p.is_symlink())]
    except OSError:
        return 0
    for folder in folders:
        try:
            entries = list(folder.iterdir())
        except OSError:
            continue
        for p in entries:
            if _TEMP.match(p.name) and p.is_file() and not p.is_symlink():
                try:
                    p.unlink()
                    removed += 1
                except OSError:
                    pass
    if removed:
        log.info("removed %d temporary file(s) left by an interrupted run in %s", removed, out_dir)
    return removed


LOCK_NAME = ".mednec-lock"
"""The file in an output folder that says which run owns it (``OutputLock``)."""


class OutputLock:
    """One run per output folder: an exclusive ``flock`` on ``OUT_DIR/.mednec-lock``.

    The kernel holds the lock for the owning process (and the workers it forks) and drops it
    when that process ends, however it ends: a run killed with ``kill -9`` leaves a lock file
    that the next run simply takes over, and no run ever cleans up while another one owns the
    folder. The file names its owner (process id and host) for the error of a second run.
    """

    def __init__(self, out_dir: Path, *, wait: bool = False) -> None:
        self.path = out_dir / LOCK_NAME
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        import fcntl
        import json
        import socket

        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create the lock file ({exc.strerror or type(exc).__name__})",
                              self.path) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if self.wait else fcntl.LOCK_NB))
        except BlockingIOError:
            owner = _lock_owner(fd)
            os.close(fd)
            raise OutputError(f"the output folder is in use by another mednec run ({owner}); "
                              "wait for it to finish or pass --wait", self.path.parent) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname()}).encode() + b"\n")
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.close(self._fd)  # releases the flock; the file stays (a later run reuses it)
            self._fd = None


def _lock_owner(fd: int) -> str:
    import json

    try:
        raw = os.pread(fd, 4096, 0)
        owner = json.loads(raw.decode("utf-8"))
        return f"process {int(owner['pid'])} on host {str(owner['host'])[:100]!r}"
    except (OSError, ValueError, KeyError, TypeError):
        return "owner unknown"
