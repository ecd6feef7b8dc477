"""The CLI fixtures of the reliability suite (a private OCR cache for subprocesses)."""

from tests.reliability.conftest import cli_cache, private_ocr_cache  # noqa: F401 - pytest fixtures
