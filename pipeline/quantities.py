"""Numbers the criteria compare, read from words and digits near a finding.

Cycles of chemotherapy ("3 cycles", "three cycles", "x3", "after cycle 3"), durations in
weeks ("8 wks", "two months of PT", "since 07/2025"), scores (ECOG, KPS, SINS), expected
survival with its comparator ("well beyond 3 months"), and percentages.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from mednec.pipeline.doctype import find_dates, find_months
from mednec.pipeline.resources import load_yaml, rule_cache
from mednec.pipeline.sentmap import sent_of
from pydantic import BaseModel, ConfigDict
from spacy.tokens import Span

_X_RE = re.compile(r"^[x×](\d{1,2})$", re.I)
_CYCLE_TOKEN_RE = re.compile(r"^C(\d{1,2})$")
_NUM_RE = re.compile(r"^\d+(?:\.\d+)?$")
_PERCENT_RE = re.compile(r"^(\d{1,3}(?:\.\d+)?)%$")
# "6/52" (weeks), "3/12" (months), "10/7" (days): the British chart notation for durations
_FRACTION_RE = re.compile(r"^(\d{1,2})/(52|12|7)$")
_FRACTION_WEEKS = {"52": 1.0, "12": 4.345, "7": 1 / 7}


class QuantityConfig(BaseModel):
    """Schema of ``quantities.yaml``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    number_words: dict[str, float]
    duration_units: dict[str, float]
    cycle_units: list[str]
    cycle_done_words: frozenset[str] = frozenset()
    cycle_range_words: frozenset[str] = frozenset()
    cycle_aux_words: frozenset[str] = frozenset()
    milestone_words: frozenset[str] = frozenset()
    future_cues: frozenset[str] = frozenset()
    session_units: list[str]
    effect_words: list[str] = []
    effect_stop_words: list[str] = []
    effect_verbs: list[str] = []
    subject_verbs: list[str] = []
    cycle_modifiers: frozenset[str] = frozenset()
    list_heading_categories: frozenset[str] = frozenset()
    age_before: frozenset[str] = frozenset()
    person_nouns: frozenset[str] = frozenset()
    unserved_before: list[str] = []
    unserved_after: list[str] = []
    regimen_marks: list[str] = []
    given_marks: list[str] = []
    start_words: list[str] = []
    # a rate, not a duration: "600 mg three times a day", "twice per week"
    frequency_words: frozenset[str] = frozenset()
    rate_words: frozenset[str] = frozenset()
    # words that join the two dates of a course ("from 12/01/25 to 02/09/26")
    range_words: frozenset[str] = frozenset()
    comparators: dict[str, list[str]]
    survival_bare_units: dict[str, float | None]
    size_units: dict[str, float] = {}
    size_reach_words: int = 4
    size_after_words: frozenset[str] = frozenset()


@rule_cache
def quantity_config() -> QuantityConfig:
    """The validated quantity vocabulary."""
    return load_yaml("quantities.yaml", QuantityConfig)


@dataclass(frozen=True)
class Quantity:
    """A number found near a finding, with its comparator and unit."""

    value: float
    comparator: str = "="
    unit: str | None = None
    start: int = 0  # token index where the expression starts
    end: int = 0
    # a count said done out of a planned total ("5 of 6 planned cycles given"): the plan is the total's
    done_of_planned: bool = False


def _number(text: str) -> float | None:
    low = text.lower()
    if _NUM_RE.match(low):
        return float(low)
    return quantity_config().number_words.get(low)


def _comparator_before(tokens: list[str], i: int) -> str:
    """The comparator written just before token ``i`` (up to 4 tokens), or '='."""
    # words, not tokens: a wrap between "under" and "three months" is a whitespace token
    words = [t for t in tokens[max(0, i - 8) : i] if t.strip()][-4:]
    window = " ".join(words).lower()
    best, best_len = "=", 0
    for comp, phrases in quantity_config().comparators.items():
        for phrase in phrases:
            if window.endswith(phrase) and len(phrase) > best_len:
                best, best_len = comp, len(phrase)
    return best


