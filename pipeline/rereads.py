"""A re-read supersedes the original read of the same study (POLICY, Rulings on hard cases).

An institution's re-read of an outside study, or a second-opinion read, says so in its opening
lines ("Second opinion interpretation of outside imaging") and names the study's date there; a
comparison line ("Comparison: outside MRI 01/09/2026") makes no re-read. The imaging report
of that date is the original read; what it says about a structure or finding that the
re-read also speaks of (in any assertion) is superseded by the re-read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any

from mednec.pipeline.discourse import _hedged, _named_at, _sides_meet, _superseded
from mednec.pipeline.doctype import day_first, find_dates, join_broken_paragraphs, month_first
from mednec.pipeline.lesion_rules import lesion_rules, word_pattern

_STATEMENTS = ("site", "nerve", "finding")
_TITLE_LINES = 5  # where a report says it is a preliminary or a final read


def reread_dates(text: str, board: bool = False) -> set[dt.date]:
    """The study dates a re-read names in its opening lines, or nothing when ``text`` is no re-read
    (``board``: a tumor board record, which re-reads only with its own words of disagreement)."""
    rules = lesion_rules()
    head = text[: rules.rules.reread_head]
    own = [ln[: m.start()] if (m := rules.reread_skip_field.search(ln)) else ln for ln in head.splitlines()]
    lines = [ln for ln in own if not rules.reread_skip.match(ln)]
    title = " ".join(ln for ln in head.splitlines() if ln.strip())
    title_lines = [ln for ln in own if ln.strip()][:3]
    # the cues are read across line breaks (a wrapped title says the same: "WITH REVIEW" / "OF EXTERNAL MRI")
    joined = " ".join(ln.strip() for ln in lines)
    if board:
        strong, weak = rules.reread_board is not None and bool(rules.reread_board.search(joined)), False
    else:
        strong = bool(rules.reread.search(joined))
        weak = bool(rules.reread_title.search(" ".join(ln.strip() for ln in title_lines)))
    if not (strong or weak) or not title:
        return set()
    named: set[dt.date] = set()
    order = day_first(text)
    either = not order and not month_first(text)  # no date shows which way the document writes them
    for ln in lines:
        for start, end, day in find_dates(ln, order):
            named.add(day)
            if either and day.day <= 12 and day.day != day.month and not any(c.isalpha() for c in ln[start:end]):
                named.add(day.replace(month=day.day, day=day.month))  # dd/mm or mm/dd: either study
    return named


def _rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> dict[str, set[str]]:
    """Re-read document -> the imaging documents whose read it replaces."""
    dated: dict[str, dt.date] = {}
    imaging: set[str] = set()
    for f in facts:
        # a tumor board's radiology review re-reads a study as a radiology report does
        if f.document_type in ("imaging", "tumor_board") and f.document_date:
            dated.setdefault(f.document, f.document_date)
            if f.document_type == "imaging":
                imaging.add(f.document)
    named_by = {doc: reread_dates(texts.get(doc, ""), board=doc not in imaging) for doc in dated}
    out: dict[str, set[str]] = {}
    for doc, date in dated.items():
        for other, odate in dated.items():
            if other == doc or other not in imaging or odate not in named_by[doc] or odate > date:
                continue
            if odate == date and date in named_by[other]:
                continue  # two reads of one day that both claim to be the re-read: neither wins
            out.setdefault(doc, set()).add(other)
    # a preliminary read sent as a report of its own is replaced by the final report of the same
    # study (same exam date) sent after it
    rules = lesion_rules()
    heads = {doc: "\n".join(texts.get(doc, "").splitlines()[:_TITLE_LINES]) for doc in imaging}
    # the first word of either kind says which the report is ("PRELIMINARY READ ... final
    # interpretation to follow"; "FINAL REPORT ... supersedes the preliminary read")
    kind = {}
    for doc, head in heads.items():
        p, f = rules.preliminary_words.search(head), rules.final_words.search(head)
        if p or f:
            kind[doc] = "prelim" if p and (not f or p.start() < f.start()) else "final"
    prelims = {doc for doc, k in kind.items() if k == "prelim"}
    finals = {doc for doc, k in kind.items() if k == "final"}
    for final in finals:
        for prelim in prelims:
            if prelim != final and dated[prelim] == dated[final]:
                out.setdefault(final, set()).add(prelim)
    return out


def apply_rereads(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """The facts of a case with every original read superseded where its re-read speaks."""
    replaced = _rereads(facts, texts)
    if not replaced:
        return list(facts)
    said: dict[str, list[Any]] = {}
    for f in facts:
        if f.document in replaced and f.kind in _STATEMENTS:
            said.setdefault(f.document, []).append(f)
    out = []
    for f in facts:
        if f.kind in _STATEMENTS:
            for reread, originals in replaced.items():
                if f.document in originals and any(g.concept == f.concept and _sides_meet(g.side, f.side)
                                                   for g in said.get(reread, ())):
                    f = _superseded(f, f"re-read ({reread})")
                    break
        out.append(f)
    # a statement of the whole bone ("involving the entire left hemipelvis (ilium, acetabulum, pubis and
    # ischium)") stands or falls with its parts: where the re-read supersedes the parts its sentence
    # names, the whole goes with them
    composite = lesion_rules().rules.composite_regions
    parts = {(f.document, f.sentence) for f in out if f.kind == "site" and (f.assertion.superseded_by or "")
             .startswith("re-read") and f.region not in composite}
    return [_superseded(f, "re-read of its parts") if f.kind == "site" and f.region in composite
            and not f.assertion.superseded and (f.document, f.sentence) in parts else f for f in out]


def _sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` around ``offset`` (a period and a space, or a blank line, end one).

    Callers pass the text with its broken paragraphs joined (``join_broken_paragraphs``).
    """
    # (a period at a line's end ends a sentence as one before a space does)
    lo = max((m.start() for m in _SENTENCE_END.finditer(text, 0, offset)), default=-1)
    hi = _SENTENCE_END.search(text, offset)
    return text[lo + 1: hi.start() if hi else len(text)]


