"""The outreach plugin: contacts, outreach messages and email, templates, notifications.

Hook implementations only; each domain lives in its sub-package. See docs/outreach.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import hookimpl
from lightninghire_plugins.outreach.common import NAME, Users, iso
from lightninghire_plugins.outreach.config import OutreachSettingsSchema
from lightninghire_plugins.outreach.contacts.resources import (
    ContactImportResource,
    ContactsResource,
)
from lightninghire_plugins.outreach.contacts.schemas import (
    ContactInSchema,
    ContactPatchSchema,
    ContactSchema,
)
from lightninghire_plugins.outreach.contacts.service import CONTACTS, ContactService
from lightninghire_plugins.outreach.contacts.service import FEATURE as CONTACTS_FEATURE
from lightninghire_plugins.outreach.messages.drafting import DRAFT_TASK
from lightninghire_plugins.outreach.messages.quota import INDEXES as SEND_INDEXES
from lightninghire_plugins.outreach.messages.quota import SENDS, DailySends, daily_limits
from lightninghire_plugins.outreach.messages.resources import MessagesResource, SendResource
from lightninghire_plugins.outreach.messages.schemas import MessageSchema
from lightninghire_plugins.outreach.messages.service import FEATURE as MESSAGES_FEATURE
from lightninghire_plugins.outreach.messages.service import MESSAGES, MessageService
from lightninghire_plugins.outreach.notifications.events import LISTENS, notify_from_event
from lightninghire_plugins.outreach.notifications.resources import (
    NotificationsResource,
    ReadAllResource,
    UnreadCountResource,
)
from lightninghire_plugins.outreach.notifications.schemas import NotificationSchema
from lightninghire_plugins.outreach.notifications.service import (
    NOTIFICATIONS,
    NotificationService,
)
from lightninghire_plugins.outreach.tasks import SCHEDULE, TASK, dispatch
from lightninghire_plugins.outreach.templates.resources import (
    PreviewResource,
    SystemTemplatesResource,
    TemplatesResource,
)
from lightninghire_plugins.outreach.templates.schemas import TemplateSchema
from lightninghire_plugins.outreach.templates.service import FEATURE as TEMPLATES_FEATURE
from lightninghire_plugins.outreach.templates.service import TEMPLATES, TemplateService

plugin_settings = OutreachSettingsSchema
plugin_events = {
    "emits": ("outreach.sent", "outreach.replied", "outreach.follow_up_due"),
    "listens": LISTENS,
}


@dataclass
class Outreach:
    contacts: ContactService
    templates: TemplateService
    notifications: NotificationService
    messages: MessageService


def outreach_of(services: Any) -> Outreach:
    """The per-app services, shared by routes, the task and the event and context hooks."""
    return services.state(NAME, _build)


def _build(services: Any) -> Outreach:
    db, clock, settings = services.db, services.clock, services.plugin_settings(NAME)
    users = Users(services.users)
    # The entitlement engine is set after plugins register: look it up at call time.
    contacts = ContactService(
        db[CONTACTS], clock,
        lambda user: services.entitlements.consume(user, CONTACTS_FEATURE))
    templates = TemplateService(db[TEMPLATES], clock)
    notifications = NotificationService(db[NOTIFICATIONS], clock, users,
                                        timedelta(days=settings["notification_days"]))
    # The user's column of the limits table, billing included (looked up at call time).
    quota = DailySends(db[SENDS], clock, daily_limits(settings.get("daily_sends")),
                       lambda user: services.entitlements.facts_for(user).limit_tier)
    messages = MessageService(db[MESSAGES], clock, services.ai, services.mail,
                              services.events, contacts, templates, notifications, users,
                              quota, follow_up_overrides=settings.get("follow_up_days"))
    return Outreach(contacts, templates, notifications, messages)


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    o = outreach_of(services)
    with routes.group(tags="contacts"):
        contacts = ContactsResource(o.contacts)
        routes.add("/api/contacts", contacts)
        routes.add("/api/contacts/import", ContactImportResource(o.contacts))
        routes.add("/api/contacts/{id}", contacts, suffix="item")

    messages, send = MessagesResource(o.messages), SendResource(o.messages)
    for base in ("/api/outreach", "/api/messages"):  # the seed's "outreach / messages"
        routes.add(base, messages)
        routes.add(f"{base}/{{id}}", messages, suffix="item")
        routes.add(f"{base}/{{id}}/send", send)

    with routes.group(tags="templates"):
        templates = TemplatesResource(o.templates)
        routes.add("/api/templates", templates)
        routes.add("/api/templates/system", SystemTemplatesResource(o.templates))
        routes.add("/api/templates/preview", PreviewResource(o.templates, o.contacts.owned.find))
        routes.add("/api/templates/{id}", templates, suffix="item")

    with routes.group(tags="notifications"):
        notifications = NotificationsResource(o.notifications)
        routes.add("/api/notifications", notifications)
        routes.add("/api/notifications/unread-count", UnreadCountResource(o.notifications))
        routes.add("/api/notifications/read-all", ReadAllResource(o.notifications))
        routes.add("/api/notifications/{id}", notifications, suffix="item")


@hookimpl
def register_schemas(spec: Any) -> None:
    # Prefixed: "Message" and "Contact" alone are generic names other plugins use too.
    spec.add("OutreachContact", ContactSchema)
    spec.add("OutreachContactIn", ContactInSchema)
    spec.add("OutreachContactPatch", ContactPatchSchema)
    spec.add("OutreachMessage", MessageSchema)
    spec.add("OutreachTemplate", TemplateSchema)
    spec.add("OutreachNotification", NotificationSchema)


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(CONTACTS, indexes=[
        IndexModel([("userId", ASCENDING), ("updatedAt", DESCENDING)]),
        IndexModel([("userId", ASCENDING), ("emailLower", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("nextFollowUpAt", ASCENDING)]),
    ], owner_field="userId")
    collections.add(MESSAGES, indexes=[
        IndexModel([("userId", ASCENDING), ("status", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("contactId", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("scheduledAt", ASCENDING)]),
        IndexModel([("status", ASCENDING), ("followUpAt", ASCENDING)]),
    ], owner_field="userId")
    collections.add(TEMPLATES, indexes=[IndexModel([("userId", ASCENDING)])],
                    owner_field="userId")
    collections.add(NOTIFICATIONS, indexes=[
        IndexModel([("userId", ASCENDING), ("read", ASCENDING)]),
        # The purge; reads filter on expiresAt themselves (service.py).
        IndexModel([("expiresAt", ASCENDING)], expireAfterSeconds=0),
    ], owner_field="userId")
    collections.add(SENDS, indexes=SEND_INDEXES, owner_field="userId")


# Its caps name the tiers the plans plugin declares.
plugin_requires = ("plans",)


@hookimpl
def register_preferences(preferences: Any) -> None:
    # The notification centre: one toggle per kind of notice it shows (events.py, messages).
    for key in ("interviewReminders", "bookingChanges", "digestReady", "billing",
                "outreachFollowUps"):
        preferences.add("notifications", key, default=True)


@hookimpl
def register_policy(policy: Any) -> None:
    # PRODUCT §5.2: recruiters get copy-only drafts, no in-app sending.
    policy.add_lines(["p, jobseeker, outreach, send"])
    policy.add_feature(key=CONTACTS_FEATURE, label="Contacts", window="total",
                       limits={"free": 15},
                       upgrade_hint="Upgrade to Pro for unlimited contacts.")
    policy.add_feature(key=MESSAGES_FEATURE, label="Outreach messages", window="total",
                       limits={"free": 2}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited outreach messages.")
    policy.add_feature(key=TEMPLATES_FEATURE, label="Email templates", window="total",
                       limits={"free": 3},
                       upgrade_hint="Upgrade to Pro for unlimited email templates.")


@hookimpl
def register_ai_tasks(tasks: Any) -> None:
    tasks.add(DRAFT_TASK)


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def run(context: Any = None) -> dict[str, int]:
        """Send scheduled outreach, follow the mail outbox, remind of due follow-ups."""
        batch = services.plugin_settings(NAME)["batch"]
        return dispatch(outreach_of(services).messages, batch)

    tasks.add(TASK, schedule=SCHEDULE, run=run, lease_seconds=300)


@hookimpl
def startup(services: Any) -> None:
    # Notifications stored before they expired get a lifetime; a no-op afterwards.
    outreach_of(services).notifications.backfill_expiry()


@hookimpl
def handle_event(event: Any, services: Any) -> None:
    notify_from_event(event, outreach_of(services).notifications)


@hookimpl
def user_context(user: Any, services: Any) -> dict[str, Any] | None:
    o = outreach_of(services)
    user_id = str(user["_id"])
    contacts = [{"name": c["name"], "company": c.get("company"), "title": c.get("title"),
                 "contactType": c.get("contactType"), "warmth": c.get("warmth"),
                 "tags": c.get("tags") or [], "lastContactedAt": iso(c.get("lastContactedAt")),
                 "nextFollowUpAt": iso(c.get("nextFollowUpAt"))}
                for c in o.contacts.recent(user_id, 20)]
    outreach = [{"contactName": m["contactName"], "purpose": m["purpose"],
                 "channel": m["channel"], "status": m["status"], "subject": m.get("subject"),
                 "sentAt": iso(m.get("sentAt")), "followUpAt": iso(m.get("followUpAt"))}
                for m in o.messages.recent(user_id, 10)]
    if not contacts and not outreach:
        return None
    return {"contacts": contacts, "recentOutreach": outreach}
