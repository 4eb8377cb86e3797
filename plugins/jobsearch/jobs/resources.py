"""Routes of /api/jobs: search, details, save to the pipeline, match, saved searches."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lightninghire.api import BadRequest, Reply, endpoint
from lightninghire_plugins.jobsearch.applications.schemas import ApplicationOut
from lightninghire_plugins.jobsearch.applications.service import ApplicationService
from lightninghire_plugins.jobsearch.common import owned
from lightninghire_plugins.jobsearch.jobs.match import BAND_TEXT, NAME
from lightninghire_plugins.jobsearch.jobs.schemas import (
    JobMatchIn,
    JobMatchOut,
    JobOut,
    JobPage,
    JobQuery,
    JobSaveIn,
    RecommendationsOut,
    SavedSearchIn,
    SavedSearchOut,
)
from lightninghire_plugins.jobsearch.jobs.service import JobService, job_text
from lightninghire_plugins.jobsearch.store import APPLICATIONS


class JobsResource:
    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    @endpoint(query=JobQuery, response=JobPage, feature="job_searches")
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Search jobs by keywords, location, remote, salary floor and recency (free: 10 a day);
        keyword results are ranked by BM25."""
        return self.jobs.search(req.context.query)

    @endpoint(response=JobOut)
    def on_get_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """One job's details."""
        return self.jobs.get(id)


class JobSaveResource:
    def __init__(self, jobs: JobService, applications: ApplicationService) -> None:
        self.jobs = jobs
        self.applications = applications

    @endpoint(body=JobSaveIn, response=ApplicationOut, status=201)
    def on_post(self, req: Any, resp: Any, id: str) -> Any:
        """Save a job to the pipeline (lands in Saved with the full description); saving it
        again returns the existing card."""
        job = self.jobs.raw(id)
        body = {"company": job.get("company") or "Unknown company", "role": job["title"],
                "description": job_text(job)[:50_000], "location": job.get("location"),
                "jobUrl": job.get("url"), "locationType": "remote" if job.get("remote") else None,
                "status": req.context.body["status"]}
        card = self.applications.create(req.context.principal.user, body, job_id=id)
        return Reply(card, status=200 if card["duplicate"] else 201)


class MatchResource:
    def __init__(self, services: Any, jobs: JobService) -> None:
        self.services = services
        self.jobs = jobs

    @endpoint(body=JobMatchIn, response=JobMatchOut, feature="job_match")
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Score a job against a resume, 0-100 with a band and the reasons (free: 3 in all)."""
        body = req.context.body
        user = req.context.principal.user
        user_id = req.context.principal.user_id
        if body.get("jobId"):
            job = self.jobs.raw(body["jobId"])
            title, description = job["title"], job_text(job)
        else:
            title, description = body.get("jobTitle", ""), body["jobDescription"]
        resume_id, resume_text = self._resume(user_id, body)
        profile = user.get("profile") or {}
        result = self.services.ai.run(NAME, {
            "jobTitle": title, "jobDescription": description, "resumeText": resume_text,
            "targetRoles": [r for r in (profile.get("targetRoles") or []) if isinstance(r, str)],
            "asOf": self.services.clock.now().date().isoformat()},
            user=user).data
        if body.get("applicationId"):
            app = owned(self.services.db[APPLICATIONS], user_id, body["applicationId"],
                        "application")
            self.services.db[APPLICATIONS].update_one({"_id": app["_id"]},
                                                      {"$set": {"matchScore": result["score"]}})
        return {**result, "label": BAND_TEXT[result["band"]], "jobId": body.get("jobId"),
                "resumeId": resume_id}

    def _resume(self, user_id: str, body: Mapping[str, Any]) -> tuple[str | None, str]:
        if body.get("resumeText"):
            return None, body["resumeText"]
        resumes = self.jobs.resumes
        if body.get("resumeId"):
            doc = owned(resumes, user_id, body["resumeId"], "resume")
        else:
            doc = resumes.find_one({"userId": user_id, "kind": "master"}, sort=[("_id", -1)])
            if doc is None:
                raise BadRequest("Add a resume first, or send resumeText.")
        return str(doc["_id"]), doc["content"]


class SavedSearchesResource:
    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    @endpoint(body=SavedSearchIn, response=SavedSearchOut, status=201)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Save a search: its new matches go into the daily job digest (at most 25)."""
        return self.jobs.save_search(req.context.principal.user_id, req.context.body)

    @endpoint(response=SavedSearchOut(many=True))
    def on_get(self, req: Any, resp: Any) -> list[dict[str, Any]]:
        """The caller's saved searches."""
        return self.jobs.saved_searches(req.context.principal.user_id)

    @endpoint()
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Delete a saved search."""
        self.jobs.delete_search(req.context.principal.user_id, id)
        return {"id": id, "deleted": True}


class RecommendationsResource:
    def __init__(self, jobs: JobService) -> None:
        self.jobs = jobs

    @endpoint(response=RecommendationsOut)
    def on_get(self, req: Any, resp: Any) -> dict[str, Any]:
        """Recent jobs recommended from your saved searches and master resume."""
        return self.jobs.recommendations_for(req.context.principal.user_id)
