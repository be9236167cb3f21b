"""Sign-in in a real browser against a real OIDC provider (``oidc-provider-mock``, started here): nothing is
reachable before sign-in, not even a page opened first on a fresh server; two users each see their own private
items and not the other's, both see shared ones, and a private item's link opens nothing for anyone else."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from oidc_provider_mock import User, run_server_in_thread

from harness.browser import ARTIFACTS, CHROMIUM, chromium, free_port, new_session, streamlit_server, wait_until_idle
from noise_core.workspace import open_workspace, saved_items

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (.ci/run installs it)"),
]
USERS = {"ada": "ada@lab.example", "bob": "bob@lab.example"}
IMPOSTOR = "eve"
"""A user whose provider claims ada's email without having verified it: she is not ada."""


@pytest.fixture(scope="module")
def signed_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A fresh server with sign-in against a local provider, and its database's URL."""
    folder = tmp_path_factory.mktemp("sign_in")
    users = [User(sub=sub, claims={"email": email, "email_verified": True}) for sub, email in USERS.items()]
    users.append(User(sub=IMPOSTOR, claims={"email": USERS["ada"], "email_verified": False}))
    with run_server_in_thread(user_claims=users) as provider:
        port = free_port()
        (folder / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
            f'cookie_secret = "{secrets.token_hex(32)}"\n'
            'client_id = "noise-studio"\n'
            'client_secret = "any: the test provider accepts every client"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}/.well-known/openid-configuration"\n'
        )
        database = f"sqlite:///{folder / 'workspace.sqlite3'}"
        options = ["--secrets.files", str(folder / "secrets.toml")]
        with streamlit_server(port=port, options=options, NOISE_STUDIO_DATABASE_URL=database) as url:
            yield url, database


def shows_only_the_sign_in(page) -> bool:  # type: ignore[no-untyped-def]
    wait_until_idle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    return (
        page.get_by_role("button", name="Sign in").is_visible()
        and "Device" not in text
        and page.locator('[data-testid="stSidebarNavLink"]').count() == 0
        and page.locator('[data-testid="stPlotlyChart"]').count() == 0
    )


def sign_in(browser, url: str, sub: str):  # type: ignore[no-untyped-def]
    page = new_session(browser, url)
    wait_until_idle(page)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=sub, exact=True).click()  # the provider's own page: a predefined user
    page.wait_for_url(f"{url}/**", timeout=60_000)
    wait_until_idle(page)
    shown = USERS.get(sub, f"{sub} at ")  # a verified email, else the subject at its issuer
    assert page.locator('[data-testid="stSidebar"]').get_by_text(shown).is_visible()
    return page


def open_saved_box(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_text("Saved models and sessions").click()
    page.get_by_label("Name", exact=True).wait_for()
    wait_until_idle(page)


def save(page, name: str, *, shared: bool) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Name", exact=True).fill(name)
    if shared:
        page.get_by_text("Share with the group").click()
    page.get_by_role("button", name="Save").click()
    wait_until_idle(page)
    assert page.get_by_text(f"Saved model '{name}'").is_visible()
    if shared:
        page.get_by_text("Share with the group").click()  # back off for the next save


def listed(page) -> set[str]:  # type: ignore[no-untyped-def]
    """The names in the saved items' select box, as the user sees them."""
    page.get_by_label("Saved items (yours and shared)").click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    names = {text.split(" · ")[0] for text in page.get_by_role("option").all_inner_texts()}
    page.keyboard.press("Escape")
    return names


def test_each_user_sees_their_own_and_the_shared_items_and_nothing_before_sign_in(signed_app: tuple[str, str]) -> None:
    url, database = signed_app
    with chromium() as browser:
        assert shows_only_the_sign_in(new_session(browser, f"{url}/device"))  # the very first request of the server
        ada = sign_in(browser, url, "ada")
        open_saved_box(ada)
        save(ada, "ada private", shared=False)
        save(ada, "ada shared", shared=True)
        bob = sign_in(browser, url, "bob")
        open_saved_box(bob)
        save(bob, "bob private", shared=False)

        bob.screenshot(path=ARTIFACTS / "sign_in_bob.png")
        assert listed(bob) == {"bob private", "ada shared"}
        ada.reload()
        wait_until_idle(ada)
        open_saved_box(ada)
        assert listed(ada) == {"ada private", "ada shared"}

        workspace = open_workspace(database)
        tokens = {item.name: item.token for item in saved_items(workspace, viewer=USERS["ada"])}
        workspace.close()
        eve = sign_in(browser, url, IMPOSTOR)
        open_saved_box(eve)
        assert listed(eve) == {"ada shared"}  # ada's email, unverified, is not ada
        bob.goto(f"{url}/?item={tokens['ada private']}")
        wait_until_idle(bob)
        assert bob.get_by_text("no saved item behind that link for you").is_visible()
        assert shows_only_the_sign_in(new_session(browser, f"{url}/?item={tokens['ada shared']}"))
        anonymous = new_session(browser, f"{url}/export")
        assert shows_only_the_sign_in(anonymous)
