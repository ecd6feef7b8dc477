"""A reader of Python regular-expression syntax into a small tree, for ``regex_filter``.

``regex_filter`` needs the structure of a pattern (which literals start it, which words it
requires) to know where it can match. CPython keeps its own parser private (``re._parser``),
and the maintained third-party readers do not take the lookarounds, ``\\b`` and ``$`` that
ConText patterns use. This module reads the syntax those patterns are written in: literals
and escapes, character sets, groups (capturing, non-capturing, scoped flags), lookarounds,
alternation, greedy/lazy/possessive repeats and anchors. Anything else (backreferences,
conditionals, ``re.VERBOSE``) raises :class:`Unsupported`, and the caller then runs that
pattern in full: never a wrong match, only a slower one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNBOUNDED = -1
"""``hi`` of a repeat with no upper bound."""


class Unsupported(ValueError):  # noqa: N818 - reads as "pattern syntax unsupported"
    """The pattern uses syntax this reader does not take."""


@dataclass(frozen=True)
class Lit:
    """One literal character."""

    ch: str


@dataclass(frozen=True)
class CharSet:
    """A set of characters: ``[...]``, ``.``, or a class escape (``\\w``, ``\\s``, ``\\d``...).

    ``members`` are ``("lit", ch)``, ``("range", lo, hi)`` or ``("cat", letter)``; ``dot`` is ``.``.
    """

    members: tuple[tuple[str, ...], ...]
    negate: bool = False
    dot: bool = False


@dataclass(frozen=True)
class Group:
    """A group, capturing or not (its flags do not matter to the reader's callers)."""

    items: tuple
    """The group's items."""


@dataclass(frozen=True)
class Branch:
    """Alternatives ``a|b|c``."""

    alternatives: tuple[tuple, ...]


@dataclass(frozen=True)
class Repeat:
    """``items`` repeated ``lo`` to ``hi`` times (``hi`` is :data:`UNBOUNDED` for ``*``/``+``/``{m,}``)."""

    lo: int
    hi: int
    items: tuple


@dataclass(frozen=True)
class Look:
    """A lookaround: ``(?=``, ``(?!``, ``(?<=``, ``(?<!``."""

    behind: bool
    negative: bool
    items: tuple


@dataclass(frozen=True)
class At:
    """A zero-width anchor: ``^``, ``$``, ``\\A``, ``\\Z``, ``\\b``, ``\\B``."""

    kind: str


_CLASS_ESCAPES = frozenset("wWsSdD")
_ANCHOR_ESCAPES = frozenset("AZbB")
_CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a"}
_REPEAT_BRACES = re.compile(r"\{(\d*)(,?)(\d*)\}")
_SCOPED_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]+))?:")
_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")


def parse(pattern: str, flags: int = 0) -> tuple:
    """The items of ``pattern`` (a tuple of nodes); raises :class:`Unsupported`."""
    if flags & re.VERBOSE:
        raise Unsupported("verbose patterns are not read")
    reader = _Reader(pattern)
    items = reader.alternation()
    if reader.pos != len(pattern):
        raise Unsupported(f"unbalanced ')' at {reader.pos}")
    return items


