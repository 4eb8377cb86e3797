"""Routes of the seeker pipeline: /api/applications."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Reply, Resource, endpoint
from lightninghire_plugins.jobsearch.applications.auto import FEATURE as AUTO_FEATURE
from lightninghire_plugins.jobsearch.applications.auto import AutoPipeline
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
    AutoPipelineIn,
    AutoPipelineOut,
    BoardQuery,
)
from lightninghire_plugins.jobsearch.applications.service import ApplicationService


class ApplicationsResource(CollectionResource):
    item, patch_body, list_query = ApplicationOut, ApplicationPatch, ApplicationQuery
    delete_echoes_id = True
    endpoints = {
        "on_get": endpoint(summary="The caller's applications, newest first; filter by status, "
                                   "tag, text, activity."),
        "on_get_item": endpoint(summary="One application with its timeline and notes."),
        "on_patch_item": endpoint(summary="Edit fields; a changed ``status`` is a stage move "
                                          "(recorded in the timeline)."),
        "on_delete_item": endpoint(summary="Delete an application for good (archive it to keep "
                                           "it searchable)."),
    }

    @endpoint(body=ApplicationIn, response=ApplicationOut)
    def on_post(self, req: Any, resp: Any) -> Reply:
        """Add an application (free: 20 in all); a re-import of the same job returns the
        existing card with ``duplicate: true`` (200) and costs nothing."""
        card = self.service.create(req.context.principal.user, req.context.body)
        return Reply(card, status=200 if card["duplicate"] else 201)


class StageResource(Resource[ApplicationService]):
    @endpoint(body=ApplicationStageIn, response=ApplicationOut)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Move an application to a stage, with an optional note."""
        body = req.context.body
        return self.service.move(self.owner(req), id, body["status"], body.get("note"))


class NotesResource(Resource[ApplicationService]):
    @endpoint(body=ApplicationNoteIn, response=ApplicationOut, status=201)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Add a note to an application."""
        return self.service.add_note(self.owner(req), id, req.context.body["text"])


class BoardResource(Resource[ApplicationService]):
    @endpoint(query=BoardQuery, response=ApplicationBoard,
              summary="The board: a column per stage with its count and newest cards.",
              description="Each column holds its `count` and its newest `limit` cards (default "
                          "10, at most 50) with `nextCursor`; `status` + `cursor` page through "
                          "one column. Archived cards are off the board.")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        return self.service.board(self.owner(req), req.context.query)


class BulkResource(Resource[ApplicationService]):
    @endpoint(body=ApplicationBulkIn)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Change the status, add a tag or (un)archive up to 100 applications."""
        return self.service.bulk(self.owner(req), req.context.body)


class ActiveResource(Resource[ApplicationService]):
    @endpoint()
    def on_get(self, req: Any, resp: Any) -> dict[str, Any] | None:
        """The active opportunity (an application), or null."""
        found = self.service.get_active(self.owner(req))
        return ApplicationOut().dump(found) if found else None

    @endpoint(body=ActiveOpportunityIn)
    def on_put(self, req: Any, resp: Any) -> dict[str, Any]:
        """Make one application the active opportunity (``null`` clears it)."""
        return self.service.set_active(self.owner(req), req.context.body["applicationId"])


AUTO_DESCRIPTION = (
    "A posting, pasted (`text`) or fetched from its `url`, becomes an application card, a "
    "tailored-resume suggestion (your newest master resume, or `resumeId`) and an outreach "
    "draft, in one action: 201, or 200 with `duplicate: true` when the URL's card exists. The "
    "URL is fetched safely: http(s) only, public addresses only (unless the deployment's "
    "`fetch.allow_networks` lists them), every redirect checked, size and time limits. A "
    "refused URL is a 400 `URL_REFUSED`, a page that cannot be read a 422 `FETCH_FAILED`; "
    "neither, nor a 400 for empty input, spends the unit. The card is stored first: a failed "
    "tailoring or draft becomes a `notes` entry and the card stays.")


class AutoPipelineResource(Resource[AutoPipeline]):
    @endpoint(body=AutoPipelineIn, response=AutoPipelineOut, feature=AUTO_FEATURE, status=201,
              summary="Auto-pipeline (free: 1): a posting in, the card, a tailored resume and "
                      "an outreach draft out.", description=AUTO_DESCRIPTION)
    def on_post(self, req: Any, resp: Any) -> Reply:
        result = self.service.run(req.context.principal.user, req.context.body)
        return Reply(result, status=200 if result["application"]["duplicate"] else 201)
