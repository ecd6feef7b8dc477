"""Writing outputs safely: atomic files, case ids that never leave the output folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from mednec.errors import OutputError


def safe_output_path(out_dir: Path, case_id: str, suffix: str) -> Path:
    """``OUT_DIR/<case_id><suffix>``, refusing any id that would escape ``out_dir``."""
    if not case_id or "/" in case_id or "\\" in case_id or case_id in (".", "..") or "\x00" in case_id \
            or case_id.startswith("."):
        raise OutputError(f"case id {case_id!r} cannot name an output file", out_dir)
    path = (out_dir / f"{case_id}{suffix}")
    if path.resolve().parent != out_dir.resolve():
        raise OutputError(f"case id {case_id!r} would write outside the output folder", out_dir)
    return path


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
