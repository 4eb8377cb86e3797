"""Routes of /api/candidates (recruiter role required)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import BadRequest, CollectionResource, Resource, endpoint
from lightninghire_plugins.jobsearch.candidates.schemas import (
    CandidateImportQuery,
    CandidateIn,
    CandidateNoteIn,
    CandidateOut,
    CandidatePatch,
    CandidateQuery,
    CandidateStageIn,
    RubricScoreIn,
    ScorecardIn,
)
from lightninghire_plugins.jobsearch.candidates.service import CandidateService

READ, WRITE = "candidates:read", "candidates:write"


class CandidatesResource(CollectionResource):
    item, create_body, patch_body, list_query = (CandidateOut, CandidateIn, CandidatePatch,
                                                 CandidateQuery)
    with_user = ("on_post",)
    endpoints = {
        "on_post": endpoint(permission=WRITE, summary="Add a candidate to your pool or a role "
                                                      "(recruiter free: 75 in all, 25 per role)."),
        "on_get": endpoint(permission=READ, summary="Your candidates; filter by role, stage, "
                                                    "source or name."),
        "on_get_item": endpoint(permission=READ, summary="One candidate with history, notes, "
                                                         "scorecards and the cached fit score."),
        "on_patch_item": endpoint(permission=WRITE, summary="Edit a candidate's profile (a "
                                                            "changed profile marks the fit score "
                                                            "stale)."),
    }


class StageResource(Resource[CandidateService]):
    @endpoint(body=CandidateStageIn, response=CandidateOut, permission=WRITE)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Move a candidate to a stage (appended to the immutable history)."""
        return self.service.move(self.owner(req), id, req.context.body["stage"])


class NotesResource(Resource[CandidateService]):
    @endpoint(body=CandidateNoteIn, response=CandidateOut, status=201, permission=WRITE)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Add a note."""
        return self.service.add_note(self.owner(req), id, req.context.body["text"])


class ScorecardsResource(Resource[CandidateService]):
    @endpoint(body=ScorecardIn, response=CandidateOut, status=201, permission=WRITE)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Submit a scorecard: overall 1-5, recommendation, competencies 1-5, notes."""
        return self.service.add_scorecard(req.context.principal.user, id, req.context.body)


class RubricScoresResource(Resource[CandidateService]):
    @endpoint(body=RubricScoreIn, response=CandidateOut, status=201, permission=WRITE)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Record a rubric score (level 1-4) for one interview question."""
        return self.service.add_rubric_score(self.owner(req), id, req.context.body)


class FitScoreResource(Resource[CandidateService]):
    @endpoint(permission=READ)
    def on_get(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """The cached fit score (viewing is free)."""
        return self.service.cached_fit(self.owner(req), id)

    @endpoint(permission=WRITE, feature="fit_scores")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Generate or regenerate the fit score for the candidate's role (1 AI action)."""
        return self.service.fit_score(req.context.principal.user, id)


class ImportResource(Resource[CandidateService]):
    @endpoint(query=CandidateImportQuery, raw_body=True, permission=WRITE)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Bulk import candidates from a CSV body (partial success, per-row errors)."""
        try:
            text = req.context.raw_body.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise BadRequest("The CSV must be UTF-8.") from None
        return self.service.import_csv(req.context.principal.user, text,
                                       req.context.query["roleId"])
