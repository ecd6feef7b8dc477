"""Repair of one damaged word (``respell.py`` applies it to whole texts).

A token that is no known word is repaired when exactly one word of the vocabulary
(``respell_vocab.py``) lies one OCR edit away: a doubled letter undone, a digit or an l/i
read back, a glyph merge or split undone, a dropped letter restored; else two merged words
are split. Settings and safety rules: ``resources/respell.yaml``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator
from typing import Literal

from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.respell_vocab import Vocabulary, vocabulary
from pydantic import BaseModel, ConfigDict, Field

CONFIG = "respell.yaml"
_LETTERS = string.ascii_lowercase
_NUMBER_WORD = re.compile(r"(\d+)([a-z]{3,})")
_DIGIT_CONFUSED = re.compile(r"\d[\dOolI|]*[OolI|][\dOolI|]*")
_DIGITS = str.maketrans("OolI|", "00111")
_CASE_JOIN = re.compile(r"([A-Za-z][a-z]{2,})([A-Z][a-z]+)")
_ACRONYM_JOIN = re.compile(r"([A-Z]{2,})([a-z]{3,})")

Edit = tuple[int, int, str]
"""Replace ``word[i:j]`` by a lower-case string."""


class RespellConfig(BaseModel):
    """Settings of ``respell.yaml`` (see the comments there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    min_length: int = Field(ge=2)
    min_english_length: int = Field(ge=2)
    min_insert_length: int = Field(ge=3)
    heading_min_length: int = Field(ge=3)
    heading_max_words: int = Field(ge=1)
    min_split_part: int = Field(ge=2)
    acronym_max_length: int = Field(ge=0)
    short_words: frozenset[str]
    ligatures: tuple[tuple[str, str], ...]
    confusions: dict[str, tuple[str, ...]]
    units: frozenset[str]
    prefixes: frozenset[str]
    joining_words: frozenset[str]
    function_words: frozenset[str]
    min_function_split: int = Field(ge=2)
    suffixes: frozenset[str]
    sentence_heads: tuple[str, ...] = Field(min_length=1)
    honorifics: tuple[str, ...] = ()
    lone_letters: dict[str, str] = {}
    damaged_no: dict[str, str] = {}
    damaged_no_not_after: str = r"(?!)"
    damaged_no_not_before: frozenset[str] = frozenset()
    damaged_be: dict[str, str] = {}
    be_after: frozenset[str] = frozenset()
    be_before_suffixes: tuple[str, ...] = ()
    split_no: bool = False
    lone_letter_not_before: frozenset[str] = frozenset()


@rule_cache
def load_config() -> RespellConfig:
    """The validated ``respell.yaml``."""
    return load_yaml(CONFIG, RespellConfig)


Kind = Literal["double", "digit", "swap", "glyph", "insert"]
SAFE: frozenset[Kind] = frozenset({"double", "digit"})


def _edits(word: str, cfg: RespellConfig, insert: bool) -> Iterator[tuple[str, Edit, Kind]]:
    """Strings one OCR edit away from ``word`` (lower case), each with its edit and its kind:
    safe ones (a doubled letter undone, a digit read back as a letter) or guesses (an l/i
    swap, a glyph merge or split undone, a restored letter)."""
    for i in range(1, len(word)):
        if word[i] == word[i - 1]:
            yield word[:i] + word[i + 1:], (i, i + 1, ""), "double"
    for i, ch in enumerate(word):
        for repl in cfg.confusions.get(ch, ()):
            yield word[:i] + repl + word[i + 1:], (i, i + 1, repl), "swap" if ch.isalpha() else "digit"
    for a, b in cfg.ligatures:
        for src, dst in ((a, b), (b, a)):
            i = word.find(src)
            while i >= 0:
                yield word[:i] + dst + word[i + len(src):], (i, i + len(src), dst), "glyph"
                i = word.find(src, i + 1)
    if insert:
        for i in range(len(word) + 1):
            for ch in _LETTERS:
                yield word[:i] + ch + word[i:], (i, i, ch), "insert"


def _odd_case(token: str, i: int) -> bool:
    """Whether ``token[i]`` is an I inside a lower-case word or an l inside a capitalised one."""
    ch = token[i]
    others = [c for k, c in enumerate(token) if c.isalpha() and k != i]
    return (ch == "I" and i > 0 and any(c.islower() for c in others)) or (
        ch == "l" and len(others) > 1 and all(c.isupper() for c in others))


def _pick(candidates: dict[str, Edit], prefer: frozenset[str]) -> Edit | None:
    """The edit of the one candidate word, or of the one among ``prefer``; None if ambiguous."""
    if len(candidates) > 1:
        candidates = {w: e for w, e in candidates.items() if w in prefer}
    return next(iter(candidates.values())) if len(candidates) == 1 else None


def _apply(token: str, edit: Edit) -> str:
    """``edit`` applied to ``token``, its new letters in the case of the token's letters."""
    i, j, repl = edit
    letters = [ch for ch in token if ch.isalpha()]
    upper = len(letters) > 1 and sum(ch.isupper() for ch in letters) * 2 > len(letters)
    if not upper and i == 0 and (token[:1].isupper() or not token[:1].isalpha()):
        # a word's first letter: capital as written, or read as a digit ("5taging" -> "Staging")
        repl = repl[:1].upper() + repl[1:]
    return token[:i] + (repl.upper() if upper else repl) + token[j:]


def _split(word: str, vocab: Vocabulary, cfg: RespellConfig) -> int | None:
    """Where to split two merged words, or None. One part must be a cue word and the other a
    known word ("withoutpulmonary", "Nocomplete", "cannotbe"), both concept words
    ("rightbrachial"), a rule word and a joining word ("lesionof", "involvingthe"), or a function
    word and a known word of some length ("thepsoas", "ischiumare"); a compound of a listed
    prefix or suffix stays whole ("nondisplaced", "postsurgical")."""
    found = []
    for i in range(2, len(word) - 1):
        a, b = word[:i], word[i:]
        if a in cfg.prefixes or b in cfg.suffixes:
            continue
        a_known = a in cfg.short_words or (len(a) >= cfg.min_split_part and a in vocab.known)
        b_known = len(b) >= cfg.min_split_part and b in vocab.known
        if a_known and b_known and (a in vocab.cues or b in vocab.cues
                                    or (a in vocab.concepts and b in vocab.concepts)):
            found.append(i)
        elif a_known and b in cfg.short_words and (a in vocab.cues or b in vocab.cues):
            found.append(i)  # "isno", "cannotbe": a short word next to a cue
        elif a in vocab.rules and a not in vocab.stop and len(a) >= cfg.min_split_part and b in cfg.joining_words:
            found.append(i)  # "lesionof", "involvingthe"
        elif a in cfg.function_words and (b in cfg.function_words or (len(b) >= cfg.min_function_split
                                                                       and b in vocab.known)):
            found.append(i)  # "thepsoas", "bepreserved", "tothe"
        elif b in cfg.function_words and len(a) >= cfg.min_function_split and a in vocab.known:
            found.append(i)  # "ischiumare", "freein"
    if len(found) > 1:  # the most even split, if it is the only one
        best = max(min(i, len(word) - i) for i in found)
        found = [i for i in found if min(i, len(word) - i) == best]
    return found[0] if len(found) == 1 else None


@rule_cache(maxsize=1 << 16)
def repair_word(token: str, heading: bool = False, name_like: bool = False) -> str | None:
    """The repaired form of one token, or None when it is known or has no single repair.

    ``heading``: the token is in a line's heading ("EAM:"); ``name_like``: a capitalised word
    inside a sentence, probably a name, which only gets its digits read back. A token with
    two kinds of damage ("pp1anned", "withoutpu1monary") is repaired in two steps, the first
    one undoing a doubled letter, a confusion or a glyph merge, when exactly one repair
    results. A pure function of its arguments and the resources, worked out once per
    distinct token and process.
    """
    vocab, cfg = vocabulary(), load_config()
    low = token.lower()
    if _DIGIT_CONFUSED.fullmatch(token):
        return token.translate(_DIGITS)  # "7O" -> "70": a number with a letter misread in it
    if len(low) < cfg.min_length or low in vocab.known or sum(ch.isalpha() for ch in low) < 2:
        return None
    if token.isalpha() and token.isupper() and len(token) <= cfg.acronym_max_length and not heading:
        return None  # an acronym
    found = _repair_once(token, low, heading, name_like, vocab, cfg)
    if found is not None or name_like or len(low) < cfg.min_insert_length:
        return found or None
    results = set()
    for _, edit, kind in _edits(low, cfg, insert=False):
        if kind == "swap" and not _odd_case(token, edit[0]):
            continue  # an l/i swap is a first step only where the case shows it ("brachiaI")
        step = _apply(token, edit)
        again = _repair_once(step, step.lower(), heading, name_like, vocab, cfg)
        if again:
            results.add(again)
    return results.pop() if len(results) == 1 else None


def _repair_once(token: str, low: str, heading: bool, name_like: bool, vocab: Vocabulary,
                 cfg: RespellConfig) -> str | None:
    """One repair of ``token``: its new form, "" when the repair is ambiguous, None when there is none."""
    if any(ch.isdigit() for ch in low):
        m = _NUMBER_WORD.fullmatch(low)
        if m and m.group(2) in vocab.rules and m.group(2) not in cfg.units:  # "1and"
            cut = len(m.group(1))
            return token[:cut] + " " + token[cut:]
    safe: dict[str, Edit] = {}
    guessed: dict[str, Edit] = {}
    titles: dict[str, Edit] = {}
    for word, edit, kind in _edits(low, cfg, insert=len(low) + 1 >= cfg.min_insert_length):
        is_safe = kind in SAFE
        if heading and word in vocab.headings and len(word) >= cfg.heading_min_length:
            titles[word] = edit
        long_enough = word in vocab.rules or len(word) >= cfg.min_english_length
        if is_safe and (kind == "digit" or not name_like) and word in vocab.known and long_enough:
            safe[word] = edit
        elif not is_safe and not name_like and word in vocab.rules:
            guessed[word] = edit
    if heading and not titles:  # a heading word may also have lost a letter ("EAM:" -> "EXAM:")
        titles = {w: (i, i, ch) for i in range(len(low) + 1) for ch in _LETTERS
                  if (w := low[:i] + ch + low[i:]) in vocab.headings and len(w) >= cfg.heading_min_length}
    # a rule word first ("nnominate" -> "innominate", not "nominate"), then any English word
    # a rule word first ("nnominate" -> "innominate", not "nominate"), then any English word;
    # two rule words by different edits are ambiguous ("planne": "plane" or "planned")
    in_rules = {w: e for w, e in safe.items() if w in vocab.rules} | guessed
    english = {w: e for w, e in safe.items() if w not in vocab.rules}
    for found in (titles, in_rules, english):
        if found:
            edit = _pick(found, vocab.rules)
            return _apply(token, edit) if edit is not None else ""
    if token.isalpha() and not name_like:
        cut = _case_split(token, vocab, cfg) or _split(low, vocab, cfg)
        if cut is not None:
            return token[:cut] + " " + token[cut:]
    return None


def _case_split(token: str, vocab: Vocabulary, cfg: RespellConfig) -> int | None:
    """Where a lower-case word runs into a capitalised one ("roofNo", "excludedFinal"), when both are
    known, or an acronym into a known word ("CTnegative", "IVCfilter")."""
    m = _ACRONYM_JOIN.fullmatch(token)
    if m is not None and len(m.group(2)) >= cfg.min_function_split and m.group(2) in vocab.known:
        return len(m.group(1))
    m = _CASE_JOIN.fullmatch(token)
    if m is None:
        return None
    a, b = m.group(1).lower(), m.group(2).lower()
    ok = a in vocab.known and (b in vocab.known or b in cfg.short_words)
    return len(m.group(1)) if ok else None
