"""The lesions of a case: which tumor each statement is about, and which one the request treats.

Facts are mentions; a reviewer reads lesions. This case-level pass gathers the diagnosis
mentions of a case into lesions and gives each site, nerve and finding fact the lesion its
subject belongs to (:mod:`mednec.pipeline.subjects`):

- a benign, non-aggressive lesion (a hemangioma, a bone island, an enchondroma) named beside
  a tumor is *incidental*: its own lesion, one per kind and side;
- every other tumor mention, and the generic "mass"/"lesion", belongs to the *index* lesion,
  the tumor the procedure treats; without any tumor in the chart the benign lesion is the
  index (it is what the request is about, and POLICY makes it A1 not met);
- for a spine request, the index lesion sits at the levels of the planned spinal resection and
  of the pathology specimen; a vertebral site described at other levels only belongs to
  another lesion (*other_level*) when those levels are known;
- when the plan resects in several spinal regions (a thoracic and a lumbar corpectomy) and the
  code operates on some of them, the code's index lesion is the one planned in its regions:
  every statement that names only levels of the other regions belongs to the other lesion, so
  the thoracic cord compression never meets the lumbar code's indication;
- when a case has tumors in the territory of the requested code (the pelvic bones for a pelvic
  resection, the spine and sacrum for a corpectomy) and tumors only elsewhere (a sacral chordoma
  beside an iliac enchondroma), each code's index lesion is the one in its territory: a histology
  named only outside it, and what is said about it, belongs to another lesion for that code, and a
  benign lesion inside it that pathology names is what the code treats.

Criteria read the index lesion by default: a fact that belongs to another lesion meets no
extent, level or diagnosis criterion. The other lesions are listed in the result with their
evidence, so the reviewer sees what was set aside and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mednec.models.lesions import INDEX_LESION, OTHER_LEVEL_LESION, Lesion
from mednec.pipeline.assertions import fact_span
from mednec.pipeline.facts import parse_levels
from mednec.pipeline.lesion_rules import lesion_rules

_SKIP_SECTIONS = frozenset({"family_history", "past_medical_history"})


def _is_mention(f: Any) -> bool:
    a = f.assertion
    return f.kind == "diagnosis" and not (a.negated or a.family or a.historical or a.hypothetical) \
        and (f.section or "") not in _SKIP_SECTIONS


def _is_lesion_mention(f: Any) -> bool:
    """A mention that names a lesion there now or before ("unchanged since 2019" is still there):
    a benign lesion seen on an earlier study is the same benign lesion."""
    a = f.assertion
    return f.kind == "diagnosis" and not (a.negated or a.family or a.hypothetical) \
        and (f.section or "") not in _SKIP_SECTIONS


def _tumor_present(facts: Sequence[Any]) -> bool:
    cats = lesion_rules().rules.tumor_categories
    return any(_is_mention(f) and f.category in cats and (f.assertion.affirmed or f.tissue) for f in facts)


def _mention_spans(facts: Sequence[Any]) -> dict[str, list[tuple[int, int, str]]]:
    out: dict[str, list[tuple[int, int, str]]] = {}
    for f in facts:
        if f.kind == "diagnosis" and (span := fact_span(f.id)) is not None:
            out.setdefault(span[0], []).append((span[1], span[2], f.id))
    return out


def _containing(subject: str, spans: dict[str, list[tuple[int, int, str]]]) -> str | None:
    """The diagnosis mention whose words contain the subject's (the longest), if any."""
    span = fact_span(subject)
    if span is None:
        return None
    doc, lo, hi = span
    inside = [(e - s, fid) for s, e, fid in spans.get(doc, ()) if s <= lo and hi <= e]
    return max(inside)[1] if inside else None


def _without_fixation(text: str) -> str:
    """A plan's words without the level ranges of its fixation ("T12 corpectomy ..., T10-L2
    posterior instrumentation": T12 is resected, T10 to L2 are only instrumented)."""
    return lesion_rules().fixation_levels.sub(" ", text)


def _when(f: Any) -> tuple[str, str, int]:
    """When a statement was made, for ordering: its document's date, then its place in that document."""
    span = fact_span(f.id)
    return (f.document_date.isoformat() if f.document_date else "", f.document, span[1] if span else 0)


def _later(a: tuple[str, str, int], b: tuple[str, str, int]) -> bool:
    """Whether ``a`` was said after ``b``: on a later date, or later in the same document (two
    documents of one date have no order)."""
    return a[0] > b[0] if a[0] != b[0] else (a[1] == b[1] and a[2] > b[2])


