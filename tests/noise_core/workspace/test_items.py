"""Saved models and sessions: private to their owner, shared with everyone, reopened by a link token that reveals
nothing to anyone else, replaced only when asked, bounded per user, and two users saving at once losing nothing."""

from __future__ import annotations

import threading
from functools import cache

import pytest

from noise_core import derive_noise_spec, save_session
from noise_core.errors import WorkspaceError
from noise_core.workspace import (
    archive_snapshot,
    delete_item,
    open_item,
    open_workspace,
    save_item,
    saved_items,
    share_item,
    stored_bytes,
)
from presets import load_preset
from tests.noise_core.workspace.test_archive import variant

NOT_YOURS = "no saved item behind that link for you"


@cache
def bundle(shots: int = 100) -> str:
    """A session bundle of ibmq_manila with one edit in its model (GHZ(3), ``shots`` shots)."""
    calibration = load_preset("ibmq_manila")
    derived = derive_noise_spec(calibration)
    edited = derived.model_copy(update={"basis_gates": [*derived.basis_gates]})
    return save_session(
        calibration=calibration, spec=edited, derived=derived, circuit="ghz:3", shots=shots, seed=7,
        preset="ibmq_manila",
    )  # fmt: skip


def test_private_items_are_their_owners_and_shared_ones_everyones(database_url: str) -> None:
    workspace = open_workspace(database_url)
    mine = save_item(workspace, bundle(), owner="ada", name="manila tuned", kind="model")
    ours = save_item(workspace, bundle(), owner="ada", name="for the group", kind="session", shared=True)
    assert (mine.backend_name, mine.kind, mine.shared) == ("ibmq_manila", "model", False)
    assert {item.name for item in saved_items(workspace, viewer="ada")} == {"manila tuned", "for the group"}
    assert [item.name for item in saved_items(workspace, viewer="bob")] == ["for the group"]
    assert [item.name for item in saved_items(workspace, viewer="ada", kind="model")] == ["manila tuned"]

    assert open_item(workspace, mine.token, viewer="ada") == (mine, bundle())
    assert open_item(workspace, ours.token, viewer="bob")[1] == bundle()
    with pytest.raises(WorkspaceError, match=NOT_YOURS):
        open_item(workspace, mine.token, viewer="bob")
    workspace.close()

    again = open_workspace(database_url)  # a restart keeps them, links included
    assert open_item(again, mine.token, viewer="ada")[0] == mine
    again.close()


@pytest.mark.parametrize(
    "token",
    ["", "' OR 1=1 --", "../../../../etc/passwd", "x" * 10_000, "A" * 22, "%00" * 8],
)
def test_a_crafted_link_token_answers_as_a_missing_item(tmp_path, token: str) -> None:  # type: ignore[no-untyped-def]
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    save_item(workspace, bundle(), owner="ada", name="private", kind="model")
    with pytest.raises(WorkspaceError, match=f"^{NOT_YOURS}"):
        open_item(workspace, token, viewer="bob")
    workspace.close()


def test_a_name_is_refused_twice_unless_replaced_and_the_link_stays(database_url: str) -> None:
    workspace = open_workspace(database_url)
    first = save_item(workspace, bundle(), owner="ada", name="nightly", kind="session")
    with pytest.raises(WorkspaceError, match="you have a session called 'nightly' already: pick another name"):
        save_item(workspace, bundle(200), owner="ada", name="nightly", kind="session")
    save_item(workspace, bundle(200), owner="bob", name="nightly", kind="session")  # names are per owner
    save_item(workspace, bundle(200), owner="ada", name="nightly", kind="model")  # and per kind
    replaced = save_item(workspace, bundle(200), owner="ada", name="nightly", kind="session", replace=True, shared=True)
    assert replaced.token == first.token and replaced.shared and replaced.created_at == first.created_at
    assert open_item(workspace, first.token, viewer="bob")[1] == bundle(200)
    workspace.close()


