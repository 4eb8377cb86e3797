"""The jobsearch plugin: applications, jobs, resumes, companies, recruiter roles and candidates.

Hook implementations only; each domain lives in its sub-package. See docs/jobsearch.md.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bson import ObjectId
from pymongo import ASCENDING, DESCENDING, IndexModel

from lightninghire.api import hookimpl
from lightninghire_plugins.jobsearch import cli, hookspecs, sample, skills
from lightninghire_plugins.jobsearch.analytics.export import PipelineExport
from lightninghire_plugins.jobsearch.analytics.resources import PipelineExportResource
from lightninghire_plugins.jobsearch.analytics.stats import STATS, WEEKS, PipelineStats
from lightninghire_plugins.jobsearch.applications import resources as app_res
from lightninghire_plugins.jobsearch.applications.auto import AutoPipeline
from lightninghire_plugins.jobsearch.applications.service import ApplicationService
from lightninghire_plugins.jobsearch.builder import resources as builder_res
from lightninghire_plugins.jobsearch.builder.service import BuilderService
from lightninghire_plugins.jobsearch.candidates import resources as cand_res
from lightninghire_plugins.jobsearch.candidates.fit import FIT_SCORE
from lightninghire_plugins.jobsearch.candidates.service import CandidateService
from lightninghire_plugins.jobsearch.companies import resources as company_res
from lightninghire_plugins.jobsearch.companies.intel import COMPANY_INTEL
from lightninghire_plugins.jobsearch.companies.service import CompanyService
from lightninghire_plugins.jobsearch.config import JobsearchSettingsSchema
from lightninghire_plugins.jobsearch.jobs import resources as job_res
from lightninghire_plugins.jobsearch.jobs.match import JOB_MATCH
from lightninghire_plugins.jobsearch.jobs.service import JobService, job_text
from lightninghire_plugins.jobsearch.resumes import resources as resume_res
from lightninghire_plugins.jobsearch.resumes.master import MasterResumeService
from lightninghire_plugins.jobsearch.resumes.service import ResumeService
from lightninghire_plugins.jobsearch.resumes.tailor import TAILOR
from lightninghire_plugins.jobsearch.roles.resources import RolesResource
from lightninghire_plugins.jobsearch.roles.service import RoleService
from lightninghire_plugins.jobsearch.store import (
    ACTIVE,
    APPLICATIONS,
    BOARD_COUNTS,
    BUILDER_RESUMES,
    BUILDER_VERSIONS,
    CANDIDATES,
    COMPANIES,
    COMPANY_REQUESTS,
    COMPANY_UNLOCKS,
    JOBS,
    MASTER_RESUMES,
    RECOMMENDATIONS,
    RESUMES,
    ROLES,
    SAVED_SEARCHES,
    WATCHES,
)

NAME = "jobsearch"
# Its caps name the tiers the plans plugin declares.
plugin_requires = ("plans",)
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
# Hooks this plugin offers the others (jobsearch_owned_applications); the host adds them.
plugin_hookspecs = hookspecs
plugin_settings = JobsearchSettingsSchema
plugin_events = {"emits": (
    "applications.created", "applications.stage_changed", "applications.active_changed",
    "resumes.created", "resumes.version_saved", "candidates.created", "candidates.stage_changed",
    "jobs.recommended", "roles.created")}
SEEKER_ONLY = {"recruiter_free": 0, "recruiter_pro": 0}
UPGRADE = "Upgrade to Pro for unlimited {}."


def _service(services: Any, key: str, factory: Any) -> Any:
    """One service object per app, shared by routes, tasks and hooks."""
    return services.state(f"{NAME}.{key}", factory)


def applications_of(services: Any) -> ApplicationService:
    return _service(services, "applications", ApplicationService)


def jobs_of(services: Any) -> JobService:
    return _service(services, "jobs", JobService)


def resumes_of(services: Any) -> ResumeService:
    return _service(services, "resumes", ResumeService)


def companies_of(services: Any) -> CompanyService:
    return _service(services, "companies", CompanyService)


def masters_of(services: Any) -> MasterResumeService:
    return _service(services, "master", lambda s: MasterResumeService(s, resumes_of(s)))


def builders_of(services: Any) -> BuilderService:
    return _service(services, "builder", lambda s: BuilderService(s, resumes_of(s)))


@hookimpl
def register_routes(routes: Any, services: Any) -> None:
    apps, jobs, resumes = applications_of(services), jobs_of(services), resumes_of(services)

    with routes.group(tags="applications"):
        applications = app_res.ApplicationsResource(apps)
        routes.add_collection("/api/applications", applications)
        routes.add("/api/applications/board", app_res.BoardResource(apps))
        routes.add("/api/applications/bulk", app_res.BulkResource(apps))
        routes.add("/api/applications/auto", app_res.AutoPipelineResource(
            services.state(f"{NAME}.auto", lambda s: AutoPipeline(s, apps, resumes))))
        routes.add("/api/applications/active", app_res.ActiveResource(apps))
        routes.add("/api/applications/{id}/stage", app_res.StageResource(apps))
        routes.add("/api/applications/{id}/notes", app_res.NotesResource(apps))

    with routes.group(tags="analytics"):
        routes.add("/api/analytics/pipeline.csv",
                   PipelineExportResource(PipelineExport(services.db)))

    with routes.group(tags="jobs"):
        listing = job_res.JobsResource(jobs)
        routes.add_collection("/api/jobs", listing)
        routes.add("/api/jobs/{id}/save", job_res.JobSaveResource(jobs, apps))
        routes.add("/api/jobs/match", job_res.MatchResource(services, jobs))
        routes.add("/api/jobs/recommendations", job_res.RecommendationsResource(jobs))
        searches = job_res.SavedSearchesResource(jobs)
        routes.add_collection("/api/jobs/saved-searches", searches)

    with routes.group(tags="resumes"):
        listing_r = resume_res.ResumesResource(resumes)
        routes.add_collection("/api/resumes", listing_r)
        routes.add("/api/resumes/upload", resume_res.UploadResource(resumes))
        routes.add("/api/resumes/{id}/tailor", resume_res.TailorResource(resumes))
        routes.add("/api/resumes/{id}/tailor-to-job", resume_res.TailorToJobResource(resumes))
        routes.add("/api/resumes/{id}/ats-report", resume_res.AtsResource(resumes))
        routes.add("/api/resumes/{id}/export", resume_res.ExportResource(resumes))
        routes.add("/api/resumes/{id}/ats-pdf", resume_res.AtsPdfResource(resumes))

    with routes.group(tags="resume"):
        master = masters_of(services)
        routes.add("/api/resume", resume_res.MasterResource(master))
        routes.add("/api/resume/from", resume_res.MasterFromResource(master))
        routes.add("/api/resume/export", resume_res.MasterExportResource(master))
        routes.add("/api/resume/ats-pdf", resume_res.MasterAtsPdfResource(master))

    with routes.group(tags="builder-resumes"):
        builders = builders_of(services)
        builder = builder_res.BuilderResource(builders)
        routes.add_collection("/api/builder-resumes", builder)
        versions = builder_res.VersionsResource(builders)
        routes.add("/api/builder-resumes/{id}/versions", versions)
        routes.add("/api/builder-resumes/{id}/versions/{number}", versions, suffix="item")
        routes.add("/api/builder-resumes/{id}/export", builder_res.ExportResource(builders))
        routes.add("/api/builder-resumes/{id}/to-resume", builder_res.ToResumeResource(builders))
        routes.add("/api/builder-resumes/{id}/ats-pdf", builder_res.AtsPdfResource(builders))

    with routes.group(tags="companies"):
        companies = companies_of(services)
        directory = company_res.CompaniesResource(companies)
        routes.add("/api/companies", directory)
        routes.add("/api/companies/intel", company_res.IntelResource(companies))
        watches = company_res.WatchesResource(companies)
        routes.add_collection("/api/companies/watches", watches)
        routes.add("/api/companies/{key}", directory, suffix="item")
        routes.add("/api/companies/{key}/refresh", company_res.RefreshResource(companies))
        routes.add("/api/company-requests", company_res.CompanyRequestsResource(companies))

    with routes.group(tags="roles"):
        roles = RolesResource(RoleService(services))
        routes.add_collection("/api/roles", roles)

    with routes.group(tags="candidates"):
        people = CandidateService(services)
        candidates = cand_res.CandidatesResource(people)
        routes.add_collection("/api/candidates", candidates)
        routes.add("/api/candidates/import", cand_res.ImportResource(people))
        routes.add("/api/candidates/{id}/stage", cand_res.StageResource(people))
        routes.add("/api/candidates/{id}/notes", cand_res.NotesResource(people))
        routes.add("/api/candidates/{id}/scorecards", cand_res.ScorecardsResource(people))
        routes.add("/api/candidates/{id}/rubric-scores", cand_res.RubricScoresResource(people))
        routes.add("/api/candidates/{id}/fit-score", cand_res.FitScoreResource(people))


@hookimpl
def register_collections(collections: Any) -> None:
    # {userId} alone: nx-27017 cannot insert under a compound index that includes _id.
    by_owner = [IndexModel([("userId", ASCENDING)])]
    collections.add(APPLICATIONS, owner_field="userId", indexes=[
        *by_owner,
        IndexModel([("userId", ASCENDING), ("status", ASCENDING)]),
        # The board: one column's cards (not archived, one stage), newest first.
        IndexModel([("userId", ASCENDING), ("archived", ASCENDING), ("status", ASCENDING)]),
        # The list: one user's cards by archived flag, newest first (cursor on _id). MongoDB
        # would take ("_id", -1) as a third key; the embedded server cannot index _id in a
        # compound key, so the sort runs over one user's cards only.
        IndexModel([("userId", ASCENDING), ("archived", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("lastActivityAt", DESCENDING)]),
        IndexModel([("userId", ASCENDING), ("sourceJobId", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("jobId", ASCENDING)]),
    ])
    # One document per user, whose _id is the user id: reached (and sharded) by _id.
    collections.add(ACTIVE, owner_field="userId", shard_key="_id")
    # The board's counts per stage, one document per user (_id = user id): applications/counts.py.
    collections.add(BOARD_COUNTS, owner_field="userId", shard_key="_id",
                    indexes=by_owner)
    # The analytics counters: one document per user, one per user and week, both by _id.
    collections.add(STATS, owner_field="userId", shard_key="_id", indexes=by_owner)
    collections.add(WEEKS, owner_field="userId", shard_key="_id", indexes=by_owner)
    # Postings are shared by every user: no owner.
    collections.add(JOBS, indexes=[
        IndexModel([("key", ASCENDING)], unique=True),
        IndexModel([("terms", ASCENDING)]),
        IndexModel([("postedAt", DESCENDING)]),
        IndexModel([("createdAt", DESCENDING)]),
        IndexModel([("company", ASCENDING)]),
    ])
    collections.add(SAVED_SEARCHES, owner_field="userId", indexes=by_owner)
    collections.add(RECOMMENDATIONS, owner_field="userId")
    collections.add(RESUMES, owner_field="userId", indexes=[
        *by_owner, IndexModel([("userId", ASCENDING), ("kind", ASCENDING)])])
    collections.add(BUILDER_RESUMES, owner_field="userId", indexes=by_owner)
    # The master resume: one document per user, whose _id is the user id (read by _id).
    collections.add(MASTER_RESUMES, owner_field="userId", shard_key="_id")
    # The unique number per resume serialises concurrent saves of the same version.
    collections.add(BUILDER_VERSIONS, owner_field="userId", indexes=[
        *by_owner, IndexModel([("builderId", ASCENDING), ("number", ASCENDING)], unique=True)])
    collections.add(COMPANIES)  # briefs are shared across users: no owner
    collections.add(COMPANY_UNLOCKS, owner_field="userId", indexes=[
        IndexModel([("userId", ASCENDING), ("companyKey", ASCENDING)], unique=True)])
    collections.add(WATCHES, owner_field="userId", indexes=by_owner)
    collections.add(COMPANY_REQUESTS, owner_field="userId", indexes=by_owner)
    collections.add(ROLES, owner_field="userId", indexes=[
        *by_owner, IndexModel([("userId", ASCENDING), ("status", ASCENDING)])])
    collections.add(CANDIDATES, owner_field="userId", indexes=[
        *by_owner, IndexModel([("userId", ASCENDING), ("roleId", ASCENDING)]),
        IndexModel([("userId", ASCENDING), ("email", ASCENDING)])])


@hookimpl
def register_policy(policy: Any) -> None:
    def feature(key: str, label: str, free: int, window: str = "total", ai: bool = False,
                seeker_only: bool = True, hint: str | None = None) -> None:
        limits: dict[str, int | None] = {"free": free, **(SEEKER_ONLY if seeker_only else {})}
        policy.add_feature(key=key, label=label, limits=limits, window=window, ai_action=ai,
                           upgrade_hint=hint or UPGRADE.format(label.lower()))

    feature("applications", "Job applications", 20)
    # PRODUCT §3.1/§6.4: a posting in -> card, tailored resume, outreach draft; free 1 in all.
    feature("auto_pipeline", "Auto-pipeline", 1, ai=True)
    feature("job_searches", "Job searches", 10, window="day")
    feature("job_match", "Job match scores", 3)
    feature("resumes", "Resumes", 3, ai=True)
    feature("resume_tailoring", "Resume tailoring", 1, ai=True)
    feature("resume_versions", "Saved resume versions", 1)
    feature("ats_pdf", "ATS PDF generation", 1,
            hint="Upgrade to Pro for unlimited ATS PDFs tailored to each job.")
    feature("company_intel", "Company intel briefs", 3, ai=True, seeker_only=False)
    feature("company_watch", "Company watches", 3, seeker_only=False)
    feature("tailor_resume_to_job", "Tailor resume to job", 0, ai=True,
            hint="Upgrade to Pro to tailor your resume to saved jobs and applications.")

    # Recruiter side: only the recruiter role (and super admins) reach these routes.
    policy.add_lines(["p, recruiter, requisitions, read", "p, recruiter, requisitions, write",
                      "p, recruiter, candidates, read", "p, recruiter, candidates, write"])
    recruiter_hint = "Upgrade to Recruiter Pro for unlimited {}."
    # Open roles and candidates per role are live counts checked by the plugin (the engine
    # counts uses); the candidate total is a lifetime count like every "total" feature.
    policy.add_feature(key="requisitions", label="Open roles", window="total",
                       limits={"free": 0, "recruiter_free": 3},
                       upgrade_hint=recruiter_hint.format("open roles"))
    policy.add_feature(key="candidates", label="Candidates", window="total",
                       limits={"free": 0, "recruiter_free": 75},
                       upgrade_hint=recruiter_hint.format("candidates"))
    policy.add_feature(key="candidates_per_role", label="Candidates per role", window="total",
                       limits={"free": 0, "recruiter_free": 25},
                       upgrade_hint=recruiter_hint.format("candidates per role"))
    policy.add_feature(key="fit_scores", label="Fit scores", window="total", ai_action=True,
                       limits={"free": 0, "recruiter_free": None},
                       upgrade_hint=recruiter_hint.format("AI actions"))


@hookimpl
def register_ai_tasks(tasks: Any) -> None:
    tasks.add(skills.TASK)
    tasks.add(JOB_MATCH)
    tasks.add(TAILOR)
    tasks.add(FIT_SCORE)
    tasks.add(COMPANY_INTEL)


@hookimpl
def register_tasks(tasks: Any, services: Any) -> None:
    def recommendations(context: Any = None) -> dict[str, int]:
        """Recompute every interested user's job recommendations."""
        return jobs_of(services).refresh_recommendations()

    def sync(context: Any = None) -> dict[str, int]:
        """Pull postings from every plugin implementing the job_sources hook."""
        return sync_sources(services)

    tasks.add("job-recommendations", schedule="0 6 * * *", run=recommendations,
              lease_seconds=600)
    tasks.add("jobs-sync", schedule="15 * * * *", run=sync, lease_seconds=600)