def _index_levels(facts: Sequence[Any], regions: Sequence[str] = ()) -> frozenset[str]:
    """Levels of the planned spinal resection and of the pathology specimen (empty: unknown).

    A code that operates on ``regions`` only (a lumbar corpectomy) whose region the firm plan does not
    reach, while a conditional extension does ("T12 corpectomy; if the L1 lesion is carcinoma, a
    partial L1 corpectomy will be added"), is about the extension's level: its lesion is the one the
    condition leaves open, never the firmly planned one at another level."""
    rules = lesion_rules().rules
    levels: set[str] = set()
    spine = [f for f in facts if f.kind == "plan" and f.category in rules.spine_plan_categories]
    # (a plan only cited, "the request was started as "L1 corpectomy"", plans nothing)
    plans = [f for f in spine if not f.assertion.negated and not f.assertion.superseded]
    # a level whose resection a later statement withdraws ("L1 corpectomy is no longer planned")
    # is no longer planned, whatever the earlier plan said
    withdrawn = [(_when(f), set(f.levels)) for f in spine if f.assertion.negated and f.levels
                 and not (f.assertion.hypothetical or f.assertion.conditional)]
    # an extension the plan makes only if something turns out so ("if the L1 lesion turns out to be
    # tumor we will extend to an L1 corpectomy") places the index lesion only when nothing firmer does
    firm = [f for f in plans if not (f.assertion.hypothetical or f.assertion.conditional)]
    def named_by(f: Any) -> set[str]:
        # the levels the plan's own words name ("T12 corpectomy"); else those of its evidence, past
        # any fixation range ("with T10-L2 posterior fixation" stabilises, it resects nothing), which
        # a line break may cut from the word that says so
        named = set(f.levels or parse_levels(_without_fixation(f.evidence[0].text)))
        for when, gone in withdrawn:
            if _later(when, _when(f)):
                named -= gone
        return named

    for f in firm or plans:
        levels.update(named_by(f))
    if regions and firm and not any(lv[0] in regions for lv in levels):
        extension = {lv for f in plans if f not in firm for lv in named_by(f) if lv[0] in regions}
        levels.update(lv for lv in extension if _open_tumor_at(facts, lv))
    for f in facts:
        if (f.kind == "site" and f.document_type == "pathology" and f.concept in rules.level_sites
                and f.assertion.affirmed):
            levels.update(f.levels)
    return frozenset(levels)


def _open_tumor_at(facts: Sequence[Any], level: str) -> bool:
    """Whether imaging leaves a malignant reading of the lesion at ``level`` open: a tumor named, hedged
    or not, in a sentence that names the level or in the sentence after it ("L1: 1.6 cm focus ... This
    may represent an atypical hemangioma; metastasis cannot be excluded"). A lesion described only in
    benign words ("L1 lesion, most likely a typical hemangioma") is incidental, whatever a plan would do
    if it turned out otherwise."""
    rules = lesion_rules().rules
    named = _sentence_levels(facts)
    at = {(f.document, f.sentence) for f in facts if level in f.levels and f.document_type == "imaging"}
    # (the sentence after goes on about the level only when it names no level of its own)
    return any(f.kind == "diagnosis" and f.category in rules.tumor_categories and not f.assertion.negated
               and ((f.document, f.sentence) in at
                    or ((f.document, f.sentence - 1) in at and not named.get((f.document, f.sentence))))
               for f in facts)


