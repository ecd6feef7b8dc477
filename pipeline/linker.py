"""``mednec_linker``: concept normalisation of misspelt and OCR-damaged mentions.

scispaCy's :class:`~scispacy.candidate_generation.CandidateGenerator` over the aliases of
``concepts.jsonl`` (see :mod:`mednec.pipeline.linker_index`). Only words where damage is
likely and no target lies are looked up (letters mixed with digits, a capital inside a word,
"vv", words of no vocabulary, fragments whose join is a KB word: "sacroi liac"), in one
batch per document, alone and with up to three words of context ("sciatlc nerve"). An alias
is accepted when its similarity reaches the threshold of ``linker.yaml`` and it is within a
small edit budget once OCR confusions (1/l/i, 0/o, 5/s, rn/m, cl/d, vv/w) are folded; the
longest accepted mention wins, and it takes the place of targets inside it ("basa1 cell
carcinoma" is one mention, not "carcinoma"). Spans are token spans of the original text,
so evidence offsets stay exact.
"""

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Any

from mednec.pipeline.abbreviations import (
    add_target_spans,
    ensure_extensions,
    make_span,
    overlaps,
)
from mednec.pipeline.linker_index import (
    candidate_generator,
    canonical,
    deconfuse,
    edit_distance,
    kb_neighbourhood,
    load_config,
    near_word,
    vocabulary,
)
from mednec.pipeline.targets import ALL_GROUP
from spacy.attrs import IS_PUNCT, IS_SPACE, LIKE_EMAIL, LIKE_URL, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

_INNER_CAP = re.compile(r"[a-z][A-Z]")
_DIGIT = re.compile(r"[0-9|]")
_ALPHA = re.compile(r"[^\W\d_]")
# codes and quantities, not damaged words: SATB2, EWSR1, CD99, T12, 10mg, 2cm, 3rd
_CODE = re.compile(r"^(?:[A-Z]+[0-9]+[A-Z]?|[0-9]{2,}[A-Za-z]+|[0-9][A-Za-z]{1,3}|[A-Za-z]{1,3}[0-9]+)$")
# inflectional and derivational endings: a word whose stem is the stem of a known word is known
# ("fingers" / "finger", "dancer" / "dance", "dorsiflexion" / "dorsiflexor")
_SUFFIXES = ("ations", "ation", "ments", "ment", "ness", "ings", "ally", "ions", "ing", "ion", "ies", "ers",
             "ors", "ory", "eal", "ed", "er", "or", "es", "al", "ly", "s", "e", "y")
_CONNECTORS = frozenset({"-", "/"})
_CACHE_LIMIT = 200_000


@dataclass(frozen=True)
class Proposal:
    """A verified link: tokens [start, end) of the document to ``concept`` through ``alias``."""

    start: int
    end: int
    concept: str
    alias: str
    score: float


@Language.factory("mednec_linker", default_config={"threshold": None})
def make_linker(nlp: Language, name: str, threshold: float | None) -> "Linker":
    """spaCy factory for :class:`Linker` (``threshold`` None: the one of ``linker.yaml``)."""
    return Linker(threshold)


