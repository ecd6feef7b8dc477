"""Writing the determination letter: Markdown, HTML, or PDF (HTML laid out by WeasyPrint).

The format follows the output file's extension (CONTRACT). PDF needs the optional ``pdf``
extra (WeasyPrint, which uses the system's Pango and fonts); it never fetches anything.
"""

from __future__ import annotations

from pathlib import Path

from mednec.core.errors import OutputError
from mednec.models import CaseRequest, CaseResult
from mednec.outputs import write_atomic
from mednec.render.common import DOC_LABEL, environment
from mednec.render.letter import Letter, build_letter

FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def letter_format(path: Path) -> str:
    """``md``, ``html`` or ``pdf`` from the extension of ``path``; a one-line error otherwise."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        shown = path.suffix or "(no extension)"
        raise OutputError(f"unknown letter format {shown!r} (use .md, .html or .pdf)", path)
    return fmt


def _source(cite: object, cap: bool = False) -> str:
    """'the pathology report of 2025-10-22' for a chart citation ('The ...' with ``cap``)."""
    label = DOC_LABEL.get(getattr(cite, "doc_type", ""), "document")
    date = getattr(cite, "date", None)
    text = f"the {label} of {date}" if date else f"the undated {label}"
    return text[0].upper() + text[1:] if cap else text


def render_letter_text(letter: Letter, fmt: str) -> str:
    """The letter as Markdown (``md``) or as one self-contained HTML page (``html``)."""
    env = environment(fmt != "md")
    template = env.get_template("letter.md.j2" if fmt == "md" else "letter.html.j2")
    return template.render(letter=letter, r=letter.result, source=_source)


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError(f"the letter fetches nothing ({url[:40]})")


def render_letter(result: CaseResult, request: CaseRequest | None, fmt: str) -> str | bytes:
    """The letter of ``result`` in ``fmt`` (``md``, ``html`` or ``pdf``)."""
    letter = build_letter(result, request)
    if fmt in ("md", "html"):
        return render_letter_text(letter, fmt)
    try:
        from weasyprint import HTML
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise OutputError("PDF letters need WeasyPrint: pip install 'mednec[pdf]'") from exc
    return HTML(string=render_letter_text(letter, "html"), url_fetcher=_no_fetch).write_pdf()


def write_letter(result: CaseResult, request: CaseRequest | None, path: Path) -> None:
    """Write the letter to ``path`` in the format its extension names."""
    data = render_letter(result, request, letter_format(path))
    try:
        write_atomic(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write the letter ({exc.strerror or exc})", path) from exc
