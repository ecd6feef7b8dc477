"""Offsets between a repaired copy of a text and the text as read.

OCR repair (``respell.py``) may change the length of a text: "withhout" becomes "without",
"withoutpulmonary" becomes "without pulmonary". The pipeline reads the repaired copy; an
:class:`OffsetMap` takes its character offsets back to the document as read, so evidence
always quotes the document's own words.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right


class OffsetMap:
    """Maps offsets of an edited text back to its source.

    ``edits`` are non-overlapping ``(start, end, replacement)`` triples on the source, in
    text order. An offset inside a replacement maps to the edited source stretch: a span
    starting inside it starts where the stretch starts, a span ending inside it ends where
    the stretch ends, so a mapped span always covers the source words it was read from.
    """

    __slots__ = ("_new_starts", "_new_ends", "_src_starts", "_src_ends", "_src_len", "text")

    def __init__(self, source: str, edits: list[tuple[int, int, str]]) -> None:
        parts: list[str] = []
        self._src_len = len(source)
        self._new_starts: list[int] = []
        self._new_ends: list[int] = []
        self._src_starts: list[int] = []
        self._src_ends: list[int] = []
        pos = new = 0
        for start, end, repl in edits:
            if start < pos or end < start or end > len(source):
                raise ValueError(f"edit ({start}, {end}) overlaps an earlier one or leaves the text")
            parts.append(source[pos:start])
            new += start - pos
            self._new_starts.append(new)
            self._src_starts.append(start)
            parts.append(repl)
            new += len(repl)
            self._new_ends.append(new)
            self._src_ends.append(end)
            pos = end
        parts.append(source[pos:])
        self.text = "".join(parts)
        """The edited text."""

    def start(self, offset: int) -> int:
        """The source offset where a span starting at ``offset`` of the edited text starts."""
        k = bisect_right(self._new_starts, offset) - 1
        if k < 0:
            return offset
        if offset < self._new_ends[k]:
            return self._src_starts[k]
        return self._src_ends[k] + offset - self._new_ends[k]

    def end(self, offset: int) -> int:
        """The source offset where a span ending at ``offset`` of the edited text ends."""
        k = bisect_left(self._new_starts, offset) - 1
        if k < 0:
            return offset
        if offset <= self._new_ends[k]:
            return self._src_ends[k]
        return self._src_ends[k] + offset - self._new_ends[k]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source ``(start, end)`` of the edited text's ``[start, end)``; never empty when the span is not."""
        s, e = self.start(start), self.end(end)
        if end > start and e <= s:
            # a span inside an inserted character: the source character at its place
            e = min(s + 1, self._src_len)
            s = min(s, max(e - 1, 0))
        return s, e
