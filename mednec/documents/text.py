"""Plain-text documents (``.txt``): UTF-8 with decode errors replaced, never fatal.

The text is ``data.decode("utf-8", errors="replace")``, character for character, so
evidence offsets index exactly what any other reader of the file decodes. The only
change is that a leading byte-order mark (U+FEFF) is replaced by a space: same length,
so offsets are unchanged, but the first word no longer carries an invisible character.
A file that is not text at all (NUL bytes, another file format, mostly undecodable
bytes) is refused with a ``DocumentError`` rather than read as garbage.
"""

from __future__ import annotations

from pathlib import Path

from mednec.core.errors import DocumentError
from mednec.documents.base import MAX_TEXT_BYTES, LoadedText

BOM = "\ufeff"
MAX_BAD_FRACTION = 0.25  # replacement + control characters above this: not a text file
_ALLOWED_CONTROLS = frozenset("\t\n\r\f\v")
_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (e.g. a .docx file)"),
    (b"\xd0\xcf\x11\xe0", "an Office document"),
    (b"\x7fELF", "an executable"),
)


def load_text(path: Path) -> LoadedText:
    """Read a ``.txt`` document (see the module docstring for the exact decoding)."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise DocumentError(f"text file is larger than the {MAX_TEXT_BYTES // 2**20} MiB limit", path)
        data = path.read_bytes()
    except OSError as exc:
        raise DocumentError(f"cannot read file ({exc.strerror or type(exc).__name__})", path) from exc
    return LoadedText(text=decode_text(data, path), source="text", pages=1, ocr_confidence=None,
                      page_starts=(0,))


def decode_text(data: bytes, path: Path) -> str:
    """Decode bytes as a text document, or raise ``DocumentError`` if they are not text."""
    if not data:
        raise DocumentError("empty file", path)
    if len(data) > MAX_TEXT_BYTES:
        raise DocumentError(f"text file is larger than the {MAX_TEXT_BYTES // 2**20} MiB limit", path)
    _refuse_binary(data, path)
    text = data.decode("utf-8", errors="replace")
    if not text.strip() or text.strip() == BOM:
        raise DocumentError("no text in file (only whitespace)", path)
    bad = sum(1 for ch in text if ch in "\ufffd\x7f" or (ch < " " and ch not in _ALLOWED_CONTROLS))
    if bad > MAX_BAD_FRACTION * len(text):
        raise DocumentError("binary content in a .txt document (mostly non-text bytes)", path)
    if text.startswith(BOM):
        text = " " + text[1:]
    return text


def _refuse_binary(data: bytes, path: Path) -> None:
    head = data[:8]
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise DocumentError(f"binary content in a .txt document (looks like {what})", path)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(data):
        raise DocumentError("text is UTF-16 encoded; save it as UTF-8", path)
    if b"\x00" in data:
        raise DocumentError("binary content in a .txt document (NUL bytes)", path)


def _looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: NUL bytes at nearly every other position."""
    sample = data[:4096]
    if len(sample) < 8:
        return False
    even, odd = sample[0::2], sample[1::2]
    return max(even.count(0) / len(even), odd.count(0) / len(odd)) > 0.4 and b"\x00\x00" not in sample
