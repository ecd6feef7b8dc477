"""Which tumor a statement is about: the subject of a site, nerve or finding mention.

"Incidental hemangioma in the L2 vertebral body" is about the hemangioma; "the mass abuts the
left acetabular roof" is about the mass. The subject is the diagnosis named with the mention
in its clause (a semicolon or a line break ends a clause); when the clause names a benign
lesion and no tumor, the benign lesion is the subject whatever the word order; otherwise the
nearest diagnosis, the one before the mention winning a tie (a subject precedes its verb).

A sentence's diagnoses are indexed once (:class:`Subjects`), so each statement costs a
binary search, not a pass over its sentence: a long line of findings stays linear.
"""

from __future__ import annotations

import bisect
import re

from mednec.pipeline.lesion_rules import lesion_rules
from mednec.pipeline.resources import rule_cache
from mednec.pipeline.sentence_index import Member

_CLAUSE_BREAKS = ";\n"
_DENIAL_BETWEEN = re.compile(r"(?<![\w-])(?:without|no|nor|not)(?![\w-])", re.IGNORECASE)
_DENIED_BEFORE = re.compile(r"(?<![\w-])(?:without|no|nor)(?:\s+(?:any|other|a|an|definite|discrete))?\s*$",
                            re.IGNORECASE)


def _denied_on(between: str) -> bool:
    """Whether the words between a statement and a diagnosis named after it deny that diagnosis: a
    denial with no clause mark after it ("without mass or nodular enhancement to suggest tumor"),
    not one a comma has closed ("without enhancement or edema, consistent with a bone island")."""
    denials = list(_DENIAL_BETWEEN.finditer(between))
    return bool(denials) and not any(c in between[denials[-1].end():] for c in ",;:")


@rule_cache
def _needs_more() -> frozenset[str]:
    """Words a line cannot end a phrase on: the sentence splitter's dangling words (articles,
    prepositions, conjunctions) and the side words (a side stands before what it sides)."""
    from mednec.pipeline.laterality import laterality_config
    from mednec.pipeline.sentences import sentence_config

    sides = {w for words in laterality_config().sides.values() for w in words if len(w) > 1}
    return frozenset(sentence_config().dangling_words) | sides


def _wrapped(text: str, i: int, end: int) -> bool:
    """Whether the line break at ``i`` only wraps a phrase ("is a typical" / "haemangioma.", "the
    L1" / "vertebral body"): the line ends on a word or a level and the next one goes on in lower
    case, so no clause ends there."""
    if text[i] != "\n":
        return False
    j = i + 1
    while j < end and text[j] in " \t":
        j += 1
    # (a word broken at its hyphen, "supra-" / "acetabular ilium", or a line ending on a comma goes on)
    ends_on_word = i > 0 and (text[i - 1].isalnum() or (text[i - 1] in "-," and i > 1 and text[i - 2].isalpha()))
    if not (ends_on_word and j < end):
        return False
    # a line that ends on a word that needs what follows ("abutting the left" / "S2 nerve root") goes on
    # whatever the case of the next line
    last_word = text[text.rfind(" ", 0, i) + 1: i].strip().lower()
    return text[j].islower() or last_word in _needs_more()


class Subjects:
    """The diagnosis members of one sentence, by clause, ready for nearest-subject look-ups."""

    def __init__(self, text: str, rows: list[Member], sent_start_char: int, sent_end_char: int) -> None:
        rules = lesion_rules().rules
        self.text = text
        self.breaks = [i for i in range(sent_start_char, sent_end_char)
                       if text[i] in _CLAUSE_BREAKS and not _wrapped(text, i, sent_end_char)]
        self.clauses: dict[int, tuple[list[int], list[Member]]] = {}
        grouped: dict[int, list[Member]] = {}
        # (a diagnosis word inside a longer finding is that finding's, not a subject: "a compression
        # lesion of the lower trunk" names the nerve's injury, not a lesion beside it)
        inside = [(m.start, m.end) for m in rows
                  if m.label == "FINDING" and m.category in rules.nerve_injury_categories]
        for m in rows:
            if m.label == "DIAGNOSIS" and any(lo <= m.start and m.end <= hi and (lo, hi) != (m.start, m.end)
                                              for lo, hi in inside):
                continue
            # (a mention the sentence denies is no subject, whatever else qualifies it: "fibrosis encasing
            # the plexus, without mass or nodular enhancement to suggest tumor recurrence")
            if m.label == "DIAGNOSIS" and not m.negated and not _DENIED_BEFORE.search(
                    text[max(sent_start_char, m.span.start_char - 24): m.span.start_char]):
                grouped.setdefault(self.clause_of(m.span.start_char), []).append(m)
        for k, members in grouped.items():
            benign = [m for m in members if m.category in rules.benign_categories]
            tumor = any(m.category in rules.tumor_categories for m in members)
            pool = sorted(benign if benign and not tumor else members, key=lambda m: m.start)
            self.clauses[k] = ([m.start for m in pool], pool)

    def clause_of(self, char: int) -> int:
        """The index of the clause that holds character ``char``."""
        return bisect.bisect_right(self.breaks, char)

    def subject(self, first: int, last: int, start_char: int) -> Member | None:
        """The diagnosis member the mention over tokens [first, last) is about."""
        found = self.clauses.get(self.clause_of(start_char))
        if not found:
            return None
        starts, pool = found
        i = bisect.bisect_left(starts, first)
        best = None
        for j in (i - 1, i - 2, i, i + 1):  # the neighbours either side, skipping the mention itself
            if not 0 <= j < len(pool):
                continue
            m = pool[j]
            if m.start >= first and m.end <= last:
                continue
            if m.start >= last and _denied_on(self.text[m.span.doc[last - 1].idx: m.span.start_char]):
                continue  # "encasing the plexus, without mass ... to suggest tumor": named only to be denied
            key = (first - m.end, 0) if m.end <= first else (m.start - last, 1)
            if best is None or key < best[0]:
                best = (key, m)
        return best[1] if best else None


