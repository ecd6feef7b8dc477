"""Robustness of the determinations to OCR damage: noisy case copies against the clean run.

    python benchmarks/robustness.py [CASES_DIR ...] [--seeds 3] [--levels mild,medium,heavy]

Every gold case under the folders (default: ../shared/cases, corpora/cases, corpora/demo)
is reviewed once clean, then once per level and seed as a noisy copy written by
``ocr_noise.noisy_case`` into a temporary folder, in-process with one ``Reviewer``. Each
code's noisy outcome is compared with its CLEAN outcome (not with gold). Per level:

* ``unchanged``: share of (case, code, seed) outcomes equal to the clean one;
* ``new approvals``: noisy ``approve`` where the clean text does not approve (must be 0);
* ``exact evidence``: share of evidence spans (criteria and caveats) whose text equals
  ``noisy_document[start:end]`` (must be 100%); a review that fails counts as inexact;
* ``touched``: damage events per character actually applied.

Then every changed outcome is listed with the criteria whose status changed and, as
likely causes, the damage events inside the sentences of those criteria's evidence
(clean spans, and noisy spans mapped back to clean offsets) and any change of a
document's inferred type or date. Targets (issue 7): 100% unchanged at mild, >= 95% at
medium, no new approval at any level, exact evidence everywhere. Exit status 1 when a
target is missed.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ocr_noise import LEVELS, Damage, noisy_case, to_clean_offset  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIRS = (ROOT.parent / "shared" / "cases", ROOT / "corpora" / "cases", ROOT / "corpora" / "demo")
TARGETS = {"mild": 1.0, "medium": 0.95}
_SENTENCE_END = re.compile(r"[.!?](?=\s)|\n")


@dataclass
class LevelStats:
    """Counts of one noise level over all cases and seeds."""

    runs: int = 0
    codes: int = 0
    unchanged: int = 0
    new_approvals: int = 0
    spans: int = 0
    exact: int = 0
    errors: int = 0
    events: int = 0
    chars: int = 0
    cases: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Change:
    """A code whose noisy outcome differs from its clean outcome, with its likely causes."""

    case: str
    code: str
    clean: str
    noisy: str
    level: str
    seed: int
    criteria: tuple[str, ...]
    causes: tuple[str, ...]


def find_cases(dirs: Iterable[Path]) -> list[Path]:
    """Every case folder with a gold.json under ``dirs`` (a folder may itself be a case)."""
    out: list[Path] = []
    for d in dirs:
        if (d / "gold.json").is_file():
            out.append(d)
        elif d.is_dir():
            out.extend(sorted(p for p in d.iterdir() if (p / "gold.json").is_file()))
    return out


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """Bounds of the sentence(s) around ``text[start:end]``."""
    left = 0
    for m in _SENTENCE_END.finditer(text, 0, start):
        left = m.end()
    m = _SENTENCE_END.search(text, end)
    return left, m.end() if m else len(text)


def _show(text: str, d: Damage) -> str:
    """``word -> damaged word`` for one damage event, with the words around it."""
    a = max(text.rfind(" ", 0, max(d.start - 1, 0)), text.rfind("\n", 0, max(d.start - 1, 0))) + 1
    ends = [i for i in (text.find(" ", d.end + 1), text.find("\n", d.end + 1)) if i >= 0]
    b = min(ends) if ends else len(text)
    before = text[a:b]
    after = text[a:d.start] + d.replacement + text[d.end:b]
    return f"{d.kind} {before!r}->{after!r}"


def _criteria(result) -> dict[tuple[str, str], object]:  # noqa: ANN001 - CaseResult
    return {(det.code, c.id): c for det in result.determinations for c in det.criteria}


def _causes(code: str, clean, noisy, clean_texts: dict[str, str],  # noqa: ANN001 - CaseResult
            damaged: dict[str, tuple[str, list[Damage]]]) -> tuple[list[str], list[str]]:
    """Criteria of ``code`` that changed status, and the damage events near their evidence."""
    before, after = _criteria(clean), _criteria(noisy) if noisy else {}
    changed, causes, seen = [], [], set()
    for key in sorted(set(before) | set(after)):
        if key[0] != code:
            continue
        c0, c1 = before.get(key), after.get(key)
        s0, s1 = (c0.status if c0 else "-"), (c1.status if c1 else "-")
        if s0 == s1:
            continue
        changed.append(f"{key[1]} {s0}->{s1}")
        windows = [(e.document, e.start, e.end) for e in (c0.evidence if c0 else ())]
        for e in c1.evidence if c1 else ():
            events = damaged.get(e.document, ("", []))[1]
            windows.append((e.document, to_clean_offset(events, e.start), to_clean_offset(events, e.end)))
        for doc, start, end in windows:
            text = clean_texts.get(doc, "")
            lo, hi = _sentence(text, start, end)
            for d in damaged.get(doc, ("", []))[1]:
                if lo <= d.start < hi and (doc, d) not in seen:
                    seen.add((doc, d))
                    causes.append(f"{key[1]}: {doc}@{d.start} {_show(text, d)}")
    return changed, causes


def _doc_changes(clean_case, noisy_case_) -> list[str]:  # noqa: ANN001 - LoadedCase
    infos = {d.info.id: d.info for d in clean_case.documents}
    out = []
    for d in noisy_case_.documents:
        c = infos.get(d.info.id)
        if c and (c.type, c.date) != (d.info.type, d.info.date):
            out.append(f"doc {d.info.id}: type/date {c.type}/{c.date} -> {d.info.type}/{d.info.date}")
    return out


def run(cases: list[Path], levels: Iterable[str], seeds: Iterable[int], reviewer,  # noqa: ANN001
        log=None) -> tuple[dict[str, LevelStats], list[Change]]:  # noqa: ANN001 - file-like
    """Review clean and noisy copies of ``cases``; per-level statistics and every changed outcome."""
    from mednec.errors import MednecError

    levels, seeds = list(levels), list(seeds)
    stats = {lv: LevelStats() for lv in levels}
    changes: list[Change] = []
    with tempfile.TemporaryDirectory(prefix="mednec-robust-") as tmp:
        for case in cases:
            try:
                clean, clean_case = reviewer.review(case)
            except MednecError as exc:
                if log:
                    print(f"skipped {case.name}: clean review failed: {exc}", file=log)
                continue
            clean_texts = {d.info.id: d.text for d in clean_case.documents}
            clean_out = {det.code: det.outcome for det in clean.determinations}
            for level in levels:
                for seed in seeds:
                    st = stats[level]
                    out_dir = Path(tmp) / level / str(seed) / case.name
                    damaged = noisy_case(case, out_dir, level, seed)
                    st.runs += 1
                    st.cases.add(str(case))
                    st.events += sum(len(ev) for _, ev in damaged.values())
                    st.chars += sum(len(clean_texts.get(n, "")) for n in damaged)
                    try:
                        result, loaded = reviewer.review(out_dir)
                    except MednecError as exc:
                        result, loaded = None, None
                        st.errors += 1
                        if log:
                            print(f"error {case.name} {level} seed {seed}: {exc}", file=log)
                    got = {det.code: det.outcome for det in result.determinations} if result else {}
                    if result is not None:
                        texts = {d.info.id: d.text for d in loaded.documents}
                        texts.update({n: t for n, (t, _) in damaged.items()})
                        spans = [e for det in result.determinations for c in det.criteria for e in c.evidence]
                        spans += [e for cav in result.caveats for e in cav.evidence]
                        st.spans += len(spans)
                        st.exact += sum(texts.get(e.document, "")[e.start:e.end] == e.text for e in spans)
                    for code, outcome in clean_out.items():
                        now = got.get(code, "error")
                        st.codes += 1
                        st.unchanged += now == outcome
                        st.new_approvals += now == "approve" and outcome != "approve"
                        if now != outcome:
                            crit, causes = _causes(code, clean, result, clean_texts, damaged)
                            if loaded is not None:
                                causes = _doc_changes(clean_case, loaded) + causes
                            changes.append(Change(case.name, code, outcome, now, level, seed,
                                                  tuple(crit), tuple(causes)))
                    shutil.rmtree(out_dir, ignore_errors=True)
    return stats, changes


def _pct(num: int, den: int) -> str:
    return f"{100 * num / den:.1f}%" if den else "n/a"


def targets_met(stats: dict[str, LevelStats]) -> list[str]:
    """The targets missed (empty when all are met)."""
    missed = []
    for level, st in stats.items():
        share = st.unchanged / st.codes if st.codes else 1.0
        if level in TARGETS and share < TARGETS[level]:
            missed.append(f"{level}: unchanged {share:.1%} < {TARGETS[level]:.0%}")
        if st.new_approvals:
            missed.append(f"{level}: {st.new_approvals} new approval(s)")
        if st.exact < st.spans or st.errors:
            missed.append(f"{level}: evidence not exact ({st.spans - st.exact} spans, {st.errors} errors)")
    return missed


def print_report(stats: dict[str, LevelStats], changes: list[Change], causes: bool = True,
                 out=sys.stdout) -> None:  # noqa: ANN001 - file-like
    """The table, the changed outcomes and the targets."""
    head = f"{'level':<7} {'cases':>5} {'runs':>5} {'codes':>6} {'unchanged':>10} {'new approvals':>14} " \
           f"{'exact evidence':>15} {'touched':>8}"
    print(head, file=out)
    print("-" * len(head), file=out)
    for level, st in stats.items():
        print(f"{level:<7} {len(st.cases):>5} {st.runs:>5} {st.codes:>6} {_pct(st.unchanged, st.codes):>10} "
              f"{st.new_approvals:>14} {_pct(st.exact, st.spans) + ('' if not st.errors else '*'):>15} "
              f"{_pct(st.events, st.chars):>8}", file=out)
    print("(codes = outcomes compared: cases x seeds x requested codes; touched = damage events per "
          "character)", file=out)
    print(f"\nChanged outcomes ({len(changes)}):", file=out)
    for ch in changes:
        print(f"  {ch.case} {ch.code}: {ch.clean} -> {ch.noisy}  [{ch.level}, seed {ch.seed}]  "
              f"{'; '.join(ch.criteria)}", file=out)
        for cause in ch.causes if causes else ():
            print(f"      {cause}", file=out)
    missed = targets_met(stats)
    print("\nTargets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)), file=out)


def main(argv: list[str] | None = None) -> int:
    """Run the robustness report."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="*", type=Path, help="case folders or folders of cases")
    ap.add_argument("--seeds", type=int, default=3, help="seeds per level (1..N; default 3)")
    ap.add_argument("--levels", default=",".join(LEVELS), help="comma-separated levels")
    ap.add_argument("--no-causes", action="store_true", help="do not list the damage near changed criteria")
    args = ap.parse_args(argv)
    levels = [lv.strip() for lv in args.levels.split(",") if lv.strip()]
    unknown = [lv for lv in levels if lv not in LEVELS]
    if unknown:
        ap.error(f"unknown level(s): {', '.join(unknown)}")
    cases = find_cases(args.dirs or DEFAULT_DIRS)
    if not cases:
        print("error: no gold cases found", file=sys.stderr)
        return 2
    from mednec.review import Reviewer

    started = time.perf_counter()
    reviewer = Reviewer()
    stats, changes = run(cases, levels, range(1, args.seeds + 1), reviewer, log=sys.stderr)
    print_report(stats, changes, causes=not args.no_causes)
    print(f"({len(cases)} cases, {args.seeds} seed(s), {time.perf_counter() - started:.0f} s)")
    return 1 if targets_met(stats) else 0


if __name__ == "__main__":
    sys.exit(main())
