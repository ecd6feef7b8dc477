"""Plain-text documents: exact decoding, offsets, and refusal of non-text files."""

from __future__ import annotations

from pathlib import Path

import pytest

import mednec.documents as docs
from mednec.core.errors import DocumentError
from mednec.documents import MAX_TEXT_BYTES, SUPPORTED_SUFFIXES, LoadedText, load_document


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_public_api() -> None:
    assert SUPPORTED_SUFFIXES == frozenset({".txt", ".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"})
    assert all(s == s.lower() and s.startswith(".") for s in SUPPORTED_SUFFIXES)
    assert MAX_TEXT_BYTES == 10 * 1024 * 1024
    assert docs.MAX_PAGES == 300


def test_decode_errors_replaced_and_offsets_exact(tmp_path: Path) -> None:
    data = b"MRI PELVIS\r\nDate of service: 10/20/2025\r\n" + b"bad \xff\xfe bytes; " + \
        "the mass abuts the left acetabular roof \u2265 2 cm.\n".encode()
    loaded = load_document(write(tmp_path, "mri.txt", data))
    assert isinstance(loaded, LoadedText)
    assert loaded.text == data.decode("utf-8", errors="replace")
    assert "\r\n" in loaded.text  # line ends kept as they are
    assert loaded.text.count("\ufffd") == 2
    quote = "abuts the left acetabular roof"
    start = loaded.text.index(quote)
    assert data.decode("utf-8", errors="replace")[start:start + len(quote)] == quote
    assert (loaded.source, loaded.pages, loaded.ocr_confidence, loaded.page_starts) == ("text", 1, None, (0,))


def test_leading_bom_keeps_offsets(tmp_path: Path) -> None:
    data = b"\xef\xbb\xbfMRI PELVIS\nleft acetabular roof\n"
    loaded = load_document(write(tmp_path, "bom.txt", data))
    decoded = data.decode("utf-8", errors="replace")
    assert len(loaded.text) == len(decoded)
    assert loaded.text.startswith(" MRI PELVIS")
    start = loaded.text.index("left acetabular roof")
    assert decoded[start:start + 20] == "left acetabular roof"


def test_latin1_bytes_are_replaced_not_fatal(tmp_path: Path) -> None:
    data = "Temperature 38\u00b0C, caf\u00e9 au lait spots. ".encode("latin-1") * 20
    loaded = load_document(write(tmp_path, "note.txt", data))
    assert loaded.text == data.decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    ("name", "data", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\t\n", "whitespace"),
        ("nul.txt", b"MRI PELVIS\x00\x00\x00\x01\x02 text", "NUL"),
        ("pdf.txt", b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "PDF"),
        ("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG"),
        ("utf16.txt", "MRI PELVIS left acetabular roof".encode("utf-16"), "UTF-16"),
        ("utf16le.txt", "MRI PELVIS left acetabular roof".encode("utf-16-le"), "UTF-16"),
        ("random.txt", bytes((i * 7919 + 13) % 256 for i in range(4096)).replace(b"\x00", b"\x80"), "binary"),
    ],
)
def test_bad_text_files(tmp_path: Path, name: str, data: bytes, problem: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(DocumentError) as err:
        load_document(path)
    message = str(err.value)
    assert name in message and problem.lower() in message.lower()
    assert "\n" not in message


def test_oversize_text(tmp_path: Path) -> None:
    path = write(tmp_path, "huge.txt", b"a" * (MAX_TEXT_BYTES + 1))
    with pytest.raises(DocumentError, match=r"huge\.txt.*10 MiB"):
        load_document(path)


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"note\.docx.*unsupported"):
        load_document(write(tmp_path, "note.docx", b"PK\x03\x04"))
    with pytest.raises(DocumentError, match=r"absent\.txt"):
        load_document(tmp_path / "absent.txt")


def test_suffix_case_insensitive(tmp_path: Path) -> None:
    assert load_document(write(tmp_path, "NOTE.TXT", b"left hip pain\n")).text == "left hip pain\n"
