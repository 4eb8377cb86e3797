"""The plugin API: everything a plugin may import from the core, in one module.

``from lightninghire.api import hookimpl, endpoint, Services, ...`` — a plugin (first-party or a
pip package) imports the core through this module only, and its tests through this module and
``lightninghire.testing`` (the pytest plugin). Everything else in ``lightninghire`` is private and
may change between releases; a test (tests/core/test_architecture.py) keeps the first-party
plugins to this surface. docs/plugins.md describes each name from a plugin author's side.

What is here, by use:

- **Hooks**: ``hookimpl`` to implement a hook; ``hookspec`` to declare one that your plugin offers
  the others (``plugin_hookspecs``); ``current_plugin()`` names the plugin whose hook is running.
- **Routes**: ``endpoint(...)`` per responder (auth, permission, feature, rate limit, schemas,
  docs), ``Reply`` for a status or headers; ``CollectionResource`` / ``Resource`` write the
  list/create/get/patch/delete routes of an owned collection once; ``load`` and ``parse_json``
  validate a body read by hand (a form post).
- **Registries** handed to the ``register_*`` hooks: ``RouteTable``, ``SchemaRegistry``,
  ``CollectionRegistry``, ``TaskRegistry``, ``PolicyRegistry``, ``PreferenceRegistry``,
  ``CommandRegistry``, ``AiTaskRegistry``.
- **Services** (``Services``): the database, clock, events, mail, AI client, entitlements,
  ``users`` (a read-only ``UserDirectory``), per-plugin state (``services.state(name, factory)``)
  and the plugin's validated settings (``services.plugin_settings(name)``).
- **Data**: ``OwnedDocuments`` (a user's documents: other users' are 404), ``object_id_or_404``,
  ``as_object_id``,
  ``paginate`` / ``PageQuery`` / ``page_schema`` / ``given`` (cursor pagination), ``read_csv``,
  ``write_csv`` / ``safe_cell`` (exports safe from spreadsheet formula injection), ``send_csv``
  (a raw route's CSV download),
  the marshmallow fields ``Timestamp`` and ``ObjectIdString``.
- **Failing**: the ``AppError`` family; each answers in the JSON envelope with its status.
- **AI**: ``AiTask`` (prompt, output schema, offline answer), ``AiOutput``, ``AiResult``,
  ``AiUnavailable``, and the ``AI_ACTION_COMPLETED`` event the client emits.
- **Events**: ``Event`` (what ``handle_event`` receives), ``UndeclaredEvent``.
- **Mail**: ``Message`` for ``services.mail.send``/``queue``.
- **Fetching a user's URL**: ``services.fetcher`` (``UrlFetcher``) under ``FetchLimits``
  answers a ``FetchedPage`` or raises ``UrlRefused`` / ``FetchFailed``; ``read_html`` reads a
  page into an ``HtmlPage`` (title, meta, JSON-LD, visible text).
- **Text tools** with no domain in them: tokens, a stemmer, BM25, key phrases (``lightninghire.text``).
- **Commands**: ``database_for(services)`` gives a CLI command a usable database.
"""

from __future__ import annotations

from lightninghire.account.users import UserDirectory
from lightninghire.ai import (
    AI_ACTION_COMPLETED,
    AiOutput,
    AiResult,
    AiStream,
    AiTask,
    AiTaskRegistry,
    AiUnavailable,
)
from lightninghire.clock import Clock, recent_weeks, week_key
from lightninghire.csvio import CsvRows, read_csv, safe_cell, send_csv, write_csv
from lightninghire.documents import OwnedDocuments, as_object_id, object_id_or_404
from lightninghire.embedded import database_for
from lightninghire.errors import (
    AppError,
    BadRequest,
    Conflict,
    Forbidden,
    NotFound,
    PaymentRequired,
    RateLimited,
    ServiceUnavailable,
    StartupError,
    Unauthenticated,
    UnsupportedMediaType,
    UpstreamUnavailable,
    ValidationFailed,
)
from lightninghire.events import Event, UndeclaredEvent
from lightninghire.fetch import FetchedPage, FetchFailed, FetchLimits, UrlFetcher, UrlRefused
from lightninghire.fields import ObjectIdString, Timestamp
from lightninghire.hookspecs import hookimpl, hookspec
from lightninghire.http.collection import CollectionResource, Resource
from lightninghire.http.endpoint import Reply, endpoint
from lightninghire.http.pipeline import load, parse_json
from lightninghire.mail import Message
from lightninghire.pagination import PageQuery, given, page_schema, paginate
from lightninghire.phrasing import (
    as_sentence,
    fragment,
    is_clause,
    second_person,
    squash,
)
from lightninghire.registry import (
    CollectionRegistry,
    CommandRegistry,
    PolicyRegistry,
    PreferenceRegistry,
    RouteTable,
    SchemaRegistry,
    TaskRegistry,
    current_plugin,
)
from lightninghire.services import Services
from lightninghire.text import (
    GENERIC,
    STOPWORDS,
    Bm25Index,
    bm25_relative,
    bm25_scores,
    content_words,
    key_phrases,
    keyword_counts,
    sentences,
    shorten,
    stem,
    surface_forms,
    terms,
    words,
)
from lightninghire.webpage import HtmlPage, read_html

__all__ = [
    "AI_ACTION_COMPLETED",
    "GENERIC",
    "STOPWORDS",
    "AiOutput",
    "AiResult",
    "AiStream",
    "AiTask",
    "AiTaskRegistry",
    "AiUnavailable",
    "AppError",
    "BadRequest",
    "Bm25Index",
    "Clock",
    "CollectionRegistry",
    "CollectionResource",
    "CommandRegistry",
    "Conflict",
    "CsvRows",
    "Event",
    "FetchFailed",
    "FetchLimits",
    "FetchedPage",
    "Forbidden",
    "HtmlPage",
    "Message",
    "NotFound",
    "ObjectIdString",
    "OwnedDocuments",
    "PageQuery",
    "PaymentRequired",
    "PolicyRegistry",
    "PreferenceRegistry",
    "RateLimited",
    "Reply",
    "Resource",
    "RouteTable",
    "SchemaRegistry",
    "ServiceUnavailable",
    "Services",
    "StartupError",
    "TaskRegistry",
    "Timestamp",
    "Unauthenticated",
    "UndeclaredEvent",
    "UnsupportedMediaType",
    "UpstreamUnavailable",
    "UrlFetcher",
    "UrlRefused",
    "UserDirectory",
    "ValidationFailed",
    "as_object_id",
    "as_sentence",
    "bm25_relative",
    "bm25_scores",
    "content_words",
    "current_plugin",
    "database_for",
    "endpoint",
    "fragment",
    "given",
    "hookimpl",
    "hookspec",
    "is_clause",
    "key_phrases",
    "keyword_counts",
    "load",
    "object_id_or_404",
    "page_schema",
    "paginate",
    "parse_json",
    "read_csv",
    "read_html",
    "recent_weeks",
    "safe_cell",
    "second_person",
    "send_csv",
    "sentences",
    "shorten",
    "squash",
    "stem",
    "surface_forms",
    "terms",
    "week_key",
    "words",
    "write_csv",
]
