"""The one exception family of mednec.

Every error a user can cause carries a code and renders as one line that names the
file and the problem (``str(err)``), so the CLI never needs to show a traceback.
"""

from __future__ import annotations

from pathlib import Path


class MednecError(Exception):
    """Base class: ``code`` identifies the problem, ``path`` the file it concerns."""

    code = "E000"

    def __init__(self, problem: str, path: str | Path | None = None) -> None:
        self.problem = problem
        self.path = str(path) if path is not None else None
        super().__init__(self.line())

    def line(self) -> str:
        """One line for standard error: ``[E101] path: problem``.

        Control characters, line separators and undecodable file-name bytes (surrogates)
        are written as escapes, so the line is always one printable UTF-8 line.
        """
        where = f"{self.path}: " if self.path else ""
        return printable(f"[{self.code}] {where}{self.problem}")


def printable(text: str) -> str:
    """``text`` as one printable UTF-8 line: control characters and surrogates as escapes."""
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return "".join(ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
                   for ch in text)


class CaseError(MednecError):
    """The case folder or its request.json cannot be read or is invalid."""

    code = "E100"


class RequestError(CaseError):
    """request.json is missing, not JSON, or does not match the contract."""

    code = "E101"


class DocumentError(MednecError):
    """A chart document cannot be read (empty, binary, corrupt, encrypted, too large)."""

    code = "E200"


class OCRUnavailableError(DocumentError):
    """A scanned document needs Tesseract, which is not installed."""

    code = "E201"


class ResourceError(MednecError):
    """A shipped data file (rules, knowledge base, criteria) fails validation."""

    code = "E300"


class CriteriaError(ResourceError):
    """A criteria file is invalid or names an unknown code."""

    code = "E301"


class MedspacyVersionError(ResourceError):
    """The installed medspaCy is not a version whose internals mednec's adaptations were written for."""

    code = "E302"


class UnknownCodeError(CaseError):
    """The request names a procedure code no criteria file covers."""

    code = "E102"


class OutputError(MednecError):
    """An output cannot be written (bad case id, unwritable folder)."""

    code = "E400"


class DuplicateCaseError(CaseError):
    """Two case folders of one batch claim the same case_id (the later one gets this)."""

    code = "E103"


class CaseLimitError(CaseError):
    """The case is over a documented limit (documents per case, case size, request size)."""

    code = "E104"


class DocumentLimitError(DocumentError):
    """A document is over a documented limit (characters the pipeline reads)."""

    code = "E202"


class ProcessingError(MednecError):
    """The review of a case did not finish (crash, killed worker, time limit)."""

    code = "E500"


class TimeLimitError(ProcessingError):
    """The review of a case took longer than the per-case time limit."""

    code = "E501"


class WorkerDiedError(ProcessingError):
    """The process reviewing a case ended without a result (killed, out of memory, crash)."""

    code = "E502"


class MemoryLimitError(ProcessingError):
    """The review of a case needed more memory than the per-case limit allows."""

    code = "E503"


class InternalError(MednecError):
    """An unexpected failure of mednec itself on one case (a bug; the batch goes on)."""

    code = "E999"