_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n[ \t]*\n")


def _in_retracting_clause(text: str, sentence: str, f: Any, back: re.Match, verb: re.Match) -> bool:
    """Whether ``f`` is named in the clause that quotes the earlier read and takes it back (between
    the back reference, or just before it, and the retracting verb, with no clause break between):
    'The "intradural component" described on the external report corresponds to the thecal sac'."""
    base = text.find(sentence, max(0, f.evidence[0].start - len(sentence)))
    if base < 0:
        return False
    at = _named_at(f) - base
    lo, hi = min(back.start(), at), verb.start()
    if not (0 <= lo < hi and hi - lo <= 200) or re.search(r"[.;]\s|\n[ \t]*\n", sentence[lo:hi]):
        return False
    return 0 <= back.start() - at <= 60 or back.start() <= at < hi


def _reinterpreted(sentence: str) -> re.Match | None:
    """Whether a back-referenced sentence says what the earlier finding really was, naming no tumor
    after its verb ("... described on the external report corresponds to the displaced thecal sac")."""
    rules = lesion_rules()
    m = rules.reinterpretation.search(sentence) if rules.reinterpretation is not None else None
    if m is None or rules.tumor_word is None:
        return None
    stop = re.search(r"[;,.]", sentence[m.end():])  # the verb's own clause
    clause = sentence[m.end(): m.end() + stop.start() if stop else len(sentence)]
    return m if rules.tumor_word.search(clause) is None else None


