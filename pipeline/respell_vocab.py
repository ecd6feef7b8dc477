"""The words OCR repair (``respell.py``) knows: what a repair may produce and what it leaves alone.

* ``known``: general English (``english_words.txt``) and every word of the rule files; a
  known token is never repaired, and a doubled letter or a confused digit is undone only
  into a known word.
* ``rules``: the words of the rule files (spaCy's stop words included) and the English words
  that a rule's regular-expression stem begins ("involv" -> "involved"); a dropped letter is
  restored, or a glyph merge undone, only into one of these, since an unknown word one such
  edit from a common word is more often a name or a term than damage ("Marlow", "heme").
* ``cues``: the words of ConText and relation cues as the rules name them ("without",
  "negative", "suspicious"); ``concepts``: the words of the knowledge base's aliases and side
  words, of at least four letters. Two merged words are split only when one part is a cue, or
  when both are concept words.
* ``headings``: the words of section titles, for damaged headings ("EAM:").
* ``pairs``: consecutive words of multi-word aliases and section titles, and a side word before
  an alias word; a line break between such a pair is a wrapped line inside the phrase
  ("FIBROUS" / "DYSPLASIA", "REVISED" / "FINAL", "left" / "iliac").
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from importlib import resources

from mednec.pipeline.resources import context_rule_specs, resource_text, rule_cache

WORDS = "english_words.txt"
SKIP = frozenset({"respell.yaml", WORDS})
_REGEX_ESCAPE = re.compile(r"\\[A-Za-z]")
_WORD = re.compile(r"[a-z]{2,}")
_MIN_STEM = 5
_MIN_STOP_CUE = 5  # a stop word opening a cue phrase counts as a cue from this length
_MIN_CONCEPT = 4  # shorter alias words are abbreviations or prefixes ("pre-op", "ac")


@dataclass(frozen=True)
class Vocabulary:
    """Word sets of OCR repair (see the module docstring)."""

    known: frozenset[str]
    rules: frozenset[str]
    cues: frozenset[str]
    concepts: frozenset[str]
    headings: frozenset[str]
    stop: frozenset[str]
    pairs: frozenset[tuple[str, str]]  # consecutive words of multi-word aliases and section titles


def words_of(text: str) -> list[str]:
    """Lower-case words of at least two letters, regular-expression escapes (``\\b``) removed."""
    return _WORD.findall(_REGEX_ESCAPE.sub(" ", text.lower()))


def _rule_file_words() -> set[str]:
    """Every word written in the rule files, comments aside. Keys and category names count
    too: they are English words anyway."""
    words: set[str] = set()
    folder = resources.files("mednec.pipeline").joinpath("resources")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name in SKIP or not entry.name.endswith((".yaml", ".jsonl")):
            continue
        for line in resource_text(entry.name).splitlines():
            if not line.lstrip().startswith(("#", "//")):
                words.update(words_of(line))
    return words


def _cue_words(stop: frozenset[str]) -> set[str]:
    """Words of the cue phrases as the rules name them (``literal``; the patterns hold stems and
    fragments such as "involv" or "ing"); a stop word counts only as a whole cue ("no", "but")."""
    from mednec.pipeline.context import relation_rule_specs

    cues: set[str] = set()
    for spec in (*context_rule_specs(), *relation_rule_specs()):
        cues.update(w for w in words_of(spec.literal) if w not in stop)
        literal = spec.literal.lower().strip()
        if literal in stop:
            cues.add(literal)
        first = words_of(literal)[:1]
        if first and first[0] in stop and len(first[0]) >= _MIN_STOP_CUE:
            cues.add(first[0])  # "cannot" of "cannot be excluded"; not "is" of "is likely"
    return cues


def _stems(rules: set[str], english: list[str]) -> set[str]:
    """English words that begin with a rule word that is no word itself ("displac" -> "displaced")."""
    ordered = sorted(english)
    known = set(english)
    out: set[str] = set()
    for stem in rules:
        if len(stem) < _MIN_STEM or stem in known:
            continue
        i = bisect_left(ordered, stem)
        while i < len(ordered) and ordered[i].startswith(stem):
            if len(ordered[i]) <= len(stem) + 4:
                out.add(ordered[i])
            i += 1
    return out


@rule_cache
def vocabulary() -> Vocabulary:
    """The word sets, built once per process from the shipped resources."""
    from mednec.pipeline.kb import load_kb
    from mednec.pipeline.laterality import laterality_config
    from mednec.pipeline.sections import section_rule_specs
    from spacy.lang.en.stop_words import STOP_WORDS

    stop = frozenset(w for w in STOP_WORDS if w.isalpha())
    english = resource_text(WORDS).split()
    rules = _rule_file_words() | stop
    rules |= _stems(rules, english)
    concepts = {w for alias in load_kb().alias_index for w in words_of(alias)}
    concepts |= {w for side in laterality_config().sides.values() for s in side for w in words_of(s)}
    headings = {w for s in section_rule_specs() for w in words_of(s.literal)}
    aliases = [words_of(alias) for alias in load_kb().alias_index]
    phrases = aliases + [words_of(s.literal) for s in section_rule_specs()]
    pairs = {(p[i], p[i + 1]) for p in phrases for i in range(len(p) - 1)}
    # a side word wrapped away from the structure it qualifies ("left\niliac mass"); never before
    # a section title, which starts its own line ("RIGHT\nFINDINGS:")
    sides = {w for side in laterality_config().sides.values() for s in side for w in words_of(s) if len(w) > 2}
    pairs |= {(side, p[0]) for side in sides for p in aliases if p and p[0] not in stop and p[0] not in headings}
    return Vocabulary(known=frozenset(english).union(rules), rules=frozenset(rules),
                      cues=frozenset(_cue_words(stop)),
                      concepts=frozenset(w for w in concepts - stop if len(w) >= _MIN_CONCEPT),
                      headings=frozenset(headings), stop=stop, pairs=frozenset(pairs))