_CLAUSE_EDGE = re.compile(r"[;,]|\b(?:and|while|but|whereas)\b", re.I)
_GENERIC_NERVE = re.compile(r"(?<![\w-])([A-Za-z][\w-]*)\s+(?:nerves?|n\.|nn\.|branch(?:es)?|rami|ramus)(?![\w])", re.I)
_NOT_A_NAME = frozenset({"the", "this", "that", "these", "those", "a", "an", "its", "his", "her", "their", "all",
                         "any", "no", "each", "both", "involved", "encased", "affected", "same"})
OTHER_NERVE = "other_named_nerve"
# the target of a plan whose subject is tumor or other tissue, never a nerve
TISSUE = "tissue"
_REACH = 240
_WORD = re.compile(r"[A-Za-z][\w-]*")
# words that stand before "nerve" without naming one ("plan for nerve resection", "planned nerve sacrifice")
_PLAN_WORDS = frozenset({"plan", "planned", "planning", "possible", "potential", "primary", "intraoperative",
                         "formal", "deliberate", "complete", "partial", "major", "main",
                         "named", "sacrificed", "resected", "preserved", "spared", "encased", "involved"})


def _tissue_subject(text: str, lo: int, nerve_start: int) -> bool:
    """Whether the clause opening at ``lo`` has a tissue head ("the lobule", "the mass") whose
    noun phrase ends before the nerve named at ``nerve_start`` ("... in the sciatic foramen")."""
    cfg = lesion_rules().rules.plan_object
    words = re.findall(r"[A-Za-z][\w-]*", text[lo:nerve_start])
    for i, w in enumerate(words):
        if w.lower() in cfg.np_boundaries:
            return i > 0 and words[i - 1].lower() in cfg.tissue_heads
    return False


def _tissue_head_before(text: str, lo: int, start_char: int, end_char: int) -> bool:
    """Whether a cue that names no nerve ("resected with the specimen") has tissue as its subject:
    the last word of the clause before it, past auxiliaries, is a tissue head."""
    cfg = lesion_rules().rules.plan_object
    if re.search(rf"\b(?:{'|'.join(map(re.escape, cfg.nerve_words))})(?![\w])", text[start_char:end_char], re.I):
        return False
    # a parenthesis inside the subject ("the prior contaminated field (capsular breach 2021)") is an aside
    clause = re.sub(r"\([^()]*\)", " ", text[lo:start_char])
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w-]*", clause)]
    while words and (words[-1] in cfg.auxiliaries or words[-1].endswith("ly")):
        words.pop()
    if not words:
        return False
    if words[-1] in cfg.tissue_heads:
        return True
    # a named subject that no nerve word names ("the contaminated field must be included in the
    # resection") is not a nerve: a nerve is named as one, or by the knowledge base (read before this)
    from mednec.pipeline.respell_vocab import vocabulary

    head = words[-1]
    return (head not in vocabulary().stop and head not in cfg.nerve_words and head not in _PLAN_WORDS
            and len(head) > 2 and not any(w in cfg.nerve_words for w in words))


_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their", "this", "that", "both", "left", "right"})


def _object_after(text: str, start_char: int, end_char: int, hi: int) -> str | None:
    """What the cue's own "of" phrase names first: "tissue" ("sparing of the gluteal muscles" keeps
    muscles, whatever nerve the rest of the sentence names), "nerve" ("preservation of the nerve"
    keeps a nerve, never the tissue named before the cue), or None (no such phrase)."""
    cfg = lesion_rules().rules.plan_object
    cue = re.findall(r"[A-Za-z]+", text[start_char:end_char])
    if not cue:
        return None
    words = [w.lower() for w in re.findall(r"[A-Za-z][\w.-]*", text[end_char:min(hi, end_char + 80)])][:6]
    if cue[-1].lower() in cfg.object_verbs and words and words[0] in _DETERMINERS:
        words = ["of", *words]  # "preserving the plexus": the verb's object, as "preservation of the plexus"
    elif cue[-1].lower() not in cfg.object_of_nouns:
        return None
    if not words or words[0] != "of":
        return None
    for w in words[1:]:
        if w in cfg.nerve_words or w.rstrip(".") in cfg.nerve_words:
            return "nerve"
        w = w.rstrip(".")
        if w in cfg.np_boundaries:
            return None
        if w in cfg.tissue_heads:
            return "tissue"
    return None


