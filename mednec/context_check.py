"""``mednec context SENTENCES.tsv``: the assertion layer scored on a sentence set.

Reads the NegEx test-kit format (tab-separated; a header line, then ``line number``,
``Condition``, ``sentence`` and any further columns, which are ignored) and writes one
row per input row, in input order::

    line number<TAB>negation<TAB>temporality<TAB>experiencer

The doc is made with the pipeline's tokenizer and sentence splitter only; the Condition
phrase is located in it (verbatim, else the closest span), set as the only target of the
pipeline's own ConText component (``mednec_context``, which reads the target span group)
and classified from the modifiers it receives, so the scores measure the shipped
assertion rules (``pipeline/resources/context_rules.jsonl``).
"""

from __future__ import annotations

import csv
import difflib
import re
from pathlib import Path
from typing import Any, TextIO

from spacy.language import Language
from spacy.tokens import Doc, Span

from mednec.core.errors import CaseError
from mednec.outputs import spreadsheet_safe

HEADER = ("line number", "negation", "temporality", "experiencer")
CONTEXT_PIPE = "mednec_context"
TARGET_LABEL = "CONDITION"
_SENT_HINTS = ("pyrush", "sentencizer", "senter", "sentence", "sents")


class SentenceSetError(CaseError):
    """The sentence-set TSV is missing, unreadable or lacks the required columns."""

    code = "E110"


def default_nlp() -> Language:
    """The pipeline the determinations use (``mednec.pipeline.build()``)."""
    from mednec.pipeline import build

    return build()


def context_component(nlp: Language) -> Any:
    """The pipeline's ConText component (named ``mednec_context``, else the first ConText)."""
    if CONTEXT_PIPE in nlp.pipe_names:
        return nlp.get_pipe(CONTEXT_PIPE)
    from medspacy.context import ConText

    for _, proc in nlp.pipeline:
        if isinstance(proc, ConText):
            return proc
    raise LookupError("the pipeline has no ConText component")


def sentence_doc(nlp: Language, text: str) -> Doc:
    """Tokenise ``text`` and split it into sentences with the pipeline's sentence component only."""
    doc = nlp.make_doc(text)
    for name, proc in nlp.pipeline:
        if any(hint in name.lower() for hint in _SENT_HINTS):
            doc = proc(doc)
            break
    if len(doc) and not doc.has_annotation("SENT_START"):
        for token in doc:
            token.is_sent_start = token.i == 0
    return doc


def _norm(word: str) -> str:
    return re.sub(r"[^\w/+-]", "", word.lower())


def locate(doc: Doc, condition: str) -> Span:
    """The span of ``doc`` that holds ``condition``.

    Case-insensitive and whitespace-tolerant. Of several occurrences, a heading ("Allergies:")
    loses to a mention in running text; then the one written in the Condition's own case
    wins, then one in capitals (the NegEx kit capitalises the annotated mention), then the
    first. When the phrase is not there verbatim, the span with the best token overlap
    (fuzzy token equality) is used.
    """
    words = condition.split()
    if words:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
        found = [m for m in re.finditer(pattern, doc.text, flags=re.IGNORECASE)]
        spans = [(m, doc.char_span(m.start(), m.end(), alignment_mode="expand")) for m in found]
        spans = [(m, s) for m, s in spans if s is not None and len(s)]
        if spans:
            def rank(item: tuple[re.Match[str], Span]) -> tuple[int, int, int]:
                match = item[0]
                text = match.group(0)
                heading = doc.text[match.end():].lstrip(" \t").startswith(":")
                same = " ".join(text.split()) == " ".join(words)
                case = 0 if same else 1 if text.isupper() and not doc.text.isupper() else 2
                return (int(heading), case, match.start())

            return min(spans, key=rank)[1]
    return _closest_span(doc, [_norm(w) for w in words if _norm(w)])


def _closest_span(doc: Doc, wanted: list[str]) -> Span:
    """The span whose tokens best overlap ``wanted`` (F1 over fuzzy token matches)."""
    tokens = [(t.i, _norm(t.text)) for t in doc if not t.is_space and _norm(t.text)]
    if not tokens or not wanted:
        return doc[0 : len(doc)]

    def hit(word: str) -> bool:
        return any(word == w or difflib.SequenceMatcher(None, word, w).ratio() >= 0.8 for w in wanted)

    hits = [hit(w) for _, w in tokens]
    best: tuple[float, int, int] = (0.0, 0, len(doc))
    for i in range(len(tokens)):
        if not hits[i]:
            continue
        count = 0
        for j in range(i, min(len(tokens), i + len(wanted) + 3)):
            count += hits[j]
            if not hits[j]:
                continue
            f1 = 2 * count / ((j - i + 1) + len(wanted))
            if f1 > best[0]:
                best = (f1, tokens[i][0], tokens[j][0] + 1)
    return doc[best[1] : best[2]]


