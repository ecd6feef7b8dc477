"""``mednec_linker``: concept normalisation of misspelt and OCR-damaged mentions.

scispaCy's :class:`~scispacy.candidate_generation.CandidateGenerator` over a scispaCy
knowledge base built from the aliases of ``concepts.jsonl`` (mednec's own concept ids):
a TF-IDF vectorizer of character 3-grams and an nmslib HNSW index, built with the steps of
``scispacy.candidate_generation.create_tfidf_ann_index`` and cached on disk under a key of
``concepts.jsonl``. Only words where damage is likely and no target lies are looked up
(mixed letters and digits, a capital inside a word, "vv", unknown words, fragments whose
join is a KB word: "sacroi liac"), in one batch per document, with a word of context on
each side. An alias is accepted when its similarity reaches the threshold of ``linker.yaml``
and it is within a small edit distance once OCR confusions (1/l/i, 0/o, 5/s, rn/m, cl/d,
vv/w) are folded. Spans are token spans of the original text, so offsets stay exact.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from spacy.language import Language
from spacy.tokens import Doc, Token

from mednec.pipeline.abbreviations import add_target_spans, ensure_extensions, load_lexicon, make_span, overlaps
from mednec.pipeline.kb import load_kb
from mednec.pipeline.resources import context_rule_specs, load_yaml, resource_text
from mednec.pipeline.targets import ALL_GROUP

CONFIG = "linker.yaml"
INDEX_FORMAT = 1
FILES = ("tfidf_vectorizer.joblib", "nmslib_index.bin", "tfidf_vectors_sparse.npz", "concept_aliases.json")
_SUFFIXES = ("s", "es", "ed", "d", "ing", "ly", "al", "ally", "ic", "ness", "ment", "ments")
_FOLD = (("rn", "m"), ("cl", "d"), ("vv", "w"))
_DIGITS = str.maketrans("1058|", "losbl")
_CANON = str.maketrans("1058|i", "losbll")


class LinkerConfig(BaseModel):
    """Settings of ``linker.yaml`` (see the comments there)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1]
    threshold: float = Field(ge=0, le=1)
    min_length_ratio: float = Field(gt=0, le=1)
    min_alias_length: int = Field(ge=1)
    max_edits: tuple[tuple[int, int], ...]
    min_word_length: int = Field(ge=2)
    window: int = Field(ge=0, le=3)
    k: int = Field(ge=1)
    ef_search: int = Field(ge=1)
    hnsw_m: int = Field(ge=2)
    hnsw_ef_construction: int = Field(ge=1)
    common_words: str


@lru_cache(maxsize=1)
def load_config() -> LinkerConfig:
    """The validated ``linker.yaml``."""
    return load_yaml(CONFIG, LinkerConfig)


def canonical(text: str) -> str:
    """Lower case with OCR confusions folded (1/l/i/|, 0/o, 5/s, 8/b, rn/m, cl/d, vv/w)."""
    text = text.lower().translate(_CANON)
    for a, b in _FOLD:
        text = text.replace(a, b)
    return text


def deconfuse(text: str) -> str:
    """A query variant with likely OCR confusions undone ("acetabu1ar" -> "acetabular")."""
    text = re.sub(r"(?<=[a-z])I", "l", text).lower().translate(_DIGITS)
    for a, b in _FOLD:
        text = text.replace(a, b)
    return text


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return prev[-1]


# -- the index: built once, cached on disk ---------------------------------------------------

def cache_dir() -> Path:
    """Where the linker index is cached: ``$MEDNEC_CACHE_DIR`` or ``~/.cache/mednec``."""
    return Path(os.environ.get("MEDNEC_CACHE_DIR") or Path.home() / ".cache" / "mednec") / "linker"


def index_key() -> str:
    """Hash of ``concepts.jsonl``, the index parameters and the library versions that read it."""
    cfg = load_config()
    h = hashlib.sha256(resource_text("concepts.jsonl").encode("utf-8"))
    h.update(json.dumps([INDEX_FORMAT, cfg.hnsw_m, cfg.hnsw_ef_construction, version("scikit-learn"),
                         version("scispacy"), version("numpy")]).encode())
    return h.hexdigest()


