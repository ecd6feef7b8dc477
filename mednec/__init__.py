"""mednec: medical-necessity review of prior-authorization requests."""

__version__ = "0.1.0"