def _sentence_tokens(span: Span) -> tuple[Span, list[str]]:
    sent = sent_of(span)
    return sent, [t.text for t in sent]


def _age_after(toks: list[str], i: int) -> bool:
    """Whether the unit at ``toks[i]`` is followed by "old" (past hyphens and line breaks)."""
    j = i + 1
    while j < len(toks) and (not toks[j].strip() or toks[j] == "-"):
        j += 1
    return j < len(toks) and toks[j].lower() == "old"


def durations(span: Span) -> list[Quantity]:
    """Durations (in weeks) in the sentence of ``span``: "9 weeks", "two months", "x 8 wks"."""
    cfg = quantity_config()
    sent, toks = _sentence_tokens(span)
    out = []
    for i, tok in enumerate(toks):
        frac = _FRACTION_RE.match(tok)
        nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
        prv = toks[i - 1].lower() if i > 0 else ""
        # "6/52 of physio", "x 6/52", "for 3/12": not a date or a pain score
        if frac and (nxt in ("of", "weeks", "wks", "months", "duration")
                     or prv in ("x", "for", "over", "past", "last")):
            out.append(Quantity(float(frac.group(1)) * _FRACTION_WEEKS[frac.group(2)], _comparator_before(toks, i),
                                "weeks", sent.start + i, sent.start + i + 1))
            continue
        unit = cfg.duration_units.get(tok.lower().rstrip("."))
        if unit is None or i == 0:
            continue
        if _age_after(toks, i):
            continue  # "34 yr old lady", "a 6 month old": an age, not how long anything lasted
        if _effect_after(toks, i, cfg.effect_words, cfg.effect_stop_words):
            continue  # "two weeks of partial relief": how long it helped, not how long it was given
        j = i - 1
        while j > 0 and not toks[j].strip():  # "12\nmonths": a line wrapped between number and unit
            j -= 1
        if toks[j] in ("-", "+") and j > 0:  # "6-12 weeks": the first number of a range
            j -= 1
        if j >= 2 and toks[j - 1] in ("-", "to") and _number(toks[j - 2]) is not None:
            j -= 2
        n = _number(toks[j])
        if n is None:
            continue
        if _age_around(toks, j, i, cfg):
            continue  # "a woman of 71 years", "aged 64 years", "58 years of age": an age
        if _effect_before(toks, j, cfg.effect_verbs) or _effect_lasted(toks, j, cfg):
            continue  # "an injection that helped for about ten days": how long it helped
        if _effect_before(toks, j, cfg.unserved_before) or _word_after(toks, i) in cfg.unserved_after:
            continue  # "waiting six weeks for conservative care", "the six-week requirement": no course given
        if toks[j].lower() in cfg.rate_words and j > 0 and toks[j - 1].lower() in cfg.frequency_words:
            continue  # "three times a day", "twice per week": how often, not how long
        comparator = _comparator_before(toks, j)
        if comparator == ">" and _span_of_sessions(toks, j):
            comparator = "="  # "7 visits over 4 weeks": the weeks the visits took, not more than 4
        out.append(Quantity(n * unit, comparator, "weeks", sent.start + j, sent.start + i + 1))
    return out


def _word_after(toks: list[str], i: int) -> str:
    """The first word after the unit at ``toks[i]`` (past spaces and a hyphen), lower case."""
    j = i + 1
    while j < len(toks) and (not toks[j].strip() or toks[j] == "-"):
        j += 1
    return toks[j].lower() if j < len(toks) else ""


def _effect_after(toks: list[str], i: int, effects: list[str], stops: list[str]) -> bool:
    """Whether the unit at ``toks[i]`` is followed by "of" and (past at most two words) an effect word."""
    words = [t.lower() for t in toks[i + 1: i + 8] if t.strip()][:3]
    if not words or words[0] != "of":
        return False
    for w in words[1:]:  # "of partial relief"; not "of PT without relief"
        if w in effects:
            return True
        if not w.isalpha() or w in stops:
            return False
    return False


