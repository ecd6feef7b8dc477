"""Alembic environment of the workstation: runs on the connection ``mednec.workstation.db.migrate`` passes."""

from __future__ import annotations

from alembic import context

from mednec.workstation.db import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` run by hand: use the URL of the config
    from sqlalchemy import create_engine

    connection = create_engine(config.get_main_option("sqlalchemy.url")).connect()
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
