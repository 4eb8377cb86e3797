"""``/api/interviews``: scheduled interviews, ``.ics`` export and the calendar feed."""

from __future__ import annotations

from typing import Any

from lightninghire import endpoint
from lightninghire_plugins.interview.interviews.schemas import (
    FeedOut,
    InterviewIn,
    InterviewOut,
    InterviewPage,
    InterviewPatch,
    InterviewQuery,
)
from lightninghire_plugins.interview.interviews.service import InterviewService

TAGS = ["interviews"]
CALENDAR = "text/calendar; charset=utf-8"


class InterviewsResource:
    def __init__(self, service: InterviewService) -> None:
        self.service = service

    @endpoint(body=InterviewIn, response=InterviewOut, status=201, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Schedule an interview (reminders go out 24 h and 1 h before)."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(query=InterviewQuery, response=InterviewPage, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's interviews in time order (`when`: upcoming, past, all)."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(response=InterviewOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One scheduled interview."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=InterviewPatch, response=InterviewOut, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Change an interview; a new start time re-arms its reminders."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a scheduled interview."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class InterviewIcsResource:
    def __init__(self, service: InterviewService) -> None:
        self.service = service

    @endpoint(raw=True, tags=TAGS)
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """One interview as an ``.ics`` file."""
        resp.text = self.service.ics(req.context.principal.user_id, id)
        resp.content_type = CALENDAR
        resp.set_header("Content-Disposition", f'attachment; filename="interview-{id}.ics"')


class CalendarTokenResource:
    def __init__(self, service: InterviewService) -> None:
        self.service = service

    @endpoint(response=FeedOut, status=201, tags=TAGS,
              description="Answers the secret feed URL once; a new one replaces the old one.")
    def on_post(self, req: Any, resp: Any) -> dict[str, str]:
        """Create (or rotate) your private calendar feed URL."""
        return self.service.rotate_feed(req.context.principal.user_id)

    @endpoint(tags=TAGS)
    def on_delete(self, req: Any, resp: Any) -> dict[str, Any]:
        """Turn your calendar feed off."""
        self.service.revoke_feed(req.context.principal.user_id)
        return {"deleted": True}


class CalendarFeedResource:
    def __init__(self, service: InterviewService) -> None:
        self.service = service

    @endpoint(auth="public", raw=True, rate_limit="120/1h", tags=TAGS,
              description="For calendar apps: the token in the path is the only credential.")
    def on_get(self, req: Any, resp: Any, token: str) -> None:
        """Your interviews as a subscribable calendar feed."""
        resp.text = self.service.feed(token)
        resp.content_type = CALENDAR