class Linker:
    """Links damaged mentions to KB concepts; adds the spans (with ``_.link_score``) to both groups."""

    def __init__(self, threshold: float | None = None, known: frozenset[str] | None = None) -> None:
        ensure_extensions()
        self.cfg = load_config()
        self.threshold = self.cfg.threshold if threshold is None else threshold
        vocab, self.kb_words = vocabulary()
        clinical = vocab if known is None else known
        # stems only of the clinical vocabulary ("occupat"): the English list already holds its
        # inflections, and stemming its 83,000 words would cost 0.3 s of every start
        self.stems = frozenset(stem(w) for w in clinical)
        if known is None:
            # general English too: "waking" is no damaged "walking"; a chart of known words
            # then needs no candidate generator at all
            from mednec.pipeline.respell_vocab import vocabulary as words

            known = vocab | words().known
        self.known = known
        self._generator: Any = None
        self.neighbourhood = kb_neighbourhood()
        self.longest = max(len(canonical(w)) for w in self.kb_words)
        self._damaged: dict[str, bool] = {}
        self._has_letter: dict[str, bool] = {}
        self._known: dict[str, bool] = {}
        self._near: dict[tuple[str, int], bool] = {}

    @property
    def generator(self) -> Any:
        """scispaCy's CandidateGenerator, loaded at the first damaged word: most clean charts
        need none, and loading it (scikit-learn, the index) costs about 0.5 s of a cold start."""
        if self._generator is None:
            self._generator = candidate_generator()
        return self._generator

    def __call__(self, doc: Doc) -> Doc:
        if len(self._damaged) + len(self._known) > _CACHE_LIMIT:  # per-word memos of a long-lived process
            for memo in (self._damaged, self._has_letter, self._known, self._near):
                memo.clear()
        chosen = self.select(self.proposals(doc, self.threshold), self.threshold)
        spans = [make_span(doc, p.start, p.end, p.concept, p.score) for p in chosen]
        add_target_spans(doc, spans, replace_contained=True)
        return doc

    @staticmethod
    def select(proposals: list[Proposal], threshold: float) -> list[Proposal]:
        """Proposals at or above ``threshold`` without overlaps: longest first (as the targets), then best."""
        chosen: list[Proposal] = []
        for p in sorted(proposals, key=lambda p: (p.start - p.end, -p.score, p.start)):
            if p.score >= threshold and not overlaps(p.start, p.end, [(c.start, c.end) for c in chosen]):
                chosen.append(p)
        return sorted(chosen, key=lambda p: p.start)

    def proposals(self, doc: Doc, floor: float = 0.0) -> list[Proposal]:
        """Verified candidate links of ``doc`` scoring at least ``floor`` (per token range, the best)."""
        toks = _Tokens(doc, self._has_letter)
        queries: dict[str, set[tuple[int, int, str, int]]] = {}
        for start, end, core in self._sites(toks):
            budget = self.budget(core)
            if not self.near_kb(core, budget):
                continue  # no KB word within the edit budget: nothing could be verified
            for s, e, text in toks.windows(start, end, core, self.cfg.window):
                for variant in {text.lower(), deconfuse(text)}:
                    queries.setdefault(variant, set()).add((s, e, text, budget))
        if not queries:
            return []
        texts = list(queries)
        scored = sorted(((sim, alias, cand.concept_id, text)
                         for text, candidates in zip(texts, self.generator(texts, self.cfg.k), strict=True)
                         for cand in candidates
                         for alias, sim in zip(cand.aliases, cand.similarities, strict=True) if sim >= floor),
                        reverse=True)
        best: dict[tuple[int, int], Proposal] = {}
        for sim, alias, concept, text in scored:
            for s, e, mention, budget in queries[text]:
                if (s, e) not in best and self.verified(mention, alias, budget):
                    best[(s, e)] = Proposal(s, e, concept, alias, round(float(sim), 4))
        return list(best.values())

    def budget(self, core: str) -> int:
        """Edits allowed for a damaged word, by its canonical length (``max_edits``)."""
        n = len(canonical(core))
        return max((edits for length, edits in self.cfg.max_edits if n >= length), default=0)

    def verified(self, mention: str, alias: str, budget: int) -> bool:
        """Whether ``alias`` can be ``mention`` damaged: same first letter, comparable length, few edits."""
        if len(alias) < self.cfg.min_alias_length:
            return False
        a, b = canonical(mention), canonical(alias)
        if a[:1] != b[:1] or min(len(a), len(b)) < self.cfg.min_length_ratio * max(len(a), len(b)):
            return False
        if any(a[k:] == b for k in (1, 2, 3)):
            return False  # a short word run into the term ("Ifintradural"): a cue in it would be lost
        return edit_distance(a, b, budget) <= budget

    def near_kb(self, word: str, budget: int) -> bool:
        """Whether some KB word is within ``budget`` edits of ``word`` (both canonical)."""
        hit = self._near.get((word, budget))
        if hit is None:
            c = canonical(word)
            if len(c) > self.longest + budget:  # no KB word that long (and no deletions of a long blob)
                return False
            hit = self._near[(word, budget)] = near_word(self.neighbourhood, c, budget)
        return hit

    def known_word(self, word: str) -> bool:
        """Whether a lower-case word, or another form of it (same :func:`stem`), is in the vocabulary."""
        hit = self._known.get(word)
        if hit is None:
            hit = self._known[word] = word in self.known or stem(word) in self.stems
        return hit

    def damaged(self, text: str) -> bool:
        """Whether a token looks misspelt or OCR-damaged: letters with digits, an inner capital, unknown."""
        hit = self._damaged.get(text)
        if hit is None:
            hit = self._damaged[text] = self._judge(text)
        return hit

    def _judge(self, text: str) -> bool:
        if text.isalpha():
            if (len(text) >= 4 and _INNER_CAP.search(text)) or "vv" in text.lower():
                return True
            return len(text) >= self.cfg.min_word_length and not self.known_word(text.lower())
        if not _DIGIT.search(text):
            return False
        letters = sum(ch.isalpha() or ch in "0158|" for ch in text)  # digits that OCR makes of letters
        return letters >= 3 and letters >= 0.6 * len(text) and not _CODE.match(text)

    def _sites(self, t: "_Tokens") -> list[tuple[int, int, str]]:
        """Token ranges where damage is likely, with the text to look up."""
        sites = [(i, i + 1, t.text[i]) for i in range(t.n) if t.free[i] and self.damaged(t.text[i])]
        for i in range(t.n - 1):  # fragments of a broken word: "sacroi liac"
            if not (t.joined[i] and t.text[i].isalpha() and t.text[i + 1].isalpha()):
                continue
            parts = [t.text[i].lower(), t.text[i + 1].lower()]
            if self.known_word(parts[0]) and self.known_word(parts[1]):
                continue
            for j in range(i + 1, min(i + 3, t.n)):
                if j > i + 1:
                    if not (t.joined[j - 1] and t.text[j].isalpha()):
                        break
                    parts.append(t.text[j].lower())
                joined = "".join(parts)
                k = bisect_left(self.kb_words, joined)
                hit = self.kb_words[k] if k < len(self.kb_words) else ""
                if not hit.startswith(joined):
                    break
                if hit == joined and len(joined) >= self.cfg.min_word_length:
                    sites.append((i, j + 1, joined))
                    break
        return sites


