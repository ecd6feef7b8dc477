"""Linear cost, without timing: work counts that must not grow faster than the text, and the
speed-ups that must give exactly the results of the code they replace."""

from __future__ import annotations

import cProfile
import pstats
import random
import re
import subprocess
import sys
from pathlib import Path

import numpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.attrs import SENT_START

from tests.conftest import CORPUS_CASES, DEV_CASES


def _chart_text() -> str:
    paths = sorted(CORPUS_CASES.glob("*/*.txt")) + sorted(DEV_CASES.glob("*/*.txt"))
    return "\n\n".join(p.read_text(encoding="utf-8", errors="replace") for p in paths)


def _calls(nlp, text: str) -> int:  # noqa: ANN001 - spaCy Language
    """Python function calls made reading ``text`` into facts (deterministic, unlike time)."""
    from mednec.pipeline import extract_facts

    prof = cProfile.Profile()
    prof.enable()
    extract_facts(nlp(text), "doc.txt", "imaging", None)
    prof.disable()
    return pstats.Stats(prof).total_calls  # type: ignore[attr-defined]


def test_work_grows_linearly_with_document_length(nlp) -> None:  # noqa: ANN001
    """4x the characters costs about 4x the calls, not 16x (the quadratic paths that were fixed:
    sentence starts, overlap pruning, span groups, sentence members)."""
    text = _chart_text()
    small, large = text[:12_000], text[:48_000]
    assert len(large) == 4 * len(small)
    nlp(large)  # first-use caches (and the linker's lazily loaded index) are not per-character work
    ratio = _calls(nlp, large) / _calls(nlp, small)
    assert ratio < 5.0, f"4x the text made {ratio:.1f}x the calls"


def _facts_calls(nlp, text: str) -> int:  # noqa: ANN001 - spaCy Language
    """Python function calls of ``extract_facts`` alone on ``text``."""
    from mednec.pipeline import extract_facts

    doc = nlp(text)
    prof = cProfile.Profile()
    prof.enable()
    extract_facts(doc, "doc.txt", "pathology", None)
    prof.disable()
    return pstats.Stats(prof).total_calls  # type: ignore[attr-defined]


def test_facts_of_a_long_line_cost_per_finding_not_per_pair(nlp) -> None:  # noqa: ANN001
    """One sentence of 4x the findings costs about 4x the calls in the facts (each finding used to
    look at every other finding, the whole sentence text and every percentage of its sentence)."""
    unit = ("no evidence of metastatic disease in the left iliac bone, chondrosarcoma abuts the sciatic "
            "nerve, possible soft tissue mass with 40% necrosis, ")
    short, long = (unit * 25)[:3_000], (unit * 100)[:12_000]
    _facts_calls(nlp, unit)
    ratio = _facts_calls(nlp, long) / _facts_calls(nlp, short)
    assert ratio < 5.0, f"4x the line made {ratio:.1f}x the calls"


def _context_patterns(nlp) -> list[re.Pattern[str]]:  # noqa: ANN001
    from mednec.pipeline.medspacy_compat import context_matcher, regex_patterns

    return list(regex_patterns(context_matcher(nlp.get_pipe("mednec_context"))))


@pytest.fixture(scope="module")
def patterns(nlp) -> list[re.Pattern[str]]:  # noqa: ANN001
    return _context_patterns(nlp)


@pytest.fixture(scope="module")
def vocabulary(patterns: list[re.Pattern[str]]) -> list[str]:
    words = {w for p in patterns for w in re.findall(r"[A-Za-z']+", p.pattern) if len(w) > 1}
    return sorted(words | {"mass", "nerve", "Left", "NO", "pt"})


_SEPARATORS = st.sampled_from([" ", "  ", "\n", ", ", ". ", "-", "/", " / ", "; ", ":", "(", ")", "_", "9 ",
                               ""])


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_regex_plans_find_exactly_what_finditer_finds(patterns, vocabulary, data) -> None:  # noqa: ANN001
    """``DocWords.finditer`` (words a match can start at) equals ``pattern.finditer`` on any text."""
    from mednec.pipeline.regex_filter import DocWords

    words = data.draw(st.lists(st.sampled_from(vocabulary), min_size=1, max_size=14))
    seps = data.draw(st.lists(_SEPARATORS, min_size=len(words), max_size=len(words)))
    case = data.draw(st.sampled_from([str, str.upper, str.capitalize]))
    text = "".join(case(w) + s for w, s in zip(words, seps, strict=True))
    text += data.draw(st.sampled_from(["", " naïve", " \u212a", " ſ"]))  # non-ASCII: full scans
    index = DocWords(text)
    for p in patterns:
        assert [m.span() for m in index.finditer(p)] == [m.span() for m in p.finditer(text)], p.pattern


def test_regex_plans_on_the_corpus(patterns) -> None:  # noqa: ANN001
    from mednec.pipeline.regex_filter import DocWords

    for path in sorted(CORPUS_CASES.glob("*/*.txt"))[:40]:
        text = path.read_text(encoding="utf-8")
        index = DocWords(text)
        for p in patterns:
            assert [m.span() for m in index.finditer(p)] == [m.span() for m in p.finditer(text)]


def test_linear_prune_is_medspacys_prune() -> None:
    from mednec.pipeline.prune import prune_overlapping
    from medspacy.common.util import prune_overlapping_matches

    rnd = random.Random(11)
    for _ in range(3000):
        starts = [rnd.randint(0, 60) for _ in range(rnd.randint(0, 30))]
        matches = [(rnd.randint(1, 4), s, s + rnd.randint(1, 6)) for s in starts]
        assert prune_overlapping(list(matches)) == prune_overlapping_matches(list(matches))


def test_bulk_sentence_starts_equal_the_per_token_setter(nlp) -> None:  # noqa: ANN001
    """The splitter's one ``from_array`` write stores what ``tok.is_sent_start = ...`` would."""
    splitter = nlp.get_pipe("mednec_sentences")
    for path in sorted(CORPUS_CASES.glob("*/*.txt"))[:20]:
        doc = splitter(nlp.make_doc(path.read_text(encoding="utf-8")))
        again = nlp.make_doc(doc.text)
        for tok, want in zip(again, doc, strict=True):
            tok.is_sent_start = bool(want.is_sent_start)
        assert numpy.array_equal(doc.to_array([SENT_START]), again.to_array([SENT_START]))


def test_unused_imports_stay_deferred_after_build() -> None:
    """Building the pipeline does not import NLTK (medspaCy -> QuickUMLS), and NLTK still works."""
    code = ("import sys\nfrom mednec.pipeline import build\nbuild()\n"
            "print(type(sys.modules['nltk']).__name__)\nimport nltk\nprint(bool(nltk.__version__))\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          cwd=Path(__file__).resolve().parents[2])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["_Deferred", "True"]


def test_the_cli_imports_no_nlp_library() -> None:
    """``import mednec.cli`` (every command's start) does no NLP work: spaCy loads on demand."""
    code = ("import sys, mednec.cli, mednec.triage, mednec.review, mednec.engines\n"
            "print(sorted(m for m in ('spacy', 'medspacy', 'sklearn', 'dask') if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"
