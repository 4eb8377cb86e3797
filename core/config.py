"""Configuration: built-in defaults < TOML file < environment.

The file is ``$LIGHTNINGHIRE_CONFIG``, else ``./lightninghire.toml`` when present. Environment
variables win: the conventional names (``MONGODB_URI``, ``CRON_SECRET``, ...) map to fixed keys,
and any key can be set as ``LIGHTNINGHIRE_<SECTION>__<KEY>`` (``LIGHTNINGHIRE_SERVER__PORT=9000``,
``LIGHTNINGHIRE_PLUGINS__HELLO__GREETING=Hi``). A plugin's own conventional names
(``ACME_API_KEY``) are declared by the plugin's settings schema (field metadata
``env=``) and applied by the plugin host, which loads each ``[plugins.<name>]`` table through that
schema (see ``PluginHost``).

Core sections are validated with marshmallow (unknown keys rejected). Invalid config raises
``StartupError`` with the offending key.
"""

from __future__ import annotations

import copy
import ipaddress
import os
import re
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates

from lightninghire.errors import StartupError

CONFIG_ENV = "LIGHTNINGHIRE_CONFIG"
DEFAULT_CONFIG_FILE = "lightninghire.toml"
ENV_PREFIX = "LIGHTNINGHIRE_"

# Conventional environment names, as deployers already know them -> dotted config key.
ENV_ALIASES: dict[str, str] = {
    "MONGODB_URI": "database.uri",
    "CRON_SECRET": "auth.cron_secret",
    "OPENAI_API_KEY": "ai.openai_api_key",
    "ANTHROPIC_API_KEY": "ai.anthropic_api_key",
    "SMTP_URL": "mail.smtp_url",
    "LIGHTNINGHIRE_PLUGINS": "plugins.enabled",
}

# Keys whose values are never printed or logged. Plugin keys are masked by name (SECRET_NAME).
SECRET_KEYS = {
    "auth.cron_secret",
    "auth.encryption_key",
    "ai.openai_api_key",
    "ai.anthropic_api_key",
}
URL_KEYS_WITH_CREDENTIALS = {"database.uri", "mail.smtp_url"}
SECRET_NAME = re.compile(r"(secret|password|token|api_key|private)", re.IGNORECASE)
MIN_CRON_SECRET = 16


def _cidr(value: str) -> None:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError as exc:
        raise ValidationError(f"{value!r} is not an IP address or CIDR range.") from exc


class _Section(Schema):
    class Meta:
        unknown = RAISE


class ServerSection(_Section):
    host = fields.String(load_default="127.0.0.1")
    port = fields.Integer(load_default=8000, validate=validate.Range(0, 65535))
    workers = fields.Integer(load_default=2, validate=validate.Range(1, 64))
    threads = fields.Integer(load_default=8, validate=validate.Range(1, 256))
    timeout = fields.Integer(load_default=30, validate=validate.Range(1, 3600))
    # gunicorn's access log (one line per request, ~11 % of a worker's CPU on a cheap route).
    access_log = fields.Boolean(load_default=True)
    # `serve` also runs the task scheduler: auto = only on the embedded database (a deployment
    # with MONGODB_URI runs `lightninghire scheduler` or an external cron), on, off.
    scheduler = fields.String(load_default="auto", validate=validate.OneOf(["auto", "on", "off"]))


class DatabaseSection(_Section):
    uri = fields.String(load_default="")
    name = fields.String(load_default="lightninghire", validate=validate.Regexp(r"^[A-Za-z0-9_-]{1,60}$"))
    # Where the embedded nx-27017 server keeps its SQLite files when no URI is set.
    data_dir = fields.String(load_default="lightninghire-data")
    # How long a request waits for an unreachable database before failing (ms).
    timeout_ms = fields.Integer(load_default=5000, validate=validate.Range(100, 120_000))


def _http_url(value: str) -> None:
    if value and urlsplit(value).scheme not in ("http", "https"):
        raise ValidationError("must be an http(s) URL (or unset).")


