"""Migrations on both engines: applied at start, idempotent, reversible; bad URLs are one line."""

from __future__ import annotations

from importlib import resources

import pytest
from sqlalchemy import inspect

from mednec.workstation.db import DatabaseError, database_url, make_engine, migrate, open_database

TABLES = {"users", "sessions", "cases", "case_versions", "criterion_reviews", "decisions", "notes", "events"}


def test_migrations_round_trip(db_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    engine = make_engine(db_url)
    migrate(engine)
    migrate(engine)  # a second start finds the schema current
    assert TABLES <= set(inspect(engine).get_table_names())
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("mednec.workstation").joinpath("migrations")))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert not TABLES & set(inspect(engine).get_table_names())
    migrate(engine)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_database_urls(tmp_path) -> None:  # noqa: ANN001
    assert database_url(None) == "sqlite:///mednec.db"
    assert database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    assert database_url("postgresql+psycopg://u@h/db") == "postgresql+psycopg://u@h/db"
    with pytest.raises(DatabaseError, match=r"^\[E120\] --db: cannot use database URL"):
        open_database("nosuchdb://x")
    with pytest.raises(DatabaseError, match=r"^\[E120\] --db: cannot open the database"):
        open_database(str(tmp_path / "missing" / "dir" / "x.db"))
