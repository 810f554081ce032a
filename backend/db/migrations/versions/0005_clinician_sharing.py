"""clinician sharing: share codes, care grants, access log, patient summaries

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "share_code",
        sa.Column("code_key", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("used_at_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("code_key"),
    )
    with op.batch_alter_table("share_code", schema=None) as batch_op:
        batch_op.create_index("ix_share_code_account_id", ["account_id"])
        batch_op.create_index("ix_share_code_expires_at_ms", ["expires_at_ms"])

    op.create_table(
        "care_grant",
        sa.Column("id", BigId, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("clinician_id", sa.BigInteger(), nullable=False),
        sa.Column("clinician_label", sa.String(length=420), nullable=False),
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("care_grant", schema=None) as batch_op:
        batch_op.create_index("ux_care_grant_pair", ["account_id", "clinician_id"], unique=True)
        batch_op.create_index("ix_care_grant_clinician", ["clinician_id"])

    op.create_table(
        "access_event",
        sa.Column("id", BigId, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("clinician_id", sa.BigInteger(), nullable=True),
        sa.Column("clinician_label", sa.String(length=420), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.String(length=16), nullable=True),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("access_event", schema=None) as batch_op:
        batch_op.create_index("ix_access_event_account", ["account_id", "at_ms"])
        batch_op.create_index("ix_access_event_clinician_id", ["clinician_id"])

    op.create_table(
        "patient_summary",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )


def downgrade() -> None:
    op.drop_table("patient_summary")
    op.drop_table("access_event")
    op.drop_table("care_grant")
    op.drop_table("share_code")