# words that may stand between a verb and the number it measures ("helped for about ten days")
_FILLERS = frozenset({"for", "about", "around", "approximately", "approx", "only", "just", "roughly", "~", "some"})


def _effect_before(toks: list[str], j: int, verbs: list[str]) -> bool:
    """Whether a verb of what a treatment did stands before the number at ``toks[j]``, with only
    "for", "about", "only" and the like between ("helped for about ten days", "relief lasting 2 weeks")."""
    words = [t.lower() for t in toks[max(0, j - 5): j] if t.strip()][-4:]
    # (and the preposition of a plan's horizon: "reassess after 6 weeks", "follow up in 6 weeks")
    between = _FILLERS | {"after", "in", "within", "up"}
    for w in reversed(words):
        if w in verbs:
            return True
        if w not in between:
            return False
    return False


def _age_around(toks: list[str], j: int, i: int, cfg: QuantityConfig) -> bool:
    """Whether the duration from ``toks[j]`` to the unit at ``toks[i]`` is a person's age: "aged 64 years",
    "a woman of 71 years" (a word of ``age_before`` just before the number, or a person and "of"), or
    "58 years of age" ("of age" after the unit)."""
    before = [t.lower() for t in toks[max(0, j - 4): j] if t.strip()]
    after = [t.lower() for t in toks[i + 1: i + 5] if t.strip()]
    if before and before[-1] in cfg.age_before:
        return True
    if len(before) >= 2 and before[-1] == "of" and before[-2] in cfg.person_nouns:
        return True
    return after[:2] == ["of", "age"]


def _past_modifiers(toks: list[str], j: int, cfg: QuantityConfig) -> int:
    """The index of the word before up to three modifiers of a cycle unit ending at ``toks[j]``: a
    regimen's name in capitals ("MAP", "VDC/IE") or a word of ``cycle_modifiers`` ("induction"); ``j``
    itself when ``toks[j]`` is none."""
    k, seen = j, 0
    while k > 0 and seen < 3:
        tok = toks[k]
        if not tok.strip() or (tok in ("/", "-", "+") and seen):  # "VDC/IE": a regimen's parts
            k -= 1
            continue
        regimen = len(tok) >= 2 and tok.replace("/", "").replace("-", "").isalnum() and tok.isupper()
        if not (regimen or tok.lower() in cfg.cycle_modifiers):
            break
        k, seen = k - 1, seen + 1
    while k > 0 and not toks[k].strip():
        k -= 1
    return k if seen else j


def _effect_lasted(toks: list[str], j: int, cfg: QuantityConfig) -> bool:
    """Whether the number at ``toks[j]`` follows a verb whose subject says what lasted ("relief lasted
    2 weeks", "the benefit lasting about ten days"): an effect word as that subject makes it how long the
    effect lasted; a therapy as the subject ("conservative treatment has so far lasted about four
    weeks") makes it how long the therapy was given."""
    words = [t.lower() for t in toks[max(0, j - 12): j] if t.strip()]
    k = len(words) - 1
    while k >= 0 and words[k] in _FILLERS:
        k -= 1
    if k < 0 or words[k] not in cfg.subject_verbs:
        return False
    return any(w in cfg.effect_words for w in words[max(0, k - 4): k])


def _span_of_sessions(toks: list[str], i: int) -> bool:
    """Whether the number at ``toks[i]`` follows "over" after a count of sessions: "7 visits over 4
    weeks", "12 sessions of PT over six weeks" (the time the sessions took)."""
    words = [t.lower() for t in toks[max(0, i - 8): i] if t.strip()]
    if not words or words[-1] != "over":
        return False
    units = set(quantity_config().session_units)
    return any(w in units for w in words[-5:-1])


