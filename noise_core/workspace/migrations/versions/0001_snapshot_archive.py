"""The calibration archive: one row per snapshot fingerprint, with its document.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("fingerprint", sa.String(64), primary_key=True),
        sa.Column("backend_name", sa.String(255), nullable=False),
        sa.Column("num_qubits", sa.Integer(), nullable=False),
        sa.Column("calibrated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("document_format", sa.String(8), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("document_bytes", sa.Integer(), nullable=False),
        sa.Column("added_by", sa.String(255), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_snapshots_backend_name", "snapshots", ["backend_name"])
    op.create_index("ix_snapshots_calibrated_at", "snapshots", ["calibrated_at"])


def downgrade() -> None:
    op.drop_table("snapshots")
