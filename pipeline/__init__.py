"""mednec's NLP pipeline: documents in, facts out."""

from mednec.pipeline.build import build
from mednec.pipeline.doctype import infer_date, infer_type, structured_date
from mednec.pipeline.facts import extract_facts

__all__ = ["build", "extract_facts", "infer_date", "infer_type", "structured_date"]