def range_duration(span: Span) -> Quantity | None:
    """"PT from 12/01/25 to 02/09/26", "from November 2025 through 01/23/2026": the weeks between two
    dates that the sentence joins as a course. A start month with no day counts from its last day (the
    shortest course the words allow); an end month with no day gives no duration ("from August to
    September" may be four weeks or eight)."""
    import calendar

    text = sent_of(span).text
    words = quantity_config().range_words
    dates = find_dates(text)
    months = [(lo, hi, dt.date(y, m, calendar.monthrange(y, m)[1]), False) for lo, hi, y, m in find_months(text)
              if not any(s <= lo < e for s, e, _ in dates)]
    points = sorted([*((s, e, d, True) for s, e, d in dates), *months])
    for (_s1, e1, d1, _), (s2, _e2, d2, has_day) in zip(points, points[1:], strict=False):
        between = text[e1:s2].strip().lower()
        if between in words and d2 > d1 and has_day:
            return Quantity(round((d2 - d1).days / 7, 1), "=", "weeks")
    return None


def since_duration(span: Span, doc_date: dt.date | None) -> Quantity | None:
    """"since 07/2025": weeks from that date to the document date (the start nearest the span, when
    the sentence lists several courses: "physiotherapy since September, pregabalin since October")."""
    if doc_date is None:
        return None
    sent = sent_of(span)
    text = sent.text
    at = span.start_char - sent.start_char
    starts = set(quantity_config().start_words) or {"since"}
    months = find_months(text)
    found: list[tuple[int, float]] = []
    # "on pregabalin from August 2025" (a month named in words, after any start word, no range after it),
    # then "since 07/2025": the first of that month, to the document's date
    for named in (True, False):
        for lo, hi, year, month in months:
            if text[lo].isdigit() == named:
                continue
            before = text[:lo].split()
            if not before or before[-1].lower() not in (starts if named else {"since"}):
                continue
            if named and re.match(r"\s*(?:-|to|until|through)\b", text[hi:], re.IGNORECASE):
                continue
            weeks = (doc_date - dt.date(year, month, 1)).days / 7
            if weeks > 0:
                found.append((abs(lo - at), round(weeks, 1)))
        if found:
            break
    if not found:
        range_words = quantity_config().range_words
        for s, e, d in find_dates(text):
            # "since 12/22/2025", "PT started 2025/12/22": a course from that day to the document's
            # date; "from 12/01/25 to 02/09/26" is a range, read as such elsewhere
            before = text[max(0, s - 12): s].lower().split()
            after = text[e: e + 8].lower().split()
            if before and before[-1] in starts and not (after and after[0] in range_words):
                weeks = (doc_date - d).days / 7
                if weeks > 0:
                    found.append((abs(s - at), round(weeks, 1)))
    if not found:
        return None
    return Quantity(min(found)[1], "=", "weeks")


