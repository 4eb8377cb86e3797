"""``/api/sessions``: live sessions, transcript, conversations, coaching, debrief."""

from __future__ import annotations

from typing import Any

import falcon

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.interview.sessions.schemas import (
    CoachIn,
    EndIn,
    SegmentsIn,
    SegmentsOut,
    SessionIn,
    SessionOut,
    SessionPatch,
    SessionQuery,
    TranscriptQuery,
)
from lightninghire_plugins.interview.sessions.service import SessionService


class SessionsResource(CollectionResource):
    item, create_body, patch_body, list_query = SessionOut, SessionIn, SessionPatch, SessionQuery
    endpoints = {
        "on_post": endpoint(feature="interview_sessions", summary="Start a live interview session.",
                            description="Free accounts: 10 sessions in all (recruiter free: 20)."),
        "on_get": endpoint(summary="The caller's sessions, newest first."),
        "on_get_item": endpoint(summary="One session with its debrief and speech metrics."),
        "on_patch_item": endpoint(summary="Rename a session, rate yourself, keep notes."),
        "on_delete_item": endpoint(summary="Delete a session and its transcript."),
    }


class TranscriptResource(Resource[SessionService]):
    @endpoint(body=SegmentsIn, response=SegmentsOut, status=201)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Append transcript segments (speaker, text, offsets) to a live session."""
        return self.service.append(req.context.principal.user_id, id,
                                   req.context.body["segments"])

    @endpoint(query=TranscriptQuery, raw=True,
              description="`format=json` (default) answers the envelope with `items`; `md` "
                          "and `txt` download the transcript as Markdown or plain text. `q` "
                          "keeps the segments containing that text.")
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """Read or export a session's transcript."""
        query = req.context.query
        doc, rows = self.service.transcript(req.context.principal.user_id, id, query["q"])
        if query["format"] == "json":
            resp.media = {"ok": True, "data": {"items": rows, "segmentCount": len(rows)}}
            return
        markdown = query["format"] == "md"
        resp.content_type = "text/markdown; charset=utf-8" if markdown else falcon.MEDIA_TEXT
        resp.set_header("Content-Disposition",
                        f'attachment; filename="transcript-{id}.{query["format"]}"')
        resp.text = self.service.render(doc, rows, markdown)


class ConversationsResource(Resource[SessionService]):
    @endpoint()
    def on_get(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """The question/answer threads detected in a session's transcript."""
        return self.service.conversations(req.context.principal.user_id, id)


class CoachResource(Resource[SessionService]):
    @endpoint(body=CoachIn, feature="ai_actions",
              description="Without `question`, coaches the last interviewer question of the "
                          "transcript. One AI action.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Coaching for the question just asked: tips, your best story, closing questions."""
        return self.service.coach(req.context.principal.user, id, req.context.body["question"])


class EndResource(Resource[SessionService]):
    @endpoint(body=EndIn, response=SessionOut,
              description="Not metered: a session already started can always be debriefed.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """End a session and get its debrief."""
        return self.service.end(req.context.principal.user, id, req.context.body["selfRating"])
