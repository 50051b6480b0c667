"""Threads and processes sharing one token store send one refresh between them.

The sandbox runs with ``refresh_leeway=0``: a refresh token presented a second time is
refused with ``invalid_grant`` (and its family revoked), so any caller that refreshed with
a token another caller had already rotated would make these tests fail, both through the
refresh count and through the 403 in the sandbox's request log.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from adfkit.jira.client import JiraClient
from adfkit.jira.config import OAuthApp
from adfkit.jira.login_flow import login
from adfkit.jira.sites import choose_site, save_site
from adfkit.jira.tokens import TokenStore
from adfkit.sandbox import Sandbox, consenting_browser, loopback_redirect_uri

ALEX = "712020:5b1c-sandbox-alex"
THREADS = 8
PROCESSES = 4


def make_app(base_url: str, redirect: str) -> OAuthApp:
    return OAuthApp(
        "sandbox-client-id",
        "sandbox-client-secret",
        redirect,
        auth_url=base_url,
        api_url=base_url,
    )


@dataclass
class World:
    sb: Sandbox
    app: OAuthApp
    directory: Path
    redirect: str

    def expire(self) -> None:
        """The access token is dead on the server and the stored copy says so as well."""
        self.sb.expire_access_tokens()
        store = TokenStore(self.directory)
        stored = store.load()
        assert stored is not None
        store.save(replace(stored, expires_at=time.time() - 1))

    def invalid_grants(self) -> int:
        return self.sb.count("token", status=403)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    redirect = loopback_redirect_uri()
    with Sandbox(redirect_uris=[redirect], refresh_leeway=0) as sb:
        app = make_app(sb.base_url, redirect)
        directory = tmp_path / "config"
        result = login(app, TokenStore(directory), opener=consenting_browser(), timeout=20)
        save_site(directory, choose_site(result.sites, "Acme"))
        yield World(sb, app, directory, redirect)


def make_clients(world: World, *, shared_store: bool) -> list[JiraClient]:
    """``THREADS`` clients on one token file: one ``TokenStore`` object or one each."""
    store = TokenStore(world.directory)
    return [
        JiraClient.from_oauth(
            world.app, store=store if shared_store else TokenStore(world.directory)
        )
        for _ in range(THREADS)
    ]


def call_at_once(clients: list[JiraClient]) -> list[str]:
    """Every client calls ``myself`` at the same moment, one thread each; the account ids."""
    barrier = threading.Barrier(len(clients))
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(client: JiraClient) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(str(client.myself()["accountId"]))
        except BaseException as exc:  # reported below, with the thread's error
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.parametrize("server_only", [False, True], ids=["known-expired", "401-first"])
def test_threads_sharing_one_store_refresh_once_per_rotation(
    world: World, server_only: bool
) -> None:
    clients = make_clients(world, shared_store=True)
    for rotation in range(1, 4):
        if server_only:
            world.sb.expire_access_tokens()  # clients learn it from the 401s
        else:
            world.expire()
        assert call_at_once(clients) == [ALEX] * THREADS
        assert world.sb.count("token", grant_type="refresh_token") == rotation
        assert world.invalid_grants() == 0
    for client in clients:
        client.close()


def test_threads_with_separate_store_objects_on_one_file_refresh_once(world: World) -> None:
    clients = make_clients(world, shared_store=False)
    for rotation in range(1, 4):
        world.expire()
        assert call_at_once(clients) == [ALEX] * THREADS
        assert world.sb.count("token", grant_type="refresh_token") == rotation
    assert world.invalid_grants() == 0
    for client in clients:
        client.close()


def child(directory: str, base_url: str, redirect: str, barrier: Any, out: Any) -> None:
    """One process: a client on the shared token file calls ``myself``."""
    app = make_app(base_url, redirect)
    try:
        with JiraClient.from_oauth(app, store=TokenStore(directory)) as client:
            barrier.wait(timeout=30)
            out.put(("ok", str(client.myself()["accountId"])))
    except Exception as exc:  # the parent asserts on it
        out.put(("error", f"{type(exc).__name__}: {exc}"))


def test_processes_sharing_the_token_file_send_one_refresh(world: World) -> None:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(PROCESSES)
    out = ctx.Queue()
    world.expire()
    processes = [
        ctx.Process(
            target=child,
            args=(str(world.directory), world.sb.base_url, world.redirect, barrier, out),
        )
        for _ in range(PROCESSES)
    ]
    for p in processes:
        p.start()
    results = [out.get(timeout=30) for _ in processes]
    for p in processes:
        p.join(timeout=10)
    assert results == [("ok", ALEX)] * PROCESSES
    assert [p.exitcode for p in processes] == [0] * PROCESSES
    assert world.sb.count("token", grant_type="refresh_token") == 1
    assert world.invalid_grants() == 0
    assert world.sb.count("myself", status=200) == PROCESSES


def test_a_second_refresh_with_the_rotated_token_is_refused_by_this_sandbox(
    world: World,
) -> None:
    # What makes the tests above able to fail: replaying the old refresh token is refused.
    stored = TokenStore(world.directory).load()
    assert stored is not None
    assert stored.refresh_token is not None
    token_url = f"{world.sb.auth_url}/oauth/token"
    body = {
        "grant_type": "refresh_token",
        "client_id": world.app.client_id,
        "client_secret": world.app.client_secret,
        "refresh_token": stored.refresh_token,
    }
    assert httpx.post(token_url, json=body).status_code == 200
    time.sleep(0.01)
    second = httpx.post(token_url, json=body)
    assert second.status_code == 403
    assert second.json()["error"] == "invalid_grant"
