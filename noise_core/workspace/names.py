"""The one rule every name the workspace stores follows (file names, device names, user names, item names)."""

from __future__ import annotations

import unicodedata

from noise_core.errors import WorkspaceError
from noise_core.workspace.tables import NAME_LENGTH


def checked_name(text: str, what: str, *, length: int = NAME_LENGTH) -> str:
    """``text`` without surrounding blanks, if it is 1 to ``length`` characters (its column's width) with no control
    characters; else ``WorkspaceError`` naming ``what`` and the rule."""
    name = text.strip()
    if not name:
        raise WorkspaceError(f"the {what} is empty; give it at least one character")
    if len(name) > length:
        raise WorkspaceError(f"the {what} has {len(name)} characters; at most {length} are stored")
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise WorkspaceError(f"the {what} {name[:40]!r} holds a control character; use printable characters only")
    return name
