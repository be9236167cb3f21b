"""Saved models and sessions: a session bundle (``noise_core.sessions``) kept by owner and name, private or shared.

A *model* item is reopened as the device and model in force (the viewer keeps their circuit and settings); a
*session* item as the whole view. Each item has a random link token; every read checks the viewer: an owner sees
their items, everyone sees shared ones, and an item that is another's and private answers exactly as one that does
not exist. What one user stores (items and archived documents, compressed bytes) is bounded by ``quota_bytes``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

from pydantic import ValidationError
from sqlalchemy import exc, func, or_, select
from sqlalchemy.orm import Session

from noise_core.errors import WorkspaceError
from noise_core.json_bounds import json_bounds_problem
from noise_core.sessions import MAX_SESSION_BYTES, SessionBundle
from noise_core.workspace.blobs import deflated, inflated
from noise_core.workspace.database import Workspace
from noise_core.workspace.names import checked_name
from noise_core.workspace.quota import check_quota
from noise_core.workspace.tables import TOKEN_LENGTH, SavedItemRow

ItemKind = Literal["model", "session"]
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)
_TOKEN = re.compile(rf"[A-Za-z0-9_-]{{{TOKEN_LENGTH}}}")


@dataclass(frozen=True)
class SavedItem:
    """A saved item's record (without its bundle)."""

    token: str
    owner: str
    name: str
    kind: ItemKind
    shared: bool
    backend_name: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, row: SavedItemRow) -> SavedItem:
        kind: ItemKind = "model" if row.kind == "model" else "session"
        return cls(row.token, row.owner, row.name, kind, row.shared, row.backend_name, row.created_at, row.updated_at)


def save_item(
    workspace: Workspace,
    bundle: str,
    *,
    owner: str,
    name: str,
    kind: ItemKind,
    shared: bool = False,
    replace: bool = False,
    quota_bytes: int | None = None,
) -> SavedItem:
    """Store ``bundle`` (``save_session``'s JSON) as ``owner``'s ``kind`` called ``name``.

    An item of that owner, kind and name is refused unless ``replace`` (then its bundle and sharing change and
    its link stays). Raises ``WorkspaceError`` for a bad name or kind, a document that is not a session bundle,
    or a store that would take ``owner`` past ``quota_bytes``; ``DatabaseUnavailable`` when it cannot be written.
    """
    owner, name = checked_name(owner, "user name"), checked_name(name, "name")
    if kind not in ITEM_KINDS:
        raise WorkspaceError(f"an item's kind is one of {', '.join(ITEM_KINDS)}; got {str(kind)[:40]!r}")
    backend_name = _checked_bundle(bundle)
    content = deflated(bundle.encode("utf-8"))
    now = datetime.now(UTC)
    try:
        with workspace.writing() as session:
            row = session.scalars(
                select(SavedItemRow).where(
                    SavedItemRow.owner == owner, SavedItemRow.kind == kind, SavedItemRow.name == name
                )
            ).first()
            if row is not None and not replace:
                raise WorkspaceError(f"you have a {kind} called {name!r} already: pick another name, or replace it")
            freed = 0 if row is None else _stored_length(session, row.token)
            check_quota(session, owner, len(content) - freed, quota_bytes)
            if row is None:
                row = SavedItemRow(token=secrets.token_urlsafe(16), owner=owner, name=name, kind=kind, created_at=now)
                session.add(row)
            row.shared, row.backend_name, row.content, row.updated_at = shared, backend_name, content, now
            session.flush()
            return SavedItem.of(row)
    except exc.IntegrityError:  # the same owner saved the same name at the same moment from another session
        raise WorkspaceError(f"you have a {kind} called {name!r} already: pick another name, or replace it") from None


def _checked_bundle(bundle: str) -> str:
    """The device name of a session bundle within the size and nesting bounds, else ``WorkspaceError``."""
    problem = json_bounds_problem(bundle.encode("utf-8"), max_bytes=MAX_SESSION_BYTES)
    if problem is not None:
        raise WorkspaceError(f"not a session bundle: {problem}")
    try:
        parsed = SessionBundle.model_validate_json(bundle)
    except ValidationError as error:
        raise WorkspaceError(f"not a session bundle ({error.error_count()} problems)") from None
    provenance = parsed.spec.provenance or (parsed.derived.provenance if parsed.derived else None)
    device = parsed.calibration.preset or (provenance.backend_name if provenance else None)
    return checked_name(device or "a device", "device name")


def _stored_length(session: Session, token: str) -> int:
    return int(session.scalar(select(func.length(SavedItemRow.content)).where(SavedItemRow.token == token)) or 0)


LISTED_ITEMS = 200
"""The most items one listing returns (the newest): what a select box can usefully show."""


def saved_items(
    workspace: Workspace, *, viewer: str, kind: ItemKind | None = None, limit: int = LISTED_ITEMS
) -> list[SavedItem]:
    """The items ``viewer`` may open, their own and those others shared: the newest ``limit``, newest first."""
    query = select(SavedItemRow).where(or_(SavedItemRow.owner == viewer, SavedItemRow.shared.is_(True)))
    if kind is not None:
        query = query.where(SavedItemRow.kind == kind)
    with workspace.reading() as session:
        newest = query.order_by(SavedItemRow.updated_at.desc()).limit(limit)
        return [SavedItem.of(row) for row in session.scalars(newest)]


def open_item(workspace: Workspace, token: str, *, viewer: str) -> tuple[SavedItem, str]:
    """The item behind a link token and its bundle, if ``viewer`` may open it; else ``WorkspaceError``, the same
    for an item that does not exist as for another's private one."""
    with workspace.reading() as session:
        row = _visible(session, token, viewer)
        return SavedItem.of(row), inflated(row.content, MAX_SESSION_BYTES, f"the saved item {row.name!r}").decode()


def share_item(workspace: Workspace, token: str, shared: bool, *, viewer: str) -> SavedItem:
    """Share an item with every user, or make it private again (its owner only)."""
    with workspace.writing() as session:
        row = _owned(session, token, viewer)
        row.shared = shared
        return SavedItem.of(row)


def delete_item(workspace: Workspace, token: str, *, viewer: str) -> None:
    """Delete an item (its owner only); its links stop working."""
    with workspace.writing() as session:
        session.delete(_owned(session, token, viewer))


def _visible(session: Session, token: str, viewer: str) -> SavedItemRow:
    row = session.get(SavedItemRow, token) if _TOKEN.fullmatch(token) else None
    if row is None or not (row.owner == viewer or row.shared):
        raise WorkspaceError("no saved item behind that link for you: it was deleted, made private, or never existed")
    return row


def _owned(session: Session, token: str, viewer: str) -> SavedItemRow:
    row = _visible(session, token, viewer)
    if row.owner != viewer:
        raise WorkspaceError(f"only {row.owner} can change or delete {row.name!r}")
    return row
