"""The interview plugin: mock interviews, question bank, STAR stories, live sessions,
scheduled interviews with reminders, and mentorship. Hook implementations only; each domain
lives in its sub-package. See docs/interview.md.
"""

from __future__ import annotations

from typing import Any

from lightninghire.api import hookimpl
from lightninghire_plugins.interview import star
from lightninghire_plugins.interview.analytics.export import MockScoresExport
from lightninghire_plugins.interview.analytics.resources import MockScoresExportResource
from lightninghire_plugins.interview.analytics.stats import COLLECTIONS as ANALYTICS_COLLECTIONS
from lightninghire_plugins.interview.analytics.stats import PracticeStats
from lightninghire_plugins.interview.common import ApplicationRefs
from lightninghire_plugins.interview.groups import resources as group_routes
from lightninghire_plugins.interview.groups.service import COLLECTIONS as GROUP_COLLECTIONS
from lightninghire_plugins.interview.groups.service import GROUP_SHARES, GroupService
from lightninghire_plugins.interview.interviews import resources as interview_routes
from lightninghire_plugins.interview.interviews.service import COLLECTIONS as INTERVIEW_COLLECTIONS
from lightninghire_plugins.interview.interviews.service import InterviewService
from lightninghire_plugins.interview.mentorship import resources as mentor_routes
from lightninghire_plugins.interview.mentorship.service import COLLECTIONS as MENTOR_COLLECTIONS
from lightninghire_plugins.interview.mentorship.service import MentorshipService
from lightninghire_plugins.interview.mock import ai as mock_ai
from lightninghire_plugins.interview.mock import resources as mock_routes
from lightninghire_plugins.interview.mock.service import COLLECTIONS as MOCK_COLLECTIONS
from lightninghire_plugins.interview.mock.service import MOCKS, MockService
from lightninghire_plugins.interview.questions import resources as question_routes
from lightninghire_plugins.interview.questions.service import COLLECTIONS as QUESTION_COLLECTIONS
from lightninghire_plugins.interview.questions.service import QuestionService
from lightninghire_plugins.interview.sessions import ai as session_ai
from lightninghire_plugins.interview.sessions import resources as session_routes
from lightninghire_plugins.interview.sessions.service import COLLECTIONS as SESSION_COLLECTIONS
from lightninghire_plugins.interview.sessions.service import SessionService
from lightninghire_plugins.interview.stories import ai as story_ai
from lightninghire_plugins.interview.stories import resources as story_routes
from lightninghire_plugins.interview.stories.service import COLLECTIONS as STORY_COLLECTIONS
from lightninghire_plugins.interview.stories.service import StoryService

NAME = "interview"
# Its caps name the tiers the plans plugin declares.
plugin_requires = ("plans",)
COLLECTIONS = {**MOCK_COLLECTIONS, **QUESTION_COLLECTIONS, **STORY_COLLECTIONS,
               **SESSION_COLLECTIONS, **INTERVIEW_COLLECTIONS, **MENTOR_COLLECTIONS,
               **GROUP_COLLECTIONS, **ANALYTICS_COLLECTIONS}
# Fields left out of account exports: the calendar feed's token hash is a credential.
PRIVATE_FIELDS = {"interview_calendar_tokens": ("tokenHash",), GROUP_SHARES: ("tokenHash",)}
# Calendar clients poll the feed by its token, readers of a shared group theirs: that lookup
# is what a cluster shards by.
SHARD_KEYS = {"interview_calendar_tokens": "tokenHash", GROUP_SHARES: "tokenHash",
              "interview_question_group_counts": "_id", "interview_practice_stats": "_id",
              "interview_practice_weeks": "_id"}
plugin_events = {"emits": (
    "interview.reminder_due", "interview.mock_completed", "interview.session_started",
    "stories.created", "mentorship.booked", "mentorship.cancelled")}


def domains(services: Any) -> dict[str, Any]:
    """The plugin's per-app services, built once and shared by routes, tasks and hooks."""
    return services.state(NAME, _build)


