"""``/api/sessions``: live sessions, transcript, conversations, coaching, debrief."""

from __future__ import annotations

from typing import Any

import falcon

from lightninghire import endpoint
from lightninghire.pagination import page_schema
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

TAGS = ["sessions"]


class SessionsResource:
    def __init__(self, service: SessionService) -> None:
        self.service = service

    @endpoint(body=SessionIn, response=SessionOut, status=201, feature="interview_sessions",
              tags=TAGS, description="Free accounts: 10 sessions in all (recruiter free: 20).")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Start a live interview session."""
        return self.service.create(req.context.principal.user_id, req.context.body)

    @endpoint(query=SessionQuery, response=page_schema(SessionOut), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's sessions, newest first."""
        return self.service.list(req.context.principal.user_id, req.context.query)

    @endpoint(response=SessionOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One session with its debrief and speech metrics."""
        return self.service.get(req.context.principal.user_id, id)

    @endpoint(body=SessionPatch, response=SessionOut, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Rename a session, rate yourself, keep notes."""
        return self.service.update(req.context.principal.user_id, id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a session and its transcript."""
        self.service.delete(req.context.principal.user_id, id)
        return {"deleted": True}


class TranscriptResource:
    def __init__(self, service: SessionService) -> None:
        self.service = service

    @endpoint(body=SegmentsIn, response=SegmentsOut, status=201, tags=TAGS)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Append transcript segments (speaker, text, offsets) to a live session."""
        return self.service.append(req.context.principal.user_id, id,
                                   req.context.body["segments"])

    @endpoint(query=TranscriptQuery, raw=True, tags=TAGS,
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


class ConversationsResource:
    def __init__(self, service: SessionService) -> None:
        self.service = service

    @endpoint(tags=TAGS)
    def on_get(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """The question/answer threads detected in a session's transcript."""
        return self.service.conversations(req.context.principal.user_id, id)


class CoachResource:
    def __init__(self, service: SessionService) -> None:
        self.service = service

    @endpoint(body=CoachIn, feature="ai_actions", tags=TAGS,
              description="Without `question`, coaches the last interviewer question of the "
                          "transcript. One AI action.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Coaching for the question just asked: tips, your best story, closing questions."""
        return self.service.coach(req.context.principal.user, id, req.context.body["question"])


class EndResource:
    def __init__(self, service: SessionService) -> None:
        self.service = service

    @endpoint(body=EndIn, response=SessionOut, tags=TAGS,
              description="Not metered: a session already started can always be debriefed.")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """End a session and get its debrief."""
        return self.service.end(req.context.principal.user, id, req.context.body["selfRating"])