def apply_retractions(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """A later study's sentence about an earlier read's finding: one that calls it no tumor
    (artifact, a normal variant) supersedes what earlier imaging said of the structures it names;
    one that cannot confirm it leaves that uncertain."""
    rules = lesion_rules()
    # a blank line inside a sentence (OCR's uneven line spacing: "is not seen on this" / (blank) /
    # "study and likely represented beam-hardening artifact") is the line break it is, as the
    # pipeline reads it (same length: offsets hold)
    texts = {k: join_broken_paragraphs(v) for k, v in texts.items()}
    retracted: list[tuple[Any, dt.date, bool]] = []  # (the later study's mention, its date, no tumor at all)
    compartments = rules.rules.impression_finding_categories  # findings a report settles like structures
    quoted: dict[int, bool] = {}  # the retracting clause's own mention of the earlier read's finding
    for f in facts:
        if (f.kind not in ("site", "nerve") and not (f.kind == "finding" and f.category in compartments)) \
                or f.document_type != "imaging" or f.document_date is None:
            continue
        text = texts.get(f.document, "")
        sentence = _sentence_at(text, f.evidence[0].start)
        back = rules.back_reference.search(sentence)
        if not back:
            continue
        never = rules.never_tumor.search(sentence) or _reinterpreted(sentence)
        verb = never or (rules.doubt.search(sentence) if rules.doubt is not None else None)
        if verb is None:
            continue
        retracted.append((f, f.document_date, bool(never)))
        if _in_retracting_clause(text, sentence, f, back, verb):
            quoted[id(f)] = bool(never)
    # a retracted compartment finding is the subject of its sentence; the levels named with it
    # only locate it ("the intradural nodule reported at C5-C6 can neither be confirmed nor
    # excluded" leaves the C5 vertebral tumor as the MRI read it)
    about_compartment = {(g.document, g.sentence) for g, _, _ in retracted
                         if g.kind == "finding" and g.category in compartments}
    retracted = [(g, when, never) for g, when, never in retracted
                 if g.kind == "finding" or (g.document, g.sentence) not in about_compartment]
    if not retracted:
        return list(facts)
    # a study that cannot confirm an earlier read's finding and itself calls the structure free ("the
    # acetabulum is uninvolved (the preliminary CT read of extension to the roof is not confirmed)")
    # has read it otherwise: the earlier claim is superseded, not left open
    denied = {(g.document, g.concept) for g in facts if g.kind in ("site", "nerve") and g.assertion.negated
              and not g.assertion.uncertain and not g.assertion.superseded and g.document_type == "imaging"}
    out = []
    for f in facts:
        if id(f) in quoted and not f.assertion.negated and not f.assertion.superseded:
            f = _superseded(f, "the earlier read it takes back") if quoted[id(f)] \
                or (f.document, f.concept) in denied else _hedged(f, "the earlier read it cannot confirm")
        elif f.kind in _STATEMENTS and f.document_type == "imaging" and f.document_date is not None \
                and not f.assertion.superseded:
            hits = [(never, (g.document, g.concept) in denied) for g, when, never in retracted
                    if g.concept == f.concept and _sides_meet(g.side, f.side) and f.document_date < when]
            if any(never for never, _ in hits):
                f = _superseded(f, "a later study calls it no tumor")
            elif any(free for _, free in hits):
                f = _superseded(f, "a later study does not confirm it and reads it free")
            elif hits:
                f = _hedged(f, "a later study does not confirm it")
        out.append(f)
    return out


_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{6,200}?)[\"\u201d]")
_QUOTE_WORD = re.compile(r"[A-Za-z0-9]+")
_CLOSES = re.compile(r"[.!?]\s*$")
_LEADING_SPACE = re.compile(r"\s*")


def _quoted_words(quote: str) -> re.Pattern[str] | None:
    """The quoted words as they may stand in the chart: any spacing, line breaks or punctuation
    between them (a quotation drops a comma or a line wrap)."""
    words = _QUOTE_WORD.findall(quote)
    if len(words) < 2:
        return None
    return re.compile(r"(?<![A-Za-z0-9])" + r"\W+".join(map(re.escape, words)) + r"(?![A-Za-z0-9])", re.IGNORECASE)


_OPENS_A_PASSAGE = re.compile(r"\b(?:paragraph|sentence|passage|entry|section|text)\s+(?:beginning|starting|that\s+"
                              r"begins|which\s+begins)(?:\s+with)?\s*[:,]?\s*$", re.IGNORECASE)
_NEXT_FIELD = re.compile(r"\n[ \t]*\n|\n[ \t]*[A-Z][A-Za-z /&]{1,30}:")