def cycles(span: Span, future: bool = False) -> list[Quantity]:
    """Cycle counts in the sentence of ``span``: "3 cycles", "three courses", "x3", "cycle 3", "C3"
    (``future``: the sentence stands in a plan, so a count after a milestone word is ahead)."""
    cfg = quantity_config()
    sent, toks = _sentence_tokens(span)
    out = []
    units = set(cfg.cycle_units)
    for i, tok in enumerate(toks):
        low = tok.lower()
        m = _X_RE.match(low)
        if m:
            out.append(Quantity(float(m.group(1)), "=", "cycles", sent.start + i, sent.start + i + 1))
            continue
        if low in units:
            given = _given_of_total(toks, i, cfg)
            if given is not None:
                out.append(Quantity(given, "=", "cycles", sent.start + i, sent.start + i + 1, done_of_planned=True))
                continue
            j = i - 1
            while j > 0 and not toks[j].strip():  # "(2\ncycles": a line wrapped between number and unit
                j -= 1
            n = _number(toks[j]) if j >= 0 else None
            if n is None:
                j = _past_modifiers(toks, j, cfg)  # "both induction MAP cycles", "two neoadjuvant VDC/IE courses"
                n = _number(toks[j]) if j >= 0 else None
            if n is not None:
                if _prescribed(toks, j, cfg):
                    continue  # "VDC/IE x 6 cycles per medical oncology": the course planned
                out.append(Quantity(n, _comparator_before(toks, j), "cycles", sent.start + j, sent.start + i + 1))
                continue
            # "cycle 3", "cycles 1-4": the number follows
            if i + 1 < len(toks) and low in ("cycle", "course", "cycles"):
                nums = [_number(t) for t in toks[i + 1 : i + 4] if _number(t) is not None]
                # "completed cycles 1-4", or a range reported done after it ("cycles 1 through 6
                # completed", "cycles 1 to 3 were given"): the last cycle numbered
                j = i + 1  # past the range and an auxiliary, across a line wrap
                while j < len(toks) and (_number(toks[j]) is not None or toks[j].lower() in cfg.cycle_range_words
                                         or not toks[j].strip()):
                    j += 1
                while j < len(toks) and (toks[j].lower() in cfg.cycle_aux_words or not toks[j].strip()) and j < i + 10:
                    j += 1
                done_after = j < len(toks) and toks[j].lower() in cfg.cycle_done_words
                before = toks[i - 1].lower() if i > 0 else ""
                if nums and (before in ("after", "completed", "post", "following", "through", "of")
                             or (low != "cycle" and len(nums) >= 2 and done_after)):
                    out.append(Quantity(max(nums), "=", "cycles", sent.start + i, sent.start + i + 2))
        mc = _CYCLE_TOKEN_RE.match(tok)
        before = "".join(toks[max(0, i - 3) : i]).lower()
        if mc and i > 0 and (toks[i - 1].lower() in ("after", "post", "s/p", "completed", "through")
                             or before.endswith("s/p")):
            out.append(Quantity(float(mc.group(1)), "=", "cycles", sent.start + i, sent.start + i + 1))
    if out and (future or any(t.lower() in cfg.future_cues for t in toks)):
        # "surgery is anticipated in May, after 2 cycles of MAP": a count after "after" in a
        # sentence about the future is a milestone ahead, not cycles given
        out = [q for q in out if not _milestone(toks, q.start - sent.start, cfg)]
    return out


def _prescribed(toks: list[str], j: int, cfg: QuantityConfig) -> bool:
    """Whether the count at ``toks[j]`` is a regimen's prescribed total ("x 6 cycles"), the sentence
    saying nothing of cycles given (no done word, no "s/p" or "completed" before it)."""
    k = j - 1
    while k >= 0 and not toks[k].strip():
        k -= 1
    if k < 0 or toks[k].lower() not in cfg.regimen_marks:
        return False
    words = [t.lower() for t in toks if t.strip()]
    text = " ".join(words)
    return not any(w in cfg.cycle_done_words for w in words) and not any(
        re.search(rf"(?<![\w/]){re.escape(m)}(?![\w/])", text) for m in cfg.given_marks)


def _given_of_total(toks: list[str], i: int, cfg: QuantityConfig) -> float | None:
    """"5 of 6 planned induction cycles given": the count given (5) before "of" and the total, when the
    unit at ``i`` is said done (a done word after it, across a parenthesis-free run of a few words)."""
    words = [(k, t) for k, t in enumerate(toks[max(0, i - 6): i]) if t.strip()]
    texts = [t.lower() for _, t in words]
    for k in range(len(texts) - 2):
        if texts[k + 1] == "of" and _number(texts[k]) is not None and _number(texts[k + 2]) is not None:
            after = [t.lower() for t in toks[i + 1: i + 5] if t.strip()]
            before = texts[max(0, k - 2): k]  # "received 5 of 6 planned cycles"
            if any(t in cfg.cycle_done_words for t in after[:3] + before):
                return _number(texts[k])
    return None


