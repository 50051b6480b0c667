"""Where ``adfkit.jira`` keeps its settings, and the OAuth app configuration.

Values come from, in order: explicit options, environment variables
(``ADFKIT_JIRA_CLIENT_ID``, ``ADFKIT_JIRA_CLIENT_SECRET``, ``ADFKIT_JIRA_AUTH_URL``,
``ADFKIT_JIRA_API_URL``, ``ADFKIT_JIRA_REDIRECT_URI``, ``ADFKIT_JIRA_SCOPES``), then
``config.json`` in the config directory. The directory is platformdirs' user config dir for
``adfkit`` (sub-directory ``jira``) unless ``ADFKIT_JIRA_CONFIG_DIR`` names another one.

``adfkit jira login`` writes the non-secret settings it used (client id, redirect URI,
scopes, auth and API URLs) into ``config.json`` (``save_app_settings``), so later commands
use the same app and servers; the client secret is never written there by adfkit and must
come from ``ADFKIT_JIRA_CLIENT_SECRET`` (or a ``client_secret`` key the user adds).

The chosen site (non-secret: id, name, url) is kept in ``site.json`` beside the tokens.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from adfkit.jira.errors import ConfigError
from adfkit.jira.files import write_private_json

__all__ = [
    "DEFAULT_API_URL",
    "DEFAULT_AUTH_URL",
    "DEFAULT_REDIRECT_URI",
    "DEFAULT_SCOPES",
    "OAuthApp",
    "check_url",
    "config_dir",
    "load_app",
    "read_json_file",
    "save_app_settings",
    "token_backend",
]

DEFAULT_AUTH_URL = "https://auth.atlassian.com"
DEFAULT_API_URL = "https://api.atlassian.com"
DEFAULT_REDIRECT_URI = "http://127.0.0.1:8765/callback"
DEFAULT_SCOPES = ("read:jira-work", "write:jira-work", "read:jira-user", "offline_access")
CONFIG_FILE = "config.json"


def config_dir(env: Mapping[str, str] | None = None) -> Path:
    """The directory for config, tokens and caches (not created here)."""
    env = os.environ if env is None else env
    override = env.get("ADFKIT_JIRA_CONFIG_DIR")
    if override:
        return Path(override)
    import platformdirs  # imported here: only paths that need it pay for it

    return Path(platformdirs.user_config_dir("adfkit")) / "jira"


def token_backend(env: Mapping[str, str] | None = None) -> Literal["file", "keyring"]:
    """Where tokens live: ``ADFKIT_JIRA_TOKEN_STORE`` (``file``, the default, or ``keyring``)."""
    env = os.environ if env is None else env
    value = (env.get("ADFKIT_JIRA_TOKEN_STORE") or "file").strip().lower()
    if value == "file":
        return "file"
    if value == "keyring":
        return "keyring"
    raise ConfigError(
        f"ADFKIT_JIRA_TOKEN_STORE is {value!r}; use 'file' (tokens.json, mode 0600) or 'keyring'"
    )


@dataclass(frozen=True, slots=True)
class OAuthApp:
    """An OAuth 2.0 (3LO) app as registered in the Atlassian developer console.

    ``auth_url`` and ``api_url`` are the bases of auth.atlassian.com and api.atlassian.com;
    pointing both at a sandbox is how tests and demos run offline. The secret never
    appears in the repr.
    """

    client_id: str
    client_secret: str = field(repr=False)
    redirect_uri: str = DEFAULT_REDIRECT_URI
    scopes: tuple[str, ...] = DEFAULT_SCOPES
    auth_url: str = DEFAULT_AUTH_URL
    api_url: str = DEFAULT_API_URL


def check_url(value: str, where: str) -> str:
    """``value`` if it is an absolute http(s) URL with a host, else ConfigError naming
    ``where`` it came from: a typo there otherwise surfaces much later, as "cannot
    connect to ''" or a login that waits minutes for a consent page that never loads."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"{where} is {value!r}: not an http(s) URL")
    return value


