"""Document type and date, inferred from a document's header text (CONTRACT)."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from mednec.pipeline.resources import load_yaml
from pydantic import BaseModel, ConfigDict


class _TypeRule(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    type: str
    patterns: list[str]


class DocTypeConfig(BaseModel):
    """Schema of ``doctypes.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title_lines: int
    types: list[_TypeRule]
    date_labels: list[str]
    months: dict[str, int]
    letterhead_lines: int = 8
    letterhead_words: list[str] = []


@lru_cache(maxsize=1)
def _config() -> tuple[DocTypeConfig, list[tuple[str, re.Pattern[str]]], re.Pattern[str], re.Pattern[str]]:
    cfg = load_yaml("doctypes.yaml", DocTypeConfig)
    rules = [(r.type, re.compile("|".join(f"(?:{p})" for p in r.patterns), re.I)) for r in cfg.types]
    month = "|".join(sorted(cfg.months, key=len, reverse=True))
    date_re = re.compile(
        r"(?P<mdy>\b(?P<m>\d{1,2})[/.-](?P<d>\d{1,2})[/.-](?P<y>\d{4}|\d{2})\b)"
        r"|(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})\b)"
        rf"|(?P<text>\b(?P<tm>{month})\.?\s+(?P<td>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<ty>\d{{4}})\b)"
        rf"|(?P<text2>\b(?P<t2d>\d{{1,2}})\s+(?P<t2m>{month})\.?,?\s+(?P<t2y>\d{{4}})\b)",
        re.I,
    )
    labels = "|".join(re.escape(lbl) for lbl in cfg.date_labels)
    label_re = re.compile(rf"(?:^|\n)[ \t]*(?:{labels})\b[^\n:]{{0,20}}[:#]?[ \t]*", re.I)
    return cfg, rules, date_re, label_re


def infer_type(text: str, filename: str | None = None) -> str:
    """The document type from its first title lines (imaging, pathology, clinical_note, ...).

    When no title line names a type (a letterhead only, or OCR damage), the file name is
    read the same way ("ortho_hip_preservation_note_2026-02-24.txt" is a clinical note).
    """
    cfg, rules, _, _ = _config()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()][: cfg.title_lines]
    if filename:
        lines.append(re.sub(r"[_.]+", " ", filename.rsplit(".", 1)[0]))
    for line in lines:
        for doc_type, pattern in rules:
            if pattern.search(line):
                return doc_type
    return "other"


def parse_date(match: re.Match[str]) -> dt.date | None:
    """A date from one match of the date pattern, or None when it is not a valid date."""
    cfg = _config()[0]
    try:
        if match.group("mdy"):
            year = int(match.group("y"))
            year += 2000 if year < 100 else 0
            return dt.date(year, int(match.group("m")), int(match.group("d")))
        if match.group("iso"):
            return dt.date(int(match.group("iy")), int(match.group("im")), int(match.group("id")))
        if match.group("text"):
            return dt.date(int(match.group("ty")), cfg.months[match.group("tm").lower()], int(match.group("td")))
        if match.group("text2"):
            return dt.date(int(match.group("t2y")), cfg.months[match.group("t2m").lower()], int(match.group("t2d")))
    except (ValueError, KeyError):
        return None
    return None


def find_dates(text: str) -> list[tuple[int, int, dt.date]]:
    """Every valid date in ``text`` with its offsets."""
    _, _, date_re, _ = _config()
    out = []
    for m in date_re.finditer(text):
        d = parse_date(m)
        if d is not None:
            out.append((m.start(), m.end(), d))
    return out


def infer_date(text: str, filename: str | None = None) -> dt.date | None:
    """The document date: a labelled header date, else the first date of the header, else the file name."""
    _, _, date_re, label_re = _config()
    head = text[:3000]
    for m in label_re.finditer(head):
        dm = date_re.match(head, m.end()) or date_re.search(head[m.end() : m.end() + 40])
        if dm:
            d = parse_date(dm)
            if d:
                return d
    dates = find_dates(text[:600])
    if dates:
        return dates[0][2]
    if filename:
        dates = find_dates(filename.replace("_", " "))
        if dates:
            return dates[-1][2]
    return None


def letterhead_ranges(text: str) -> list[tuple[int, int]]:
    """Character ranges of letterhead lines (institution or department names) at the top of a document.

    A letterhead line is one of the first ``letterhead_lines`` lines that names an institution
    word and has no colon, digits or sentence punctuation (so "Date of service:" or a finding
    line is never one).
    """
    cfg = _config()[0]
    words = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in cfg.letterhead_words) + r")\b", re.I)
    out = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        if i >= cfg.letterhead_lines:
            break
        stripped = line.strip()
        if stripped and words.search(stripped) and not re.search(r"[:.;,]\s|\d", stripped + " ") \
                and len(stripped.split()) <= 12 and i > 0:
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out