def _milestone(toks: list[str], i: int, cfg: QuantityConfig) -> bool:
    """Whether the count at token ``i`` follows a milestone word ("after", "once") within 3 words."""
    near = [t.lower() for t in toks[max(0, i - 4): i + 1] if t.strip()][-4:]
    return any(t in cfg.milestone_words for t in near)


def score_after(span: Span, *, prefer_equals: bool = False, max_gap: int = 5) -> Quantity | None:
    """The score written after ``span`` ("ECOG 1", "KPS of 60%", "SINS ... = 14")."""
    sent = sent_of(span)
    toks = [t.text for t in sent]
    rel_end = span.end - sent.start
    if prefer_equals:
        for i in range(len(toks) - 2, rel_end - 1, -1):
            if toks[i] == "=" and _number(toks[i + 1]) is not None:
                return Quantity(_number(toks[i + 1]) or 0, "=", "score", sent.start + i, sent.start + i + 2)
    for i in range(rel_end, min(len(toks), rel_end + max_gap)):
        t = toks[i]
        pm = _PERCENT_RE.match(t)
        n = float(pm.group(1)) if pm else _number(t)
        if n is None:
            continue
        # a range "0-1": the worse (higher) value
        if i + 2 < len(toks) and toks[i + 1] in ("-", "to") and _number(toks[i + 2]) is not None:
            n = max(n, _number(toks[i + 2]) or n)
        return Quantity(n, _comparator_before(toks, i), "score", sent.start + i, sent.start + i + 1)
    return None


def survival(span: Span) -> Quantity | None:
    """Expected survival in months with its comparator, anywhere in the sentence of ``span``."""
    cfg = quantity_config()
    sent = sent_of(span)
    toks = [t.text for t in sent]
    best: Quantity | None = None
    cands = [Quantity(round(q.value / 4.345, 2), q.comparator, "months", q.start, q.end) for q in durations(span)]
    # an estimate given twice after its own word, as a range and then a bound ("survival in weeks to a
    # few months, likely less than 3 months"), is as long as its shortest reading: the least it promises
    # (in the estimate's own clause: "at least 18 months; he is clearly not in the less than 3 months
    # group" and "well over 6 months; resume the drug 3-4 wks post-op" end it at the semicolon)
    doc = span.doc
    after = [c for c in sorted(cands, key=lambda c: c.start) if c.start >= span.start]
    after = [c for c in after if not any(t.text == ";" for t in doc[after[0].start: c.start])] if after else after
    if len(after) > 1:
        return min(after, key=lambda c: (c.value, c.comparator not in ("<", "<=")))
    for cand in cands:
        if best is None or abs(cand.start - span.start) < abs(best.start - span.start):
            best = cand
    if best is not None:
        return best
    low = " ".join(t.lower() for t in toks)
    for phrase, months in sorted(cfg.survival_bare_units.items(), key=lambda kv: -len(kv[0])):
        # (a quantifier may stand before the unit: "likely many years", "is several weeks")
        if months is not None and re.search(rf"\b(?:is|are|of|in|be|measured in|likely)\s+(?:(?:many|several|"
                                            rf"a few|some|multiple)\s+)?{re.escape(phrase)}\b", low):
            return Quantity(months, "<" if months < 3 else ">", "months", sent.start, sent.end)
    return None


_GLUED_SIZE_RE = re.compile(r"^(\d+(?:\.\d+)?)([a-z]+)$", re.I)
_TIMES = frozenset({"x", "×", "by"})


