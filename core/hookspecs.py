"""Every hook a LightningHire plugin can implement.

One function per hook, typed, with a docstring that says when it is called and what to return
(the shape of Datasette's ``hookspecs.py``). An implementation may accept any subset of a hook's
parameters, by name. ``docs/plugins.md`` describes each hook for plugin authors; a test fails when
a hook here is missing there.

pluggy calls every hook: among implementations without ``tryfirst``/``trylast`` the first plugin
of the enabled list is called first (and wins a ``firstresult`` hook); the core's defaults are
``trylast``; hook wrappers run around the rest (docs/plugins.md, "Hooks"). Registration hooks
(``register_*``) are called once while ``create_app`` builds the application; what they register
is owned by the plugin whose implementation ran, so a clash (two plugins claiming one route or
collection) stops startup naming both. A hook that one plugin offers the others is declared by
that plugin (``plugin_hookspecs``), not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:  # imported for annotations only: hookspecs must stay import-cheap
    import falcon

    from lightninghire.ai import AiTaskRegistry
    from lightninghire.events import Event
    from lightninghire.http.auth import Authenticator
    from lightninghire.registry import (
        CollectionRegistry,
        CommandRegistry,
        PolicyRegistry,
        PreferenceRegistry,
        RouteTable,
        SchemaRegistry,
        TaskRegistry,
    )
    from lightninghire.services import Services

PROJECT = "lightninghire"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def register_routes(routes: RouteTable, services: Services) -> None:
    """Add the plugin's resources under ``/api/...``.

    Called once while the app is built. Call ``routes.add(path, resource, **defaults)``; each
    responder's options (auth, permission, feature, rate limit, body/query/response schemas) come
    from its ``@endpoint(...)`` decorator, falling back to the ``defaults``. Build resources with
    the ``services`` they need (constructor injection), never by reaching for globals.
    """


@hookspec
def register_schemas(spec: SchemaRegistry) -> None:
    """Name marshmallow schemas for the OpenAPI document.

    Schemas used by ``@endpoint`` are added automatically; use ``spec.add(name, schema)`` for
    schemas that only appear nested, or to give one a stable public name.
    """


@hookspec
def register_collections(collections: CollectionRegistry) -> None:
    """Declare the plugin's MongoDB collections and their indexes.

    ``collections.add(name, indexes=[IndexModel(...)], owner_field="userId")``. Indexes are
    created idempotently at startup. ``owner_field`` names the field that holds the owning user's
    id: account export and deletion use it to find a user's documents in every enabled plugin.
    """


@hookspec
def register_tasks(tasks: TaskRegistry, services: Services) -> None:
    """Declare scheduled tasks: ``tasks.add(name, schedule="0 * * * *", run=fn, lease_seconds=300)``.

    ``schedule`` is a five-field cron expression (UTC). ``run(context)`` does one bounded batch and
    returns counts; the core's task runner holds a lease so one run happens at a time across
    workers and hosts.
    """


@hookspec
def register_ai_tasks(tasks: AiTaskRegistry, services: Services) -> None:
    """Declare the plugin's AI tasks: ``tasks.add(AiTask(name="plugin.task", ...))``.

    Called once while the app is built, before ``register_routes``. A task names a prompt
    builder, a marshmallow output schema and an ``offline(inputs)`` implementation that answers
    usefully with no network (the default when no provider key is configured). Run one with
    ``services.ai.run("plugin.task", inputs, user=user)``. Two plugins registering one name
    stop startup naming both.
    """


@hookspec
def register_policy(policy: PolicyRegistry, services: Services) -> None:
    """Contribute Casbin policy lines, entitlement features and plans as data.

    ``policy.add_lines(["p, <role>, stories, write"])`` grants route permissions to roles;
    ``policy.add_feature(key=..., label=..., limits={tier: n | None}, window="week", ...)`` declares
    a metered feature; ``policy.add_tier``, ``add_user_type``, ``add_role``, ``add_caps``,
    ``add_cap_bypass``, ``set_plan_names``, ``set_self_hosted_hint`` and ``sells_plans`` declare
    the plans (docs/policy.md). A deployer's policy file is applied after every plugin's lines.
    """


@hookspec
def register_authenticators(authenticators: dict[str, Authenticator], services: Services) -> None:
    """Provide how requests prove who they are, per auth mode (``session``, ``api_key``, ``cron``).

    Set ``authenticators[mode] = obj`` where ``obj.authenticate(req)`` returns a ``Principal``,
    ``None`` when the request carries no credentials of that mode, or raises ``Unauthenticated``.
    The core provides ``cron`` and its account part ``session`` and ``api_key``; a plugin may
    replace one (for example single sign-on sessions). Called before ``register_routes``.
    """


@hookspec
def register_commands(commands: CommandRegistry) -> None:
    """Add sub-commands to the ``lightninghire`` CLI.

    ``commands.add(name, help, configure=fn(parser), run=fn(args, services) -> int)``. A command
    runs with the same services the app uses.
    """


@hookspec(firstresult=True)
def entitlement_facts(user: dict[str, Any], services: Services) -> dict[str, Any] | None:
    """Tell the entitlement engine what a plugin that sells plans knows of a user, or ``None``
    to let another plugin answer (the first answer wins).

    Keys (all optional): ``tier`` (a declared tier; overrides the tier stored on the user),
    ``creditBalance`` (a balance above 0 lifts caps where a ``credit_balance`` cap bypass is
    declared), ``subscriptionStatus``, ``currentPeriodEnd``, and ``validUntil``: the moment
    time alone would change this answer (a cancelled period's end, a grace period's end). The
    answer is cached per process until then, until ``services.invalidation.invalidate(user_id)``
    (call it after every write that changes these facts), or for
    ``auth.principal_cache_seconds``, whichever comes first. Without any implementation, the
    user's stored tier (set by an admin or the CLI) rules and the credit balance is 0.
    """


@hookspec
def register_preferences(preferences: PreferenceRegistry) -> None:
    """Declare the user preferences this plugin honours (the mails and notices it sends).

    ``preferences.add("notifications", "bookingChanges", default=True)``. ``GET /api/settings``
    shows every declared preference in its group, ``PATCH /api/settings`` accepts exactly
    those; identical declarations from several plugins merge.
    """


@hookspec
def load_sample_data(user: dict[str, Any], services: Services) -> dict[str, Any] | None:
    """Load this plugin's sample data for ``lightninghire demo`` (and ``serve --demo``).

    ``user`` is the demo user (the default user type, on a tier with every feature open). Load
    small, realistic data a newcomer can explore (shared data, and the demo user's own
    documents), idempotently: a second run updates, never duplicates. Return counts to print
    (``{"greetings": 3}``) or ``None``.
    """


@hookspec
def startup(app: falcon.App, services: Services) -> None:
    """Called once after the app is built and the collections exist, before it serves."""


@hookspec
def shutdown(app: falcon.App, services: Services) -> None:
    """Called once when the process stops serving (worker exit, test teardown). Release resources."""


@hookspec
def handle_event(event: Event, services: Services) -> None:
    """React to a domain event (``user.signed_up``, ``user.deleted``, a plugin's own).

    Called for every event emitted through ``services.events.emit``, in every enabled plugin.
    Check ``event.name`` and return quickly; errors are logged and do not reach the emitter.
    Use ``handle_event_deferred`` for work the emitter's answer does not need.
    """


@hookspec
def handle_event_deferred(event: Event, services: Services) -> None:
    """React to a domain event after the emitter's request has answered.

    Same events as ``handle_event``, delivered on the process's background worker
    (``services.background``), in order. For bookkeeping that must not slow the request
    (activity, counters). Runs at most once; a crash of the process can lose the
    deferred deliveries not yet run, so never rely on it for anything that must not be lost
    (persist that in the request, and let a task finish it).
    """


@hookspec
def user_context(user: dict[str, Any], services: Services) -> dict[str, Any] | None:
    """Return this plugin's slice of a user's data for AI prompts and RAG chat, or ``None``.

    Return a small JSON-ready dict keyed by what it is (``{"applications": [...]}``). Only ever
    read the given user's own documents.
    """


@hookspec(firstresult=True)
def user_document(user: dict[str, Any], document_id: str,
                  services: Services) -> dict[str, Any] | None:
    """Return one of this user's own documents by id, in full, or ``None``.

    Answer ``{"kind": str, "title": str | None, "text": str}`` where ``text`` is the document's
    whole free text (its stored body, not a summary of its fields);
    ``None`` when the id is not one of yours or not this user's. Tools that grade a document
    named by id (``{"id": ...}`` in a request) read it through this hook; ``user_context`` stays
    a small digest. The first answer wins.
    """
