"""The recorded outputs of every corpus case: a sha256 of each case's review JSON.

``tests/test_cases.py`` compares every corpus case's output with the digest recorded here, so
a change meant to keep behaviour (a refactor, a speed-up) is shown to decide and cite exactly
as the commit before it did; a change meant to move outputs re-records them in the same commit,
and the diff of ``tests/data/corpus_outputs.json`` names the cases it moved::

    python -m tests.recorded            # which cases differ from the record
    python -m tests.recorded --update   # re-record (commit the file with the change)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORD = ROOT / "tests" / "data" / "corpus_outputs.json"
# the version stamp moves with every release and is no output of the review itself
_UNSTAMPED = {"mednec_version"}


def key(case: Path) -> str:
    """A case's key in the record: ``corpus/case``."""
    return f"{case.parent.name}/{case.name}"


def digest(result) -> str:  # noqa: ANN001 - a CaseResult
    """sha256 of a review result's JSON (what ``mednec review`` prints), without the version stamp."""
    data = json.loads(result.model_dump_json())
    for name in _UNSTAMPED:
        data.pop(name, None)
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def recorded() -> dict[str, str]:
    """The recorded digests (empty when none were recorded)."""
    return json.loads(RECORD.read_text(encoding="utf-8"))["cases"] if RECORD.is_file() else {}


def corpus_cases() -> list[Path]:
    """Every case with a gold.json of the typed corpora (cases, demo, blind*; the faxed renderings of
    ``corpora/scanned`` need OCR and are judged by their own tests)."""
    roots = [p for p in (ROOT / "corpora").iterdir() if p.is_dir() and p.name != "scanned"]
    return sorted(c for r in roots for c in r.iterdir() if (c / "gold.json").is_file())


def main(argv: list[str] | None = None) -> int:
    """Compare every corpus case's output with the record, or re-record it (``--update``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="write the digests of this checkout")
    args = parser.parse_args(argv)
    from mednec.review import Reviewer

    reviewer = Reviewer()
    old = recorded()
    new: dict[str, str] = {}
    for case in corpus_cases():
        new[key(case)] = digest(reviewer.review(case)[0])
    moved = sorted(k for k in new.keys() | old.keys() if new.get(k) != old.get(k))
    for k in moved:
        print(f"{k}: {'recorded' if k in old else 'new'}{'' if k in new else ', gone'}")
    if args.update:
        RECORD.parent.mkdir(parents=True, exist_ok=True)
        RECORD.write_text(json.dumps({"cases": new}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"recorded {len(new)} cases ({len(moved)} moved) in {RECORD.relative_to(ROOT)}")
        return 0
    print(f"{len(new) - len(moved)} of {len(new)} cases as recorded")
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