def assign_lesions(facts: Sequence[Any], regions: Sequence[str] = (), territory: Sequence[str] = (),
                   elsewhere: Sequence[str] = ()) -> tuple[list[Any], list[Lesion]]:
    """The facts with their ``lesion`` set, and the lesions of the case (index first).

    ``regions`` (spinal region letters, e.g. ``("L", "S")``) scopes the index lesion to the levels
    planned in those regions, for a code that operates on them only. ``territory`` (knowledge-base
    site regions) scopes it to the tumors in those regions when others sit only in ``elsewhere``.
    """
    rules = lesion_rules().rules
    by_id = {f.id: f for f in facts}
    tumor = _tumor_present(facts)
    groups: dict[tuple[str, str | None], list[str]] = {}  # incidental lesions by (concept, side)
    lesion_of: dict[str, str] = {}  # fact id -> group key as text
    if tumor:
        # a benign name in a differential ("enchondroma versus low-grade chondrosarcoma") or in a
        # pathology diagnosis is about the tumor itself, not a second lesion
        # (named near a tumor in its sentence: a run-on paragraph of findings is no differential)
        tumor_spans: dict[tuple[str, int], list[tuple[int, int]]] = {}
        for f in facts:
            if (f.kind == "diagnosis" and f.category in rules.tumor_categories and not f.assertion.negated
                    and (span := fact_span(f.id)) is not None):
                tumor_spans.setdefault((f.document, f.sentence), []).append(span[1:])

        def in_differential(f: Any) -> bool:
            span = fact_span(f.id)
            reach = rules.differential_reach
            near = tumor_spans.get((f.document, f.sentence), ())
            if span is None:
                return bool(near)
            return any(lo - reach <= span[2] and span[1] <= hi + reach for lo, hi in near)

        for f in facts:
            if (_is_lesion_mention(f) and f.category in rules.benign_categories and not f.tissue
                    and f.document_type != "pathology" and not in_differential(f)):
                groups.setdefault((f.concept, f.side), []).append(f.id)
    keys = {k: f"L{i + 2}" for i, k in enumerate(sorted(groups, key=lambda k: (k[0], k[1] or "")))}
    for k, ids in groups.items():
        for fid in ids:
            lesion_of[fid] = keys[k]
    placed = _generic_at_incidental_sites(facts, groups, keys) if groups else {}
    lesion_of.update(placed)
    if groups:
        lesion_of.update(_generic_by_size(facts, lesion_of, {keys[k]: k[1] for k in groups}))
    index_members: list[str] = []
    for f in facts:
        if f.id in lesion_of:
            continue
        if f.kind == "diagnosis" and _is_mention(f) and (
                f.category in rules.tumor_categories | rules.generic_categories or not tumor):
            lesion_of[f.id] = INDEX_LESION
            index_members.append(f.id)
    # statements follow their subject; a subject that made no fact of its own follows the mention
    # whose words contain it ("lesion" inside "chondroid lesion"); one inside no mention (a
    # letterhead) leaves them unassigned
    spans = _mention_spans(facts)
    for f in facts:
        if f.id not in lesion_of and f.subject is not None:
            subject = f.subject if f.subject in lesion_of else _containing(f.subject, spans)
            if subject in lesion_of:
                lesion_of[f.id] = lesion_of[subject]
    levels = _index_levels(facts, regions)
    scoped = frozenset(lv for lv in levels if lv[0] in regions)
    if scoped == levels:
        scoped = frozenset()  # one region planned: the case's index lesion is the code's
    if levels:
        for f in facts:
            if (f.kind == "site" and f.concept in rules.level_sites and f.levels
                    and f.document_type != "pathology" and not set(f.levels) & levels
                    and lesion_of.get(f.id, INDEX_LESION) == INDEX_LESION):
                lesion_of[f.id] = OTHER_LEVEL_LESION
        _other_level_sentences(facts, lesion_of, levels)
    if scoped:
        _scope_to_levels(facts, lesion_of, scoped)
        levels = scoped
    if territory:
        _scope_to_territory(facts, lesion_of, frozenset(territory), frozenset(elsewhere) - frozenset(territory))
    out = [f.model_copy(update={"lesion": lesion_of[f.id]}) if f.id in lesion_of else f for f in facts]
    lesions = _describe(out, keys, levels, tumor, by_id)
    return out, lesions


def _sentence_levels(facts: Sequence[Any]) -> dict[tuple[str, int], set[str]]:
    """The spinal levels each sentence of the case names, by (document, sentence)."""
    named: dict[tuple[str, int], set[str]] = {}
    for f in facts:
        named.setdefault((f.document, f.sentence), set()).update(f.levels)
    return named


_LEVEL_FREE_KINDS = frozenset({"diagnosis", "finding", "nerve"})


_REGION_BASE = {"C": 0, "T": 7, "L": 19, "S": 24}


def _ordinal(level: str) -> int:
    return _REGION_BASE[level[0]] + int(level[1:]) - 1


def _apart(named: set[str], levels: frozenset[str]) -> bool:
    """Whether every level named lies more than one level away from every planned level (a plan
    "below the S1 foramina" resects S2 as well: a sentence about S2 is still the tumor's)."""
    return all(abs(_ordinal(a) - _ordinal(b)) > 1 for a in named for b in levels)


