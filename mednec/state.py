"""What a batch knows of its cases: ids and duplicates, input hashes, finished outputs.

Before any review, :func:`plan_cases` reads every request.json once: the case id, the
later of two folders claiming one case id (it gets an error row and is not reviewed, so
it cannot overwrite the other's outputs) and the input hash.

When ``process_case`` has written a case's outputs it records, last and atomically,
``OUT_DIR/.mednec-state/<case_id>.json``: the case's input hash (:func:`input_sha256`)
and the SHA-256 of every output file. ``mednec triage --resume`` skips a case only when
that record exists, its input hash equals the hash of the case folder now, and every
output it lists is present with the recorded bytes; anything else (no record, changed
input, a missing, truncated or edited output) is a partial case and is done again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mednec import __version__
from mednec.core.errors import DuplicateCaseError, MednecError, OutputError
from mednec.outputs import safe_output_path, write_atomic

log = logging.getLogger(__name__)

STATE_DIR = ".mednec-state"
RESERVED_IDS = frozenset({"index"})
"""Case ids whose outputs would overwrite a batch-level output (OUT/index.html)."""
_CHUNK = 1 << 20


@dataclass(frozen=True)
class CasePlan:
    """What the batch knows of a case folder before reviewing it."""

    folder: Path
    case_id: str  # from request.json; the folder name when request.json is unreadable
    valid_id: bool  # case_id comes from a valid request.json
    input_sha256: str | None
    error: str | None = None  # decided without a review (duplicate or reserved case_id)


def plan_cases(folders: list[Path]) -> list[CasePlan]:
    """Read every request.json: case ids, duplicates (the later folder loses) and input hashes."""
    from mednec.review import read_request

    owners: dict[str, Path] = {}
    plans = []
    for folder in folders:
        try:
            case_id, valid = read_request(folder).case_id, True
        except MednecError:
            case_id, valid = folder.name, False
        error = None
        key = case_id.casefold()  # ids differing only in case collide on some file systems
        if valid and key in owners:
            problem = f"case_id {case_id!r} is already used by folder {owners[key].name!r} in this batch"
            error = DuplicateCaseError(f"{problem}; not reviewed", folder / "request.json").line()
        elif valid and key in RESERVED_IDS:
            error = OutputError(f"case_id {case_id!r} is reserved (its outputs would overwrite "
                                f"OUT/{key}.html)", folder / "request.json").line()
        elif valid:
            try:
                safe_output_path(folder, case_id, ".json")  # the id must be able to name its outputs
                owners[key] = folder
            except OutputError as exc:
                error = OutputError(exc.problem, folder / "request.json").line()
        plans.append(CasePlan(folder, case_id, valid, input_sha256(folder) if valid else None, error))
    return plans


_DATA_PACKAGES = ("mednec.pipeline", "mednec.criteria", "mednec.render")
_DATA_SUFFIXES = frozenset({".yaml", ".yml", ".jsonl", ".json", ".txt", ".md", ".j2", ".css", ".js", ".py"})


@lru_cache(maxsize=1)
def data_digest() -> str:
    """SHA-256 of everything that decides a review besides its inputs: the code and the data files
    of the pipeline, criteria and render packages (rules, knowledge base, criteria trees, templates).
    A changed rule or criteria file changes every case's key, so ``--resume`` redoes the cases."""
    import importlib.util

    digest = hashlib.sha256()
    for package in _DATA_PACKAGES:
        spec = importlib.util.find_spec(package)
        roots = list(spec.submodule_search_locations or []) if spec else []
        for root in roots:
            base = Path(root)
            for p in sorted(base.rglob("*")):
                if p.suffix in _DATA_SUFFIXES and p.is_file() and "__pycache__" not in p.parts:
                    digest.update(f"\0{package}/{p.relative_to(base).as_posix()}\0".encode())
                    _update_file(digest, p)
    return digest.hexdigest()


