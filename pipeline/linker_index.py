"""The linker's knowledge base and index: scispaCy's CandidateGenerator over ``concepts.jsonl``.

A scispaCy :class:`~scispacy.linking_utils.KnowledgeBase` view of mednec's concepts (alias ->
concept id; mednec's own ids, no UMLS CUIs), a TF-IDF vectorizer of character 3-grams and an
nmslib HNSW index over the aliases, built with the steps of scispaCy's
``create_tfidf_ann_index`` and cached on disk (``$MEDNEC_CACHE_DIR`` or ``~/.cache/mednec``)
under a hash of ``concepts.jsonl``: a process builds it at most once, and only when the
cache is missing, stale or corrupt. It is written to a temporary directory and renamed into
place, so a half-written index is never read. No network.

Also here, what the linker compares words with: the OCR-confusion folding of mentions and
aliases, a bounded edit distance, the vocabulary of words that are not damage (alias words,
``linker.yaml``'s common words, section titles, ConText cues, spaCy's stop words) and a
SymSpell deletion index of the KB words.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from mednec.pipeline.abbreviations import load_lexicon
from mednec.pipeline.kb import load_kb
from mednec.pipeline.resources import context_rule_specs, load_yaml, resource_text, rule_cache
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz.distance import OSA
from symspellpy import SymSpell, Verbosity

CONFIG = "linker.yaml"
INDEX_FORMAT = 1
FILES = ("tfidf_vectorizer.joblib", "nmslib_index.bin", "tfidf_vectors_sparse.npz", "concept_aliases.json")


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
    space: Literal["cosinesimil_sparse", "cosinesimil_sparse_fast"]
    common_words: str


@rule_cache
def load_config() -> LinkerConfig:
    """The validated ``linker.yaml``."""
    return load_yaml(CONFIG, LinkerConfig)


def cache_dir() -> Path:
    """Where the linker index is cached: ``$MEDNEC_CACHE_DIR`` or ``~/.cache/mednec``."""
    return Path(os.environ.get("MEDNEC_CACHE_DIR") or Path.home() / ".cache" / "mednec") / "linker"


def index_key() -> str:
    """Hash of ``concepts.jsonl``, the index parameters and the library versions that read it."""
    cfg = load_config()
    h = hashlib.sha256(resource_text("concepts.jsonl").encode("utf-8"))
    params = [INDEX_FORMAT, cfg.space, cfg.hnsw_m, cfg.hnsw_ef_construction,
              version("scikit-learn"), version("scispacy"), version("numpy")]
    h.update(json.dumps(params).encode())
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
    index = nmslib.init(method="hnsw", space=cfg.space, data_type=nmslib.DataType.SPARSE_VECTOR)
    index.addDataPointBatch(vectors)
    params = {"M": cfg.hnsw_m, "efConstruction": cfg.hnsw_ef_construction, "post": 0}
    index.createIndex(params, print_progress=False)
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


class ExactCosineIndex:
    """Exact nearest aliases by cosine similarity of the TF-IDF vectors, behind nmslib's
    ``knnQueryBatch`` interface (the one method scispaCy's ``CandidateGenerator`` calls).

    Why not the HNSW graph: with about 1,500 aliases an exact sparse product costs well under a
    millisecond per mention, and the approximate graph search (nmslib-metabrainz 2.1.3) can miss an
    alias identical to the query ("sacrum" found "hemisacrum" but not "sacrum"), which made links
    depend on how the graph happened to be built.
    """

    def __init__(self, vectors: Any) -> None:
        import numpy
        import scipy.sparse

        matrix = scipy.sparse.csr_matrix(vectors, dtype=numpy.float32)
        norms = numpy.sqrt(numpy.asarray(matrix.multiply(matrix).sum(axis=1)).reshape(-1))
        norms[norms == 0] = 1.0
        self._aliases = scipy.sparse.diags(1.0 / norms).dot(matrix).T.tocsr()

    def knnQueryBatch(self, queries: Any, k: int = 10, num_threads: int = 0) -> list[tuple[Any, Any]]:  # noqa: N802 - nmslib's name
        """For each query row: the ``k`` nearest alias ids and their cosine distances, nearest first."""
        import numpy
        import scipy.sparse

        q = scipy.sparse.csr_matrix(queries, dtype=numpy.float32)
        qn = numpy.sqrt(numpy.asarray(q.multiply(q).sum(axis=1)).reshape(-1))
        qn[qn == 0] = 1.0
        sims = (scipy.sparse.diags(1.0 / qn).dot(q) @ self._aliases).toarray()
        out = []
        for row in sims:
            top = numpy.argsort(-row, kind="stable")[:k]  # ties keep the alias order: deterministic
            out.append((top.astype(numpy.int32), (1.0 - row[top]).astype(numpy.float32)))
        return out


def _load_ann_index(path: Path, cfg: LinkerConfig) -> Any:
    """The alias index scispaCy's ``CandidateGenerator`` queries: exact cosine over the cached vectors."""
    import scipy.sparse

    del cfg  # the HNSW parameters no longer apply: the search is exact
    return ExactCosineIndex(scipy.sparse.load_npz(path / FILES[2]))


@rule_cache
def candidate_generator() -> Any:
    """scispaCy's CandidateGenerator over mednec's KB, loaded from the on-disk cache (once per process)."""
    import joblib
    from scispacy.candidate_generation import CandidateGenerator
    from scispacy.linking_utils import Entity, KnowledgeBase

    kb = load_kb()

    class MednecKnowledgeBase(KnowledgeBase):
        """scispaCy's KB view of ``concepts.jsonl``: alias -> concept id, concept id -> Entity."""

        def __init__(self) -> None:  # no file: the concepts come from load_kb()
            self.alias_to_cuis = {alias: {cid} for alias, cid in kb.alias_index.items()}
            self.cui_to_entity = {c.concept: Entity(c.concept, (c.aliases or (c.concept,))[0],
                                                    list(c.aliases), [c.label]) for c in kb}

    def load(path: Path) -> CandidateGenerator:
        aliases = json.loads((path / FILES[3]).read_text(encoding="utf-8"))
        return CandidateGenerator(ann_index=_load_ann_index(path, load_config()),
                                  tfidf_vectorizer=joblib.load(path / FILES[0]),
                                  ann_concept_aliases_list=aliases, kb=MednecKnowledgeBase())

    path = index_dir()
    try:
        return load(path)
    except Exception:  # noqa: BLE001 - an index that cannot be read (whatever the reader raises) is rebuilt once
        shutil.rmtree(path, ignore_errors=True)
        return load(index_dir())


# -- comparing words with the KB ----------------------------------------------------------------

_FOLD = (("lvl", "m"), ("rn", "m"), ("cl", "d"), ("vv", "w"))  # after 1/I/i -> l: "IVI" -> m
_DIGITS = str.maketrans("1058|", "losbl")
_CANON = str.maketrans("1058|i", "losbll")


def canonical(text: str) -> str:
    """Lower case with OCR confusions folded (1/l/i/|, 0/o, 5/s, 8/b, IVI/m, rn/m, cl/d, vv/w)."""
    text = text.lower().translate(_CANON)
    for a, b in _FOLD:
        text = text.replace(a, b)
    return text


def deconfuse(text: str) -> str:
    """A query variant with likely OCR confusions undone ("acetabu1ar" -> "acetabular")."""
    text = re.sub(r"[Il1|]V[Il1|]", "M", text)  # "SACRUIVI"
    text = re.sub(r"(?<=[a-z])I", "l", text).lower().translate(_DIGITS)
    for a, b in _FOLD:
        text = text.replace(a, b)
    return text


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``
    (rapidfuzz's OSA with a cutoff)."""
    return OSA.distance(a, b, score_cutoff=limit)


@rule_cache
def vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    """(words that are not damage, sorted words of the KB aliases)."""
    from mednec.pipeline.sections import section_rule_specs
    from spacy.lang.en.stop_words import STOP_WORDS

    def words(text: str) -> list[str]:
        return re.findall(r"[a-z]+", text.lower())

    kb_words = {w for alias in load_kb().alias_index for w in words(alias)}
    known = set(kb_words) | set(STOP_WORDS) | set(words(load_config().common_words))
    known |= {w for s in context_rule_specs() for w in words(s.literal)}
    known |= {w for e in load_lexicon().entries for w in words(f"{e.form} {e.expansion}")}
    known |= {w for s in section_rule_specs() for w in words(s.literal)}
    return frozenset(known), tuple(sorted(kb_words))


@rule_cache
def kb_neighbourhood() -> SymSpell:
    """A SymSpell index (symspellpy) of the canonical KB words, to ask whether a damaged word lies
    within a few edits of one. No prefix truncation: the lookup is exact for every length."""
    depth = max(edits for _, edits in load_config().max_edits)
    words = {canonical(w) for w in vocabulary()[1]}
    index = SymSpell(max_dictionary_edit_distance=depth, prefix_length=max(map(len, words)) + 1)
    for word in sorted(words):
        index.create_dictionary_entry(word, 1)
    return index


def near_word(index: SymSpell, word: str, budget: int) -> bool:
    """Whether some word of ``index`` is within ``budget`` optimal-string-alignment edits of ``word``."""
    return bool(index.lookup(word, Verbosity.TOP, max_edit_distance=budget, transfer_casing=False))