def _has_letter(text: str, cache: dict[str, bool]) -> bool:
    hit = cache.get(text)
    if hit is None:
        hit = cache[text] = _ALPHA.search(text) is not None
    return hit


def stem(word: str) -> str:
    """``word`` without up to two endings ("occupational" -> "occupat"), keeping at least 4 letters."""
    for _ in range(2):
        cut = next((s for s in _SUFFIXES if word.endswith(s) and len(word) - len(s) >= 4), "")
        word = word[:len(word) - len(cut)]
    return word


class _Tokens:
    """Per-token facts of one document, read in one pass (spaCy token access is slow in loops)."""

    def __init__(self, doc: Doc, has_letter: dict[str, bool]) -> None:
        n = self.n = len(doc)
        arr = doc.to_array([ORTH, SPACY, IS_SPACE, IS_PUNCT, LIKE_URL, LIKE_EMAIL, SENT_START]).tolist()
        strings = doc.vocab.strings
        self.text = [strings[row[0]] for row in arr]
        space = [row[1] == 1 for row in arr]  # followed by one space (other whitespace is a token)
        sent_start = [row[6] == 1 for row in arr]
        self.word = [not (row[2] or row[3] or row[4] or row[5]) and _has_letter(t, has_letter)
                     for row, t in zip(arr, self.text, strict=True)]
        self.free = list(self.word)  # words no target covers: where a damaged word can be
        self.targets = [(s.start, s.end) for s in doc.spans[ALL_GROUP]] if ALL_GROUP in doc.spans else []
        for a, b in self.targets:
            self.free[a:b] = [False] * (b - a)
        # the targets by start, so a window is checked against the targets near it only
        self._by_start = sorted(self.targets)
        self._starts = [a for a, _ in self._by_start]
        self._longest = max((b - a for a, b in self.targets), default=0)
        self.ws = [" " if sp else "" for sp in space]
        # how many tokens on from i the next word of the same phrase starts: 1 after one space,
        # 2 across a hyphen or slash written without spaces ("en-bloc", "bowel/bladder"), else 0
        self.step = [0] * n
        for i in range(n - 1):
            if not self.word[i]:
                continue
            if space[i] and self.word[i + 1] and not sent_start[i + 1]:
                self.step[i] = 1
            elif not space[i] and self.text[i + 1] in _CONNECTORS and not space[i + 1] and i + 2 < n \
                    and self.word[i + 2]:
                self.step[i] = 2
        self.joined = [self.step[i] == 1 and self.free[i] and self.free[i + 1] for i in range(n - 1)]
        self.joined.append(False)

    def windows(self, start: int, end: int, core: str, width: int) -> list[tuple[int, int, str]]:
        """The site with 0..``width`` neighbouring words of its phrase (at most ``width`` in all)."""
        lefts = [start]
        while len(lefts) <= width:
            first = lefts[-1]
            prev = [j for j in (first - 1, first - 2) if j >= 0 and self.step[j] == first - j]
            if not prev:
                break
            lefts.append(prev[0])
        rights = [end]
        while len(rights) <= width and self.step[rights[-1] - 1]:
            rights.append(rights[-1] + self.step[rights[-1] - 1])
        before = ["".join(self.text[k] + self.ws[k] for k in range(s, start)) for s in lefts]
        after = ["".join(self.ws[k - 1] + self.text[k] for k in range(end, e)) for e in rights]
        # only targets overlapping [lefts[-1], rights[-1]) can be cut: look at those, not at all
        near = self._by_start[bisect_left(self._starts, lefts[-1] - self._longest):
                              bisect_left(self._starts, rights[-1])]
        return [(s, e, before[n_l] + core + after[n_r]) for n_l, s in enumerate(lefts)
                for n_r, e in enumerate(rights[:width + 1 - n_l])
                if all(b <= s or e <= a or s <= a and b <= e for a, b in near)]  # no target cut
