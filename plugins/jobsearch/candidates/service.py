"""Recruiter-side candidates: caps (total and per role), stages with an immutable history,
notes, scorecards, rubric scores, cached fit scores and CSV bulk import."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bson import ObjectId
from marshmallow import ValidationError

from lightninghire.api import (
    AppError,
    BadRequest,
    Conflict,
    NotFound,
    ValidationFailed,
    given,
    object_id_or_404,
    paginate,
    read_csv,
)
from lightninghire_plugins.jobsearch.candidates.fit import NAME as FIT
from lightninghire_plugins.jobsearch.candidates.schemas import CandidateIn
from lightninghire_plugins.jobsearch.common import joined, owned
from lightninghire_plugins.jobsearch.meter import ServiceBase
from lightninghire_plugins.jobsearch.store import CANDIDATES, ROLES, revise

TOTAL, PER_ROLE = "candidates", "candidates_per_role"
TERMINAL_FROM_ANYWHERE = ("rejected", "withdrawn")
# Import columns: the documented ones and the shipped template's (PRODUCT §10.11).
COLUMNS = {"name", "first_name", "last_name", "email", "title", "company", "linkedin", "phone",
           "source", "notes", "skills", "experience", "education", "certifications"}
MAX_IMPORT_ROWS = 1000


class CandidateService(ServiceBase):
    def __init__(self, services: Any) -> None:
        super().__init__(services)
        self.ai = services.ai
        self.candidates = services.db[CANDIDATES]
        self.roles = services.db[ROLES]

    # -- create --------------------------------------------------------------------------------

    def _role(self, user_id: str, role_id: str | None) -> dict[str, Any] | None:
        return owned(self.roles, user_id, role_id, "role") if role_id else None

    def _check_role_room(self, user: Mapping[str, Any], role_id: str) -> None:
        limit = self.meter.limit(user, PER_ROLE)
        if limit is None:
            return
        used = self.candidates.count_documents({"userId": str(user["_id"]), "roleId": role_id},
                                              limit=limit)
        if used >= limit:
            raise self.meter.refuse(PER_ROLE, limit, used,
                                    f"This role already has {used} candidates, the most your "
                                    f"plan allows per role.")

    def create(self, user: Mapping[str, Any], body: Mapping[str, Any]) -> dict[str, Any]:
        """A candidate, in the pool or on a role: both caps are checked (per role, then total)."""
        user_id = str(user["_id"])
        role_id = body.get("roleId")
        self._role(user_id, role_id)
        if body.get("email") and self.candidates.find_one(
                {"userId": user_id, "email": body["email"].lower(), "roleId": role_id}):
            raise Conflict("This person is already a candidate here (same email).")
        if role_id:
            self._check_role_room(user, role_id)
        consumption = self.meter.consume(user, TOTAL)
        now = self.clock.now()
        doc = {**{k: v for k, v in body.items() if v not in (None, "")}, "userId": user_id,
               "roleId": role_id, "stage": "sourced", "stageChangedAt": now,
               "stageHistory": [{"from": None, "to": "sourced", "at": now}], "notes": [],
               "scorecards": [], "rubricScores": [], "fitScore": None, "createdAt": now,
               "rev": 0}
        if doc.get("email"):
            doc["email"] = doc["email"].lower()
        try:
            doc["_id"] = self.candidates.insert_one(doc).inserted_id
        except Exception:
            consumption.refund()
            raise
        self.events.emit("candidates.created", {"candidateId": str(doc["_id"]),
                                                "roleId": role_id}, user_id=user_id)
        return self.public(doc)

    def import_csv(self, user: Mapping[str, Any], text: str, role_id: str | None) -> dict[str, Any]:
        """Bulk import: each row is created on its own, caps checked row by row; bad rows,
        duplicates and rows past a cap are reported with their row number (1 = first data row)."""
        user_id = str(user["_id"])
        self._role(user_id, role_id)
        table = read_csv(text, max_rows=MAX_IMPORT_ROWS)  # a malformed file is a 400
        headers = [h.strip().lower().replace(" ", "_") for h in table.header]
        unknown = [h for h in headers if h not in COLUMNS]
        if len(unknown) == len(headers) or not table.rows:
            # Not a candidate file (a JSON body, an empty upload): say so instead of "0 created".
            raise ValidationFailed({"csv": [
                "The CSV needs a header row naming at least one of "
                f"{', '.join(sorted(COLUMNS))}, and one row per candidate."]})
        created: list[str] = []
        skipped: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        for number, values in enumerate(table.rows, start=1):
            row = {h: v.strip() for h, v in zip(headers, values, strict=False) if h in COLUMNS}
            try:
                body = self._row_body(row, role_id)
            except ValidationError as exc:
                errors.append({"row": number, "message": _flatten(exc.normalized_messages())})
                continue
            if body.get("email") and self.candidates.find_one(
                    {"userId": user_id, "email": body["email"].lower(), "roleId": role_id}):
                skipped.append({"row": number, "reason": "duplicate email"})
                continue
            try:
                created.append(self.create(user, body)["id"])
            except AppError as exc:  # a cap reached mid-file: report it, keep what was made
                errors.append({"row": number, "message": exc.message, "code": exc.code})
        if table.truncated:
            errors.append({"row": MAX_IMPORT_ROWS + 1,
                           "message": f"only {MAX_IMPORT_ROWS} rows are read"})
        return {"created": len(created), "ids": created, "skipped": skipped, "errors": errors,
                "unknownColumns": unknown}

    @staticmethod
    def _row_body(row: Mapping[str, str], role_id: str | None) -> dict[str, Any]:
        name = row.get("name") or " ".join(filter(None, [row.get("first_name"),
                                                         row.get("last_name")]))
        body: dict[str, Any] = {"name": name, "source": "bulk_import", "roleId": role_id}
        for key in ("email", "title", "company", "linkedin", "phone", "experience", "education",
                    "certifications"):
            if row.get(key):
                body[key] = row[key]
        if row.get("skills"):
            body["skills"] = [s.strip() for s in row["skills"].split(",") if s.strip()]
        loaded = CandidateIn().load(body)
        if row.get("notes"):
            loaded["importNote"] = row["notes"][:5000]
        return loaded

    # -- read ----------------------------------------------------------------------------------

    def get(self, user_id: str, id: str) -> dict[str, Any]:
        return self.public(owned(self.candidates, user_id, id, "candidate"))

    def list(self, user_id: str, query: Mapping[str, Any]) -> dict[str, Any]:
        filter = {"userId": user_id, **given(query, "roleId", "stage", "source")}
        if query.get("q"):
            filter["name"] = {"$regex": re.escape(query["q"]), "$options": "i"}
        return paginate(self.candidates, filter, limit=query["limit"],
                        cursor=query.get("cursor"), transform=self.public)

    def update(self, user_id: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        doc = owned(self.candidates, user_id, id, "candidate")
        changes = dict(body)
        if {"skills", "experience", "resumeText", "title"} & changes.keys() and doc.get("fitScore"):
            changes["fitScore"] = {**doc["fitScore"], "stale": True}
        self.candidates.update_one({"_id": doc["_id"]}, {"$set": changes})
        return self.public({**doc, **changes})

    # -- pipeline ------------------------------------------------------------------------------

    def _append(self, user_id: str, id: str, field: str, entry: Mapping[str, Any],
                extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        def change(doc: dict[str, Any]) -> dict[str, Any]:
            return {field: [*doc.get(field, []), dict(entry)][-200:], **(extra or {})}

        doc = revise(self.candidates, {"_id": object_id_or_404(id, "candidate"), "userId": user_id}, change)
        if not doc:
            raise NotFound("No such candidate.")
        return doc

    def move(self, user_id: str, id: str, stage: str) -> dict[str, Any]:
        """Stage change; the history only ever grows (it cannot be edited or deleted)."""
        current = owned(self.candidates, user_id, id, "candidate")
        if current["stage"] == stage:
            return self.public(current)
        now = self.clock.now()
        doc = self._append(user_id, id, "stageHistory",
                           {"from": current["stage"], "to": stage, "at": now},
                           {"stage": stage, "stageChangedAt": now})
        self.events.emit("candidates.stage_changed", {"candidateId": id, "roleId": doc["roleId"],
                                                      "from": current["stage"], "to": stage},
                         user_id=user_id)
        return self.public(doc)

    def add_note(self, user_id: str, id: str, text: str) -> dict[str, Any]:
        entry = {"id": str(ObjectId()), "text": text, "at": self.clock.now()}
        return self.public(self._append(user_id, id, "notes", entry))

    def add_scorecard(self, user: Mapping[str, Any], id: str,
                      body: Mapping[str, Any]) -> dict[str, Any]:
        entry = {"id": str(ObjectId()), **body, "submittedBy": str(user["_id"]),
                 "interviewer": body.get("interviewer") or user.get("name"),
                 "at": self.clock.now()}
        return self.public(self._append(str(user["_id"]), id, "scorecards", entry))

    def add_rubric_score(self, user_id: str, id: str, body: Mapping[str, Any]) -> dict[str, Any]:
        entry = {**body, "at": self.clock.now()}
        return self.public(self._append(user_id, id, "rubricScores", entry))

    def cached_fit(self, user_id: str, id: str) -> dict[str, Any]:
        doc = owned(self.candidates, user_id, id, "candidate")
        if not doc.get("fitScore"):
            raise NotFound("No fit score yet: generate one.")
        return doc["fitScore"]

    def fit_score(self, user: Mapping[str, Any], id: str) -> dict[str, Any]:
        """Generate (or regenerate) the fit score and cache it on the candidate."""
        user_id = str(user["_id"])
        doc = owned(self.candidates, user_id, id, "candidate")
        if not doc.get("roleId"):
            raise BadRequest("Attach the candidate to a role first: fit is scored per role.")
        role = owned(self.roles, user_id, doc["roleId"], "role")
        required, nice = role.get("requiredSkills") or [], role.get("niceToHaveSkills") or []
        # Empty lists add no heading: an empty "Required:" would hide the description's own.
        where = " ".join(filter(None, [role.get("location"), f"({role['workMode']})"
                                       if role.get("workMode") else None]))
        job = "\n".join(filter(None, [role.get("description"),
                                      f"Location: {where}" if where else None,
                                      "Required: " + ", ".join(required) if required else None,
                                      "Nice to have: " + ", ".join(nice) if nice else None]))
        skills = doc.get("skills") or []
        person = "\n".join(filter(None, [doc["name"], doc.get("title"), doc.get("headline"),
                                         "Skills: " + ", ".join(skills) if skills else None,
                                         doc.get("experience"), doc.get("education"),
                                         doc.get("certifications"), doc.get("resumeText")]))
        result = self.ai.run(FIT, {"roleTitle": role["title"], "jobDescription": job,
                                   "candidateText": person,
                                   "asOf": self.clock.now().date().isoformat()}, user=user).data
        cached = {**result, "at": self.clock.now(), "stale": False}
        self.candidates.update_one({"_id": doc["_id"]}, {"$set": {"fitScore": cached}})
        return cached

    def public(self, doc: Mapping[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in doc.items() if k not in ("_id", "userId", "rev")}
        out["id"] = str(doc["_id"])
        changed = doc.get("stageChangedAt") or doc.get("createdAt")
        out["daysInStage"] = (self.clock.now() - changed).days if changed else 0
        return out


def _flatten(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{k}: {_flatten(v)}" for k, v in messages.items())
    if isinstance(messages, list):
        return joined(str(_flatten(m)) for m in messages).replace("\n", " ")
    return str(messages)