def _other_level_sentences(facts: Sequence[Any], lesion_of: dict[str, str], levels: frozenset[str]) -> None:
    """What a sentence says of a lesion it places only at levels the plan does not resect is about
    that other lesion: "At L1, a 1.1 cm enhancing intradural extramedullary lesion ..." is not the
    sacral chordoma's intradural extension. Only findings, nerves and tumor names move (the
    sentence's own level sites already have); a sentence that also names a planned level, or a
    structure of the index lesion without a level (the sacrum), or a level next to a planned one,
    keeps its statements."""
    rules = lesion_rules().rules
    named = _sentence_levels(facts)
    unleveled = {(f.document, f.sentence) for f in facts
                 if f.kind == "site" and not f.levels and f.concept not in rules.level_sites}
    for f in facts:
        key = (f.document, f.sentence)
        here = named.get(key) or set()
        if (f.kind in _LEVEL_FREE_KINDS and here and _apart(here, levels) and key not in unleveled
                and f.document_type != "pathology" and lesion_of.get(f.id, INDEX_LESION) != OTHER_LEVEL_LESION):
            # (a benign lesion named there too: "T7: ... consistent with a bone island" is no
            # alternative reading of the tumor planned at L1)
            lesion_of[f.id] = OTHER_LEVEL_LESION


def _scope_to_levels(facts: Sequence[Any], lesion_of: dict[str, str], scoped: frozenset[str]) -> None:
    """Move to the other lesion every statement whose sentence names spinal levels, none of them in
    ``scoped`` (the levels of this code's planned resection), and the statements about them."""
    named = _sentence_levels(facts)
    moved: set[str] = set()
    for f in facts:
        here = named.get((f.document, f.sentence)) or set()
        # a score of one level names it in its own words ("SINS at T12: 13") where no level fact stands
        own = set(f.levels) or here or (set(parse_levels(f.evidence[0].text)) if f.kind == "score" else set())
        if own and not own & scoped and lesion_of.get(f.id, INDEX_LESION) == INDEX_LESION:
            moved.add(f.id)
    for f in facts:  # a statement follows its subject
        if f.subject in moved and lesion_of.get(f.id, INDEX_LESION) == INDEX_LESION:
            moved.add(f.id)
    for fid in moved:
        lesion_of[fid] = OTHER_LEVEL_LESION


def _generic_at_incidental_sites(facts: Sequence[Any], groups: dict[tuple[str, str | None], list[str]],
                                 keys: dict[tuple[str, str | None], str]) -> dict[str, str]:
    """Generic mentions ("a 2 cm lesion in the right greater trochanter") that sit only where an
    incidental benign lesion sits, on its side, and away from every site the tumor is named at,
    are that incidental lesion (a "possible satellite" a later report calls an enchondroma)."""
    rules = lesion_rules().rules
    regions = _mention_regions(facts)
    member_of = {fid: keys[k] for k, ids in groups.items() for fid in ids}
    tumor_sites: set[str] = set()
    for f in facts:
        if (_is_mention(f) and f.category in rules.tumor_categories and f.category not in rules.vague_categories
                and f.id not in member_of):
            tumor_sites |= regions[f.id]
    incidental = {keys[k]: (k[1], set().union(*(regions[i] for i in ids))) for k, ids in groups.items()}
    out: dict[str, str] = {}
    # a generic name right beside an incidental lesion's name, and not beside a tumor's, names it
    # ("a 10 mm T2 hyperintense lesion with vertical striations typical of hemangioma")
    reach = rules.differential_reach
    # (in its section, in its sentence or the next: a long run-on paragraph may be cut into
    # sentences between them; never across a paragraph's section)
    named: dict[tuple[str, str | None], list[tuple[int, int, int, str | None]]] = {}
    for f in facts:
        if _is_mention(f) and (f.id in member_of or f.category in rules.tumor_categories) \
                and (span := fact_span(f.id)) is not None:
            named.setdefault((f.document, f.section), []).append((span[1], span[2], f.sentence, member_of.get(f.id)))
    for f in facts:
        if not (_is_mention(f) and f.category in rules.generic_categories) or (span := fact_span(f.id)) is None:
            continue
        near = [lid for lo, hi, k, lid in named.get((f.document, f.section), ())
                if abs(k - f.sentence) <= 1 and lo - reach <= span[2] and span[1] <= hi + reach]
        if near and all(lid is not None for lid in near) and len(set(near)) == 1:
            out[f.id] = near[0]
    out.update(_named_by_a_closing_sentence(facts, member_of, out))
    for f in facts:
        if f.id in out or not (_is_mention(f) and f.category in rules.generic_categories) or not regions[f.id]:
            continue
        if not tumor_sites or regions[f.id] & tumor_sites:
            continue  # where the tumor is, is unknown, or it is there: a generic mention may be it
        homes = [lid for lid, (side, sites) in incidental.items()
                 if regions[f.id] <= sites and (side is None or f.side is None or side == f.side)]
        if len(homes) == 1:
            out[f.id] = homes[0]
    return out