def sync_sources(services: Any) -> dict[str, int]:
    """Store what ``job_sources`` implementations return (the hook is optional: without its
    spec in the core, or without implementations, nothing happens)."""
    caller = getattr(services.plugins.hook, "job_sources", None)
    if caller is None or caller.spec is None:
        return {"sources": 0, "created": 0, "updated": 0, "errors": 0}
    jobs = jobs_of(services)
    totals = {"sources": 0, "created": 0, "updated": 0, "errors": 0}

    def failed(plugin: str, exc: Exception) -> None:
        services.log.error("plugin %s: job_sources failed", plugin, exc_info=exc)
        totals["errors"] += 1

    for plugin, found in services.plugins.call_each("job_sources", on_error=failed,
                                                    services=services):
        if not found:
            continue
        totals["sources"] += 1
        result = jobs.upsert_many(list(found)[:5000], source=plugin)
        totals["created"] += result["created"]
        totals["updated"] += result["updated"]
        totals["errors"] += len(result["errors"])
    return totals


@hookimpl
def register_commands(commands: Any) -> None:
    commands.add("jobs", "Job postings: import a CSV or JSON file", configure=cli.configure,
                 run=cli.run)


@hookimpl(optionalhook=True)  # declared by the cron plugin: without it, never called
def collect_digest(user: dict[str, Any], since: datetime,
                   services: Any) -> list[dict[str, Any]] | None:
    user_id = str(user["_id"])
    items = jobs_of(services).digest(user_id, since)
    seen = {(i["title"], i.get("company")) for i in items}
    for item in companies_of(services).watched_postings(user_id, since):
        if (item["title"], item.get("company")) not in seen:
            seen.add((item["title"], item.get("company")))
            items.append(item)
    return items[:20] or None


