"""The ai_tools plugin: deep evaluation (analyze), RAG chat, the aggregated user context, the
salary negotiation / offer comparison / cover letter tools, and negotiation feedback.

Hook implementations only; each domain lives in its sub-package. Other domains' data arrives
only through the ``user_context`` hook. See docs/ai_tools.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import hookimpl
from lightninghire_plugins.ai_tools import summarize
from lightninghire_plugins.ai_tools.analyze import tasks as analyze_tasks
from lightninghire_plugins.ai_tools.analyze.resources import AnalyzeResource
from lightninghire_plugins.ai_tools.analyze.service import EVALUATIONS, AnalyzeService
from lightninghire_plugins.ai_tools.chat import tasks as chat_tasks
from lightninghire_plugins.ai_tools.chat.embeddings import (
    CACHE_DAYS,
    EMBEDDINGS,
    Embedder,
)
from lightninghire_plugins.ai_tools.chat.resources import ChatResource, ConversationsResource
from lightninghire_plugins.ai_tools.chat.service import CONVERSATIONS, MESSAGES, ChatService
from lightninghire_plugins.ai_tools.config import AiToolsSettingsSchema
from lightninghire_plugins.ai_tools.context.resources import ContextResource
from lightninghire_plugins.ai_tools.context.service import ContextService
from lightninghire_plugins.ai_tools.tools import cover_letter, feedback, negotiation, offers
from lightninghire_plugins.ai_tools.tools.resources import (
    CoverLetterResource,
    FeedbackResource,
    NegotiationResource,
    OfferComparisonResource,
    RunsResource,
)
from lightninghire_plugins.ai_tools.tools.service import FEEDBACK, RUNS, ToolsService

NAME = "ai_tools"
# Its caps name the tiers the plans plugin declares.
plugin_requires = ("plans",)
plugin_settings = AiToolsSettingsSchema
# The onboarding fields live under the user's ``profile`` (``PATCH /api/me {"profile": …}``).
PROFILE_FIELDS = ("currentRole", "searchStatus", "targetRoles", "dreamCompanies",
                  "timeline", "minSalary", "targetSalary", "activeOpportunityId")
AI_TASKS = (analyze_tasks.TASK, chat_tasks.TASK, negotiation.TASK, offers.TASK,
            cover_letter.TASK, feedback.TASK, summarize.TASK)
# Seeker-only tools: closed to recruiter accounts (PRODUCT §6.5).
SEEKER_ONLY = {"recruiter_free": 0, "recruiter_pro": 0}


def _context(services: Any) -> ContextService:
    settings = services.plugin_settings(NAME)
    return ContextService(services, settings["context_max_chars"])


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    context = _context(services)
    analyze = AnalyzeResource(AnalyzeService(services.db, services.ai, services.clock, context))
    routes.add_collection("/api/analyze", analyze)

    settings = services.plugin_settings(NAME)
    embedder = Embedder(services.db, services.ai, services.clock,
                        settings["embedding_model"] or "", settings["embedding_timeout_seconds"])
    chat_service = ChatService(services.db, services.ai, services.clock, context,
                               settings["chat_top_k"], embedder,
                               settings["embedding_min_similarity"])
    chat = ChatResource(chat_service)
    routes.add("/api/chat", chat)
    routes.add("/api/chat/stream", chat, suffix="stream")
    conversations = ConversationsResource(chat_service)
    routes.add_collection("/api/chat/conversations", conversations)

    routes.add("/api/context", ContextResource(context))

    tools = ToolsService(services.db, services.ai, services.clock, context)
    routes.add("/api/tools/negotiation", NegotiationResource(tools))
    routes.add("/api/tools/offer-comparison", OfferComparisonResource(tools))
    routes.add("/api/tools/cover-letter", CoverLetterResource(tools))
    runs = RunsResource(tools.owned_runs)
    routes.add_collection("/api/tools/runs", runs)
    routes.add("/api/negotiate-feedback", FeedbackResource(tools))


@hookimpl
def register_ai_tasks(tasks: Any) -> None:
    for task in AI_TASKS:
        tasks.add(task)


@hookimpl
def register_collections(collections: Any) -> None:
    by_owner = [IndexModel([("userId", ASCENDING), ("createdAt", DESCENDING)])]
    collections.add(EVALUATIONS, indexes=by_owner, owner_field="userId")
    collections.add(CONVERSATIONS, indexes=[IndexModel([("userId", ASCENDING),
                                                        ("updatedAt", DESCENDING)])],
                    owner_field="userId")
    collections.add(MESSAGES, indexes=[IndexModel([("userId", ASCENDING),
                                                   ("conversationId", ASCENDING)])],
                    owner_field="userId")
    collections.add(RUNS, indexes=[IndexModel([("userId", ASCENDING), ("kind", ASCENDING)])],
                    owner_field="userId")
    collections.add(FEEDBACK, indexes=by_owner, owner_field="userId")
    # Cached passage vectors: found by owner and hash, dropped after CACHE_DAYS.
    collections.add(EMBEDDINGS, indexes=[
        IndexModel([("userId", ASCENDING), ("hash", ASCENDING)]),
        IndexModel([("createdAt", ASCENDING)], expireAfterSeconds=CACHE_DAYS * 86_400)],
        owner_field="userId")


@hookimpl
def register_policy(policy: Any) -> None:
    policy.add_feature(key="deep_evaluation", label="Deep evaluation", window="total",
                       limits={"free": 1}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited deep evaluations.")
    policy.add_feature(key="ai_chat", label="AI chat", window="day", limits={"free": 5},
                       ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited AI chat.")
    policy.add_feature(key="negotiation_coach", label="Negotiation coach", window="total",
                       limits={"free": 1, **SEEKER_ONLY}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited negotiation coaching.")
    policy.add_feature(key="offer_comparison", label="Offer comparison", window="total",
                       limits={"free": 1, **SEEKER_ONLY}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited offer comparisons.")
    policy.add_feature(key="cover_letters", label="Cover letters", window="total",
                       limits={"free": 2, **SEEKER_ONLY}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited cover letters.")
    # Not capped by itself (PRODUCT has no line for it), but it calls the model: it spends
    # the daily AI-action budget like every other AI feature.
    policy.add_feature(key="negotiation_feedback", label="Negotiation feedback",
                       window="total", limits={"free": None}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited AI actions.")


@hookimpl
def user_context(user: Mapping[str, Any], services: Any) -> dict[str, Any] | None:
    """The profile, recent evaluations and negotiation lessons: what later drafts learn from."""
    user_id = str(user["_id"])
    stored = user.get("profile") or {}
    profile = {key: stored[key] for key in PROFILE_FIELDS if stored.get(key) not in (None, "", [])}
    if user.get("name"):
        profile = {"name": user["name"], **profile}
    context = _context(services)
    slice_: dict[str, Any] = {}
    if profile:
        slice_["profile"] = profile
    evaluations = AnalyzeService(services.db, services.ai, services.clock, context).recent(user_id)
    if evaluations:
        slice_["evaluations"] = evaluations
    lessons = ToolsService(services.db, services.ai, services.clock, context).recent_feedback(
        user_id)
    if lessons:
        slice_["negotiationFeedback"] = lessons
    return slice_ or None
