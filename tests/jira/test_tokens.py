"""Token store, OAuth helpers and refresh serialisation (threads and real processes)."""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import stat
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from adfkit.jira.config import OAuthApp, load_app
from adfkit.jira.errors import AuthError, ConfigError, ReauthorizationRequired, TokenStoreError
from adfkit.jira.oauth import (
    authorization_url,
    exchange_code,
    new_state,
    refresh_tokens,
    verify_state,
)
from adfkit.jira.tokens import TokenSet, TokenStore

APP = OAuthApp(client_id="cid", client_secret="SECRET-client-xyz", auth_url="http://auth.test")


def expired(access: str = "ACCESS-old", refresh: str = "REFRESH-0") -> TokenSet:
    return TokenSet(access_token=access, refresh_token=refresh, expires_at=time.time() - 10)


class Rotator:
    """A token endpoint that rotates refresh tokens strictly (no reuse leeway)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.current = "REFRESH-0"
        self.refreshes = 0
        self.invalid_grants = 0

    def answer(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.lock:
            if body.get("refresh_token") != self.current:
                self.invalid_grants += 1
                return 403, {
                    "error": "invalid_grant",
                    "error_description": "Unknown or invalid refresh token.",
                }
            self.refreshes += 1
            time.sleep(0.05)  # widen the race window
            self.current = f"REFRESH-{self.refreshes}"
            return 200, {
                "access_token": f"ACCESS-{self.refreshes}",
                "refresh_token": self.current,
                "expires_in": 3600,
                "scope": "read:jira-work offline_access",
                "token_type": "Bearer",
            }

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            status, body = self.answer(json.loads(request.content))
            return httpx.Response(status, json=body)

        return httpx.MockTransport(handler)


def test_authorization_url_has_every_parameter_in_documented_order() -> None:
    url = authorization_url(APP, "st4te")
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://auth.test/authorize"
    assert parse_qsl(parts.query) == [
        ("audience", "api.atlassian.com"),
        ("client_id", "cid"),
        ("scope", "read:jira-work write:jira-work read:jira-user offline_access"),
        ("redirect_uri", "http://127.0.0.1:8765/callback"),
        ("state", "st4te"),
        ("response_type", "code"),
        ("prompt", "consent"),
    ]
    assert "scope=read%3Ajira-work%20write" in url  # space-separated, percent-encoded


def test_state_is_unguessable_and_verified() -> None:
    a, b = new_state(), new_state()
    assert a != b
    assert len(a) >= 40
    verify_state(a, a)
    with pytest.raises(AuthError, match="state does not match"):
        verify_state(a, b)
    with pytest.raises(AuthError):
        verify_state(a, None)


def test_store_file_is_0600_and_round_trips(tmp_path: Path) -> None:
    store = TokenStore(tmp_path / "cfg")
    tokens = TokenSet("ACCESS-x", "REFRESH-x", 123.0, "s", "Bearer")
    store.save(tokens)
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    assert store.load() == tokens
    assert [p.name for p in store.directory.iterdir() if p.name.endswith(".tmp")] == []


def test_store_replaces_atomically_keeping_old_file_on_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = TokenStore(tmp_path)
    store.save(TokenSet("ACCESS-1", "REFRESH-1", 1.0))
    inode = os.stat(store.path).st_ino
    store.save(TokenSet("ACCESS-2", "REFRESH-2", 2.0))
    assert os.stat(store.path).st_ino != inode  # a new file replaced the old one

    def failing_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)  # a crash between write and rename
    with pytest.raises(TokenStoreError, match="cannot write tokens"):
        store.save(TokenSet("ACCESS-3", "REFRESH-3", 3.0))
    monkeypatch.undo()
    loaded = store.load()
    assert loaded is not None
    assert loaded.access_token == "ACCESS-2"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tokens.json"]


def test_corrupt_store_names_the_file_without_quoting_it(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.path.write_text('{"access_token": "ACCESS-leak", ', encoding="utf-8")
    with pytest.raises(TokenStoreError) as info:
        store.load()
    assert str(store.path) in str(info.value)
    assert "corrupt" in str(info.value)
    assert "ACCESS-leak" not in str(info.value)


def test_repr_and_str_hide_tokens_and_secrets() -> None:
    tokens = TokenSet("ACCESS-secret", "REFRESH-secret", 1.0, "scope")
    for text in (repr(tokens), str(tokens), repr(APP)):
        assert "ACCESS-secret" not in text
        assert "REFRESH-secret" not in text
        assert "SECRET-client-xyz" not in text


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    """An in-memory keyring backend: no keyring daemon runs on a CI machine."""
    import keyring
    from keyring.backend import KeyringBackend

    data: dict[tuple[str, str], str] = {}

    class Memory(KeyringBackend):
        priority = 1

        def __init__(self) -> None:
            """Nothing to configure (the base reads backend properties from the env)."""

        def get_password(self, service: str, username: str) -> str | None:
            return data.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            data[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del data[(service, username)]

    previous = keyring.get_keyring()
    keyring.set_keyring(Memory())
    try:
        yield data
    finally:
        keyring.set_keyring(previous)


def test_keyring_backend_stores_tokens_in_the_keyring(
    tmp_path: Path, memory_keyring: dict[tuple[str, str], str]
) -> None:
    store = TokenStore(tmp_path, backend="keyring")
    store.save(TokenSet("ACCESS-k", "REFRESH-k", 5.0))
    assert not store.path.exists()
    assert len(memory_keyring) == 1
    assert store.load() == TokenSet("ACCESS-k", "REFRESH-k", 5.0)
    assert store.clear() is True
    assert store.load() is None


def test_the_environment_chooses_the_keyring_backend(
    tmp_path: Path,
    memory_keyring: dict[tuple[str, str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADFKIT_JIRA_TOKEN_STORE", "keyring")
    store = TokenStore(tmp_path)
    assert store.backend == "keyring"
    store.save(TokenSet("ACCESS-e", "REFRESH-e", 5.0))
    assert not store.path.exists()
    assert len(memory_keyring) == 1


def test_the_file_backend_is_the_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ADFKIT_JIRA_TOKEN_STORE", raising=False)
    assert TokenStore(tmp_path).backend == "file"


def test_an_unknown_token_store_is_a_config_error_naming_the_choices(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ADFKIT_JIRA_TOKEN_STORE", "vault")
    with pytest.raises(ConfigError, match=r"'vault'.*'file'.*'keyring'"):
        TokenStore(tmp_path)


def test_refresh_persists_rotated_token_before_returning(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.save(expired())
    seen_on_disk: list[str | None] = []

    def refresher(refresh_token: str) -> TokenSet:
        return TokenSet("ACCESS-new", "REFRESH-new", time.time() + 3600)

    original_save = store.save

    def spy_save(tokens: TokenSet) -> None:
        original_save(tokens)
        loaded = store.load()
        seen_on_disk.append(loaded.refresh_token if loaded else None)

    store.save = spy_save  # type: ignore[method-assign]
    fresh = store.fresh(refresher)
    assert fresh.access_token == "ACCESS-new"
    assert seen_on_disk == ["REFRESH-new"]
    assert json.loads(store.path.read_text())["refresh_token"] == "REFRESH-new"


def test_refresh_keeps_old_refresh_token_when_none_returned(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.save(expired())
    fresh = store.fresh(lambda rt: TokenSet("ACCESS-new", None, time.time() + 3600))
    assert fresh.refresh_token == "REFRESH-0"


def test_token_good_for_more_than_skew_is_not_refreshed(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.save(TokenSet("ACCESS-ok", "REFRESH-0", time.time() + 120))
    calls: list[str] = []
    store.fresh(lambda rt: calls.append(rt) or expired(), skew=60)  # type: ignore[func-returns-value]
    assert calls == []
    store.save(TokenSet("ACCESS-ok", "REFRESH-0", time.time() + 30))  # inside the 60 s skew
    store.fresh(lambda rt: TokenSet("ACCESS-n", "REFRESH-n", time.time() + 3600), skew=60)
    loaded = store.load()
    assert loaded is not None
    assert loaded.access_token == "ACCESS-n"


def test_invalid_grant_says_run_login(tmp_path: Path) -> None:
    rotator = Rotator()
    rotator.current = "REFRESH-other"
    with (
        httpx.Client(transport=rotator.transport()) as http,
        pytest.raises(ReauthorizationRequired) as info,
    ):
        refresh_tokens(APP, "REFRESH-0", http)
    assert "authorisation expired or revoked" in str(info.value)
    assert "adfkit jira login" in str(info.value)
    assert "REFRESH-0" not in str(info.value)


def test_bad_client_secret_and_used_code_are_clear_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["client_secret"] != "right":
            return httpx.Response(
                401, json={"error": "access_denied", "error_description": "Unauthorized"}
            )
        return httpx.Response(
            403, json={"error": "invalid_grant", "error_description": "Invalid authorization code"}
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        with pytest.raises(AuthError, match="client id or secret") as info:
            exchange_code(APP, "CODE-1", http)
        assert "SECRET-client-xyz" not in str(info.value)
        right = OAuthApp(client_id="cid", client_secret="right", auth_url="http://auth.test")
        with pytest.raises(AuthError, match="authorization code was refused") as info2:
            exchange_code(right, "CODE-1", http)
        assert "CODE-1" not in str(info2.value)
        assert not isinstance(info2.value, ReauthorizationRequired)


def test_exchange_without_offline_access_has_no_refresh_token() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "access_token": "A",
                "expires_in": 3600,
                "scope": "read:jira-work",
                "token_type": "Bearer",
            },
        )

    with httpx.Client(transport=httpx.MockTransport(handler)) as http:
        tokens = exchange_code(APP, "C", http)
    assert tokens.has_refresh_token is False


def test_eight_threads_with_expired_token_cause_one_refresh_per_rotation(tmp_path: Path) -> None:
    rotator = Rotator()
    store = TokenStore(tmp_path)
    store.save(expired())
    with httpx.Client(transport=rotator.transport()) as http:
        for round_ in range(1, 4):
            results: list[str] = []
            errors: list[BaseException] = []

            def work(results: list[str] = results, errors: list[BaseException] = errors) -> None:
                try:
                    results.append(
                        store.fresh(lambda rt: refresh_tokens(APP, rt, http)).access_token
                    )
                except BaseException as exc:  # collected and asserted below
                    errors.append(exc)

            threads = [threading.Thread(target=work) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert errors == []
            assert results == [f"ACCESS-{round_}"] * 8
            assert rotator.refreshes == round_
            current = store.load()
            assert current is not None
            store.save(TokenSet(current.access_token, current.refresh_token, time.time() - 1))
    assert rotator.invalid_grants == 0


class _Handler(BaseHTTPRequestHandler):
    rotator: Rotator

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status, answer = self.rotator.answer(body)
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _process_worker(directory: str, auth_url: str, start: Any, out: Any) -> None:
    app = OAuthApp(client_id="cid", client_secret="s", auth_url=auth_url)
    store = TokenStore(directory)
    start.wait()
    try:
        with httpx.Client() as http:
            out.put(store.fresh(lambda rt: refresh_tokens(app, rt, http)).access_token)
    except Exception as exc:
        out.put(f"error: {type(exc).__name__}")


def test_four_processes_sharing_a_store_cause_one_refresh(tmp_path: Path) -> None:
    rotator = Rotator()
    handler = type("H", (_Handler,), {"rotator": rotator})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        auth_url = f"http://127.0.0.1:{server.server_address[1]}"
        TokenStore(tmp_path).save(expired())
        ctx = multiprocessing.get_context("fork")
        start, out = ctx.Event(), ctx.Queue()
        procs = [
            ctx.Process(target=_process_worker, args=(str(tmp_path), auth_url, start, out))
            for _ in range(4)
        ]
        for p in procs:
            p.start()
        start.set()
        results = sorted(out.get(timeout=30) for _ in procs)
        for p in procs:
            p.join(timeout=30)
        assert results == ["ACCESS-1"] * 4
        assert rotator.refreshes == 1
        assert rotator.invalid_grants == 0
    finally:
        server.shutdown()
        server.server_close()


def test_load_app_prefers_options_then_env_then_file(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(
        json.dumps(
            {"client_id": "file-id", "client_secret": "file-secret", "api_url": "http://file/"}
        )
    )
    env = {"ADFKIT_JIRA_CONFIG_DIR": str(tmp_path), "ADFKIT_JIRA_CLIENT_ID": "env-id"}
    app = load_app(env=env)
    assert (app.client_id, app.client_secret, app.api_url) == (
        "env-id",
        "file-secret",
        "http://file",
    )
    assert load_app(client_id="opt-id", env=env).client_id == "opt-id"
    with pytest.raises(ConfigError, match="client_secret"):
        load_app(
            env={"ADFKIT_JIRA_CONFIG_DIR": str(tmp_path / "none"), "ADFKIT_JIRA_CLIENT_ID": "x"}
        )


def test_tokens_never_reach_logs(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    rotator = Rotator()
    store = TokenStore(tmp_path)
    store.save(expired())
    with httpx.Client(transport=rotator.transport()) as http:
        store.fresh(lambda rt: refresh_tokens(APP, rt, http))
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for secret in ("REFRESH-0", "REFRESH-1", "ACCESS-1", "SECRET-client-xyz"):
        assert secret not in text


def test_a_token_store_that_is_not_utf8_is_corrupt_naming_the_file(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.path.write_bytes(b'\xff\xfe{"access_token": "ACCESS-leak"}')
    with pytest.raises(TokenStoreError) as info:
        store.load()
    assert str(info.value).startswith(f"{store.path}: the token store is corrupt")
    assert "ACCESS-leak" not in str(info.value)


def test_a_keyring_without_a_backend_is_a_token_store_error(tmp_path: Path) -> None:
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    # What keyring picks on a machine with no backend (the class has no annotations).
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]
    try:
        store = TokenStore(tmp_path, backend="keyring")
        for action in (store.load, store.clear, lambda: store.save(expired())):
            with pytest.raises(TokenStoreError, match="no keyring backend is available"):
                action()
    finally:
        keyring.set_keyring(previous)


def test_an_unusable_lock_file_is_a_token_store_error_naming_it(tmp_path: Path) -> None:
    store = TokenStore(tmp_path)
    store.save(expired())
    (tmp_path / "tokens.json.lock").mkdir()
    with pytest.raises(TokenStoreError, match=r"tokens\.json\.lock: cannot lock the token store"):
        store.fresh(lambda refresh_token: expired())


def test_a_lock_held_past_the_timeout_is_a_token_store_error(tmp_path: Path) -> None:
    from filelock import FileLock

    store = TokenStore(tmp_path)
    with (
        FileLock(str(store.path) + ".lock"),  # another process holding it
        pytest.raises(TokenStoreError, match=r"stayed locked for 0\.1 s"),
        store.locked(timeout=0.1),
    ):
        pytest.fail("the lock was acquired while another holder had it")
