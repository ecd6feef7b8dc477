"""Hypothesis strategies for hostile clinical text, and the case built around it.

Texts are assembled from pieces: lines of the d01 chart, section headers (real, misspelt,
empty), any unicode (control, format and separator characters included), very long tokens,
deeply nested brackets and numbers; or a d01 document mutated (slices deleted, duplicated,
overwritten, line breaks removed, case flipped).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st
from mednec.models import CaseRequest, DocumentInfo

from mednec.review import CaseDocument, LoadedCase
from tests.reliability.conftest import D01, d01_texts

HEADERS = [
    "IMPRESSION:",
    "FINDINGS:",
    "FAMILY HISTORY:",
    "HISTORY OF PRESENT ILLNESS:",
    "PLAN:",
    "ASSESSMENT AND PLAN:",
    "DIAGNOSIS:",
    "COMPARISON:",
    "TECHNIQUE:",
    "SOCIAL HISTORY:",
    "ADDENDUM",
    "IMPRESSION",
    "Impression :",
    "MRI PELVIS WITH AND WITHOUT CONTRAST",
    "SURGICAL PATHOLOGY REPORT",
    "TUMOR BOARD",
    "OPERATIVE PLAN",
    ":",
    "Date of service: 02/14/2026",
    "Date of service: 99/99/9999",
    "Date of service: 02/30/2026",
    "DATE:",
    "#####",
]
WORDS = [
    "left",
    "right",
    "no",
    "not",
    "without",
    "if",
    "mother",
    "history of",
    "osteosarcoma",
    "acetabular roof",
    "sciatic nerve",
    "L5",
    "S1",
    "abuts",
    "invades",
    "cycles",
    "en bloc",
    "metastases",
    "negative",
    "?",
    "(",
    ")",
]


def _lines() -> list[str]:
    return (
        [line for text in d01_texts().values() for line in text.splitlines() if line.strip()]
        if D01.is_dir()
        else ["IMPRESSION: Left iliac osteosarcoma abuts the left acetabular roof."]
    )


LINES = _lines()

any_text = st.text(max_size=120)
odd_chars = st.text(
    alphabet=st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Co"]), max_size=30
)
long_token = st.one_of(
    st.builds(
        lambda ch, n: ch * n,
        st.sampled_from(["a", "9", ".", "/", "é", "\u200b", "_", "-"]),
        st.integers(50, 6000),
    ),
    # alternating patterns stay short here: long ones run in test_fuzz.HOSTILE, under limits
    st.builds(lambda pat, n: pat * n, st.sampled_from(["x-", "ab", "-.", "=-", "(-)"]), st.integers(5, 60)),
)
nested = st.builds(
    lambda o, c, n, w: o * n + w + c * n,
    st.sampled_from(["(", "[", "{", "<", "(["]),
    st.sampled_from([")", "]", "}", ">", "])"]),
    st.integers(1, 60),
    st.sampled_from(WORDS),
)
numbers = st.builds(
    lambda a, b: f"{a}.{b} cm x {b}/{a} mm, {a}%", st.integers(-(10**9), 10**12), st.integers(0, 99)
)
piece = st.one_of(
    st.sampled_from(LINES),
    st.sampled_from(HEADERS),
    st.sampled_from(WORDS),
    any_text,
    odd_chars,
    long_token,
    nested,
    numbers,
)
separator = st.sampled_from(["\n", " ", "\n\n", "\r\n", "\t", "", ". ", "; ", "\f", "\u2028"])
# Random characters are never glued to each other: runs of thousands of distinct letters
# run in test_fuzz.HOSTILE, in a child with a memory limit (they once exhausted memory).
spaced = st.sampled_from(["\n", " ", "\n\n", "\r\n", "\t", ". ", "\u2028"])
part = st.one_of(
    st.tuples(st.one_of(any_text, odd_chars), spaced),
    st.tuples(st.one_of(st.sampled_from(LINES), st.sampled_from(HEADERS), st.sampled_from(WORDS)), separator),
    st.tuples(st.one_of(long_token, nested, numbers), separator),
)

fuzz_text = st.lists(part, min_size=1, max_size=30).map(lambda parts: "".join(p + s for p, s in parts))


@st.composite
def mutated_text(draw: st.DrawFn) -> str:
    """A d01 document with a few random edits."""
    texts = list(d01_texts().values()) or LINES
    text = draw(st.sampled_from(texts))
    for _ in range(draw(st.integers(1, 6))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 400)))
        op = draw(st.sampled_from(["delete", "duplicate", "insert", "flatten", "swapcase", "overwrite"]))
        if op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] * draw(st.integers(1, 20)) + text[j:]
        elif op == "insert":
            text = text[:i] + draw(piece) + text[i:]
        elif op == "flatten":
            text = text.replace("\n", " ")
        elif op == "swapcase":
            text = text[:i] + text[i:j].swapcase() + text[j:]
        else:
            text = text[:i] + draw(odd_chars) + text[j:]
    return text


CODES = ["27075", "27076", "27077", "27078", "63300", "63303", "63308", "64712", "64713", "64714"]
requested = st.lists(
    st.tuples(st.sampled_from(CODES), st.sampled_from([None, "left", "right"])),
    min_size=1,
    max_size=4,
    unique_by=lambda t: t[0],
)


def loaded_case(texts: list[str], codes: list[tuple[str, str | None]]) -> LoadedCase:
    """A ``LoadedCase`` of the given document texts, built as ``load_case`` builds one."""
    from mednec.pipeline import infer_date, infer_type

    docs = []
    for n, text in enumerate(texts):
        name = f"doc{n:02d}.txt"
        date = infer_date(text, name)
        info = DocumentInfo(
            id=name, type=infer_type(text), date=date.isoformat() if date else None, chars=len(text)
        )
        docs.append(CaseDocument(info, text))
    request = CaseRequest.model_validate(
        {"case_id": "fuzz", "requested": [{"code": c, "side": s} if s else {"code": c} for c, s in codes]}
    )
    return LoadedCase(Path("fuzz"), request, tuple(docs))
