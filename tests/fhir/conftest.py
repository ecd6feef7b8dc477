"""The CLI fixtures of the reliability suite (a private OCR cache for subprocesses)."""

from tests.reliability.conftest import _private_cache, cli_cache  # noqa: F401 - pytest fixtures