class _Reader:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.pos = 0

    def _peek(self, n: int = 1) -> str:
        return self.p[self.pos:self.pos + n]

    def alternation(self) -> tuple:
        alternatives = [self.sequence()]
        while self._peek() == "|":
            self.pos += 1
            alternatives.append(self.sequence())
        return alternatives[0] if len(alternatives) == 1 else (Branch(tuple(alternatives)),)

    def sequence(self) -> tuple:
        items: list = []
        while self.pos < len(self.p) and self._peek() not in "|)":
            atom = self.atom()
            if atom is None:
                continue
            items.append(self.repeat(atom))
        return tuple(items)

    def repeat(self, atom: object) -> object:
        ch = self._peek()
        if ch in ("*", "+", "?"):
            self.pos += 1
            lo, hi = {"*": (0, UNBOUNDED), "+": (1, UNBOUNDED), "?": (0, 1)}[ch]
        elif ch == "{" and (m := _REPEAT_BRACES.match(self.p, self.pos)) and (m.group(1) or m.group(3)):
            self.pos = m.end()
            lo = int(m.group(1) or 0)
            hi = (int(m.group(3)) if m.group(3) else UNBOUNDED) if m.group(2) else lo
        else:
            return atom
        if isinstance(atom, (Look, At)):
            raise Unsupported("a repeated zero-width item")
        if self._peek() in ("?", "+"):  # lazy or possessive: the same strings match
            self.pos += 1
        return Repeat(lo, hi, (atom,))

    def atom(self) -> object:
        ch = self.p[self.pos]
        if ch == "(":
            return self.group()
        if ch == "[":
            return self.charset()
        if ch == "\\":
            return self.escape(in_set=False)
        self.pos += 1
        if ch == ".":
            return CharSet((), dot=True)
        if ch == "^":
            return At("^")
        if ch == "$":
            return At("$")
        if ch in "*+?":
            raise Unsupported(f"nothing to repeat at {self.pos - 1}")
        return Lit(ch)

    def group(self) -> object:
        p, start = self.p, self.pos
        if m := _GLOBAL_FLAGS.match(p, start):
            if start != 0:
                raise Unsupported("global flags not at the start")
            if "x" in m.group():
                raise Unsupported("verbose patterns are not read")
            self.pos = m.end()
            return None
        look = {"(?=": (False, False), "(?!": (False, True), "(?<=": (True, False), "(?<!": (True, True)}
        for opener, (behind, negative) in look.items():
            if p.startswith(opener, start):
                self.pos = start + len(opener)
                return Look(behind, negative, self._close())
        if p.startswith("(?P<", start):
            end = p.find(">", start)
            if end < 0:
                raise Unsupported("unterminated group name")
            self.pos = end + 1
        elif m := _SCOPED_FLAGS.match(p, start):
            if "x" in m.group():
                raise Unsupported("verbose patterns are not read")
            self.pos = m.end()
        elif p.startswith("(?", start):
            raise Unsupported(f"group syntax {p[start:start + 3]!r}")
        else:
            self.pos = start + 1
        return Group(self._close())

    def _close(self) -> tuple:
        items = self.alternation()
        if self._peek() != ")":
            raise Unsupported("missing ')'")
        self.pos += 1
        return items

    def escape(self, *, in_set: bool) -> object:
        if self.pos + 1 >= len(self.p):
            raise Unsupported("trailing backslash")
        ch = self.p[self.pos + 1]
        self.pos += 2
        if ch in _CLASS_ESCAPES:
            member = ("cat", ch)
            return member if in_set else CharSet((member,))
        if ch in _ANCHOR_ESCAPES and not in_set:
            return At(ch)
        if ch in _CONTROL:
            return ("lit", _CONTROL[ch]) if in_set else Lit(_CONTROL[ch])
        if ch.isalnum():  # backreferences, \x, \u, \N...: not read
            raise Unsupported(f"escape \\{ch}")
        return ("lit", ch) if in_set else Lit(ch)

    def charset(self) -> CharSet:
        self.pos += 1
        negate = self._peek() == "^"
        if negate:
            self.pos += 1
        members: list[tuple[str, ...]] = []
        first = True
        while True:
            if self.pos >= len(self.p):
                raise Unsupported("unterminated character set")
            ch = self.p[self.pos]
            if ch == "]" and not first:
                self.pos += 1
                break
            first = False
            if ch == "\\":
                member = self.escape(in_set=True)
            else:
                self.pos += 1
                member = ("lit", ch)
            if member[0] == "lit" and self._peek() == "-" and self._peek(2) not in ("-]", "-"):
                self.pos += 1  # the "-" of a range
                if self._peek() == "\\":
                    hi = self.escape(in_set=True)
                else:
                    hi = ("lit", self.p[self.pos])
                    self.pos += 1
                if hi[0] != "lit":
                    raise Unsupported("a range ending in a class")
                member = ("range", member[1], hi[1])
            members.append(member)
        return CharSet(tuple(members), negate=negate)
