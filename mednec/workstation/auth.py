"""Local accounts: argon2 password hashes, login sessions and CSRF tokens.

A session token is a random 32-byte value given to the browser in an HttpOnly, SameSite=Strict
cookie (or to an API client as a bearer token); the database keeps only its SHA-256, so a copy of
the database opens no session. Each session has its own CSRF token, which every state-changing
request made with the cookie must echo (a form field or the ``X-CSRF-Token`` header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session as DbSession

from mednec.core.errors import MednecError
from mednec.workstation.db import ROLES, Session, User, utcnow

SESSION_HOURS = 12
"""A login lasts one working shift."""
MIN_PASSWORD = 10
"""Shortest password accepted for an account."""

_HASHER = PasswordHasher()
# verifying against this when the user does not exist costs the same time as a real check, so the
# answer time does not tell whether a name has an account
_DUMMY_HASH = _HASHER.hash("mednec-no-such-user")


class UserError(MednecError):
    """A user account cannot be added (bad name, role or password, or the name exists)."""

    code = "E121"


def token_hash(token: str) -> str:
    """The SHA-256 (hex) under which a session token is stored."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def add_user(db: DbSession, name: str, role: str, password: str) -> User:
    """Create an account; raises ``UserError`` with one line for a bad name, role or password."""
    name = name.strip()
    if not name or len(name) > 80 or not all(ch.isalnum() or ch in "._-@" for ch in name):
        raise UserError(f"user name {name!r}: use 1-80 letters, digits and . _ - @")
    if role not in ROLES:
        raise UserError(f"--role: {role!r} is not one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise UserError(f"the password is shorter than {MIN_PASSWORD} characters")
    if db.scalar(select(User).where(User.name == name)) is not None:
        raise UserError(f"user {name!r} exists already")
    user = User(name=name, role=role, password_hash=_HASHER.hash(password))
    db.add(user)
    db.commit()
    return user


def authenticate(db: DbSession, name: str, password: str) -> User | None:
    """The active user whose name and password match, else ``None`` (no hint which one was wrong)."""
    user = db.scalar(select(User).where(User.name == name.strip()))
    try:
        ok = _HASHER.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or not user.active:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):  # parameters were raised since it was hashed
        user.password_hash = _HASHER.hash(password)
        db.commit()
    return user


def start_session(db: DbSession, user: User) -> tuple[str, str]:
    """A new session for ``user``: returns (session token, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(Session).where(Session.expires_at < now))  # expired sessions are of no use to keep
    db.add(Session(token_hash=token_hash(token), user_id=user.id, csrf_token=csrf, created_at=now,
                   expires_at=now + dt.timedelta(hours=SESSION_HOURS)))
    db.commit()
    return token, csrf


def session_of(db: DbSession, token: str | None) -> Session | None:
    """The live session of ``token`` (its user active), else ``None``."""
    if not token or len(token) > 200:
        return None
    sess = db.get(Session, token_hash(token))
    if sess is None or sess.expires_at < utcnow() or not sess.user.active:
        return None
    return sess


def end_session(db: DbSession, token: str | None) -> None:
    """Log out: the session's row is removed."""
    if token:
        db.execute(delete(Session).where(Session.token_hash == token_hash(token)))
        db.commit()


def csrf_ok(sess: Session, sent: str | None) -> bool:
    """Whether ``sent`` is the session's CSRF token (compared in constant time)."""
    return bool(sent) and hmac.compare_digest(sess.csrf_token.encode(), str(sent).encode())
