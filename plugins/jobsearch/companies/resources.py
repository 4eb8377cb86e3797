"""Routes of /api/companies and /api/company-requests."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from lightninghire.api import Resource, endpoint
from lightninghire_plugins.jobsearch.companies.service import CompanyService


class CompanyNameIn(Schema):
    name = fields.String(required=True, validate=validate.Length(1, 200))


class CompanyRequestIn(CompanyNameIn):
    website = fields.Url(validate=validate.Length(max=500))
    note = fields.String(validate=validate.Length(max=1000))


class CompaniesResource(Resource[CompanyService]):
    @endpoint()
    def on_get(self, req: Any, resp: Any) -> list[dict[str, Any]]:
        """Your companies: in your pipeline, researched or watched."""
        return self.service.directory(self.owner(req))

    @endpoint()
    def on_get_item(self, req: Any, resp: Any, key: str) -> dict[str, Any]:
        """A company brief you have opened before."""
        return self.service.get(self.owner(req), key)


class IntelResource(Resource[CompanyService]):
    @endpoint(body=CompanyNameIn)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Open a company's intel brief (free: 3 companies; a known brief attaches at once)."""
        return self.service.intel(req.context.principal.user, req.context.body["name"])


class RefreshResource(Resource[CompanyService]):
    @endpoint()
    def on_post(self, req: Any, resp: Any, key: str) -> dict[str, Any]:
        """Regenerate a brief older than 30 days."""
        return self.service.refresh(req.context.principal.user, key)


class WatchesResource(Resource[CompanyService]):
    @endpoint(body=CompanyNameIn, status=201)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Watch a company: its new postings join your daily digest (free: 3)."""
        return self.service.watch(req.context.principal.user, req.context.body["name"])

    @endpoint()
    def on_get(self, req: Any, resp: Any) -> list[dict[str, Any]]:
        """The companies you watch."""
        return self.service.watches_of(self.owner(req))

    @endpoint()
    def on_delete_item(self, req: Any, resp: Any, id: str) -> dict[str, Any]:
        """Stop watching a company."""
        self.service.unwatch(self.owner(req), id)
        return {"id": id, "deleted": True}


class CompanyRequestsResource(Resource[CompanyService]):
    @endpoint(body=CompanyRequestIn, status=201)
    def on_post(self, req: Any, resp: Any) -> dict[str, Any]:
        """Ask for intel on a company we do not know yet."""
        return self.service.request(self.owner(req), req.context.body)

    @endpoint()
    def on_get(self, req: Any, resp: Any) -> list[dict[str, Any]]:
        """Your intel requests."""
        return self.service.requests_of(self.owner(req))