def plan_target(text: str, rows: list[Member], start_char: int, end_char: int, sent_start: int,
                sent_end: int) -> str | None:
    """The concept of :func:`plan_target_member` (see there)."""
    return plan_target_member(text, rows, start_char, end_char, sent_start, sent_end)[0]


def _subjectless(segment: str) -> bool:
    """Whether a clause opens on a participle or nothing, so it shares the subject of the clause
    before it: "the C6 root will be identified ..., freed of tumour and preserved"."""
    words = _WORD.findall(segment)
    openers = lesion_rules().rules.plan_object.shared_subject_openers
    return not words or words[0].lower() in openers or (
        len(words[0]) > 4 and words[0].lower().endswith(("ed", "en")) and words[0].islower())


def _clause_edges(text: str, lo: int, hi: int) -> list[re.Match[str]]:
    """The clause edges of ``text[lo:hi]`` outside brackets: "The left brachial plexus (trunks and cords,
    C5-T1) will be resected" is one clause, whatever its parenthesis lists."""
    depth, inside = 0, []
    for ch in text[lo:hi]:
        if ch == "(":
            depth += 1
        elif ch == ")" and depth:
            depth -= 1
        inside.append(depth > 0)
    return [m for m in _CLAUSE_EDGE.finditer(text, lo, hi) if not inside[m.start() - lo]]


def plan_target_member(text: str, rows: list[Member], start_char: int, end_char: int, sent_start: int,
                       sent_end: int) -> tuple[str | None, Member | None]:
    """The nerve a planned sacrifice or preservation acts on: the nerve named nearest to it in its
    clause ("the obturator nerve will be sacrificed" -> the obturator nerve's concept). A nerve the
    knowledge base does not name ("the posterior femoral cutaneous n.") is another named nerve; a
    bare "the nerve" names none (None: the statement points back at the nerve under discussion);
    a clause whose subject is tissue located at the nerve ("the lobule in the sciatic foramen will
    be taken with the specimen") acts on no nerve (:data:`TISSUE`)."""
    # a clause is read at most _REACH characters either side, so a long line stays linear
    left_start = max(sent_start, start_char - _REACH)
    cuts = [m.end() for m in _clause_edges(text, left_start, start_char)]
    lo = cuts[-1] if cuts else left_start
    # coordinated predicates share their subject: walk back over clauses that open on a participle
    edges = [left_start, *cuts]
    i = len(edges) - 1
    # (a cue that opens a clause after a semicolon is that clause's subject: "...; sacrifice is not
    # planned" shares no subject with the clause before)
    opens_own = bool(cuts) and text[cuts[-1] - 1] == ";" and not text[cuts[-1]:start_char].strip()
    while i > 0 and not opens_own and _subjectless(
            text[edges[i]:start_char if i == len(edges) - 1 else edges[i + 1]]):
        i -= 1
    walked = False
    if i < len(edges) - 1 and not any(m.label == "NERVE" and lo <= m.span.start_char < end_char for m in rows):
        lo = edges[i]
        walked = True
    sent_end = min(sent_end, end_char + _REACH)
    right = next(iter(_clause_edges(text, end_char, sent_end)), None)
    hi = right.start() if right else sent_end
    obj = _object_after(text, start_char, end_char, hi)
    if obj == "tissue":
        return TISSUE, None  # "sparing of the gluteal muscles ... the sciatic nerve"
    best = None
    for m in rows:
        if m.label != "NERVE":
            continue
        ms, me = m.span.start_char, m.span.end_char
        if me <= lo or ms >= hi or (obj == "nerve" and ms < end_char):
            continue  # "... at the sciatic notch with preservation of the nerve": the nerve after it
        dist = (max(0, start_char - me), 0) if ms < start_char else (max(0, ms - end_char), 1)
        if walked and ms < start_char:
            # a predicate that shares its subject ("The left sciatic nerve will be mobilized from the tumor
            # at the notch and preserved") acts on that subject: the first nerve of the clause it shares
            dist = (-1, -ms) if best is None or best[0][0] != -1 else best[0]
        if best is None or dist < best[0]:
            best = (dist, m.concept, ms, m)
    if best is not None:
        if best[0][1] == 0 and _tissue_subject(text, lo, best[2]):
            return TISSUE, None
        return best[1], best[3]
    if obj != "nerve" and _tissue_head_before(text, lo, start_char, end_char):
        return TISSUE, None  # "the posterior trochanteric cortex will be resected with the specimen"
    from mednec.pipeline.respell_vocab import vocabulary

    stop = vocabulary().stop  # "plan for nerve resection": a function word names no nerve
    segments = (text[start_char:hi],) if obj == "nerve" else (text[lo:end_char], text[start_char:hi])
    for segment in segments:
        for g in _GENERIC_NERVE.finditer(segment):
            word = g.group(1).lower()
            if word not in _NOT_A_NAME and word not in stop and word not in _PLAN_WORDS:
                return OTHER_NERVE, None
    return None, None