def _same_size(a: float, b: float) -> bool:
    """Two measurements of one lesion: within a millimetre or a tenth."""
    return abs(a - b) <= max(1.0, 0.1 * max(a, b))


def _generic_by_size(facts: Sequence[Any], lesion_of: dict[str, str],
                     sides: dict[str, str | None]) -> dict[str, str]:
    """Generic mentions measured as an incidental lesion is measured, and as no tumor is, are that
    lesion: "a 6 mm sclerotic focus abuts the acetabular roof" is the "incidental 6 mm bone island"
    of the impression or of the next study, not the 8 cm chondrosarcoma beside it. An incidental
    lesion on the other side is never the one meant."""
    rules = lesion_rules().rules
    sizes: dict[str, list[float]] = {}
    tumor_sizes: list[float] = []
    tumor_sentences = {(f.document, f.sentence) for f in facts
                       if _is_lesion_mention(f) and f.category in rules.tumor_categories}
    for f in facts:
        if not (_is_lesion_mention(f) and f.size_mm):
            continue
        if f.id in lesion_of and lesion_of[f.id] != INDEX_LESION:
            sizes.setdefault(lesion_of[f.id], []).append(f.size_mm)
        elif f.category in rules.tumor_categories or (f.document, f.sentence) in tumor_sentences:
            tumor_sizes.append(f.size_mm)
    out: dict[str, str] = {}
    for f in facts:
        if (f.id in lesion_of or not _is_lesion_mention(f) or f.category not in rules.generic_categories
                or not f.size_mm or any(_same_size(f.size_mm, t) for t in tumor_sizes)):
            continue
        homes = [lid for lid, measured in sizes.items() if any(_same_size(f.size_mm, m) for m in measured)
                 and (sides.get(lid) is None or f.side is None or sides[lid] == f.side)]
        if len(homes) == 1:
            out[f.id] = homes[0]
    return out


_CLOSING_REACH = 2  # sentences a closing identification looks back over


def _named_by_a_closing_sentence(facts: Sequence[Any], member_of: dict[str, str],
                                 placed: dict[str, str]) -> dict[str, str]:
    """A measured generic lesion that a later sentence of its paragraph identifies by pointing back
    ("... a separate 1.6 cm lobulated chondroid lesion of the superior pubic ramus ... It is
    unchanged from 2019 ... These features are those of an enchondroma.") is that incidental lesion:
    the description and its identification are one statement, whatever lies between."""
    rules = lesion_rules().rules
    anaphors = sorted(rules.anaphors, key=len, reverse=True)
    closing: dict[tuple[str, str | None], list[tuple[int, str]]] = {}
    for f in facts:
        if f.id in member_of and _is_lesion_mention(f):
            head = f.evidence[0].text.lstrip().lower()
            if any(head.startswith(a + " ") for a in anaphors):
                closing.setdefault((f.document, f.section), []).append((f.sentence, member_of[f.id]))
    if not closing:
        return {}
    tumor_sentences = {(f.document, f.sentence) for f in facts
                       if _is_lesion_mention(f) and f.category in rules.tumor_categories}
    out: dict[str, str] = {}
    for f in facts:
        if (f.id in placed or f.id in member_of or not _is_lesion_mention(f) or not f.size_mm
                or f.category not in rules.generic_categories or (f.document, f.sentence) in tumor_sentences):
            continue
        homes = {lid for k, lid in closing.get((f.document, f.section), ())
                 if 0 < k - f.sentence <= _CLOSING_REACH}
        if len(homes) == 1:
            out[f.id] = homes.pop()
    return out


def _mention_regions(facts: Sequence[Any]) -> dict[str, set[str]]:
    """The site regions each diagnosis mention is about: the sites whose subject it is, or else the
    affirmed sites its sentence names."""
    from mednec.pipeline.kb import load_kb

    kb = load_kb()
    regions: dict[str, set[str]] = {f.id: set() for f in facts if f.kind == "diagnosis"}
    for f in facts:
        if f.kind == "site" and f.subject in regions and f.assertion.affirmed:
            regions[f.subject].add(f.region)
    for f in facts:
        if f.kind == "diagnosis" and not regions[f.id]:
            regions[f.id] = {kb[c].region for c in f.related_affirmed if c in kb and kb[c].label == "SITE"
                             and kb[c].region}
    return regions


