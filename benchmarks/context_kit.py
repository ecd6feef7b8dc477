"""Score mednec's assertion layer on the NegEx test kit against two published baselines.

    python benchmarks/context_kit.py [--kit ../shared/corpora/negex/dev.tsv] [--errors]

Three systems classify the ``Condition`` of every kit row in one run:

* ``mednec``: ``mednec.context_check.classify`` over ``mednec.pipeline.build()``;
* ``NegEx``: the original NegEx trigger set (``benchmarks/data/negex``, Apache-2.0) read
  by a re-implementation of the NegEx algorithm written here;
* ``medspaCy defaults``: medspaCy's default ConText rules (``medspacy.load()``) with the
  Condition set as the only entity.

Printed per system: negated precision/recall/F1 (the kit marks "possible" findings as
Affirmed, so a ``possible`` call counts as not negated), historical precision/recall/F1
(gold ``Historical`` against the rest), experiencer accuracy, and the number of
``possible`` and ``hypothetical`` calls.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_KIT = REPO / ".." / "shared" / "corpora" / "negex" / "dev.tsv"
TRIGGERS = REPO / "benchmarks" / "data" / "negex" / "negex_triggers.txt"
PUBLISHED = ("reference on this half (../shared/corpora/negex/README.md): NegEx negated F1 0.930; "
             "medspaCy defaults negated F1 0.923, historical F1 0.669")

Label = tuple[str, str, str]  # negation, temporality, experiencer


@dataclass(frozen=True)
class Row:
    """One annotated kit sentence."""

    line: str
    condition: str
    sentence: str
    gold: Label


def read_kit(path: Path) -> list[Row]:
    """The annotated rows of a NegEx-kit TSV, gold labels lower-cased to mednec's vocabulary."""
    temporality = {"recent": "recent", "historical": "historical", "not particular": "hypothetical"}
    rows = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader)
        for rec in reader:
            if len(rec) < 6:
                continue
            gold = (rec[3].strip().lower(), temporality[rec[4].strip().lower()],
                    "patient" if rec[5].strip().lower() == "patient" else "other")
            rows.append(Row(rec[0].strip(), rec[1], rec[2], gold))
    return rows


# ---------------------------------------------------------------- NegEx (re-implemented)

_WORD = re.compile(r"[a-z0-9]+(?:['/-][a-z0-9]+)*|[^\sa-z0-9]")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


