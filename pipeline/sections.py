"""``mednec_sections``: section titles of clinical documents, medspaCy's Sectionizer over our rules."""


import re

from mednec.pipeline.resources import load_jsonl, rule_cache
from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language


class SectionRuleSpec(BaseModel):
    """One section title rule (medspaCy ``SectionRule`` fields)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    category: str = Field(pattern=r"^[a-z_]+$")
    literal: str = Field(min_length=1)
    pattern: list[dict] | None = None
    # a header field whose value stands on its title line holds that one paragraph: after the
    # first blank line the report goes on outside it ("Comparison: 08/10/2025", "Indication: ...")
    one_paragraph: bool = False


@rule_cache
def section_rule_specs() -> tuple[SectionRuleSpec, ...]:
    """The validated section rules of ``sections.jsonl``."""
    return tuple(load_jsonl("sections.jsonl", SectionRuleSpec))


def continues_sentence(doc, start: int) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether a title candidate at token ``start`` only continues a sentence the sender wrapped:
    it opens in lower case right after a line that ends mid-sentence ("You asked about the" /
    "family history: his brother ..."), with no blank line between. A capitalised title, or one
    after a line that ends a sentence, is a title."""
    first = doc[start].text[:1]
    if not first.islower():
        return False
    k = start - 1
    gap = ""
    while k >= 0 and doc[k].is_space:
        gap = doc[k].text + gap
        k -= 1
    if k < 0 or gap.count("\n") + doc[k].whitespace_.count("\n") > 1:
        return False
    return doc[k].text[-1:].isalnum() or doc[k].text[-1:] in ",("


def runs_into_prose(doc, start: int, end: int) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether a title candidate without its colon at tokens ``start:end`` goes on, on its line, in a
    lower-case word: "Impression item 2" / "is revised: ..." is a sentence a wrap broke, not the
    IMPRESSION heading ("IMPRESSION" alone on its line, "IMPRESSION 2: ..." are titles)."""
    # (a title of several words that opens a longer heading, "Interval history (copied from ...", is
    # matched by its first words by design: only a one-word title is read so)
    if end - start != 1 or doc[end - 1].text.endswith(":") or (end < len(doc) and doc[end].text.startswith(":")):
        return False
    k = end
    while k < len(doc) and doc[k].is_space:
        if "\n" in doc[k].text:
            return False
        k += 1
    if k >= len(doc) or "\n" in doc[end - 1].whitespace_:
        return False
    return doc[k].text[:1].islower()


def opens_a_field(doc, start: int, text: str | None = None, end: int | None = None) -> bool:  # noqa: ANN001 - a spaCy Doc
    """Whether a title candidate at token ``start`` opens a field of a form line: it follows a wide gap
    (three spaces or a tab) on a line that already holds a "LABEL: value" field ("REFERRING: DR. A.
    SORENSEN     INDICATION: L FEMORAL NEUROPATHY"). A header form prints its fields side by side.

    OCR closes a column gap to one space, or reads it as a dash ("SORENSEN \u2014 INDICATION:"): then a
    title written in capitals with its colon, after a field whose label is in capitals too, opens a
    field all the same (a form line in capitals; prose names no "INDICATION:" mid-line)."""
    if start == 0:
        return False
    prev = doc[start - 1]
    gap = prev.text if prev.is_space else prev.whitespace_
    if prev.is_space and start >= 2:
        gap = doc[start - 2].whitespace_ + gap
    if "\n" in gap:
        return False
    text = text if text is not None else doc.text
    line_start = text.rfind("\n", 0, doc[start].idx) + 1
    before = text[line_start:doc[start].idx]
    if "\t" in gap or "   " in gap:
        return ":" in before
    if end is None or ":" not in before:
        return False
    title = doc[start:end].text
    label = before.split(":", 1)[0]
    return (title.rstrip().endswith(":") and title.isupper() and label.strip().isupper()
            and bool(_CLOSED_GAP.search(before)))


# what stands between a field's value and the next field's title when OCR closed the gap: a space,
# or a dash or bar read from the gap
_CLOSED_GAP = re.compile(r"(?:\S[ \t]|[ \t][\u2014\u2013|-][ \t]?)$")


_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def _end_field_at_its_paragraph(doc, section, text: str) -> None:  # noqa: ANN001 - a spaCy Doc, a medspaCy Section
    """End a field section whose title line holds its value at the first blank line after it: the tokens
    after that belong to no section (the report's body)."""
    title_end, body_end = section.title_end, section.body_end
    if title_end >= len(doc) or body_end <= title_end:
        return
    start = doc[title_end - 1].idx + len(doc[title_end - 1].text) if title_end > 0 else 0
    line_end = text.find("\n", start)
    line_end = len(text) if line_end < 0 else line_end
    if not text[start:line_end].strip(" \t:"):
        return  # the title stands alone on its line: its value is the paragraph under it
    stop = doc[body_end - 1].idx + len(doc[body_end - 1].text)
    blank = _BLANK_LINE.search(text, start, stop)
    if blank is None:
        return
    for token in doc[title_end:body_end]:
        if token.idx >= blank.end():
            token._.section = None


@rule_cache
def _one_paragraph_titles() -> frozenset[str]:
    return frozenset(s.literal for s in section_rule_specs() if s.one_paragraph)


@Language.factory("mednec_sections")
def make_sections(nlp: Language, name: str):  # noqa: ANN201 - medspaCy Sectionizer
    """A medspaCy Sectionizer loaded with mednec's section rules; titles must start a line."""
    from medspacy.section_detection import Sectionizer, SectionRule

    class WrapAwareSectionizer(Sectionizer):
        """medspaCy's Sectionizer, whose titles must start a line that is no wrapped continuation."""

        def filter_start_lines(self, doc, matches):  # noqa: ANN001, ANN201 - medspaCy's public hook
            starts = [m for m in super().filter_start_lines(doc, matches)
                      if not continues_sentence(doc, m[1]) and not runs_into_prose(doc, m[1], m[2])]
            text = doc.text  # (once: Doc.text joins every token)
            fields = [m for m in matches if m not in starts and opens_a_field(doc, m[1], text, m[2])]
            return sorted(starts + fields, key=lambda m: m[1])

        def __call__(self, doc):  # noqa: ANN001, ANN204 - a spaCy Doc
            doc = super().__call__(doc)
            text = None
            for section in doc._.sections:
                # (a header field that names a prior study, a protocol or the indication holds its own
                # paragraph: a report with no FINDINGS title goes on with its findings after the blank line)
                if section.rule is not None and section.rule.literal in _one_paragraph_titles():
                    text = text if text is not None else doc.text  # (once: Doc.text joins every token)
                    _end_field_at_its_paragraph(doc, section, text)
            return doc

    sectionizer = WrapAwareSectionizer(nlp, name=name, rules=None, require_start_line=True)
    sectionizer.add([SectionRule(literal=s.literal, category=s.category, pattern=s.pattern)
                     for s in section_rule_specs()])
    return sectionizer
