"""The settings of the lesion model, read once from ``resources/lesions.yaml``."""

from __future__ import annotations

import re

from mednec.pipeline.resources import load_yaml, rule_cache
from pydantic import BaseModel, ConfigDict, Field


def _alternatives(patterns: list[str], flags: int = 0) -> re.Pattern[str] | None:
    """One case-insensitive pattern of ``patterns`` (regular expressions), or None when there are none."""
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE | flags) if patterns else None


class CopiedForward(BaseModel):
    """The marks of a block carried forward from an earlier note (``lesions.yaml`` copied_forward)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    open: str
    close: str

class Descriptor(BaseModel):
    """Compartment words used as descriptors of anatomy or a procedure (``lesions.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    concepts: frozenset[str]
    nouns_after: frozenset[str]
    sequence_words: frozenset[str] = frozenset()
    procedure_words: frozenset[str]
    window: int = Field(ge=1, le=10)
    anatomy_subjects: frozenset[str] = frozenset()
    tumor_words: frozenset[str] = frozenset()


class PlanObject(BaseModel):
    """What a planned sacrifice or preservation acts on when its clause opens with tissue (``lesions.yaml``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    np_boundaries: frozenset[str]
    tissue_heads: frozenset[str]
    auxiliaries: frozenset[str] = frozenset()
    nerve_words: tuple[str, ...] = ()
    shared_subject_openers: frozenset[str] = frozenset()
    object_of_nouns: frozenset[str] = frozenset()
    object_verbs: frozenset[str] = frozenset()


class NamedMetastatic(BaseModel):
    """A cancer named metastatic is a metastasis, whatever words stand between."""

    words: frozenset[str]
    categories: frozenset[str]
    window: int = Field(ge=1, le=8)


class CaseItems(BaseModel):
    """Conference minutes that list several patients, one block each."""

    heading: str = Field(min_length=1)
    this_patient_cues: list[str] = Field(min_length=1)


class PastedElsewhere(BaseModel):
    """A note's own flag that a passage belongs to another patient (pasted or entered in error)."""

    markers: list[str] = Field(min_length=1)  # regular expressions, one line each
    forward_words: list[str] = Field(min_length=1)  # the flag points at what follows ("below")
    backward_words: list[str] = Field(default_factory=list)  # ... or at what stood before it ("above")
    end_marker: str = Field(min_length=1)  # a line that closes the pasted passage


class Retraction(BaseModel):
    """A later study's sentence that says what an earlier read's finding really was."""

    back_references: list[str] = Field(min_length=1)
    # an earlier study named by its date or as earlier ("on the MRI of 01/28/2026", "the prior CT")
    back_reference_patterns: list[str] = Field(default_factory=list)
    never_tumor: list[str] = Field(min_length=1)
    # words between a finding's verb and a non-tumor origin that make it a limit of the study, not
    # an origin ("evaluation is limited by artifact")
    limit_words: list[str] = Field(default_factory=list)
    doubts: list[str] = Field(default_factory=list)
    # a verb that says what the earlier finding really was ("corresponds to the displaced thecal
    # sac"): with no tumor word after it, the finding is taken back
    reinterpretations: list[str] = Field(default_factory=list)
    tumor_words: list[str] = Field(default_factory=list)


class StructureMargin(BaseModel):
    """``structure_margin`` of lesions.yaml: the words that place a margin denial at one structure."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    prepositions: list[str]
    pronouns: list[str]
    heads: list[str]


class LesionRules(BaseModel):
    """``pipeline/resources/lesions.yaml``: see the comments there."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    withdrawal_cues: list[str] = Field(default_factory=list)
    tumor_categories: frozenset[str]
    benign_categories: frozenset[str]
    generic_categories: frozenset[str]
    vague_categories: frozenset[str] = frozenset()
    anaphors: list[str] = Field(min_length=1)
    anaphor_reach: int = Field(ge=1, le=3)
    alternatives: list[str]
    modal_hedges: list[str]
    predicate_hedges: list[str] = Field(default_factory=list)
    relation_nouns: list[str] = Field(default_factory=list)
    relation_hedges: list[str] = Field(default_factory=list)
    # words that may open the relation's own clause before its noun ("; and direct contact ...")
    relation_clause_openers: list[str] = Field(default_factory=list)
    relation_clause_verbs: list[str] = Field(default_factory=list)
    # a re-read that renumbers a vertebra ("the collapsed vertebra is T12, not L1", "all references
    # to L1 above should read T12"): each pattern names its groups `new` and `old`
    level_relabels: list[str] = Field(default_factory=list)
    # concepts whose mention labels a line's findings with a level ("T12: enhancing tumor replaces ..."):
    # the label places them and asserts no relation of its own
    level_label_concepts: frozenset[str] = frozenset()
    impression_sections: frozenset[str]
    impression_finding_categories: frozenset[str] = frozenset()
    finding_sections: frozenset[str]
    addendum_sections: frozenset[str]
    addendum_diagnosis_categories: frozenset[str] = frozenset()
    reread_cues: list[str]
    reread_title_cues: list[str]
    reread_board_cues: list[str] = []
    reread_patterns: list[str] = []
    reread_head: int = Field(ge=100)
    reread_skip_lines: list[str]
    spine_plan_categories: frozenset[str]
    fixation_words: list[str] = Field(default_factory=list)
    differential_reach: int = Field(default=40, ge=0)
    level_sites: frozenset[str]
    descriptor: Descriptor
    plan_object: PlanObject
    label_clear_words: frozenset[str] = frozenset()
    score_current_cues: list[str]
    score_measures: dict[str, str] = {}
    score_past_cues: list[str]
    named_metastatic: NamedMetastatic
    case_items: CaseItems
    pasted_elsewhere: PastedElsewhere | None = None
    subordinate_openers: frozenset[str] = frozenset()
    colon_list_leads: frozenset[str] = frozenset()
    requester_letter_titles: list[str] = []
    copied_forward: CopiedForward | None = None
    requester_letter_lines: int = 4
    requester_letter_subjects: list[str] = []
    requester_letter_asks: list[str] = []
    letter_openings: list[str] = []
    letter_head_lines: int = 14
    retraction: Retraction
    preliminary_read_cues: list[str] = Field(min_length=1)
    final_read_cues: list[str] = Field(min_length=1)
    original_read_cues: list[str] = Field(default_factory=list)
    amended_read_cues: list[str] = Field(default_factory=list)
    # head nouns a named structure is referred back to by ("the left lumbar plexus ... the plexus")
    anaphoric_heads: frozenset[str] = frozenset()
    plain_film_titles: list[str] = Field(default_factory=list)
    composite_regions: frozenset[str] = frozenset()
    cross_section_titles: list[str] = Field(default_factory=list)
    # the head nouns that name, anywhere in a report, the one structure the report names with them
    unique_heads: frozenset[str] = frozenset()
    definite_unique_heads: frozenset[str] = frozenset()
    # "14 mm T1 and T2 hyperintense focus": MRI sequence names, not the first two thoracic vertebrae
    sequence_name_levels: frozenset[str] = frozenset()
    nerve_injury_categories: frozenset[str] = frozenset()
    # knowledge-base regions that hold several nerves: an addendum's statement about one restates no other
    shared_nerve_regions: frozenset[str] = frozenset()
    statement_verbs: list[str] = Field(default_factory=list)
    signal_words: frozenset[str] = frozenset()
    # verbs that give a finding the label another read gave it ("described above as intradural",
    # labelled "L1 per outside CT"), and the time words that may stand between
    cited_label_verbs: list[str] = Field(default_factory=list)
    cited_label_direct_verbs: list[str] = Field(default_factory=list)
    # words after a hedge that make its clause a finding of its own, not a reading of what came
    # before ("..., possibly with reactive edema in the ischium")
    reading_blockers: list[str] = Field(default_factory=list)
    # a study a later statement says was never done, and the words that make a named study another one
    undone_study_words: list[str] = Field(default_factory=list)
    undone_other_words: list[str] = Field(default_factory=list)
    staging_pending_after: list[str] = Field(default_factory=list)
    staging_pending_before: list[str] = Field(default_factory=list)
    staging_claims: list[str] = Field(default_factory=list)
    staging_limit_cues: list[str] = Field(default_factory=list)
    structure_margin: StructureMargin | None = None
    field_correction: str | None = None
    limitation_clauses: list[str] = Field(default_factory=list)
    staging_specimen_categories: list[str] = Field(default_factory=list)
    operation_plans: list[str] = Field(default_factory=list)
    staging_result_words: list[str] = Field(default_factory=list)
    staging_repeat_words: list[str] = Field(default_factory=list)
    # nouns after a structure that make it the topic of a part of a report, not a finding
    topic_nouns: frozenset[str] = frozenset()
    cited_label_times: list[str] = Field(default_factory=list)


def word_pattern(words: list[str], adverb: bool = False) -> re.Pattern[str]:
    """The phrases of ``words``, longest first, as whole words; ``adverb``: an adverb may stand after
    "be" ("cannot be reliably excluded")."""
    def phrase(w: str) -> str:
        alt = re.escape(w).replace(r"\ ", r"\s+")
        return alt.replace(r"be\s+", r"be\s+(?:[a-z]+ly\s+)?") if adverb else alt

    alts = "|".join(phrase(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alts})(?![\w-])", re.IGNORECASE)


class CompiledLesionRules:
    """The rules with their word lists compiled to patterns."""

    def __init__(self, rules: LesionRules) -> None:
        self.rules = rules
        alts = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(rules.anaphors, key=len, reverse=True))
        # a sentence opens with the anaphor, after any list mark or heading label ("IMPRESSION: 2. This ...");
        # a word followed by a colon is that label itself ("Findings: Incidental cyst ..."), no anaphor
        # (after a fronted subordinate clause: "Given the intact cortex and the recent surgery, this is
        # more likely reactive marrow oedema")
        subordinate = "|".join(map(re.escape, sorted(rules.subordinate_openers))) or r"(?!x)x"
        self.anaphor_start = re.compile(
            rf"^\W*(?:[A-Za-z ]{{1,20}}:\s*)?(?:\d+[.)]\s*)?(?:(?:{subordinate})(?![\w-])[^,.;:]{{1,100}},\s*)?"
            rf"(?:{alts})(?![\w-])(?!\s*:)", re.IGNORECASE)
        # a clause inside a sentence that points back: ", which may reflect edema"
        self.clause_anaphor = re.compile(rf"[,;\u2014]\s*(?:{alts})(?![\w-])", re.IGNORECASE)
        self.alternative = word_pattern(rules.alternatives)
        # a clause of its own whose subject is the relation itself, left open by its predicate
        # ("...the mass at the notch; contact cannot be excluded", ", and involvement is possible")
        if rules.relation_nouns and rules.relation_hedges:
            nouns = word_pattern(rules.relation_nouns).pattern
            # minutes and impressions leave the copula out: "contact possible, not confirmed"
            bare = [h.split(" ", 1)[1] for h in rules.relation_hedges if h.startswith(("is ", "are "))]
            hedges = word_pattern([*rules.relation_hedges, *bare], adverb=True).pattern
            openers = "|".join(map(re.escape, rules.relation_clause_openers)) or r"(?!x)x"
            verbs = "|".join(map(re.escape, rules.relation_clause_verbs)) or r"(?!x)x"
            self.relation_clause: re.Pattern[str] | None = re.compile(
                rf"(?:^|[,;:\u2014]|\b(?:{verbs})(?=\s))\s*(?:(?:{openers})\s+){{0,2}}"
                # (the relation's object may stand between: "relationship to the lumbosacral trunk is
                # indeterminate", "contact with the nerve cannot be excluded")
                rf"(?:[a-z]+\s+)?{nouns}\s+(?:(?:with|to)\s+(?:the\s+)?(?:[a-z]+\s+){{1,3}}?)?{hedges}",
                re.IGNORECASE)
            # a sentence whose subject is left out opens with the hedge itself ("Cannot be excluded.",
            # "Not confirmed."; also a wrapped line that OCR or a typist capitalised): it speaks of the
            # relation the sentence before states
            subord = "|".join(map(re.escape, rules.subordinate_openers)) or r"(?!x)x"
            self.subjectless_hedge: re.Pattern[str] | None = re.compile(
                rf"^\W*(?:\d{{1,2}}[.)]\s*)?{hedges}"
                # (then the sentence ends, or says why: "Cannot be excluded because of artifact.")
                rf"(?:\W*$|\s*[,;:.\u2014(]|\s+(?:{subord}|due\s+to|owing\s+to|on|at|in|by)(?![\w-]))",
                re.IGNORECASE)
        else:
            self.relation_clause = None
            self.subjectless_hedge = None
        self.level_relabels = [re.compile(p, re.IGNORECASE) for p in rules.level_relabels]
        # a level or level range named with fixation ("T10-L2 posterior instrumentation", "fusion
        # from T10 to L2"): those levels are fixed, not resected
        level = r"[CTLS]\d{1,2}"
        rng = rf"{level}(?:\s*(?:-|to|through|\u2013)\s*{level})?"
        fix = word_pattern(rules.fixation_words).pattern if rules.fixation_words else r"(?!x)x"
        self.fixation_levels = re.compile(
            rf"(?:\b{rng}\s+(?:[a-z]+\s+){{0,2}}{fix}|{fix}\s+(?:[a-z]+\s+){{0,2}}(?:from\s+)?\b{rng})",
            re.IGNORECASE)
        words = word_pattern(rules.retraction.back_references).pattern
        self.back_reference = re.compile(
            "|".join([words, *(f"(?:{p})" for p in rules.retraction.back_reference_patterns)]), re.IGNORECASE)
        self.never_tumor = word_pattern(rules.retraction.never_tumor)
        # the predicate of a finding's own clause that says what it is, with no hedge and no
        # tumor: "Prior CT intradural finding is artifact", "the density corresponds to streak
        # artifact" (not "evaluation is limited by artifact": a limit, not an origin)
        limits = "|".join(map(re.escape, rules.retraction.limit_words)) or r"(?!x)x"
        self.predicate_never = re.compile(
            r"(?<![\w-])(?:is|are|was|were|represents?|represented|reflects?|reflected|"
            r"corresponds?\s+to|corresponded\s+to|(?:is|was)\s+due\s+to)\s+(?:an?\s+|the\s+)?"
            rf"(?:(?!(?:{limits})\b)[a-z-]+\s+){{0,2}}?"
            + self.never_tumor.pattern, re.IGNORECASE)
        self.doubt = word_pattern(rules.retraction.doubts) if rules.retraction.doubts else None
        self.reinterpretation = word_pattern(rules.retraction.reinterpretations) \
            if rules.retraction.reinterpretations else None
        self.tumor_word = word_pattern(rules.retraction.tumor_words) if rules.retraction.tumor_words else None
        verbs = word_pattern(rules.cited_label_verbs).pattern if rules.cited_label_verbs else r"(?!x)x"
        times = word_pattern(rules.cited_label_times).pattern if rules.cited_label_times else r"(?!x)x"
        # the words just before a label: "described above as (an|the) "
        direct = word_pattern(rules.cited_label_direct_verbs).pattern if rules.cited_label_direct_verbs \
            else r"(?!x)x"
        # (the label's own modifiers may come first: "the structure called the displaced sciatic nerve")
        self.cited_as = re.compile(rf"(?:{verbs}\s+(?:{times}\s+)?as|{direct})\s+(?:an?\s+|the\s+)?"
                                   rf"(?:[a-z-]+\s+){{0,2}}$", re.IGNORECASE)
        # a label in quotation marks: labelled "L1 per outside CT / T12 per over-read" (group 1; a wrap
        # may break it, a blank line ends it)
        self.cited_quote = re.compile(
            # (or any name given with "as": the request "was started as "L1 corpectomy"")
            rf"(?:{verbs}\s+(?:{times}\s+)?(?:as\s+)?|(?<![\w-])as\s+)"
            rf"[\"\u201c]((?:[^\"\u201d\n]|\n(?!\s*\n)){{1,120}})[\"\u201d]",
            re.IGNORECASE)
        self.case_item = re.compile(rules.case_items.heading, re.IGNORECASE | re.MULTILINE)
        cf = rules.copied_forward
        self.copied_open = re.compile(cf.open, re.IGNORECASE) if cf else None
        self.copied_close = re.compile(cf.close, re.IGNORECASE) if cf else None
        self.requester_letter = word_pattern(rules.requester_letter_titles) if rules.requester_letter_titles else None
        self.requester_subject = _alternatives(rules.requester_letter_subjects, re.MULTILINE)
        self.requester_ask = _alternatives(rules.requester_letter_asks)
        self.letter_opening = _alternatives(rules.letter_openings, re.MULTILINE)
        pasted = rules.pasted_elsewhere
        self.pasted_marker = re.compile("|".join(f"(?:{m})" for m in pasted.markers), re.IGNORECASE) \
            if pasted else None
        self.pasted_forward = word_pattern(pasted.forward_words) if pasted else None
        self.pasted_backward = word_pattern(pasted.backward_words) if pasted and pasted.backward_words else None
        self.pasted_end = re.compile(pasted.end_marker, re.IGNORECASE) if pasted else None
        self.this_patient = word_pattern(rules.case_items.this_patient_cues)
        # a heading line that opens a preliminary or a final read (after any rule of *, = or -)
        self.preliminary_heading = re.compile(
            rf"^[\W_]*{word_pattern(rules.preliminary_read_cues).pattern}", re.IGNORECASE | re.MULTILINE)
        self.final_heading = re.compile(
            rf"^[\W_]*{word_pattern(rules.final_read_cues).pattern}", re.IGNORECASE | re.MULTILINE)
        # the same words anywhere in a report's title lines: a preliminary read faxed as its own
        # report, and the final report of the same study sent later
        self.preliminary_words = word_pattern(rules.preliminary_read_cues)
        self.final_words = word_pattern(rules.final_read_cues)
        # a line that marks one version of a report: the earlier (preliminary, original) or the later
        self.plain_film = word_pattern(rules.plain_film_titles) if rules.plain_film_titles else re.compile(r"(?!x)x")
        self.cross_section = (word_pattern(rules.cross_section_titles) if rules.cross_section_titles
                              else re.compile(r"(?!x)x"))
        self.early_version = word_pattern([*rules.preliminary_read_cues, *rules.original_read_cues])
        self.late_version = word_pattern([*rules.final_read_cues, *rules.amended_read_cues])
        self.modal_hedge = word_pattern(rules.modal_hedges, adverb=True)
        # "X is, on our review, more likely reactive marrow edema": the predicate of X's own clause
        # offers a non-tumor origin with a hedge
        hedges = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(rules.predicate_hedges, key=len,
                                                                              reverse=True))
        self.predicate_hedge = re.compile(
            rf"(?:(?<![\w-])(?:is|are|was|were|represents?|reflects?|appears?|seems?)(?![\w-])[^.;:]{{0,40}}?"
            rf"(?<![\w-])(?:{hedges})(?![\w-])"
            # or a modal verb of its own: "the signal in the roof may represent peritumoral edema"
            rf"|(?<![\w-])(?:may|might|could)\s+(?:represent|reflect|be|relate\s+to|correspond\s+to)(?![\w-]))"
            rf"[^.;:,]{{0,30}}?{self.alternative.pattern}",
            re.IGNORECASE) if rules.predicate_hedges else None
        blockers = word_pattern(rules.reading_blockers).pattern if rules.reading_blockers else r"(?!x)x"
        # a reading offered after a comma with its verb left out: "T2 hyperintensity of the nerve,
        # possibly perineural fibrosis or neuritis", "signal extends to the roof, likely reactive
        # edema": a hedge opens the clause and a non-tumor origin follows within a few words
        self.elliptical_reading = re.compile(
            rf"[,;\u2014]\s*(?:(?<![\w-])(?:{hedges}|(?:may|might|could)\s+(?:represent|reflect|be))(?![\w-]))"
            rf"\s+(?:(?!{blockers})[a-z-]+\s+){{0,2}}?{self.alternative.pattern}",
            re.IGNORECASE) if rules.predicate_hedges else None
        sm = rules.structure_margin
        # the denial's own words go on to place it at a structure: "... is not possible around it"
        self.structure_margin = re.compile(
            rf"[^.;:]{{0,40}}?{word_pattern(sm.prepositions).pattern}\s+(?:{word_pattern(sm.pronouns).pattern}"
            rf"|(?:the\s+|this\s+|that\s+)?(?:[a-z-]+\s+){{0,2}}{word_pattern(sm.heads).pattern})",
            re.IGNORECASE) if sm is not None else None
        self.undone_study = word_pattern(rules.undone_study_words) if rules.undone_study_words else None
        self.undone_other = word_pattern(rules.undone_other_words) if rules.undone_other_words else None
        self.staging_pending_after = (word_pattern(rules.staging_pending_after)
                                      if rules.staging_pending_after else None)
        self.staging_pending_before = (word_pattern(rules.staging_pending_before)
                                       if rules.staging_pending_before else None)
        self.staging_result = word_pattern(rules.staging_result_words) if rules.staging_result_words else None
        self.staging_repeat = word_pattern(rules.staging_repeat_words) if rules.staging_repeat_words else None
        self.statement_verb = word_pattern(rules.statement_verbs) if rules.statement_verbs else None
        self.reread = re.compile("|".join([word_pattern(rules.reread_cues).pattern,
                                           *(f"(?:{p})" for p in rules.reread_patterns)]), re.IGNORECASE)
        self.reread_title = word_pattern(rules.reread_title_cues)
        self.reread_board = word_pattern(rules.reread_board_cues) if rules.reread_board_cues else None
        self.reread_skip = re.compile(rf"^\W*(?:{'|'.join(re.escape(w) for w in rules.reread_skip_lines)})\b",
                                      re.IGNORECASE)
        # the same label as a field further along a header line laid out in columns ("Exam date:
        # 01/09/2026      Comparison: outside MRI 09/18/2025"): the line's own words end there
        self.reread_skip_field = re.compile(
            rf"(?<=\s)(?:{'|'.join(re.escape(w) for w in rules.reread_skip_lines)})\s*:", re.IGNORECASE)
        self.withdrawal = word_pattern(rules.withdrawal_cues) if rules.withdrawal_cues else None
        self.field_correction = re.compile(rules.field_correction, re.IGNORECASE) if rules.field_correction else None
        self.limitation = re.compile("|".join(f"(?:{p})" for p in rules.limitation_clauses), re.IGNORECASE) \
            if rules.limitation_clauses else None
        self.score_current = word_pattern(rules.score_current_cues)
        self.score_past = word_pattern(rules.score_past_cues)


@rule_cache
def lesion_rules() -> CompiledLesionRules:
    """The lesion model's rules (loaded and compiled once per process)."""
    return CompiledLesionRules(load_yaml("lesions.yaml", LesionRules))
