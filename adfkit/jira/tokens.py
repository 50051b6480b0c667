"""OAuth tokens and where they live.

``TokenSet`` is one grant's tokens; its repr and str hide every secret. ``TokenStore`` keeps
them in ``tokens.json`` in the config directory (mode 0600, written to a temp file then
``os.replace``d so a crash never leaves half a file), or in the system keyring
(``backend="keyring"``, needs the ``keyring`` extra).

Refresh tokens rotate: each refresh returns a new one and kills the old one (after a short
leeway). ``TokenStore.fresh`` therefore serialises read-refresh-write with a
``filelock.FileLock`` beside the file (threads and processes alike): inside the lock it
re-reads the store, uses a token another caller already refreshed, and otherwise refreshes
and persists the rotated refresh token *before* handing out the new access token.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from filelock import FileLock, Timeout

from adfkit.jira.errors import ReauthorizationRequired, TokenStoreError
from adfkit.jira.files import write_private_json

__all__ = ["KEYRING_SERVICE", "TokenSet", "TokenStore"]

KEYRING_SERVICE = "adfkit-jira"
_KEYRING_USER = "oauth-tokens"
_KEYRING_WHERE = f"keyring entry {KEYRING_SERVICE}/{_KEYRING_USER}"


@dataclass(frozen=True, slots=True)
class TokenSet:
    """Tokens from one token-endpoint answer. ``expires_at`` is a Unix time."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_at: float
    scope: str = ""
    token_type: str = "Bearer"

    @classmethod
    def from_response(cls, body: dict[str, Any], *, now: float | None = None) -> TokenSet:
        """Build from a token-endpoint JSON body (``expires_in`` seconds from ``now``)."""
        now = time.time() if now is None else now
        expires_in = body.get("expires_in", 3600)
        return cls(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token") or None,
            expires_at=now + float(expires_in),
            scope=str(body.get("scope", "")),
            token_type=str(body.get("token_type", "Bearer")),
        )

    @property
    def has_refresh_token(self) -> bool:
        return bool(self.refresh_token)

    def expires_within(self, seconds: float, *, now: float | None = None) -> bool:
        """True if the access token expires in less than ``seconds`` (or already has)."""
        return self.expires_at - (time.time() if now is None else now) < seconds

    def to_json(self) -> dict[str, Any]:
        return {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
            "scope": self.scope,
            "token_type": self.token_type,
        }

    @classmethod
    def from_json(cls, data: object) -> TokenSet:
        if not isinstance(data, dict) or not isinstance(data.get("access_token"), str):
            raise ValueError("expected an object with access_token")
        refresh = data.get("refresh_token")
        expires_at = data.get("expires_at")
        if (refresh is not None and not isinstance(refresh, str)) or not isinstance(
            expires_at, int | float
        ):
            raise ValueError("refresh_token must be a string and expires_at a number")
        return cls(
            access_token=data["access_token"],
            refresh_token=refresh,
            expires_at=float(expires_at),
            scope=str(data.get("scope", "")),
            token_type=str(data.get("token_type", "Bearer")),
        )

    def __str__(self) -> str:
        return repr(self)


Refresher = Callable[[str], TokenSet]


