"""The marketing plugin: leads, contact, support and feedback, content, unsubscribe, lead drip.

Hook implementations only; each domain lives in its sub-package. See docs/marketing.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import hookimpl
from lightninghire_plugins.marketing.config import MarketingSettingsSchema
from lightninghire_plugins.marketing.contact.resources import ContactResource
from lightninghire_plugins.marketing.contact.service import CONTACT, ContactService
from lightninghire_plugins.marketing.content.files import KINDS, load_pages
from lightninghire_plugins.marketing.content.resources import (
    AdminContentResource,
    ContentItemResource,
    ContentListResource,
    LessonResource,
)
from lightninghire_plugins.marketing.content.service import CONTENT, ContentService
from lightninghire_plugins.marketing.leads.config import drip_from, magnets_from
from lightninghire_plugins.marketing.leads.downloads import Downloads
from lightninghire_plugins.marketing.leads.resources import DownloadResource, LeadsResource
from lightninghire_plugins.marketing.leads.service import DRIPS, LEADS, LeadService
from lightninghire_plugins.marketing.support.resources import (
    FeedbackResource,
    TeamTicketsResource,
    TicketsResource,
)
from lightninghire_plugins.marketing.support.service import FEEDBACK, TICKETS, SupportService
from lightninghire_plugins.marketing.unsubscribe.resources import UnsubscribeResource
from lightninghire_plugins.marketing.unsubscribe.service import UnsubscribeService

NAME = "marketing"
# Its caps name the tiers the plans plugin declares.
plugin_requires = ("plans",)
plugin_settings = MarketingSettingsSchema
plugin_events = {
    "emits": ("lead.captured", "contact.received", "support.ticket_opened",
              "feedback.received", "mail.unsubscribed"),
    "listens": {"account": ("user.signed_up", "user.deleted")},
}
PRO_LESSONS = "pro_lessons"


def _settings(services: Any) -> dict[str, Any]:
    return services.plugin_settings(NAME)


def _site_url(services: Any) -> str:
    return _settings(services).get("site_url") or services.settings.http.public_url


def _support_address(services: Any) -> str:
    # Without a configured team address, notifications go to the sender's mailbox.
    return _settings(services).get("support_address") or services.settings.mail.sender


def leads_of(services: Any) -> LeadService:
    """The per-app LeadService, shared by the route, the task and the event handler."""
    return services.state("marketing.leads", _build_leads)


def _build_leads(services: Any) -> LeadService:
    settings, site = _settings(services), _site_url(services)
    # Without a download_base_url the API serves the shipped guides itself.
    base = settings.get("download_base_url") or services.settings.http.public_url + "/api"
    magnets = magnets_from(settings, base)
    found = LeadService(services.db, services.mail, services.events, services.clock,
                        magnets, drip_from(settings, site), users=services.users,
                        defer=services.background.defer)
    return found


def _has_pro_lessons(services: Any, user: Mapping[str, Any] | None) -> bool:
    if user is None:
        return False  # anonymous readers get the free lessons
    return services.entitlements.limit(user, PRO_LESSONS) != 0


def _is_priority(services: Any, user: Mapping[str, Any]) -> bool:
    return services.entitlements.is_paid(user)


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    with routes.group(tags="leads"):
        leads = leads_of(services)
        routes.add("/api/leads", LeadsResource(leads))
        routes.add("/api/downloads/{file}",
                   DownloadResource(Downloads(leads.magnets, _site_url(services))))

    support_address = _support_address(services)
    contact = ContactService(services.db, services.mail, services.events, services.clock,
                             support_address)
    routes.add("/api/contact", ContactResource(contact), tags="contact")

    with routes.group(tags="support"):
        support = SupportService(services.db, services.mail, services.events, services.clock,
                                 support_address, lambda user: _is_priority(services, user))
        tickets = TicketsResource(support)
        routes.add_collection("/api/support/tickets", tickets)
        team = TeamTicketsResource(support)
        routes.add_collection("/api/admin/support/tickets", team)
        routes.add("/api/feedback", FeedbackResource(support))

    with routes.group(tags="content"):
        content = ContentService(
            services.db, services.clock, lambda user: _has_pro_lessons(services, user),
            lambda: services.entitlements.hint(services.entitlements.features[PRO_LESSONS]))
        for kind in KINDS:
            listing = ContentListResource(content, kind)
            routes.add(f"/api/{kind}", listing)
            routes.add(f"/api/{kind}/search", listing, suffix="search")
            routes.add(f"/api/{kind}/{{slug}}", ContentItemResource(content, kind))
        routes.add("/api/courses/{slug}/lessons/{lesson}", LessonResource(content))
        admin = AdminContentResource(content)
        routes.add_collection("/api/admin/content", admin)

    unsubscribe = UnsubscribeService(services.mail, services.events,
                                     lambda email, reason: leads_of(services).stop_for(email,
                                                                                       reason))
    routes.add("/api/unsubscribe", UnsubscribeResource(unsubscribe))


@hookimpl
def register_collections(collections: Any) -> None:
    collections.add(LEADS, indexes=[
        IndexModel([("email", ASCENDING), ("source", ASCENDING)], unique=True),
        # The embedded server does not search by the unique compound index: by address it does.
        IndexModel([("email", ASCENDING)]),
        IndexModel([("userId", ASCENDING)]),
        # Only leads whose opt-in answer still waits for the drip (normally for milliseconds).
        IndexModel([("dripPending", ASCENDING), ("updatedAt", ASCENDING)], sparse=True),
    ], owner_field="userId", shard_key="email")  # a lead is found by its address
    collections.add(DRIPS, indexes=[IndexModel([("stoppedAt", ASCENDING), ("nextAt", ASCENDING)])])
    collections.add(CONTACT, indexes=[IndexModel([("createdAt", DESCENDING)]),
                                      IndexModel([("userId", ASCENDING)])],
                    owner_field="userId")
    collections.add(TICKETS, indexes=[IndexModel([("userId", ASCENDING), ("status", ASCENDING)]),
                                      IndexModel([("status", ASCENDING)])],
                    owner_field="userId")
    collections.add(FEEDBACK, indexes=[IndexModel([("kind", ASCENDING)]),
                                       IndexModel([("userId", ASCENDING)])],
                    owner_field="userId")
    collections.add(CONTENT, indexes=[
        IndexModel([("kind", ASCENDING), ("slug", ASCENDING)], unique=True),
        IndexModel([("kind", ASCENDING), ("status", ASCENDING)]),
    ])


@hookimpl
def register_preferences(preferences: Any) -> None:
    preferences.add("emails", "product", default=True)  # product news to members


@hookimpl
def register_policy(policy: Any) -> None:
    policy.add_lines(["p, super_admin, content, write", "p, super_admin, support, admin"])
    # A gate, never counted: free and recruiter_free read free lessons only; paid columns
    # (no line) are unlimited. Caps are p2 lines, so a deployer can open them to everyone.
    policy.add_feature(key=PRO_LESSONS, label="Pro lessons", window="total",
                       limits={"free": 0, "recruiter_free": 0},
                       upgrade_hint="Upgrade to Pro to unlock every lesson of every mini-course.")


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def lead_drip(context: Any = None) -> dict[str, int]:
        """Apply opt-in answers a crash left pending, then send the next step of the lead drip
        to opted-in leads that are due."""
        leads = leads_of(services)
        leads.apply_pending()
        return leads.send_due(limit=_settings(services)["drip_batch"])

    tasks.add("lead-drip", schedule="15 * * * *", run=lead_drip, lease_seconds=300)


@hookimpl
def startup(app: Any, services: Any) -> None:
    counts = ContentService(services.db, services.clock, lambda user: False, str).seed(load_pages())
    services.log.info("marketing: content seeded %s", counts)


@hookimpl
def handle_event(event: Any, services: Any) -> None:
    if event.name == "user.signed_up" and event.user_id:
        email = _user_email(services, event.user_id)
        if email:
            leads_of(services).signed_up(event.user_id, email)
    elif event.name == "user.deleted" and event.payload.get("email"):
        leads_of(services).forget(event.payload["email"])


def _user_email(services: Any, user_id: str) -> str | None:
    user = services.users.get(user_id, ["email"])
    return user["email"] if user else None
