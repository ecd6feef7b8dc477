"""Run ConText's regular expressions only where they can match, with the same matches.

medspaCy's regex matcher runs every ConText pattern over the whole text of every document.
mednec's patterns are case-insensitive and start with ``(?<![\\w])`` (the match starts at
the start of a word), which gives Python's ``re`` no literal prefix to search for: each
pattern costs a full scan at about 25 ns a character, and ConText has over a hundred.

Most patterns, though, can only match where a word starts with one of a few known
prefixes (``(?:denie[sd]|deny)`` needs a word starting ``deni`` or ``deny``), and need
other words further on (``no\\s+longer`` needs a word starting ``long``). This module reads
those prefixes off the parsed pattern (:func:`plan`), indexes where each word prefix of a
document starts once (:class:`DocWords`), skips a pattern whose words are not all there,
and tries the others with ``pattern.match`` only at the words a match can start at, in
text order, exactly as ``finditer`` would find them. The tests are necessary conditions,
so the matches are those of ``pattern.finditer(text)``; a pattern whose prefixes cannot be
derived, and any text that is not ASCII (where case folding is not plain ``str.lower``),
is scanned in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from mednec.pipeline.regex_syntax import At, Branch, CharSet, Group, Lit, Look, Repeat, Unsupported, parse

PREFIX_LEN = 4
"""Length of the word prefixes compared (longer: more selective, larger index)."""
MAX_PREFIXES = 256
"""A pattern with more prefixes than this is not filtered."""
_WORD = re.compile(r"\w+")
_ANY = frozenset({""})  # "no constraint": the pattern must run


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _starts_at_word(items: tuple) -> bool:
    """Whether the pattern opens with ``(?<![\\w...])``: a match starts at a word start or a non-word."""
    if not items or not isinstance(items[0], Look):
        return False
    look = items[0]
    if not (look.behind and look.negative) or len(look.items) != 1 or not isinstance(look.items[0], CharSet):
        return False
    chars = look.items[0]
    return not chars.negate and not chars.dot and ("cat", "w") in chars.members


def _cap(out: set[str]) -> frozenset[str]:
    return _ANY if len(out) > MAX_PREFIXES or "" in out else frozenset(out)


def _literals(chars: CharSet) -> list[str] | None:
    """The lower-case characters of a set made of literal characters only (None: any other set)."""
    if chars.negate or chars.dot or not chars.members or any(m[0] != "lit" for m in chars.members):
        return None
    return [m[1].lower() for m in chars.members]


def _prefixes(items: tuple, k: int) -> frozenset[str]:
    """Lower-case word-character prefixes (up to ``k`` long) every match of ``items`` starts with.

    ``""`` in the result means a match may start otherwise (no constraint); a caller that has
    already matched literal characters just prepends them, so the answer is never too narrow.
    """
    if not items or k == 0:
        return _ANY
    item, rest = items[0], items[1:]
    if isinstance(item, Lit):
        ch = item.ch.lower()
        if not ch.isascii() or not _is_word_char(ch):
            return _ANY
        return frozenset(ch + s for s in _prefixes(rest, k - 1))
    if isinstance(item, CharSet):
        chars = _literals(item)
        if chars is None or len(chars) > 8:
            return _ANY
        out: set[str] = set()
        for ch in set(chars):
            out |= _prefixes((Lit(ch), *rest), k)
        return _cap(out)
    if isinstance(item, Group):
        return _prefixes((*item.items, *rest), k)
    if isinstance(item, Branch):
        out = set()
        for alt in item.alternatives:
            out |= _prefixes((*alt, *rest), k)
        return _cap(out)
    if isinstance(item, Repeat):
        if item.hi == 1:  # optional, or exactly once
            out = set(_prefixes((*item.items, *rest), k))
        else:  # repeated: what follows the first repetition is unknown here
            out = set(_prefixes(item.items, k))
        if item.lo == 0:
            out |= _prefixes(rest, k)
        return _cap(out)
    if isinstance(item, (Look, At)):
        return _prefixes(rest, k)  # zero width
    return _ANY


def _separator(item: object) -> bool:
    """Whether ``item`` guarantees that the character before the next item is not a word character."""
    if isinstance(item, Look):
        return _starts_at_word((item,))
    if isinstance(item, Lit):
        return not _is_word_char(item.ch)
    if isinstance(item, CharSet):
        return not item.negate and not item.dot and bool(item.members) and all(
            (m[0] == "lit" and not _is_word_char(m[1])) or m == ("cat", "s") for m in item.members)
    if isinstance(item, Repeat):
        return item.lo >= 1 and len(item.items) == 1 and _separator(item.items[-1])
    return False


def _best(conds: list[frozenset[str]]) -> frozenset[str]:
    """The condition likely to reject most texts: longest shortest prefix, then the last one."""
    return max(reversed(conds), key=lambda c: min(map(len, c)))


def _required(items: tuple, at_word: bool, k: int) -> list[frozenset[str]]:
    """Necessary conditions of a match of ``items``: sets of word prefixes, one of each must occur."""
    conds: list[frozenset[str]] = []
    for i, item in enumerate(items):
        word = at_word if i == 0 else _separator(items[i - 1])
        if word:
            found = _prefixes(items[i:], k)
            if "" not in found:
                conds.append(found)
        if isinstance(item, Group):
            conds += _required(item.items, word, k)
        elif isinstance(item, Branch):
            per_alt = [_required(alt, word, k) for alt in item.alternatives]
            if all(per_alt):
                union = frozenset().union(*(_best(c) for c in per_alt))
                if len(union) <= MAX_PREFIXES:
                    conds.append(union)
        elif isinstance(item, Repeat) and item.lo >= 1:
            conds += _required(item.items, word, k)
    return conds


@dataclass(frozen=True)
class Plan:
    """What a pattern needs of a text: ``conditions`` (sets of word prefixes, one of each set
    must start a word of the text) and ``start`` (the prefixes one of which starts the word
    where every match begins; ``None`` when the pattern may start elsewhere)."""

    conditions: tuple[frozenset[str], ...]
    start: frozenset[str] | None


@lru_cache(maxsize=4096)
def plan(pattern: re.Pattern[str], k: int = PREFIX_LEN) -> Plan:
    """The :class:`Plan` of ``pattern`` (computed once per pattern)."""
    try:
        items = parse(pattern.pattern, pattern.flags)
    except Unsupported:
        return Plan((), None)  # a pattern this reader cannot take runs in full
    start = _prefixes(items[1:], k) if _starts_at_word(items) else _ANY
    return Plan(tuple(set(_required(items, False, k))), None if "" in start else start)


def word_conditions(pattern: re.Pattern[str], k: int = PREFIX_LEN) -> tuple[frozenset[str], ...]:
    """Sets of word prefixes such that every match of ``pattern`` holds a word starting with
    one prefix of each set (empty: the pattern cannot be filtered)."""
    return plan(pattern, k).conditions


class DocWords:
    """Where each lower-case word prefix (up to ``PREFIX_LEN`` characters) starts a word of one text."""

    __slots__ = ("text", "starts")

    def __init__(self, text: str, k: int = PREFIX_LEN) -> None:
        self.text = text
        self.starts: dict[str, list[int]] | None = None
        if not text.isascii():
            return  # case folding beyond str.lower: every pattern runs in full
        starts: dict[str, list[int]] = {}
        for m in _WORD.finditer(text.lower()):
            w, at = m.group(), m.start()
            for i in range(1, min(k, len(w)) + 1):
                starts.setdefault(w[:i], []).append(at)
        self.starts = starts

    def may_match(self, conditions: tuple[frozenset[str], ...]) -> bool:
        """Whether a pattern with these :func:`word_conditions` can match the text at all."""
        if self.starts is None:
            return True
        return all(not self.starts.keys().isdisjoint(c) for c in conditions)

    def finditer(self, pattern: re.Pattern[str]) -> Iterator[re.Match[str]]:
        """``pattern.finditer(text)``, trying only the words a match can start at."""
        found = plan(pattern)
        if self.starts is None:
            yield from pattern.finditer(self.text)
            return
        if not self.may_match(found.conditions):
            return
        if found.start is None:
            yield from pattern.finditer(self.text)
            return
        candidates: set[int] = set()
        for prefix in found.start:
            candidates.update(self.starts.get(prefix, ()))
        pos = 0
        for at in sorted(candidates):
            if at < pos:
                continue
            m = pattern.match(self.text, at)  # lookbehinds still see the text before ``at``
            if m is not None:
                yield m
                pos = m.end()  # never empty: a match starts with a word character