def test_only_the_owner_shares_or_deletes(database_url: str) -> None:
    workspace = open_workspace(database_url)
    item = save_item(workspace, bundle(), owner="ada", name="shared once", kind="model", shared=True)
    with pytest.raises(WorkspaceError, match="only ada can change or delete 'shared once'"):
        delete_item(workspace, item.token, viewer="bob")
    with pytest.raises(WorkspaceError, match="only ada can change or delete"):
        share_item(workspace, item.token, False, viewer="bob")
    share_item(workspace, item.token, False, viewer="ada")
    with pytest.raises(WorkspaceError, match=NOT_YOURS):
        open_item(workspace, item.token, viewer="bob")
    delete_item(workspace, item.token, viewer="ada")
    with pytest.raises(WorkspaceError, match=NOT_YOURS):
        open_item(workspace, item.token, viewer="ada")
    workspace.close()


def test_a_user_past_the_storage_limit_is_told_the_limit_and_what_to_do(tmp_path) -> None:  # type: ignore[no-untyped-def]
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    archive_snapshot(workspace, variant(100.0), "mine.json", added_by="ada")
    save_item(workspace, bundle(), owner="ada", name="one", kind="model")
    used = stored_bytes(workspace, "ada")
    assert used > 0 and stored_bytes(workspace, "bob") == 0
    limit = used + 1000  # room for less than another bundle (tens of kB compressed)
    with pytest.raises(
        WorkspaceError,
        match=r"^ada stores .* MB and this needs .* MB more, past the limit of .* MB per user; delete saved items",
    ):
        save_item(workspace, bundle(), owner="ada", name="two", kind="model", quota_bytes=limit)
    save_item(workspace, bundle(), owner="bob", name="two", kind="model", quota_bytes=limit)  # bob has room
    save_item(workspace, bundle(), owner="ada", name="one", kind="model", replace=True, quota_bytes=limit)  # same size
    assert stored_bytes(workspace, "ada") == used
    with pytest.raises(WorkspaceError, match=r"past the limit of .* MB per user"):
        archive_snapshot(workspace, variant(300.0), "new.json", added_by="ada", quota_bytes=used)
    assert not archive_snapshot(workspace, variant(100.0), "again.json", added_by="ada", quota_bytes=used).added
    workspace.close()


@pytest.mark.parametrize(
    ("document", "rule"),
    [
        ("{}", r"not a session bundle \(\d+ problems\)"),
        ("[" * 200 + "]" * 200, "not a session bundle: .*nest"),
        ("not json", "not a session bundle"),
    ],
)
def test_only_a_session_bundle_is_saved(tmp_path, document: str, rule: str) -> None:  # type: ignore[no-untyped-def]
    workspace = open_workspace(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    with pytest.raises(WorkspaceError, match=rule):
        save_item(workspace, document, owner="ada", name="x", kind="model")
    with pytest.raises(WorkspaceError, match="an item's kind is one of model, session"):
        save_item(workspace, bundle(), owner="ada", name="x", kind="notebook")  # type: ignore[arg-type]
    assert saved_items(workspace, viewer="ada") == []
    workspace.close()


def test_two_users_saving_at_once_lose_nothing(database_url: str) -> None:
    workspaces = {user: open_workspace(database_url) for user in ("ada", "bob")}
    start, failures = threading.Barrier(2), []

    def save(user: str) -> None:
        start.wait()
        try:
            for n in range(10):
                save_item(workspaces[user], bundle(), owner=user, name=f"run {n}", kind="session", shared=n % 2 == 0)
        except BaseException as error:  # reported by the assertion below
            failures.append(error)

    threads = [threading.Thread(target=save, args=(user,)) for user in workspaces]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    seen = saved_items(workspaces["ada"], viewer="ada")
    assert len([item for item in seen if item.owner == "ada"]) == 10
    assert len([item for item in seen if item.owner == "bob"]) == 5  # bob's shared ones only
    for workspace in workspaces.values():
        workspace.close()


def test_one_owner_saving_one_name_twice_at_once_keeps_one_and_says_so_to_the_other(database_url: str) -> None:
    workspaces = [open_workspace(database_url) for _ in range(2)]
    start, outcomes = threading.Barrier(2), []

    def save(index: int) -> None:
        start.wait()
        try:
            outcomes.append(save_item(workspaces[index], bundle(), owner="ada", name="same", kind="model").token)
        except WorkspaceError as error:
            outcomes.append(str(error))

    threads = [threading.Thread(target=save, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    refused = [outcome for outcome in outcomes if "already" in outcome]
    assert len(refused) == 1 and refused[0].startswith("you have a model called 'same' already")
    assert [item.name for item in saved_items(workspaces[0], viewer="ada")] == ["same"]
    for workspace in workspaces:
        workspace.close()
