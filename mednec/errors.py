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
        """One line for standard error: ``[E101] path: problem``."""
        where = f"{self.path}: " if self.path else ""
        return f"[{self.code}] {where}{self.problem}"


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


class UnknownCodeError(CaseError):
    """The request names a procedure code no criteria file covers."""

    code = "E102"


class OutputError(MednecError):
    """An output cannot be written (bad case id, unwritable folder)."""

    code = "E400"
