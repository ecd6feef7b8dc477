"""Seeded OCR-like damage for plain-text chart documents (the robustness benchmark's noise).

    python benchmarks/ocr_noise.py CASE_DIR OUT_DIR --level medium --seed 1

writes a noisy copy of a case folder: every ``.txt`` document is damaged with
:func:`noisy`; ``request.json`` and ``gold.json`` are copied byte for byte (so the copy
keeps its ``case_id``; use it only in temporary folders); any other file (PDF, image) is
copied unchanged. Each document gets its own seed, derived from ``--seed`` and its file
name (:func:`document_seed`), so two documents are not damaged alike.

Kinds of damage (each applied at a *site* of the clean text):

=============  =========================================================  =====
kind           what happens at the site                                   share
=============  =========================================================  =====
confusion      ``l``->``1``/``I``, ``1``->``l``/``I``, ``I``->``l``/``1``,  0.30
               ``O``<->``0``, ``S``<->``5``
ligature       ``rn``<->``m``, ``cl``<->``d``, ``vv``<->``w`` (lower case)   0.15
space_drop     a space between two words is dropped (words merge)          0.12
space_double   a space is doubled                                          0.08
line_break     a space inside a sentence becomes a line break              0.10
period_drop    a sentence-final period (before whitespace or the end of     0.07
               the text) is dropped, merging two sentences
char_drop      a letter is dropped                                          0.09
char_dup       a letter is doubled                                          0.09
=============  =========================================================  =====

Rates per level, in damage events per character of text (one event touches one
character, two for ``rn``/``cl``/``vv``); the expected number of events of a kind is
``rate x share x len(text)``, spread uniformly over that kind's sites (all of them when
the text has fewer sites than that):

=======  =====  ==========================================================
level    rate   expected events per 10,000 characters
=======  =====  ==========================================================
mild     0.005  50: 15 confusion, 7.5 ligature, 6 space_drop, 4 space_double,
                5 line_break, 3.5 period_drop, 4.5 char_drop, 4.5 char_dup
medium   0.02   200 (four times mild, same mix)
heavy    0.05   500 (ten times mild, same mix)
=======  =====  ==========================================================

Events never overlap. For a given text and seed the damage is nested: every event of
``mild`` is also an event of ``medium``, and every event of ``medium`` one of ``heavy``
(each site draws one level-independent priority; a level keeps the sites whose priority
is under its rate, and overlaps are resolved by priority). Same text, level and seed:
same output, in any process (``random.Random`` with an integer seed).
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

LEVELS: dict[str, float] = {"mild": 0.005, "medium": 0.02, "heavy": 0.05}
"""Damage events per character of text, by level."""
SHARES: dict[str, float] = {
    "confusion": 0.30, "ligature": 0.15, "space_drop": 0.12, "space_double": 0.08,
    "line_break": 0.10, "period_drop": 0.07, "char_drop": 0.09, "char_dup": 0.09,
}
"""Share of each kind of damage in the events of every level (sums to 1)."""
KINDS = tuple(SHARES)
CONFUSIONS: dict[str, tuple[str, ...]] = {
    "l": ("1", "I"), "1": ("l", "I"), "I": ("l", "1"), "O": ("0",), "0": ("O",), "S": ("5",), "5": ("S",),
}
"""Single-character confusions: a confused character becomes one of its partners."""
LIGATURES: dict[str, str] = {"rn": "m", "m": "rn", "cl": "d", "d": "cl", "vv": "w", "w": "vv"}
"""Glyph merges and splits."""
RESERVED = frozenset({"request.json", "gold.json"})

_SITES: dict[str, re.Pattern[str]] = {
    "confusion": re.compile("[" + re.escape("".join(CONFUSIONS)) + "]"),
    "ligature": re.compile("rn|cl|vv|[mdw]"),
    "space_drop": re.compile(r"(?<=\S) (?=\S)"),
    "space_double": re.compile(r"(?<=\S) (?=\S)"),
    "line_break": re.compile(r"(?<=[^\s.:;!?]) (?=\S)"),
    "period_drop": re.compile(r"(?<=[A-Za-z0-9)])\.(?=\s|$)"),
    "char_drop": re.compile(r"[A-Za-z]"),
    "char_dup": re.compile(r"[A-Za-z]"),
}


@dataclass(frozen=True)
class Damage:
    """One damage event: the clean text's ``[start, end)`` is replaced by ``replacement``."""

    kind: str
    start: int
    end: int
    original: str
    replacement: str


def _replacement(kind: str, original: str, pick: float) -> str:
    if kind == "confusion":
        options = CONFUSIONS[original]
        return options[int(pick * len(options))]
    if kind == "ligature":
        return LIGATURES[original]
    if kind == "space_drop":
        return ""
    if kind == "space_double":
        return "  "
    if kind == "line_break":
        return "\n"
    if kind in ("period_drop", "char_drop"):
        return ""
    return original * 2  # char_dup


