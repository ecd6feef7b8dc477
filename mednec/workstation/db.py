"""The workstation's database: SQLAlchemy 2 typed ORM models, the engine, and migrations at start.

One schema serves SQLite (the default file) and PostgreSQL (``postgresql+psycopg://...``): the
code never branches on the dialect; only the migration that installs the append-only trigger on
``events`` speaks each dialect's trigger syntax.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, sessionmaker

from mednec.core.errors import MednecError

ROLES = ("nurse", "physician", "admin")
STATUSES = ("new", "in_review", "pended", "decided")
OUTCOME_RANK = {"error": 0, "refer": 1, "pend": 2, "approve": 3}
"""Queue groups, in the order a reviewer works them (as triage.csv: people-needing cases first)."""


class DatabaseError(MednecError):
    """The database URL is malformed or the database cannot be opened or migrated."""

    code = "E120"


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC (every stored time is UTC)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime stored")  # every time in the app is aware
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: object) -> dt.datetime | None:
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of the workstation tables."""

    type_annotation_map = {dt.datetime: UTCDateTime}


class User(Base):
    """A local account: name, role and an argon2 password hash."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Session(Base):
    """A login session; only the SHA-256 of its token is stored."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column()
    user: Mapped[User] = relationship(lazy="joined")


class Case(Base):
    """A case in the queue: its request metadata, workflow state and the latest version's summary.

    ``row_version`` is the optimistic lock: every save names the version it read and fails with a
    conflict when another save came first.
    """

    __tablename__ = "cases"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[str] = mapped_column(String(200), unique=True)
    authorization_id: Mapped[str | None] = mapped_column(String(200), index=True)
    member_id: Mapped[str | None] = mapped_column(String(200), index=True)
    member_name: Mapped[str | None] = mapped_column(String(200))
    provider_npi: Mapped[str | None] = mapped_column(String(20))
    provider_name: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[dt.datetime | None] = mapped_column()
    urgency: Mapped[str] = mapped_column(String(20), default="standard")
    due_at: Mapped[dt.datetime] = mapped_column()
    codes: Mapped[str] = mapped_column(String(1000), default="")
    outcome: Mapped[str] = mapped_column(String(20))
    outcome_rank: Mapped[int] = mapped_column(Integer)
    outcomes: Mapped[str] = mapped_column(String(1000), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    current_version: Mapped[int] = mapped_column(Integer, default=1)
    change_summary: Mapped[str] = mapped_column(Text, default="")
    row_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    assignee: Mapped[User | None] = relationship(lazy="joined")

    __table_args__ = (Index("ix_cases_queue", "outcome_rank", "due_at"),)


class CaseVersion(Base):
    """One review of a case: the machine result JSON, the request, the evidence view, the versions."""

    __tablename__ = "case_versions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(20))
    input_sha256: Mapped[str] = mapped_column(String(64), default="")
    request_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    evidence_html: Mapped[str] = mapped_column(Text, default="")
    mednec_version: Mapped[str] = mapped_column(String(40))
    criteria_version: Mapped[str] = mapped_column(String(200))
    change_summary: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("case_pk", "number"),)


class CriterionReview(Base):
    """A reviewer's accept or override of one criterion of one version's code."""

    __tablename__ = "criterion_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    criterion: Mapped[str] = mapped_column(String(20))
    machine_status: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reviewer: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("case_pk", "version", "code", "criterion"),)


class Decision(Base):
    """The final decision on one requested code of one version."""

    __tablename__ = "decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    code: Mapped[str] = mapped_column(String(20))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text, default="")
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reviewer: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("case_pk", "version", "code"),)


class Note(Base):
    """A reviewer's case note (kept; a later note never replaces an earlier one)."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    author: Mapped[User] = relationship(lazy="joined")


class Event(Base):
    """The append-only audit log (a trigger refuses UPDATE and DELETE on this table)."""

    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_pk: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    case_id: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_name: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(String(200), default="")
    before: Mapped[str] = mapped_column(Text, default="")
    after: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    case_version: Mapped[int | None] = mapped_column(Integer)
    mednec_version: Mapped[str] = mapped_column(String(40), default="")
    criteria_version: Mapped[str] = mapped_column(String(200), default="")


def database_url(value: str | None) -> str:
    """A SQLAlchemy URL from ``--db``: a URL as given, or a file path for SQLite."""
    if not value:
        return "sqlite:///mednec.db"
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001 - DB-API connection
    # WAL lets the queue be read while a save writes; foreign keys are off by default in SQLite;
    # a busy timeout makes concurrent writers wait for the lock instead of failing at once.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``; a malformed URL or a missing driver is a one-line ``DatabaseError``."""
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    try:
        engine = create_engine(url, pool_pre_ping=True)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseError(f"--db: cannot use database URL ({type(exc).__name__}: {exc})".splitlines()[0]) \
            from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema up to the newest migration (alembic ``upgrade head``)."""
    from importlib import resources

    from alembic import command
    from alembic.config import Config
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("mednec.workstation").joinpath("migrations")))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except OperationalError as exc:
        reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        raise DatabaseError(f"--db: cannot open the database ({reason})") from exc
    except SQLAlchemyError as exc:
        raise DatabaseError(f"--db: migration failed ({type(exc).__name__})") from exc


def open_database(url: str | None) -> sessionmaker:
    """Engine, migrations, and a session factory for ``--db`` (a URL or a SQLite file path)."""
    engine = make_engine(database_url(url))
    migrate(engine)
    return sessionmaker(engine, expire_on_commit=False)
