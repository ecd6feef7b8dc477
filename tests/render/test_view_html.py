"""The evidence view: the highlight algorithm, attributes, escaping and self-containment."""

from __future__ import annotations

import html as htmllib
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from mednec.render.html import Span, collect_spans, highlight
from mednec.render.view import render_case_html
from tests.render.helpers import evidence_keys


class _Tree(HTMLParser):
    """Rebuilds the text and, for every mark/span element, its attributes and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.stack: list[tuple[str, dict, list[str]]] = []
        self.elements: list[tuple[str, dict, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:  # noqa: ANN001
        self.stack.append((tag, dict(attrs), []))

    def handle_endtag(self, tag: str) -> None:
        open_tag, attrs, buf = self.stack.pop()
        assert open_tag == tag, f"</{tag}> closes <{open_tag}>: not well nested"
        self.elements.append((tag, attrs, "".join(buf)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        for _, _, buf in self.stack:
            buf.append(data)


def _parse(markup: str) -> _Tree:
    tree = _Tree()
    tree.feed(markup)
    tree.close()
    assert not tree.stack
    return tree


@st.composite
def _layout(draw: st.DrawFn) -> tuple[str, list[Span], list[Span]]:
    text = draw(st.text(alphabet="ab <>&\"'\n", min_size=1, max_size=40))
    n = len(text)

    def spans(mention: bool, k: int) -> list[Span]:
        out = []
        for i in range(k):
            a = draw(st.integers(0, n - 1))
            b = draw(st.integers(a + 1, n))
            s = Span("d.txt", a, b, text[a:b], {f"C/{i}"} if not mention else set(),
                     {draw(st.sampled_from(["met", "not_met", "caveat"]))} if not mention else {"negated"},
                     mention=mention, anchor="" if mention else f"ev-{i}")
            out.append(s)
        return out

    ev = list({(s.start, s.end): s for s in spans(False, draw(st.integers(0, 6)))}.values())
    return text, ev, spans(True, draw(st.integers(0, 4)))


@settings(max_examples=300, deadline=None)
@given(_layout())
def test_highlight_keeps_text_and_every_span(layout: tuple[str, list[Span], list[Span]]) -> None:
    text, ev, mentions = layout
    tree = _parse(highlight(text, ev, mentions))
    assert "".join(tree.text) == text
    marks = [(a, t) for tag, a, t in tree.elements if tag == "mark"]
    for s in ev:
        parts = [(a, t) for a, t in marks if (a["data-start"], a["data-end"]) == (str(s.start), str(s.end))]
        assert parts, f"span {s.start}-{s.end} has no element"
        if len(parts) == 1:
            assert "data-part" not in parts[0][0] and parts[0][1] == s.text
        else:  # a crossing span: split into numbered parts that add up to its text
            numbers = sorted(int(a["data-part"]) for a, _ in parts)
            assert numbers == list(range(1, len(parts) + 1))
            assert "".join(t for _, t in sorted(parts, key=lambda p: int(p[0]["data-part"]))) == s.text
    # A mention never splits an evidence span: evidence crosses only other evidence.
    crossing = {id(s) for s in ev for o in ev
                if s.start < o.start < s.end < o.end or o.start < s.start < o.end < s.end}
    for s in ev:
        if id(s) not in crossing:
            n = sum(1 for a, _ in marks if (a["data-start"], a["data-end"]) == (str(s.start), str(s.end)))
            assert n == 1


def test_nested_spans_nest_and_crossing_spans_split() -> None:
    text = "0123456789"
    outer, inner = Span("d", 0, 8, text[0:8], {"A/1"}, {"met"}), Span("d", 2, 5, text[2:5], {"A/2"}, {"met"})
    markup = highlight(text, [outer, inner])
    assert re.fullmatch(r"<mark[^>]*>01<mark[^>]*>234</mark>567</mark>89", markup)
    a, b = Span("d", 0, 5, text[0:5], {"A/1"}, {"met"}), Span("d", 3, 9, text[3:9], {"A/2"}, {"not_met"})
    tree = _parse(highlight(text, [a, b]))
    parts = [(attrs.get("data-part"), t) for tag, attrs, t in tree.elements if attrs.get("data-start") == "3"]
    assert sorted(parts) == [("1", "34"), ("2", "5678")]


def test_d01_view_marks_every_evidence_span(review, dev_case) -> None:  # noqa: ANN001
    result, case = review(dev_case("d01"))
    texts = {d.info.id: d.text for d in case.documents}
    page = render_case_html(result, texts)
    tree = _parse(page.split("<body>", 1)[1].split("<script>", 1)[0])
    marks = {(a["data-document"], int(a["data-start"]), int(a["data-end"])): (a, t)
             for tag, a, t in tree.elements if tag == "mark"}
    for key, text in evidence_keys(result).items():
        attrs, shown = marks[key]
        if "data-part" not in attrs:
            assert shown == text
    for det in result.determinations:
        for crit in det.criteria:
            for ev in crit.evidence:
                attrs = marks[(ev.document, ev.start, ev.end)][0]
                assert f"{det.code}/{crit.id}" in attrs["data-criteria"].split()
    for cav in result.caveats:
        ev = cav.evidence[0]
        assert f"caveat/{cav.kind}" in marks[(ev.document, ev.start, ev.end)][0]["data-criteria"].split()
    # Self-contained: nothing is loaded from anywhere, and only hashed inline code may run.
    assert not re.search(r"\b(src|href)=\"(https?:)?//", page)
    assert re.search(r"script-src 'sha256-[A-Za-z0-9+/=]+'", htmllib.unescape(page))
    assert page.count("<script>") == 1
    for d in result.documents:
        assert htmllib.escape(d.id) in page
    assert "OCR confidence" in page and "pathology report" in page


def test_hostile_documents_are_escaped_in_the_view(review, hostile_case) -> None:  # noqa: ANN001
    result, case = review(hostile_case)
    texts = {d.info.id: d.text for d in case.documents}
    page = render_case_html(result, texts)
    body = page.split("<body>", 1)[1].rsplit("<script>", 1)[0]
    assert "<script" not in body and "<img" not in body and "<b>" not in body and "</pre><script" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert htmllib.escape(result.case_id) in page and result.case_id not in page
    # the document's text itself is intact (the side panel may quote it again, escaped, as a link excerpt)
    tree = _parse(body[body.index("<main"): body.index("</main>") + len("</main>")])
    assert "".join(tree.text).count("<script>alert(1)</script>") == 1


def test_mentions_layer_is_distinct(review, reviewer, dev_case) -> None:  # noqa: ANN001
    result, case = review(dev_case("d01"))
    texts = {d.info.id: d.text for d in case.documents}
    page = render_case_html(result, texts, reviewer.read_facts(case))
    tree = _parse(page.split("<body>", 1)[1].split("<script>", 1)[0])
    flags = {f for tag, a, _ in tree.elements if tag == "span" and "data-assertion" in a
             for f in a["data-assertion"].split()}
    assert {"negated", "historical"} <= flags
    marks = [(a, t) for tag, a, t in tree.elements if tag == "mark" and "data-part" not in a]
    spans = evidence_keys(result)
    for a, t in marks:
        assert t == spans[(a["data-document"], int(a["data-start"]), int(a["data-end"]))]
    assert len(collect_spans(result)) >= 5


def test_triage_pages_carry_the_mentions_layer(dev_case, tmp_path) -> None:  # noqa: ANN001
    from mednec.worker import process_case

    outcome = process_case(str(dev_case("d01")), str(tmp_path))
    assert outcome.error is None
    page = (tmp_path / f"{outcome.case_id}.html").read_text(encoding="utf-8")
    tree = _parse(page.split("<body>", 1)[1].split("<script>", 1)[0])
    flags = {f for tag, a, _ in tree.elements if tag == "span" and "data-assertion" in a
             for f in a["data-assertion"].split()}
    assert {"negated", "historical"} <= flags
