"""Spinal levels written otherwise than "L3": the dorsal count ("D12"), a Roman numeral ("L III") or an
ordinal and a region word ("third lumbar vertebra"), read as the level they name.

:func:`normalise_levels` rewrites them in the copy of a document the pipeline reads, padded to the
same length (offsets hold, so every evidence quote is still the sender's words). Rules are data:
``resources/level_notation.yaml``.
"""

from __future__ import annotations

import re

from mednec.pipeline.resources import load_yaml, rule_cache
from pydantic import BaseModel, ConfigDict

_MAX = {"C": 7, "T": 12, "L": 5, "S": 5}


class LevelNotation(BaseModel):
    """``level_notation.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    dorsal_letter: str
    dorsal_context: list[str]
    not_after: list[str]
    roman: dict[str, int]
    ordinals: dict[str, int]
    regions: dict[str, str]


@rule_cache
def _rules() -> tuple[LevelNotation, re.Pattern[str], re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    cfg = load_yaml("level_notation.yaml", LevelNotation)
    words = "|".join(re.escape(w) for w in cfg.dorsal_context)
    context = re.compile(rf"(?<![\w-])(?:{words})(?![\w-])", re.IGNORECASE)
    dorsal = re.compile(rf"(?<![\w./]){re.escape(cfg.dorsal_letter)}(1[0-2]|[1-9])(?![\w])")
    numerals = "|".join(sorted(cfg.roman, key=len, reverse=True))
    # (a separator is needed, and no joint after: "SI joint", "S-I joint" name the sacroiliac joint)
    roman = re.compile(rf"(?<![\w-])([CTLS])(?:[ -]|\.\s?)({numerals})(?![\w])(?![ -]*joints?\b)", re.UNICODE)
    ordinals = "|".join(sorted(cfg.ordinals, key=len, reverse=True))
    regions = "|".join(sorted(cfg.regions, key=len, reverse=True))
    ordinal = re.compile(rf"(?<![\w-])({ordinals})\s+({regions})(?![\w-])", re.IGNORECASE)
    return cfg, context, dorsal, roman, ordinal


def _put(chars: list[str], start: int, end: int, level: str) -> None:
    chars[start:end] = list(level.ljust(end - start))


def normalise_levels(text: str) -> str:
    """``text`` with every level written in another notation rewritten as "T12", "L3" (same length)."""
    cfg, context, dorsal, roman, ordinal = _rules()
    chars: list[str] | None = None
    if dorsal.search(text) and context.search(text):
        for m in dorsal.finditer(text):
            before = text[max(0, m.start() - 12): m.start()].lower().split()
            if before and before[-1] in cfg.not_after:
                continue  # "vitamin D3"
            chars = chars if chars is not None else list(text)
            chars[m.start()] = "T"
    for m in roman.finditer(text):
        region, n = m.group(1), cfg.roman[m.group(2)]
        if n > _MAX[region] or len(f"{region}{n}") > m.end() - m.start():
            continue
        chars = chars if chars is not None else list(text)
        _put(chars, m.start(), m.end(), f"{region}{n}")
    for m in ordinal.finditer(text):
        region, n = cfg.regions[m.group(2).lower()], cfg.ordinals[m.group(1).lower()]
        if n > _MAX[region]:
            continue
        chars = chars if chars is not None else list(text)
        _put(chars, m.start(), m.end(), f"{region}{n}")
    return "".join(chars) if chars is not None else text
