"""The workstation's Jinja2 environment: autoescaping on for every template, undefined names are errors."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape


def _when(value: dt.datetime | None) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC") if value else ""


def _path(value: str) -> str:
    # case ids go into URL paths: every character but the unreserved ones is percent-encoded
    return quote(value, safe="")


templates = Environment(
    loader=PackageLoader("mednec.workstation", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates.filters["when"] = _when
templates.filters["path"] = _path
