"""``/api/interviews``: scheduled interviews, ``.ics`` export and the calendar feed."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.interview.interviews.schemas import (
    FeedOut,
    InterviewIn,
    InterviewOut,
    InterviewPage,
    InterviewPatch,
    InterviewQuery,
)
from lightninghire_plugins.interview.interviews.service import InterviewService

CALENDAR = "text/calendar; charset=utf-8"


class InterviewsResource(CollectionResource):
    item, create_body, patch_body, list_query = InterviewOut, InterviewIn, InterviewPatch, InterviewQuery
    endpoints = {
        "on_post": endpoint(summary="Schedule an interview (reminders go out 24 h and 1 h before)."),
        # Time order, not newest first: a page of its own shape.
        "on_get": endpoint(response=InterviewPage, summary="The caller's interviews in time order "
                                                           "(`when`: upcoming, past, all)."),
        "on_get_item": endpoint(summary="One scheduled interview."),
        "on_patch_item": endpoint(summary="Change an interview; a new start time re-arms its "
                                          "reminders."),
        "on_delete_item": endpoint(summary="Delete a scheduled interview."),
    }


class InterviewIcsResource(Resource[InterviewService]):
    @endpoint(raw=True)
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """One interview as an ``.ics`` file."""
        resp.text = self.service.ics(req.context.principal.user_id, id)
        resp.content_type = CALENDAR
        resp.set_header("Content-Disposition", f'attachment; filename="interview-{id}.ics"')


class CalendarTokenResource(Resource[InterviewService]):
    @endpoint(response=FeedOut, status=201,
              description="Answers the secret feed URL once; a new one replaces the old one.")
    def on_post(self, req: Any, resp: Any) -> dict[str, str]:
        """Create (or rotate) your private calendar feed URL."""
        return self.service.rotate_feed(req.context.principal.user_id)

    @endpoint()
    def on_delete(self, req: Any, resp: Any) -> dict[str, Any]:
        """Turn your calendar feed off."""
        self.service.revoke_feed(req.context.principal.user_id)
        return {"deleted": True}


class CalendarFeedResource(Resource[InterviewService]):
    @endpoint(auth="public", raw=True, rate_limit="120/1h",
              description="For calendar apps: the token in the path is the only credential.")
    def on_get(self, req: Any, resp: Any, token: str) -> None:
        """Your interviews as a subscribable calendar feed."""
        resp.text = self.service.feed(token)
        resp.content_type = CALENDAR
