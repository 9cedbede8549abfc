"""Alembic environment: run with the connection that cpscore.web.database hands over."""

from alembic import context

from cpscore.web.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