def _passage_end(text: str, start: int) -> int:
    """Where the paragraph that goes on at ``start`` ends: a blank line or the next labelled line."""
    m = _NEXT_FIELD.search(text, start)
    return m.start() if m else len(text)


def apply_withdrawals(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """Earlier words of the chart that a later statement quotes and takes back decide nothing.

    'The statement "with intradural extension at L4" above was taken from the preliminary wet read
    and is withdrawn' (an addendum below the signed note): every fact named inside those words,
    in the note above it or in any document dated no later than the quoting one, is superseded,
    and so are the quoted words themselves. The quotation must be taken back in its own sentence
    (``withdrawal_cues`` after it); a quotation that is agreed with changes nothing.
    """
    rules = lesion_rules()
    if rules.withdrawal is None:
        return list(facts)
    texts = {k: join_broken_paragraphs(v) for k, v in texts.items()}
    dates = {f.document: f.document_date for f in facts}
    spans: dict[str, list[tuple[int, int]]] = {}
    for doc, text in texts.items():
        for m in _QUOTE.finditer(text):
            # a quotation that closes its own sentence is commented on by the next one, across the
            # blank line a scan may put between them
            start = m.end() + len(_LEADING_SPACE.match(text, m.end()).group()) if _CLOSES.search(m.group(1)) \
                else m.end()
            end = _SENTENCE_END.search(text, start)
            after = text[start: end.start() if end else len(text)]
            if rules.withdrawal.search(after) is None:
                continue
            if rules.field_correction is not None and rules.field_correction.search(after):
                continue  # a template field given a new answer: its label is quoted, nothing is taken back
            words = _quoted_words(m.group(1))
            if words is None:
                continue
            spans.setdefault(doc, []).append((m.start(), m.end()))
            when = dates.get(doc)
            # "the paragraph beginning "MRI shows ..."": the quotation opens the passage taken back,
            # which runs to the end of its paragraph (a blank line, or the next labelled line)
            opens = _OPENS_A_PASSAGE.search(text[max(0, m.start() - 40): m.start()]) is not None
            for other, other_text in texts.items():
                if other != doc and when is not None and (dates.get(other) is None or dates[other] > when):
                    continue  # a later document is not what this statement takes back
                for w in words.finditer(other_text):
                    if not (other == doc and m.start() <= w.start() < m.end()):
                        spans.setdefault(other, []).append((w.start(), _passage_end(other_text, w.end())
                                                            if opens else w.end()))
    if not spans:
        return list(facts)
    out = []
    for f in facts:
        at = _named_at(f)
        if any(lo <= at < hi for lo, hi in spans.get(f.document, ())):
            f = _superseded(f, "a later statement takes these words back")
        out.append(f)
    return out


def _study_names() -> dict[str, re.Pattern[str]]:
    """Each study concept of the knowledge base (EMG/NCS, MR neurography ...) and a pattern of its names."""
    from mednec.pipeline.kb import load_kb

    return {c.concept: word_pattern(list(c.aliases)) for c in load_kb() if c.category == "study" and c.aliases}


STAGING_TO_COME = "staging_to_come"


def apply_pending_staging(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """A negative staging stated without its study, where the chart says the study is still to come.

    "Ewing sarcoma, left ilium, localised per referring team" and, in the same note, "the reports (CT
    chest / bone scan) have not been sent ... CT thorax booked for 28/01": the staging the note relays
    rests on studies the chart does not hold. Such a claim (``staging_claims``: a negative staging, or
    metastasis stated absent) in a document other than an imaging report, in the same document or one
    dated no later than the statement, is superseded; a study's own report still states its result.
    A claim that the disease is limited ("solitary metastasis", ``staging_limit_cues``) made so carries
    the cue ``staging_to_come``: the team's word for its diagnosis, no work-up.
    """
    rules = lesion_rules()
    after_words, before_words = rules.staging_pending_after, rules.staging_pending_before
    claims = set(rules.rules.staging_claims)
    if (after_words is None and before_words is None) or not claims:
        return list(facts)
    names = _staging_names()
    if names is None:
        return list(facts)
    texts = {k: join_broken_paragraphs(v) for k, v in texts.items()}
    dates = {f.document: f.document_date for f in facts}
    pending: list[str] = []  # documents that say a staging study is still to come
    for doc, text in texts.items():
        for m in names.finditer(text):
            lo, hi = _sentence_around(text, m.start())
            clause_end = min([i for i in (text.find(";", m.end(), hi), hi) if i >= 0])
            after = text[m.end(): clause_end][:80]
            # (the words before, in the study's own clause: "no lung mets; PET-CT ... no other uptake"
            # does not say the PET-CT is missing)
            before = re.split(r"[;,]", text[max(lo, m.start() - 25): m.start()])[-1]
            if rules.staging_repeat is not None and (rules.staging_repeat.search(m.group(0))
                                                     or rules.staging_repeat.search(before[-15:])):
                continue  # a restaging or a repeat study to come leaves the staging done as it was
            said = after_words.search(after) if after_words is not None else None
            rest = after[said.end():] if said is not None else after
            if said is None and before_words is not None:
                # "awaiting a staging CT", "still no chest CT in hand": at most two words between
                opening = list(before_words.finditer(before))
                if not opening or len(before[opening[-1].end():].split()) > 2:
                    continue
            elif said is None:
                continue
            if rules.staging_result is not None and rules.staging_result.search(rest):
                continue  # "CT chest ordered 12/01 and was negative": the clause gives the result
            pending.append(doc)
            break
    if not pending:
        return list(facts)
    limits = set(rules.rules.staging_limit_cues)

    def before_pending(f: Any) -> bool:
        own = f.document_date
        return any(doc == f.document or (dates.get(doc) is not None and own is not None and own <= dates[doc])
                   for doc in pending)

    out = []
    for f in facts:
        category = getattr(f, "category", None)
        absent = category in claims and (category == "staging_negative" or f.assertion.negated)
        if f.document_type != "imaging" and not f.assertion.superseded and before_pending(f):
            if absent:
                f = _superseded(f, "the chart says the staging study is still to come")
            elif f.kind == "diagnosis" and limits & set(f.cues) and STAGING_TO_COME not in f.cues:
                # "solitary metastasis ... PET CT and CT chest ordered": the team's claim stands as theirs,
                # but no work-up shows the limit yet
                f = f.model_copy(update={"cues": (*f.cues, STAGING_TO_COME)})
        out.append(f)
    return out


STAGING_SPECIMEN = "staging_specimen"


def mark_staging_specimens(facts: Sequence[Any]) -> list[Any]:
    """A pathology report of a staging target that finds no metastasis is a staging result.

    "VATS wedge resection right lower lobe (two subpleural nodules ...)" and "No tumour tissue, in
    particular no metastasis of the known osteosarcoma": the denial is of the lung nodules the staging
    CT left open, not only of the report's own specimen. Its metastasis denials carry the cue
    ``staging_specimen`` (criteria count them as a metastatic work-up).
    """
    categories = set(lesion_rules().rules.staging_specimen_categories)
    if not categories:
        return list(facts)
    staging_docs = {f.document for f in facts if f.document_type == "pathology" and f.kind == "finding"
                    and f.category in categories}
    if not staging_docs:
        return list(facts)
    out = []
    for f in facts:
        if (f.document in staging_docs and f.kind == "diagnosis" and f.category == "metastasis"
                and f.assertion.negated and STAGING_SPECIMEN not in f.cues):
            f = f.model_copy(update={"cues": (*f.cues, STAGING_SPECIMEN)})
        out.append(f)
    return out


def carry_level_relabels(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """A recount one report makes ("the collapsed vertebra is T12, not L1") renumbers the patient's spine
    for the chart: a document that names the old level and never the new one (a referral faxed from the
    first report's count) means the recounted vertebra by it, and its statements move to the new level.
    A document that names both levels knows the recount and keeps its own words."""
    patterns = lesion_rules().level_relabels
    if not patterns:
        return list(facts)
    found: dict[tuple[str, str], set[str]] = {}  # (old, new) -> documents that state the recount
    for doc, text in texts.items():
        for pattern in patterns:
            for m in pattern.finditer(text):
                old, new = m.group("old").upper(), m.group("new").upper()
                if old != new:
                    found.setdefault((old, new), set()).add(doc)
    if not found:
        return list(facts)
    moves: dict[str, dict[str, str]] = {}  # document -> {old: new}
    for (old, new), stating in found.items():
        named_old = re.compile(rf"(?<![\w-]){re.escape(old)}(?![\w-])", re.IGNORECASE)
        named_new = re.compile(rf"(?<![\w-]){re.escape(new)}(?![\w-])", re.IGNORECASE)
        for doc, text in texts.items():
            if doc not in stating and named_old.search(text) and not named_new.search(text):
                moves.setdefault(doc, {})[old] = new
    from mednec.pipeline.facts import parse_levels

    out = []
    for f in facts:
        move = moves.get(f.document)
        if move is not None and hasattr(f, "levels"):
            # (a plan that names its level only in its words, "CORPECTOMY LUMBAR EXTRADURAL (L1)", is read
            # at the level its words give, so those words move too)
            levels = f.levels or (parse_levels(f.evidence[0].text) if f.kind == "plan" else ())
            if any(lv in move for lv in levels):
                f = f.model_copy(update={"levels": tuple(dict.fromkeys(move.get(lv, lv) for lv in levels))})
        out.append(f)
    return out


def _staging_names() -> re.Pattern[str] | None:
    """The names of the staging studies (chest CT, PET-CT, bone scan ...) in the knowledge base."""
    from mednec.pipeline.kb import load_kb

    aliases = [a for c in load_kb() if c.category == "staging_study" for a in c.aliases]
    return word_pattern(aliases) if aliases else None


def _sentence_around(text: str, at: int) -> tuple[int, int]:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, at - 400), at)]
    lo = ends[-1] if ends else max(0, at - 400)
    end = _SENTENCE_END.search(text, at)
    return lo, end.start() if end else len(text)