@hookimpl(optionalhook=True)  # declared by the cron plugin: without it, never called
def cron_analytics_sections(user_id: str, weeks: int, detail: bool,
                            services: Any) -> dict[str, Any] | None:
    """The pipeline section of the seeker analytics (docs/jobsearch.md)."""
    stats = services.state(f"{NAME}.pipeline_stats", lambda s: PipelineStats(s.db, s.background.defer))
    return {"pipeline": stats.section(user_id, services.clock.now(), weeks, detail)}


@hookimpl
def user_document(user: dict[str, Any], document_id: str, services: Any) -> dict[str, Any] | None:
    """An application (its stored description, else its job's posting), a resume (its content)
    or a job posting, in full, by id; only the user's own applications and resumes."""
    if not isinstance(document_id, str) or not OBJECT_ID.match(document_id):
        return None
    user_id, oid = str(user["_id"]), ObjectId(document_id)
    app = services.db[APPLICATIONS].find_one({"_id": oid, "userId": user_id})
    if app is not None:
        text = app.get("description") or ""
        if not text.strip() and app.get("jobId") and OBJECT_ID.match(str(app["jobId"])):
            job = services.db[JOBS].find_one({"_id": ObjectId(str(app["jobId"]))})
            text = job_text(job) if job else ""
        return {"kind": "application", "title": app.get("role"), "company": app.get("company"),
                "text": text.strip() or None}
    resume = services.db[RESUMES].find_one({"_id": oid, "userId": user_id})
    if resume is not None:
        return {"kind": "resume", "title": resume.get("name"), "company": None,
                "text": resume.get("content")}
    job = services.db[JOBS].find_one({"_id": oid})
    if job is not None:  # postings are shared by everyone
        return {"kind": "job", "title": job.get("title"), "company": job.get("company"),
                "text": job_text(job)}
    return None


@hookimpl
def user_context(user: dict[str, Any], services: Any) -> dict[str, Any] | None:
    user_id = str(user["_id"])
    context = applications_of(services).summary(user_id)
    context["resumes"] = resumes_of(services).summary(user_id)
    if not context["applications"] and not context["resumes"]:
        return None
    return context


@hookimpl
def jobsearch_owned_applications(user_id: str, application_ids: list[str],
                                 services: Any) -> list[str]:
    wanted = list({ObjectId(i) for i in application_ids
                   if isinstance(i, str) and OBJECT_ID.match(i)})
    if not wanted or not isinstance(user_id, str):
        return []
    found = services.db[APPLICATIONS].find({"_id": {"$in": wanted}, "userId": user_id},
                                           {"_id": 1})
    return [str(doc["_id"]) for doc in found]


@hookimpl
def load_sample_data(user: dict[str, Any], services: Any) -> dict[str, Any] | None:
    """The shipped sample postings (``sample/jobs.json``), posted a few days ago; loaded again,
    they are updated (source ``sample`` + their ids), never duplicated."""
    return {"jobs": sample.load_jobs(jobs_of(services), services.clock.now())}
