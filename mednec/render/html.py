"""Evidence spans of one case laid out as escaped, highlighted HTML text (``render.view`` makes the page).

Every document's text is escaped; each evidence span is a ``<mark class="ev">`` carrying
``data-document``, ``data-start``, ``data-end`` and ``data-criteria`` (space-separated
``code/criterion`` ids, ``caveat/<kind>`` and ``supporting/<kind>``). Spans that overlap are
laid out as nested elements where they nest; a span that crosses another is split at the
crossing into parts that share its attributes and carry ``data-part`` (1, 2, ...), so the
element text of a span that is not split always equals its evidence text.

Optional *mentions* (non-affirmed facts: negated, uncertain, historical, hypothetical,
family, superseded by the impression, an addendum or a re-read) are drawn as
``<span class="mention">`` underneath the evidence layer. They are cut
at evidence boundaries first, so a mention never splits an evidence span.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from mednec.models import CaseResult, DocumentInfo, EvidenceSpan

STATUS_PRIORITY = ("not_met", "met", "insufficient", "caveat", "supporting", "lesion", "plan")
MENTION_FLAGS = ("negated", "uncertain", "historical", "hypothetical", "family", "superseded")


@dataclass
class Span:
    """One highlighted range of a document: an evidence span or a non-affirmed mention."""

    document: str
    start: int
    end: int
    text: str
    criteria: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)
    mention: bool = False
    page: int | None = None  # the page of its source file (a scanned or faxed document), for links
    anchor: str = ""

    @property
    def status(self) -> str:
        """The colour class: the most important status among the criteria it supports."""
        return next((s for s in STATUS_PRIORITY if s in self.kinds), "insufficient")


def document_order(result: CaseResult) -> list[DocumentInfo]:
    """Documents as a chart is read: by date (undated last), then by name."""
    return sorted(result.documents, key=lambda d: (d.date is None, d.date or "", d.id))


def _add(spans: dict[tuple[str, int, int], Span], ev: EvidenceSpan, target: str, kind: str) -> None:
    s = spans.setdefault((ev.document, ev.start, ev.end), Span(ev.document, ev.start, ev.end, ev.text))
    s.criteria.add(target)
    s.kinds.add(kind)


def collect_spans(result: CaseResult) -> dict[str, list[Span]]:
    """Evidence spans per document, merged when identical, tagged with what they support.

    Every span gets an ``anchor`` (``ev-1``, ``ev-2``... in document order) for links.
    """
    spans: dict[tuple[str, int, int], Span] = {}
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                _add(spans, ev, f"{det.code}/{crit.id}", crit.status)
        for sup in det.supporting:
            for ev in sup.evidence:
                _add(spans, ev, f"supporting/{sup.kind}", "supporting")
    for cav in result.caveats:
        for ev in cav.evidence:
            _add(spans, ev, f"caveat/{cav.kind}", "caveat")
    for lesion in result.lesions:
        for ev in lesion.evidence:
            _add(spans, ev, f"lesion/{lesion.id}", "lesion")
    for i, plan in enumerate(result.plans, 1):
        for ev in plan.evidence:
            _add(spans, ev, f"plan/{i}", "plan")
    order = {d.id: i for i, d in enumerate(document_order(result))}
    by_doc: dict[str, list[Span]] = defaultdict(list)
    ranked = sorted(spans.values(),
                    key=lambda s: (order.get(s.document, len(order)), s.document, s.start, -s.end))
    for i, s in enumerate(ranked, 1):
        s.anchor = f"ev-{i}"
        by_doc[s.document].append(s)
    return dict(by_doc)


def set_pages(result: CaseResult, texts: dict[str, str], spans: dict[str, list[Span]]) -> None:
    """Give every span of a multi-page document the page it stands on (pages are split by form feeds),
    counted in its source file when the document is part of a faxed packet."""
    for info in result.documents:
        if info.pages <= 1 and info.source_pages is None:
            continue
        first = info.source_pages[0] if info.source_pages else 1
        text = texts.get(info.id, "")
        for s in spans.get(info.id, []):
            s.page = first + text.count("\f", 0, s.start)


def mention_spans(mentions: Iterable[Any]) -> dict[str, list[Span]]:
    """Non-affirmed mentions per document, from facts (anything with ``assertion`` and ``evidence``)."""
    out: dict[tuple[str, int, int], Span] = {}
    for fact in mentions:
        flags = {f for f in MENTION_FLAGS if getattr(fact.assertion, f, False)}
        if not flags:
            continue
        for ev in fact.evidence:
            s = out.setdefault((ev.document, ev.start, ev.end),
                               Span(ev.document, ev.start, ev.end, ev.text, mention=True))
            s.kinds |= flags
    by_doc: dict[str, list[Span]] = defaultdict(list)
    for s in out.values():
        by_doc[s.document].append(s)
    return dict(by_doc)


def _cut(mentions: list[Span], evidence: list[Span]) -> list[Span]:
    """Split mentions at every evidence boundary inside them, so no mention crosses evidence."""
    bounds = sorted({b for s in evidence for b in (s.start, s.end)})
    out: list[Span] = []
    for m in mentions:
        cuts = [m.start, *(b for b in bounds if m.start < b < m.end), m.end]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = m.text[a - m.start : b - m.start]
            out.append(Span(m.document, a, b, piece, kinds=set(m.kinds), mention=True))
    return out


def highlight(text: str, spans: list[Span], mentions: list[Span] | None = None) -> str:
    """Escaped ``text`` with every span wrapped in an element; overlaps are nested or split."""
    items = list(spans) + _cut(list(mentions or []), list(spans))
    # Outer first: earlier start, then longer; evidence outside a mention of the same range.
    items.sort(key=lambda s: (s.start, -s.end, s.mention, sorted(s.criteria), sorted(s.kinds)))
    opens: dict[int, list[int]] = defaultdict(list)
    for i, s in enumerate(items):
        opens[s.start].append(i)
    points = sorted({0, len(text)} | {s.start for s in items} | {s.end for s in items})
    out: list[str | tuple[int, int]] = []
    pieces = [0] * len(items)
    stack: list[int] = []

    def open_(i: int) -> None:
        pieces[i] += 1
        out.append((i, pieces[i]))
        stack.append(i)

    for k, pos in enumerate(points):
        reopen: list[int] = []
        while any(items[i].end == pos for i in stack):
            top = stack.pop()
            out.append("</span>" if items[top].mention else "</mark>")
            if items[top].end != pos:
                reopen.append(top)
        for i in reversed(reopen):
            open_(i)
        for i in opens.get(pos, []):
            open_(i)
        if k + 1 < len(points):
            out.append(html.escape(text[pos : points[k + 1]], quote=False))
    while stack:
        out.append("</span>" if items[stack.pop()].mention else "</mark>")
    return "".join(x if isinstance(x, str) else _open(items[x[0]], x[1], pieces[x[0]]) for x in out)


def _open(s: Span, part: int, parts: int) -> str:
    part_attr = f' data-part="{part}"' if parts > 1 else ""
    if s.mention:
        flags = " ".join(f for f in MENTION_FLAGS if f in s.kinds)
        classes = " ".join(f"m-{f}" for f in MENTION_FLAGS if f in s.kinds)
        return (f'<span class="mention {classes}" data-assertion="{flags}"{part_attr} '
                f'title="mention: {flags}">')
    crits = html.escape(" ".join(sorted(s.criteria)))
    statuses = " ".join(k for k in STATUS_PRIORITY if k in s.kinds)
    anchor = f' id="{s.anchor}"' if s.anchor and part == 1 else ""
    page = f' data-page="{s.page}"' if s.page else ""
    where = f" (page {s.page})" if s.page else ""
    return (f'<mark class="ev ev-{s.status}"{anchor} data-document="{html.escape(s.document)}" '
            f'data-start="{s.start}" data-end="{s.end}" data-criteria="{crits}" data-status="{statuses}"'
            f'{page}{part_attr} tabindex="-1" title="{crits}{where}">')
