"""The benchmark's texts and case folders: the dev and corpus cases, repeated under new ids.

Every system of ``benchmarks/throughput.py`` reads the same documents: the ``.txt`` chart
documents of the cases found here, repeated until the batch reaches the requested size.
``mednec triage`` reads them laid out as cases (``request.json`` with a new ``case_id`` and the
same documents), so its figures count the same characters as the NLP-only systems.
"""

from __future__ import annotations

import json
import math
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CASE_ROOTS = (ROOT.parent / "shared" / "cases", ROOT / "corpora" / "cases", ROOT / "corpora" / "demo")


@dataclass(frozen=True)
class SourceCase:
    """A case folder and its text documents (sorted by name)."""

    path: Path
    request: dict
    documents: tuple[Path, ...]

    @property
    def chars(self) -> int:
        """Characters of text in the case's documents."""
        return sum(len(read_text(p)) for p in self.documents)


def read_text(path: Path) -> str:
    """A text document as the loader reads it (UTF-8, errors replaced)."""
    return path.read_bytes().decode("utf-8", errors="replace")


def source_cases(roots: tuple[Path, ...] = CASE_ROOTS) -> list[SourceCase]:
    """Every case folder (with ``request.json`` and at least one ``.txt``) under ``roots``."""
    out = []
    for root in roots:
        if not root.is_dir():
            continue
        for case in sorted(p for p in root.iterdir() if (p / "request.json").is_file()):
            docs = tuple(sorted(case.glob("*.txt")))
            if docs:
                out.append(SourceCase(case, json.loads((case / "request.json").read_text()), docs))
    return out


def copies_for(cases: list[SourceCase], target_chars: int) -> int:
    """How many times the cases must be repeated to reach ``target_chars`` characters."""
    total = sum(c.chars for c in cases)
    return max(1, math.ceil(target_chars / max(total, 1)))


def batch_texts(cases: list[SourceCase], copies: int) -> list[str]:
    """The documents of ``copies`` repetitions of ``cases``, in case order."""
    one = [read_text(p) for c in cases for p in c.documents]
    return one * copies


def write_cases(cases: list[SourceCase], out_dir: Path, copies: int) -> int:
    """Lay ``copies`` repetitions of ``cases`` out under ``out_dir`` with new case ids; returns the count."""
    out_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for r in range(copies):
        for case in cases:
            case_id = f"{case.path.name}-r{r:04d}"
            folder = out_dir / case_id
            folder.mkdir()
            (folder / "request.json").write_text(json.dumps({**case.request, "case_id": case_id}, indent=2))
            for doc in case.documents:
                _link_or_copy(doc, folder / doc.name)
            n += 1
    return n


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)  # a hard link is a regular file inside the case folder
    except OSError:
        shutil.copyfile(src, dst)


def small_cases(cases: list[SourceCase], how_many: int = 4) -> list[SourceCase]:
    """The ``how_many`` smallest cases (by characters), for the memory lines."""
    return sorted(cases, key=lambda c: c.chars)[:how_many]


def linear_documents(texts: list[str], sizes: dict[str, int], budget: int) -> dict[str, list[str]]:
    """Documents of each size, built by concatenating chart text; about ``budget`` characters
    per size (at least one document), each starting at a different chart."""
    stream = "\n\n".join(texts)
    while len(stream) < max(sizes.values()) + len(texts[0]):
        stream = stream + "\n\n" + stream
    out: dict[str, list[str]] = {}
    for label, size in sizes.items():
        docs = []
        offset = 0
        for _ in range(max(1, budget // size)):
            start = stream.find("\n\n", offset) + 2 if offset else 0
            if start + size > len(stream):
                start = 0
            docs.append(stream[start:start + size])
            offset = (start + 7919) % max(1, len(stream) - size)
        out[label] = docs
    return out
