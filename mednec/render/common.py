"""Helpers shared by the renderers: the template environment, labels, quotes and claims.

The letter and the views may put double quotation marks only around verbatim chart words
(CONTRACT). Rationales and summaries of the criteria files embed their first evidence quote;
:func:`claim_of` strips it so that the renderer can cite the span itself, and turns any
other double quotation mark into a single one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from mednec.models import Determination, EvidenceSpan

OUTCOME_ORDER = ("refer", "pend", "approve")
STATUS_LABEL = {"met": "met", "not_met": "not met", "insufficient": "insufficient", "index": "treated",
                "incidental": "incidental", "other_level": "other level", "other_side": "other side",
                "plan": "plan"}
DOC_LABEL = {
    "imaging": "imaging report",
    "pathology": "pathology report",
    "clinical_note": "clinical note",
    "operative": "operative plan",
    "tumor_board": "tumor board note",
    "other": "document",
}
SOURCE_LABEL = {"text": "text file", "pdf-text": "PDF text layer", "ocr": "OCR of scanned pages"}
LOW_OCR_CONFIDENCE = 80.0

# 'HEAD: "QUOTE" (DOC).'  and  'HEAD ("QUOTE", DOC).'  as the criteria files write them.
_QUOTE_THEN_DOC = re.compile(r':\s*"[^"]*"\s*\([^()]*\)')
_PAREN_QUOTE_DOC = re.compile(r'\s*\(\s*"[^"]*"\s*,\s*[^()]*\)')
_LIST_MARK = re.compile(r"^(?:[-*\u2022]\s+|\(?\d{1,2}[.)]\s+)")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&#|~!])")


def normalise(text: str) -> str:
    """``text`` with every run of whitespace turned into one space, trimmed."""
    return " ".join(text.split())


def plain(text: str) -> str:
    """Text that is not a verbatim quote: double quotation marks become single ones."""
    return text.replace('"', "'").replace("\u201c", "'").replace("\u201d", "'")


def claim_of(rationale: str, evidence: Sequence[EvidenceSpan] = ()) -> str:
    """The claim of a rationale or summary without its embedded quote and document name.

    The criteria files quote their first evidence span (whitespace normalised); that exact
    passage is removed first, so a quote holding quotation marks itself is removed whole.
    """
    out = rationale
    if evidence:
        q, doc = normalise(evidence[0].text), evidence[0].document
        out = out.replace(f': "{q}" ({doc})', "").replace(f' ("{q}", {doc})', "")
    out = _PAREN_QUOTE_DOC.sub("", _QUOTE_THEN_DOC.sub("", out))
    out = normalise(plain(out))
    if out and out[-1] not in ".!?":
        out += "."
    return out


def quote_of(text: str) -> str:
    """A verbatim quote of an evidence text: whitespace normalised, a leading list mark dropped.

    The result is always one continuous passage of the evidence text (after normalisation).
    """
    q = normalise(text)
    trimmed = _LIST_MARK.sub("", q)
    return trimmed if trimmed else q


def code_label(det: Determination) -> str:
    """``27076-LT`` for a sided request, ``63303`` otherwise."""
    if det.side == "left":
        return f"{det.code}-LT"
    if det.side == "right":
        return f"{det.code}-RT"
    return det.code


LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
"""Line breaks and control characters: one space in every one-line rendering (Markdown, text)."""


def md_escape(text: object) -> str:
    """Escape Markdown punctuation (and HTML) with backslashes; CommonMark shows the characters.

    Every value is put inline: line breaks and other control characters become one space, so a
    file name or a quote can never open a heading, a list item or a table row of its own."""
    return _MD_SPECIAL.sub(r"\\\1", LINE_BREAKS.sub(" ", str(text)))


def md_unescape(text: str) -> str:
    """Undo :func:`md_escape` (for tests and tools that read the Markdown letter)."""
    return re.sub(r"\\([\\`*_\[\]<>&#|~!])", r"\1", text)


@lru_cache(maxsize=2)
def environment(markup: bool = True) -> Environment:
    """The package's Jinja2 environment; ``markup`` turns HTML autoescaping on."""
    env = Environment(
        loader=PackageLoader("mednec.render", "templates"),
        autoescape=select_autoescape(["html", "j2"]) if markup else False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=StrictUndefined,
    )
    env.filters["md"] = md_escape
    env.filters["plain"] = plain
    env.globals.update(STATUS_LABEL=STATUS_LABEL, DOC_LABEL=DOC_LABEL, SOURCE_LABEL=SOURCE_LABEL,
                       LOW_OCR_CONFIDENCE=LOW_OCR_CONFIDENCE)
    return env
