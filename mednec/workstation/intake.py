"""Intake: reviews become case versions, from a triage run, an uploaded zip, or a PAS Bundle."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import zipfile
from pathlib import Path, PurePosixPath

from sqlalchemy.orm import sessionmaker

from mednec import state
from mednec.core.errors import CaseError, CaseLimitError, MednecError
from mednec.models import CaseRequest, CaseResult
from mednec.outputs import write_atomic
from mednec.workstation.cases import store_version

log = logging.getLogger(__name__)

MAX_ZIP_BYTES = 64 * 1024 * 1024
"""Largest zipped case accepted by ``POST /api/cases``."""
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
"""Largest total size of a zipped case's files once unpacked (the case size limit of a review)."""
MAX_ZIP_FILES = 250


class Intake:
    """Reviews one case at a time with a pipeline built on first use (the slow part, seconds)."""

    def __init__(self) -> None:
        self._reviewer = None
        self._lock = threading.Lock()  # one review at a time: the pipeline is not shared between threads

    def review(self, folder: Path) -> tuple[CaseResult, object, str]:
        """Review a case folder: (result, loaded case, evidence view HTML)."""
        from mednec.render.view import render_case_html
        from mednec.review import Reviewer

        with self._lock:
            if self._reviewer is None:
                self._reviewer = Reviewer()
            reading = self._reviewer.read(folder)
            texts = {d.info.id: d.text for d in reading.case.documents}
            return reading.result, reading.case, render_case_html(reading.result, texts, reading.facts)


def unpack_zip(data: bytes, target: Path) -> Path:
    """Unpack a zipped case folder into ``target``; returns the folder holding request.json.

    Refuses (one-line ``CaseError``) names that leave the folder, links, too many or too large
    files, and archives that are not zip files.
    """
    if len(data) > MAX_ZIP_BYTES:
        raise CaseLimitError(f"the zip is {len(data)} bytes, over the {MAX_ZIP_BYTES // 2**20} MiB limit")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise CaseError("the upload is not a zip file") from exc
    if len(infos) > MAX_ZIP_FILES:
        raise CaseLimitError(f"the zip holds {len(infos)} entries (at most {MAX_ZIP_FILES})")
    total = 0
    with zf:
        for info in infos:
            name = PurePosixPath(info.filename.replace("\\", "/"))
            if info.is_dir():
                continue
            if name.is_absolute() or ".." in name.parts or any(p.startswith(".") for p in name.parts):
                raise CaseError(f"the zip names a path outside the case folder: {info.filename!r}")
            if (info.external_attr >> 16) & 0o170000 == 0o120000:
                raise CaseError(f"the zip holds a symbolic link: {info.filename!r}")
            total += info.file_size
            if total > MAX_UNZIPPED_BYTES:
                raise CaseLimitError(f"the zip unpacks to over {MAX_UNZIPPED_BYTES // 2**20} MiB")
            dest = target.joinpath(*name.parts)
            dest.parent.mkdir(parents=True, exist_ok=True)
            try:
                write_atomic(dest, zf.read(info))
            except (zipfile.BadZipFile, RuntimeError, NotImplementedError) as exc:
                raise CaseError(f"the zip entry {info.filename!r} cannot be read") from exc
    found = sorted(target.rglob("request.json"), key=lambda p: len(p.parts))
    if not found:
        raise CaseError("the zip holds no request.json")
    return found[0].parent


def intake_zip(intake: Intake, sessions: sessionmaker, data: bytes, user: str) -> dict:
    """Review a zipped case and store it as a version; returns a summary for the API."""
    with tempfile.TemporaryDirectory(prefix="mednec-upload-") as tmp:
        folder = unpack_zip(data, Path(tmp))
        sha = state.input_sha256(folder) or ""
        result, case, html = intake.review(folder)
        with sessions() as db:
            row, created = store_version(db, result, case.request, evidence_html=html, source="upload",
                                         input_sha256=sha, user=user)
            return {"case_id": row.case_id, "version": row.current_version, "created": created,
                    "outcomes": dict(o.split(":", 1) for o in row.outcomes.split()),
                    "changes": row.change_summary}


def store_triage(sessions: sessionmaker, cases_dir: Path, out_dir: Path, user: str = "triage") -> tuple[int, int]:
    """After ``mednec triage``: store each case reviewed into ``out_dir`` as a version of its case.

    A case whose input is unchanged since its latest stored version adds nothing. Returns
    (versions added, cases unchanged). Cases that failed in triage have no result and are skipped
    (their error row is in triage.csv).
    """
    from mednec.review import read_request
    from mednec.triage import case_folders

    added = same = 0
    for folder in case_folders(cases_dir):
        if folder.resolve() == out_dir.resolve():
            continue
        try:
            request: CaseRequest = read_request(folder)
        except MednecError:
            continue
        sha = state.input_sha256(folder)
        result = state.current_result(out_dir, request.case_id, sha)
        if result is None:
            continue
        html_path = out_dir / f"{request.case_id}.html"
        html = html_path.read_text(encoding="utf-8") if html_path.is_file() else ""
        with sessions() as db:
            _, created = store_version(db, result, request, evidence_html=html, source="triage",
                                       input_sha256=sha or "", user=user)
        added += created
        same += not created
    return added, same
