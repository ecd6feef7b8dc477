"""Safe OCR post-correction: same-length character swaps into known clinical terms.

Only the classic Tesseract confusions are undone (1 / l / I / i / |, 0 / O / o,
5 / S / s / $, 8 / B), one character for one character, and only where the result is
a term of ``pipeline/resources/ocr_lexicon.yaml``: a spinal level (``LS-S1`` ->
``L5-S1``, ``Sl`` -> ``S1``) or a clinical word (``acetabu1ar`` -> ``acetabular``). The
text keeps its length, so every offset computed on the corrected text is also an
offset into the uncorrected OCR text. The safety rules are described in the lexicon.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from mednec.core.errors import ResourceError

LEXICON = "ocr_lexicon.yaml"
# "!" joins the 1 / l / I class: a fax's broken "l" reads as "!" ("intradura!"), and a "!" glued to
# a word is rewritten only when that gives a lexicon term (an exclamation gives none)
_CLASSES = ("1lIi|!", "0Oo", "5Ss$", "8B")
# A spinal level is read position by position: its letter (C, T, L, S) may only have been
# misread as 5 / $ / s (for S); its digits as l / I / i / | (1), O / o (0), S / s (5), B (8).
_LEVEL_LETTER = {"5": "S", "$": "S", "s": "S"}
_LEVEL_DIGIT = {"l": "1", "I": "1", "i": "1", "|": "1", "O": "0", "o": "0", "S": "5", "s": "5", "B": "8"}
_WORD_CANON = {ch: f"\x00{i}" for i, members in enumerate(_CLASSES) for ch in members.lower() + members}
TOKEN = re.compile(r"[A-Za-z0-9|$!]+")
_NUMBER = re.compile(r"\$?\d+")
_PLAIN_NUMBER = re.compile(r"\d+")
_NUMBER_GAP = re.compile(r"[-\u2013/]|\s+(?:and|or)\s+")
_RANGE = re.compile(r"[-\u2013/]")
_CONNECTORS = frozenset({"and", "or", "to", "through"})
_LIST_GAP = re.compile(r"\s*(?:[-\u2013/,]|,?\s*(?:and|or|to|through)\s)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Lexicon:
    """The parsed lexicon: terms indexed by their confusion-canonical form."""

    levels: dict[str, str]  # canonical -> level
    words: dict[str, str | None]  # canonical -> lower-case term (None: ambiguous)
    terms: frozenset[str]
    protected: frozenset[str]
    cues: frozenset[str]
    veto: frozenset[str]
    joints: frozenset[str]
    min_plain_length: int
    digest: str


def _canon_level(token: str) -> str:
    """The level a token would be with its confusable characters read back (may be no level)."""
    if not token:
        return token
    return _LEVEL_LETTER.get(token[0], token[0]) + "".join(_LEVEL_DIGIT.get(ch, ch) for ch in token[1:])


def _canon_word(token: str) -> str:
    return "".join(_WORD_CANON.get(ch, ch) for ch in token.lower())


def lexicon_text() -> str:
    """Raw text of the shipped lexicon file.

    The file is found through the package's import spec, without importing
    ``mednec.pipeline`` itself (that would load spaCy in every document reader).
    """
    spec = importlib.util.find_spec("mednec.pipeline")
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / "resources" / LEXICON
        if path.is_file():
            return path.read_text(encoding="utf-8")
    raise ResourceError("OCR lexicon not found", f"pipeline/resources/{LEXICON}")


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and index ``pipeline/resources/ocr_lexicon.yaml``."""
    raw = lexicon_text()
    data = yaml.safe_load(raw) or {}
    levels = {_canon_level(str(level)): str(level) for level in data.get("levels", [])}
    words: dict[str, str | None] = {}
    terms = frozenset(str(t).lower() for t in data.get("terms", []))
    for term in terms:
        key = _canon_word(term)
        words[key] = None if key in words and words[key] != term else term
    return Lexicon(
        levels=levels, words=words, terms=terms,
        protected=frozenset(str(p).lower() for p in data.get("protected", [])),
        cues=frozenset(str(c).lower() for c in data.get("level_cues", [])),
        veto=frozenset(str(v).lower() for v in data.get("veto", [])),
        joints=frozenset(str(v).lower() for v in data.get("joints", [])),
        min_plain_length=int(data.get("min_plain_length", 5)),
        digest=hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16],
    )


def _cased(term: str, token: str) -> str:
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return term.upper()
    if token[:1].isupper() and not any(ch.isupper() for ch in token[1:]):
        return term[:1].upper() + term[1:]
    return term


def _implausible(token: str, min_plain: int) -> bool:
    """Whether a token cannot be a word as written (so rewriting it is safe)."""
    has_alpha = any(ch.isalpha() for ch in token)
    if has_alpha and any(ch.isdigit() or ch in "|$!" for ch in token):
        return True
    lower_seen = False
    for i, ch in enumerate(token):
        if ch.islower():
            lower_seen = True
        elif ch.isupper() and lower_seen and i > 0:
            return True  # a capital inside a lower-case word: "sacroIliac"
    letters = [ch for ch in token if ch.isalpha()]
    if len(letters) >= 3 and sum(ch.isupper() for ch in letters) == len(letters) - 1 and token[0].isupper():
        return True  # one lower-case letter in a capitalised word: "ACETABUlAR"
    if len(token) >= 4 and token[0] == "I" and token[1:].isalpha() and token[1:].islower():
        return True  # a capital I before lower case: "Ieft"
    return token.isalpha() and len(token) >= min_plain