class TokenStore:
    """Persistent tokens for one user, shared safely by threads and processes.

    ``directory`` defaults to ``adfkit.jira.config.config_dir()``; ``backend`` to
    ``ADFKIT_JIRA_TOKEN_STORE`` (``file`` unless set). The lock file (``tokens.json.lock``)
    lives in the directory for both backends.
    """

    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        backend: Literal["file", "keyring"] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        from adfkit.jira.config import config_dir, token_backend

        self.directory = Path(config_dir() if directory is None else directory)
        self.path = self.directory / "tokens.json"
        self.backend: Literal["file", "keyring"] = backend or token_backend()
        self._clock = clock
        # flock conflicts between threads too (each acquire opens its own descriptor); the
        # thread lock just spares threads of one process the polling.
        self._thread_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"TokenStore({str(self.directory)!r}, backend={self.backend!r})"

    @contextlib.contextmanager
    def locked(self, timeout: float = 60.0) -> Iterator[None]:
        """Hold the store's file lock (and a thread lock) for a read-modify-write.

        TokenStoreError if the lock file cannot be used or another holder keeps it for
        longer than ``timeout`` seconds.
        """
        self._ensure_dir()
        lock_path = str(self.path) + ".lock"
        lock = FileLock(lock_path, timeout=timeout)
        with self._thread_lock:
            try:
                lock.acquire()
            except Timeout:  # before OSError: filelock's Timeout is a TimeoutError
                raise TokenStoreError(
                    f"{lock_path}: the token store stayed locked for {timeout:g} s; "
                    "another adfkit process may be stuck (end it, or delete this file)"
                ) from None
            except OSError as exc:
                raise TokenStoreError(
                    f"{lock_path}: cannot lock the token store: {exc.strerror}"
                ) from None
            try:
                yield
            finally:
                lock.release()

    def load(self) -> TokenSet | None:
        """The stored tokens, or ``None`` if nothing is stored; TokenStoreError if corrupt."""
        if self.backend == "keyring":
            where = _KEYRING_WHERE
            text = _keyring_call("read", lambda kr: kr.get_password(KEYRING_SERVICE, _KEYRING_USER))
            if text is None:
                return None
            raw: str | bytes = text
        else:
            where = str(self.path)
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise TokenStoreError(
                    f"{where}: cannot read the token store: {exc.strerror}"
                ) from None
        try:
            # Decoded here, not by read_text: a non-UTF-8 file is corrupt like bad JSON is
            # (UnicodeDecodeError is a ValueError).
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            return TokenSet.from_json(json.loads(text))
        except ValueError:
            # The parse error text could quote the file's content, so it is not repeated.
            raise TokenStoreError(
                f"{where}: the token store is corrupt (not the JSON adfkit writes); "
                "delete it or run `adfkit jira logout`, then `adfkit jira login`"
            ) from None

    def save(self, tokens: TokenSet) -> None:
        """Persist ``tokens`` atomically (temp file in the same directory, then os.replace)."""
        if self.backend == "keyring":
            text = json.dumps(tokens.to_json())
            _keyring_call("write", lambda kr: kr.set_password(KEYRING_SERVICE, _KEYRING_USER, text))
            return
        self._ensure_dir()
        try:
            write_private_json(self.path, tokens.to_json())
        except OSError as exc:
            raise TokenStoreError(f"{self.path}: cannot write tokens: {exc.strerror}") from None

    def clear(self) -> bool:
        """Forget the stored tokens; True if there were any."""
        if self.backend == "keyring":
            if (
                _keyring_call("read", lambda kr: kr.get_password(KEYRING_SERVICE, _KEYRING_USER))
                is None
            ):
                return False
            _keyring_call("delete", lambda kr: kr.delete_password(KEYRING_SERVICE, _KEYRING_USER))
            return True
        try:
            self.path.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise TokenStoreError(
                f"{self.path}: cannot delete the token store: {exc.strerror}"
            ) from None
        return True

    def fresh(
        self, refresher: Refresher, *, skew: float = 60.0, rejected: str | None = None
    ) -> TokenSet:
        """Tokens whose access token is good for at least ``skew`` seconds.

        ``rejected`` is an access token the API just refused (401): a stored token equal
        to it is refreshed even if it looks unexpired. Refreshes happen under the lock,
        after re-reading the store, so concurrent callers cause one refresh between them.
        """
        current = self.load()
        if current is not None and not _needs_refresh(current, skew, rejected, self._clock()):
            return current  # fast path: no lock while the token is good
        with self.locked():
            current = self.load()
            if current is None:
                raise ReauthorizationRequired("not logged in")
            if not _needs_refresh(current, skew, rejected, self._clock()):
                return current  # another thread or process refreshed while we waited
            if not current.refresh_token:
                raise ReauthorizationRequired(
                    "the access token expired and the grant has no refresh token "
                    "(offline_access was not granted)"
                )
            new = refresher(current.refresh_token)
            if not new.refresh_token:
                # Atlassian's own sample keeps the old refresh token when none is returned.
                new = replace(new, refresh_token=current.refresh_token)
            self.save(new)  # persisted before anyone uses the new access token
            return new

    def _ensure_dir(self) -> None:
        try:
            self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise TokenStoreError(f"{self.directory}: cannot create: {exc.strerror}") from None


def _needs_refresh(tokens: TokenSet, skew: float, rejected: str | None, now: float) -> bool:
    if rejected is not None and tokens.access_token == rejected:
        return True
    return tokens.expires_within(skew, now=now)


def _keyring() -> Any:
    try:
        import keyring
    except ImportError:
        raise TokenStoreError(
            "the keyring backend needs the keyring package: pip install 'adfkit[keyring]'"
        ) from None
    return keyring


def _keyring_call(action: str, call: Callable[[Any], Any]) -> Any:
    """Run ``call(keyring)``; the keyring's own errors (no backend, locked, denied) become
    TokenStoreError naming the error class only: a backend's message is not repeated, as
    nothing promises it leaves out the value being stored."""
    kr = _keyring()
    import keyring.errors

    try:
        return call(kr)
    except keyring.errors.NoKeyringError:
        detail = "no keyring backend is available on this system"
    except keyring.errors.KeyringError as exc:
        detail = f"the keyring failed ({type(exc).__name__})"
    raise TokenStoreError(
        f"{_KEYRING_WHERE}: cannot {action} the token store: {detail} "
        "(set ADFKIT_JIRA_TOKEN_STORE=file to keep tokens in tokens.json instead)"
    ) from None