class HttpSection(_Section):
    max_body_bytes = fields.Integer(load_default=1024 * 1024, validate=validate.Range(1024, 1 << 30))
    # Peers whose X-Forwarded-For is believed (gunicorn's default: loopback only).
    trusted_proxies = fields.List(
        fields.String(validate=_cidr), load_default=lambda: ["127.0.0.1/32", "::1/128"]
    )
    # Per-IP limits count an IPv6 client by its network of this many bits (one subscriber
    # usually holds a whole /64), an IPv4 client by its address.
    ipv6_prefix = fields.Integer(load_default=64, validate=validate.Range(16, 128))
    # The base URL in OpenAPI, mail links and download links; empty: the address `serve`
    # binds (server.host and server.port), see Settings.public_url_is_default.
    public_url = fields.String(load_default="", validate=_http_url)
    # Web origins allowed to call the API from a browser (CORS, with credentials); exact
    # origins like "https://app.example.com", never "*". They may also make cookie writes.
    cors_origins = fields.List(fields.String(validate=validate.Regexp(
        r"^https?://[^/*\s]+$", error="must be an exact origin like https://app.example.com")),
        load_default=list)
    # Where route rate-limit counters live: memory (one process only), mongo (shared by every
    # worker and host), auto = mongo unless the server runs a single worker.
    rate_limit_backend = fields.String(load_default="auto",
                                       validate=validate.OneOf(["auto", "memory", "mongo"]))


def _fernet_key(value: str) -> None:
    if not value:
        return
    from cryptography.fernet import Fernet

    try:
        Fernet(value.encode())
    except (ValueError, TypeError) as exc:
        raise ValidationError("must be a Fernet key (32 url-safe base64 bytes); generate one with "
                              "`lightninghire keys encryption-key`.") from exc


class AuthSection(_Section):
    cron_secret = fields.String(load_default="")
    # Encrypts secrets at rest (BYOK provider keys). `lightninghire serve` on the embedded
    # database makes one in the data folder when unset.
    encryption_key = fields.String(load_default="", validate=_fernet_key)
    # Sessions end after this long idle (sliding), and in any case this long after sign-in.
    session_idle_days = fields.Integer(load_default=14, validate=validate.Range(1, 365))
    session_max_days = fields.Integer(load_default=90, validate=validate.Range(1, 400))
    # Secure cookies need https. Unset: secure, except when the public URL is plain http on a
    # loopback address and the server binds loopback only (a laptop: scripts keep the cookie).
    cookie_secure = fields.Boolean(load_default=None, allow_none=True)
    # Origins allowed to make cookie-authenticated writes (CSRF); empty: http.public_url's origin
    # (and its other loopback names, for a loopback public URL). See allowed_origins().
    allowed_origins = fields.List(fields.String(), load_default=list)
    login_failures_per_account = fields.Integer(load_default=5, validate=validate.Range(1, 1000))
    login_failures_per_ip = fields.Integer(load_default=20, validate=validate.Range(1, 100000))
    login_window_seconds = fields.Integer(load_default=900, validate=validate.Range(10, 86400))
    # Each process caches who a credential is. Invalidation reaches every process on this host
    # at once (shared memory); other hosts read the epoch document at most this often (0 = never:
    # only for a single host). An entry is re-read after principal_cache_seconds in any case.
    principal_cache_sync_seconds = fields.Float(load_default=5.0, validate=validate.Range(0, 3600))
    principal_cache_seconds = fields.Float(load_default=300.0, validate=validate.Range(0, 86400))

    @validates("cron_secret")
    def _long_enough(self, value: str, **_: Any) -> None:
        if value and len(value) < MIN_CRON_SECRET:
            raise ValidationError(f"must be at least {MIN_CRON_SECRET} characters (or unset).")


class AiSection(_Section):
    # auto: the user's own key (BYOK), else the platform's key, else the offline provider;
    # openai / anthropic: only that provider, then offline; offline: no network at all.
    provider = fields.String(load_default="auto",
                             validate=validate.OneOf(["auto", "openai", "anthropic", "offline"]))
    openai_api_key = fields.String(load_default="")
    openai_model = fields.String(load_default="gpt-4o-mini")
    # An OpenAI-compatible server instead: Ollama (http://127.0.0.1:11434/v1), a gateway.
    openai_base_url = fields.String(load_default="", validate=_http_url)
    anthropic_api_key = fields.String(load_default="")
    anthropic_model = fields.String(load_default="claude-haiku-4-5")
    anthropic_base_url = fields.String(load_default="", validate=_http_url)
    # One provider request; and everything one task run does (retries, backoff, the repair),
    # kept under gunicorn's server.timeout.
    timeout_seconds = fields.Float(load_default=20.0, validate=validate.Range(min=0.1, max=600))
    total_timeout_seconds = fields.Float(load_default=25.0,
                                         validate=validate.Range(min=0.1, max=3600))
    max_retries = fields.Integer(load_default=2, validate=validate.Range(0, 10))
    # Keep prompt and reply texts in ai_calls (they hold user data).
    log_prompts = fields.Boolean(load_default=False)