def _size_ending_at(toks: list, j: int, units: dict[str, float]) -> tuple[float, int] | None:
    """The largest dimension (mm) of a measurement whose unit is token ``j`` ("8.1 x 5.3 x 6.6 cm",
    "6 mm", "6mm"), and the index of its first token; None when token ``j`` ends no measurement."""
    word = toks[j].lower_
    glued = _GLUED_SIZE_RE.match(word)
    if glued and glued.group(2) in units:
        values, k = [float(glued.group(1))], j
        factor = units[glued.group(2)]
    elif word in units and j > 0 and _NUM_RE.match(toks[j - 1].text):
        values, k, factor = [float(toks[j - 1].text)], j - 1, units[word]
    elif word in units and j > 1 and toks[j - 1].text == "-" and _NUM_RE.match(toks[j - 2].text):
        values, k, factor = [float(toks[j - 2].text)], j - 2, units[word]  # "12-mm"
    else:
        return None
    # earlier dimensions: "8.1 x 5.3 x" (a unit may repeat: "3 cm x 2 cm")
    while k >= 2 and toks[k - 1].lower_ in _TIMES:
        i = k - 2
        if toks[i].lower_ in units and i > 0:
            i -= 1
        if not _NUM_RE.match(toks[i].text):
            break
        values.append(float(toks[i].text))
        k = i
    return max(values) * factor, k


def size_of(span: Span) -> float | None:
    """The measurement a lesion mention carries, as its largest dimension in millimetres.

    Read before the noun across adjectives only ("a 6 mm round sclerotic focus", "8 x 5 cm
    lobulated mass"), or right after it ("bone island measuring 6 mm", "mass (4.1 cm)"). A
    measurement separated by a function word ("a 4 cm area of enhancement within the mass")
    sizes something else. None when the mention carries none.
    """
    cfg = quantity_config()
    units = cfg.size_units
    sent, _ = _sentence_tokens(span)
    toks = list(sent)
    lo, hi = span.start - sent.start, span.end - sent.start
    words = 0
    j = lo - 1
    while j >= 0:
        t = toks[j]
        found = _size_ending_at(toks, j, units)
        if found is not None:
            return found[0]
        if t.text == "-" or t.text == "–" or t.is_space:  # a hyphen or a line wrap inside the phrase
            j -= 1
            continue
        if not t.is_alpha or t.is_stop or t.lower_ in units:
            break
        words += 1
        if words > cfg.size_reach_words:
            break
        j -= 1
    j, skipped = hi, 0
    while j < len(toks) and skipped <= 3:
        end = j
        # the measurement after the noun: its unit within the next few tokens
        for k in range(j, min(j + 8, len(toks))):
            found = _size_ending_at(toks, k, units)
            if found is not None and found[1] == end:
                return found[0]
        if toks[j].lower_ not in cfg.size_after_words:
            break
        j += 1
        skipped += 1
    return None


def percent_near(span: Span) -> Quantity | None:
    """The percentage nearest to ``span`` in its sentence ("95% necrosis", "necrosis of 60%")."""
    sent = sent_of(span)
    texts, percents = _sentence_percents(sent)
    best = None
    for i, value in percents:
        dist = abs(i - span.start)
        if best is None or dist < best[0]:
            best = (dist, i, value)
    if best is None:
        return None
    _, i, value = best
    return Quantity(value, _comparator_before(texts, i - sent.start), "percent", i, i + 1)


def _sentence_percents(sent: Span) -> tuple[list[str], list[tuple[int, float]]]:
    """The token texts of ``sent`` and its percentages (token index, value), read once per sentence:
    every finding of a long line asks for them."""
    memo = sent.doc.user_data.setdefault("mednec_percent_memo", {})
    key = (sent.start, sent.end)
    if key not in memo:
        texts = [t.text for t in sent]
        found = []
        for k, text in enumerate(texts):
            m = _PERCENT_RE.match(text)
            value = float(m.group(1)) if m else None
            if value is None and texts[k + 1:k + 2] in (["%"], ["percent"]) and _NUM_RE.match(text):
                value = float(text)
            if value is not None:
                found.append((sent.start + k, value))
        memo[key] = (texts, found)
    return memo[key]
