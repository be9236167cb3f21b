"""The workspace's tables as SQLAlchemy 2 declarative models; ``migrations/`` creates and changes them.

Times are stored in UTC (``UtcDateTime``): SQLite keeps no time zone, so every time read back is made aware again.
A table changed here needs a migration in ``migrations/versions/`` (a test compares the migrated database with
these models).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, DateTime, Dialect, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAME_LENGTH = 255
"""Longest file name, device name or user name stored (characters)."""
FINGERPRINT_LENGTH = 64
"""A SHA-256 in hex (``noise_core.calibration.fingerprint``)."""
KIND_LENGTH = 16
"""Longest item or job kind stored (characters)."""
TOKEN_LENGTH = 22
"""A saved item's link token: 16 random bytes, URL-safe base64 (``secrets.token_urlsafe(16)``)."""


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


class SavedItemRow(Base):
    """A model or a whole session saved by name: a session bundle (``noise_core.sessions``), private to its owner
    or shared with every user."""

    __tablename__ = "saved_items"
    __table_args__ = (UniqueConstraint("owner", "kind", "name", name="uq_saved_items_owner_kind_name"),)

    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH), primary_key=True)
    """Random and unguessable: the link that reopens the item carries it (and is still checked against the viewer)."""
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    """'model' (device and model in force) or 'session' (the whole view)."""
    shared: Mapped[bool] = mapped_column(Boolean)
    backend_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """The bundle's JSON, zlib-compressed."""
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class JobRow(Base):
    """Work submitted to run apart from any browser session: what to run, its status, and its result or error."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(TOKEN_LENGTH), primary_key=True)
    owner: Mapped[str] = mapped_column(String(NAME_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    """What it computes: 'budget', 'sweep', 'fit' (the app's), or any short word a caller chooses."""
    label: Mapped[str] = mapped_column(String(NAME_LENGTH))
    inputs_digest: Mapped[str] = mapped_column(String(FINGERPRINT_LENGTH), index=True)
    """SHA-256 of what the result depends on (device fingerprint, model digest, circuit, settings): a job asked
    for again with the same inputs is found, not run twice."""
    status: Mapped[str] = mapped_column(String(16), index=True)
    """'submitted', 'done', 'failed' or 'cancelled'."""
    payload: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    """The function and its arguments, pickled: a server restarted mid-job submits it again from this; emptied when
    the job ends."""
    result: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    """The function's return value, pickled, once done."""
    error: Mapped[str | None] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
