"""Alembic's environment: migrations run on the connection ``database.open_workspace`` hands over (in its
transaction, under its lock), never on a URL of their own."""

from alembic import context

from noise_core.workspace.tables import Base

context.configure(
    connection=context.config.attributes["connection"],
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite alters a table by copying it; Alembic's batch mode writes that for us
)
with context.begin_transaction():
    context.run_migrations()
