"""The evidence-highlighting view of one case: a single self-contained, escaped HTML file.

Every document's text is escaped; each evidence span is an element carrying
``data-document``, ``data-start``, ``data-end`` and ``data-criteria``. Spans that overlap
are laid out as nested elements where they nest; a span that crosses another is split
at the crossing into pieces that share its attributes and ``data-part``.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass, field

from mednec.models import CaseResult


@dataclass
class _Span:
    document: str
    start: int
    end: int
    text: str
    criteria: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)


def collect_spans(result: CaseResult) -> dict[str, list[_Span]]:
    """Evidence spans per document, merged when identical, tagged with the criteria they support."""
    spans: dict[tuple[str, int, int], _Span] = {}
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                s = spans.setdefault((ev.document, ev.start, ev.end), _Span(ev.document, ev.start, ev.end, ev.text))
                s.criteria.add(f"{det.code}/{crit.id}")
                s.kinds.add(crit.status)
    for cav in result.caveats:
        for ev in cav.evidence:
            s = spans.setdefault((ev.document, ev.start, ev.end), _Span(ev.document, ev.start, ev.end, ev.text))
            s.criteria.add(f"caveat/{cav.kind}")
            s.kinds.add("caveat")
    by_doc: dict[str, list[_Span]] = defaultdict(list)
    for s in spans.values():
        by_doc[s.document].append(s)
    return by_doc


def highlight(text: str, spans: list[_Span]) -> str:
    """Escaped ``text`` with every span wrapped in a ``<mark>``; overlaps are nested or split."""
    opens: dict[int, list[_Span]] = defaultdict(list)
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        opens[s.start].append(s)
    points = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[_Span] = []
    for i, pos in enumerate(points):
        # close spans ending here (and reopen the ones they cut through)
        reopen: list[_Span] = []
        while stack and any(s.end == pos for s in stack):
            top = stack.pop()
            out.append("</mark>")
            if top.end != pos:
                reopen.append(top)
        for s in reversed(reopen):
            out.append(_open(s, part=True))
            stack.append(s)
        for s in opens.get(pos, []):
            out.append(_open(s))
            stack.append(s)
        if i + 1 < len(points):
            out.append(html.escape(text[pos : points[i + 1]]))
    while stack:
        stack.pop()
        out.append("</mark>")
    return "".join(out)


def _open(s: _Span, part: bool = False) -> str:
    crits = " ".join(sorted(s.criteria))
    status = "not_met" if "not_met" in s.kinds else "met" if "met" in s.kinds else "caveat" if "caveat" in s.kinds \
        else "insufficient"
    part_attr = ' data-part="1"' if part else ""
    return (f'<mark class="ev ev-{status}" data-document="{html.escape(s.document)}" data-start="{s.start}" '
            f'data-end="{s.end}" data-criteria="{html.escape(crits)}"{part_attr} '
            f'tabindex="0" title="{html.escape(crits)}">')


def render_case_html(result: CaseResult, texts: dict[str, str]) -> str:
    """The evidence view of a case as one HTML string (no scripts or styles fetched from anywhere)."""
    from mednec.render.view import render_view

    return render_view(result, texts, {doc: highlight(texts[doc], spans) for doc, spans in
                                       collect_spans(result).items()})
