"""The sidebar's saved models and sessions: save the view by name (private or shared), reopen one, share or
delete your own, and the link that reopens an item (``?item=TOKEN``, read once when the app opens).

A *model* reopens as the device and model in force, edits included, and leaves the circuit and settings as they
are; a *session* reopens the whole view. Bundles stay the portable form (the share box's download).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import streamlit as st

from components.logic.wording import plain
from components.runtime.identity import sign_in_configured, this_user
from components.runtime.tasks import TaskStopped
from components.runtime.workspace import server_workspace, user_storage_bytes, workspace_problem
from components.views.bundles import bundle_writer, put_in_force, restored_view
from noise_core.errors import NoiseStudioError
from noise_core.workspace import ItemKind, SavedItem, Workspace, delete_item, open_item, save_item, saved_items
from noise_core.workspace import share_item as set_shared

ITEM_PARAMETER = "item"
KIND_LABELS: dict[ItemKind, str] = {"model": "the model (device and model in force)", "session": "the whole session"}
_NOTE = "saved_items_note"


def render_saved() -> None:
    """The sidebar expander: the save form, then the items this user may open."""
    with st.sidebar.expander("Saved models and sessions", icon=":material/bookmarks:"):
        workspace = server_workspace()
        if workspace is None:
            st.caption(workspace_problem())
            return
        if not sign_in_configured():
            st.caption(
                f"Without sign-in everyone who opens this server is one user ({plain(this_user())}): private means "
                "private to this server. A group adds sign-in (README: Deploying for a group)."
            )
        _render_save_form(workspace)
        _render_items(workspace)
        note = st.session_state.pop(_NOTE, None)
        if note is not None:
            (st.success if note[0] else st.error)(note[1])


def _render_save_form(workspace: Workspace) -> None:
    with st.form("saved_form", clear_on_submit=False, border=False):
        name = st.text_input("Name", max_chars=255, key="saved_name", placeholder="e.g. fez with measured ZZ")
        kind = st.radio("Save", list(KIND_LABELS), format_func=KIND_LABELS.__getitem__, key="saved_kind")
        shared = st.checkbox("Share with the group", key="saved_shared", help="Every user of this server sees it")
        replace = st.checkbox("Replace my item of that name", key="saved_replace")
        if st.form_submit_button("Save", icon=":material/save:"):
            _save(workspace, name, kind, shared, replace)


def _save(workspace: Workspace, name: str, kind: ItemKind, shared: bool, replace: bool) -> None:
    try:
        item = save_item(
            workspace, bundle_writer()(), owner=this_user(), name=name, kind=kind, shared=shared, replace=replace,
            quota_bytes=user_storage_bytes(),
        )  # fmt: skip
    except NoiseStudioError as error:
        st.session_state[_NOTE] = (False, f"Not saved: {plain(str(error))}")
        return
    whom = "shared with the group" if item.shared else "private"
    st.session_state[_NOTE] = (True, f"Saved {item.kind} '{plain(item.name)}' ({whom}).")


def _label(item: SavedItem) -> str:
    owner = "mine" if item.owner == this_user() else f"by {item.owner}"
    return f"{item.name} · {item.kind} · {item.backend_name} · {owner}{' · shared' if item.shared else ''}"


def _render_items(workspace: Workspace) -> None:
    try:
        items = saved_items(workspace, viewer=this_user())
    except NoiseStudioError as error:
        st.warning(f"The saved items cannot be read: {error}")
        return
    if not items:
        st.caption("Nothing saved yet: yours and those others share show here.")
        return
    item = st.selectbox("Saved items (yours and shared)", items, format_func=_label, key="saved_item")
    if st.button("Open", key="saved_open", icon=":material/open_in_browser:", width="stretch"):
        _say_opened(_open(workspace, item.token))
    if item.owner == this_user():  # only the owner shares, unshares or deletes
        left, right = st.columns(2)
        if left.button("Unshare" if item.shared else "Share", key="saved_toggle", width="stretch"):
            _guarded(lambda: set_shared(workspace, item.token, not item.shared, viewer=this_user()))
        if right.button("Delete", key="saved_delete", width="stretch"):
            _guarded(lambda: delete_item(workspace, item.token, viewer=this_user()))
    st.code(_item_link(item.token), language=None, wrap_lines=True)
    st.caption("Reopens it for you and, when shared, for every user; a private item's link opens nothing for others.")


def _guarded(change: Callable[[], object]) -> None:
    """Share, unshare or delete; a refusal is said in the expander. Reruns, so the list shows the change."""
    try:
        change()
    except NoiseStudioError as error:
        st.session_state[_NOTE] = (False, plain(str(error)))
    st.rerun()


def _open(workspace: Workspace, token: str) -> tuple[bool, str]:
    """Put a saved item in force (a model: device and model; a session: the whole view); (done, what to say)."""
    try:
        item, bundle = open_item(workspace, token, viewer=this_user())
        put_in_force(restored_view(bundle.encode("utf-8")), whole=item.kind == "session")
    except (NoiseStudioError, TaskStopped) as error:
        return False, f"The saved item was not opened: {plain(str(error))}"
    return True, f"Opened {item.kind} '{plain(item.name)}' by {plain(item.owner)}."


def _say_opened(outcome: tuple[bool, str]) -> None:
    st.session_state[_NOTE] = outcome
    st.rerun()


def open_item_link(token: str) -> str | None:
    """The ``?item=`` link read when the app opens: the item put in force, or why not (a message to show)."""
    workspace = server_workspace()
    if workspace is None:
        return f"The link's saved item was not opened. {workspace_problem()}"
    done, message = _open(workspace, token[:64])
    return None if done else message


def _item_link(token: str) -> str:
    url = urlsplit(st.context.url or "http://localhost:8501/")
    return urlunsplit((url.scheme, url.netloc, "/", f"{ITEM_PARAMETER}={token}", ""))
