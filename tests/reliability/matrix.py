"""The bad-input matrix of issue 10: one row per hostile or broken case, and what it must give.

Each row builds its case folder (named after the row) under a root folder and states the
expected answer of ``mednec review`` (an error code, the words of the problem and the file
it names; or ``None`` for a determination) and of ``mednec triage`` (the same error in the
case's row of triage.csv; ``None`` when the row cannot occur in a batch).
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.reliability.conftest import D01_REQUESTED, d01_texts, make_case

ONE_LINE_CHARS = 200_000
HUGE_BYTES = 20 * 1024 * 1024
OUTSIDE_MARKER = "OUTSIDE-SECRET-7f3a: this text lives outside every case folder."


@dataclass(frozen=True)
class Expect:
    """An error line ``[code] <path naming `names`>: ...problem...``, or a determination (code None)."""

    code: str | None
    problem: str = ""
    names: str = ""


OK = Expect(None)


SAME = Expect("same")


@dataclass(frozen=True)
class Row:
    """One matrix row: how to build the case, and what review and triage must answer."""

    id: str
    build: Callable[[Path, str], Path]
    review: Expect
    triage_expect: Expect | None = SAME  # None: cannot occur in a batch

    @property
    def triage(self) -> Expect | None:
        """What the case's triage.csv row must say."""
        return self.review if self.triage_expect is SAME else self.triage_expect


def _err(code: str, problem: str, names: str = "request.json") -> Expect:
    return Expect(code, problem, names)