def _scope_to_territory(facts: Sequence[Any], lesion_of: dict[str, str], territory: frozenset[str],
                        elsewhere: frozenset[str]) -> None:
    """Give a code the lesion in its territory when the case also names another tumor only elsewhere.

    Two lesions need two histologies: one named in the territory and another named only outside
    it (a sacral chordoma beside an iliac enchondroma). One tumor that spans both (an iliac Ewing
    sarcoma whose "mass" crosses into the sacrum) keeps every statement, as do names that say no
    histology ("mass", "sarcoma").
    """
    rules = lesion_rules().rules
    vague = rules.generic_categories | rules.vague_categories
    regions = _mention_regions(facts)
    mentions = [f for f in facts if f.kind == "diagnosis" and not f.assertion.negated
                and lesion_of.get(f.id, INDEX_LESION) == INDEX_LESION]
    inside = {f.id for f in mentions if regions[f.id] & territory}
    outside = {f.id for f in mentions if regions[f.id] & elsewhere and not regions[f.id] & territory}
    named_inside = {f.concept for f in mentions if f.id in inside and f.category not in vague}
    named_outside = {f.concept for f in mentions if f.id in outside and f.category not in vague} - named_inside
    if not named_inside or not named_outside:
        return  # one tumor, or none named: the case's index lesion is the code's
    moved = {f.id for f in mentions if (f.id in outside and f.concept not in named_inside)
             or (f.concept in named_outside and not regions[f.id] & territory)}
    for f in facts:  # a statement follows its subject
        if f.subject in moved and lesion_of.get(f.id, INDEX_LESION) == INDEX_LESION:
            moved.add(f.id)
    for fid in moved:
        lesion_of[fid] = OTHER_LEVEL_LESION
    for f in mentions:  # a benign lesion pathology names in the territory is what the code treats
        if f.id in inside and f.id not in lesion_of and f.category in rules.benign_categories:
            lesion_of[f.id] = INDEX_LESION


def _describe(facts: list[Any], keys: dict[tuple[str, str | None], str], levels: frozenset[str], tumor: bool,
              by_id: dict[str, Any]) -> list[Lesion]:
    members: dict[str, list[Any]] = {}
    for f in facts:
        if f.lesion:
            members.setdefault(f.lesion, []).append(f)
    out: list[Lesion] = []
    if INDEX_LESION in members:
        out.append(_lesion(INDEX_LESION, "index", members[INDEX_LESION], "the tumor the requested procedure treats"
                           + (f" (planned at {', '.join(sorted(levels, key=_level_key))})" if levels else "")))
    for (concept, _side), lid in sorted(keys.items(), key=lambda kv: int(kv[1][1:])):
        if lid in members:
            out.append(_lesion(lid, "incidental", members[lid],
                               f"a benign {concept.replace('_', ' ')} beside the treated tumor: it decides nothing"))
    if OTHER_LEVEL_LESION in members:
        out.append(_lesion(OTHER_LEVEL_LESION, "other_level", members[OTHER_LEVEL_LESION],
                           "described at spinal levels other than those planned for resection: it decides nothing"))
    return out


def _level_key(level: str) -> tuple[int, int]:
    return ("CTLS".index(level[0]), int(level[1:]))


def _lesion(lid: str, role: str, facts: list[Any], reason: str) -> Lesion:
    rules = lesion_rules().rules
    diags = [f for f in facts if f.kind == "diagnosis"]
    specific = [f for f in diags if f.category not in rules.generic_categories] or diags
    best = min(specific, key=lambda f: (not f.tissue, f.document_type != "pathology"), default=None)
    sides = tuple(dict.fromkeys(f.side for f in facts if f.side))
    lv = sorted({x for f in facts for x in f.levels}, key=_level_key)
    sites = tuple(dict.fromkeys(f.concept for f in facts if f.kind == "site"))
    first = min(facts, key=lambda f: (f.kind != "diagnosis", f.document, f.evidence[0].start))
    return Lesion(id=lid, role=role, histology=best.concept if best else None,
                  category=best.category if best else None,
                  benign=bool(best and best.category in rules.benign_categories),
                  tissue=any(f.tissue for f in diags), sides=sides, levels=tuple(lv), sites=sites,
                  documents=tuple(dict.fromkeys(f.document for f in facts)),
                  facts=tuple(f.id for f in facts), reason=reason, evidence=first.evidence[:1])