class MailSection(_Section):
    smtp_url = fields.String(load_default="")
    sender = fields.String(load_default="LightningHire <no-reply@localhost>")
    # auto = smtp when smtp_url is set, else console
    transport = fields.String(load_default="auto",
                              validate=validate.OneOf(["auto", "smtp", "file", "console"]))
    file_dir = fields.String(load_default="lightninghire-mail")
    max_attempts = fields.Integer(load_default=8, validate=validate.Range(1, 50))
    deliver_now = fields.Boolean(load_default=True)
    retention_days = fields.Integer(load_default=30, validate=validate.Range(0, 3650))  # 0 = keep


class PolicySection(_Section):
    # A deployer's Casbin lines, applied after every plugin's (see docs/policy.md).
    file = fields.String(load_default="")
    # Usage counts (for /api/usage, /api/stats and uncapped features) are buffered per process
    # and written at most this often, off the request path; caps are always claimed at once.
    usage_flush_seconds = fields.Float(load_default=1.0, validate=validate.Range(0, 60))


class FetchSection(_Section):
    """``services.fetcher``: URLs users give (lightninghire.fetch). Non-public addresses are
    refused unless listed here (a CIDR per entry, e.g. "10.20.0.0/16" for an intranet)."""

    allow_networks = fields.List(fields.String(validate=_cidr), load_default=list)
    timeout_seconds = fields.Float(load_default=10.0, validate=validate.Range(min=0.05, max=120))
    max_bytes = fields.Integer(load_default=2 * 1024 * 1024,
                               validate=validate.Range(1024, 64 * 1024 * 1024))
    max_redirects = fields.Integer(load_default=3, validate=validate.Range(0, 10))


class LogSection(_Section):
    level = fields.String(
        load_default="INFO", validate=validate.OneOf(["DEBUG", "INFO", "WARNING", "ERROR"])
    )


CORE_SECTIONS: dict[str, type[Schema]] = {
    "server": ServerSection,
    "database": DatabaseSection,
    "http": HttpSection,
    "auth": AuthSection,
    "ai": AiSection,
    "mail": MailSection,
    "log": LogSection,
    "policy": PolicySection,
    "fetch": FetchSection,
}


class Section(Mapping[str, Any]):
    """A read-only config table with attribute access: ``settings.http.max_body_bytes``."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Section({sorted(self._values)})"


class Settings:
    """Validated configuration. ``enabled_plugins`` is ``None`` for "every first-party plugin"."""

    def __init__(self, core: Mapping[str, Mapping[str, Any]], enabled_plugins: list[str] | None,
                 plugin_tables: Mapping[str, Mapping[str, Any]], source: str | None,
                 environ: Mapping[str, str] | None = None,
                 explicit: frozenset[str] = frozenset()) -> None:
        core = dict(core)
        # No http.public_url: the address `serve` binds is the public URL (any port, any host),
        # so OpenAPI, mail and download links and the CSRF origins follow `--port`.
        self.public_url_is_default = "http" in core and not core["http"].get("public_url")
        if self.public_url_is_default and "server" in core:
            core["http"] = {**core["http"], "public_url": bound_url(core["server"]["host"],
                                                                    core["server"]["port"])}
        self._core = {name: Section(values) for name, values in core.items()}
        self.enabled_plugins = enabled_plugins
        self._plugin_tables = {name: dict(table) for name, table in plugin_tables.items()}
        self.source = source
        # The environment read at load time: plugins' settings schemas name conventional
        # variables (``env=`` field metadata) that the plugin host reads from here.
        self.environ: Mapping[str, str] = dict(environ or {})
        # Dotted keys set by LIGHTNINGHIRE_* variables or overrides: they beat those variables.
        self._explicit = frozenset(explicit)

    def __getattr__(self, name: str) -> Section:
        core = self.__dict__.get("_core", {})
        if name in core:
            return core[name]
        raise AttributeError(name)

    def plugin(self, name: str) -> dict[str, Any]:
        """The raw ``[plugins.<name>]`` table (a copy; empty when absent). Plugins read their
        loaded, typed values with ``services.plugin_settings(name)``."""
        return copy.deepcopy(self._plugin_tables.get(name, {}))

    def plugin_tables(self) -> list[str]:
        """The names of the ``[plugins.<name>]`` tables given."""
        return list(self._plugin_tables)

    def is_explicit(self, dotted: str) -> bool:
        """Whether ``dotted`` was set by a ``LIGHTNINGHIRE_*`` variable or an override."""
        return dotted in self._explicit

    def with_overrides(self, overrides: Mapping[str, Any]) -> Settings:
        """A new Settings with dotted keys replaced (used by tests and the CLI)."""
        raw = self.as_raw()
        for dotted, value in overrides.items():
            _set_dotted(raw, dotted, value)
        return _build(raw, self.source, self.environ, self._explicit | set(overrides))

    def as_raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {name: dict(section) for name, section in self._core.items()}
        if self.public_url_is_default:
            raw["http"]["public_url"] = ""  # still derived: a new port gives a new URL
        plugins: dict[str, Any] = copy.deepcopy(self._plugin_tables)
        if self.enabled_plugins is not None:
            plugins["enabled"] = list(self.enabled_plugins)
        raw["plugins"] = plugins
        return raw

    def redacted(self) -> dict[str, Any]:
        """Everything, with secrets masked: what ``config show`` prints and logs may carry."""
        raw = self.as_raw()
        for section, table in raw.items():
            for key, value in list(table.items()):
                raw[section][key] = _redact(f"{section}.{key}", value)
        return raw


def redacted_plugin(name: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """A plugin's loaded settings with secrets masked (by key name), for ``config show``."""
    return {key: _redact(f"plugins.{name}.{key}", value) for key, value in values.items()}


