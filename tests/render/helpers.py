"""Test helpers for the renderers: a hostile case folder and checks of quoted chart words."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

from mednec.models import CaseResult

from mednec.render.common import normalise

HOSTILE_MRI = """MRI PELVIS WITH AND WITHOUT CONTRAST
Date of service: 01/08/2026

CLINICAL HISTORY: Left iliac osteosarcoma <script>alert(1)</script> & "quoted" pain 'single'.
Note <img src=x onerror=alert(2)> and </pre><script>window.__pwned = 1</script> a < b > c && d.

FINDINGS:
The mass <b>abuts</b> the left acetabular roof & invades the left hemisacrum.

IMPRESSION:
1. The mass abuts the left acetabular roof <script>alert(3)</script>.
"""
HOSTILE_PATHOLOGY = """SURGICAL PATHOLOGY REPORT
Date of service: 01/02/2026
DIAGNOSIS:
Left ilium, biopsy: HIGH-GRADE OSTEOSARCOMA <script>alert(4)</script> & "x".
"""


def write_hostile_case(folder: Path, case_id: str = "x<b>&1") -> Path:
    """A case whose documents hold script tags, an image with an error handler and HTML specials."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "request.json").write_text(json.dumps({"case_id": case_id, "requested": ["27076-LT"],
                                                     "patient": {"age": 40, "sex": "F"}}), encoding="utf-8")
    (folder / "mri_pelvis_2026-01-08.txt").write_text(HOSTILE_MRI, encoding="utf-8")
    (folder / "pathology_2026-01-02.txt").write_text(HOSTILE_PATHOLOGY, encoding="utf-8")
    return folder


def evidence_keys(result: CaseResult) -> dict[tuple[str, int, int], str]:
    """Every evidence span of a result (criteria, supporting findings, caveats, lesions, plans) -> its text."""
    out: dict[tuple[str, int, int], str] = {}
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                out[(ev.document, ev.start, ev.end)] = ev.text
        for sup in det.supporting:
            for ev in sup.evidence:
                out[(ev.document, ev.start, ev.end)] = ev.text
    for cav in result.caveats:
        for ev in cav.evidence:
            out[(ev.document, ev.start, ev.end)] = ev.text
    for item in (*result.lesions, *result.plans):
        for ev in item.evidence:
            out[(ev.document, ev.start, ev.end)] = ev.text
    return out


def verbatim(quote: str, document_text: str) -> bool:
    """True when ``quote`` is one continuous passage of the document, whitespace normalised."""
    return normalise(quote) in normalise(document_text)


class QuoteParser(HTMLParser):
    """Collects the text of ``span.quote`` elements and all text outside them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.quotes: list[tuple[dict[str, str | None], str]] = []
        self.outside: list[str] = []
        self.em: list[str] = []
        self._depth = 0
        self._attrs: dict[str, str | None] = {}
        self._buf: list[str] = []
        self._in_em = 0
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "style":
            self._in_style = True
        if tag == "em":
            self._in_em += 1
            self.em.append("")
        if self._depth:
            self._depth += 1
        elif tag == "span" and "quote" in (a.get("class") or "").split():
            self._depth, self._attrs, self._buf = 1, a, []

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False
        if tag == "em":
            self._in_em -= 1
        if self._depth:
            self._depth -= 1
            if not self._depth:
                self.quotes.append((self._attrs, "".join(self._buf)))

    def handle_data(self, data: str) -> None:
        if self._in_em and self.em:
            self.em[-1] += data
        if self._depth:
            self._buf.append(data)
        elif not self._in_style:
            self.outside.append(data)
