"""Page layout of the evidence view: the side panel, the documents and the inline CSS/JS.

The page is one file. Its Content-Security-Policy allows only the exact inline script and
style shipped here (by SHA-256 hash), so even a document that slipped past escaping could
not run a script or load anything from the network.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from markupsafe import Markup

from mednec.models import CaseResult, DocumentInfo, EvidenceSpan, Lesion, SurgicalPlan
from mednec.render.common import claim_of, code_label, environment
from mednec.render.html import Span, collect_spans, document_order, highlight, mention_spans, set_pages


@dataclass
class Link:
    """A link to one evidence span of the page."""

    anchor: str
    document: str
    excerpt: str = ""
    page: int | None = None


@dataclass
class Item:
    """A row of the side panel: a criterion, a caveat or a supporting finding."""

    target: str
    label: str
    title: str
    status: str
    claim: str
    missing: str | None = None
    links: list[Link] = field(default_factory=list)


def asset(name: str) -> str:
    """The text of a file shipped in ``mednec/render/templates``."""
    return resources.files("mednec.render").joinpath("templates", name).read_text(encoding="utf-8")


def csp_hash(source: str) -> str:
    """The CSP source expression (``'sha256-...'``) of an inline script or style."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _links(evidence: tuple[EvidenceSpan, ...], index: dict[tuple[str, int, int], Span]) -> list[Link]:
    """Links to the spans of ``evidence``, in its order (the deciding span first)."""
    out: dict[str, Link] = {}
    for ev in evidence:
        span = index.get((ev.document, ev.start, ev.end))
        if span is not None:
            out.setdefault(span.anchor, Link(span.anchor, ev.document, _excerpt(ev.text), span.page))
    return list(out.values())


def _excerpt(text: str, words: int = 7) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def panel(result: CaseResult, spans: dict[str, list[Span]]) -> dict[str, object]:
    """Side-panel data: codes -> criteria -> statuses, caveats and supporting findings."""
    index = {(s.document, s.start, s.end): s for doc in spans.values() for s in doc}
    codes = []
    for det in result.determinations:
        items = []
        for c in det.criteria:
            target = f"{det.code}/{c.id}"
            items.append(Item(target, c.id, c.title or c.id, c.status, claim_of(c.rationale, c.evidence),
                              c.missing if c.status == "insufficient" else None, _links(c.evidence, index)))
        codes.append({"det": det, "label": code_label(det), "rows": items})
    caveats = [Item(f"caveat/{c.kind}", c.kind, c.title or c.kind.replace("_", " "), "caveat",
                    claim_of(c.summary, c.evidence), None, _links(c.evidence, index)) for c in result.caveats]
    seen: dict[str, Item] = {}
    for det in result.determinations:
        for s in det.supporting:
            title = s.title or s.kind.replace("_", " ")
            seen.setdefault(s.kind, Item(f"supporting/{s.kind}", s.kind, title, "supporting",
                                         claim_of(s.summary, s.evidence), None, _links(s.evidence, index)))
    counts = Counter(det.outcome for det in result.determinations)
    return {"codes": codes, "caveats": caveats, "supporting": list(seen.values()), "counts": counts,
            "lesions": [_lesion_item(les, index) for les in result.lesions],
            "plans": [_plan_item(i, p, index) for i, p in enumerate(result.plans, 1)]}


def _words(names: tuple[str, ...]) -> str:
    return ", ".join(n.replace("_", " ") for n in names)


def _lesion_item(les: Lesion, index: dict[tuple[str, int, int], Span]) -> Item:
    """A lesion of the case: the treated one, or one set aside (it decides nothing)."""
    what = (les.histology or "tumor").replace("_", " ")
    where = "; ".join(x for x in (_words(les.sides), _words(les.levels), _words(les.sites[:6])) if x)
    claim = f"{what}{' (tissue diagnosis)' if les.tissue else ''}{': ' + where if where else ''}. {les.reason}."
    return Item(f"lesion/{les.id}", les.id, f"{les.id} {what}", les.role, claim, None, _links(les.evidence, index))


def _plan_item(i: int, plan: SurgicalPlan, index: dict[tuple[str, int, int], Span]) -> Item:
    """A surgical plan as the reviewer reads it: procedure, intent, margins, what goes and what stays."""
    parts = [f"intent {plan.intent}"]
    for label, names in (("procedures", plan.procedures), ("margins", plan.margins),
                         ("resected with the specimen", plan.sacrificed), ("preserved", plan.preserved),
                         ("conditional", plan.conditional), ("not planned", plan.declined)):
        if names:
            parts.append(f"{label}: {_words(names)}")
    title = f"{plan.document} ({plan.document_date or 'undated'})"
    return Item(f"plan/{i}", f"P{i}", title, "plan", "; ".join(parts) + ".", None, _links(plan.evidence, index))


def _doc_entry(i: int, info: DocumentInfo, body: str, n_spans: int) -> dict[str, object]:
    return {"info": info, "html": Markup(body), "anchor": f"doc-{i}", "spans": n_spans}


def render_view(result: CaseResult, texts: dict[str, str], highlighted: dict[str, str],
                spans: dict[str, list[Span]] | None = None, *, show_mentions: bool = False) -> str:
    """Fill the evidence-view template. ``highlighted`` holds already-escaped HTML per document."""
    import html

    spans = spans or {}
    docs = [_doc_entry(i, d, highlighted.get(d.id) or html.escape(texts.get(d.id, ""), quote=False),
                       len(spans.get(d.id, []))) for i, d in enumerate(document_order(result), 1)]
    css, js = asset("view.css"), asset("view.js")
    csp = (f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; "
           "img-src 'none'; base-uri 'none'; form-action 'none'")
    return environment(True).get_template("case.html.j2").render(
        result=result, docs=docs, panel=panel(result, spans), css=Markup(css), js=Markup(js), csp=csp,
        show_mentions=show_mentions)


def render_case_html(result: CaseResult, texts: dict[str, str], mentions: Iterable[Any] | None = None) -> str:
    """The evidence view of a case as one HTML string (nothing is fetched from anywhere).

    ``texts`` maps document ids to their text as the pipeline read it; ``mentions`` are
    optional facts whose non-affirmed assertions are drawn as a separate layer.
    """
    spans = collect_spans(result)
    set_pages(result, texts, spans)
    extra = mention_spans(mentions) if mentions is not None else {}
    highlighted = {doc: highlight(texts[doc], spans.get(doc, []), extra.get(doc, []))
                   for doc in texts if doc in spans or doc in extra}
    return render_view(result, texts, highlighted, spans, show_mentions=mentions is not None)