def build_index(aliases: list[str], out: Path) -> None:
    """Fit the char-3-gram TF-IDF vectorizer and the nmslib HNSW index over ``aliases`` into ``out``.

    The steps of scispaCy's ``create_tfidf_ann_index`` (which needs scipy < 1.11 for its float16
    vectors and drops 3-grams seen in fewer than 10 aliases, too many for a small KB).
    """
    import joblib
    import nmslib
    import numpy
    import scipy.sparse
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), min_df=1, dtype=numpy.float32)
    vectors = vectorizer.fit_transform(aliases)
    keep = numpy.asarray(vectors.sum(axis=1) != 0).reshape(-1)
    aliases = [a for a, k in zip(aliases, keep, strict=True) if k]
    vectors = vectors[keep]
    cfg = load_config()
    index = nmslib.init(method="hnsw", space="cosinesimil_sparse", data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    index.createIndex({"M": cfg.hnsw_m, "efConstruction": cfg.hnsw_ef_construction, "post": 0}, print_progress=False)
    joblib.dump(vectorizer, out / FILES[0])
    index.saveIndex(str(out / FILES[1]))
    scipy.sparse.save_npz(out / FILES[2], vectors.astype(numpy.float32))
    (out / FILES[3]).write_text(json.dumps(aliases), encoding="utf-8")


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _valid(path: Path, key: str) -> bool:
    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        return manifest["key"] == key and all(_digest(path / f) == manifest["files"][f] for f in FILES)
    except (OSError, ValueError, KeyError, TypeError):
        return False


def index_dir() -> Path:
    """The cached index for the current ``concepts.jsonl``, built (atomically) if missing or corrupt."""
    root, key = cache_dir(), index_key()
    final = root / f"index-{key[:24]}"
    if _valid(final, key):
        return final
    shutil.rmtree(final, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".building-", dir=root))
    try:
        build_index(sorted(load_kb().alias_index), tmp)
        manifest = {"key": key, "files": {f: _digest(tmp / f) for f in FILES}}
        (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        try:
            os.rename(tmp, final)  # atomic; fails if another process got there first
        except OSError:
            if not _valid(final, key):
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return final


@lru_cache(maxsize=1)
def candidate_generator() -> Any:
    """scispaCy's CandidateGenerator over mednec's KB, loaded from the on-disk cache (once per process)."""
    import joblib
    from scispacy.candidate_generation import CandidateGenerator, LinkerPaths, load_approximate_nearest_neighbours_index
    from scispacy.linking_utils import Entity, KnowledgeBase

    kb = load_kb()

    class MednecKnowledgeBase(KnowledgeBase):
        """scispaCy's KB view of ``concepts.jsonl``: alias -> concept id, concept id -> Entity."""

        def __init__(self) -> None:  # no file: the concepts come from load_kb()
            self.alias_to_cuis = {alias: {cid} for alias, cid in kb.alias_index.items()}
            self.cui_to_entity = {c.concept: Entity(c.concept, (c.aliases or (c.concept,))[0], list(c.aliases),
                                                    [c.label]) for c in kb}

    path = index_dir()
    paths = LinkerPaths(tfidf_vectorizer=str(path / FILES[0]), ann_index=str(path / FILES[1]),
                        tfidf_vectors=str(path / FILES[2]), concept_aliases_list=str(path / FILES[3]))
    ann_index = load_approximate_nearest_neighbours_index(paths, ef_search=load_config().ef_search)
    aliases = json.loads(Path(paths.concept_aliases_list).read_text(encoding="utf-8"))
    return CandidateGenerator(ann_index=ann_index, tfidf_vectorizer=joblib.load(paths.tfidf_vectorizer),
                              ann_concept_aliases_list=aliases, kb=MednecKnowledgeBase())


@lru_cache(maxsize=1)
def vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """(words that are not damage, sorted words of the KB aliases)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    words = lambda text: re.findall(r"[a-z]+", text.lower())  # noqa: E731
    kb_words = {w for alias in load_kb().alias_index for w in words(alias)}
    known = set(kb_words) | set(STOP_WORDS) | set(words(load_config().common_words))
    known |= {w for s in context_rule_specs() for w in words(s.literal)}
    known |= {w for e in load_lexicon().entries for w in words(f"{e.form} {e.expansion}")}
    from mednec.pipeline.sections import section_rule_specs

    known |= {w for s in section_rule_specs() for w in words(s.literal)}
    return frozenset(known), tuple(sorted(kb_words))


# -- the component -----------------------------------------------------------------------------

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
        self.known = vocab if known is None else known
        self.generator = candidate_generator()

    def __call__(self, doc: Doc) -> Doc:
        chosen = self.select(self.proposals(doc), self.threshold)
        add_target_spans(doc, [make_span(doc, p.start, p.end, p.concept, p.score) for p in chosen])
        return doc

    @staticmethod
    def select(proposals: list[Proposal], threshold: float) -> list[Proposal]:
        """Proposals at or above ``threshold``, best first, without overlaps."""
        chosen: list[Proposal] = []
        for p in sorted(proposals, key=lambda p: (-p.score, p.start - p.end, p.start)):
            if p.score >= threshold and not overlaps(p.start, p.end, [(c.start, c.end) for c in chosen]):
                chosen.append(p)
        return sorted(chosen, key=lambda p: p.start)

    def proposals(self, doc: Doc) -> list[Proposal]:
        """Every verified candidate link of ``doc`` (one per token range, its best score)."""
        covered = [False] * len(doc)
        for span in doc.spans[ALL_GROUP] if ALL_GROUP in doc.spans else []:
            covered[span.start:span.end] = [True] * len(span)
        free = [not covered[i] and _wordlike(t) for i, t in enumerate(doc)]
        queries: dict[str, set[tuple[int, int, str]]] = {}
        for start, end, core in self._sites(doc, free):
            for s, e, text in self._windows(doc, free, start, end, core):
                for variant in {text.lower(), deconfuse(text)}:
                    queries.setdefault(variant, set()).add((s, e, text))
        if not queries:
            return []
        texts = list(queries)
        best: dict[tuple[int, int], Proposal] = {}
        for text, candidates in zip(texts, self.generator(texts, self.cfg.k), strict=True):
            for cand in candidates:
                for alias, sim in zip(cand.aliases, cand.similarities, strict=True):
                    for s, e, mention in queries[text]:
                        old = best.get((s, e))
                        if (old is None or sim > old.score) and self._verified(mention, alias):
                            best[(s, e)] = Proposal(s, e, cand.concept_id, alias, round(float(sim), 4))
        return list(best.values())

    def _verified(self, mention: str, alias: str) -> bool:
        if len(alias) < self.cfg.min_alias_length:
            return False
        a, b = canonical(mention), canonical(alias)
        if min(len(a), len(b)) < self.cfg.min_length_ratio * max(len(a), len(b)):
            return False
        limit = max(edits for length, edits in self.cfg.max_edits if len(b) >= length)
        return edit_distance(a, b, limit) <= limit

    def _known(self, word: str) -> bool:
        if word in self.known:
            return True
        return any(word.endswith(s) and (word[:-len(s)] in self.known or word[:-len(s)] + "e" in self.known)
                   for s in _SUFFIXES if len(word) - len(s) >= 3)

    def _damaged(self, tok: Token) -> bool:
        text = tok.text
        if any(ch.isdigit() or ch == "|" for ch in text):
            letters = sum(ch.isalpha() for ch in text)
            return letters >= 3 and letters >= 0.6 * len(text)
        if not text.isalpha():
            return False
        if re.search(r"[a-z][A-Z]", text) or "vv" in text.lower():
            return True
        return len(text) >= self.cfg.min_word_length and not self._known(text.lower())

    def _sites(self, doc: Doc, free: list[bool]) -> list[tuple[int, int, str]]:
        """Token ranges where damage is likely, with the text to look up."""
        sites = [(i, i + 1, tok.text) for i, tok in enumerate(doc) if free[i] and self._damaged(tok)]
        for i in range(len(doc) - 1):
            parts = [doc[i].lower_]
            for j in range(i + 1, min(i + 3, len(doc))):
                if not (free[j] and doc[j].is_alpha and doc[j - 1].is_alpha and free[j - 1]
                        and doc[j - 1].whitespace_ == " " and not doc[j].is_sent_start):
                    break
                parts.append(doc[j].lower_)
                joined = "".join(parts)
                if all(self._known(p) for p in parts):
                    continue
                if len(joined) >= self.cfg.min_word_length and self._kb_word(joined):
                    sites.append((i, j + 1, joined))
                    break
                if not self._kb_prefix(joined):
                    break
        return sites

    def _kb_word(self, word: str) -> bool:
        i = bisect_left(self.kb_words, word)
        return i < len(self.kb_words) and self.kb_words[i] == word

    def _kb_prefix(self, word: str) -> bool:
        i = bisect_left(self.kb_words, word)
        return i < len(self.kb_words) and self.kb_words[i].startswith(word)

    def _windows(self, doc: Doc, free: list[bool], start: int, end: int, core: str) -> list[tuple[int, int, str]]:
        """The site alone and with up to ``window`` free words of the same line on each side."""
        left = []
        i = start - 1
        while i >= 0 and len(left) < self.cfg.window and free[i] and " " == doc[i].whitespace_ \
                and not doc[i + 1].is_sent_start:
            left.insert(0, i)
            i -= 1
        right = []
        j = end
        while j < len(doc) and len(right) < self.cfg.window and free[j] and doc[j - 1].whitespace_ == " " \
                and not doc[j].is_sent_start:
            right.append(j)
            j += 1
        out = []
        for n_left in range(len(left) + 1):
            for n_right in range(len(right) + 1):
                words = [doc[k].text for k in left[len(left) - n_left:]] + [core] + [doc[k].text for k in right[:n_right]]
                out.append((start - n_left, end + n_right, " ".join(words)))
        return out


def _wordlike(tok: Token) -> bool:
    return not (tok.is_space or tok.is_punct or tok.like_url or tok.like_email) and any(ch.isalpha() for ch in tok.text)
