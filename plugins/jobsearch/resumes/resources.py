"""Routes of /api/resumes and /api/resume (the master resume)."""

from __future__ import annotations

from typing import Any

from lightninghire.api import CollectionResource, Resource, endpoint
from lightninghire_plugins.jobsearch.resumes.download import attach
from lightninghire_plugins.jobsearch.resumes.master import MasterResumeService
from lightninghire_plugins.jobsearch.resumes.schemas import (
    AtsReport,
    AtsReportIn,
    ExportQuery,
    MasterExportQuery,
    MasterFromIn,
    MasterIn,
    MasterOut,
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
        """Upload a PDF or DOCX resume (the body is the file, told apart by its first bytes);
        its text is extracted and parsed."""
        return self.service.create_from_file(req.context.principal.user,
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


class AtsPdfResource(Resource[ResumeService]):
    @endpoint(body=AtsReportIn, raw=True, feature="ats_pdf")
    def on_post(self, req: Any, resp: Any, id: str) -> None:
        """Download an ATS PDF of a resume for one job (free: 1): single column, real text, the
        job's keywords the resume shows surfaced in Summary and Skills, nothing invented."""
        attach(resp, self.service.ats_pdf(self.owner(req), id, req.context.body))


class ExportResource(Resource[ResumeService]):
    @endpoint(query=ExportQuery, raw=True)
    def on_get(self, req: Any, resp: Any, id: str) -> None:
        """Download a resume as Markdown (default), an ATS-friendly PDF (``format=pdf``) or a
        Word document (``format=docx``)."""
        attach(resp, self.service.export(self.owner(req), id, req.context.query["format"]))


class MasterResource(Resource[MasterResumeService]):
    @endpoint(response=MasterOut)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """The caller's master resume; before the first save an empty one (``saved: false``)."""
        return self.service.get(self.owner(req))

    @endpoint(body=MasterIn, response=MasterOut)
    def on_put(self, req: Any, resp: Any) -> dict[str, Any]:
        """Replace the master resume (name and text); its skills are parsed locally (free)."""
        return self.service.replace(self.owner(req), req.context.body)

    @endpoint()
    def on_delete(self, req: Any, resp: Any) -> dict[str, Any]:
        """Clear the master resume (the library and builder resumes stay)."""
        self.service.delete(self.owner(req))
        return {"deleted": True}


class MasterFromResource(Resource[MasterResumeService]):
    @endpoint(body=MasterFromIn, response=MasterOut)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Set the master resume from one of your library or builder resumes (a copy)."""
        return self.service.copy_from(self.owner(req), req.context.body)


class MasterExportResource(Resource[MasterResumeService]):
    @endpoint(query=MasterExportQuery, raw=True)
    def on_get(self, req: Any, resp: Any) -> None:
        """Download the master resume as PDF (default), DOCX or Markdown; 404 before a save."""
        attach(resp, self.service.export(self.owner(req), req.context.query["format"]))


class MasterAtsPdfResource(Resource[MasterResumeService]):
    @endpoint(body=AtsReportIn, raw=True, feature="ats_pdf")
    def on_post(self, req: Any, resp: Any) -> None:
        """Download an ATS PDF of the master resume for one job (free: 1, shared with the
        library's and the builder's)."""
        attach(resp, self.service.ats_pdf(self.owner(req), req.context.body))