def input_sha256(case_dir: Path) -> str | None:
    """SHA-256 over the mednec version, the packaged rules and criteria (:func:`data_digest`),
    request.json and every document file of a case.

    Covers the name and bytes of ``request.json`` and of every non-hidden file with a
    document suffix (a symlink contributes its target path, and the target's bytes only
    when it stays inside the folder, as the loader does). ``None`` when the folder cannot
    be read; such a case is never skipped.
    """
    from mednec.documents import SUPPORTED_SUFFIXES

    digest = hashlib.sha256(f"mednec {__version__}\n{data_digest()}\n".encode())
    try:
        root = case_dir.resolve()
        entries = sorted(case_dir.iterdir())
        for p in entries:
            wanted = p.name == "request.json" or p.suffix.lower() in SUPPORTED_SUFFIXES
            if p.name.startswith(".") or not wanted:
                continue
            digest.update(b"\0name\0" + p.name.encode("utf-8", "surrogateescape"))
            if p.is_symlink():
                digest.update(b"\0link\0" + os.readlink(p).encode("utf-8", "surrogateescape"))
                if root not in p.resolve().parents:
                    continue
            if p.is_file():
                _update_file(digest, p)
    except (OSError, RuntimeError) as exc:
        log.debug("cannot hash %s (%s)", case_dir, type(exc).__name__)
        return None
    return digest.hexdigest()


def _update_file(digest: hashlib._Hash, path: Path) -> None:
    digest.update(b"\0data\0")
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    _update_file(digest, path)
    return digest.hexdigest()


def state_path(out_dir: Path, case_id: str) -> Path:
    """``OUT_DIR/.mednec-state/<case_id>.json``."""
    return safe_output_path(out_dir / STATE_DIR, case_id, ".json")


def record(out_dir: Path, case_id: str, folder: str, input_hash: str | None, outputs: list[Path]) -> None:
    """Record a finished case: its input hash and the hash of each output (written last)."""
    if input_hash is None:
        return
    files = {p.relative_to(out_dir).as_posix(): file_sha256(p) for p in outputs}
    state = {"case_id": case_id, "folder": folder, "input_sha256": input_hash,
             "mednec_version": __version__, "outputs": dict(sorted(files.items()))}
    write_atomic(state_path(out_dir, case_id), json.dumps(state, indent=2) + "\n")


def current_result(out_dir: Path, case_id: str, input_hash: str | None,  # noqa: ANN201 - CaseResult | None
                   required: tuple[str, ...] = ()):
    """The stored determination of a case whose outputs are complete and current, else None.
    ``required``: further outputs (relative names) this run must find among the recorded ones."""
    from mednec.models import CaseResult

    if input_hash is None:
        return None
    try:
        state = json.loads(state_path(out_dir, case_id).read_text(encoding="utf-8"))
        if state.get("input_sha256") != input_hash or state.get("mednec_version") != __version__:
            return None
        outputs: dict[str, str] = state["outputs"]
        json_name = f"{case_id}.json"
        if json_name not in outputs or f"{case_id}.html" not in outputs or any(r not in outputs for r in required):
            return None
        for name, sha in outputs.items():
            path = out_dir / name
            if path.is_symlink() or not path.is_file() or out_dir.resolve() not in path.resolve().parents \
                    or file_sha256(path) != sha:
                return None
        result = CaseResult.model_validate_json((out_dir / json_name).read_bytes())
    except Exception as exc:  # noqa: BLE001 - any doubt means the case is done again
        log.debug("state of %s not usable (%s)", case_id, type(exc).__name__)
        return None
    return result if result.case_id == case_id else None


def discard(out_dir: Path, case_id: str) -> None:
    """Remove the outputs and the record of a case (it failed this time: old outputs are stale)."""
    try:
        spath = state_path(out_dir, case_id)
    except Exception:  # noqa: BLE001 - an id that cannot name a file has no outputs
        return
    names = {f"{case_id}.json", f"{case_id}.html"}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, AttributeError):
        names |= set(json.loads(spath.read_text(encoding="utf-8"))["outputs"])
    root = out_dir.resolve()
    for name in sorted(names):
        path = out_dir / name
        with contextlib.suppress(OSError, RuntimeError):
            if root in path.resolve().parents and (path.is_file() or path.is_symlink()):
                path.unlink()
    with contextlib.suppress(OSError):
        spath.unlink()