def effective_modifiers(span: Span) -> list:
    """The ConText modifiers of ``span`` that lie outside it.

    medspaCy 1.3.1 lets a modifier strictly inside a target modify that target (its
    overlap test misses containment), so "mass with no necrosis" would be negated by its
    own "no"; such modifiers describe a part of the phrase, not the phrase.
    """
    return [
        m for m in span._.modifiers
        if not (span.start <= m.modifier_span[0] and m.modifier_span[1] <= span.end)
    ]


def _categories(span: Span) -> set[str]:
    return {modifier.category.upper() for modifier in effective_modifiers(span)}


def assess(nlp: Language, sentence: str, condition: str, label: str = TARGET_LABEL) -> Span:
    """The Condition's span in ``sentence`` after the pipeline's ConText component ran on it.

    The doc is tokenised and sentence-split only; the located span is the one target
    (``label``, by default ``CONDITION``), so its ``_.modifiers`` and ``_.is_negated`` ... ``_.is_planned``
    flags are exactly what the determinations would see for it.
    """
    doc = sentence_doc(nlp, sentence)
    found = locate(doc, condition) if len(doc) else doc[0:0]
    target = Span(doc, found.start, found.end, label=label)
    ctx = context_component(nlp)
    if getattr(ctx, "input_span_type", "ents") == "group":
        doc.spans[ctx.span_group_name] = [target]
        return ctx(doc).spans[ctx.span_group_name][0]
    doc.ents = [target]
    return ctx(doc).ents[0]


def classify(nlp: Language, sentence: str, condition: str) -> tuple[str, str, str]:
    """Assertion of ``condition`` in ``sentence``: (negation, temporality, experiencer).

    negation is ``negated``, ``affirmed`` or ``possible``; temporality ``recent``,
    ``historical`` or ``hypothetical`` (planned counts as hypothetical); experiencer
    ``patient`` or ``other``.
    """
    if not sentence.strip():
        return ("affirmed", "recent", "patient")
    cats = _categories(assess(nlp, sentence, condition))
    if "NEGATED_EXISTENCE" in cats:
        negation = "negated"
    else:
        negation = "possible" if "POSSIBLE_EXISTENCE" in cats else "affirmed"
    if cats & {"HYPOTHETICAL", "PLANNED"}:
        temporality = "hypothetical"
    elif "HISTORICAL" in cats:
        temporality = "historical"
    else:
        temporality = "recent"
    return (negation, temporality, "other" if "FAMILY" in cats else "patient")


def read_sentences(tsv_path: Path) -> list[tuple[str, str, str]]:
    """(line number, Condition, sentence) for each data row of a NegEx-kit TSV."""
    try:
        text = tsv_path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError as exc:
        raise SentenceSetError("file not found", tsv_path) from exc
    except (IsADirectoryError, PermissionError, OSError) as exc:
        raise SentenceSetError(f"cannot read ({exc.__class__.__name__})", tsv_path) from exc
    lines = [line.rstrip("\r") for line in text.split("\n")]
    rows = list(csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE))
    if not rows:
        raise SentenceSetError("empty file: expected a header line", tsv_path)
    header = [h.strip().lower() for h in rows[0]]
    if len(header) < 3 or header[0] != "line number" or header[1] != "condition" or header[2] != "sentence":
        raise SentenceSetError(
            "expected tab-separated columns 'line number', 'Condition', 'sentence' in the header", tsv_path
        )
    out = []
    for lineno, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise SentenceSetError(f"line {lineno}: expected at least 3 tab-separated columns", tsv_path)
        out.append((row[0].strip(), row[1], row[2]))
    return out


def run_context(tsv_path: Path, out: TextIO, nlp: Language | None = None) -> int:
    """Classify every row of ``tsv_path`` and write the result table to ``out``; returns 0."""
    rows = read_sentences(Path(tsv_path))
    if nlp is None:
        nlp = default_nlp()
    out.write("\t".join(HEADER) + "\n")
    for line_number, condition, sentence in rows:
        out.write("\t".join((spreadsheet_safe(line_number), *classify(nlp, sentence, condition))) + "\n")
    return 0