def plan(text: str, level: str, seed: int) -> list[Damage]:
    """The damage events :func:`noisy` applies to ``text``, in text order."""
    if level not in LEVELS:
        raise ValueError(f"unknown noise level {level!r}; expected one of {', '.join(LEVELS)}")
    rate = LEVELS[level]
    rng = random.Random(seed)
    candidates: list[tuple[float, Damage]] = []
    for kind in KINDS:
        sites = list(_SITES[kind].finditer(text))
        if not sites:
            continue
        # priority u * |sites| / (share * n): a site is kept when its priority is under the rate,
        # i.e. with probability rate * share * n / |sites|; the same draws serve every level.
        scale = len(sites) / (SHARES[kind] * len(text))
        for m in sites:
            priority, pick = rng.random() * scale, rng.random()
            if priority < rate:
                damage = Damage(kind, m.start(), m.end(), m.group(), _replacement(kind, m.group(), pick))
                candidates.append((priority, damage))
    taken = bytearray(len(text) + 1)
    kept: list[Damage] = []
    for _, damage in sorted(candidates, key=lambda c: (c[0], c[1].start)):
        if any(taken[damage.start:damage.end]):
            continue
        taken[damage.start:damage.end] = b"\x01" * (damage.end - damage.start)
        kept.append(damage)
    return sorted(kept, key=lambda d: d.start)


def apply(text: str, events: list[Damage]) -> str:
    """``text`` with non-overlapping ``events`` (in text order) applied."""
    parts: list[str] = []
    pos = 0
    for d in events:
        parts.append(text[pos:d.start])
        parts.append(d.replacement)
        pos = d.end
    parts.append(text[pos:])
    return "".join(parts)


def noisy(text: str, level: str, seed: int) -> str:
    """``text`` with seeded OCR-like damage at ``level`` (mild, medium or heavy)."""
    return apply(text, plan(text, level, seed))


def document_seed(seed: int, name: str) -> int:
    """The seed of one document of a case: stable across processes and Python versions."""
    return int.from_bytes(hashlib.sha256(f"{seed}/{name}".encode()).digest()[:8], "big")


def noisy_case(case_dir: Path, out_dir: Path, level: str, seed: int) -> dict[str, tuple[str, list[Damage]]]:
    """Write a noisy copy of ``case_dir`` into ``out_dir``; return each ``.txt``'s noisy text and events.

    ``request.json`` and ``gold.json`` are copied byte for byte, other non-hidden files unchanged.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown noise level {level!r}; expected one of {', '.join(LEVELS)}")
    texts = case_texts(case_dir)
    events = {name: plan(text, level, document_seed(seed, name)) for name, text in texts.items()}
    return write_case(case_dir, out_dir, events)


def case_texts(case_dir: Path) -> dict[str, str]:
    """The decoded text of every ``.txt`` document of a case (request and gold excluded)."""
    return {p.name: p.read_bytes().decode("utf-8", errors="replace") for p in sorted(case_dir.iterdir())
            if p.suffix.lower() == ".txt" and p.name not in RESERVED and not p.name.startswith(".")
            and p.is_file()}


def write_case(case_dir: Path, out_dir: Path,
               events: dict[str, list[Damage]]) -> dict[str, tuple[str, list[Damage]]]:
    """Copy ``case_dir`` to ``out_dir`` with ``events[name]`` applied to each ``.txt`` document.

    ``request.json``, ``gold.json`` and every other non-hidden file are copied byte for byte.
    """
    if out_dir.resolve() == case_dir.resolve():
        raise ValueError("the noisy copy must not overwrite its source case")
    out_dir.mkdir(parents=True, exist_ok=True)
    texts = case_texts(case_dir)
    damaged: dict[str, tuple[str, list[Damage]]] = {}
    for src in sorted(case_dir.iterdir()):
        if src.name.startswith(".") or not src.is_file():
            continue
        if src.name not in texts:
            shutil.copyfile(src, out_dir / src.name)
            continue
        doc_events = events.get(src.name, [])
        out = apply(texts[src.name], doc_events)
        (out_dir / src.name).write_bytes(out.encode("utf-8"))
        damaged[src.name] = (out, doc_events)
    return damaged


def main(argv: list[str] | None = None) -> int:
    """CLI: write a noisy copy of one case folder."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("case_dir", type=Path)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--level", choices=tuple(LEVELS), default="medium")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--force", action="store_true", help="write into a non-empty OUT_DIR")
    args = ap.parse_args(argv)
    if not (args.case_dir / "request.json").is_file():
        print(f"error: {args.case_dir}: not a case folder (no request.json)", file=sys.stderr)
        return 2
    if args.out_dir.exists() and any(args.out_dir.iterdir()) and not args.force:
        print(f"error: {args.out_dir}: not empty (use --force to write into it)", file=sys.stderr)
        return 2
    try:
        damaged = noisy_case(args.case_dir, args.out_dir, args.level, args.seed)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, (text, events) in damaged.items():
        print(f"{name}: {len(events)} damage events over {len(text)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
