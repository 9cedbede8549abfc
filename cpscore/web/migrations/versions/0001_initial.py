"""The first schema: admins, campaigns, firms, submissions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admins",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sector", sa.String(100), nullable=False),
        sa.Column("system_id", sa.String(200), nullable=False),
        sa.Column("period", sa.String(50), nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "firms",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("code", sa.String(100), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("contact", sa.String(300), nullable=False),
        sa.Column("token", sa.String(64), nullable=True, unique=True),
    )
    op.create_index("ix_firms_campaign_id", "firms", ["campaign_id"])
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("firm_id", sa.Integer, sa.ForeignKey("firms.id"), nullable=False),
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.String(300), nullable=False),
        sa.Column("stored", sa.String(300), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("class_id", sa.String(50), nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("result", sa.JSON, nullable=True),
        sa.Column("errors", sa.JSON, nullable=True),
        sa.Column("note", sa.Text, nullable=False),
    )
    op.create_index("ix_submissions_firm_id", "submissions", ["firm_id"])
    op.create_index("ix_submissions_campaign_id", "submissions", ["campaign_id"])


def downgrade() -> None:
    op.drop_table("submissions")
    op.drop_table("firms")
    op.drop_table("campaigns")
    op.drop_table("admins")
