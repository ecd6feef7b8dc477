"""One system of the throughput benchmark, measured in its own process.

    python benchmarks/bench_child.py SYSTEM TEXTS.json

``SYSTEM`` is ``floor`` (``spacy.blank("en")``), ``peer`` (``medspacy.load()`` with its default
components plus mednec's target rules as medspaCy TargetRules), ``mednec`` (``build()`` and
``extract_facts``) or ``linear`` (mednec on documents of growing length; TEXTS.json then maps a
size label to its documents). Loading and one warm-up document are not timed; the time is
that of ``nlp.pipe`` over every document (and, for mednec, its facts). Prints one JSON line;
the parent reads peak RSS and CPU time of this process from ``os.wait4``.
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

Runner = Callable[[Iterable[str]], int]
"""Processes the texts; returns how many documents it processed."""


def floor() -> Runner:
    """The spaCy tokenizer alone: the least any spaCy pipeline can cost."""
    import spacy

    nlp = spacy.blank("en")

    def run(texts: Iterable[str]) -> int:
        return sum(1 for _ in nlp.pipe(texts))

    return run


def peer() -> Runner:
    """What a user would pick instead: ``medspacy.load()`` (PyRuSH, TargetMatcher, ConText) with
    mednec's own concepts loaded as TargetRules."""
    import medspacy
    from loguru import logger
    from mednec.pipeline.kb import load_kb
    from mednec.pipeline.targets import target_rules

    logger.disable("PyRuSH")  # PyRuSH logs every sentence at DEBUG otherwise
    warnings.filterwarnings("ignore", message=r"\[W036\]")
    nlp = medspacy.load()
    nlp.get_pipe("medspacy_target_matcher").add(target_rules(load_kb()))
    nlp.max_length = 3_000_000

    def run(texts: Iterable[str]) -> int:
        return sum(1 for _ in nlp.pipe(texts))

    return run


def mednec() -> Runner:
    """mednec's NLP pipeline as ``review`` runs it: document type, pipeline, typed facts."""
    from mednec.pipeline import build, extract_facts, infer_type

    nlp = build()
    nlp.max_length = 3_000_000  # the linear-cost line reads a 2M-character document

    def run(texts: Iterable[str]) -> int:
        n = 0
        items = list(texts)
        for text, doc in zip(items, nlp.pipe(items), strict=True):
            extract_facts(doc, f"doc{n}.txt", infer_type(text), None)
            n += 1
        return n

    return run


SYSTEMS: dict[str, Callable[[], Runner]] = {"floor": floor, "peer": peer, "mednec": mednec}


def _timed(run: Runner, texts: list[str]) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    docs = run(texts)
    return {"docs": docs, "chars": sum(map(len, texts)), "seconds": time.perf_counter() - t0,
            "cpu": time.process_time() - c0}


def main(argv: list[str]) -> int:
    """Measure one system; print its figures as JSON."""
    system, path = argv[0], Path(argv[1])
    data = json.loads(path.read_text(encoding="utf-8"))
    run = SYSTEMS["mednec" if system == "linear" else system]()
    if system == "linear":
        sizes: dict[str, list[str]] = data
        run([next(iter(sizes.values()))[0][:2000]])  # warm-up
        out = {label: _timed(run, docs) for label, docs in sizes.items()}
    else:
        texts: list[str] = data
        run(texts[:1])  # warm-up: first-call caches are not throughput
        out = _timed(run, texts)
    sys.stdout.write(json.dumps(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