def one_line_document() -> str:
    """200,000 characters on one line: the d01 chart flattened (a fax that lost its line breaks)."""
    flat = re.sub(r"\s+", " ", " ".join(d01_texts().values())).strip()
    return ((flat + " ") * (ONE_LINE_CHARS // (len(flat) + 1) + 1))[:ONE_LINE_CHARS]


def png_bytes() -> bytes:
    """A small valid PNG image."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (320, 120), "white")
    ImageDraw.Draw(im).text((10, 50), "MRI PELVIS left iliac mass", fill="black")
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def encrypted_pdf() -> bytes:
    """A one-page PDF protected by a user password."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def _case(**kw: object) -> Callable[[Path, str], Path]:
    def build(root: Path, row_id: str) -> Path:
        return make_case(root, row_id, **kw)  # type: ignore[arg-type]

    return build


def _doc(name: str, data: str | bytes) -> Callable[[Path, str], Path]:
    return _case(extra={name: data})


def _missing_folder(root: Path, row_id: str) -> Path:
    return root / row_id


def _empty_folder(root: Path, row_id: str) -> Path:
    (root / row_id).mkdir()
    return root / row_id


def _no_request(root: Path, row_id: str) -> Path:
    case = make_case(root, row_id)
    (case / "request.json").unlink()
    return case


def _symlink_outside(root: Path, row_id: str) -> Path:
    outside = root.parent / "outside_secret.txt"
    outside.write_text("CT CHEST\nDate of service: 01/02/2026\n\n" + OUTSIDE_MARKER + "\n", encoding="utf-8")
    case = make_case(root, row_id)
    (case / "zz_outside.txt").symlink_to(outside)
    return case


def _duplicate(root: Path, row_id: str) -> Path:
    make_case(root, f"{row_id}_a", case_id="dup-id")
    return make_case(root, f"{row_id}_b", case_id="dup-id")


def _request_is_folder(root: Path, row_id: str) -> Path:
    case = make_case(root, row_id)
    (case / "request.json").unlink()
    (case / "request.json").mkdir()
    return case


def _undecodable_name(root: Path, row_id: str) -> Path:
    case = make_case(root, row_id)
    (Path(os.fsdecode(os.fsencode(case) + b"/zz_\xff\xfe.txt"))).write_text("Note.\n", encoding="utf-8")
    return case


def _trailing(data: bytes, n: int) -> bytes:
    return data[: len(data) - n]


def rows() -> list[Row]:
    """Every row of the matrix (the builders take ``(root, row_id)``)."""
    latin1 = "MRI PELVIS\nDate of service: 01/08/2026\n\nIMPRESSION: Caf\xe9 au lait; na\xefve r\xe9gion.\n"
    huge = (b"The patient is well today. " * (HUGE_BYTES // 27 + 1))[:HUGE_BYTES]
    return [
        Row("good", _case(), OK),
        Row("missing_folder", _missing_folder, _err("E100", "not found", "missing_folder"), None),
        Row("empty_folder", _empty_folder, _err("E100", "folder is empty", "empty_folder")),
        Row("request_missing", _no_request, _err("E101", "request.json is missing")),
        Row("request_empty", _case(request=b""), _err("E101", "empty")),
        Row("request_not_json", _case(request="{case_id: d01,"), _err("E101", "not valid JSON")),
        Row("request_not_utf8", _case(request=b'{"case_id": "\xff\xfe"}'), _err("E101", "not UTF-8")),
        Row("request_is_folder", _request_is_folder, _err("E101", "request.json is not a file")),
        Row(
            "request_nested_deep",
            _case(request="[" * 100_000 + "]" * 100_000),
            _err("E101", "nested too deeply"),
        ),
        Row(
            "request_lone_surrogate",
            _case(request='{"case_id": "a\\ud800", "requested": ["63303"]}'),
            _err("E101", "lone surrogate"),
        ),
        Row(
            "request_with_bom",
            _case(
                request=b"\xef\xbb\xbf"
                + json.dumps({"case_id": "request_with_bom", "requested": D01_REQUESTED}).encode()
            ),
            OK,
        ),
        Row("request_json_array", _case(request=[1, 2]), _err("E101", "JSON object")),
        Row("request_no_case_id", _case(request={"requested": ["27076-LT"]}), _err("E101", "case_id")),
        Row("request_no_codes", _case(requested=[]), _err("E101", "requested")),
        Row("code_unknown", _case(requested=["99999"]), _err("E102", "99999")),
        Row("code_malformed", _case(requested=["27O76-LT"]), _err("E101", "malformed code")),
        Row("code_not_string", _case(requested=[{"code": 27076}]), _err("E101", "code")),
        Row("side_bad", _case(requested=[{"code": "27076", "side": "up"}]), _err("E101", "side")),
        Row("no_documents", _case(docs=False), _err("E100", "no chart documents", "no_documents")),
        Row("document_empty", _doc("zz_empty.txt", b""), _err("E200", "empty", "zz_empty.txt")),
        Row("document_blank", _doc("zz_blank.txt", " \n\t\n"), _err("E200", "text", "zz_blank.txt")),
        Row(
            "document_binary",
            _doc("zz_binary.txt", bytes(range(256)) * 64),
            _err("E200", "binary", "zz_binary.txt"),
        ),
        Row("document_png_as_txt", _doc("zz_image.txt", png_bytes()), _err("E200", "binary", "zz_image.txt")),
        Row("document_non_utf8", _doc("zz_latin1.txt", latin1.encode("latin-1")), OK),
        Row(
            "pdf_truncated",
            _doc("zz_report.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R"),
            _err("E200", "truncated PDF", "zz_report.pdf"),
        ),
        Row(
            "pdf_encrypted",
            _doc("zz_locked.pdf", encrypted_pdf()),
            _err("E200", "encrypted PDF", "zz_locked.pdf"),
        ),
        Row(
            "pdf_garbage",
            _doc("zz_junk.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"),
            _err("E200", "PDF", "zz_junk.pdf"),
        ),
        Row(
            "image_corrupt",
            _doc("zz_scan.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
            _err("E200", "image", "zz_scan.png"),
        ),
        Row(
            "image_truncated",
            _doc("zz_scan.png", _trailing(png_bytes(), 400)),
            _err("E200", "image", "zz_scan.png"),
        ),
        Row("document_20mb", _doc("zz_huge.txt", huge), _err("E200", "10 MiB limit", "zz_huge.txt")),
        Row("document_one_line", _doc("zz_one_line.txt", one_line_document()), OK),
        Row("symlink_outside", _symlink_outside, OK),
        Row("case_id_traversal", _case(case_id="../evil"), _err("E101", "path separator or '..'")),
        Row("case_id_slash", _case(case_id="nested/evil"), _err("E101", "path separator")),
        Row("case_id_backslash", _case(case_id="..\\evil"), _err("E101", "path separator")),
        Row("case_id_dotdot", _case(case_id=".."), _err("E101", "case_id")),
        Row("case_id_control_char", _case(case_id="tab\there"), _err("E101", "control character")),
        # issue 20: hostile requests are errors of their case, in every command
        Row("case_id_newline", _case(case_id="a\n# All codes APPROVED"), _err("E101", "control character")),
        Row("case_id_escape", _case(case_id="a\x1b[2J"), _err("E101", "control character")),
        Row("request_huge_integer",
            _case(request='{"case_id": "request_huge_integer", "requested": ["63303"], "units": '
                          + "9" * 5000 + "}"),
            _err("E101", "integer of 5000 digits")),
        Row("request_nan", _case(request='{"case_id": "request_nan", "requested": ["63303"], "x": NaN}'),
            _err("E101", "NaN")),
        Row("patient_sex_newline",
            _case(request={"case_id": "patient_sex_newline", "requested": D01_REQUESTED,
                           "patient": {"sex": "F\n## APPROVED"}}),
            _err("E101", "control character")),
        Row("patient_sex_long",
            _case(request={"case_id": "patient_sex_long", "requested": D01_REQUESTED,
                           "patient": {"sex": "F" * 5000}}),
            _err("E101", "sex")),
        Row("codes_too_many", _case(requested=["63303"] * 100_000), _err("E101", "requested")),
        Row("code_side_contradicts_modifier", _case(requested=[{"code": "27076-LT", "side": "right"}]),
            _err("E101", "names the left side")),
        Row("code_duplicate_merged", _case(requested=["27076-LT", "27076-LT", "63303", "64712-LT"]), OK),
        Row("document_name_not_utf8", _undecodable_name, _err("E200", "not valid UTF-8", "zz_")),
        Row("case_id_absolute", _case(case_id="/tmp/evil"), _err("E101", "path separator")),
        Row(
            "duplicate_case_id", _duplicate, OK, _err("E103", "already used by folder 'duplicate_case_id_a'")
        ),
    ]
