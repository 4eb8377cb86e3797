"""Routes of the seeker pipeline: /api/applications."""

from __future__ import annotations

from typing import Any

from lightninghire import Reply, endpoint
from lightninghire.pagination import page_schema
from lightninghire_plugins.jobsearch.applications.schemas import (
    ActiveOpportunityIn,
    ApplicationBoard,
    ApplicationBulkIn,
    ApplicationIn,
    ApplicationNoteIn,
    ApplicationOut,
    ApplicationPatch,
    ApplicationQuery,
    ApplicationStageIn,
)
from lightninghire_plugins.jobsearch.applications.service import ApplicationService

TAGS = ["applications"]


def _uid(req: Any) -> str:
    return req.context.principal.user_id


class ApplicationsResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(body=ApplicationIn, response=ApplicationOut, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> Reply:
        """Add an application (free: 20 in all); a re-import of the same job returns the
        existing card with ``duplicate: true`` (200) and costs nothing."""
        card = self.service.create(req.context.principal.user, req.context.body)
        return Reply(card, status=200 if card["duplicate"] else 201)

    @endpoint(query=ApplicationQuery, response=page_schema(ApplicationOut), tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's applications, newest first; filter by status, tag, text, activity."""
        return self.service.list(_uid(req), req.context.query)

    @endpoint(response=ApplicationOut, tags=TAGS)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One application with its timeline and notes."""
        return self.service.get(_uid(req), id)

    @endpoint(body=ApplicationPatch, response=ApplicationOut, tags=TAGS)
    def on_patch_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Edit fields; a changed ``status`` is a stage move (recorded in the timeline)."""
        return self.service.update(_uid(req), id, req.context.body)

    @endpoint(tags=TAGS)
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete an application for good (archive it to keep it searchable)."""
        self.service.delete(_uid(req), id)
        return {"id": id, "deleted": True}


class StageResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(body=ApplicationStageIn, response=ApplicationOut, tags=TAGS)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Move an application to a stage, with an optional note."""
        body = req.context.body
        return self.service.move(_uid(req), id, body["status"], body.get("note"))


class NotesResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(body=ApplicationNoteIn, response=ApplicationOut, status=201, tags=TAGS)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Add a note to an application."""
        return self.service.add_note(_uid(req), id, req.context.body["text"])


class BoardResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(response=ApplicationBoard, tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Cards per stage and the active opportunity."""
        return self.service.board(_uid(req))


class BulkResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(body=ApplicationBulkIn, tags=TAGS)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Change the status, add a tag or (un)archive up to 100 applications."""
        return self.service.bulk(_uid(req), req.context.body)


class ActiveResource:
    def __init__(self, service: ApplicationService) -> None:
        self.service = service

    @endpoint(tags=TAGS)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any] | None:
        """The active opportunity (an application), or null."""
        found = self.service.get_active(_uid(req))
        return ApplicationOut().dump(found) if found else None

    @endpoint(body=ActiveOpportunityIn, tags=TAGS)
    def on_put(self, req: Any, resp: Any) -> dict[str, Any]:
        """Make one application the active opportunity (``null`` clears it)."""
        return self.service.set_active(_uid(req), req.context.body["applicationId"])
