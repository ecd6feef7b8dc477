"""``mednec_targets``: findings matched from the knowledge base with medspaCy's TargetMatcher.

Every alias and pattern of ``concepts.jsonl`` becomes a TargetRule labelled with the
concept's label and carrying the concept id. Overlapping matches are resolved longest
first into the span group ``mednec`` (the spans ConText and the facts read); every match,
including the ones inside a longer match, is kept in ``mednec_all`` so a fact can still
see a nerve named inside a "nerve will be resected" plan.
"""


from mednec.pipeline.kb import KnowledgeBase, load_kb
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

GROUP = "mednec"
ALL_GROUP = "mednec_all"


def _ensure_extensions() -> None:
    if not Span.has_extension("concept"):
        Span.set_extension("concept", default=None)


def _across_wraps(pattern: list) -> list[dict]:
    """A token pattern that also matches across line breaks: a wrap the sender, a fax or OCR put
    between two of its words is a whitespace token, and "resect the" / "left sciatic nerve" is the
    same phrase as on one line."""
    out: list[dict] = []
    for k, token in enumerate(pattern):
        if k:
            out.append({"IS_SPACE": True, "OP": "*"})
        out.append(dict(token))
    return out


def target_rules(kb: KnowledgeBase) -> list:
    """medspaCy TargetRules for every alias and pattern of the knowledge base."""
    from medspacy.target_matcher import TargetRule

    rules = []
    for c in kb:
        for alias in c.aliases:
            rules.append(TargetRule(literal=alias, category=c.label, metadata={"concept": c.concept}))
            if c.label == "NERVE" and alias.endswith(" nerve") and f"{alias[:-5]}n." not in c.aliases:
                # charts abbreviate a named nerve "femoral n."; the abbreviation is the same nerve
                rules.append(TargetRule(literal=f"{alias[:-5]}n.", category=c.label, metadata={"concept": c.concept}))
        for i, pattern in enumerate(c.patterns):
            rules.append(TargetRule(literal=f"{c.concept}#{i}", category=c.label, pattern=_across_wraps(pattern),
                                    metadata={"concept": c.concept}))
    return rules


def _referred_back(doc: Doc, kept: list[Span]) -> list[Span]:
    """Head nouns that refer back to a structure named in full: "the plexus" after "the left lumbar
    plexus" in its sentence is that plexus (``anaphoric_heads`` in lesions.yaml: only after "the",
    outside any mention, to the nearest earlier mention ending in the same noun); a bare "plexus" in
    a report that names one plexus only is that plexus (``unique_heads``), and "the notch" the one notch
    it names (``definite_unique_heads``)."""
    from mednec.pipeline.lesion_rules import lesion_rules
    from mednec.pipeline.sentmap import sentence_map

    rules = lesion_rules().rules
    heads, unique = rules.anaphoric_heads, rules.unique_heads
    if not (heads or unique or rules.definite_unique_heads) or not kept:
        return []
    inside = {i for s in kept for i in range(s.start, s.end)}
    sents = sentence_map(doc)
    out = []
    for tok in doc:
        if tok.i in inside:
            continue
        named: list[Span] = []
        if tok.lower_ in heads and tok.i and doc[tok.i - 1].lower_ == "the":
            first = sents.starts[tok.i]
            named = [s for s in kept if first <= s.start and s.end <= tok.i - 1 and s[-1].lower_ == tok.lower_]
        definite = tok.lower_ in rules.definite_unique_heads and tok.i and doc[tok.i - 1].lower_ == "the"
        if not named and (tok.lower_ in unique or definite):
            # (the one structure the whole report names with this head noun, wherever it stands)
            same = [s for s in kept if s[-1].lower_ == tok.lower_]
            named = same if len({s._.concept for s in same}) == 1 else []
        if named:
            span = Span(doc, tok.i, tok.i + 1, label=named[-1].label_)
            span._.concept = named[-1]._.concept
            out.append(span)
    return out


def _sequence_names(span: Span) -> bool:
    """Whether a level match names MRI sequences ("T1 and T2 hyperintense focus"): every level it names
    is a sequence name and a signal word follows it."""
    from mednec.pipeline.lesion_rules import lesion_rules

    if span._.concept != "spinal_level":  # (checked first: this runs on every match)
        return False
    rules = lesion_rules().rules
    if not rules.sequence_name_levels:
        return False
    names = [t.text.upper() for t in span if t.text[:1].isalnum() and t.lower_ not in ("and", "through", "to")]
    if not names or not all(n in rules.sequence_name_levels for n in names):
        return False
    nxt = span.doc[span.end: span.end + 2]
    words = [t.lower_ for t in nxt if not t.is_space]
    return bool(words) and (words[0] in rules.signal_words or "".join(words[:2]) in rules.signal_words)


@Language.factory("mednec_targets")
def make_targets(nlp: Language, name: str) -> "TargetFinder":
    """spaCy factory for :class:`TargetFinder`."""
    return TargetFinder(nlp, name)


class TargetFinder:
    """Finds concept mentions; writes span groups ``mednec`` and ``mednec_all`` and ``doc.ents``."""

    def __init__(self, nlp: Language, name: str) -> None:
        from medspacy.target_matcher import TargetMatcher

        _ensure_extensions()
        self.kb = load_kb()
        # prune=False: overlap resolution is ours (longest span first, then earliest).
        self.matcher = TargetMatcher(nlp, name=f"{name}_matcher", result_type=None, prune=False,
                                     phrase_matcher_attr="LOWER")
        self.matcher.add(target_rules(self.kb))

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        seen: set[tuple[int, int, str]] = set()
        for span in self.matcher(doc):
            concept = span._.target_rule.metadata["concept"]
            key = (span.start, span.end, concept)
            if key in seen:
                continue
            seen.add(key)
            span._.concept = concept
            spans.append(span)
        spans = [s for s in spans if not _sequence_names(s)]
        spans.sort(key=lambda s: (s.start, -len(s)))
        kept = filter_spans(spans)
        back = _referred_back(doc, kept)
        if back:
            spans = sorted([*spans, *back], key=lambda s: (s.start, -len(s)))
            kept = filter_spans(spans)
        doc.spans[ALL_GROUP] = spans
        doc.spans[GROUP] = kept
        doc.ents = kept
        return doc