class NegEx:
    """NegEx: trigger phrases tagged pre/post negation, pre/post possibility, pseudo, conjunction.

    A pre-trigger governs the words after it and a post-trigger the words before it, up to
    the sentence edge or the next trigger of any kind (a pseudo-trigger or conjunction
    only ends scopes). Triggers are matched longest first, so pseudo-triggers such as
    "no change" shadow the "no" inside them; the target phrase is never read as a trigger.
    """

    def __init__(self, path: Path = TRIGGERS) -> None:
        self.triggers: dict[tuple[str, ...], str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = [p.strip() for p in line.split("\t") if p.strip()]
            if len(parts) == 2 and parts[1].startswith("["):
                self.triggers[tuple(_words(parts[0]))] = parts[1].strip("[]")
        self.longest = max(len(k) for k in self.triggers)

    def _tag(self, words: list[str]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        i = 0
        while i < len(words):
            if words[i] == "\x00target":
                out.append(("TARGET", words[i]))
                i += 1
                continue
            for n in range(min(self.longest, len(words) - i), 0, -1):
                tag = self.triggers.get(tuple(words[i:i + n]))
                if tag and "\x00target" not in words[i:i + n]:
                    out.append((tag, " ".join(words[i:i + n])))
                    i += n
                    break
            else:
                out.append(("WORD", words[i]))
                i += 1
        return out

    def classify(self, sentence: str, condition: str) -> Label:
        """(negation, temporality, experiencer); NegEx decides negation only."""
        pattern = r"\s+".join(re.escape(w) for w in condition.lower().split())
        match = re.search(pattern, sentence.lower()) if pattern else None
        if match is None:
            return ("affirmed", "recent", "patient")
        text = sentence.lower()
        tagged = self._tag([*_words(text[: match.start()]), "\x00target", *_words(text[match.end():])])
        at = next(i for i, (tag, _) in enumerate(tagged) if tag == "TARGET")
        found_tags = set()
        for i in range(at - 1, -1, -1):
            tag = tagged[i][0]
            if tag in ("PREN", "PREP"):
                found_tags.add(tag)
            if tag not in ("WORD", "TARGET"):
                break
        for i in range(at + 1, len(tagged)):
            tag = tagged[i][0]
            if tag in ("POST", "POSP"):
                found_tags.add(tag)
            if tag not in ("WORD", "TARGET"):
                break
        if found_tags & {"PREN", "POST"}:
            return ("negated", "recent", "patient")
        if found_tags & {"PREP", "POSP"}:
            return ("possible", "recent", "patient")
        return ("affirmed", "recent", "patient")


# ---------------------------------------------------------------- medspaCy defaults

def medspacy_defaults() -> Callable[[str, str], Label]:
    """A classifier over ``medspacy.load()`` (PyRuSH sentences + default ConText rules)."""
    import medspacy
    from loguru import logger
    from spacy.tokens import Span

    from mednec.context_check import locate

    logger.disable("PyRuSH")
    nlp = medspacy.load()
    splitter, context = nlp.get_pipe("medspacy_pyrush"), nlp.get_pipe("medspacy_context")

    def run(sentence: str, condition: str) -> Label:
        doc = splitter(nlp.make_doc(sentence))
        span = locate(doc, condition)
        doc.ents = [Span(doc, span.start, span.end, label="CONDITION")]
        ent = context(doc).ents[0]
        negation = "negated" if ent._.is_negated else "possible" if ent._.is_uncertain else "affirmed"
        temporality = ("hypothetical" if ent._.is_hypothetical else
                       "historical" if ent._.is_historical else "recent")
        return (negation, temporality, "other" if ent._.is_family else "patient")

    return run


def mednec_system() -> Callable[[str, str], Label]:
    """A classifier over mednec's own pipeline and rules."""
    from mednec.context_check import classify, default_nlp

    nlp = default_nlp()
    return lambda sentence, condition: classify(nlp, sentence, condition)


# ---------------------------------------------------------------- scoring

def prf(gold: list[bool], pred: list[bool]) -> tuple[float, float, float]:
    """Precision, recall and F1 of the positive class."""
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def kit_half(line: str) -> str:
    """"A" or "B": a fixed split of the kit's rows by a hash of their line number, so that rules tuned
    on one half can be reported on the other (the split is the same on every machine and run)."""
    return "A" if hashlib.sha256(line.encode()).digest()[0] % 2 == 0 else "B"


def score(rows: list[Row], preds: list[Label]) -> dict[str, float]:
    """The table's figures for one system."""
    neg = prf([r.gold[0] == "negated" for r in rows], [p[0] == "negated" for p in preds])
    hist = prf([r.gold[1] == "historical" for r in rows], [p[1] == "historical" for p in preds])
    exp = sum(r.gold[2] == p[2] for r, p in zip(rows, preds, strict=True)) / len(rows)
    return {"neg_p": neg[0], "neg_r": neg[1], "neg_f1": neg[2], "hist_p": hist[0], "hist_r": hist[1],
            "hist_f1": hist[2], "exp_acc": exp, "possible": sum(p[0] == "possible" for p in preds),
            "hypothetical": sum(p[1] == "hypothetical" for p in preds)}


def table(results: dict[str, dict[str, float] | None]) -> str:
    """A Markdown table, one line per system (historical blank where a system has none)."""
    head = ("| system | neg P | neg R | neg F1 | hist P | hist R | hist F1 | experiencer acc "
            "| possible | hypothetical |\n|---|---|---|---|---|---|---|---|---|---|")
    lines = [head]
    for name, s in results.items():
        if s is None:
            continue
        hist = ("n/a", "n/a", "n/a") if name.startswith("NegEx") else (
            f"{s['hist_p']:.3f}", f"{s['hist_r']:.3f}", f"{s['hist_f1']:.3f}")
        neg = f"{s['neg_p']:.3f} | {s['neg_r']:.3f} | {s['neg_f1']:.3f}"
        lines.append(f"| {name} | {neg} | {' | '.join(hist)} "
                     f"| {s['exp_acc']:.3f} | {s['possible']:.0f} | {s['hypothetical']:.0f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the three systems on the kit and print the comparison table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kit", type=Path, default=DEFAULT_KIT, help="NegEx-kit TSV (default: %(default)s)")
    ap.add_argument("--errors", action="store_true", help="also list mednec's disagreements with the gold")
    ap.add_argument("--halves", action="store_true",
                    help="also score each half of the kit apart (rows split by a hash of their line number)")
    args = ap.parse_args(argv)
    if not args.kit.is_file():
        print(f"error: {args.kit}: kit file not found", file=sys.stderr)
        return 2
    rows = read_kit(args.kit)
    systems: dict[str, Callable[[str, str], Label]] = {
        "mednec": mednec_system(), "NegEx (original triggers)": NegEx().classify,
        "medspaCy ConText defaults": medspacy_defaults(),
    }
    preds = {name: [run(r.sentence, r.condition) for r in rows] for name, run in systems.items()}
    gold_counts = {k: sum(r.gold[i] == k for r in rows) for i, k in ((0, "negated"), (1, "historical"),
                                                                      (1, "hypothetical"), (2, "other"))}
    print(f"NegEx kit: {args.kit} ({len(rows)} rows; gold {gold_counts})")
    print(table({name: score(rows, p) for name, p in preds.items()}))
    print(PUBLISHED)
    if args.halves:
        for half in ("A", "B"):
            keep = [i for i, r in enumerate(rows) if kit_half(r.line) == half]
            part = [rows[i] for i in keep]
            print(f"\nhalf {half} ({len(part)} rows):")
            print(table({name: score(part, [p[i] for i in keep]) for name, p in preds.items()}))
    if args.errors:
        for r, p in zip(rows, preds["mednec"], strict=True):
            if (r.gold[0] == "negated") != (p[0] == "negated") or r.gold[1] != p[1] or r.gold[2] != p[2]:
                print(f"{r.line}\tgold={'/'.join(r.gold)}\tmednec={'/'.join(p)}\t{r.condition!r}\t"
                      f"{' '.join(r.sentence.split())[:200]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