def _redact(dotted: str, value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _redact(f"{dotted}.{k}", v) for k, v in value.items()}
    if not value:
        return value
    if dotted in SECRET_KEYS or (dotted.startswith("plugins.") and SECRET_NAME.search(dotted)):
        return "********"
    if dotted in URL_KEYS_WITH_CREDENTIALS and isinstance(value, str):
        return redact_url(value)
    return value


def redact_url(url: str) -> str:
    """``mongodb://user:pw@host/db`` -> ``mongodb://user:********@host/db``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":********@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    node = raw
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node.setdefault(part, {})
        if not isinstance(node, dict):
            raise StartupError(f"config: {dotted!r} is set, but {part!r} is not a table")
    node[leaf] = value


def _env_overrides(environ: Mapping[str, str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in environ.items():
        if name in ENV_ALIASES:
            found[ENV_ALIASES[name]] = value
        elif name.startswith(ENV_PREFIX) and "__" in name:
            dotted = name[len(ENV_PREFIX):].lower().replace("__", ".")
            found[dotted] = value
    return found


# LIGHTNINGHIRE_PLUGINS=none: only the core (every domain off), said on purpose.
ONLY_CORE = "none"


def _coerce_env(dotted: str, value: str) -> Any:
    if dotted == "plugins.enabled":
        if not value.strip():
            # Set but empty is a slip (a template's blank), not a wish to turn every domain off.
            raise StartupError("config: LIGHTNINGHIRE_PLUGINS is set but empty; unset it to "
                               "enable every first-party plugin, or set it to "
                               f"{ONLY_CORE!r} to run only the core")
        if value.strip().lower() == ONLY_CORE:
            return []
    # Lists arrive as comma-separated text; marshmallow coerces scalar strings itself.
    if dotted in {"plugins.enabled", "http.trusted_proxies", "auth.allowed_origins",
                  "http.cors_origins", "fetch.allow_networks"}:
        return [item.strip() for item in value.split(",") if item.strip()]
    return value


def load_settings(
    path: str | os.PathLike[str] | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Read defaults, then the TOML file, then the environment, then explicit ``overrides``."""
    env = os.environ if environ is None else environ
    source = None
    raw: dict[str, Any] = {}
    file = path or env.get(CONFIG_ENV)
    if file is None and Path(DEFAULT_CONFIG_FILE).is_file():
        file = DEFAULT_CONFIG_FILE
    if file is not None:
        source = str(file)
        try:
            raw = tomllib.loads(Path(file).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise StartupError(f"config: file {source} not found") from None
        except tomllib.TOMLDecodeError as exc:
            raise StartupError(f"config: {source} is not valid TOML: {exc}") from None
    explicit: set[str] = set()
    for dotted, value in _env_overrides(env).items():
        _set_dotted(raw, dotted, _coerce_env(dotted, value))
        explicit.add(dotted)
    for dotted, value in (overrides or {}).items():
        _set_dotted(raw, dotted, value)
        explicit.add(dotted)
    return _build(raw, source, env, frozenset(explicit))


def _build(raw: Mapping[str, Any], source: str | None, environ: Mapping[str, str] | None = None,
           explicit: frozenset[str] = frozenset()) -> Settings:
    where = f" (from {source})" if source else ""
    unknown = set(raw) - set(CORE_SECTIONS) - {"plugins"}
    if unknown:
        raise StartupError(
            f"config{where}: unknown section(s) {sorted(unknown)}; "
            f"known: {sorted([*CORE_SECTIONS, 'plugins'])}"
        )
    core: dict[str, dict[str, Any]] = {}
    for name, schema in CORE_SECTIONS.items():
        table = raw.get(name, {})
        if not isinstance(table, dict):
            raise StartupError(f"config{where}: [{name}] must be a table")
        try:
            core[name] = schema().load(table)
        except ValidationError as exc:
            problems = "; ".join(
                f"{name}.{key}: {' '.join(map(str, msgs)) if isinstance(msgs, list) else msgs}"
                for key, msgs in exc.normalized_messages().items()
            )
            raise StartupError(f"config{where}: {problems}") from None
    if core["database"]["timeout_ms"] >= core["server"]["timeout"] * 1000:
        # A request waiting on an unreachable database must answer (503) before gunicorn kills
        # its worker, which would answer nothing.
        raise StartupError(f"config{where}: database.timeout_ms must be shorter than "
                           f"server.timeout ({core['server']['timeout']} s)")
    plugins = dict(raw.get("plugins", {}))
    enabled = plugins.pop("enabled", None)
    if enabled is not None and (
        not isinstance(enabled, list) or not all(isinstance(p, str) and p for p in enabled)
    ):
        raise StartupError(f"config{where}: plugins.enabled must be a list of plugin names")
    for name, table in plugins.items():
        if not isinstance(table, dict):
            raise StartupError(f"config{where}: [plugins.{name}] must be a table")
    return Settings(core, enabled, plugins, source, environ, explicit)


# -- values derived from several settings ---------------------------------------------------

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
_WILDCARD_HOSTS = {"", "0.0.0.0", "::"}  # noqa: S104 - recognised, never bound


def is_loopback_host(host: str) -> bool:
    """``localhost``, 127.0.0.0/8 or ::1 (brackets allowed)."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def bound_url(host: str, port: int) -> str:
    """``http://host:port`` for a bind address; a wildcard bind (``0.0.0.0``) is named by its
    loopback address, the one address sure to reach it (set ``http.public_url`` for others)."""
    name = host.strip().strip("[]")
    if name in _WILDCARD_HOSTS:
        name = "127.0.0.1"
    elif ":" in name:
        name = f"[{name}]"
    return f"http://{name}:{port}"


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def allowed_origins(settings: Settings) -> list[str]:
    """Origins whose cookie-authenticated writes pass the CSRF check (before ``cors_origins``).

    ``auth.allowed_origins`` when set; else the public URL's origin, and when that is a loopback
    address its other loopback names on the same port (``http://localhost:9000`` and
    ``http://127.0.0.1:9000`` are one server to the person at the browser).
    """
    given = [str(o) for o in settings.auth.allowed_origins]
    if given:
        return given
    public = settings.http.public_url
    origins = [origin] if (origin := _origin(public)) else []
    parts = urlsplit(public)
    if parts.hostname and is_loopback_host(parts.hostname):
        port = f":{parts.port}" if parts.port else ""
        origins += [f"{parts.scheme}://{name}{port}".lower() for name in LOOPBACK_NAMES]
    return list(dict.fromkeys(origins))


def cookie_secure(settings: Settings) -> bool:
    """Whether the session cookie carries ``Secure``: ``auth.cookie_secure`` when set; else
    always, except for a plain-http loopback public URL on a loopback bind (a developer's
    machine: https is not there, and clients like ``requests`` drop Secure cookies over http)."""
    if settings.auth.cookie_secure is not None:
        return bool(settings.auth.cookie_secure)
    public = urlsplit(settings.http.public_url)
    local = (public.scheme == "http" and is_loopback_host(public.hostname or "")
             and is_loopback_host(settings.server.host))
    return not local
