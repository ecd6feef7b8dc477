"""An evidence span: the exact words of one document that support a claim."""

from __future__ import annotations

from mednec.models.base import Frozen
from pydantic import Field, ValidationInfo, model_validator


class EvidenceSpan(Frozen):
    """Character offsets into a document's text as the pipeline read it.

    ``text == document_text[start:end]`` is checked whenever the validation context
    carries ``{"texts": {document_id: text}}``; without it, only the length is checked.
    """

    document: str = Field(min_length=1)
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    section: str | None = None

    @model_validator(mode="after")
    def _check_offsets(self, info: ValidationInfo) -> EvidenceSpan:
        if self.end <= self.start:
            raise ValueError(f"evidence span end {self.end} must be after start {self.start}")
        if len(self.text) != self.end - self.start:
            raise ValueError("evidence text length does not match its offsets")
        texts = (info.context or {}).get("texts") if info.context else None
        if texts is not None:
            doc = texts.get(self.document)
            if doc is None:
                raise ValueError(f"evidence cites unknown document {self.document!r}")
            if doc[self.start : self.end] != self.text:
                raise ValueError(f"evidence text does not match {self.document}[{self.start}:{self.end}]")
        return self
