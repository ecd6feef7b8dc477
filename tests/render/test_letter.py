"""``mednec letter``: the determination letter (issue 9, CONTRACT "The determination letter")."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from mednec.render.common import md_unescape, normalise
from mednec.render.letter import build_letter, split_citation
from mednec.render.letter_out import render_letter, render_letter_text
from tests.render.helpers import QuoteParser, evidence_keys, verbatim


def _check_quotes(letter, texts, result) -> None:  # noqa: ANN001
    """Every quoted passage is verbatim in its document and inside an evidence span of the result."""
    spans = evidence_keys(result)
    assert letter.quotes, "the letter quotes no chart words"
    for c in letter.quotes:
        assert verbatim(c.quote, texts[c.document]), (c.document, c.quote)
        key = (c.document, c.start, c.end)
        assert key in spans, f"quote [{c.n}] is not an evidence span of the result"
        assert c.quote in normalise(spans[key]), (c.quote, spans[key])


def _md_without_quotes(md: str, letter) -> str:  # noqa: ANN001
    text = md_unescape(md)
    for c in sorted(letter.quotes, key=lambda c: -len(c.quote)):
        text = text.replace(f'"{c.quote}"', "")
    return text


def test_d01_letter_argues_all_three_codes(review, dev_case) -> None:  # noqa: ANN001
    result, case = review(dev_case("d01"))
    texts = {d.info.id: d.text for d in case.documents}
    letter = build_letter(result, case.request)
    md = render_letter_text(letter, "md")
    for label in ("27076-LT", "63303", "64712-LT"):
        section = md.split(f"### {label}:")[1].split("\n### ")[0].split("\n## ")[0]
        assert "**Outcome: approve.**" in section
        assert re.search(r'records "[^"]+" \[\d+\]', section), f"{label} has no quoted, numbered citation"
        assert "Policy basis" in section
    assert "**27076-LT: approve.**" in md and "**64712-LT: approve.**" in md
    _check_quotes(letter, texts, result)
    # CONTRACT: double quotation marks enclose only verbatim chart words.
    assert '"' not in _md_without_quotes(md, letter)
    # Numbered references, in order, each cited in the text before the list.
    numbers = [int(n) for n in re.findall(r"^(\d+)\. ", md.split("## References")[1], re.M)]
    assert numbers == list(range(1, len(letter.references) + 1))
    body = md.split("## References")[0]
    for n in numbers:
        assert f"[{n}]" in body
    # Reference titles in italics, never in quotation marks.
    lit = [c for c in letter.references if c.kind == "literature"]
    assert lit and all(f"*{c.title}*" in md_unescape(md) for c in lit if c.title)


def test_d01_html_letter_quotes_and_escaping(review, dev_case) -> None:  # noqa: ANN001
    result, case = review(dev_case("d01"))
    texts = {d.info.id: d.text for d in case.documents}
    html = render_letter(result, case.request, "html")
    parser = QuoteParser()
    parser.feed(html)
    assert parser.quotes
    for attrs, text in parser.quotes:
        assert text.startswith('"') and text.endswith('"')
        assert verbatim(text[1:-1], texts[attrs["data-document"]]), text
    assert '"' not in "".join(parser.outside)
    assert any("surgical staging of musculoskeletal sarcoma" in e for e in parser.em)
    for n in re.findall(r'href="#ref-(\d+)"', html):
        assert f'id="ref-{n}"' in html
    assert "<script" not in html and "http-equiv=\"Content-Security-Policy\"" in html


def test_d03_pend_letter_requests_the_pathology(review, dev_case) -> None:  # noqa: ANN001
    result, case = review(dev_case("d03"))
    letter = build_letter(result, case.request)
    md = md_unescape(render_letter_text(letter, "md"))
    assert "**Outcome: pend.**" in md
    requested = md.split("Documentation requested from the provider:")[1].split("\n\n")[1]
    assert re.search(r"A1 .*pathology report", requested), requested
    assert "**27076-LT: pend.** A decision awaits the documentation requested for A1" in md
    _check_quotes(letter, {d.info.id: d.text for d in case.documents}, result)


@pytest.mark.parametrize("name", ["d02", "d07"])
def test_refer_letter_lays_out_contradicting_evidence(review, dev_case, name: str) -> None:  # noqa: ANN001
    result, case = review(dev_case(name))
    letter = build_letter(result, case.request)
    md = md_unescape(render_letter_text(letter, "md"))
    refer = [s for s in letter.codes if s.det.outcome == "refer"]
    assert refer
    for s in refer:
        assert s.not_met and all(p.quote is not None for p in s.not_met)
        assert f"**{s.label}: refer** to the medical director" in md
    assert "Contradicting evidence:" in md and "not a denial" in md
    assert not re.search(r"\bdenied\b|\bwe deny\b", md, re.I)
    _check_quotes(letter, {d.info.id: d.text for d in case.documents}, result)


def test_hostile_documents_are_escaped_in_letters(review, hostile_case) -> None:  # noqa: ANN001
    result, case = review(hostile_case)
    html = render_letter(result, case.request, "html")
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    letter = build_letter(result, case.request)
    md = render_letter_text(letter, "md")
    assert not re.search(r"(?<!\\)<(script|img|b)\b", md)
    _check_quotes(letter, {d.info.id: d.text for d in case.documents}, result)
    # A quote that holds quotation marks itself is cited whole, never turned into a pseudo-quote.
    assert "'x''" not in md
    assert '"' not in _md_without_quotes(md, letter)
    # Quotation marks in a case id or file name are not chart words: they never appear as quotes.
    odd = result.model_copy(update={"case_id": 'case "7"'})
    parser = QuoteParser()
    parser.feed(render_letter(odd, case.request, "html"))
    assert '"' not in "".join(parser.outside)
    assert all(text.startswith('"') and text.endswith('"') for _, text in parser.quotes)


def test_split_citation_sets_the_title_apart() -> None:
    assert split_citation("Boriani S, Weinstein JN. Primary bone tumors of the spine. Terminology and "
                          "staging. Spine. 1997;22(9):1036-1044.") == (
        "Boriani S, Weinstein JN.", "Primary bone tumors of the spine. Terminology and staging.",
        "Spine. 1997;22(9):1036-1044.")
    assert split_citation("Doe J, et al. A title. Lancet. 2005;1:1.")[1] == "A title."
    assert split_citation("no full stop") == ("", "", "no full stop")


def test_pdf_letter(review, dev_case) -> None:  # noqa: ANN001
    pytest.importorskip("weasyprint", reason="PDF letters need the optional 'pdf' extra (WeasyPrint)")
    result, case = review(dev_case("d03"))
    pdf = render_letter(result, case.request, "pdf")
    assert isinstance(pdf, bytes) and pdf.startswith(b"%PDF")


def test_letter_command(review, reviewer, dev_case, tmp_path, monkeypatch) -> None:  # noqa: ANN001
    from mednec.cli import app

    monkeypatch.setattr("mednec.review.Reviewer", lambda: reviewer)
    runner = CliRunner()
    out = tmp_path / "d03.html"
    res = runner.invoke(app, ["letter", str(dev_case("d03")), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "27076-LT" in out.read_text(encoding="utf-8")
    bad = runner.invoke(app, ["letter", str(dev_case("d03")), "-o", str(tmp_path / "x.docx")])
    assert bad.exit_code == 2 and bad.output.strip().startswith("[E400]") and "Traceback" not in bad.output
    missing = runner.invoke(app, ["letter", str(tmp_path / "nope"), "-o", str(tmp_path / "x.md")])
    assert missing.exit_code == 2 and len(missing.output.strip().splitlines()) == 1
    assert not (tmp_path / "x.md").exists()