def apply_undone_studies(facts: Sequence[Any], texts: Mapping[str, str]) -> list[Any]:
    """What the chart claims from a study that a later statement says was never done decides nothing.

    "Her EMG confirms a left sciatic neuropathy", then "ADDENDUM: Correction to the letter above - the
    EMG/NCS has not yet been performed": the claim rests on no study. A fact that cites a study (the
    ``study`` cue) in a sentence naming that study, earlier in the same document or in a document dated
    no later, is superseded. A repeat ("a repeat EMG has not been done") is another study.
    """
    rules = lesion_rules()
    if rules.undone_study is None:
        return list(facts)
    texts = {k: join_broken_paragraphs(v) for k, v in texts.items()}
    names = _study_names()
    dates = {f.document: f.document_date for f in facts}
    undone: list[tuple[str, int, str]] = []  # (document, offset, study concept)
    for doc, text in texts.items():
        for concept, pattern in names.items():
            for m in pattern.finditer(text):
                lo, hi = _sentence_around(text, m.start())
                before = text[lo: m.start()]
                after = text[m.end(): hi]
                if rules.undone_study.search(after[:80]) and not (
                        rules.undone_other is not None and rules.undone_other.search(before[-30:])):
                    undone.append((doc, m.start(), concept))
    if not undone:
        return list(facts)
    out = []
    for f in facts:
        if "study" in f.cues and f.document in texts:
            text = texts[f.document]
            at = _named_at(f)
            lo, hi = _sentence_around(text, at)
            sentence = text[lo:hi]
            for doc, where, concept in undone:
                when, own = dates.get(doc), dates.get(f.document)
                earlier = (doc == f.document and at < where and not lo <= where < hi) or (
                    doc != f.document and when is not None and own is not None and own <= when)
                if earlier and names[concept].search(sentence) and not rules.undone_study.search(sentence):
                    f = _superseded(f, "a later statement says the study was not done")
                    break
        out.append(f)
    return out