def read_json_file(path: Path, what: str) -> Any:
    """Parse a JSON file, or ``None`` when it does not exist; ConfigError names the file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what}: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: the {what} is not UTF-8 text; fix or delete it") from None
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ConfigError(f"{path}: the {what} is not valid JSON ({exc}); fix it") from None


def load_app(
    *,
    client_id: str | None = None,
    client_secret: str | None = None,
    redirect_uri: str | None = None,
    scopes: str | None = None,
    auth_url: str | None = None,
    api_url: str | None = None,
    env: Mapping[str, str] | None = None,
    options_hint: bool = False,
) -> OAuthApp:
    """The OAuth app from options > environment > ``config.json``; ConfigError if incomplete.

    The error names where a missing value can come from: the environment variable and
    ``config.json`` (with its path), plus the command-line option when ``options_hint`` is
    true (only ``adfkit jira login`` has those options).
    """
    env = os.environ if env is None else env
    path = config_dir(env) / CONFIG_FILE
    stored = read_json_file(path, "config file")
    if stored is None:
        stored = {}
    if not isinstance(stored, dict):
        raise ConfigError(f"{path}: the config file must hold a JSON object")

    def pick(option: str | None, name: str) -> str | None:
        if option:
            return option
        value = env.get(f"ADFKIT_JIRA_{name.upper()}") or stored.get(name)
        if value is not None and not isinstance(value, str):
            raise ConfigError(f"{path}: {name} must be a string")
        return value or None

    found_id = pick(client_id, "client_id")
    found_secret = pick(client_secret, "client_secret")

    def sources(name: str) -> str:
        option = f"--{name.replace('_', '-')}, " if options_hint else ""
        return f"{option}ADFKIT_JIRA_{name.upper()} or {name} in {path}"

    missing = [
        f"{name} ({sources(name)})"
        for name, value in (("client_id", found_id), ("client_secret", found_secret))
        if not value
    ]
    if missing:
        raise ConfigError(f"OAuth app not configured: missing {', '.join(missing)}")
    assert found_id is not None
    assert found_secret is not None
    scope_text = pick(scopes, "scopes")
    urls = {
        name: check_url(value, f"{name} ({sources(name)})") if value else default
        for name, value, default in (
            ("redirect_uri", pick(redirect_uri, "redirect_uri"), DEFAULT_REDIRECT_URI),
            ("auth_url", pick(auth_url, "auth_url"), DEFAULT_AUTH_URL),
            ("api_url", pick(api_url, "api_url"), DEFAULT_API_URL),
        )
    }
    return OAuthApp(
        client_id=found_id,
        client_secret=found_secret,
        redirect_uri=urls["redirect_uri"],
        scopes=tuple(scope_text.split()) if scope_text else DEFAULT_SCOPES,
        auth_url=urls["auth_url"].rstrip("/"),
        api_url=urls["api_url"].rstrip("/"),
    )


def save_app_settings(app: OAuthApp, directory: Path | None = None) -> Path:
    """Write ``app``'s non-secret settings into ``config.json`` and return its path.

    ``adfkit jira login`` calls this so that later commands reach the same auth server,
    API and app as the login did: otherwise a login pointed elsewhere by options would be
    followed by commands talking to the default api.atlassian.com. Keys already in the
    file are kept (merged); the client secret is never written. Written atomically (temp
    file + ``os.replace``), mode 0600 since users may keep their own secret in it.
    """
    directory = config_dir() if directory is None else directory
    path = directory / CONFIG_FILE
    stored = read_json_file(path, "config file")
    if stored is None:
        stored = {}
    if not isinstance(stored, dict):
        raise ConfigError(f"{path}: the config file must hold a JSON object")
    merged = {
        **stored,
        "client_id": app.client_id,
        "redirect_uri": app.redirect_uri,
        "scopes": " ".join(app.scopes),
        "auth_url": app.auth_url,
        "api_url": app.api_url,
    }
    try:
        write_private_json(path, merged, indent=2)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot save the settings: {exc.strerror}") from None
    return path