def _build(services: Any) -> dict[str, Any]:
    db, clock, events, ai = services.db, services.clock, services.events, services.ai
    applications = ApplicationRefs(services)
    # The practice counters are written after the answer (services.background).
    defer = services.background.defer
    questions = QuestionService(db, clock, defer)
    mocks = MockService(db, clock, events, ai, questions, applications, defer)
    stories = StoryService(db, clock, events, ai, applications, defer)
    found = {
        "questions": questions, "mocks": mocks, "stories": stories,
        "sessions": SessionService(db, clock, events, ai, stories.best_match, mocks.average,
                                   applications, defer),
        "interviews": InterviewService(db, clock, events,
                                       services.settings.http.public_url, applications),
        "mentorship": MentorshipService(db, clock, events),
        "groups": GroupService(db, clock, questions, mocks, services.settings.http.public_url),
        "practice": PracticeStats(db, defer),
    }
    return found


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    d = domains(services)
    with routes.group(tags="mock-interview"):
        mocks = mock_routes.MockInterviewsResource(d["mocks"])
        routes.add_collection("/api/mock-interview", mocks)
        routes.add("/api/mock-interview/{id}/answers", mock_routes.MockAnswersResource(d["mocks"]))
        routes.add("/api/mock-interview/{id}/complete", mock_routes.MockCompleteResource(d["mocks"]))

    with routes.group(tags="questions"):
        questions = question_routes.QuestionsResource(d["questions"])
        routes.add_collection("/api/questions", questions)
        groups = group_routes.QuestionGroupsResource(d["groups"], d["questions"])
        routes.add("/api/question-groups", groups)
        routes.add("/api/question-groups/mine", group_routes.OwnGroupsResource(d["groups"]))
        routes.add("/api/question-groups/shared/{token}",
                   group_routes.SharedGroupResource(d["groups"]))
        routes.add("/api/question-groups/{id}", groups, suffix="item")
        routes.add("/api/question-groups/{id}/share", group_routes.GroupShareResource(d["groups"]))
        routes.add("/api/question-groups/{id}/practice",
                   group_routes.GroupPracticeResource(d["groups"]))

    with routes.group(tags="analytics"):
        routes.add("/api/analytics/mock-scores.csv",
                   MockScoresExportResource(MockScoresExport(services.db[MOCKS])))

    with routes.group(tags="stories"):
        stories = story_routes.StoriesResource(d["stories"])
        routes.add_collection("/api/stories", stories)
        routes.add("/api/stories/generate", story_routes.GenerateResource(d["stories"]))
        routes.add("/api/stories/build", story_routes.BuildResource(d["stories"]))
        routes.add("/api/stories/coverage", story_routes.StoryCoverageResource(d["stories"]))

    with routes.group(tags="sessions"):
        sessions = session_routes.SessionsResource(d["sessions"])
        routes.add_collection("/api/sessions", sessions)
        routes.add("/api/sessions/{id}/transcript", session_routes.TranscriptResource(d["sessions"]))
        routes.add("/api/sessions/{id}/conversations",
                   session_routes.ConversationsResource(d["sessions"]))
        routes.add("/api/sessions/{id}/coach", session_routes.CoachResource(d["sessions"]))
        routes.add("/api/sessions/{id}/end", session_routes.EndResource(d["sessions"]))

    with routes.group(tags="interviews"):
        interviews = interview_routes.InterviewsResource(d["interviews"])
        routes.add_collection("/api/interviews", interviews)
        routes.add("/api/interviews/{id}/ics", interview_routes.InterviewIcsResource(d["interviews"]))
        routes.add("/api/interviews/calendar-token",
                   interview_routes.CalendarTokenResource(d["interviews"]))
        routes.add("/api/interviews/calendar/{token}",
                   interview_routes.CalendarFeedResource(d["interviews"]))

    with routes.group(tags="mentorship"):
        mentors = mentor_routes.MentorsResource(d["mentorship"])
        routes.add_collection("/api/mentors", mentors)
        routes.add("/api/mentorship/profile", mentor_routes.ProfileResource(d["mentorship"]))
        slots = mentor_routes.SlotsResource(d["mentorship"])
        routes.add_collection("/api/mentorship/slots", slots)
        bookings = mentor_routes.BookingsResource(d["mentorship"])
        routes.add_collection("/api/mentorship/bookings", bookings)
        routes.add("/api/mentorship/bookings/{id}/cancel",
                   mentor_routes.CancelResource(d["mentorship"]))


@hookimpl
def register_collections(collections: Any) -> None:
    for name, indexes in COLLECTIONS.items():
        collections.add(name, indexes=indexes, owner_field="userId",
                        private_fields=PRIVATE_FIELDS.get(name, ()),
                        shard_key=SHARD_KEYS.get(name))


@hookimpl
def register_ai_tasks(tasks: Any) -> None:
    for task in (star.TASK, *mock_ai.TASKS, *story_ai.TASKS, *session_ai.TASKS):
        tasks.add(task)


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def interview_reminders(context: Any = None) -> dict[str, int]:
        """Emit interview.reminder_due 24 h and 1 h before each scheduled interview."""
        return domains(services)["interviews"].send_reminders()

    tasks.add("interview-reminders", schedule="*/5 * * * *", run=interview_reminders,
              lease_seconds=120)


@hookimpl
def register_policy(policy: Any) -> None:
    # PRODUCT §6.4 / §6.5. Answering, completing and ending are deliberately not metered: an
    # interview already started can be finished when the daily AI budget runs out (§2.1).
    policy.add_feature(key="mock_interviews", label="Mock interviews", window="week",
                       limits={"free": 3}, ai_action=True,
                       upgrade_hint="Upgrade to Pro for unlimited mock interviews.")
    policy.add_feature(key="interview_sessions", label="Interview sessions", window="total",
                       limits={"free": 10, "recruiter_free": 20},
                       upgrade_hint="Upgrade to Pro for unlimited live interview sessions.")
    policy.add_feature(key="star_stories", label="STAR stories", window="total",
                       limits={"free": 5, "recruiter_free": 0, "recruiter_pro": 0},
                       upgrade_hint="Upgrade to Pro for unlimited STAR stories.")
    # Mentors manage their profile and slots; admins grant the role (docs/auth.md).
    policy.add_role("mentor")
    policy.add_lines(["p, mentor, mentorship, manage"])


@hookimpl(optionalhook=True)  # declared by the cron plugin: without it, never called
def cron_analytics_sections(user_id: str, weeks: int, detail: bool,
                            services: Any) -> dict[str, Any] | None:
    """The practice section of the seeker analytics, and the upcoming interviews (the
    reminders of the weekly digest); docs/interview.md."""
    d = domains(services)
    return {"practice": d["practice"].section(user_id, services.clock.now(), weeks, detail),
            "interviews": {"upcoming": d["interviews"].upcoming(user_id, as_text=False)}}


@hookimpl
def user_context(user: dict[str, Any], services: Any) -> dict[str, Any] | None:
    d = domains(services)
    user_id = str(user["_id"])
    return {
        "mockInterviews": d["mocks"].recent(user_id),
        "mockAverage": d["mocks"].average(user_id),
        "stories": [{"title": s["title"], "competencies": s.get("competencies", [])}
                    for s in d["stories"].all(user_id, limit=10)],
        "liveSessions": d["sessions"].recent(user_id),
        "upcomingInterviews": d["interviews"].upcoming(user_id),
    }
