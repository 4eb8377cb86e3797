"""Routes of /api/builder-resumes."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, NotFound, PageQuery, Resource, endpoint, page_schema
from lightninghire_plugins.jobsearch.builder.schemas import (
    BuilderIn,
    BuilderOut,
    BuilderPatch,
    BuilderQuery,
    ExportQuery,
    VersionIn,
    VersionOut,
    VersionSummary,
)
from lightninghire_plugins.jobsearch.builder.service import BuilderService
from lightninghire_plugins.jobsearch.resumes.download import attach
from lightninghire_plugins.jobsearch.resumes.schemas import AtsReportIn, ResumeOut

MAX_VERSION = 1_000_000


class BuilderResource(CollectionResource):
    item, create_body, patch_body, list_query = BuilderOut, BuilderIn, BuilderPatch, BuilderQuery
    delete_echoes_id = True
    endpoints = {
        "on_post": endpoint(summary="Start a structured resume: contact, summary, experience, "
                                    "education, skills, projects, certifications."),
        "on_get": endpoint(summary="The caller's builder resumes, newest first; ``q`` searches "
                                   "the name."),
        "on_get_item": endpoint(summary="One builder resume."),
        "on_patch_item": endpoint(summary="Edit: each section given replaces that section whole."),
        "on_delete_item": endpoint(summary="Delete a builder resume and its saved versions."),
    }


class VersionsResource(Resource[BuilderService]):
    @endpoint(body=VersionIn, response=VersionOut, status=201, feature="resume_versions")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Save an immutable snapshot of the resume as its next version (free: 1)."""
        return self.service.save_version(self.owner(req), id, (req.context.body or {}).get("label"))

    @endpoint(query=PageQuery, response=page_schema(VersionSummary))
    def on_get(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """The resume's saved versions, newest first (without their snapshots)."""
        return self.service.list_versions(self.owner(req), id, req.context.query)

    @endpoint(response=VersionOut)
    def on_get_item(self, req: Any, resp: Any, id: str, number: str) -> dict[str, Any]:
        """One saved version with its full snapshot."""
        if not number.isdigit() or not 0 < int(number) < MAX_VERSION:
            raise NotFound("No such version.")
        return self.service.get_version(self.owner(req), id, int(number))


class ExportResource(Resource[BuilderService]):
    @endpoint(query=ExportQuery, raw=True)
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """Download the resume as an ATS-friendly PDF (default), a Word document
        (``format=docx``) or Markdown."""
        attach(resp, self.service.export(self.owner(req), id, req.context.query["format"]))


class AtsPdfResource(Resource[BuilderService]):
    @endpoint(body=AtsReportIn, raw=True, feature="ats_pdf")
    def on_post(self, req: Any, resp: Any, id: str) -> None:
        """Download an ATS PDF of the resume for one job (free: 1): single column, real text,
        the job's keywords the resume shows surfaced in Summary and Skills, nothing invented."""
        attach(resp, self.service.ats_pdf(self.owner(req), id, req.context.body))


class ToResumeResource(Resource[BuilderService]):
    @endpoint(response=ResumeOut, status=201, feature="resumes")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Render the builder resume into a master text resume (counts toward resumes)."""
        return self.service.to_resume(req.context.principal.user, id)
