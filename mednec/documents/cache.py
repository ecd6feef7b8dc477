"""Cache of extracted document text, keyed by the file's content hash.

A PDF or image is OCR'd (or its text layer read) once; later loads of the same bytes,
under any name, read ``<cache dir>/<2 hex>/<sha256>.json``. The key also covers the
extractor version and the OCR lexicon, so a change to either re-extracts. Entries are
written atomically (temporary file + ``os.replace``) with owner-only permissions, since
they hold chart text. A cache that cannot be read or written is skipped, never fatal.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path

from mednec.documents.base import LoadedText

log = logging.getLogger(__name__)

EXTRACTOR_VERSION = "3"  # 3: "!" read as l in the same-length OCR correction
ENV_VAR = "MEDNEC_CACHE_DIR"


def resolve_dir(cache_dir: Path | None) -> Path:
    """The cache folder: ``cache_dir``, else ``$MEDNEC_CACHE_DIR``, else ``~/.cache/mednec``."""
    if cache_dir is not None:
        return Path(cache_dir)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path.home() / ".cache" / "mednec"


def cache_key(data: bytes) -> str:
    """Key of a file's content under the current extractor and lexicon."""
    from mednec.documents.correct import lexicon

    digest = hashlib.sha256(data).hexdigest()
    salt = hashlib.sha256(f"{EXTRACTOR_VERSION}:{lexicon().digest}".encode()).hexdigest()[:12]
    return f"{digest}-{salt}"


def _entry(folder: Path, key: str) -> Path:
    return folder / key[:2] / f"{key}.json"


def get(folder: Path, key: str) -> LoadedText | None:
    """The cached result for ``key``, or None (missing or unreadable entry)."""
    path = _entry(folder, key)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        loaded = LoadedText(
            text=str(raw["text"]), source=raw["source"], pages=int(raw["pages"]),
            ocr_confidence=None if raw["ocr_confidence"] is None else float(raw["ocr_confidence"]),
            page_starts=tuple(int(s) for s in raw["page_starts"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.debug("ignoring unreadable cache entry %s (%s)", path.name, type(exc).__name__)
        return None
    if loaded.source not in ("pdf-text", "ocr") or len(loaded.page_starts) != loaded.pages:
        return None
    return loaded


def put(folder: Path, key: str, loaded: LoadedText) -> None:
    """Store a result atomically; failures are logged at DEBUG and otherwise ignored."""
    path = _entry(folder, key)
    payload = json.dumps({
        "text": loaded.text, "source": loaded.source, "pages": loaded.pages,
        "ocr_confidence": loaded.ocr_confidence, "page_starts": list(loaded.page_starts),
    }, ensure_ascii=False)
    tmp_name = None
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as exc:
        log.debug("cannot write cache entry in %s (%s)", folder, type(exc).__name__)
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
