"""The request of a case folder (request.json, contract v1)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Annotated, Any, Literal

from mednec.models.base import Frozen
from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator


class _Input(Frozen):
    # request.json comes from outside systems that add their own fields (payer, member id,
    # units): the contract's fields are validated strictly, unknown ones are ignored.
    model_config = ConfigDict(frozen=True, extra="ignore")

_CODE = re.compile(r"^(?P<code>\d{5})(?:-(?P<mod>LT|RT))?$")


class RequestedCode(_Input):
    """One requested procedure code, with its side when the request names one."""

    code: str = Field(pattern=r"^\d{5}$")
    side: Literal["left", "right"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        # CONTRACT: a code may be written "27076-LT" as a plain string.
        if isinstance(value, str):
            m = _CODE.match(value.strip().upper())
            if not m:
                raise ValueError(f"malformed code {value!r} (expected 5 digits, optional -LT/-RT)")
            side = {"LT": "left", "RT": "right", None: None}[m.group("mod")]
            return {"code": m.group("code"), "side": side}
        if isinstance(value, dict) and isinstance(value.get("side"), str):
            value = {**value, "side": value["side"].strip().lower()}
        if isinstance(value, dict) and isinstance(value.get("code"), str):
            m = _CODE.match(value["code"].strip().upper())
            if m and m.group("mod"):
                mod_side = "left" if m.group("mod") == "LT" else "right"
                # "27076-LT" with side "right": which side is meant cannot be guessed
                if value.get("side") and value["side"] != mod_side:
                    raise ValueError(f"code {value['code']!r} names the {mod_side} side but side is "
                                     f"{value['side']!r}")
                value = {**value, "code": m.group("code"), "side": mod_side}
            elif m:
                value = {**value, "code": m.group("code")}
        return value


MAX_CODES = 50
"""Most code requests one request.json may hold (a prior authorization names a handful)."""
MAX_FIELD_CHARS = 200
"""Longest free-text field of a request (case id, patient sex)."""


def _plain_text(value: str, field: str) -> str:
    # A control or format character (newline, escape, bidi override) in a field that is printed
    # in letters, CSV rows and headings could forge their structure: refused, never cleaned up.
    bad = next((ch for ch in value if unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"}), None)
    if bad is not None:
        raise ValueError(f"{field} contains a control character (U+{ord(bad):04X})")
    return value


class Patient(_Input):
    """Optional patient details of the request."""

    age: int | None = Field(default=None, ge=0, le=130)
    sex: str | None = Field(default=None, max_length=20)

    @field_validator("sex")
    @classmethod
    def _plain_sex(cls, value: str | None) -> str | None:
        return None if value is None else _plain_text(value, "sex")


class Member(_Input):
    """The member (patient) the request is for, as the payer identifies them (v1.1)."""

    id: str | None = Field(default=None, min_length=1, max_length=MAX_FIELD_CHARS)
    name: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)

    @field_validator("id", "name")
    @classmethod
    def _plain(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else _plain_text(value, f"member.{info.field_name}")


class Provider(_Input):
    """The requesting provider (v1.1)."""

    npi: str | None = Field(default=None, pattern=r"^\d{10}$")
    name: str | None = Field(default=None, max_length=MAX_FIELD_CHARS)

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else _plain_text(value, "provider.name")


def _aware(value: dt.datetime) -> dt.datetime:
    # CONTRACT v1.1: received_at carries its offset; a bare local time could be any of 24 zones,
    # and the decision due time is computed from it.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("received_at needs a UTC offset (e.g. 2026-02-14T09:30:00-05:00)")
    return value


class CaseRequest(_Input):
    """request.json: the case id, the requested codes and optional patient details.

    Contract v1.1 adds optional metadata (authorization id, member, provider, received time,
    urgency). It is validated and kept, never read by the determination.
    """

    case_id: str = Field(min_length=1, max_length=MAX_FIELD_CHARS)
    requested: tuple[RequestedCode, ...] = Field(min_length=1, max_length=MAX_CODES)
    patient: Patient | None = None
    authorization_id: str | None = Field(default=None, min_length=1, max_length=MAX_FIELD_CHARS)
    member: Member | None = None
    provider: Provider | None = None
    received_at: Annotated[dt.datetime, AfterValidator(_aware)] | None = None
    urgency: Literal["standard", "expedited"] | None = None

    @field_validator("authorization_id")
    @classmethod
    def _plain_authorization(cls, value: str | None) -> str | None:
        return None if value is None else _plain_text(value, "authorization_id")

    @field_validator("urgency", mode="before")
    @classmethod
    def _urgency_lower(cls, value: Any) -> Any:  # noqa: ANN401 - any JSON value
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("case_id")
    @classmethod
    def _safe_case_id(cls, value: str) -> str:
        # The case id names output files: never let it leave OUT_DIR.
        if "/" in value or "\\" in value or value in {".", ".."} or ".." in value or "\x00" in value:
            raise ValueError(f"case_id {value!r} contains a path separator or '..'")
        if value.startswith("."):
            raise ValueError(f"case_id {value!r} must not start with '.'")
        if value != value.strip():
            raise ValueError("case_id must not start or end with a space")
        return _plain_text(value, "case_id")

    @field_validator("requested")
    @classmethod
    def _merge_duplicates(cls, value: tuple[RequestedCode, ...]) -> tuple[RequestedCode, ...]:
        # the same code and side asked twice is one request; a code with and without a side,
        # or on both sides, stays as written (each is its own determination)
        seen: dict[tuple[str, str | None], RequestedCode] = {}
        for item in value:
            seen.setdefault((item.code, item.side), item)
        return tuple(seen.values())