def _word_fix(token: str, lex: Lexicon) -> str | None:
    if token.lower() in lex.terms or not _implausible(token, lex.min_plain_length):
        return None
    term = lex.words.get(_canon_word(token))
    if not term:
        return None
    fixed = _cased(term, token)
    out = "".join(f if t in _WORD_CANON and f != t else t for t, f in zip(token, fixed, strict=True))
    return out if out != token and out.lower() == term else None


def _level_fix(token: str, lex: Lexicon) -> str | None:
    level = lex.levels.get(_canon_level(token))
    return level if level is not None and level != token else None


_FIXES: dict[tuple[str, str], tuple[bool, str | None, str | None]] = {}
_FIXES_MAX = 1 << 16


def _token_fixes(tok: str, lex: Lexicon) -> tuple[bool, str | None, str | None]:
    """Whether ``tok`` is a level as written, its level fix and its word fix: pure functions of
    the token and the lexicon, worked out once per distinct token (a chart repeats its words)."""
    key = (lex.digest, tok)
    found = _FIXES.get(key)
    if found is None:
        if tok in lex.levels.values():
            found = (True, None, None)
        else:
            level = _level_fix(tok, lex)
            found = (False, level, None if level is not None else _word_fix(tok, lex))
        if len(_FIXES) >= _FIXES_MAX:
            _FIXES.clear()
        _FIXES[key] = found
    return found


_STRAY_BANG = re.compile(r"(?<=[A-Za-z])!(?=[ \t]+[a-z])")
# a capital I that OCR read as a backslash at the start of a word ("\f the study supports" for "If
# the study supports"): clinical text has no backslash, and losing the "If" would turn a condition
# into a statement
_BACKSLASH_I = re.compile(r"(?<![\w\\])\\(?=[a-z]{0,2}[ \t]+[a-z])")


def correct_text(text: str) -> tuple[str, int]:
    """Apply safe same-length corrections; return the new text and the number of tokens changed."""
    lex = lexicon()
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    levels_known: list[bool] = []
    pending: dict[int, str] = {}
    changes: dict[int, str] = {}
    for i, (_, _, tok) in enumerate(tokens):
        as_written, level, word = _token_fixes(tok, lex)
        if as_written:
            levels_known.append(True)
            continue
        if level is not None:
            if tok.lower() in lex.protected or _NUMBER.fullmatch(tok):
                pending[i] = level
                levels_known.append(False)
            else:
                changes[i] = level
                levels_known.append(True)
            continue
        levels_known.append(False)
        if word is not None:
            changes[i] = word
    progress = True
    while progress:  # a level settled in context can settle its neighbour ("54 and $5 segments")
        progress = False
        for i, level in list(pending.items()):
            if _level_context(text, tokens, levels_known, i, lex):
                changes[i] = level
                levels_known[i] = True
                del pending[i]
                progress = True
    # a stray "!" glued to a word inside a sentence ("Normal! marrow signal in the pubic rami") is
    # a speck OCR read as a mark: a report does not exclaim, and the mark would end the sentence
    text = _STRAY_BANG.sub(" ", text)
    text = _BACKSLASH_I.sub("I", text)
    # the reverse slip: "S1 joint" is the SI joint (a sacral segment is no joint); "S1" read
    # before a word of the veto list that names a joint is read back as "SI"
    for i, (_, _, tok) in enumerate(tokens):
        if tok.upper() in {"S1", "SL"} and i + 1 < len(tokens) and tokens[i + 1][2].lower() in lex.joints:
            changes[i] = tok[0] + ("I" if tok[0].isupper() else "i")
    if not changes:
        return text, 0
    chars = list(text)
    for i, new in changes.items():
        start, end, _ = tokens[i]
        chars[start:end] = new
    return "".join(chars), len(changes)


def _level_context(text: str, tokens: list[tuple[int, int, str]], known: list[bool], i: int,
                   lex: Lexicon) -> bool:
    """A protected token next to a level, or before a level cue word, is a level.

    A plain number ("51") needs a level right beside it, joined by a hyphen or slash
    ("L5-51"), or by "and"/"or" when a cue word follows ("54 and S5 segments"); a
    protected abbreviation or "$N" also becomes a level in a comma list or before a cue
    word ("$5 segments").
    """
    start, end, tok = tokens[i]
    number = bool(_PLAIN_NUMBER.fullmatch(tok))
    gap_re = _NUMBER_GAP if number else _LIST_GAP
    cue = _next_word(text, tokens, i)
    if not number and cue in lex.veto:
        return False
    if not number and cue in lex.cues:
        return True
    for step in (-1, 1):
        j = i + step
        if 0 <= j < len(tokens) and tokens[j][2].lower() in _CONNECTORS:
            j += step
        if 0 <= j < len(tokens) and known[j]:
            gap = text[tokens[j][1]:start] if j < i else text[end:tokens[j][0]]
            if not gap_re.fullmatch(gap):
                continue
            if not number or _RANGE.fullmatch(gap) or lex.cues & {cue, _next_word(text, tokens, max(i, j))}:
                return True
    return False


def _next_word(text: str, tokens: list[tuple[int, int, str]], i: int) -> str:
    """The lower-cased token after token ``i`` when only spaces separate them, else ''."""
    if i + 1 < len(tokens) and text[tokens[i][1]:tokens[i + 1][0]].isspace():
        return tokens[i + 1][2].lower()
    return ""
