"""Routes of /api/resumes."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.jobsearch.resumes.schemas import (
    AtsReport,
    AtsReportIn,
    ExportQuery,
    ResumeIn,
    ResumeOut,
    ResumePatch,
    ResumeQuery,
    TailorIn,
    TailorToJobIn,
    UploadQuery,
)
from lightninghire_plugins.jobsearch.resumes.service import ResumeService


class ResumesResource(CollectionResource):
    item, create_body, patch_body, list_query = ResumeOut, ResumeIn, ResumePatch, ResumeQuery
    with_user = ("on_post", "on_patch_item")
    delete_echoes_id = True
    endpoints = {
        "on_post": endpoint(feature="resumes", summary="Add a master resume from pasted text or "
                                                       "Markdown (free: 3); skills are parsed."),
        "on_get": endpoint(summary="The caller's resumes, newest first; search by name or target "
                                   "company."),
        "on_get_item": endpoint(summary="One resume."),
        "on_patch_item": endpoint(summary="Edit a resume (a changed text is parsed again)."),
        "on_delete_item": endpoint(summary="Delete a resume."),
    }


class UploadResource(Resource[ResumeService]):
    @endpoint(query=UploadQuery, raw_body=True, response=ResumeOut, status=201,
              feature="resumes")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Upload a PDF resume (the body is the file); its text is extracted and parsed."""
        return self.service.create_from_pdf(req.context.principal.user,
                                            req.context.query["name"], req.context.raw_body)


class TailorResource(Resource[ResumeService]):
    @endpoint(body=TailorIn, response=ResumeOut, status=201, feature="resume_tailoring")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Tailor a resume to a pasted job description (free: 1): a tailored copy with the
        proposed edits and gap flags."""
        return self.service.tailor(req.context.principal.user, id, req.context.body)


class TailorToJobResource(Resource[ResumeService]):
    @endpoint(body=TailorToJobIn, response=ResumeOut, status=201, feature="tailor_resume_to_job")
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Tailor a resume to a stored job or one of your applications (Pro)."""
        return self.service.tailor(req.context.principal.user, id, req.context.body)


class AtsResource(Resource[ResumeService]):
    @endpoint(body=AtsReportIn, response=AtsReport)
    def on_post(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """ATS keyword report of a resume against a job: present, missing, tips."""
        return self.service.ats_report(self.owner(req), id, req.context.body)


class ExportResource(Resource[ResumeService]):
    @endpoint(query=ExportQuery, raw=True)
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """Download a resume as Markdown (default) or an ATS-friendly PDF (``format=pdf``)."""
        if req.context.query["format"] == "pdf":
            filename, data = self.service.pdf(self.owner(req), id)
            resp.content_type = "application/pdf"
            resp.set_header("Content-Disposition", f'attachment; filename="{filename}"')
            resp.data = data
            return
        filename, text = self.service.markdown(self.owner(req), id)
        resp.content_type = "text/markdown; charset=utf-8"
        resp.set_header("Content-Disposition", f'attachment; filename="{filename}"')
        resp.text = text
