"""The workspace's tables as SQLAlchemy 2 declarative models; ``migrations/`` creates and changes them.

Times are stored in UTC (``UtcDateTime``): SQLite keeps no time zone, so every time read back is made aware again.
A table changed here needs a migration in ``migrations/versions/`` (a test compares the migrated database with
these models).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, Dialect, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAME_LENGTH = 255
"""Longest file name, device name or user name stored (characters)."""
FINGERPRINT_LENGTH = 64
"""A SHA-256 in hex (``noise_core.calibration.fingerprint``)."""


class UtcDateTime(TypeDecorator[datetime]):
    """An aware ``datetime`` stored as UTC and read back aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("the workspace stores aware times only (a naive time has no defined instant)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """The workspace's declarative base: its ``metadata`` is what the migrations must reach."""


class SnapshotRow(Base):
    """One calibration snapshot in the archive, stored once per fingerprint, with its document as uploaded."""

    __tablename__ = "snapshots"

    fingerprint: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH), primary_key=True)
    """The calibration's physics fingerprint (values, not names or dates): the archive's key."""
    backend_name: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    num_qubits: Mapped[int]
    calibrated_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    """The snapshot's ``last_update_date``; None where the document gives none (a renamed calibration CSV)."""
    file_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    """The name it was added under: a calibration CSV's backend and date are read from it when it is loaded again."""
    document_format: Mapped[str] = mapped_column(String(8))
    """'json' or 'csv'."""
    document: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """The document's bytes, zlib-compressed; loaded only when asked for (a listing never reads it)."""
    document_bytes: Mapped[int]
    """The document's size before compression (bytes)."""
    added_by: Mapped[str] = mapped_column(String(NAME_LENGTH))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime)
